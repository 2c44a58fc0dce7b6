"""Planning the ALVH layers: each layer's listed expiry in its window and its strike by its rule.

`plan_layers(plan, market) -> LayerPlan` needs only today's market, so `evaluate` can value the
layers' contracts (one each) in the same kernel and greeks passes as the plan's own legs; it
hands what those passes priced back as `LayerValues`, and `alvh.analyse_layers` sizes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from planner.engine.conventions import DAYS_PER_YEAR
from planner.engine.errors import EngineInputError
from planner.engine.expiries import expiry_in_window
from planner.engine.leg_book import LegBook, MarketState, build_leg_book
from planner.engine.pricing import PriceGreeks, black76_call_delta
from planner.engine.report import ProposedLeg
from planner.engine.strikes import (
    VIX_MAX_STRIKE,
    VIX_MIN_STRIKE,
    nearest_delta_index,
    snap_vix_strike,
    vix_strike_grid,
)
from planner.engine.today import VixCalls
from planner.engine.types import (
    Group,
    PlanLike,
    Right,
    StrikeRule,
    Underlying,
)
from planner.engine.vol import model_vix_vol

FloatArray = NDArray[np.float64]

_LISTED_STRIKES = vix_strike_grid(VIX_MIN_STRIKE, VIX_MAX_STRIKE)


@dataclass(frozen=True, slots=True)
class LayerSpec:
    """One layer's settings from `plan.allocation` (the offset may be switched off)."""

    group: Group
    ratio: float
    min_days: int
    max_days: int
    rule: StrikeRule
    value: float
    enabled: bool


@dataclass(frozen=True, slots=True)
class LayerPlan:
    """The layers (near, mid, tail, offset, in that order) placed on today's market.

    Arrays run over every layer; a layer with no listed expiry in its window (or the offset
    switched off) is not `placed`, and `book` and `today_calls` hold the placed layers only.
    """

    layers: tuple[LayerSpec, ...]
    placed: NDArray[np.bool_]
    expiries: tuple[dt.date | None, ...]
    days: FloatArray
    """Days to each placed layer's expiry (0 where not placed)."""
    forward: FloatArray
    """The VIX future at those days."""
    strikes: FloatArray
    roll_strikes: FloatArray
    """Each layer's strike chosen at its window's max days (the roll cycle's strike)."""
    book: LegBook
    """One contract of each placed layer, in layer order: valued at the stress and carry points."""
    today_calls: VixCalls
    """The same contracts as Black-76 inputs, priced with today's greeks."""
    roll_buy_calls: VixCalls
    """Every layer's roll cycle, bought at the window's max days at the roll strike, on today's
    curve and vol surface."""
    roll_sell_calls: VixCalls
    """... and sold (same strike) at its min days: the future rolls down from F(max) to F(min)."""
    messages: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LayerValues:
    """What `evaluate`'s passes priced for a `LayerPlan`, per contract in index points."""

    today: PriceGreeks
    """Price and greeks of `LayerPlan.today_calls` (placed layers)."""
    roll_buy_pts: FloatArray
    """Price of `LayerPlan.roll_buy_calls` (every layer)."""
    roll_sell_pts: FloatArray
    """Price of `LayerPlan.roll_sell_calls` (every layer)."""
    at_stress_pts: FloatArray
    """Value of each of `LayerPlan.book`'s contracts at each stress point: (placed, stress)."""
    at_carry_pts: FloatArray
    """Value of each of `LayerPlan.book`'s contracts at the carry point: (placed,)."""


