"""Loading a Cboe-format VIX history CSV."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from planner.engine.signals import base_signals
from planner.model.vix_history import VixHistoryError, load_vix_history

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "vix_daily.csv"
HEADER = "DATE,OPEN,HIGH,LOW,CLOSE\n"


def write(tmp_path: Path, text: str, name: str = "vix.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_and_sorts(tmp_path: Path) -> None:
    rows = "".join(
        f"{(dt.date(2024, 1, 1) + dt.timedelta(days=i)):%m/%d/%Y},1,1,1,{10 + i}\n"
        for i in (2, 0, 1)
    )
    history = load_vix_history(write(tmp_path, HEADER + rows))
    assert history.close.tolist() == [10.0, 11.0, 12.0]
    assert str(history.dates[0]) == "2024-01-01"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "not a readable CSV"),
        ("DATE,OPEN\n01/02/2024,1\n", "missing column(s) CLOSE"),
        (HEADER, "no rows"),
        (HEADER + "2024/13/45,1,1,1,12\n", "line 2: DATE '2024/13/45' is not MM/DD/YYYY"),
        (HEADER + "01/02/2024,1,1,1,abc\n", "line 2: CLOSE 'abc' is not a positive number"),
        (HEADER + "01/02/2024,1,1,1,12\n01/02/2024,1,1,1,13\n", "2024-01-02 appears twice"),
    ],
)
def test_bad_files_name_the_file_and_problem(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(VixHistoryError) as error:
        load_vix_history(write(tmp_path, text, "mine.csv"))
    assert str(error.value).startswith("mine.csv: ")
    assert message in str(error.value)


def test_missing_and_binary_files(tmp_path: Path) -> None:
    with pytest.raises(VixHistoryError, match=r"nope\.csv: could not read"):
        load_vix_history(tmp_path / "nope.csv")
    path = tmp_path / "bin.csv"
    path.write_bytes(b"\xff\xfe\x00\x81" * 10)
    with pytest.raises(VixHistoryError, match=r"bin\.csv"):
        load_vix_history(path)


@pytest.mark.shared_data
def test_real_cboe_file() -> None:
    if not DATA.is_file():
        pytest.skip(f"real VIX history not found at {DATA} (../shared/data beside the project)")
    history = load_vix_history(DATA)
    assert history.close.size == 9241
    i = int(np.flatnonzero(history.dates == np.datetime64("2020-03-16"))[0])
    assert history.close[i] == pytest.approx(82.69)
    sig = history.signals(base_signals("contango", 0.5, 16.0, "16–20"))
    assert sig.history_end == dt.date(2026, 7, 31) and sig.rsi14 is not None
