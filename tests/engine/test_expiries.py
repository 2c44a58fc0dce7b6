"""Listed expiry rules, checked against hand-worked dates.

The holiday sets here are written out by hand from the NYSE/Cboe holiday lists, so these tests do
not depend on the calendar library (tests/model/test_calendar.py covers that pairing).
"""

from __future__ import annotations

import datetime as dt

import pytest

from planner.engine.expiries import (
    expiry_in_window,
    is_business_day,
    is_spx_monthly,
    nearest_expiry,
    previous_business_day,
    spx_expiries,
    spx_monthly_expiries,
    spx_monthly_expiry,
    third_friday,
    vix_expiries,
    vix_monthly_expiry,
)

D = dt.date
NO_HOLIDAYS: frozenset[dt.date] = frozenset()

GOOD_FRIDAYS = frozenset(
    {D(2008, 3, 21), D(2014, 4, 18), D(2019, 4, 19), D(2022, 4, 15), D(2027, 3, 26)}
)
JUNETEENTH = frozenset({D(2024, 6, 19), D(2026, 6, 19), D(2027, 6, 18)})  # 2027: Sat -> Fri
THANKSGIVING = frozenset({D(2026, 11, 26), D(2027, 11, 25)})
CHRISTMAS = frozenset({D(2026, 12, 25), D(2027, 12, 24)})  # 2027: Sat -> Fri
NEW_YEAR = frozenset({D(2027, 1, 1)})
PRESIDENTS_DAY = frozenset({D(2008, 2, 18), D(2027, 2, 15)})
HOLIDAYS = GOOD_FRIDAYS | JUNETEENTH | THANKSGIVING | CHRISTMAS | NEW_YEAR | PRESIDENTS_DAY


# --- basic calendar helpers -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (2026, 12, D(2026, 12, 18)),  # Dec 1 2026 is a Tuesday
        (2027, 1, D(2027, 1, 15)),  # Jan 1 2027 is a Friday: 1, 8, 15
        (2027, 5, D(2027, 5, 21)),  # May 1 2027 is a Saturday: 7, 14, 21
        (2024, 9, D(2024, 9, 20)),
        (2022, 4, D(2022, 4, 15)),
    ],
)
def test_third_friday(year: int, month: int, expected: dt.date) -> None:
    assert third_friday(year, month) == expected
    assert expected.weekday() == 4


def test_previous_business_day_skips_weekends_and_holidays() -> None:
    # Tue 2027-01-19 <- Mon 18th is MLK day in real life; here only New Year is a holiday.
    assert previous_business_day(D(2027, 1, 4), NEW_YEAR) == D(2026, 12, 31)
    assert previous_business_day(D(2026, 12, 28), CHRISTMAS) == D(2026, 12, 24)
    assert previous_business_day(D(2026, 12, 28), NO_HOLIDAYS) == D(2026, 12, 25)
    assert not is_business_day(D(2026, 11, 26), THANKSGIVING)
    assert not is_business_day(D(2026, 11, 28), NO_HOLIDAYS)  # Saturday
    assert is_business_day(D(2026, 11, 27), THANKSGIVING)


# --- SPX ---------------------------------------------------------------------------------------


def test_spx_monthly_is_third_friday_without_holiday() -> None:
    assert spx_monthly_expiry(2026, 12, HOLIDAYS) == D(2026, 12, 18)
    assert spx_monthly_expiry(2027, 3, HOLIDAYS) == D(2027, 3, 19)  # Good Friday is the 26th


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (2022, 4, D(2022, 4, 14)),  # Good Friday 2022 was the 3rd Friday
        (2027, 6, D(2027, 6, 17)),  # Juneteenth 2027 observed on Fri 18 June
        (2014, 4, D(2014, 4, 17)),
    ],
)
def test_spx_monthly_moves_to_thursday_on_holiday(year: int, month: int, expected: dt.date) -> None:
    assert spx_monthly_expiry(year, month, HOLIDAYS) == expected
    assert spx_monthly_expiry(year, month, NO_HOLIDAYS) == third_friday(year, month)
    assert is_spx_monthly(expected, HOLIDAYS)
    assert not is_spx_monthly(third_friday(year, month), HOLIDAYS)


