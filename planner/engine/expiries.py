"""Listed expiry dates of SPX and VIX options: pure calendar rules.

The engine does no I/O and imports no calendar library, so every function takes the exchange
holidays as a set of dates (weekdays on which the exchange is closed; weekends are never
business days). `planner.model.calendar` supplies the real holidays.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from collections.abc import Set as AbstractSet

_ONE_DAY = dt.timedelta(days=1)
_FRIDAY = 4
_WEDNESDAY = 2

# Days between a VIX expiry and the SPX options whose prices settle it (the VIX measures 30-day
# implied vol, so the settlement SOQ uses SPX options with 30 days left).
VIX_SETTLEMENT_GAP_DAYS = 30

# Cboe "may list up to six consecutive weekly expirations" of VIX options (Cboe VIX Weeklys
# product page, 2015); further out only the monthlies are listed.
VIX_LISTED_WEEKLIES = 6


def is_business_day(day: dt.date, holidays: AbstractSet[dt.date]) -> bool:
    """True on a weekday that is not an exchange holiday."""
    return day.weekday() < 5 and day not in holidays


def previous_business_day(day: dt.date, holidays: AbstractSet[dt.date]) -> dt.date:
    """The last business day strictly before `day`."""
    candidate = day - _ONE_DAY
    while not is_business_day(candidate, holidays):
        candidate -= _ONE_DAY
    return candidate


def third_friday(year: int, month: int) -> dt.date:
    """The third Friday of a calendar month (the standard monthly options expiration)."""
    _check_month(year, month)
    first = dt.date(year, month, 1)
    first_friday = 1 + (_FRIDAY - first.weekday()) % 7
    return dt.date(year, month, first_friday + 14)


def spx_monthly_expiry(year: int, month: int, holidays: AbstractSet[dt.date]) -> dt.date:
    """Standard (AM-settled) SPX monthly expiry: the 3rd Friday, or the business day before it
    when that Friday is an exchange holiday (e.g. Good Friday, Juneteenth observed)."""
    friday = third_friday(year, month)
    if is_business_day(friday, holidays):
        return friday
    return previous_business_day(friday, holidays)


def is_spx_monthly(day: dt.date, holidays: AbstractSet[dt.date] = frozenset()) -> bool:
    """True when `day` is the month's standard AM-settled SPX expiry (the 3rd Friday, or the
    Thursday before it when the Friday is a holiday - pass `holidays` to see that case)."""
    return day == spx_monthly_expiry(day.year, day.month, holidays)


def _vix_expiry_for_wednesday(wednesday: dt.date, holidays: AbstractSet[dt.date]) -> dt.date:
    """Apply Cboe's holiday rule to the Wednesday a VIX contract would normally settle.

    CFE VX contract specifications, "Final Settlement Date" (the same text covers the monthly and
    the weekly contracts, and VIX options expire with the futures): "If that Wednesday or the
    Friday that is 30 days following that Wednesday is a Cboe Options holiday, the Final
    Settlement Date for the contract shall be on the business day immediately preceding that
    Wednesday." The Friday matters because the settlement quotation is computed from the SPX
    options expiring on it; if they do not exist that day, the VIX expiry moves earlier.
    """
    spx_friday = wednesday + dt.timedelta(days=VIX_SETTLEMENT_GAP_DAYS)
    if wednesday in holidays or spx_friday in holidays:
        return previous_business_day(wednesday, holidays)
    return wednesday


def vix_monthly_expiry(year: int, month: int, holidays: AbstractSet[dt.date]) -> dt.date:
    """Expiry of the VIX monthly contract named (year, month).

    The Wednesday 30 days before the 3rd Friday of the *following* month (the standard SPX
    expiration), moved to the business day before that Wednesday when the Wednesday or that
    Friday is a holiday (see `_vix_expiry_for_wednesday` for Cboe's wording). Example: the 3rd
    Friday of April 2022 was Good Friday, so the March 2022 contract expired Tue 15 Mar 2022.
    """
    _check_month(year, month)
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    wednesday = third_friday(next_year, next_month) - dt.timedelta(days=VIX_SETTLEMENT_GAP_DAYS)
    return _vix_expiry_for_wednesday(wednesday, holidays)


def vix_expiries(
    start: dt.date,
    end: dt.date,
    holidays: AbstractSet[dt.date],
    *,
    weekly_horizon_weeks: int | None = None,
) -> tuple[dt.date, ...]:
    """All VIX option expiries in [start, end], sorted and unique.

    Monthlies plus the weekly Wednesdays (moved to the business day before under the same holiday
    rule as the monthlies). `weekly_horizon_weeks`, when given, keeps only the weeklies within
    that many weeks after `start` (read `start` as today: Cboe lists about six weeklies ahead,
    `VIX_LISTED_WEEKLIES`); monthlies are kept over the whole range.
    """
    _check_range(start, end)
    if weekly_horizon_weeks is not None and weekly_horizon_weeks < 0:
        raise ValueError(f"weekly_horizon_weeks must be >= 0, got {weekly_horizon_weeks}")
    found: set[dt.date] = set()
    # A Wednesday up to a week after `end` can move back into the range, so scan one week past.
    wednesday = start + dt.timedelta(days=(_WEDNESDAY - start.weekday()) % 7)
    scan_end = end + dt.timedelta(days=7)
    weekly_limit = (
        None if weekly_horizon_weeks is None else start + dt.timedelta(weeks=weekly_horizon_weeks)
    )
    while wednesday <= scan_end:
        if weekly_limit is None or wednesday <= weekly_limit:
            found.add(_vix_expiry_for_wednesday(wednesday, holidays))
        wednesday += dt.timedelta(days=7)
    for year, month in _months(start, scan_end):
        found.add(vix_monthly_expiry(year, month, holidays))
    return tuple(sorted(day for day in found if start <= day <= end))


def spx_expiries(
    start: dt.date, end: dt.date, holidays: AbstractSet[dt.date]
) -> tuple[dt.date, ...]:
    """All SPX option expiries in [start, end], sorted and unique.

    SPXW dailies (PM-settled) expire every business day; the standard monthly (AM-settled, the
    3rd Friday or the Thursday before a holiday Friday) falls on one of those days and is told
    apart by `is_spx_monthly`. Every business day has been an SPXW expiry since 2022 (Tuesday and
    Thursday expiries were added that year); far-dated dailies are listed only a few weeks ahead,
    which this pure date rule does not model.
    """
    _check_range(start, end)
    days: list[dt.date] = []
    day = start
    while day <= end:
        if is_business_day(day, holidays):
            days.append(day)
        day += _ONE_DAY
    return tuple(days)


def spx_monthly_expiries(
    start: dt.date, end: dt.date, holidays: AbstractSet[dt.date]
) -> tuple[dt.date, ...]:
    """The standard AM-settled SPX monthly expiries in [start, end]."""
    _check_range(start, end)
    monthlies = (spx_monthly_expiry(y, m, holidays) for y, m in _months(start, end))
    return tuple(day for day in monthlies if start <= day <= end)


def expiry_in_window(
    expiries: Iterable[dt.date],
    valuation_date: dt.date,
    min_days: float,
    max_days: float,
) -> dt.date | None:
    """The listed expiry with `min_days <= days to expiry <= max_days` (calendar days) nearest
    the window's middle; the earlier one on a tie. None when the window holds no expiry - the
    caller must then say so rather than pick another date silently."""
    if not (math.isfinite(min_days) and math.isfinite(max_days)):
        raise ValueError(f"expiry window must be finite days, got {min_days} to {max_days}")
    if min_days > max_days:
        raise ValueError(f"expiry window is empty: min_days {min_days} > max_days {max_days}")
    middle_days = 0.5 * (min_days + max_days)
    inside = [day for day in expiries if min_days <= (day - valuation_date).days <= max_days]
    if not inside:
        return None
    return min(inside, key=lambda day: (abs((day - valuation_date).days - middle_days), day))


def nearest_expiry(
    expiries: Iterable[dt.date], valuation_date: dt.date, target_days: float
) -> dt.date | None:
    """The unexpired listed expiry (on or after `valuation_date`) whose calendar days to expiry
    are nearest `target_days`; the earlier one on a tie. None when there is none."""
    if not math.isfinite(target_days):
        raise ValueError(f"target_days must be a finite number of days, got {target_days}")
    alive = [day for day in expiries if day >= valuation_date]
    if not alive:
        return None
    return min(alive, key=lambda day: (abs((day - valuation_date).days - target_days), day))


def _months(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    """(year, month) of every calendar month touching [start, end]."""
    months: list[tuple[int, int]] = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _check_month(year: int, month: int) -> None:
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1-12, got {month}")
    # The following month must exist too (VIX rule), and date arithmetic near the ends fails.
    if not dt.MINYEAR < year < dt.MAXYEAR:
        raise ValueError(f"year out of range: {year}")


def _check_range(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise ValueError(f"date range is reversed: start {start} is after end {end}")
