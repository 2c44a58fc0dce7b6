"""SPX option chains from Cboe's delayed-quote CSV, with a parity forward and an SVI smile per
expiry (DESIGN.md section 8).

The file (cboe.com -> Delayed Quotes -> SPX -> Options -> all expiries -> Download CSV) has two
header lines -- the index line (``Standard & Poors 500 Index,Last: 4500.5298,Change: 23.0898``)
and the quote-time line (``"Date: February 5 2022, 8:09 PM EST",Bid: ...``) -- then a column
header and one row per (expiry, strike) with the call side left of ``Strike`` and the put side
right of it. Variants seen in real files and accepted here: a blank first line, trailing commas
on every line, a comma after the day in the date (``January 9, 2022``) or ``at`` before the
time, zero bids far out of the money, and SPX (monthly, AM-settled) and SPXW (weekly/daily,
PM-settled) roots at the same expiry.

Which quotes are used: at an expiry listed under both roots, the SPXW series (PM-settled, so
its time to expiry is the calendar days the planner counts, and the tighter market); a mid only
where both bid and ask are positive. Which SPX level: the header's ``Last`` is the 4:00 pm index
close, but the options are quoted to 4:15 pm, so every implied vol and smile is taken on that
expiry's own put-call-parity forward, never on the close; `OptionChain.spx` is the close as
printed and `OptionChain.parity_spx` the level the front expiry's forward implies.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

from planner.engine.calibration import SMILE_DELTAS, SmileTargets
from planner.engine.condor import CondorStrikes, iron_condor_strikes
from planner.engine.conventions import DAYS_PER_YEAR
from planner.engine.curve import FuturesCurve
from planner.engine.expiries import is_business_day, previous_business_day
from planner.engine.pricing import black76, black76_call_delta
from planner.engine.report import Report
from planner.engine.smile import SviParams, fit_svi, implied_vol, parity_forward
from planner.engine.strikes import nearest_delta_index
from planner.engine.types import AtmReference, LegLike, PlanLike, Right, Underlying
from planner.model.calendar import exchange_holidays
from planner.model.errors import source_name
from planner.model.plan import Plan
from planner.model.safe_read import InputFileError, read_text_bounded

__all__ = [
    "MAX_CHAIN_BYTES",
    "ChainComparison",
    "ChainFileError",
    "ExpiryQuotes",
    "ExpirySmile",
    "LegComparison",
    "LegMarket",
    "OptionChain",
    "chain_condor_expiry",
    "compare_plan",
    "comparison_to_dict",
    "load_chain",
    "market_iron_condor",
    "parse_chain",
    "smile_targets",
    "spx_half_spread_pts",
    "with_chain_smile",
    "with_market_entry_prices",
]

FloatArray = NDArray[np.float64]

# Cboe's all-expiries SPX export is 1.5-3 MB (about 20,000 rows); far larger is not a chain.
MAX_CHAIN_BYTES = 40 * 1024 * 1024
# Quotes before the open belong to the previous session (Eastern time, as Cboe prints it).
_SESSION_OPEN = dt.time(9, 30)
_PREFERRED_ROOTS = ("SPXW", "SPX")
_MIN_FIT_DELTA = 0.01
_SYMBOL = re.compile(r"^([A-Z]+)(\d{6})([CP])(\d{8})$")
_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
# Cboe's page localises the quote-date line; a Russian-locale download (2023-12-08 in
# tests/data/chains) writes "9 декабря 2023 г. в 13:49 GMT-5", the month in the genitive.
_MONTHS.update(
    {
        name: number
        for number, name in enumerate(
            (
                "января",
                "февраля",
                "марта",
                "апреля",
                "мая",
                "июня",
                "июля",
                "августа",
                "сентября",
                "октября",
                "ноября",
                "декабря",
            ),
            start=1,
        )
    }
)


class ChainFileError(ValueError):
    """An option chain file that cannot be used; `str(error)` is "NAME: [line N: ]problem"."""

    def __init__(self, path: str | os.PathLike[str], detail: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.detail = detail
        where = f"line {line}: " if line is not None else ""
        super().__init__(f"{source_name(path)}: {where}{detail}")


@dataclass(frozen=True, slots=True)
class LegMarket:
    """The chain's market for one SPX leg of a plan (prices in index points per contract)."""

    leg_id: str
    root: str | None
    """SPX or SPXW: the series the quote comes from; None when the expiry is not in the chain."""
    bid: float | None
    ask: float | None
    mid: float | None
    """(bid + ask) / 2 where both are positive; None otherwise (see `status`)."""
    market_iv: float | None
    """Black-76 vol of the mid on the expiry's parity forward, decimal."""
    smile_iv: float | None
    """The expiry's fitted SVI smile at the strike (also for strikes not listed)."""
    status: str
    """"quoted", or why something is missing: "no bid", "strike not listed", ..."""

    @property
    def width(self) -> float | None:
        """Bid/ask width in index points."""
        if self.bid is None or self.ask is None:
            return None
        return self.ask - self.bid


