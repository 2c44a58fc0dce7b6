"""`evaluate(plan) -> Report`: every risk output of DESIGN.md section 3 in one call.

All scenario points (payoff curves at three horizons, the heat map, stress rows, the carry point)
are stacked into one block and valued in a single pass of the kernel.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from planner.engine.alvh import analyse_layers
from planner.engine.conventions import CARRY_DAYS, DAYS_PER_YEAR, hedge_cost, loss_cut
from planner.engine.curve import futures_curve
from planner.engine.errors import EngineInputError
from planner.engine.kernel import ScenarioPoints, ValuationJob, scenario_points, value_jobs
from planner.engine.layer_plan import LayerValues, plan_layers
from planner.engine.leg_book import LegBook, MarketState, build_leg_book, market_state
from planner.engine.report import (
    AlvhReport,
    BreakEven,
    GreeksTotals,
    HeatMap,
    HedgeCost,
    LegRisk,
    PayoffCurves,
    Report,
    StressRow,
    TermStructure,
)
from planner.engine.signals import VixHistory
from planner.engine.spot_vol_map import map_vix, map_vix_by_slopes
from planner.engine.today import TodayGreeks, today_greeks
from planner.engine.types import (
    HEDGE_GROUPS,
    SPX_MULTIPLIER_USD,
    Group,
    LegLike,
    PlanLike,
    SpotVolParamsLike,
    SpotVolPreset,
    Underlying,
    VixMode,
)

FloatArray = NDArray[np.float64]

# With no legs to anchor the horizon, curves look a month ahead.
DEFAULT_HORIZON_DAYS = 30
# Heat map's default VIX range around today's level when the plan does not set one.
HEAT_VIX_LOW_RATIO = 0.6
HEAT_VIX_HIGH_ADD_PTS = 40.0
CONDOR_GROUPS = frozenset({Group.CONDOR})
OTHER_GROUPS = frozenset({Group.OTHER})
GROUP_ORDER = (Group.CONDOR, Group.NEAR, Group.MID, Group.TAIL, Group.OFFSET, Group.OTHER)


def spot_vol_params(plan: PlanLike, preset: SpotVolPreset) -> SpotVolParamsLike:
    return plan.model.stress if preset is SpotVolPreset.STRESS else plan.model.typical


def plan_market(plan: PlanLike) -> MarketState:
    """The plan's market today and its model parameters, as the scenario kernel takes them."""
    curve = futures_curve(
        plan.market.vix, plan.market.futures, plan.valuation_date, plan.market.vix9d
    )
    return market_state(
        plan.valuation_date,
        plan.market.spx,
        plan.market.vix,
        plan.market.rate,
        plan.market.dividend_yield,
        curve,
        plan.model,
    )


def model_prices_pts(plan: PlanLike, legs: Sequence[LegLike]) -> NDArray[np.float64]:
    """Today's model price per contract (index points) of `legs` in `plan`'s market.

    The same pricing as `evaluate`'s leg table (a leg's own IV or the default surface), for an
    edit that needs one leg's new price (a strike change resetting its entry price) without a
    whole report. A leg expiring on the valuation date is worth its intrinsic value.
    """
    market = plan_market(plan)
    book = build_leg_book(legs, market)
    params = spot_vol_params(plan, plan.model.curve_preset)
    prices: NDArray[np.float64] = today_greeks(book, market, params).greeks.price
    return prices


