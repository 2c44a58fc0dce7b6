"""Replay history loaders: every malformed file is one clear error naming the file and line;
readable but suspect rows are reported with what was done about them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.model.history import (
    HistoryError,
    HistoryFiles,
    find_history_files,
    load_futures_table,
    load_history,
    load_spx_history,
    load_vix_close_history,
    monthly_vix_expiries,
)

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def _business_days(start: dt.date, count: int) -> list[dt.date]:
    days = []
    day = start
    while len(days) < count:
        if day.weekday() < 5 and day not in (dt.date(2021, 1, 18), dt.date(2021, 2, 15)):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _write_set(
    folder: Path, days: list[dt.date], *, futures_rows: list[str] | None = None
) -> HistoryFiles:
    spx = folder / "spx_daily.csv"
    vix = folder / "VIX_History.csv"
    fut = folder / "vix_futures_m1_m3.csv"
    spx.write_text(
        "DATE,OPEN,HIGH,LOW,CLOSE\n"
        + "".join(f"{d:%m/%d/%Y},1,1,1,{3800 + i}.0000001\n" for i, d in enumerate(days))
    )
    vix.write_text(
        "DATE,OPEN,HIGH,LOW,CLOSE\n" + "".join(f"{d:%m/%d/%Y},1,1,1,20.5\n" for d in days)
    )
    rows = futures_rows
    if rows is None:
        rows = [f"{d.isoformat()},21.0,22.0,23.0" for d in days]
    fut.write_text("Date,M1,M2,M3\n" + "".join(r + "\n" for r in rows))
    return HistoryFiles(spx=spx, vix=vix, futures=fut)


DAYS = _business_days(dt.date(2021, 1, 4), 60)


def test_clean_synthetic_set_loads_on_one_calendar(tmp_path: Path) -> None:
    files = _write_set(tmp_path, DAYS)
    assert find_history_files(tmp_path) == files
    loaded = load_history(files)
    market = loaded.market
    assert market.size == len(DAYS)
    assert market.spx[0] == 3800.0  # rounded to cents
    # M1 on 2021-01-04 is the January contract (expiry Wed 2021-01-20), M2 February, M3 March.
    assert [str(d) for d in market.futures_expiry[0]] == ["2021-01-20", "2021-02-17", "2021-03-17"]
    # On the expiry Wednesday the columns have rolled: M1 is the next month.
    jan20 = DAYS.index(dt.date(2021, 1, 20))
    assert str(market.futures_expiry[jan20, 0]) == "2021-02-17"
    # Two business days (the holidays left out above) are not exchange holidays in 2021? MLK
    # and Presidents' Day are: so no gap is reported.
    assert not any("gaps" in issue for issue in loaded.issues)


def test_iso_date_close_layout_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "sp500.csv"
    path.write_text("Date,Close\n2021-01-04,3700.65\n2021-01-05,3726.86\n")
    series = load_spx_history(path)
    assert series.close.tolist() == [3700.65, 3726.86]
    assert str(series.dates[1]) == "2021-01-05"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "bad.csv: is empty"),
        ("DATE,OPEN,HIGH,LOW,CLOSE\n", "bad.csv: has a header but no rows"),
        ("DATE,PRICE_X\n01/04/2021,1\n", "bad.csv: no CLOSE column"),
        (
            "DATE,CLOSE\n01/04/2021,1\n01/05/2021\n",
            "bad.csv: line 3: 1 field(s) where the header has 2",
        ),
        (
            "DATE,CLOSE\n01/05/2021,1\n01/04/2021,2\n",
            "bad.csv: line 3: 2021-01-04 comes after 2021-01-05",
        ),
        (
            "DATE,CLOSE\n01/04/2021,1\n01/04/2021,2\n",
            "bad.csv: line 3: the date 2021-01-04 appears twice (also line 2)",
        ),
        ("DATE,CLOSE\n01/04/2021,nan\n", "bad.csv: line 2: CLOSE 'nan' is not a positive number"),
        ("DATE,CLOSE\n01/04/2021,-3\n", "bad.csv: line 2: CLOSE '-3' is not a positive number"),
        ("DATE,CLOSE\n01/04/2021,abc\n", "bad.csv: line 2: CLOSE 'abc' is not a number"),
        ("DATE,CLOSE\n2021-13-04,1\n", "bad.csv: line 2: the date '2021-13-04' is not MM/DD/YYYY"),
        ("DATE,CLOSE\n01/04/2021,1,7\n", "bad.csv: line 2: more fields than the header has"),
    ],
)
def test_malformed_close_files_name_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(HistoryError) as info:
        load_vix_close_history(path)
    assert str(info.value).startswith(message)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Date,X1,X2\n2021-01-04,1,2\n", "expected columns M1, M2, ... in order"),
        ("Date,M1,M3\n2021-01-04,1,2\n", "expected columns M1, M2, ... in order"),
        ("Date,M1,M2\n2021-01-04,1,0\n", "line 2: M2 '0' is not a positive number"),
        ("Date,M1,M2\n2021-01-04,,\n", "the M1 column is empty"),
        ("Date,M1,M2,days_to_expiration\n2021-01-04,1,2,x\n", "line 2: days_to_expiration 'x'"),
    ],
)
def test_malformed_futures_tables(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "fut.csv"
    path.write_text(text)
    with pytest.raises(HistoryError) as info:
        load_futures_table(path)
    assert str(info.value).startswith("fut.csv: ")
    assert message in str(info.value)


def test_a_folder_or_fifo_is_refused_not_read(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "spx.csv"
    os.mkfifo(fifo)
    with pytest.raises(HistoryError, match="not a regular file"):
        load_spx_history(fifo)
    with pytest.raises(HistoryError, match="folder"):
        load_spx_history(tmp_path)


def test_one_day_off_curve_contract_is_set_aside_and_reported(tmp_path: Path) -> None:
    rows = []
    for i, d in enumerate(DAYS):
        m2 = 11.0 if i == 25 else 22.0 + 0.01 * i
        rows.append(f"{d.isoformat()},21.0,{m2},23.0")
    files = _write_set(tmp_path, DAYS, futures_rows=rows)
    loaded = load_history(files)
    bad = DAYS[25].isoformat()
    found = [issue for issue in loaded.issues if bad in issue and "off the curve" in issue]
    assert len(found) == 1
    assert "M2" in found[0] and "set aside" in found[0]
    assert np.isnan(loaded.market.futures_price[25, 1])
    assert np.isfinite(loaded.market.futures_price[24, 1])
    # A move of the whole curve is no bad print.
    rows = [
        f"{d.isoformat()},{30.0 if i == 30 else 21.0},{33.0 if i == 30 else 22.0},"
        f"{34.0 if i == 30 else 23.0}"
        for i, d in enumerate(DAYS)
    ]
    files = _write_set(tmp_path, DAYS, futures_rows=rows)
    assert not any("off the curve" in issue for issue in load_history(files).issues)


def test_calendar_disagreements_and_gaps_are_reported(tmp_path: Path) -> None:
    files = _write_set(tmp_path, DAYS)
    # VIX has an extra (exchange-closed) day and misses a trading day; SPX misses another.
    vix_days = [d for d in DAYS if d != DAYS[10]] + [dt.date(2021, 4, 3)]
    vix_days.sort()
    files.vix.write_text(
        "DATE,OPEN,HIGH,LOW,CLOSE\n" + "".join(f"{d:%m/%d/%Y},1,1,1,20\n" for d in vix_days)
    )
    spx_days = [d for d in DAYS if d != DAYS[20]]
    files.spx.write_text("Date,Close\n" + "".join(f"{d.isoformat()},3800\n" for d in spx_days))
    loaded = load_history(files)
    text = "\n".join(loaded.issues)
    assert f"1 S&P 500 trading day(s) have no VIX close ({DAYS[10].isoformat()})" in text
    assert "left out" in text
    assert f"have no S&P 500 close ({DAYS[20].isoformat()}): gaps" in text
    assert f"futures row(s) on days with no S&P 500 close ({DAYS[20].isoformat()})" in text
    assert loaded.market.size == len(DAYS) - 2
    assert DAYS[10] not in loaded.market.dates.tolist()


def test_range_with_no_common_days_is_an_error(tmp_path: Path) -> None:
    files = _write_set(tmp_path, DAYS)
    with pytest.raises(HistoryError, match="no days in common"):
        load_history(files, start=dt.date(2030, 1, 1))


def test_find_history_files_needs_one_file_per_role(tmp_path: Path) -> None:
    _write_set(tmp_path, DAYS)
    (tmp_path / "vix_copy.csv").write_text("x")
    with pytest.raises(HistoryError, match="more than one VIX daily file"):
        find_history_files(tmp_path)
    (tmp_path / "vix_copy.csv").unlink()
    (tmp_path / "spx_daily.csv").unlink()
    with pytest.raises(HistoryError, match="no S&P 500 daily file"):
        find_history_files(tmp_path)


def test_monthly_vix_expiries_follow_cboe_rule() -> None:
    days = monthly_vix_expiries(dt.date(2022, 3, 1), dt.date(2022, 3, 1))
    # Good Friday 2022-04-15 moves the March 2022 contract to Tuesday 15 March.
    assert np.datetime64("2022-03-15") in days


@pytest.mark.skipif(not DATA.is_dir(), reason="shared/data (real market history) is absent")
def test_real_history_maps_contracts_by_the_calendar_and_reports_bad_rows() -> None:
    loaded = load_history(find_history_files(DATA), start=dt.date(2009, 1, 2))
    market = loaded.market
    dates = market.dates.tolist()
    feb13 = dates.index(dt.date(2018, 2, 13))
    # SOURCES.md: 2018-02-13 M1 = 25.225 is the Feb contract; on 02-14 M1 is March.
    assert str(market.futures_expiry[feb13, 0]) == "2018-02-14"
    assert market.futures_price[feb13, 0] == 25.225
    assert str(market.futures_expiry[feb13 + 1, 0]) == "2018-03-21"
    # Aug 2018: the prices roll on Aug 22 (the file's day count says Aug 15).
    aug16 = dates.index(dt.date(2018, 8, 16))
    assert str(market.futures_expiry[aug16, 0]) == "2018-08-22"
    jun8 = dates.index(dt.date(2023, 6, 8))
    assert np.isnan(market.futures_price[jun8, 4])
    text = "\n".join(loaded.issues)
    assert "2023-06-08 M5" in text
    assert "days_to_expiration disagrees" in text
    assert "2022-05-30" in text  # a VIX global-trading-hours row on a US holiday
    assert dates[0] == dt.date(2009, 1, 2) and dates[-1] == dt.date(2024, 12, 31)


@settings(max_examples=40, deadline=None)
@given(
    gaps=st.lists(st.integers(min_value=1, max_value=5), min_size=2, max_size=40),
    closes=st.lists(st.floats(min_value=0.01, max_value=1e5), min_size=40, max_size=40),
    iso=st.booleans(),
    swap=st.integers(min_value=0, max_value=38),
)
def test_any_sorted_file_reads_back_and_any_swap_is_refused(
    tmp_path_factory: pytest.TempPathFactory,
    gaps: list[int],
    closes: list[float],
    iso: bool,
    swap: int,
) -> None:
    days = [dt.date(2001, 1, 1)]
    for gap in gaps[1:]:
        days.append(days[-1] + dt.timedelta(days=gap))
    values = [round(c, 2) or 0.01 for c in closes[: len(days)]]
    folder = tmp_path_factory.mktemp("prop")
    path = folder / "spx.csv"

    def write(order: list[int]) -> None:
        if iso:
            body = "".join(f"{days[i].isoformat()},{values[i]}\n" for i in order)
            path.write_text("Date,Close\n" + body)
        else:
            body = "".join(f"{days[i]:%m/%d/%Y},1,1,1,{values[i]}\n" for i in order)
            path.write_text("DATE,OPEN,HIGH,LOW,CLOSE\n" + body)

    order = list(range(len(days)))
    write(order)
    series = load_spx_history(path)
    assert [d.isoformat() for d in series.dates.tolist()] == [d.isoformat() for d in days]
    assert series.close.tolist() == values
    i = swap % (len(days) - 1)
    order[i], order[i + 1] = order[i + 1], order[i]
    write(order)
    with pytest.raises(HistoryError, match=f"line {i + 3}: .* comes after"):
        load_spx_history(path)
