"""What `run_replay` returns: plain immutable values, numpy arrays for the daily series.

Money is in US dollars for the whole programme unless a name says `_pts` (index points per
contract) or `_pct` (per cent, of the plan's capital unless said otherwise).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Summary:
    start: dt.date
    end: dt.date
    days: int
    years: float
    capital_usd: float
    condor_cagr_pct: float
    hedged_cagr_pct: float
    condor_max_drawdown_pct: float
    hedged_max_drawdown_pct: float
    drawdown_cut_pct: float | None
    """1 - hedged / condor-alone max drawdown, in %; None when the condor never drew down."""
    condor_pnl_usd: float
    hedge_pnl_usd: float
    hedge_net_cost_pct_per_year: float
    """-(hedge P&L) / capital / years: premium paid - proceeds - settlements, with fees and
    half-spreads, open positions marked at the last close."""
    hedge_gross_premium_pct_per_year: float
    """Premium paid on purchases (at the ask) / capital / years."""
    condors: int
    hedge_purchases: int


@dataclass(frozen=True, slots=True)
class YearRow:
    year: int
    days: int
    return_pct: float | None
    """Hedged equity's change over the year, % of its value at the start of the year; None
    when the year opens with no equity left."""
    max_drawdown_pct: float
    """Hedged equity's deepest fall from a peak inside the year (the year's start included)."""
    condor_pnl_usd: float
    hedge_pnl_usd: float
    hedge_net_cost_pct: float
    """-(hedge P&L in the year) / capital."""
    trades: int
    """Rows of the trade log dated in the year (one per leg traded, settled or marked)."""


@dataclass(frozen=True, slots=True)
class RegimeRow:
    state: str
    """"contango", "backwardation" or "flat": the previous close's curve."""
    days: int
    condor_pnl_usd: float
    hedge_pnl_usd: float
    condor_pct_per_year: float
    hedge_pct_per_year: float
    """P&L per 252 such days, % of capital."""


@dataclass(frozen=True, slots=True)
class EpisodeRow:
    name: str
    start: dt.date
    end: dt.date
    condor_pnl_usd: float
    hedge_pnl_usd: float
    net_pnl_usd: float
    realised_loss_cut_pct: float | None
    """1 - net / condor where the condor lost; None otherwise."""
    predicted_loss_cut_pct: float | None
    """What the plan's stress table predicts for this row (None when it has no cut)."""


@dataclass(frozen=True, slots=True)
class LayerCoverage:
    layer: str
    purchases: int
    days_held: int
    coverage_pct: float
    """Days with a position at the close / days in the replay."""
    monthly_expiry_purchases: int
    """Purchases of a monthly VIX expiry (all of them before weekly options were listed)."""


@dataclass(frozen=True, slots=True)
class SweepRow:
    units: float
    hedge_net_cost_pct_per_year: float
    hedged_max_drawdown_pct: float
    drawdown_cut_pct: float | None
    hedged_cagr_pct: float


@dataclass(frozen=True, slots=True)
class RuleComparison:
    """An optional rule's effect: the programme as set (rule on) beside the same programme
    with only that rule off."""

    rule: str
    with_rule: Summary
    without_rule: Summary


@dataclass(frozen=True, slots=True)
class Trades:
    """The trade log as columns (one row per leg traded)."""

    date: tuple[dt.date, ...]
    leg: tuple[str, ...]
    layer: tuple[str, ...]
    action: tuple[str, ...]
    """"buy", "sell", "settle" (cash-settled at expiry) or "mark" (still open at the end)."""
    quantity: tuple[int, ...]
    """Signed contracts traded: + bought, - sold."""
    price_pts: tuple[float, ...]
    """Per contract, including the half-spread crossed."""
    fees_usd: tuple[float, ...]
    reason: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.date)


@dataclass(frozen=True, slots=True)
class Daily:
    dates: tuple[dt.date, ...]
    spx: FloatArray
    vix: FloatArray
    term_state: tuple[str, ...]
    condor_pnl_usd: FloatArray
    hedge_pnl_usd: FloatArray
    condor_equity_usd: FloatArray
    hedge_equity_usd: FloatArray
    """Capital plus the hedge's P&L alone."""
    hedged_equity_usd: FloatArray
    condor_drawdown_pct: FloatArray
    hedged_drawdown_pct: FloatArray


@dataclass(frozen=True, slots=True)
class ReplayResult:
    plan_name: str
    summary: Summary
    years: tuple[YearRow, ...]
    regimes: tuple[RegimeRow, ...]
    episodes: tuple[EpisodeRow, ...]
    coverage: tuple[LayerCoverage, ...]
    sweep: tuple[SweepRow, ...]
    trades: Trades
    daily: Daily
    notes: tuple[str, ...]
    """How the replay was run: model pricing, listings, sizing, anything set aside."""
    comparisons: tuple[RuleComparison, ...] = ()
    """One per optional rule that is on (filled by the caller, which reruns without it)."""