@dataclass(frozen=True, slots=True)
class ExpiryQuotes:
    """One expiry of the chain: quotes by strike and the parity forward."""

    expiry: dt.date
    root: str
    days: int
    forward: float
    discount: float
    strike: FloatArray
    call_bid: FloatArray
    call_ask: FloatArray
    put_bid: FloatArray
    put_ask: FloatArray

    @property
    def t_years(self) -> float:
        return self.days / DAYS_PER_YEAR

    @property
    def use_call(self) -> NDArray[np.bool_]:
        """Each strike's out-of-the-money side: calls at or above the forward, puts below."""
        return self.strike >= self.forward

    def otm_bid_ask(self) -> tuple[FloatArray, FloatArray]:
        """(bid, ask) of each strike's out-of-the-money side."""
        use_call = self.use_call
        return (
            np.where(use_call, self.call_bid, self.put_bid),
            np.where(use_call, self.call_ask, self.put_ask),
        )

    def mids(self, is_call: bool) -> FloatArray:
        bid, ask = (self.call_bid, self.call_ask) if is_call else (self.put_bid, self.put_ask)
        return _mid(bid, ask)


@dataclass(frozen=True, slots=True)
class ExpirySmile(ExpiryQuotes):
    """One expiry of the chain: its quotes and the fitted SVI smile."""

    otm_iv: FloatArray
    """Market vol of the out-of-the-money side's mid (puts below the forward), NaN if none."""
    svi: SviParams | None
    fit_rmse_vol_pts: float
    """RMS of SVI minus market vol over the fitted strikes, in vol points (NaN if not fitted)."""
    fit_points: int

    def smile_iv(self, strike: FloatArray) -> FloatArray:
        """The fitted smile at `strike` (NaN everywhere without a fit)."""
        k = np.asarray(strike, dtype=np.float64)
        if self.svi is None:
            return np.full(k.shape, np.nan)
        return self.svi.vol(np.log(k / self.forward), self.t_years)


@dataclass(frozen=True, slots=True)
class OptionChain:
    source: str
    """The file's name, for messages."""
    quote_time: dt.datetime
    """Quote time as printed on the header (US Eastern, naive)."""
    session: dt.date
    """The trading session the quotes belong to (the last one at or before the quote time)."""
    spx: float | None
    """The header's SPX Last (the 4:00 pm index close)."""
    expiries: tuple[ExpirySmile, ...]
    notes: tuple[str, ...] = field(default=())
    """Expiries that were skipped and why."""

    @property
    def parity_spx(self) -> float:
        """SPX implied by the front expiry's parity forward (carry over a few days ignored)."""
        return self.expiries[0].forward

    def expiry(self, day: dt.date) -> ExpirySmile | None:
        for smile in self.expiries:
            if smile.expiry == day:
                return smile
        return None

    def is_stale(self, valuation_date: dt.date) -> bool:
        """True when the quotes are not from the plan's valuation date."""
        return self.session != valuation_date

    def leg_market(self, leg: LegLike) -> LegMarket:
        """The market for an SPX leg (a VIX leg gets status "not an SPX option")."""
        if leg.underlying is not Underlying.SPX:
            return LegMarket(leg.id, None, None, None, None, None, None, "not an SPX option")
        smile = self.expiry(leg.expiry)
        if smile is None:
            return LegMarket(leg.id, None, None, None, None, None, None, "expiry not in the chain")
        fitted = smile.smile_iv(np.array([leg.strike]))[0]
        smile_iv = float(fitted) if math.isfinite(fitted) else None
        is_call = leg.right is Right.CALL
        hit = np.flatnonzero(np.isclose(smile.strike, leg.strike, rtol=0, atol=1e-6))
        if hit.size == 0:
            return LegMarket(leg.id, smile.root, None, None, None, None, smile_iv, "not listed")
        i = int(hit[0])
        bid_arr, ask_arr = (
            (smile.call_bid, smile.call_ask) if is_call else (smile.put_bid, smile.put_ask)
        )
        bid, ask = float(bid_arr[i]), float(ask_arr[i])
        shown_bid = bid if math.isfinite(bid) else None
        shown_ask = ask if math.isfinite(ask) else None
        if not (bid > 0 and ask >= bid):
            status = "no bid" if ask > 0 else "no quote"
            return LegMarket(leg.id, smile.root, shown_bid, shown_ask, None, None, smile_iv, status)
        mid = 0.5 * (bid + ask)
        iv = implied_vol(is_call, mid, smile.forward, leg.strike, smile.t_years, smile.discount)
        market_iv = float(iv) if math.isfinite(float(iv)) else None
        return LegMarket(leg.id, smile.root, bid, ask, mid, market_iv, smile_iv, "quoted")


