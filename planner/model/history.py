"""Daily market history for the replay: S&P 500, Cboe VIX and VIX futures settlements.

Three user files (DESIGN.md section 9), read only through `planner.model.safe_read`:

- S&P 500 daily: `DATE,OPEN,HIGH,LOW,CLOSE` with MM/DD/YYYY dates (Cboe-style, as Yahoo ^GSPC
  exports are often saved) or `Date,Close` with ISO dates. Closes are rounded to 2 dp (some
  exports carry float32 noise such as 2386.1298828125).
- Cboe `VIX_History.csv`: `DATE,OPEN,HIGH,LOW,CLOSE`, MM/DD/YYYY (ISO accepted).
- VIX futures: an M1..Mn table `Date,M1,...,Mn[,days_to_expiration]`, ISO dates. Each Mk is
  mapped to its contract by Cboe's listed-expiry rule (`planner.engine.expiries`, with the real
  exchange holidays): on day d, M1 is the first monthly contract expiring *after* d (on the
  expiry Wednesday the columns have already rolled). The file's `days_to_expiration` is never
  used: it is wrong on some rows (shared/data/SOURCES.md); disagreements are reported.

A malformed file is a `HistoryError` naming the file and the line. Rows that are readable but
suspect are never used silently: each is reported, with what was done about it, in
`LoadedHistory.issues` -- a contract off the curve for one day is set aside that day, days the
files' calendars disagree on are left out, gaps are listed.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from planner.engine.expiries import vix_monthly_expiry
from planner.engine.replay_types import DailyMarket
from planner.model.calendar import exchange_holidays
from planner.model.errors import source_name
from planner.model.safe_read import InputFileError, read_text_bounded

__all__ = [
    "MAX_HISTORY_BYTES",
    "DailySeries",
    "FuturesTable",
    "HistoryError",
    "HistoryFiles",
    "LoadedHistory",
    "find_history_files",
    "load_futures_table",
    "load_history",
    "load_spx_history",
    "load_vix_close_history",
]

# The S&P 500 since 1927 is ~2 MB; anything far larger is not a daily history.
MAX_HISTORY_BYTES = 50 * 1024 * 1024

# A contract is "off the curve for one day" when its settlement differs from the geometric mean
# of the days around it by more than this log change, the days around it agree with each other
# within OFF_CURVE_NEIGHBOURS, and the rest of that day's curve moved by less than
# OFF_CURVE_REST. Real spikes move the whole curve together; a bad print moves one contract.
OFF_CURVE_LOG_CHANGE = 0.15
OFF_CURVE_NEIGHBOURS = 0.08
OFF_CURVE_REST = 0.05
# A roll day where today's contracts match yesterday's slot for slot (median log gap under a quarter
# of the shifted gap, which is above this) means the file did not roll on the calendar's expiry.
ROLL_MISMATCH_LOG = 0.05
# Issues list at most this many dates each.
SHOWN_DATES = 5


class HistoryError(ValueError):
    """A history file that cannot be used; `str(error)` is "NAME: problem"."""

    def __init__(self, path: str | os.PathLike[str], detail: str) -> None:
        self.path = path
        self.detail = detail
        super().__init__(f"{source_name(path)}: {detail}")


@dataclass(frozen=True, slots=True)
class DailySeries:
    """One close per day, oldest first, dates unique."""

    dates: NDArray[np.datetime64]
    close: NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class FuturesTable:
    dates: NDArray[np.datetime64]
    prices: NDArray[np.float64]
    """(days, columns): M1..Mn, NaN where the cell is empty."""
    columns: tuple[str, ...]
    days_to_expiration: NDArray[np.float64] | None
    """The file's own count, kept only to report where it disagrees with the calendar."""
    missing_cells: int


@dataclass(frozen=True, slots=True)
class HistoryFiles:
    spx: Path
    vix: Path
    futures: Path


@dataclass(frozen=True, slots=True)
class LoadedHistory:
    market: DailyMarket
    files: HistoryFiles
    issues: tuple[str, ...]
    """Every repair and every left-out day, one line each, saying what was done."""


