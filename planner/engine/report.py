"""What `evaluate(plan)` returns: plain immutable values, numpy arrays for grids.

All money is in US dollars for the whole position (contracts x multiplier), unless a name says
`_pts` (index points per contract).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import NDArray

from planner.engine.types import (
    Group,
    RegimeMeasure,
    RegimeRule,
    Right,
    SizingMode,
    StrikeRule,
    Underlying,
)

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
    """What a hedge costs to hold (`conventions.hedge_cost`)."""

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


# ---------------------------------------------------------------------------------------------
# The ALVH layer proposal (planner.engine.alvh fills it)


@dataclass(frozen=True, slots=True)
class AlvhSignals:
    """What the panel shows beside the layers. History fields are None until VIX history is
    loaded (`with_history`)."""

    term_state: str
    """"contango", "backwardation" or "flat"."""
    slope_pts_per_month: float
    vix: float
    vix_band: str
    """The regime table's active band, e.g. "16–20"."""
    history_end: dt.date | None = None
    history_close: float | None = None
    rsi14: float | None = None
    macd: float | None = None
    macd_signal: float | None = None
    macd_histogram: float | None = None
    monetise_near: bool = False
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ProposedLeg:
    """A hedge leg the allocation proposes; satisfies `LegLike` (model price, model vol)."""

    id: str
    underlying: Underlying
    right: Right
    quantity: int
    strike: float
    expiry: dt.date
    group: Group
    entry_price: float | None = None
    iv: float | None = None


@dataclass(frozen=True, slots=True)
class LayerResult:
    """One layer (or the offset) of the proposal. Money is for the whole layer, signed as P&L
    unless the name says cost."""

    group: Group
    ratio: float
    """Contracts per hedge unit; for the offset, short calls per tail contract."""
    min_days: int
    max_days: int
    strike_rule: StrikeRule
    strike_value: float
    placed: bool
    """False when no listed expiry falls in the window (or the offset is switched off)."""
    expiry: dt.date | None
    days_to_expiry: int | None
    forward: float | None
    """VIX future at the layer's expiry."""
    strike: float | None
    delta: float | None
    """Black-76 call delta per contract."""
    iv: float | None
    price_pts: float | None
    contracts: int
    """Signed: the offset is short (negative)."""
    premium_usd: float
    """Paid (+) or received (-) today."""
    theta_usd_per_day: float
    carry_30d_usd: float
    carry_annual_pct_capital: float
    rolls_per_year: float | None
    roll_cost_pts: float | None
    """Per contract and roll: buy at max days minus sell at min days (see assumptions)."""
    maintenance_cost_usd_per_year: float
    maintenance_pct_capital: float
    stress_pnl_usd: tuple[float, ...]
    """Aligned with `AlvhReport.stress`."""
    message: str | None


@dataclass(frozen=True, slots=True)
class AlvhTotals(HedgeCost):
    """The proposed hedge's cost, the same figures `Report.hedge_cost` gives the plan's own
    hedge (`conventions.hedge_cost` computes both), plus its contracts and maintenance."""

    contracts_long: int
    contracts_short: int
    maintenance_cost_usd_per_year: float
    maintenance_pct_capital: float

    @staticmethod
    def of(
        cost: HedgeCost,
        *,
        contracts_long: int,
        contracts_short: int,
        maintenance_cost_usd_per_year: float,
        maintenance_pct_capital: float,
    ) -> AlvhTotals:
        return AlvhTotals(
            **{f.name: getattr(cost, f.name) for f in fields(HedgeCost)},
            contracts_long=contracts_long,
            contracts_short=contracts_short,
            maintenance_cost_usd_per_year=maintenance_cost_usd_per_year,
            maintenance_pct_capital=maintenance_pct_capital,
        )


@dataclass(frozen=True, slots=True)
class AlvhStressRow:
    """One stress scenario with the *proposed* hedge in place of the plan's hedge legs."""

    name: str
    condor_pnl_usd: float
    other_pnl_usd: float
    layer_pnl_usd: dict[Group, float]
    hedge_pnl_usd: float
    net_pnl_usd: float
    loss_cut: float | None
    """1 - net / condor where the condor loses; None otherwise."""
    loss_cut_without_offset: float | None
    best_layer: Group | None
    """The layer that gains most in this scenario (None if none gains)."""


@dataclass(frozen=True, slots=True)
class RegimeDecision:
    table: str
    rule: RegimeRule
    measure: RegimeMeasure
    level: float
    """The VIX number that picked the band (spot VIX or the front future)."""
    band_index: int
    band_label: str
    band_value: float
    hold: bool
    multiplier: float
    """Applied to the sized units (1 when the rule is off, on hold, or premium-based)."""
    reason: str


@dataclass(frozen=True, slots=True)
class SizingResult:
    mode: SizingMode
    base_units: int
    """Units the sizing mode chose (before regime scaling)."""
    units: float
    """Units after the regime: base x multiplier, or the premium rule's units."""
    max_units: int
    feasible: bool
    """False when the budget or target cannot be met (see `reason`)."""
    reason: str
    unit_maintenance_usd_per_year: float
    """Yearly maintenance cost of one unscaled unit."""
    unit_premium_usd: float
    target_loss_cut: float | None
    """The protection target (fraction) and what the base size achieves, for PROTECTION."""
    achieved_loss_cut: float | None


@dataclass(frozen=True, slots=True)
class AlvhReport:
    layers: tuple[LayerResult, ...]
    """Near, mid, tail, offset, in that order."""
    totals: AlvhTotals
    sizing: SizingResult
    regime: RegimeDecision
    stress: tuple[AlvhStressRow, ...]
    offset_premium_recovered_usd_per_year: float
    """Yearly maintenance income of the offset (positive = recovered), 0 without an offset."""
    offset_premium_recovered_pct_capital: float
    signals: AlvhSignals
    legs: tuple[ProposedLeg, ...]
    """The legs "Apply" writes (only layers with contracts)."""
    assumptions: tuple[str, ...]
    messages: tuple[str, ...]


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
    alvh: AlvhReport
    """The ALVH layer proposal for `plan.allocation` (issue #3)."""
    vix9d: float | None = None
    """Cboe's 9-day VIX the plan entered (the default smile's short end), if any."""