def evaluate(plan: PlanLike, vix_history: VixHistory | None = None) -> Report:
    """Price the plan today and across all its scenarios. Raises EngineInputError if it can't.

    `vix_history` (daily VIX closes, not part of the plan) adds RSI(14) / MACD to
    `Report.alvh.signals`; without it the signals hold the term structure and the VIX band only.

    Everything but the middle horizon's curves and the heat map (drawn at that horizon) is kept
    from the previous call when only the horizon changed: a drag of the horizon slider is one
    evaluation per frame, and the rest of the report is ~2/3 of its cost.
    """
    base, middle = _plan_base(plan, vix_history)
    grids = base.grids
    market = grids.market
    horizons = (0, _middle_horizon(plan, base.end_days), base.end_days)
    if middle is None:
        middle = grids.value_middle(horizons[1])[0]
    middle_sums, heat_sums = middle
    middle_pnl = middle_sums - base.curve_entry_usd[:, None]
    n_price = grids.spx_grid.size
    # Rows: T+0, the horizon, the condor's expiry; columns: all / condor / hedge legs.
    pnl = np.stack((base.edge_pnl[:, :n_price], middle_pnl, base.edge_pnl[:, n_price:]), axis=1)
    curves = PayoffCurves(
        spx=grids.spx_grid,
        move_pct=base.move_pct,
        vix=grids.grid_vix,
        horizons_days=horizons,
        combined_usd=pnl[0],
        condor_usd=pnl[1],
        hedge_usd=pnl[2],
    )
    heat = HeatMap(
        spx=grids.heat_spx,
        vix=grids.heat_vix,
        pnl_usd=(heat_sums[0] - grids.line_usd @ base.entry).reshape(
            grids.heat_vix.size, grids.heat_spx.size
        ),
        horizon_days=horizons[1],
        map_vix=base.heat_map_vix,
    )
    return Report(
        plan_name=plan.name,
        valuation_date=plan.valuation_date,
        spx=market.spx0,
        vix=market.vix0,
        capital_usd=plan.capital_usd,
        horizon_days=horizons[1],
        condor_expiry_days=base.condor_days,
        legs=base.legs,
        groups=base.groups,
        total=base.total,
        curves=curves,
        heat=heat,
        break_evens=_break_evens(curves),
        net_credit_usd=-base.total.premium_usd,
        condor_max_profit_usd=base.max_profit_usd,
        condor_max_loss_usd=base.max_loss_usd,
        hedge_cost=base.hedge_cost,
        stress=base.stress,
        term_structure=base.term_structure,
        warnings=base.warnings,
        alvh=base.alvh,
        vix9d=market.curve.vix9d,
    )


@dataclass(frozen=True, slots=True)
class _PlanBase:
    """What `evaluate` computes that does not depend on the middle horizon. Immutable and
    shared between reports (its arrays are read-only)."""

    grids: _Grids
    entry: FloatArray
    curve_entry_usd: FloatArray
    condor_days: int | None
    end_days: int
    move_pct: FloatArray
    heat_map_vix: FloatArray
    edge_pnl: FloatArray
    """(all / condor / hedge, T+0 prices then condor-expiry prices) P&L, USD."""
    legs: tuple[LegRisk, ...]
    groups: dict[Group, GreeksTotals]
    total: GreeksTotals
    hedge_cost: HedgeCost
    max_profit_usd: float | None
    max_loss_usd: float | None
    stress: tuple[StressRow, ...]
    term_structure: TermStructure
    warnings: tuple[str, ...]
    alvh: AlvhReport


# The last plan's base and what it was computed from (one entry: a drag changes one plan).
# Replaced whole, never mutated, so a report computed on another thread cannot see half of it.
_last_base: tuple[tuple[object, ...], VixHistory | None, _PlanBase] | None = None


def forget_last_plan() -> None:
    """Drop what `evaluate` kept from its last call: the next call is a first evaluation
    (benchmarks time that; the results are the same either way)."""
    global _last_base
    _last_base = None


def _base_key(plan: PlanLike) -> tuple[object, ...]:
    """Everything of `plan` the base reads: every property of the engine's PlanLike protocol
    but the name (only the report's label) and the view's horizon."""
    view = plan.view
    return (
        plan.valuation_date,
        plan.capital_usd,
        plan.market,
        plan.model,
        tuple(plan.legs),
        tuple(plan.stress),
        plan.allocation,
        tuple(plan.listed_vix_expiries),
        view.price_down_pct,
        view.price_up_pct,
        view.price_points,
        view.heat_price_points,
        view.heat_vix_points,
        view.heat_vix_min,
        view.heat_vix_max,
    )