# ---------------------------------------------------------------------------------------------
# Finding the files


_ROLE_WORDS = {
    "futures": ("future", "vx_", "vx-", "vx1", "m1_m"),
    "vix": ("vix",),
    "spx": ("spx", "sp500", "s&p", "gspc", "sp_500", "s_p_500"),
}


def find_history_files(
    folder: str | os.PathLike[str],
    *,
    spx: str | os.PathLike[str] | None = None,
    vix: str | os.PathLike[str] | None = None,
    futures: str | os.PathLike[str] | None = None,
) -> HistoryFiles:
    """The three history files in `folder`, told apart by name (a file naming "future" or "VX"
    holds futures, then "VIX" the index, then "SPX" / "SP500" / "GSPC" the S&P 500), unless
    given explicitly. Exactly one CSV must match each role."""
    base = Path(folder)
    if not base.is_dir():
        raise HistoryError(folder, "is not a folder (the history folder holds three CSV files)")
    given = {"spx": spx, "vix": vix, "futures": futures}
    try:
        names = sorted(p for p in base.iterdir() if p.suffix.lower() == ".csv" and p.is_file())
    except OSError as error:
        raise HistoryError(folder, f"could not list the folder ({error.strerror})") from None
    found: dict[str, Path] = {}
    for role in ("futures", "vix", "spx"):
        explicit = given[role]
        if explicit is not None:
            found[role] = Path(explicit)
            continue
        words = _ROLE_WORDS[role]
        taken = set(found.values())
        matches = [p for p in names if p not in taken and any(w in p.name.lower() for w in words)]
        if role == "vix":
            matches = [p for p in matches if not _is_futures_name(p.name)]
        if not matches:
            raise HistoryError(
                folder, f"no {_ROLE_TEXT[role]} file found (a CSV named {_ROLE_HINT[role]})"
            )
        if len(matches) > 1:
            shown = ", ".join(p.name for p in matches)
            raise HistoryError(
                folder, f"more than one {_ROLE_TEXT[role]} file ({shown}); name the one to use"
            )
        found[role] = matches[0]
    return HistoryFiles(spx=found["spx"], vix=found["vix"], futures=found["futures"])


_ROLE_TEXT = {"spx": "S&P 500 daily", "vix": "VIX daily", "futures": "VIX futures"}
_ROLE_HINT = {
    "spx": "like spx_daily.csv or SP500.csv",
    "vix": "like VIX_History.csv",
    "futures": "like vix_futures_m1_m7.csv",
}


def _is_futures_name(name: str) -> bool:
    lowered = name.lower()
    return any(w in lowered for w in _ROLE_WORDS["futures"])


# ---------------------------------------------------------------------------------------------
# Reading


@dataclass(frozen=True, slots=True)
class _Table:
    header: tuple[str, ...]
    rows: list[list[str]]
    lines: list[int]


def _read_table(path: str | os.PathLike[str], what: str) -> _Table:
    try:
        text = read_text_bounded(path, MAX_HISTORY_BYTES, what)
    except InputFileError as error:
        raise HistoryError(path, error.detail) from None
    lines = text.splitlines()
    numbered = [(i + 1, line) for i, line in enumerate(lines) if line.strip()]
    if not numbered:
        raise HistoryError(path, "is empty (expected a header line and daily rows)")
    try:
        parsed = list(csv.reader([line for _, line in numbered]))
    except csv.Error as error:
        raise HistoryError(path, f"not a readable CSV file ({error})") from None
    header = tuple(cell.strip().upper() for cell in parsed[0])
    rows: list[list[str]] = []
    line_numbers: list[int] = []
    width = len(header)
    for (number, _), row in zip(numbered[1:], parsed[1:], strict=True):
        if len(row) < width:
            raise HistoryError(
                path,
                f"line {number}: {len(row)} field(s) where the header has {width} "
                "(a truncated row?)",
            )
        if any(cell.strip() for cell in row[width:]):
            raise HistoryError(path, f"line {number}: more fields than the header has")
        rows.append([cell.strip() for cell in row[:width]])
        line_numbers.append(number)
    if not rows:
        raise HistoryError(path, "has a header but no rows")
    return _Table(header, rows, line_numbers)