def test_is_spx_monthly() -> None:
    assert is_spx_monthly(D(2026, 12, 18))
    assert not is_spx_monthly(D(2026, 12, 11))
    assert not is_spx_monthly(D(2026, 12, 17))


def test_spx_expiries_are_every_business_day() -> None:
    days = spx_expiries(D(2026, 11, 20), D(2026, 12, 31), HOLIDAYS)
    # Independent count: 30 weekdays from Fri 20 Nov to Thu 31 Dec 2026, less Thanksgiving and
    # Christmas.
    weekdays = [
        D(2026, 11, 20) + dt.timedelta(days=i)
        for i in range(42)
        if (D(2026, 11, 20) + dt.timedelta(days=i)).weekday() < 5
    ]
    assert len(weekdays) == 30
    assert len(days) == 28
    assert D(2026, 11, 26) not in days
    assert D(2026, 12, 25) not in days
    assert D(2026, 11, 27) in days  # the day after Thanksgiving trades
    assert list(days) == sorted(set(days))
    assert days[0] == D(2026, 11, 20) and days[-1] == D(2026, 12, 31)
    assert [d for d in days if is_spx_monthly(d, HOLIDAYS)] == [D(2026, 11, 20), D(2026, 12, 18)]


def test_spx_expiries_skip_good_friday_and_juneteenth_2027() -> None:
    days = spx_expiries(D(2027, 3, 22), D(2027, 6, 30), HOLIDAYS)
    assert D(2027, 3, 26) not in days
    assert D(2027, 6, 18) not in days
    assert D(2027, 6, 17) in days
    assert spx_monthly_expiries(D(2027, 3, 22), D(2027, 6, 30), HOLIDAYS) == (
        D(2027, 4, 16),
        D(2027, 5, 21),
        D(2027, 6, 17),
    )


# --- VIX monthlies -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        # Wednesday 30 days before the next month's 3rd Friday.
        (2026, 12, D(2026, 12, 16)),  # Jan 15 2027 - 30
        (2027, 1, D(2027, 1, 20)),  # Feb 19 2027 - 30
        (2027, 2, D(2027, 2, 17)),  # Mar 19 2027 - 30
        (2027, 3, D(2027, 3, 17)),  # Apr 16 2027 - 30
        (2027, 4, D(2027, 4, 21)),  # May 21 2027 - 30
        (2027, 6, D(2027, 6, 16)),  # Jul 16 2027 - 30
        # Real history (Cboe settlement dates).
        (2020, 3, D(2020, 3, 18)),
        (2020, 4, D(2020, 4, 15)),
        (2018, 2, D(2018, 2, 14)),
        (2024, 8, D(2024, 8, 21)),
        (2022, 6, D(2022, 6, 15)),
    ],
)
def test_vix_monthly_expiry(year: int, month: int, expected: dt.date) -> None:
    assert vix_monthly_expiry(year, month, HOLIDAYS) == expected
    assert expected.weekday() == 2


@pytest.mark.parametrize(
    ("year", "month", "expected", "plain_wednesday"),
    [
        # The next month's 3rd Friday is a holiday: the business day before the Wednesday.
        (2022, 3, D(2022, 3, 15), D(2022, 3, 16)),  # Good Friday 15 Apr 2022
        (2014, 3, D(2014, 3, 18), D(2014, 3, 19)),  # Good Friday 18 Apr 2014
        (2019, 3, D(2019, 3, 19), D(2019, 3, 20)),  # Good Friday 19 Apr 2019
        (2027, 5, D(2027, 5, 18), D(2027, 5, 19)),  # Juneteenth observed Fri 18 Jun 2027
        # The Wednesday itself is a holiday (Juneteenth 2024).
        (2024, 6, D(2024, 6, 18), D(2024, 6, 19)),
        # Good Friday 21 Mar 2008; Monday 18 Feb 2008 was Presidents' Day, Tuesday still trades.
        (2008, 2, D(2008, 2, 19), D(2008, 2, 20)),
    ],
)
def test_vix_monthly_expiry_holiday_shift(
    year: int, month: int, expected: dt.date, plain_wednesday: dt.date
) -> None:
    assert vix_monthly_expiry(year, month, HOLIDAYS) == expected
    assert vix_monthly_expiry(year, month, NO_HOLIDAYS) == plain_wednesday