def _plan_base(
    plan: PlanLike, vix_history: VixHistory | None
) -> tuple[_PlanBase, list[FloatArray] | None]:
    """The plan's base (kept from the last call if only the horizon changed) and, when it was
    computed now, the middle horizon's curve and heat-map sums valued in the same pass."""
    global _last_base
    key = _base_key(plan)
    last = _last_base
    # Equality of unchanged parts is cheap: they are the very same immutable objects, and
    # tuple comparison tries identity first.
    if last is not None and last[1] is vix_history and last[0] == key:
        return last[2], None
    base, middle = _compute_base(plan, vix_history)
    _last_base = (key, vix_history, base)
    return base, middle


def _middle_horizon(plan: PlanLike, end_days: int) -> int:
    horizon = plan.view.horizon_days
    return int(end_days // 2 if horizon is None else horizon)


@dataclass(frozen=True, slots=True)
class _Grids:
    """The plan's price grids and weights: what valuing a horizon needs beyond the horizon."""

    market: MarketState
    book: LegBook
    curve_params: SpotVolParamsLike
    spx_grid: FloatArray
    grid_vix: FloatArray
    heat_spx: FloatArray
    heat_vix: FloatArray
    line_usd: FloatArray
    curve_weights: FloatArray

    def value_middle(
        self, horizon_days: int, other_jobs: Sequence[ValuationJob] = ()
    ) -> tuple[list[FloatArray], list[FloatArray]]:
        """([curve sums, heat-map sums] at `horizon_days`, the results of `other_jobs`), all
        priced in the same kernel calls."""
        middle_points = scenario_points(
            self.spx_grid, self.grid_vix, horizon_days, self.curve_params
        )
        heat_points = scenario_points(
            self.heat_spx[None, :], self.heat_vix[:, None], horizon_days, self.curve_params
        )
        results = value_jobs(
            [
                ValuationJob(self.book, (middle_points,), self.curve_weights),
                ValuationJob(self.book, (heat_points,), self.line_usd[None, :]),
                *other_jobs,
            ],
            self.market,
        )
        return results[:2], results[2:]


def _compute_base(
    plan: PlanLike, vix_history: VixHistory | None
) -> tuple[_PlanBase, list[FloatArray]]:
    warnings: list[str] = []
    market = plan_market(plan)
    curve = market.curve
    if curve.days.size == 0:
        warnings.append("No VIX futures entered: the curve is taken flat at spot VIX.")
    vix_floor = market.model.vix_floor
    if market.vix0 < vix_floor:
        warnings.append(
            f"VIX {market.vix0:.2f} is below the spot-vol map's floor {vix_floor:.2f}: "
            "scenarios keep VIX at or above today's level instead."
        )
    if plan.capital_usd <= 0 or not np.isfinite(plan.capital_usd):
        raise EngineInputError("account capital must be a positive number")

    live_legs: list[LegLike] = []
    for leg in plan.legs:
        if leg.expiry < plan.valuation_date:
            warnings.append(
                f"Leg {leg.id} expired on {leg.expiry.isoformat()}, before the valuation date; "
                "it is left out of the risk."
            )
        else:
            live_legs.append(leg)
    if not live_legs:
        warnings.append("The plan has no live legs: every figure is zero.")
    book = build_leg_book(live_legs, market)
    curve_params = spot_vol_params(plan, plan.model.curve_preset)
    layers = plan_layers(plan, market)
    today = today_greeks(
        book,
        market,
        curve_params,
        (layers.today_calls, layers.roll_buy_calls, layers.roll_sell_calls),
    )
    layers_today, roll_buy, roll_sell = today.extra
    model_price = today.greeks.price
    entry = np.where(np.isfinite(book.entry), book.entry, model_price)

    condor_days = _condor_expiry_days(book)
    end_days = _end_days(book, condor_days)
    spx_grid = market.spx0 * (
        1.0
        + np.linspace(-plan.view.price_down_pct, plan.view.price_up_pct, plan.view.price_points)
        / 100.0
    )
    grid_vix = map_vix(spx_grid, market.spx0, market.vix0, curve_params, market.model.vix_floor)
    heat_spx = market.spx0 * (
        1.0
        + np.linspace(
            -plan.view.price_down_pct, plan.view.price_up_pct, plan.view.heat_price_points
        )
        / 100.0
    )
    heat_vix = _heat_vix_levels(plan, market)

    edge_points = [scenario_points(spx_grid, grid_vix, h, curve_params) for h in (0, end_days)]
    stress_points = _stress_points(plan, market)
    stress_and_carry = _StressAndCarry.of(
        stress_points, scenario_points(market.spx0, market.vix0, CARRY_DAYS, curve_params)
    )

    # Every output over the grid is a sum over legs, so the plan's jobs return weighted sums and
    # never a (legs x points) matrix: all / condor / hedge on the curves, all on the heat map, and
    # the hedge plus each group at the stress and carry points. The ALVH layers (one contract
    # each, per-contract values wanted) are their own job at the stress and carry points; the
    # kernel prices every job in the same calls.
    line_usd = book.quantity * SPX_MULTIPLIER_USD
    condor_mask = book.group_mask(CONDOR_GROUPS)
    hedge_mask = book.group_mask(set(HEDGE_GROUPS))
    curve_weights = np.stack((line_usd, line_usd * condor_mask, line_usd * hedge_mask))
    hedge_and_group_weights = np.stack(
        (line_usd * hedge_mask, *(line_usd * book.group_mask({g}) for g in GROUP_ORDER))
    )
    grids = _Grids(
        market=market,
        book=book,
        curve_params=curve_params,
        spx_grid=spx_grid,
        grid_vix=grid_vix,
        heat_spx=heat_spx,
        heat_vix=heat_vix,
        line_usd=line_usd,
        curve_weights=curve_weights,
    )
    middle, (edge_sums, group_sums, layer_values) = grids.value_middle(
        _middle_horizon(plan, end_days),
        [
            ValuationJob(book, edge_points, curve_weights),
            ValuationJob(book, (stress_and_carry.points,), hedge_and_group_weights),
            ValuationJob(layers.book, (stress_and_carry.points,)),
        ],
    )
    # Payoff curves and the heat map show trade P&L (against entry); stress rows and carry show
    # the change from today's value, i.e. what the shock itself does to the position.
    curve_entry_usd = curve_weights @ entry
    edge_pnl = edge_sums - curve_entry_usd[:, None]
    hedge_pnl, *group_pnl = group_sums - (hedge_and_group_weights @ model_price)[:, None]
    stress_pnl = {
        g: stress_and_carry.at_stress(pnl) for g, pnl in zip(GROUP_ORDER, group_pnl, strict=True)
    }

    leg_risks = _leg_risks(book, today, entry, market, curve_params)
    groups = {
        g: _totals([r for r in leg_risks if r.group is g])
        for g in GROUP_ORDER
        if any(r.group is g for r in leg_risks)
    }
    total = _totals(leg_risks)
    hedge_totals = _totals([r for r in leg_risks if r.group in HEDGE_GROUPS])
    plan_hedge_cost = hedge_cost(
        hedge_totals.premium_usd,
        hedge_totals.theta_usd,
        float(stress_and_carry.at_carry(hedge_pnl)),
        plan.capital_usd,
    )
    max_profit, max_loss = _condor_extremes(book, entry, condor_mask, warnings)
    stress_rows = _stress_rows(
        plan, book, stress_points, stress_pnl, stress_and_carry.at_stress(hedge_pnl)
    )
    term_structure = curve.term_structure()
    layer_prices = LayerValues(
        today=layers_today,
        roll_buy_pts=roll_buy.price,
        roll_sell_pts=roll_sell.price,
        at_stress_pts=stress_and_carry.at_stress(layer_values),
        at_carry_pts=stress_and_carry.at_carry(layer_values),
    )
    alvh = analyse_layers(
        plan,
        layers,
        layer_prices,
        stress_rows,
        market=market,
        term=term_structure,
        vix_history=vix_history,
    )
    move_pct = 100.0 * (spx_grid / market.spx0 - 1.0)
    heat_map_vix = map_vix(heat_spx, market.spx0, market.vix0, curve_params, vix_floor)
    # Shared by every report made from this base: read-only, so no report can change another.
    for array in (
        entry,
        line_usd,
        curve_weights,
        curve_entry_usd,
        spx_grid,
        move_pct,
        grid_vix,
        heat_spx,
        heat_vix,
        heat_map_vix,
        edge_pnl,
    ):
        array.flags.writeable = False
    base = _PlanBase(
        grids=grids,
        entry=entry,
        curve_entry_usd=curve_entry_usd,
        condor_days=condor_days,
        end_days=end_days,
        move_pct=move_pct,
        heat_map_vix=heat_map_vix,
        edge_pnl=edge_pnl.reshape(3, 2 * spx_grid.size),
        legs=tuple(leg_risks),
        groups=groups,
        total=total,
        hedge_cost=plan_hedge_cost,
        max_profit_usd=max_profit,
        max_loss_usd=max_loss,
        stress=stress_rows,
        term_structure=term_structure,
        warnings=tuple(warnings),
        alvh=alvh,
    )
    return base, middle


@dataclass(frozen=True, slots=True)
class _StressAndCarry:
    """The stress points with the carry point (30 days on, market unchanged) after them: one
    part of the kernel's block, so the scattered horizons are priced as one pooled block."""

    points: ScenarioPoints
    n_stress: int

    @staticmethod
    def of(stress: ScenarioPoints, carry: ScenarioPoints) -> _StressAndCarry:
        return _StressAndCarry(ScenarioPoints.concat((stress, carry)), stress.size)

    def at_stress(self, values: FloatArray) -> FloatArray:
        """The stress columns of values over `points` (last axis)."""
        return values[..., : self.n_stress]

    def at_carry(self, values: FloatArray) -> FloatArray:
        """The carry column of values over `points` (last axis)."""
        return values[..., self.n_stress]


def _condor_expiry_days(book: LegBook) -> int | None:
    condor = book.group_mask(CONDOR_GROUPS)
    if not condor.any():
        return None
    return int(book.expiry_days[condor].max())


def _end_days(book: LegBook, condor_days: int | None) -> int:
    """The last curve's horizon: the condor's expiry, else the last leg's, else a month."""
    if condor_days is not None:
        return condor_days
    if book.size:
        return int(book.expiry_days.max())
    return DEFAULT_HORIZON_DAYS


def _heat_vix_levels(plan: PlanLike, market: MarketState) -> FloatArray:
    low = plan.view.heat_vix_min
    high = plan.view.heat_vix_max
    if low is None:
        low = max(min(market.model.vix_floor, market.vix0), HEAT_VIX_LOW_RATIO * market.vix0)
    if high is None:
        high = market.vix0 + HEAT_VIX_HIGH_ADD_PTS
    if not high > low:
        raise EngineInputError(f"heat map VIX range is empty ({low:g} to {high:g})")
    return np.linspace(low, high, plan.view.heat_vix_points)


def _stress_points(plan: PlanLike, market: MarketState) -> ScenarioPoints:
    """One point per stress scenario: SPX moved, VIX by level, by change or by the spot-vol map
    of the scenario's preset (the floor never lifts VIX above today's level)."""
    scenarios = plan.stress
    params = [spot_vol_params(plan, sc.preset) for sc in scenarios]
    move_pct = np.array([sc.spx_move_pct for sc in scenarios], dtype=np.float64)
    vix_value = np.array([sc.vix_value for sc in scenarios], dtype=np.float64)
    modes = [sc.vix_mode for sc in scenarios]
    spx = market.spx0 * (1.0 + move_pct / 100.0)
    floor = min(market.model.vix_floor, market.vix0)
    by_map = map_vix_by_slopes(
        spx,
        market.spx0,
        market.vix0,
        np.array([p.k_down for p in params]),
        np.array([p.k_up for p in params]),
        market.model.vix_floor,
    )
    vix = np.select(
        [
            np.array([m is VixMode.LEVEL for m in modes], dtype=bool),
            np.array([m is VixMode.CHANGE for m in modes], dtype=bool),
        ],
        [vix_value, np.maximum(market.vix0 + vix_value, floor)],
        by_map,
    )
    return ScenarioPoints(
        spx=spx,
        vix=vix,
        horizon_days=np.array([float(sc.days) for sc in scenarios]),
        beta_a=np.array([p.beta_a for p in params]),
        beta_p=np.array([p.beta_p for p in params]),
        beta_max=np.array([p.beta_max for p in params]),
        beta_reversion=np.array([p.beta_reversion_per_year for p in params]),
        beta_basis=np.array([p.beta_basis_sensitivity for p in params]),
    )


def _stress_rows(
    plan: PlanLike,
    book: LegBook,
    points: ScenarioPoints,
    per_group: dict[Group, FloatArray],
    hedge: FloatArray,
) -> tuple[StressRow, ...]:
    """One row per stress scenario from each group's P&L and the hedge's (all hedge groups)."""
    layer_groups = [g for g in GROUP_ORDER if g in HEDGE_GROUPS and g in book.groups]
    rows = []
    for i, scenario in enumerate(plan.stress):
        condor = float(per_group[Group.CONDOR][i])
        hedge_i = float(hedge[i])
        other = float(per_group[Group.OTHER][i])
        net = condor + hedge_i + other
        cut = loss_cut(condor, net)
        rows.append(
            StressRow(
                name=scenario.name,
                spx_move_pct=scenario.spx_move_pct,
                spx=float(points.spx[i]),
                vix=float(points.vix[i]),
                days=scenario.days,
                condor_pnl_usd=condor,
                hedge_pnl_usd=hedge_i,
                other_pnl_usd=other,
                net_pnl_usd=net,
                loss_cut=cut,
                layer_pnl_usd={g: float(per_group[g][i]) for g in layer_groups},
            )
        )
    return tuple(rows)


def _leg_risks(
    book: LegBook,
    today: TodayGreeks,
    entry: FloatArray,
    market: MarketState,
    params: SpotVolParamsLike,
) -> list[LegRisk]:
    g = today.greeks
    line = book.quantity * SPX_MULTIPLIER_USD
    vega_usd = g.vega * line
    # Spot VIX moves k_down points per 1 % SPX fall: dV/dS per SPX point on the falling side.
    dvix_dspx = -params.k_down * 100.0 / market.spx0
    # SPX legs feel VIX through their vol (vega x vol pts per VIX pt); VIX legs through the
    # future (beta) and through their own vol of vol.
    vix_delta = np.where(
        book.is_spx,
        vega_usd * today.vix_beta * 100.0,
        g.delta * line * today.vix_beta + vega_usd * today.vov_sensitivity * 100.0,
    )
    spx_delta = np.where(book.is_spx, g.delta * line, 0.0)
    equiv = spx_delta + vix_delta * dvix_dspx
    # Columns as Python lists (one conversion per column, not per cell: a plan may have 200 legs).
    is_spx = book.is_spx.tolist()
    column = {
        "strike": book.strike,
        "quantity": book.quantity.astype(np.int64),
        "days_to_expiry": book.expiry_days.astype(np.int64),
        "years_to_expiry": np.maximum(book.expiry_days, 0.0) / DAYS_PER_YEAR,
        "iv": book.base_iv,
        "forward": today.forward,
        "model_price_pts": g.price,
        "entry_price_pts": entry,
        "delta": g.delta,
        "gamma": g.gamma,
        "vega": g.vega,
        "theta": g.theta,
        "market_value_usd": g.price * line,
        "delta_usd": g.delta * line,
        "gamma_usd": g.gamma * line,
        "spx_vega_usd": np.where(book.is_spx, vega_usd, 0.0),
        "vix_vega_usd": np.where(book.is_spx, 0.0, vega_usd),
        "theta_usd": g.theta * line,
        "vix_delta_usd": vix_delta,
        "spx_equiv_delta_usd": equiv,
        "pnl_usd": (g.price - entry) * line,
    }
    values = {name: array.tolist() for name, array in column.items()}
    forwards = values.pop("forward")
    return [
        LegRisk(
            id=book.ids[i],
            group=book.groups[i],
            underlying=book.underlyings[i],
            right=book.rights[i],
            expiry=book.expiries[i],
            forward=None if is_spx[i] else forwards[i],
            **{name: cells[i] for name, cells in values.items()},
        )
        for i in range(book.size)
    ]


def _totals(risks: list[LegRisk]) -> GreeksTotals:
    def total(values: list[float]) -> float:
        return float(sum(values))

    spx = [r for r in risks if r.underlying is Underlying.SPX]
    return GreeksTotals(
        market_value_usd=total([r.market_value_usd for r in risks]),
        premium_usd=total([r.entry_price_pts * r.quantity * SPX_MULTIPLIER_USD for r in risks]),
        spx_delta_usd=total([r.delta_usd for r in spx]),
        spx_gamma_usd=total([r.gamma_usd for r in spx]),
        vix_delta_usd=total([r.vix_delta_usd for r in risks]),
        spx_vega_usd=total([r.spx_vega_usd for r in risks]),
        vix_vega_usd=total([r.vix_vega_usd for r in risks]),
        theta_usd=total([r.theta_usd for r in risks]),
        spx_equiv_delta_usd=total([r.spx_equiv_delta_usd for r in risks]),
        pnl_usd=total([r.pnl_usd for r in risks]),
    )


def _break_evens(curves: PayoffCurves) -> tuple[BreakEven, ...]:
    found = []
    for row, horizon in enumerate(curves.horizons_days):
        pnl = curves.combined_usd[row]
        sign = np.sign(pnl)
        crossings = np.flatnonzero(sign[:-1] * sign[1:] < 0)
        for i in crossings:
            w = pnl[i] / (pnl[i] - pnl[i + 1])
            spx = curves.spx[i] + w * (curves.spx[i + 1] - curves.spx[i])
            found.append(
                BreakEven(
                    horizon_days=horizon,
                    spx=float(spx),
                    move_pct=float(
                        curves.move_pct[i] + w * (curves.move_pct[i + 1] - curves.move_pct[i])
                    ),
                    vix=float(curves.vix[i] + w * (curves.vix[i + 1] - curves.vix[i])),
                )
            )
    return tuple(found)


def _condor_extremes(
    book: LegBook, entry: FloatArray, mask: NDArray[np.bool_], warnings: list[str]
) -> tuple[float | None, float | None]:
    """Max profit / max loss of the condor at expiry from its piecewise-linear payoff."""
    if not mask.any():
        return None, None
    spx_legs = mask & book.is_spx
    if (mask & ~book.is_spx).any():
        warnings.append("VIX legs in the condor group are left out of its max profit / max loss.")
    if not spx_legs.any():
        return None, None
    strikes = book.strike[spx_legs]
    calls = book.is_call[spx_legs]
    qty = book.quantity[spx_legs] * SPX_MULTIPLIER_USD
    cost = float((qty * entry[spx_legs]).sum())
    # The payoff is linear between strikes, so its extremes sit at 0, at a strike, or at infinity.
    knots = np.concatenate(([0.0], np.unique(strikes)))
    intrinsic = np.where(
        calls[:, None],
        np.maximum(knots[None, :] - strikes[:, None], 0.0),
        np.maximum(strikes[:, None] - knots[None, :], 0.0),
    )
    payoff = (qty[:, None] * intrinsic).sum(axis=0) - cost
    slope_far_right = float(qty[calls].sum())
    max_profit = None if slope_far_right > 0 else float(payoff.max())
    max_loss = None if slope_far_right < 0 else float(payoff.min())
    return max_profit, max_loss