def _parse_date(text: str) -> dt.date | None:
    """MM/DD/YYYY (Cboe) or YYYY-MM-DD (ISO); None when it is neither."""
    try:
        if "/" in text:
            month, day, year = text.split("/")
        else:
            year, month, day = text.split("-")
        if len(year) != 4:
            return None
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def _column(table: _Table, path: str | os.PathLike[str], names: Sequence[str], layout: str) -> int:
    for name in names:
        if name in table.header:
            return table.header.index(name)
    raise HistoryError(
        path, f"no {names[0]} column (the header is {','.join(table.header)}; expected {layout})"
    )


def _dates(table: _Table, path: str | os.PathLike[str], col: int) -> NDArray[np.datetime64]:
    """The date column, which must be strictly increasing (oldest first, no repeats)."""
    days: list[dt.date] = []
    seen: dict[dt.date, int] = {}
    for row, line in zip(table.rows, table.lines, strict=True):
        day = _parse_date(row[col])
        if day is None:
            raise HistoryError(
                path, f"line {line}: the date {row[col][:30]!r} is not MM/DD/YYYY or YYYY-MM-DD"
            )
        if day in seen:
            raise HistoryError(
                path,
                f"line {line}: the date {day.isoformat()} appears twice (also line {seen[day]})",
            )
        if days and day < days[-1]:
            raise HistoryError(
                path,
                f"line {line}: {day.isoformat()} comes after {days[-1].isoformat()} "
                "(rows must be oldest first)",
            )
        seen[day] = line
        days.append(day)
    return np.array(days, dtype="datetime64[D]")