def test_vix_shift_skips_a_holiday_tuesday() -> None:
    # A made-up case: Wednesday a holiday and Tuesday too -> Monday.
    holidays = frozenset({D(2027, 3, 16), D(2027, 3, 17)})
    assert vix_monthly_expiry(2027, 3, holidays) == D(2027, 3, 15)


# --- VIX weeklies ------------------------------------------------------------------------------


def test_vix_expiries_list_every_wednesday_and_the_monthly() -> None:
    days = vix_expiries(D(2027, 1, 1), D(2027, 3, 31), HOLIDAYS)
    wednesdays = [D(2027, 1, 6) + dt.timedelta(weeks=i) for i in range(13)]
    assert wednesdays[-1] == D(2027, 3, 31)
    # Wed 24 Feb 2027 + 30 days = Good Friday 26 Mar 2027, so that weekly expires Tue 23 Feb.
    expected = [D(2027, 2, 23) if w == D(2027, 2, 24) else w for w in wednesdays]
    assert list(days) == expected
    for monthly in (D(2027, 1, 20), D(2027, 2, 17), D(2027, 3, 17)):
        assert monthly in days


def test_vix_weeklies_move_for_christmas_and_new_year_fridays() -> None:
    days = vix_expiries(D(2026, 11, 20), D(2026, 12, 10), HOLIDAYS)
    # Wed 25 Nov 2026 + 30 = Fri 25 Dec (Christmas); Wed 2 Dec + 30 = Fri 1 Jan 2027.
    assert days == (D(2026, 11, 24), D(2026, 12, 1), D(2026, 12, 9))
    # 2027: Wed 24 Nov + 30 = Fri 24 Dec (Christmas observed); Thanksgiving is that Thursday.
    assert D(2027, 11, 23) in vix_expiries(D(2027, 11, 20), D(2027, 11, 30), HOLIDAYS)


def test_vix_expiries_pick_up_a_wednesday_shifted_back_into_range() -> None:
    # Ends on Tue 24 Nov 2026: the shifted weekly of Wed 25 Nov lands on the last day.
    assert vix_expiries(D(2026, 11, 20), D(2026, 11, 24), HOLIDAYS) == (D(2026, 11, 24),)
    assert vix_expiries(D(2026, 11, 20), D(2026, 11, 24), NO_HOLIDAYS) == ()


def test_vix_weekly_horizon_keeps_monthlies_only_beyond_it() -> None:
    days = vix_expiries(D(2026, 11, 20), D(2027, 3, 31), HOLIDAYS, weekly_horizon_weeks=2)
    assert days == (
        D(2026, 11, 24),
        D(2026, 12, 1),
        D(2026, 12, 16),
        D(2027, 1, 20),
        D(2027, 2, 17),
        D(2027, 3, 17),
    )
    assert vix_expiries(D(2026, 11, 20), D(2027, 3, 31), HOLIDAYS, weekly_horizon_weeks=0) == (
        D(2026, 12, 16),
        D(2027, 1, 20),
        D(2027, 2, 17),
        D(2027, 3, 17),
    )


# --- choosing an expiry ------------------------------------------------------------------------

TODAY = D(2026, 11, 20)


@pytest.fixture
def vix_listed() -> tuple[dt.date, ...]:
    return vix_expiries(TODAY, D(2027, 6, 30), HOLIDAYS)