def load_chain(path: str | os.PathLike[str]) -> OptionChain:
    """Read a Cboe delayed-quote SPX CSV; every problem is one `ChainFileError`."""
    try:
        text = read_text_bounded(path, MAX_CHAIN_BYTES, "an option chain")
    except InputFileError as error:
        raise ChainFileError(path, error.detail) from None
    return parse_chain(text, path)


def parse_chain(text: str, source: str | os.PathLike[str] = "<text>") -> OptionChain:
    try:
        return _parse(text, source)
    except ChainFileError:
        raise
    except RecursionError:  # pragma: no cover - csv does not recurse
        raise ChainFileError(source, "could not read the chain") from None
    except Exception as error:  # last line of defence: a bad file must never crash the app
        raise ChainFileError(
            source, f"could not read the chain ({type(error).__name__}: {error})"
        ) from None


# ---------------------------------------------------------------------------------------------
# Parsing


@dataclass(slots=True)
class _Columns:
    expiry: int
    strike: int
    call_symbol: int
    put_symbol: int
    call_bid: int
    call_ask: int
    put_bid: int
    put_ask: int

    @property
    def needed(self) -> int:
        return 1 + max(
            self.expiry,
            self.strike,
            self.call_symbol,
            self.put_symbol,
            self.call_bid,
            self.call_ask,
            self.put_bid,
            self.put_ask,
        )


@dataclass(slots=True)
class _Series:
    strike: list[float] = field(default_factory=list)
    call_bid: list[float] = field(default_factory=list)
    call_ask: list[float] = field(default_factory=list)
    put_bid: list[float] = field(default_factory=list)
    put_ask: list[float] = field(default_factory=list)
    lines: dict[float, int] = field(default_factory=dict)