def _number(text: str, path: str | os.PathLike[str], line: int, name: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise HistoryError(path, f"line {line}: {name} {text[:30]!r} is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise HistoryError(path, f"line {line}: {name} {text[:30]!r} is not a positive number")
    return value


def _close_series(path: str | os.PathLike[str], what: str, decimals: int | None) -> DailySeries:
    layout = "DATE,OPEN,HIGH,LOW,CLOSE or Date,Close"
    table = _read_table(path, what)
    date_col = _column(table, path, ("DATE",), layout)
    close_col = _column(table, path, ("CLOSE", "ADJ CLOSE", "PRICE"), layout)
    dates = _dates(table, path, date_col)
    close = np.array(
        [
            _number(row[close_col], path, line, table.header[close_col])
            for row, line in zip(table.rows, table.lines, strict=True)
        ],
        dtype=np.float64,
    )
    if decimals is not None:
        close = np.round(close, decimals)
    return DailySeries(dates=dates, close=close)


def load_spx_history(path: str | os.PathLike[str]) -> DailySeries:
    """S&P 500 daily closes (`DATE,...,CLOSE` MM/DD/YYYY or `Date,Close` ISO), rounded to
    cents."""
    return _close_series(path, "an S&P 500 daily history", 2)


def load_vix_close_history(path: str | os.PathLike[str]) -> DailySeries:
    """Cboe VIX daily closes (`DATE,OPEN,HIGH,LOW,CLOSE`)."""
    return _close_series(path, "a daily VIX history", None)


def load_futures_table(path: str | os.PathLike[str]) -> FuturesTable:
    """The M1..Mn settlement table. Empty or NaN cells are missing contracts (counted);
    anything else that is not a positive number is an error naming the line."""
    layout = "Date,M1,...,Mn[,days_to_expiration]"
    table = _read_table(path, "a VIX futures history")
    date_col = _column(table, path, ("DATE",), layout)
    slots: list[tuple[int, int]] = []
    for i, name in enumerate(table.header):
        if len(name) > 1 and name[0] == "M" and name[1:].isdigit():
            slots.append((int(name[1:]), i))
    slots.sort()
    if not slots or [k for k, _ in slots] != list(range(1, len(slots) + 1)):
        raise HistoryError(
            path, f"expected columns M1, M2, ... in order (the header is {','.join(table.header)})"
        )
    dte_col = (
        table.header.index("DAYS_TO_EXPIRATION") if "DAYS_TO_EXPIRATION" in table.header else None
    )
    dates = _dates(table, path, date_col)
    prices = np.full((len(table.rows), len(slots)), np.nan)
    missing = 0
    dte = np.full(len(table.rows), np.nan) if dte_col is not None else None
    for r, (row, line) in enumerate(zip(table.rows, table.lines, strict=True)):
        for j, (k, col) in enumerate(slots):
            cell = row[col]
            if cell == "" or cell.lower() == "nan":
                missing += 1
                continue
            prices[r, j] = _number(cell, path, line, f"M{k}")
        if dte is not None and dte_col is not None and row[dte_col] != "":
            try:
                dte[r] = float(row[dte_col])
            except ValueError:
                raise HistoryError(
                    path, f"line {line}: days_to_expiration {row[dte_col][:20]!r} is not a number"
                ) from None
    if np.all(np.isnan(prices[:, 0])):
        raise HistoryError(path, "the M1 column is empty")
    return FuturesTable(
        dates=dates,
        prices=prices,
        columns=tuple(f"M{k}" for k, _ in slots),
        days_to_expiration=dte,
        missing_cells=missing,
    )


# ---------------------------------------------------------------------------------------------
# Contracts, checks and the common calendar


def _to_date(day: np.datetime64) -> dt.date:
    return dt.date.fromisoformat(str(day.astype("datetime64[D]")))


def _shown(days: NDArray[np.datetime64]) -> str:
    listed = ", ".join(str(d) for d in days[:SHOWN_DATES])
    more = f" and {days.size - SHOWN_DATES} more" if days.size > SHOWN_DATES else ""
    return listed + more


def monthly_vix_expiries(first: dt.date, last: dt.date) -> NDArray[np.datetime64]:
    """Every monthly VIX contract's expiry from the month of `first` to a year past `last`."""
    holidays = exchange_holidays(first - dt.timedelta(days=40), last + dt.timedelta(days=500))
    out = []
    year, month = first.year, first.month
    end = (last.year + 1, last.month)
    while (year, month) <= end:
        out.append(vix_monthly_expiry(year, month, holidays))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return np.array(sorted(out), dtype="datetime64[D]")


def _contract_expiries(
    dates: NDArray[np.datetime64], columns: int
) -> tuple[NDArray[np.datetime64], NDArray[np.intp]]:
    """(days, columns) expiry of each Mk's contract, and each day's index of its M1 contract."""
    monthly = monthly_vix_expiries(_to_date(dates[0]), _to_date(dates[-1]))
    first = np.searchsorted(monthly, dates, side="right")
    slots = first[:, None] + np.arange(columns)[None, :]
    return monthly[slots], first


def _month_name(expiry: np.datetime64) -> str:
    day = _to_date(expiry)
    return f"the {day:%b %Y} contract, expiring {day.isoformat()}"


def _off_curve(
    prices: NDArray[np.float64], first: NDArray[np.intp], spot: NDArray[np.float64]
) -> tuple[NDArray[np.bool_], NDArray[np.float64]]:
    """Cells whose contract is off the curve for one day (see OFF_CURVE_LOG_CHANGE), and the
    geometric mean of the same contract's settlements the days before and after. `spot` is
    spot VIX on each row (NaN where unknown): a front future tracking spot is no bad print."""
    n, m = prices.shape
    flagged = np.zeros((n, m), dtype=bool)
    around_value = np.full((n, m), np.nan)
    if n < 3:
        return flagged, around_value
    # Contracts that rolled off between consecutive rows: today's Mk was yesterday's M(k+shift).
    shift = np.diff(first)
    cols = np.arange(m)[None, :]
    rows = np.arange(n - 2)[:, None]
    prev_col = cols + shift[:-1][:, None]
    next_col = cols - shift[1:][:, None]
    prev = np.where(prev_col < m, prices[:-2][rows, np.minimum(prev_col, m - 1)], np.nan)
    nxt = np.where(next_col >= 0, prices[2:][rows, np.maximum(next_col, 0)], np.nan)
    here = prices[1:-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        change_in = np.log(here / prev)
        around = np.log(nxt / prev)
        middle = 0.5 * (np.log(prev) + np.log(nxt))
        off = np.abs(np.log(here) - middle)
        # How the rest of the day's curve moved: the median change of the other contracts.
        rest = np.zeros(here.shape)
        if m > 1:
            for j in range(m):
                others = np.delete(change_in, j, axis=1)
                has = np.isfinite(others).any(axis=1)
                rest[has, j] = np.nanmedian(others[has], axis=1)
        spot_change = np.nan_to_num(np.log(spot[1:-1] / spot[:-2]), nan=0.0)[:, None]
    suspect = (
        np.isfinite(off)
        & (off > OFF_CURVE_LOG_CHANGE)
        & (np.abs(change_in - spot_change) > OFF_CURVE_LOG_CHANGE)
        & (np.abs(around) < OFF_CURVE_NEIGHBOURS)
        & (np.abs(rest) < OFF_CURVE_REST)
    )
    flagged[1:-1] = suspect
    around_value[1:-1] = np.exp(middle)
    return flagged, around_value


def _roll_mismatches(prices: NDArray[np.float64], first: NDArray[np.intp]) -> NDArray[np.intp]:
    """Indices of roll days where today's curve matches yesterday's slot for slot (no roll)
    much better than shifted by one contract (the roll the calendar says happened)."""
    if prices.shape[1] < 3 or prices.shape[0] < 2:
        return np.empty(0, dtype=np.intp)
    roll = np.flatnonzero(np.diff(first) == 1) + 1
    with np.errstate(invalid="ignore", divide="ignore"):
        fit_roll = np.nanmedian(np.abs(np.log(prices[roll, :-1] / prices[roll - 1, 1:])), axis=1)
        fit_stay = np.nanmedian(np.abs(np.log(prices[roll, :-1] / prices[roll - 1, :-1])), axis=1)
    bad = (fit_roll > ROLL_MISMATCH_LOG) & (fit_stay < 0.25 * fit_roll)
    return roll[bad]


def load_history(
    files: HistoryFiles,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> LoadedHistory:
    """The three files on their common calendar within [start, end] (default: all of it),
    every repair and left-out day in that range reported in `issues`."""
    spx = load_spx_history(files.spx)
    vix = load_vix_close_history(files.vix)
    fut = load_futures_table(files.futures)
    spx_name, vix_name, fut_name = files.spx.name, files.vix.name, files.futures.name

    low = max(spx.dates[0], vix.dates[0], fut.dates[0])
    high = min(spx.dates[-1], vix.dates[-1], fut.dates[-1])
    if start is not None:
        low = max(low, np.datetime64(start, "D"))
    if end is not None:
        high = min(high, np.datetime64(end, "D"))
    if high < low:
        spans = "; ".join(
            f"{name} {series.dates[0]} to {series.dates[-1]}"
            for name, series in ((spx_name, spx), (vix_name, vix), (fut_name, fut))
        )
        raise HistoryError(
            files.futures.parent,
            f"the history files have no days in common in the range asked for ({spans})",
        )

    def in_range(days: NDArray[np.datetime64]) -> NDArray[np.bool_]:
        inside: NDArray[np.bool_] = (days >= low) & (days <= high)
        return inside

    issues: list[str] = []
    expiries, first = _contract_expiries(fut.dates, fut.prices.shape[1])
    prices = fut.prices.copy()
    at = np.searchsorted(vix.dates, fut.dates).clip(0, vix.dates.size - 1)
    spot = np.where(vix.dates[at] == fut.dates, vix.close[at], np.nan)
    off, around = _off_curve(prices, first, spot)
    off &= in_range(fut.dates)[:, None]
    for r, c in zip(*np.nonzero(off), strict=True):
        issues.append(
            f"{fut_name}: {fut.dates[r]} {fut.columns[c]} ({_month_name(expiries[r, c])}) settles "
            f"{prices[r, c]:g}, off the curve for one day (about {around[r, c]:.2f} the days "
            "around it, and the rest of the curve did not move): set aside that day; the curve "
            "interpolates across it."
        )
    prices[off] = np.nan
    missing = np.isnan(fut.prices) & in_range(fut.dates)[:, None]
    if missing.any():
        days = fut.dates[missing.any(axis=1)]
        issues.append(
            f"{fut_name}: {int(missing.sum())} empty cell(s) on {days.size} day(s) "
            f"({_shown(days)}): those contracts are left out of the curve on those days."
        )
    rolls = _roll_mismatches(fut.prices, first)
    rolls = rolls[in_range(fut.dates[rolls])]
    if rolls.size:
        issues.append(
            f"{fut_name}: on {rolls.size} listed VIX expiry day(s) ({_shown(fut.dates[rolls])}) "
            "the M1 column looks as if it did not roll; contracts are still mapped by Cboe's "
            "listed-expiry rule."
        )
    if fut.days_to_expiration is not None:
        # The file counts trading days left for M1, 0 on the day before its final settlement.
        own_days = np.searchsorted(fut.dates, expiries[:, 0]) - np.arange(fut.dates.size) - 1
        known = np.isfinite(fut.days_to_expiration) & in_range(fut.dates)
        wrong = np.flatnonzero(known & (fut.days_to_expiration != own_days))
        if wrong.size:
            issues.append(
                f"{fut_name}: days_to_expiration disagrees with Cboe's listed-expiry calendar on "
                f"{wrong.size} row(s) ({_shown(fut.dates[wrong])}); the column is ignored, "
                "contracts are mapped by the calendar."
            )

    spx_days = spx.dates[in_range(spx.dates)]
    vix_days = vix.dates[in_range(vix.dates)]
    fut_days = fut.dates[in_range(fut.dates)]
    common = np.intersect1d(np.intersect1d(spx_days, vix_days), fut_days)
    for name, days, what in (
        (vix_name, np.setdiff1d(vix_days, spx_days), "VIX row(s) on days with no S&P 500 close"),
        (
            fut_name,
            np.setdiff1d(fut_days, spx_days),
            "futures row(s) on days with no S&P 500 close",
        ),
    ):
        if days.size:
            issues.append(f"{name}: {days.size} {what} ({_shown(days)}): not used.")
    for name, days, what in (
        (vix_name, np.setdiff1d(spx_days, vix_days), "S&P 500 trading day(s) have no VIX close"),
        (fut_name, np.setdiff1d(spx_days, fut_days), "S&P 500 trading day(s) have no futures row"),
    ):
        if days.size:
            issues.append(
                f"{name}: {days.size} {what} ({_shown(days)}): those days are left out; "
                "positions are carried to the next day all three files have."
            )
    if common.size == 0:
        raise HistoryError(files.futures.parent, "the three files share no trading day in range")
    holidays = exchange_holidays(_to_date(common[0]), _to_date(common[-1]))
    business = np.arange(common[0], common[-1] + np.timedelta64(1, "D"), dtype="datetime64[D]")
    business = business[np.is_busday(business, holidays=sorted(holidays))]
    absent = np.setdiff1d(business, spx_days)
    if absent.size:
        issues.append(
            f"{spx_name}: {absent.size} exchange business day(s) have no S&P 500 close "
            f"({_shown(absent)}): gaps; positions are held across them."
        )

    keep_spx = np.isin(spx.dates, common)
    keep_vix = np.isin(vix.dates, common)
    keep_fut = np.isin(fut.dates, common)
    market = DailyMarket(
        dates=common,
        spx=spx.close[keep_spx],
        vix=vix.close[keep_vix],
        futures_expiry=expiries[keep_fut],
        futures_price=prices[keep_fut],
    )
    return LoadedHistory(market=market, files=files, issues=tuple(issues))