def plan_layers(plan: PlanLike, market: MarketState) -> LayerPlan:
    """Each layer's listed expiry in its window and its strike by the layer's rule."""
    curve = market.curve
    messages: list[str] = []
    specs = layer_specs(plan)
    days = np.zeros(len(specs))
    placed = np.zeros(len(specs), dtype=bool)
    expiries: list[dt.date | None] = []
    listed = tuple(plan.listed_vix_expiries)
    for i, spec in enumerate(specs):
        expiry = None
        if spec.enabled:
            expiry = expiry_in_window(listed, plan.valuation_date, spec.min_days, spec.max_days)
            if expiry is None:
                messages.append(_empty_window_message(spec, listed, plan.valuation_date))
        expiries.append(expiry)
        if expiry is not None:
            placed[i] = True
            days[i] = (expiry - plan.valuation_date).days

    rules = [s.rule for s in specs]
    values = np.array([s.value for s in specs])
    buy_days = np.array([float(s.max_days) for s in specs])
    sell_days = np.array([float(s.min_days) for s in specs])
    # Today's strikes and the roll cycle's strikes (chosen at the window's max days) together:
    # one pricing pass for the delta search.
    both_days = np.concatenate((days, buy_days))
    both_forward = curve.future(both_days)
    both_strikes = rule_strikes(rules + rules, np.tile(values, 2), both_days, both_forward, market)
    n_specs = len(specs)
    forward, strikes = both_forward[:n_specs], both_strikes[:n_specs]
    roll_strikes = both_strikes[n_specs:]
    legs_per_contract = [
        ProposedLeg(
            id=f"alvh_{spec.group.value}",
            underlying=Underlying.VIX,
            right=Right.CALL,
            quantity=1,
            strike=float(strikes[i]),
            expiry=expiry,
            group=spec.group,
        )
        for i, (spec, expiry) in enumerate(zip(specs, expiries, strict=True))
        if expiry is not None
    ]
    rows = np.flatnonzero(placed)
    # Today's placed contracts and both ends of every roll cycle on one pass over the curve
    # and the vol surface, then cut into the three named sets.
    tau = np.concatenate((days[rows], buy_days, sell_days))
    strike = np.concatenate((strikes[rows], roll_strikes, roll_strikes))
    future = curve.future(tau)
    vol = model_vix_vol(tau, strike, future, market.model)
    today_calls, roll_buy_calls, roll_sell_calls = (
        VixCalls(future[cut], strike[cut], tau[cut] / DAYS_PER_YEAR, vol[cut])
        for cut in (
            slice(0, rows.size),
            slice(rows.size, rows.size + n_specs),
            slice(rows.size + n_specs, None),
        )
    )
    return LayerPlan(
        layers=tuple(specs),
        placed=placed,
        expiries=tuple(expiries),
        days=days,
        forward=forward,
        strikes=strikes,
        roll_strikes=roll_strikes,
        book=build_leg_book(legs_per_contract, market),
        today_calls=today_calls,
        roll_buy_calls=roll_buy_calls,
        roll_sell_calls=roll_sell_calls,
        messages=tuple(messages),
    )


def layer_specs(plan: PlanLike) -> list[LayerSpec]:
    """The four layers' settings, near to offset; raises EngineInputError on an empty window
    or a negative ratio."""
    a = plan.allocation
    specs = [
        LayerSpec(g, float(s.ratio), s.min_days, s.max_days, s.strike_rule, s.strike_value, True)
        for g, s in ((Group.NEAR, a.near), (Group.MID, a.mid), (Group.TAIL, a.tail))
    ]
    o = a.offset
    specs.append(
        LayerSpec(
            Group.OFFSET, o.ratio, o.min_days, o.max_days, o.strike_rule, o.strike_value, o.enabled
        )
    )
    for spec in specs:
        if not 0 <= spec.min_days < spec.max_days:
            raise EngineInputError(
                f"the {spec.group.value} layer's window {spec.min_days}-{spec.max_days} days "
                "is empty"
            )
        if spec.ratio < 0:
            raise EngineInputError(f"the {spec.group.value} layer's ratio must not be negative")
    return specs


def rule_strikes(
    rules: Sequence[StrikeRule],
    values: FloatArray,
    days: FloatArray,
    forward: FloatArray,
    market: MarketState,
) -> FloatArray:
    """Listed strike per layer: delta rule by search over the listed grid, others snapped."""
    is_delta = np.array([r is StrikeRule.DELTA for r in rules], dtype=bool)
    is_points = np.array([r is StrikeRule.POINTS for r in rules], dtype=bool)
    raw = np.where(is_points, forward + values, values)
    strikes = np.asarray(snap_vix_strike(np.where(is_delta, forward, raw)), dtype=np.float64)
    if is_delta.any():
        strikes[is_delta] = delta_strike(
            values[is_delta], days[is_delta], forward[is_delta], market
        )
    return strikes


def delta_strike(
    target_delta: FloatArray, days: FloatArray, forward: FloatArray, market: MarketState
) -> FloatArray:
    """The listed VIX strike whose Black-76 call delta (model vol) is nearest each target."""
    tau = days[:, None]
    fwd = forward[:, None]
    grid = _LISTED_STRIKES[None, :]
    vol = model_vix_vol(tau, grid, fwd, market.model)
    t_years = np.maximum(tau, 0.0) / DAYS_PER_YEAR
    deltas = black76_call_delta(fwd, grid, t_years, market.rate, vol)
    best = nearest_delta_index(deltas, target_delta)
    chosen: FloatArray = _LISTED_STRIKES[best]
    return chosen


def _empty_window_message(spec: LayerSpec, listed: Sequence[dt.date], today: dt.date) -> str:
    before = [d for d in listed if (d - today).days < spec.min_days and d >= today]
    after = [d for d in listed if (d - today).days > spec.max_days]
    near = []
    if before:
        near.append(f"{before[-1].isoformat()} ({(before[-1] - today).days} days)")
    if after:
        near.append(f"{after[0].isoformat()} ({(after[0] - today).days} days)")
    around = f"; the nearest are {' and '.join(near)}" if near else ""
    return (
        f"No listed VIX expiry is {spec.min_days}–{spec.max_days} days out for the "
        f"{spec.group.value} layer{around}. The layer is left empty; widen its window to use one."
    )
