"""The ALVH layer engine: 4/4/2 layers across VIX expiries, sizing, regime scaling, theta offset.

DESIGN.md section 4 and issue #3. `evaluate(plan)` plans the layers (`layer_plan.plan_layers`),
values them in its own passes and calls `analyse_layers`, which fills `Report.alvh`: a *proposed*
hedge built from `plan.allocation` (the plan's current hedge legs are not used: the proposal
would replace them).

Every money figure is linear in the number of contracts, so each layer is priced once per
contract (today, at the stress points, after 30 days, and over a roll cycle) and the sizing
solvers evaluate every whole number of units 0..max_units in one matrix product.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from planner.engine.conventions import (
    CARRY_DAYS,
    DAYS_PER_YEAR,
    hedge_cost,
    loss_cut,
    loss_cut_of,
)
from planner.engine.curve import FuturesCurve
from planner.engine.layer_plan import LayerPlan, LayerSpec, LayerValues
from planner.engine.leg_book import MarketState
from planner.engine.report import (
    AlvhReport,
    AlvhStressRow,
    AlvhTotals,
    LayerResult,
    ProposedLeg,
    RegimeDecision,
    SizingResult,
    StressRow,
    TermStructure,
)
from planner.engine.signals import VixHistory, base_signals
from planner.engine.types import (
    VIX_OPTION_MULTIPLIER_USD,
    Group,
    PlanLike,
    RegimeMeasure,
    RegimeRule,
    RegimeSettingsLike,
    Right,
    SizingMode,
    Underlying,
)

FloatArray = NDArray[np.float64]

# Positions in `layer_plan.layer_specs`' order (near, mid, tail, offset).
_TAIL = 2
_OFFSET = 3
# Guards the "fits the budget / meets the target" comparisons against rounding noise.
_TOLERANCE = 1e-9

ASSUMPTIONS: tuple[str, ...] = (
    "Premium: today's model price (Black-76 on the interpolated VIX future with the model's VIX "
    "option vol) x contracts x $100; the offset's premium is received (negative).",
    "Carry: each layer's P&L over 30 days with SPX and VIX unchanged (futures roll down the "
    "curve; a layer expiring sooner settles at intrinsic value), annualised x 365/30.",
    "Maintenance cost a year (the 'annual premium' the budget spends): each layer is bought when "
    "its window opens (max days to expiry) and sold when it closes (min days), then replaced, "
    "in an unchanged market (spot VIX, the futures curve by tenor and the vol surface as today); "
    "the strike is re-chosen by the layer's rule at the window's max days. Cost = (buy - sell) x "
    "365 / (max - min days). No commissions, no bid/ask.",
    "Stress: P&L from today's value; loss cut = 1 - net / condor where the condor loses, net "
    "counting the condor, other non-hedge legs and the proposed hedge (which replaces the plan's "
    "current near / mid / tail / offset legs).",
    "Sizing solvers size the unscaled structure; the regime multiplier then scales each layer's "
    "contracts (rounded half up). A VXTH-style table sets the size from today's premium instead.",
)


def analyse_layers(
    plan: PlanLike,
    planned: LayerPlan,
    values: LayerValues,
    stress_rows: Sequence[StressRow],
    *,
    market: MarketState,
    term: TermStructure,
    vix_history: VixHistory | None = None,
) -> AlvhReport:
    """Size and price the planned layers against the plan's `stress_rows`.

    `values` holds what `evaluate`'s passes priced for `planned` (today, at the stress points,
    at the carry point, over the roll cycle). With `vix_history` the signals carry RSI(14) /
    MACD of its closes.
    """
    settings = plan.allocation
    capital = plan.capital_usd
    curve = market.curve
    messages = list(planned.messages)
    specs = planned.layers
    placed, expiries, days = planned.placed, planned.expiries, planned.days
    forward, strikes = planned.forward, planned.strikes
    buy_days = np.array([float(s.max_days) for s in specs])
    sell_days = np.array([float(s.min_days) for s in specs])
    n_specs = len(specs)
    rows = np.flatnonzero(placed)
    n_stress = len(stress_rows)

    # Per-layer figures over all four layers; zero where a layer is not placed.
    today = values.today
    price = np.zeros(n_specs)
    delta = np.zeros(n_specs)
    theta = np.zeros(n_specs)
    iv = np.zeros(n_specs)
    stress_pts = np.zeros((n_specs, n_stress))
    carry_pts = np.zeros(n_specs)
    price[rows] = today.price
    delta[rows] = today.delta
    theta[rows] = today.theta
    iv[rows] = planned.today_calls.vol
    stress_pts[rows] = values.at_stress_pts - today.price[:, None]
    carry_pts[rows] = values.at_carry_pts - today.price
    roll_pts = values.roll_buy_pts - values.roll_sell_pts
    rolls_per_year = DAYS_PER_YEAR / (buy_days - sell_days)
    maintenance_pts = np.where(placed, roll_pts * rolls_per_year, 0.0)

    ratios = np.array([s.ratio for s in specs])

    def contracts(units: FloatArray, multiplier: float) -> NDArray[np.int64]:
        layer = np.floor(ratios[None, :_OFFSET] * units[:, None] * multiplier + 0.5)
        layer = layer * placed[None, :_OFFSET]
        offset = -np.floor(ratios[_OFFSET] * layer[:, _TAIL] + 0.5) * placed[_OFFSET]
        return np.column_stack((layer, offset)).astype(np.int64)

    usd = VIX_OPTION_MULTIPLIER_USD
    grid = np.arange(settings.max_units + 1, dtype=np.float64)
    grid_contracts = contracts(grid, 1.0).astype(np.float64)
    grid_maintenance = grid_contracts @ maintenance_pts * usd
    grid_premium = grid_contracts @ price * usd
    sizing_base, feasible, reason, target, achieved = _size(
        plan, grid_maintenance, grid_contracts @ stress_pts * usd, stress_rows
    )
    regime, units = _regime(
        settings.regime, market, curve, capital, grid_premium, sizing_base, settings.max_units
    )
    if regime.rule is RegimeRule.PREMIUM_PCT:
        final = contracts(np.array([float(units)]), 1.0)[0]
    else:
        final = contracts(np.array([float(sizing_base)]), regime.multiplier)[0]
    scaled = regime.rule is RegimeRule.MULTIPLIER and regime.multiplier != 1.0
    if scaled and settings.sizing is not SizingMode.UNITS:
        messages.append(
            f"The regime multiplier x{regime.multiplier:g} scales the {settings.sizing.value} "
            "solver's size, so the budget / target applies to the unscaled hedge."
        )
    sizing = SizingResult(
        mode=settings.sizing,
        base_units=sizing_base,
        units=float(units),
        max_units=settings.max_units,
        feasible=feasible,
        reason=reason,
        unit_maintenance_usd_per_year=float(grid_maintenance[1]) if grid.size > 1 else 0.0,
        unit_premium_usd=float(grid_premium[1]) if grid.size > 1 else 0.0,
        target_loss_cut=target,
        achieved_loss_cut=achieved,
    )

    q = final.astype(np.float64) * usd
    layer_stress = q[:, None] * stress_pts
    layers = tuple(
        LayerResult(
            group=spec.group,
            ratio=spec.ratio,
            min_days=spec.min_days,
            max_days=spec.max_days,
            strike_rule=spec.rule,
            strike_value=spec.value,
            placed=bool(placed[i]),
            expiry=expiries[i],
            days_to_expiry=int(days[i]) if placed[i] else None,
            forward=float(forward[i]) if placed[i] else None,
            strike=float(strikes[i]) if placed[i] else None,
            delta=float(delta[i]) if placed[i] else None,
            iv=float(iv[i]) if placed[i] else None,
            price_pts=float(price[i]) if placed[i] else None,
            contracts=int(final[i]),
            premium_usd=float(q[i] * price[i]),
            theta_usd_per_day=float(q[i] * theta[i]),
            carry_30d_usd=float(q[i] * carry_pts[i]),
            carry_annual_pct_capital=float(
                100.0 * q[i] * carry_pts[i] * DAYS_PER_YEAR / CARRY_DAYS / capital
            ),
            rolls_per_year=float(rolls_per_year[i]) if placed[i] else None,
            roll_cost_pts=float(roll_pts[i]) if placed[i] else None,
            maintenance_cost_usd_per_year=float(q[i] * maintenance_pts[i]),
            maintenance_pct_capital=float(100.0 * q[i] * maintenance_pts[i] / capital),
            stress_pnl_usd=tuple(layer_stress[i].tolist()),
            message=_layer_message(spec, bool(placed[i])),
        )
        for i, spec in enumerate(specs)
    )
    _offset_checks(layers, messages)
    carry_30d = float(q @ carry_pts)
    maintenance = float(q @ maintenance_pts)
    premium = float(q @ price)
    totals = AlvhTotals.of(
        hedge_cost(premium, float(q @ theta), carry_30d, capital),
        contracts_long=int(final[final > 0].sum()),
        contracts_short=int(-final[final < 0].sum()),
        maintenance_cost_usd_per_year=maintenance,
        maintenance_pct_capital=100.0 * maintenance / capital,
    )
    offset_income = -float(q[_OFFSET] * maintenance_pts[_OFFSET])
    band = regime.band_label
    signals = base_signals(term.state, term.slope_pts_per_month, market.vix0, band)
    if vix_history is not None:
        signals = vix_history.signals(signals)
    proposed = tuple(
        ProposedLeg(
            id=f"alvh_{layer.group.value}",
            underlying=Underlying.VIX,
            right=Right.CALL,
            quantity=layer.contracts,
            strike=float(layer.strike),
            expiry=layer.expiry,
            group=layer.group,
        )
        for layer in layers
        if layer.contracts != 0 and layer.expiry is not None and layer.strike is not None
    )
    return AlvhReport(
        layers=layers,
        totals=totals,
        sizing=sizing,
        regime=regime,
        stress=_stress(stress_rows, layer_stress, specs),
        offset_premium_recovered_usd_per_year=offset_income,
        offset_premium_recovered_pct_capital=100.0 * offset_income / capital,
        signals=signals,
        legs=proposed,
        assumptions=ASSUMPTIONS,
        messages=tuple(messages),
    )


def _size(
    plan: PlanLike,
    grid_maintenance: FloatArray,
    grid_stress: FloatArray,
    stress_rows: Sequence[StressRow],
) -> tuple[int, bool, str, float | None, float | None]:
    """Base units from the sizing mode: (units, feasible, reason, target cut, achieved cut)."""
    a = plan.allocation
    cap = a.max_units
    one_unit = float(grid_maintenance[1]) if cap >= 1 else 0.0
    if a.sizing is SizingMode.UNITS:
        return a.units, True, f"{a.units} hedge unit(s) entered directly.", None, None
    if a.sizing is SizingMode.BUDGET:
        budget = a.budget_pct_capital / 100.0 * plan.capital_usd
        fits = np.flatnonzero(grid_maintenance <= budget * (1.0 + _TOLERANCE) + _TOLERANCE)
        units = int(fits[-1])
        cost = float(grid_maintenance[units])
        text = (
            f"Budget {a.budget_pct_capital:g} % of capital (${budget:,.0f}) a year in "
            f"maintenance cost; one unit costs ${one_unit:,.0f} a year"
        )
        if units == 0:
            return 0, False, text + ": not even one unit fits.", None, None
        if units == cap:
            return (
                units,
                True,
                text + f": {units} units (${cost:,.0f}) — the cap; the budget allows more.",
                None,
                None,
            )
        return units, True, text + f": {units} units (${cost:,.0f} a year).", None, None
    # Protection target.
    target = a.target_loss_cut_pct / 100.0
    wanted = a.target_scenario.casefold()
    index = next((i for i, r in enumerate(stress_rows) if r.name.casefold() == wanted), None)
    if index is None:
        names = ", ".join(r.name for r in stress_rows) or "none"
        return (
            0,
            False,
            f"No stress scenario is named {a.target_scenario!r} (the plan has: {names}).",
            target,
            None,
        )
    row = stress_rows[index]
    condor = row.condor_pnl_usd
    if condor >= 0:
        return (
            0,
            True,
            f"The condor does not lose in {row.name!r}; no hedge is needed to cut its loss.",
            target,
            None,
        )
    cut = loss_cut_of(condor, condor + row.other_pnl_usd + grid_stress[:, index])
    ok = cut >= target - _TOLERANCE
    if not ok.any():
        best = int(np.argmax(cut))
        return (
            0,
            False,
            f"No size up to {cap} units cuts the loss of {row.name!r} by "
            f"{a.target_loss_cut_pct:g} %: the best, {best} units, cuts it by "
            f"{100.0 * cut[best]:.1f} %.",
            target,
            float(cut[0]),
        )
    units = int(np.argmin(np.where(ok, grid_maintenance, np.inf)))
    return (
        units,
        True,
        f"Cheapest size cutting the loss of {row.name!r} by at least "
        f"{a.target_loss_cut_pct:g} %: {units} units (cut {100.0 * cut[units]:.1f} %, "
        f"${grid_maintenance[units]:,.0f} a year).",
        target,
        float(cut[units]),
    )


def band_index(regime: RegimeSettingsLike, level: float) -> int:
    """Index of the band holding `level`: [lower, upper) bands, or (lower, upper] when the table
    is upper-inclusive (VXTH: "future <= 15" is the first band)."""
    edges = np.array([b.upper for b in regime.bands[:-1]], dtype=np.float64)
    if regime.upper_inclusive:
        return int(np.searchsorted(edges, level, side="left"))
    return int(np.searchsorted(edges, level, side="right"))


def band_label(regime: RegimeSettingsLike, index: int) -> str:
    edges = [b.upper for b in regime.bands[:-1]]
    low_op, high_op = ("≤", ">") if regime.upper_inclusive else ("<", "≥")
    if not edges:
        return "all"
    if index == 0:
        return f"{low_op} {edges[0]:g}"
    if index == len(edges):
        return f"{high_op} {edges[-1]:g}"
    return f"{edges[index - 1]:g}–{edges[index]:g}"


def _regime(
    regime: RegimeSettingsLike,
    market: MarketState,
    curve: FuturesCurve,
    capital: float,
    grid_premium: FloatArray,
    base_units: int,
    max_units: int,
) -> tuple[RegimeDecision, float]:
    """The active band and the units it leads to."""
    if regime.measure is RegimeMeasure.FRONT_FUTURE and curve.prices.size:
        level, what = float(curve.prices[0]), "front VIX future"
    else:
        level, what = market.vix0, "VIX"
    index = band_index(regime, level)
    band = regime.bands[index]
    label = band_label(regime, index)
    where = f"{what} {level:.2f} is in the {regime.name} band {label}"

    def decision(multiplier: float, reason: str) -> RegimeDecision:
        return RegimeDecision(
            table=regime.name,
            rule=regime.rule,
            measure=regime.measure,
            level=level,
            band_index=index,
            band_label=label,
            band_value=band.value,
            hold=band.hold,
            multiplier=multiplier,
            reason=reason,
        )

    if regime.rule is RegimeRule.OFF:
        return decision(1.0, "Regime scaling is off: the sized units are used as they are."), float(
            base_units
        )
    if band.hold:
        return decision(
            1.0,
            f"{where}: hold the existing hedge and consider monetising rather than adding; "
            "the figures show the unscaled size.",
        ), float(base_units)
    if regime.rule is RegimeRule.MULTIPLIER:
        units = base_units * band.value
        return decision(
            band.value, f"{where}: size x{band.value:g} ({base_units} -> {units:g} units)."
        ), units
    budget = band.value / 100.0 * capital
    fits = np.flatnonzero(grid_premium <= budget * (1.0 + _TOLERANCE) + _TOLERANCE)
    units_fit = int(fits[-1])
    capped = " (the cap)" if units_fit == max_units and budget > 0 else ""
    return decision(
        1.0,
        f"{where}: spend {band.value:g} % of capital (${budget:,.0f}) on premium today -> "
        f"{units_fit} units{capped} costing ${grid_premium[units_fit]:,.0f}; this replaces the "
        "sizing mode's units.",
    ), float(units_fit)


def _stress(
    rows: Sequence[StressRow], layer_stress: FloatArray, specs: Sequence[LayerSpec]
) -> tuple[AlvhStressRow, ...]:
    groups = [spec.group for spec in specs]
    offset_index = groups.index(Group.OFFSET)
    out = []
    # Columns as Python floats in one conversion: 20 rows x 4 layers of float() calls add up.
    for row, layer_pnl in zip(rows, layer_stress.T.tolist(), strict=True):
        by_layer = dict(zip(groups, layer_pnl, strict=True))
        hedge = sum(layer_pnl)
        offset = layer_pnl[offset_index]
        base = row.condor_pnl_usd + row.other_pnl_usd
        net = base + hedge
        condor = row.condor_pnl_usd
        gains = {g: v for g, v in by_layer.items() if g is not Group.OFFSET and v > 0}
        out.append(
            AlvhStressRow(
                name=row.name,
                condor_pnl_usd=condor,
                other_pnl_usd=row.other_pnl_usd,
                layer_pnl_usd=by_layer,
                hedge_pnl_usd=hedge,
                net_pnl_usd=net,
                loss_cut=loss_cut(condor, net),
                loss_cut_without_offset=loss_cut(condor, net - offset),
                best_layer=max(gains, key=gains.__getitem__) if gains else None,
            )
        )
    return tuple(out)


def _layer_message(spec: LayerSpec, placed: bool) -> str | None:
    if not spec.enabled:
        return "Theta offset is off."
    if not placed:
        return f"No listed VIX expiry {spec.min_days}–{spec.max_days} days out."
    return None


def _offset_checks(layers: Sequence[LayerResult], messages: list[str]) -> None:
    tail, offset = layers[_TAIL], layers[_OFFSET]
    if not (offset.placed and tail.placed):
        if offset.placed and not tail.placed:
            messages.append("The theta offset sells against the tail layer, which is empty.")
        return
    if offset.strike is not None and tail.strike is not None and offset.strike <= tail.strike:
        messages.append(
            f"The offset's strike {offset.strike:g} is not above the tail's {tail.strike:g}: it "
            "caps the tail's protection instead of only trimming its cost."
        )
    if (
        offset.days_to_expiry is not None
        and tail.days_to_expiry is not None
        and offset.days_to_expiry >= tail.days_to_expiry
    ):
        messages.append(
            "The offset does not expire before the tail layer, as a theta offset should."
        )