def _parse(text: str, source: str | os.PathLike[str]) -> OptionChain:
    if "\x00" in text:
        raise ChainFileError(source, "not a text CSV file (it contains NUL bytes)")
    rows = list(csv.reader(text.splitlines()))
    header_line = None
    spx: float | None = None
    quote_time: dt.datetime | None = None
    for number, row in enumerate(rows, start=1):
        cells = [c.strip() for c in row]
        if cells and cells[0].lower().startswith("expiration date"):
            header_line = number
            break
        for index, cell in enumerate(cells):
            lowered = cell.lower()
            if lowered.startswith("last:") and spx is None:
                spx = _header_number(cell, source, number, "Last")
            elif lowered.startswith("date:") and quote_time is None:
                quote_time = _quote_time(_date_text(cells, index), source, number)
    if header_line is None:
        raise ChainFileError(
            source,
            "no column header starting with 'Expiration Date' "
            "(is this a Cboe delayed-quote SPX chain?)",
        )
    if quote_time is None:
        raise ChainFileError(
            source, "no 'Date: ...' quote-time line before the column header", line=None
        )
    columns = _columns(rows[header_line - 1], source, header_line)
    holidays = exchange_holidays(
        quote_time.date() - dt.timedelta(days=10), quote_time.date() + dt.timedelta(days=10)
    )
    session = _session(quote_time, holidays)
    series: dict[tuple[dt.date, str], _Series] = {}
    for number in range(header_line + 1, len(rows) + 1):
        cells = [c.strip() for c in rows[number - 1]]
        while cells and cells[-1] == "":
            cells.pop()
        if not cells:
            continue
        if len(cells) < columns.needed:
            raise ChainFileError(
                source,
                f"{len(cells)} fields, expected at least {columns.needed} (a truncated row?)",
                line=number,
            )
        expiry = _expiry(cells[columns.expiry], source, number)
        root = _root(cells[columns.call_symbol], cells[columns.put_symbol], source, number)
        strike = _number(cells[columns.strike], source, number, "Strike")
        if not strike > 0:
            raise ChainFileError(source, f"Strike must be positive (got {strike:g})", line=number)
        values = [
            _number(cells[i], source, number, label)
            for i, label in (
                (columns.call_bid, "call Bid"),
                (columns.call_ask, "call Ask"),
                (columns.put_bid, "put Bid"),
                (columns.put_ask, "put Ask"),
            )
        ]
        for value, label in zip(
            values, ("call Bid", "call Ask", "put Bid", "put Ask"), strict=True
        ):
            if value < 0:
                raise ChainFileError(source, f"{label} is negative ({value:g})", line=number)
        if expiry < session:
            raise ChainFileError(
                source,
                f"expiry {expiry.isoformat()} is before the quote date {session.isoformat()}",
                line=number,
            )
        entry = series.setdefault((expiry, root), _Series())
        if strike in entry.lines:
            raise ChainFileError(
                source,
                f"{root} {expiry.isoformat()} strike {strike:g} is listed twice "
                f"(first on line {entry.lines[strike]})",
                line=number,
            )
        entry.lines[strike] = number
        entry.strike.append(strike)
        entry.call_bid.append(values[0])
        entry.call_ask.append(values[1])
        entry.put_bid.append(values[2])
        entry.put_ask.append(values[3])
    if not series:
        raise ChainFileError(source, "has a column header but no option rows")
    smiles, notes = _smiles(series, session)
    if not smiles:
        detail = "; ".join(notes[:3]) if notes else "no expiry after the quote date"
        raise ChainFileError(source, f"no expiry with a usable forward ({detail})")
    return OptionChain(
        source=source_name(source),
        quote_time=quote_time,
        session=session,
        spx=spx,
        expiries=tuple(smiles),
        notes=tuple(notes),
    )


def _columns(row: Sequence[str], source: str | os.PathLike[str], line: int) -> _Columns:
    names = [c.strip().lower() for c in row]

    def find(name: str, start: int = 0, stop: int | None = None) -> int:
        end = len(names) if stop is None else stop
        for i in range(start, end):
            if names[i] == name:
                return i
        raise ChainFileError(
            source,
            f"the column header has no {name!r} column"
            + ("" if start == 0 and stop is None else " on that side"),
            line=line,
        )

    calls = find("calls")
    strike = find("strike")
    puts = find("puts")
    if not calls < strike < puts:
        raise ChainFileError(
            source, "expected the columns Calls ... Strike ... Puts in that order", line=line
        )
    return _Columns(
        expiry=find("expiration date"),
        strike=strike,
        call_symbol=calls,
        put_symbol=puts,
        call_bid=find("bid", calls, strike),
        call_ask=find("ask", calls, strike),
        put_bid=find("bid", puts),
        put_ask=find("ask", puts),
    )


def _header_number(cell: str, source: str | os.PathLike[str], line: int, label: str) -> float:
    match = _NUMBER.search(cell.replace(",", ""))
    if match is None:
        raise ChainFileError(source, f"{label}: no number in {cell[:40]!r}", line=line)
    value = float(match.group(0))
    if not (math.isfinite(value) and value > 0):
        raise ChainFileError(source, f"{label} must be positive (got {cell[:40]!r})", line=line)
    return value


def _date_text(cells: Sequence[str], index: int) -> str:
    """The quote time after 'Date:' in cell `index`, with the cells after it up to the next
    'Label:' cell: an unquoted `Date: 10 April 2023, 20:51 UTC-4,Bid: ...` is split by the CSV
    reader at its comma, and the time is in the second cell."""
    parts = [cells[index][5:]]
    for cell in cells[index + 1 :]:
        if re.match(r"[^\W\d][\w .]*:", cell):
            break
        parts.append(cell)
    return ", ".join(parts)