def test_near_layer_window(vix_listed: tuple[dt.date, ...]) -> None:
    # 4-7 days: 24-27 Nov. The Wednesday weekly moved to Tue 24 Nov (Christmas Friday rule).
    assert expiry_in_window(vix_listed, TODAY, 4, 7) == D(2026, 11, 24)
    plain = vix_expiries(TODAY, D(2027, 6, 30), NO_HOLIDAYS)
    assert expiry_in_window(plain, TODAY, 4, 7) == D(2026, 11, 25)


def test_mid_layer_window(vix_listed: tuple[dt.date, ...]) -> None:
    # 30-45 days: Wed 23 Dec (33 d) and Wed 30 Dec (40 d); the middle is 37.5 d.
    assert expiry_in_window(vix_listed, TODAY, 30, 45) == D(2026, 12, 30)
    monthlies = [vix_monthly_expiry(y, m, HOLIDAYS) for y, m in ((2026, 12), (2027, 1))]
    # Monthlies only: 16 Dec is 26 d, 20 Jan is 61 d -> nothing inside.
    assert expiry_in_window(monthlies, TODAY, 30, 45) is None


def test_tail_layer_window(vix_listed: tuple[dt.date, ...]) -> None:
    # 60-120 days, middle 90 d = Thu 18 Feb 2027: the Feb monthly (89 d) beats Tue 23 Feb (95 d).
    assert expiry_in_window(vix_listed, TODAY, 60, 120) == D(2027, 2, 17)


def test_empty_window_returns_none(vix_listed: tuple[dt.date, ...]) -> None:
    assert expiry_in_window(vix_listed, TODAY, 1, 2) is None  # the weekend
    assert expiry_in_window((), TODAY, 0, 1000) is None


def test_window_tie_goes_to_the_earlier() -> None:
    expiries = [D(2026, 11, 26), D(2026, 11, 24)]
    assert expiry_in_window(expiries, TODAY, 4, 6) == D(2026, 11, 24)
    assert nearest_expiry(expiries, TODAY, 5) == D(2026, 11, 24)


def test_window_bounds_are_inclusive() -> None:
    assert expiry_in_window([D(2026, 11, 27)], TODAY, 4, 7) == D(2026, 11, 27)
    assert expiry_in_window([D(2026, 11, 28)], TODAY, 4, 7) is None
    assert expiry_in_window([D(2026, 11, 23)], TODAY, 4, 7) is None


def test_nearest_expiry_ignores_expired(vix_listed: tuple[dt.date, ...]) -> None:
    assert nearest_expiry(vix_listed, TODAY, 30) == D(2026, 12, 23)  # 33 d vs 26 d for 16 Dec
    assert nearest_expiry(vix_listed, TODAY, 28) == D(2026, 12, 16)
    assert nearest_expiry([D(2026, 11, 19)], TODAY, 0) is None
    assert nearest_expiry([TODAY], TODAY, 10) == TODAY


# --- bad input ---------------------------------------------------------------------------------


def test_bad_input_messages() -> None:
    with pytest.raises(ValueError, match="reversed"):
        vix_expiries(D(2027, 1, 2), D(2027, 1, 1), HOLIDAYS)
    with pytest.raises(ValueError, match="reversed"):
        spx_expiries(D(2027, 1, 2), D(2027, 1, 1), HOLIDAYS)
    with pytest.raises(ValueError, match="month must be 1-12"):
        vix_monthly_expiry(2027, 13, HOLIDAYS)
    with pytest.raises(ValueError, match="min_days"):
        expiry_in_window([], TODAY, 10, 5)
    with pytest.raises(ValueError, match="finite"):
        expiry_in_window([], TODAY, 60, float("inf"))
    with pytest.raises(ValueError, match="finite"):
        nearest_expiry([], TODAY, float("nan"))
    with pytest.raises(ValueError, match="weekly_horizon_weeks"):
        vix_expiries(TODAY, D(2027, 1, 1), HOLIDAYS, weekly_horizon_weeks=-1)
