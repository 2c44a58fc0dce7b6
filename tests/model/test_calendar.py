"""Real exchange holidays and the listed expiries built on them, checked against VIX history."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from planner.engine.expiries import vix_monthly_expiry
from planner.model.calendar import (
    calendar_name,
    exchange_holidays,
    listed_spx_expiries,
    listed_spx_monthly_expiries,
    listed_vix_expiries,
)
from tests.shared_data import KNOWN_BAD_FUTURES_DATES

D = dt.date
DATA_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data"
VIX_FUTURES_CSV = DATA_DIR / "vix_futures_m1_m7.csv"


def test_uses_a_cboe_or_nyse_calendar() -> None:
    assert calendar_name() in {"XCBF", "XNYS"}


def test_exchange_holidays_2027() -> None:
    holidays = exchange_holidays(D(2027, 1, 1), D(2027, 12, 31))
    # NYSE 2027 holidays; Juneteenth (Sat 19 Jun) and Christmas (Sat 25 Dec) observed on Fridays.
    assert holidays == {
        D(2027, 1, 1),
        D(2027, 1, 18),
        D(2027, 2, 15),
        D(2027, 3, 26),
        D(2027, 5, 31),
        D(2027, 6, 18),
        D(2027, 7, 5),
        D(2027, 9, 6),
        D(2027, 11, 25),
        D(2027, 12, 24),
    }


def test_exchange_holidays_clip_to_range_and_cover_closures() -> None:
    assert exchange_holidays(D(2026, 11, 1), D(2026, 11, 30)) == {D(2026, 11, 26)}
    assert exchange_holidays(D(2026, 11, 27), D(2026, 12, 24)) == frozenset()
    # Unscheduled closures: Hurricane Sandy (2012), President Bush's funeral (2018), and a range
    # across a decade boundary.
    assert {D(2012, 10, 29), D(2012, 10, 30)} <= exchange_holidays(D(2012, 10, 1), D(2012, 11, 1))
    assert D(2018, 12, 5) in exchange_holidays(D(2018, 12, 1), D(2021, 1, 31))
    assert D(2020, 1, 1) in exchange_holidays(D(2018, 12, 1), D(2021, 1, 31))


def test_exchange_holidays_outside_library_range_are_empty() -> None:
    assert exchange_holidays(D(2300, 1, 1), D(2301, 12, 31)) == frozenset()
    # Spanning the edge still returns the holidays it does know.
    assert D(2199, 12, 25) in exchange_holidays(D(2199, 12, 1), D(2300, 1, 1))
    with pytest.raises(ValueError, match="reversed"):
        exchange_holidays(D(2027, 1, 2), D(2027, 1, 1))


def test_listed_vix_expiries_2026_2027() -> None:
    monthlies = listed_vix_expiries(D(2026, 12, 1), D(2027, 6, 30), weekly_horizon_weeks=0)
    assert monthlies == (
        D(2026, 12, 16),
        D(2027, 1, 20),
        D(2027, 2, 17),
        D(2027, 3, 17),
        D(2027, 4, 21),
        D(2027, 5, 18),  # the June 2027 3rd Friday is Juneteenth observed
        D(2027, 6, 16),
    )


def test_listed_vix_expiries_weeklies_near_today_only() -> None:
    today = D(2026, 11, 20)
    listed = listed_vix_expiries(today, D(2027, 3, 31))
    # Six weeks of weeklies (to 1 Jan 2027), holiday-shifted where the Friday 30 days on is
    # Christmas or New Year's Day, then monthlies.
    assert listed == (
        D(2026, 11, 24),
        D(2026, 12, 1),
        D(2026, 12, 9),
        D(2026, 12, 16),
        D(2026, 12, 23),
        D(2026, 12, 30),
        D(2027, 1, 20),
        D(2027, 2, 17),
        D(2027, 3, 17),
    )
    every_weekly = listed_vix_expiries(today, D(2027, 3, 31), weekly_horizon_weeks=None)
    assert D(2027, 2, 23) in every_weekly  # Wed 24 Feb + 30 days = Good Friday 2027
    assert D(2027, 2, 24) not in every_weekly


def test_listed_spx_expiries_skip_holidays() -> None:
    days = listed_spx_expiries(D(2026, 11, 23), D(2026, 11, 27))
    assert days == (D(2026, 11, 23), D(2026, 11, 24), D(2026, 11, 25), D(2026, 11, 27))
    assert listed_spx_monthly_expiries(D(2027, 3, 1), D(2027, 6, 30)) == (
        D(2027, 3, 19),
        D(2027, 4, 16),
        D(2027, 5, 21),
        D(2027, 6, 17),
    )


def _read_vix_futures() -> list[tuple[dt.date, float, float, int]]:
    if not VIX_FUTURES_CSV.is_file():
        pytest.skip(f"real data not found at {VIX_FUTURES_CSV} (clone without ../shared/data)")
    with VIX_FUTURES_CSV.open(newline="") as handle:
        return [
            (
                D.fromisoformat(row["Date"]),
                float(row["M1"]),
                float(row["M2"]),
                int(row["days_to_expiration"]),
            )
            for row in csv.DictReader(handle)
        ]


@pytest.mark.shared_data
def test_vix_monthly_expiries_match_history_2009_2024() -> None:
    rows = _read_vix_futures()
    # Expiry per the file: the trading day after the last row with 0 days left in a cycle (on
    # the expiration Wednesday itself the columns have already rolled).
    from_data = {
        rows[i + 1][0]
        for i in range(len(rows) - 1)
        if rows[i][3] == 0 and D(2009, 1, 1) <= rows[i + 1][0] <= D(2024, 12, 31)
    }
    holidays = exchange_holidays(D(2008, 12, 1), D(2025, 2, 28))
    ours = {vix_monthly_expiry(y, m, holidays) for y in range(2009, 2025) for m in range(1, 13)}
    assert len(ours) == 192

    # Three cycles where the days_to_expiration column disagrees with the contract roll: in Aug
    # 2018 it restarts a week early (15 Aug, already counting to the Sep contract's 19 Sep
    # expiry, while M1 keeps tracking the Aug contract to 21 Aug); in Aug 2022 and Jun 2024 it
    # reaches 0 on the day the prices have already rolled.
    counter_faults = {
        D(2018, 8, 22): D(2018, 8, 15),
        D(2022, 8, 17): D(2022, 8, 18),
        D(2024, 6, 18): D(2024, 6, 20),
    }
    assert ours - from_data == set(counter_faults)
    assert from_data - ours == set(counter_faults.values())

    # For those three, show from the prices that the front contract rolled on our date: M1
    # jumps onto the previous day's M2 (the next contract) rather than staying near its own
    # previous settlement. (A move-based test like this is too noisy to apply to every cycle.)
    by_date = {day: (m1, m2) for day, m1, m2, _ in rows}
    trading_days = [day for day, *_ in rows]
    for expiry in counter_faults:
        before = trading_days[trading_days.index(expiry) - 1]
        assert not {expiry, before} & KNOWN_BAD_FUTURES_DATES
        m1_before, m2_before = by_date[before]
        m1_on, _ = by_date[expiry]
        assert abs(m1_on - m2_before) < 0.5 * abs(m1_on - m1_before), expiry

    # Holiday shifts in that span that the data confirm (Good Fridays 2014 and 2019,
    # Juneteenth 2024 via the price check, Good Friday 2022).
    assert {D(2014, 3, 18), D(2019, 3, 19), D(2022, 3, 15)} <= from_data & ours


def test_shipped_holiday_table_matches_the_calendar_library() -> None:
    """The table that saves start-up from importing pandas must say what the library says."""
    from planner.model import calendar

    first, last, shipped = calendar.shipped_holidays()
    assert first <= 2026 and last >= 2035
    for decade in range(first, last + 1, 10):
        from_library = calendar.library_decade_holidays(decade)
        in_table = frozenset(d for d in shipped if decade <= d.year <= decade + 9)
        assert in_table == from_library, f"holiday table differs from the library in {decade}s"
