"""Exchange holidays and the listed SPX / VIX expiries built on them.

The holiday calendar comes from `exchange_calendars`: its Cboe Futures Exchange calendar ("XCBF")
when the installed version has one, otherwise the NYSE's ("XNYS"), whose holidays Cboe Options
and CFE follow. Importing that library pulls in pandas (about a second), which every recalculation
would pay on first use, so the holidays for 2000-2049 ship as a table generated from it
(`resources/exchange_holidays.json`, checked against the library by the tests); other years ask
the library, one decade at a time, cached.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from functools import lru_cache
from importlib import resources

from planner.engine.expiries import (
    VIX_LISTED_WEEKLIES,
    spx_expiries,
    spx_monthly_expiries,
    vix_expiries,
)
from planner.model.allocation import MAX_WINDOW_DAYS

_log = logging.getLogger(__name__)

# Listed VIX expiries are generated this far past the valuation date: beyond any layer window
# the settings allow.
EXPIRY_HORIZON_DAYS = MAX_WINDOW_DAYS + 7

_PREFERRED_CALENDARS = ("XCBF", "XNYS")

# Years the calendar library is asked about; pandas' nanosecond timestamps end in 2262 and US
# exchange holiday rules mean little before 1900. Outside this span there are no holidays.
_FIRST_YEAR = 1900
_LAST_YEAR = 2199

# A VIX expiry depends on the holidays up to the SPX Friday 30 days later and on the business days
# just before it; SPX monthlies on the days just before the 3rd Friday.
_LOOK_BACK = dt.timedelta(days=14)
_LOOK_AHEAD = dt.timedelta(days=45)


@lru_cache(maxsize=1)
def calendar_name() -> str:
    """Name of the exchange_calendars calendar used for holidays."""
    import exchange_calendars

    available = set(exchange_calendars.get_calendar_names())
    for name in _PREFERRED_CALENDARS:
        if name in available:
            return name
    raise RuntimeError(
        f"exchange_calendars has none of the calendars {', '.join(_PREFERRED_CALENDARS)}"
    )


HOLIDAY_TABLE = "exchange_holidays.json"


@lru_cache(maxsize=1)
def shipped_holidays() -> tuple[int, int, frozenset[dt.date]]:
    """(first year, last year, holidays) of the table shipped in planner.resources."""
    raw = resources.files("planner.resources").joinpath(HOLIDAY_TABLE).read_text("utf-8")
    table = json.loads(raw)
    days = frozenset(dt.date.fromisoformat(day) for day in table["holidays"])
    return int(table["first_year"]), int(table["last_year"]), days


@lru_cache(maxsize=64)
def _decade_holidays(decade: int) -> frozenset[dt.date]:
    """Weekdays the exchange is closed in the ten years from `decade` (a multiple of 10)."""
    first_shipped, last_shipped, shipped = shipped_holidays()
    if first_shipped <= decade and decade + 9 <= last_shipped:
        return frozenset(day for day in shipped if decade <= day.year <= decade + 9)
    return library_decade_holidays(decade)


@lru_cache(maxsize=64)
def library_decade_holidays(decade: int) -> frozenset[dt.date]:
    """The same, asked of exchange_calendars directly."""
    first_year = max(decade, _FIRST_YEAR)
    last_year = min(decade + 9, _LAST_YEAR)
    if first_year > last_year:
        return frozenset()
    import exchange_calendars
    import pandas as pd

    start = pd.Timestamp(first_year, 1, 1)
    end = pd.Timestamp(last_year, 12, 31)
    try:
        calendar = exchange_calendars.get_calendar(calendar_name(), start=start, end=end)
    except ValueError as exc:  # DateOutOfBounds and OutOfBoundsDatetime are ValueErrors
        _log.warning(
            "no exchange holidays for %d-%d (%s); treating every weekday as open",
            first_year,
            last_year,
            exc,
        )
        return frozenset()
    closed = pd.bdate_range(start, end).difference(calendar.sessions)
    return frozenset(day.date() for day in closed)


@lru_cache(maxsize=256)
def exchange_holidays(start: dt.date, end: dt.date) -> frozenset[dt.date]:
    """Weekdays in [start, end] on which the exchange is closed (an empty set for years the
    calendar library cannot describe)."""
    if end < start:
        raise ValueError(f"date range is reversed: start {start} is after end {end}")
    holidays: set[dt.date] = set()
    for decade in range(start.year - start.year % 10, end.year + 1, 10):
        holidays.update(day for day in _decade_holidays(decade) if start <= day <= end)
    return frozenset(holidays)


def _holidays_around(start: dt.date, end: dt.date) -> frozenset[dt.date]:
    low = start - _LOOK_BACK if start > dt.date.min + _LOOK_BACK else dt.date.min
    high = end + _LOOK_AHEAD if end < dt.date.max - _LOOK_AHEAD else dt.date.max
    return exchange_holidays(low, high)


def listed_vix_expiries(
    start: dt.date,
    end: dt.date,
    *,
    weekly_horizon_weeks: int | None = VIX_LISTED_WEEKLIES,
) -> tuple[dt.date, ...]:
    """VIX option expiries in [start, end] under the real exchange holidays.

    `start` is read as today: weeklies are kept only `weekly_horizon_weeks` ahead of it (Cboe
    lists about six), monthlies over the whole range. Pass None to keep every weekly Wednesday.
    """
    return vix_expiries(
        start,
        end,
        _holidays_around(start, end),
        weekly_horizon_weeks=weekly_horizon_weeks,
    )


def listed_spx_expiries(start: dt.date, end: dt.date) -> tuple[dt.date, ...]:
    """SPX option expiries (SPXW every business day; the AM monthly among them) in [start, end]
    under the real exchange holidays."""
    return spx_expiries(start, end, _holidays_around(start, end))


def listed_spx_monthly_expiries(start: dt.date, end: dt.date) -> tuple[dt.date, ...]:
    """The standard AM-settled SPX monthly expiries in [start, end] under the real holidays."""
    return spx_monthly_expiries(start, end, _holidays_around(start, end))


@lru_cache(maxsize=32)
def plan_vix_expiries(valuation_date: dt.date) -> tuple[dt.date, ...]:
    """Listed VIX option expiries (six weeklies, then monthlies) from `valuation_date` on,
    cached: `evaluate` asks for them on every edit."""
    end = valuation_date + dt.timedelta(days=EXPIRY_HORIZON_DAYS)
    return listed_vix_expiries(valuation_date, end)
