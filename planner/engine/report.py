"""What `evaluate(plan)` returns: plain immutable values, numpy arrays for grids.

All money is in US dollars for the whole position (contracts x multiplier), unless a name says
`_pts` (index points per contract).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from planner.engine.types import Group, Right, Underlying

if TYPE_CHECKING:
    # alvh.py imports this module (through the curve), so its types are named lazily here.
    from planner.engine.alvh import AlvhReport

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class LegRisk:
    """One leg priced today, per contract (raw greeks) and for the whole line (`_usd`)."""

    id: str
    group: Group
    underlying: Underlying
    right: Right
    strike: float
    expiry: dt.date
    quantity: int
    days_to_expiry: int
    years_to_expiry: float
    iv: float
    """Implied vol used, decimal (user's or the model's default)."""
    forward: float | None
    """VIX future at the leg's expiry for VIX legs; None for SPX legs."""
    model_price_pts: float
    entry_price_pts: float
    """The entry price used for P&L: the user's, or today's model price."""
    delta: float
    gamma: float
    vega: float
    """Per 1 vol point."""
    theta: float
    """Per calendar day."""
    market_value_usd: float
    delta_usd: float
    """$ per 1 point of the leg's own underlying (SPX points, or VIX-future points)."""
    gamma_usd: float
    spx_vega_usd: float
    vix_vega_usd: float
    theta_usd: float
    vix_delta_usd: float
    """$ per spot-VIX point: VIX legs through the futures beta, SPX legs through vol response."""
    spx_equiv_delta_usd: float
    """$ per 1 SPX point including the VIX channel of the spot-vol map (falling market)."""
    pnl_usd: float
    """Today's P&L against the entry price."""


@dataclass(frozen=True, slots=True)
class GreeksTotals:
    market_value_usd: float
    premium_usd: float
    """Entry cost: positive when paid (debit), negative when received (credit)."""
    spx_delta_usd: float
    spx_gamma_usd: float
    vix_delta_usd: float
    spx_vega_usd: float
    vix_vega_usd: float
    theta_usd: float
    spx_equiv_delta_usd: float
    pnl_usd: float


@dataclass(frozen=True, slots=True)
class PayoffCurves:
    """P&L against SPX price at three horizons (rows: T+0, horizon, condor expiry)."""

    spx: FloatArray
    move_pct: FloatArray
    vix: FloatArray
    """VIX implied by the curve preset's spot-vol map at each price."""
    horizons_days: tuple[int, int, int]
    combined_usd: FloatArray
    condor_usd: FloatArray
    hedge_usd: FloatArray


@dataclass(frozen=True, slots=True)
class HeatMap:
    """Combined P&L over SPX price x VIX level (VIX decoupled from the map) at `horizon_days`."""

    spx: FloatArray
    vix: FloatArray
    pnl_usd: FloatArray
    """Shape (len(vix), len(spx))."""
    horizon_days: int
    map_vix: FloatArray
    """The spot-vol map's VIX at each heat-map price, to draw over the map."""


@dataclass(frozen=True, slots=True)
class BreakEven:
    horizon_days: int
    spx: float
    move_pct: float
    vix: float


@dataclass(frozen=True, slots=True)
class HedgeCost:
    premium_usd: float
    premium_pct_capital: float
    theta_usd_per_day: float
    carry_30d_usd: float
    """Hedge P&L over 30 days if SPX and VIX stay put (futures roll down the curve)."""
    carry_annual_usd: float
    carry_annual_pct_capital: float
    """Annualised carry as % of capital: the figure to hold against "1-2 % a year"."""


@dataclass(frozen=True, slots=True)
class StressRow:
    name: str
    spx_move_pct: float
    spx: float
    vix: float
    days: int
    condor_pnl_usd: float
    hedge_pnl_usd: float
    other_pnl_usd: float
    net_pnl_usd: float
    loss_cut: float | None
    """1 - net/condor where the condor loses; None otherwise."""
    layer_pnl_usd: dict[Group, float]


@dataclass(frozen=True, slots=True)
class TermStructure:
    state: str
    """"contango", "backwardation" or "flat"."""
    slope_pts_per_month: float
    front_basis_pts: float
    """Front future minus spot VIX."""
    days: FloatArray
    futures: FloatArray


@dataclass(frozen=True, slots=True)
class Report:
    plan_name: str
    valuation_date: dt.date
    spx: float
    vix: float
    capital_usd: float
    horizon_days: int
    condor_expiry_days: int | None
    legs: tuple[LegRisk, ...]
    groups: dict[Group, GreeksTotals]
    total: GreeksTotals
    curves: PayoffCurves
    heat: HeatMap
    break_evens: tuple[BreakEven, ...]
    net_credit_usd: float
    condor_max_profit_usd: float | None
    condor_max_loss_usd: float | None
    """Negative number (a loss); None when the condor's loss is unbounded or there is no condor."""
    hedge_cost: HedgeCost
    stress: tuple[StressRow, ...]
    term_structure: TermStructure
    warnings: tuple[str, ...]
    alvh: AlvhReport | None = None
    """The ALVH layer proposal for `plan.allocation` (issue #3)."""