def _quote_time(text: str, source: str | os.PathLike[str], line: int) -> dt.datetime:
    """'February 5 2022, 8:09 PM EST', 'January 9, 2022, 3:11 AM EST', 'December 8, 2023 at
    4:15 PM ET', '2022-02-04 16:15', '02/04/2022 4:15 PM', '4 February 2022 16:15',
    '9 декабря 2023 г. в 13:49 GMT-5'."""
    cleaned = re.sub(r"[,]", " ", text).strip()
    cleaned = re.sub(r"\b(at|um|à|a las)\b", " ", cleaned, flags=re.IGNORECASE)
    words = cleaned.split()
    date: dt.date | None = None
    clock = dt.time(16, 15)
    clock_seen = False
    try:
        numeric = next(
            (w for w in words if re.fullmatch(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}", w)), None
        )
        if numeric is not None:
            parts = [int(p) for p in re.split(r"[-/.]", numeric)]
            if parts[0] > 31:
                date = dt.date(parts[0], parts[1], parts[2])
            elif "." in numeric:
                date = dt.date(parts[2], parts[1], parts[0])
            else:
                date = dt.date(parts[2], parts[0], parts[1])
        else:
            month = next(
                (_MONTHS[w.lower().rstrip(".")] for w in words if w.lower().rstrip(".") in _MONTHS),
                None,
            )
            numbers = [int(w.rstrip(".")) for w in words if re.fullmatch(r"\d{1,4}\.?", w)]
            year = next((n for n in numbers if n >= 1900), None)
            day = next((n for n in numbers if 1 <= n <= 31), None)
            if month is not None and year is not None and day is not None:
                date = dt.date(year, month, day)
    except ValueError:
        date = None
    if date is None:
        raise ChainFileError(
            source, f"could not read the quote date from {text.strip()[:60]!r}", line=line
        )
    for i, word in enumerate(words):
        found = re.fullmatch(r"(\d{1,2}):(\d{2})(?::\d{2})?", word)
        if found is None:
            continue
        hour, minute = int(found.group(1)), int(found.group(2))
        suffix = words[i + 1].lower() if i + 1 < len(words) else ""
        if suffix in ("pm", "p.m.") and hour < 12:
            hour += 12
        elif suffix in ("am", "a.m.") and hour == 12:
            hour = 0
        if hour > 23 or minute > 59:
            raise ChainFileError(source, f"the quote time {word!r} is not a time", line=line)
        clock = dt.time(hour, minute)
        clock_seen = True
        break
    if not clock_seen:
        clock = dt.time(16, 15)
    return dt.datetime.combine(date, clock)


def _session(quote_time: dt.datetime, holidays: frozenset[dt.date]) -> dt.date:
    day = quote_time.date()
    if is_business_day(day, holidays) and quote_time.time() >= _SESSION_OPEN:
        return day
    return previous_business_day(day, holidays)


_EXPIRY_FORMATS = ("%a %b %d %Y", "%b %d %Y", "%Y-%m-%d", "%m/%d/%Y", "%d %b %Y")


def _expiry(text: str, source: str | os.PathLike[str], line: int) -> dt.date:
    for fmt in _EXPIRY_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ChainFileError(
        source, f"Expiration Date {text[:30]!r} is not a date like 'Fri Mar 18 2022'", line=line
    )


def _root(call: str, put: str, source: str | os.PathLike[str], line: int) -> str:
    roots = []
    for text, side in ((call, "call"), (put, "put")):
        match = _SYMBOL.match(text.replace(" ", ""))
        if match is None:
            raise ChainFileError(
                source,
                f"{side} symbol {text[:30]!r} is not an option symbol like SPXW220318C04400000",
                line=line,
            )
        roots.append(match.group(1))
    if roots[0] != roots[1]:
        raise ChainFileError(
            source, f"the call ({roots[0]}) and put ({roots[1]}) roots differ", line=line
        )
    if roots[0] not in _PREFERRED_ROOTS:
        raise ChainFileError(
            source, f"root {roots[0]} is not an SPX option (SPX or SPXW)", line=line
        )
    return roots[0]


def _number(text: str, source: str | os.PathLike[str], line: int, label: str) -> float:
    if text in ("", "-", "--"):
        return 0.0
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        raise ChainFileError(source, f"{label} {text[:20]!r} is not a number", line=line) from None
    if not math.isfinite(value):
        raise ChainFileError(source, f"{label} {text[:20]!r} is not a finite number", line=line)
    return value


# ---------------------------------------------------------------------------------------------
# Forward and smile per expiry


def _vol_tolerance(
    use_call: NDArray[np.bool_],
    strike: FloatArray,
    forward: float,
    t_years: float,
    discount: float,
    iv: FloatArray,
    call_width: FloatArray,
    put_width: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """(half the bid/ask width in vol, Black delta) of each strike's out-of-the-money side, at
    its market vol; the tolerance is floored at a tenth of a vol point."""
    vol = np.where(np.isfinite(iv), iv, 0.2)
    greeks = black76(use_call, forward, strike, t_years, 0.0, vol)
    vega_per_vol = np.maximum(greeks.vega * 100.0 * discount, 1e-12)
    width = np.where(use_call, call_width, put_width)
    tolerance = np.maximum(0.5 * width / vega_per_vol, 0.001)
    return tolerance, greeks.delta


def _quoted(bid: FloatArray, ask: FloatArray) -> NDArray[np.bool_]:
    """Where a strike has a two-sided quote."""
    return (bid > 0) & (ask >= bid)


def _mid(bid: FloatArray, ask: FloatArray) -> FloatArray:
    return np.where(_quoted(bid, ask), 0.5 * (bid + ask), np.nan)


def _smiles(
    series: dict[tuple[dt.date, str], _Series], session: dt.date
) -> tuple[list[ExpirySmile], list[str]]:
    notes: list[str] = []
    quotes: list[ExpiryQuotes] = []
    otm_mids: list[FloatArray] = []
    for expiry in sorted({key[0] for key in series}):
        root = next(r for r in _PREFERRED_ROOTS if (expiry, r) in series)
        entry = series[(expiry, root)]
        days = (expiry - session).days
        if days <= 0:
            notes.append(f"{expiry.isoformat()}: expires on the quote date")
            continue
        order = np.argsort(np.asarray(entry.strike))
        strike, call_bid, call_ask, put_bid, put_ask = (
            np.asarray(values, dtype=np.float64)[order]
            for values in (
                entry.strike,
                entry.call_bid,
                entry.call_ask,
                entry.put_bid,
                entry.put_ask,
            )
        )
        call_mid, put_mid = _mid(call_bid, call_ask), _mid(put_bid, put_ask)
        try:
            forward, discount = parity_forward(
                strike, call_mid, put_mid, (call_ask - call_bid) + (put_ask - put_bid)
            )
        except ValueError as error:
            notes.append(f"{root} {expiry.isoformat()}: {error}")
            continue
        q = ExpiryQuotes(
            expiry, root, days, forward, discount, strike, call_bid, call_ask, put_bid, put_ask
        )
        quotes.append(q)
        otm_mids.append(np.where(q.use_call, call_mid, put_mid))
    if not quotes:
        return [], notes
    # Every expiry's out-of-the-money vols in one vectorised inversion.
    sizes = [q.strike.size for q in quotes]
    flat_iv = implied_vol(
        np.concatenate([q.use_call for q in quotes]),
        np.concatenate(otm_mids),
        np.concatenate([np.full(n, q.forward) for q, n in zip(quotes, sizes, strict=True)]),
        np.concatenate([q.strike for q in quotes]),
        np.concatenate([np.full(n, q.t_years) for q, n in zip(quotes, sizes, strict=True)]),
        np.concatenate([np.full(n, q.discount) for q, n in zip(quotes, sizes, strict=True)]),
    )
    ivs = np.split(flat_iv, np.cumsum(sizes)[:-1])
    smiles = [_fitted(q, iv, notes) for q, iv in zip(quotes, ivs, strict=True)]
    return smiles, notes


def _quote_fields(quotes: ExpiryQuotes) -> dict[str, Any]:
    return {f.name: getattr(quotes, f.name) for f in fields(ExpiryQuotes)}


def _fitted(q: ExpiryQuotes, otm_iv: FloatArray, notes: list[str]) -> ExpirySmile:
    t_years = q.t_years
    log_k = np.log(q.strike / q.forward)
    svi: SviParams | None = None
    rmse = math.nan
    tolerance, delta = _vol_tolerance(
        q.use_call,
        q.strike,
        q.forward,
        t_years,
        q.discount,
        otm_iv,
        q.call_ask - q.call_bid,
        q.put_ask - q.put_bid,
    )
    # Quotes of a penny or two far out in the wings have no vol to speak of (the tick is
    # most of the price): fit where the out-of-the-money delta is at least 1 %.
    usable = np.isfinite(otm_iv) & (np.abs(delta) >= _MIN_FIT_DELTA)
    try:
        svi = fit_svi(log_k[usable], otm_iv[usable], t_years, tolerance[usable])
        errors = svi.vol(log_k[usable], t_years) - otm_iv[usable]
        rmse = float(np.sqrt(np.mean(errors**2)) * 100.0)
    except ValueError as error:
        notes.append(f"{q.root} {q.expiry.isoformat()}: no smile fitted ({error})")
    return ExpirySmile(
        **_quote_fields(q),
        otm_iv=otm_iv,
        svi=svi,
        fit_rmse_vol_pts=rmse,
        fit_points=int(usable.sum()),
    )


# ---------------------------------------------------------------------------------------------
# A plan against a chain


@dataclass(frozen=True, slots=True)
class LegComparison:
    """One SPX leg of a plan: the chain's market beside the model's IV and price."""

    market: LegMarket
    model_iv: float
    model_price_pts: float


@dataclass(frozen=True, slots=True)
class ChainComparison:
    chain: OptionChain
    valuation_date: dt.date
    legs: tuple[LegComparison, ...]

    @property
    def stale(self) -> bool:
        return self.chain.is_stale(self.valuation_date)


def compare_plan(plan: PlanLike, report: Report, chain: OptionChain) -> ChainComparison:
    """The chain's market for every SPX leg of `plan` beside the model values in `report`."""
    by_id = {risk.id: risk for risk in report.legs}
    rows = []
    for leg in plan.legs:
        if leg.underlying is not Underlying.SPX or leg.id not in by_id:
            continue
        risk = by_id[leg.id]
        rows.append(LegComparison(chain.leg_market(leg), risk.iv, risk.model_price_pts))
    return ChainComparison(chain, plan.valuation_date, tuple(rows))


def with_chain_smile(plan: Plan, chain: OptionChain) -> Plan:
    """`plan` with every SPX leg that has no user IV priced at the chain's fitted smile (the
    expiry's SVI at the leg's strike; DESIGN.md section 8). Legs whose expiry the chain lacks
    keep the model's default smile."""
    legs = []
    for leg in plan.legs:
        if leg.underlying is Underlying.SPX and leg.iv is None:
            smile_iv = chain.leg_market(leg).smile_iv
            if smile_iv is not None:
                leg = leg.with_changes(iv=smile_iv)
        legs.append(leg)
    return plan.with_changes(legs=tuple(legs))


def comparison_to_dict(comparison: ChainComparison) -> dict[str, object]:
    chain = comparison.chain
    return {
        "file": chain.source,
        "quote_time": chain.quote_time.isoformat(timespec="minutes"),
        "session": chain.session.isoformat(),
        "spx_close": chain.spx,
        "spx_parity": chain.parity_spx,
        "stale": comparison.stale,
        "legs": [
            {
                "id": row.market.leg_id,
                "root": row.market.root,
                "status": row.market.status,
                "bid": row.market.bid,
                "ask": row.market.ask,
                "width": row.market.width,
                "mid": row.market.mid,
                "market_iv": row.market.market_iv,
                "smile_iv": row.market.smile_iv,
                "model_iv": row.model_iv,
                "model_price_pts": row.model_price_pts,
            }
            for row in comparison.legs
        ],
    }


def smile_targets(
    chain: OptionChain,
    vix_curve: FuturesCurve,
    group: int = 0,
    min_days: int = 5,
    max_days: int = 120,
    deltas: Sequence[tuple[str, bool, float]] = SMILE_DELTAS,
    reference: AtmReference = AtmReference.TERM,
) -> SmileTargets:
    """The chain's smile at the 10/16/25-delta puts, the forward and the 16/10-delta calls of
    every fitted expiry `min_days`..`max_days` out (strikes by the SVI smile's own Black forward
    deltas), with the VIX level the default smile's ATM is a share of at each tenor
    (`reference`, from `vix_curve`: the chain day's curve)."""
    labels: list[str] = []
    columns: list[list[float]] = [[], [], [], [], []]
    grid = np.linspace(-0.6, 0.3, 9001)
    for smile in chain.expiries:
        if smile.svi is None or not min_days <= smile.days <= max_days:
            continue
        t = smile.t_years
        vol = smile.svi.vol(grid, t)
        # Forward deltas: Black-76 undiscounted, on a unit forward at strike e^k.
        call_delta = black76_call_delta(
            np.ones_like(grid), np.exp(grid), np.full_like(grid, t), 0.0, vol
        )
        vix_reference = float(vix_curve.smile_reference(float(smile.days), reference))
        for label, is_call, delta in deltas:
            if label == "ATM":
                k = 0.0
            elif is_call:
                k = float(grid[nearest_delta_index(call_delta, delta, grid > 0)])
            else:
                put_delta = 1.0 - call_delta
                k = float(grid[nearest_delta_index(put_delta, delta, grid < 0)])
            labels.append(label)
            for column, value in zip(
                columns,
                (
                    float(smile.days),
                    smile.forward,
                    smile.forward * math.exp(k),
                    vix_reference,
                    float(smile.svi.vol(np.array([k]), t)[0]),
                ),
                strict=True,
            ):
                column.append(value)
    days, forward, strike, future, iv = (np.asarray(c, dtype=np.float64) for c in columns)
    return SmileTargets(
        label=tuple(labels),
        days=days,
        forward=forward,
        strike=strike,
        vix_reference=future,
        market_iv=iv,
        group=np.full(days.size, group, dtype=np.intp),
    )


# ---------------------------------------------------------------------------------------------
# Acting on a plan with a chain (the window's Import > Option chain)


def with_market_entry_prices(plan: Plan, chain: OptionChain) -> tuple[Plan, tuple[str, ...]]:
    """`plan` with every SPX leg's entry price set to the chain's mid, and the ids of the SPX
    legs left as they were (no two-sided quote for their contract)."""
    legs = []
    skipped = []
    for leg in plan.legs:
        if leg.underlying is Underlying.SPX:
            mid = chain.leg_market(leg).mid
            if mid is None:
                skipped.append(leg.id)
            else:
                leg = leg.with_changes(entry_price=round(mid, 4))
        legs.append(leg)
    return plan.with_changes(legs=tuple(legs)), tuple(skipped)


def chain_condor_expiry(
    chain: OptionChain, valuation_date: dt.date, target_days: int
) -> ExpirySmile | None:
    """The chain's fitted expiry nearest `target_days` after `valuation_date` (None if the chain
    has no fitted expiry after that date)."""
    later = [s for s in chain.expiries if s.svi is not None and s.expiry > valuation_date]
    if not later:
        return None
    return min(later, key=lambda s: (abs((s.expiry - valuation_date).days - target_days), s.days))


def market_iron_condor(
    smile: ExpirySmile,
    short_put_delta: float = 0.16,
    short_call_delta: float = 0.16,
    wing_width_pts: float = 50.0,
) -> CondorStrikes:
    """A condor's strikes by market delta: the short strikes whose Black deltas on the
    expiry's parity forward, at the chain's fitted smile, are nearest the targets."""
    return iron_condor_strikes(
        smile.forward,
        smile.t_years,
        0.0,
        0.0,
        smile.smile_iv,
        short_put_delta,
        short_call_delta,
        wing_width_pts,
    )


def spx_half_spread_pts(
    chain: OptionChain,
    min_days: int = 30,
    max_days: int = 60,
    min_delta: float = 0.03,
    max_delta: float = 0.25,
) -> tuple[float, int]:
    """(median half bid/ask width in index points, quotes counted) of the chain's
    out-of-the-money SPX options `min_days`..`max_days` out with |delta| (Black, at the quote's
    own vol) within [`min_delta`, `max_delta`] -- where a condor's strikes trade. The replay's
    default SPX slippage is this figure on the 2022-02-04 chain (planner.model.programme)."""
    widths: list[FloatArray] = []
    for smile in chain.expiries:
        if not min_days <= smile.days <= max_days:
            continue
        use_call = smile.use_call
        bid, ask = smile.otm_bid_ask()
        quoted = _quoted(bid, ask) & np.isfinite(smile.otm_iv)
        vol = np.where(quoted, smile.otm_iv, 0.2)
        delta = np.abs(
            black76(use_call, smile.forward, smile.strike, smile.t_years, 0.0, vol).delta
        )
        keep = quoted & (delta >= min_delta) & (delta <= max_delta)
        widths.append(0.5 * (ask - bid)[keep])
    found = np.concatenate(widths) if widths else np.empty(0)
    if found.size == 0:
        raise ChainFileError(
            chain.source,
            f"no two-sided quotes {min_days}-{max_days} days out between "
            f"{min_delta:g} and {max_delta:g} delta to measure the bid/ask width on",
        )
    return float(np.median(found)), int(found.size)
