"""Replay: the plan's condor + ALVH programme run on real daily history (DESIGN.md section 9).

Model-priced: there are no historical option quotes. Every open leg is marked at every close
with the plan's own model on that day's SPX, VIX and futures curve -- the default SPX smile
(`vol.model_spx_iv` on the day's curve read as the plan's `atm_reference` says), the model's
VIX option vol
(`vol.model_vix_vol`), Black-Scholes-Merton / Black-76 through `pricing.bsm` -- the functions
`evaluate` prices a leg with today, so a replay day and a plan built from that day's market
agree to rounding. Strikes come from `condor.iron_condor_strikes` and the ALVH strike rules
(`layer_plan.rule_strikes`); regime bands from `alvh.band_index`.

Vectorised: every (leg, day) pair of the whole replay -- condor legs and hedge purchases -- is
priced in one `bsm` call. The loops are over condor entries (strike search) and over each
layer's purchase events (which expiry, when), each doing a fixed amount of work.

Hedge P&L is linear in contracts: each purchase's per-contract daily changes are kept, so the
programme's size and every size of a sweep are a weighted sum of the same streams.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from planner.engine.alvh import band_index
from planner.engine.condor import iron_condor_strikes
from planner.engine.conventions import DAYS_PER_YEAR, loss_cut
from planner.engine.curve import CurveHistory, FuturesCurve
from planner.engine.errors import EngineInputError
from planner.engine.expiries import VIX_LISTED_WEEKLIES
from planner.engine.layer_plan import LayerSpec, layer_specs, rule_strikes
from planner.engine.leg_book import MarketState, bsm_spot_carry, default_vol, market_state
from planner.engine.pricing import bsm
from planner.engine.replay_result import (
    Daily,
    EpisodeRow,
    LayerCoverage,
    RegimeRow,
    ReplayResult,
    Summary,
    SweepRow,
    Trades,
    YearRow,
)
from planner.engine.replay_types import (
    CondorSizing,
    DailyMarket,
    ProgrammeLike,
    TradingCostsLike,
    WingRule,
)
from planner.engine.signals import rsi_wilder
from planner.engine.strikes import SPX_STRIKE_STEP_PTS
from planner.engine.types import (
    SPX_MULTIPLIER_USD,
    VIX_OPTION_MULTIPLIER_USD,
    Group,
    PlanLike,
    RegimeMeasure,
    RegimeRule,
    SizingMode,
)
from planner.engine.vol import model_spx_iv, model_vix_vol

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

__all__ = [
    "Episode",
    "Progress",
    "ReplayCalendar",
    "ReplayCancelled",
    "leg_marks",
    "run_replay",
]

Progress = Callable[[float], None]
"""Called with the fraction done (0..1) between the replay's stages. A caller that wants the
run stopped (a newer edit arrived) raises `ReplayCancelled` from it."""


class ReplayCancelled(Exception):  # noqa: N818 (a signal to stop, not an error)
    """Raised by a `Progress` callback to abandon a run; `run_replay` lets it through."""


# Years of history (CAGR, costs a year) count calendar days including leap days.
CALENDAR_DAYS_PER_YEAR = 365.25
TRADING_DAYS_PER_YEAR = 252.0
# A condor is entered on the first close with at most its target days left; when the range
# starts (or a gap ends) later than this many days after that, the condor is skipped.
ENTRY_SLACK_DAYS = 7
_TOLERANCE = 1e-9


@dataclass(frozen=True, slots=True)
class ReplayCalendar:
    """Listed expiries (the engine does no calendar I/O: `planner.model` computes these)."""

    condor_expiries: NDArray[np.datetime64]
    """SPX expiries the cadence trades (standard monthlies, or weekly Fridays), sorted."""
    vix_expiries: NDArray[np.datetime64]
    """Every VIX option expiry, monthlies and weekly Wednesdays, sorted, unique."""
    vix_is_weekly: NDArray[np.bool_]
    weekly_vix_listed_from: np.datetime64
    """The first day weekly VIX options were listed (Cboe: 8 Oct 2015)."""


@dataclass(frozen=True, slots=True)
class Episode:
    """A stress episode to measure: the closes from `start` to `end`."""

    name: str
    start: dt.date
    end: dt.date
    predicted_loss_cut_pct: float | None


# ---------------------------------------------------------------------------------------------
# Marks


@dataclass(frozen=True, slots=True)
class LegRows:
    """(leg, day) pairs to price: one row each."""

    day: IntArray
    is_spx: NDArray[np.bool_]
    is_call: NDArray[np.bool_]
    strike: FloatArray
    expiry: NDArray[np.int64]
    """Expiry as days since 1970-01-01."""


def leg_marks(
    rows: LegRows,
    day_number: NDArray[np.int64],
    spx: FloatArray,
    curves: CurveHistory,
    plan: PlanLike,
) -> FloatArray:
    """Per-contract model value (index points) of every row's leg at its day's close.

    The same composition `leg_book.build_leg_book` + `today.today_greeks` use for a leg
    without a user IV: SPX legs are BSM at the default smile, whose ATM level is a share of the
    day's VIX level at the leg's expiry (`CurveHistory.smile_reference`); VIX legs are Black-76
    on the day's future at their expiry at the model's VIX option vol. At or past expiry the
    value is intrinsic (VIX legs at spot VIX, F(0)).
    """
    model = plan.model
    rate = plan.market.rate
    div = plan.market.dividend_yield
    tau = (rows.expiry - day_number[rows.day]).astype(np.float64)
    t_years = np.maximum(tau, 0.0) / DAYS_PER_YEAR
    future_at_expiry = curves.future(rows.day, tau)
    spot_spx = spx[rows.day]
    vol, _ = default_vol(
        rows.is_spx,
        rows.strike,
        spot_spx,
        t_years,
        rate,
        div,
        tau,
        future_at_expiry,
        curves.smile_reference(rows.day, tau, model.atm_reference),
        model,
    )
    spot, carry = bsm_spot_carry(rows.is_spx, spot_spx, future_at_expiry, rate, div)
    return bsm(rows.is_call, spot, rows.strike, t_years, rate, carry, vol).price


def curve_history(market: DailyMarket) -> CurveHistory:
    days = (market.futures_expiry - market.dates[:, None]).astype(np.float64)
    return CurveHistory(spot=market.vix, knot_days=days, knot_prices=market.futures_price)


def day_curve(market: DailyMarket, day: int) -> FuturesCurve:
    """Day `day`'s curve as `evaluate` would build it (for the model's MarketState)."""
    price = market.futures_price[day]
    usable = np.isfinite(price)
    days = (market.futures_expiry[day][usable] - market.dates[day]).astype(np.float64)
    return FuturesCurve(spot=float(market.vix[day]), days=days, prices=price[usable])


# ---------------------------------------------------------------------------------------------
# Condors


@dataclass(frozen=True, slots=True)
class _Condors:
    expiry: NDArray[np.int64]
    entry: IntArray
    last: IntArray
    """Last day held: the expiry close, or the range's last day."""
    settles: NDArray[np.bool_]
    strikes: FloatArray
    """(condors, 4): long put, short put, short call, long call."""
    lots: IntArray


_CONDOR_QTY = np.array([1.0, -1.0, -1.0, 1.0])
_CONDOR_CALL = np.array([False, False, True, True])
_CONDOR_NAMES = ("long put", "short put", "short call", "long call")


def _plan_condors(
    plan: PlanLike,
    programme: ProgrammeLike,
    market: DailyMarket,
    day_number: NDArray[np.int64],
    curves: CurveHistory,
    expiries: NDArray[np.datetime64],
) -> _Condors:
    settings = programme.condor
    model = plan.model
    rate, div = plan.market.rate, plan.market.dividend_yield
    exp_num = expiries.astype("datetime64[D]").astype(np.int64)
    exp_num = exp_num[(exp_num > day_number[0])]
    entry = np.searchsorted(day_number, exp_num - settings.target_days, side="left")
    inside = entry < day_number.size
    entry, exp_num = entry[inside], exp_num[inside]
    days_left = exp_num - day_number[entry]
    keep = (days_left > 0) & (days_left >= settings.target_days - ENTRY_SLACK_DAYS)
    entry, exp_num, days_left = entry[keep], exp_num[keep], days_left[keep]
    if entry.size == 0:
        raise EngineInputError(
            "no condor can be entered in this range (it is shorter than the target days to expiry)"
        )
    at_expiry = np.searchsorted(day_number, exp_num, side="left")
    settles = at_expiry < day_number.size
    last = np.minimum(at_expiry, day_number.size - 1)

    if settings.sizing is CondorSizing.FIXED:
        lots = settings.fixed_lots
    else:
        lots = math.floor(plan.capital_usd * settings.lots_per_100k_usd / 100_000.0 + _TOLERANCE)
        if lots < 1:
            raise EngineInputError(
                f"{settings.lots_per_100k_usd:g} lots per $100k of ${plan.capital_usd:,.0f} "
                "capital is less than one lot"
            )
    strikes = np.empty((entry.size, 4))
    for i, (day, left) in enumerate(zip(entry.tolist(), days_left.tolist(), strict=True)):
        spot = float(market.spx[day])
        t_years = left / DAYS_PER_YEAR
        future = curves.smile_reference(
            np.array([day]), np.array([float(left)]), model.atm_reference
        )

        def vol(
            strike: FloatArray, spot: float = spot, t: float = t_years, future: FloatArray = future
        ) -> FloatArray:
            return model_spx_iv(strike, spot, t, rate, div, future, model)

        try:
            shorts = iron_condor_strikes(
                spot,
                t_years,
                rate,
                div,
                vol,
                settings.put_short_delta,
                settings.call_short_delta,
                settings.wing_width_pts,
            )
            long_put, long_call = shorts.long_put, shorts.long_call
            if settings.wing_rule is WingRule.DELTA:
                wings = iron_condor_strikes(
                    spot,
                    t_years,
                    rate,
                    div,
                    vol,
                    settings.wing_delta,
                    settings.wing_delta,
                    SPX_STRIKE_STEP_PTS,
                )
                long_put = min(wings.short_put, shorts.short_put - SPX_STRIKE_STEP_PTS)
                long_call = max(wings.short_call, shorts.short_call + SPX_STRIKE_STEP_PTS)
        except ValueError as error:
            when = np.datetime64(int(day_number[day]), "D")
            raise EngineInputError(
                f"the condor entered on {when} cannot be placed: {error}"
            ) from None
        strikes[i] = (long_put, shorts.short_put, shorts.short_call, long_call)
    return _Condors(
        expiry=exp_num,
        entry=entry,
        last=last,
        settles=settles,
        strikes=strikes,
        lots=np.full(entry.size, lots, dtype=np.intp),
    )


# ---------------------------------------------------------------------------------------------
# Hedge layers


@dataclass(frozen=True, slots=True)
class _Purchases:
    layer: IntArray
    """Index into the specs."""
    expiry: NDArray[np.int64]
    buy: IntArray
    sell: IntArray
    """Day the position is sold (its window's min days), settled (expiry) or last marked."""
    sold: NDArray[np.bool_]
    """False when the range ends first (the position is marked, not sold)."""
    weekly: NDArray[np.bool_]
    monetised: NDArray[np.bool_]
    """Sold early by the monetising rule."""


def _layer_specs(plan: PlanLike) -> list[LayerSpec]:
    """The layers the replay trades: near, mid, tail, and the offset when it is on."""
    return [spec for spec in layer_specs(plan) if spec.enabled]


def _schedule(
    specs: Sequence[LayerSpec],
    calendar: ReplayCalendar,
    day_number: NDArray[np.int64],
    monetise: NDArray[np.bool_] | None = None,
) -> _Purchases:
    """Each layer holds one expiry at a time: when flat, it buys the listed expiry inside its
    window with the most days left (the one that just entered at max days) and sells it at the
    first close with min days or fewer left; then waits for the next expiry to enter.

    `monetise` (per day, near layer only): on a day it is set the near layer sells what it
    holds and buys nothing; at the first close after it clears, the layer buys again."""
    n = day_number.size
    exp = calendar.vix_expiries.astype("datetime64[D]").astype(np.int64)
    weekly = calendar.vix_is_weekly
    weekly_from = int(calendar.weekly_vix_listed_from.astype("datetime64[D]").astype(np.int64))
    layers, expiries, buys, sells, is_weekly, cashed = [], [], [], [], [], []
    for index, spec in enumerate(specs):
        blocked = monetise if (monetise is not None and spec.group is Group.NEAR) else None
        blocked_days = np.empty(0, dtype=np.intp) if blocked is None else np.flatnonzero(blocked)
        free_days = np.empty(0, dtype=np.intp) if blocked is None else np.flatnonzero(~blocked)
        enter = np.searchsorted(day_number, exp - spec.max_days, side="left")
        # Weeklies are listed about six weeks ahead, and only since Oct 2015.
        listed = np.maximum(exp - 7 * VIX_LISTED_WEEKLIES, weekly_from)
        enter = np.where(weekly, np.maximum(enter, np.searchsorted(day_number, listed)), enter)
        leave = np.searchsorted(day_number, exp - spec.min_days, side="left")
        ok = enter < leave
        e_exp, e_enter, e_leave, e_weekly = exp[ok], enter[ok], leave[ok], weekly[ok]
        day = 0
        while day < n:
            if blocked is not None and blocked[day]:
                after = free_days[free_days > day]
                if after.size == 0:
                    break
                day = int(after[0])
                continue
            active = (e_enter <= day) & (e_leave > day)
            if active.any():
                pick = int(np.flatnonzero(active)[-1])  # sorted by expiry: the most days left
                sell = int(e_leave[pick])
                early = blocked_days[(blocked_days > day) & (blocked_days < sell)]
                layers.append(index)
                expiries.append(int(e_exp[pick]))
                buys.append(day)
                sells.append(int(early[0]) if early.size else sell)
                is_weekly.append(bool(e_weekly[pick]))
                cashed.append(bool(early.size))
                day = sells[-1]
                continue
            later = e_enter[e_enter > day]
            if later.size == 0:
                break
            day = int(later.min())
    sell_day = np.array(sells, dtype=np.intp)
    return _Purchases(
        layer=np.array(layers, dtype=np.intp),
        expiry=np.array(expiries, dtype=np.int64),
        buy=np.array(buys, dtype=np.intp),
        sell=np.minimum(sell_day, n - 1),
        sold=sell_day < n,
        weekly=np.array(is_weekly, dtype=bool),
        monetised=np.array(cashed, dtype=bool),
    )


def _rule_strikes(
    specs: Sequence[LayerSpec],
    layer: IntArray,
    tau: FloatArray,
    forward: FloatArray,
    market: MarketState,
) -> FloatArray:
    """Each purchase's strike by its layer's rule, snapped to the listed VIX grid (the rules
    `layer_plan.plan_layers` applies today)."""
    rules = [specs[i].rule for i in layer.tolist()]
    values = np.array([specs[i].value for i in layer.tolist()], dtype=np.float64)
    return rule_strikes(rules, values, tau, forward, market)


@dataclass(frozen=True, slots=True)
class _Sizing:
    units: FloatArray
    """Hedge units each purchase is sized at (before the layer's ratio)."""
    multiplier: FloatArray
    """The regime multiplier in `units` (1 where the regime sets the units itself)."""
    notes: tuple[str, ...]

    def swept(self, units: float) -> FloatArray:
        """Units per purchase when `units` replaces the sizing mode's base."""
        return units * self.multiplier


def _unit_counts(
    plan: PlanLike,
    specs: Sequence[LayerSpec],
    purchases: _Purchases,
    market: DailyMarket,
    curves: CurveHistory,
    state: MarketState,
) -> _Sizing:
    """Units on each purchase day: the sizing mode (units, or the budget solved on that day's
    market), then the regime table on that day's VIX level, as `alvh.analyse_layers` does today."""
    settings = plan.allocation
    regime = settings.regime
    notes: list[str] = []
    days = purchases.buy
    k = days.size
    capital = plan.capital_usd
    ratios = np.array([s.ratio for s in specs])
    grid = np.arange(settings.max_units + 1, dtype=np.float64)
    # A unit's contracts per layer at each size (the offset follows the tail).
    unit_contracts = np.floor(ratios[None, :] * grid[:, None] + 0.5)
    if len(specs) > 3:
        unit_contracts[:, 3] = -np.floor(ratios[3] * unit_contracts[:, 2] + 0.5)
    need_roll = settings.sizing is SizingMode.BUDGET or regime.rule is RegimeRule.PREMIUM_PCT
    buy_pts = sell_pts = np.zeros((k, len(specs)))
    if need_roll and k:
        # Each layer's roll cycle on that day: bought at max days, sold at min days, same strike.
        buy_tau = np.array([float(s.max_days) for s in specs])
        sell_tau = np.array([float(s.min_days) for s in specs])
        day_rep = np.repeat(days, len(specs))
        tau_b = np.tile(buy_tau, k)
        tau_s = np.tile(sell_tau, k)
        f_b = curves.future(day_rep, tau_b)
        f_s = curves.future(day_rep, tau_s)
        layer_rep = np.tile(np.arange(len(specs)), k)
        strikes = _rule_strikes(specs, layer_rep, tau_b, f_b, state)
        model = plan.model
        both_tau = np.concatenate((tau_b, tau_s))
        both_f = np.concatenate((f_b, f_s))
        both_k = np.concatenate((strikes, strikes))
        vol = model_vix_vol(both_tau, both_k, both_f, model)
        priced = bsm(
            np.ones(both_k.size, dtype=bool),
            both_f,
            both_k,
            both_tau / DAYS_PER_YEAR,
            plan.market.rate,
            plan.market.rate,
            vol,
        ).price
        buy_pts = priced[: k * len(specs)].reshape(k, len(specs))
        sell_pts = priced[k * len(specs) :].reshape(k, len(specs))

    if settings.sizing is SizingMode.BUDGET:
        maintenance = (buy_pts - sell_pts) * (
            DAYS_PER_YEAR / np.array([s.max_days - s.min_days for s in specs], dtype=np.float64)
        )[None, :]
        cost = maintenance @ unit_contracts.T * VIX_OPTION_MULTIPLIER_USD  # (k, sizes)
        budget = settings.budget_pct_capital / 100.0 * capital
        fits = cost <= budget * (1.0 + _TOLERANCE) + _TOLERANCE
        base = np.where(fits.any(axis=1), fits.shape[1] - 1 - np.argmax(fits[:, ::-1], axis=1), 0)
        # fits is monotone in size when every layer costs money; take the largest that fits.
        base = base.astype(np.float64)
        notes.append(
            f"Budget sizing: on each purchase day, the most hedge units whose yearly maintenance "
            f"cost on that day's market fits {settings.budget_pct_capital:g} % of capital "
            f"(0 units on {int(np.count_nonzero(base == 0))} of {k} purchase days)."
        )
        capped = int(np.count_nonzero(base >= settings.max_units))
        if capped:
            notes.append(
                f"On {capped} purchase days the budget allowed the cap of {settings.max_units} "
                "units: with the futures curve inverted, buying at the window's max days and "
                "selling at its min days costs nothing or earns the roll, so any size fits."
            )
    elif settings.sizing is SizingMode.PROTECTION:
        from planner.engine.evaluate import evaluate  # evaluate imports the scenario kernel

        report = evaluate(plan).alvh
        solved = 0 if report is None else report.sizing.base_units
        base = np.full(k, float(solved))
        notes.append(
            f"Protection sizing is solved once on the plan's own market ({solved} units, cutting "
            f"{settings.target_scenario!r}); that size is used on every purchase day."
        )
    else:
        base = np.full(k, float(settings.units))

    if regime.rule is RegimeRule.OFF or k == 0:
        return _Sizing(base, np.ones(k), tuple(notes))
    if regime.measure is RegimeMeasure.FRONT_FUTURE:
        price = market.futures_price[days]
        first = np.argmax(np.isfinite(price), axis=1)
        level = np.where(
            np.isfinite(price).any(axis=1), price[np.arange(k), first], market.vix[days]
        )
    else:
        level = market.vix[days]
    bands = [band_index(regime, float(x)) for x in level.tolist()]
    hold = np.array([regime.bands[b].hold for b in bands], dtype=bool)
    value = np.array([regime.bands[b].value for b in bands], dtype=np.float64)
    if regime.rule is RegimeRule.MULTIPLIER:
        multiplier = np.where(hold, 1.0, value)
        units = base * multiplier
    else:
        multiplier = np.ones(k)
        premium = buy_pts @ unit_contracts.T * VIX_OPTION_MULTIPLIER_USD  # (k, sizes)
        premium_budget = value[:, None] / 100.0 * capital
        fits = premium <= premium_budget * (1.0 + _TOLERANCE) + _TOLERANCE
        fit_units = fits.shape[1] - 1 - np.argmax(fits[:, ::-1], axis=1)
        units = np.where(hold, base, fit_units.astype(np.float64))
        notes.append(
            f"{regime.name} premium rule: a unit's premium on a purchase day is every layer "
            "bought at its window's max days on that day's curve."
        )
    notes.append(
        f"Regime table {regime.name}: each purchase is scaled by the band of that day's "
        f"{'front VIX future' if regime.measure is RegimeMeasure.FRONT_FUTURE else 'VIX close'}."
    )
    return _Sizing(units, multiplier, tuple(notes))


def _contracts(specs: Sequence[LayerSpec], purchases: _Purchases, units: FloatArray) -> FloatArray:
    """Signed contracts per purchase: ratio x units rounded half up; the offset sells
    ratio x the tail contracts held on its purchase day."""
    ratio = np.array([s.ratio for s in specs])[purchases.layer]
    contracts = np.floor(ratio * units + 0.5)
    if len(specs) > 3:
        offset = np.flatnonzero(purchases.layer == 3)
        tail = np.flatnonzero(purchases.layer == 2)
        for p in offset.tolist():
            day = purchases.buy[p]
            held = tail[(purchases.buy[tail] <= day) & (purchases.sell[tail] > day)]
            tail_contracts = contracts[held[-1]] if held.size else 0.0
            contracts[p] = -np.floor(ratio[p] * tail_contracts + 0.5)
    return contracts


# ---------------------------------------------------------------------------------------------
# The run


def _defer(
    exit_row: IntArray,
    exit_code: NDArray[np.int8],
    seg_end: IntArray,
    covered: NDArray[np.bool_],
    max_days: int,
    settles: NDArray[np.bool_],
) -> tuple[IntArray, NDArray[np.int8], IntArray]:
    """Move each fired exit to the first later close where the hedge no longer covers the
    condor's loss, at most `max_days` closes on (or to expiry, where it settles)."""
    rows = exit_row.copy()
    codes = exit_code.copy()
    held_days = np.zeros(rows.size, dtype=np.intp)
    for i in np.flatnonzero((exit_code > 0) & covered[exit_row]).tolist():
        start = int(exit_row[i])
        stop = min(start + max_days, int(seg_end[i]))
        window = covered[start + 1 : stop + 1]
        uncovered = np.flatnonzero(~window)
        row = start + 1 + int(uncovered[0]) if uncovered.size else stop
        rows[i] = row
        held_days[i] = row - start
        if row == int(seg_end[i]) and settles[i]:
            codes[i] = 0  # held into expiry: it settles
    return rows, codes, held_days


def _segments(first: IntArray, last: IntArray) -> tuple[IntArray, IntArray]:
    """(owner, day) for every day first[i]..last[i] of every segment i, in order."""
    lengths = last - first + 1
    owner = np.repeat(np.arange(first.size), lengths)
    starts = np.cumsum(lengths) - lengths
    day = first[owner] + (np.arange(owner.size) - starts[owner])
    return owner, day


def _drawdown(equity: FloatArray, opening: float) -> FloatArray:
    """Fall from the running peak, % of the peak; the peak starts at `opening` (the capital, or
    the equity a period starts with)."""
    peak = np.maximum(np.maximum.accumulate(equity), opening)
    return np.asarray(100.0 * (1.0 - equity / peak), dtype=np.float64)


def _cagr(end_equity: float, capital: float, years: float) -> float:
    if years <= 0:
        return 0.0
    if end_equity <= 0:
        return -100.0
    return float(100.0 * ((end_equity / capital) ** (1.0 / years) - 1.0))


def _to_date(day_number: int) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(day_number))


def run_replay(
    plan: PlanLike,
    programme: ProgrammeLike,
    market: DailyMarket,
    calendar: ReplayCalendar,
    *,
    episodes: Sequence[Episode] = (),
    sweep_units: Sequence[float] = (),
    progress: Progress | None = None,
) -> ReplayResult:
    """Run the programme over `market`'s days. Raises EngineInputError if it cannot.

    `progress` (optional) hears the fraction done between stages and may raise
    `ReplayCancelled` to stop the run there."""

    def report(done: float) -> None:
        if progress is not None:
            progress(done)

    report(0.0)
    capital = plan.capital_usd
    if not (math.isfinite(capital) and capital > 0):
        raise EngineInputError("account capital must be a positive number")
    costs = programme.costs
    n = market.size
    day_number = market.dates.astype("datetime64[D]").astype(np.int64)
    curves = curve_history(market)
    state = market_state(
        _to_date(int(day_number[0])),
        float(market.spx[0]),
        float(market.vix[0]),
        plan.market.rate,
        plan.market.dividend_yield,
        day_curve(market, 0),
        plan.model,
    )
    notes: list[str] = [
        "Model-priced: no historical option quotes. Every leg is marked at each close with the "
        "plan's model (default SPX smile from the day's VIX and futures, model VIX option vol) on "
        "that day's SPX, VIX and futures curve; rate and dividend yield are the plan's, held "
        "constant.",
        "SPX condors settle at the expiry day's close (the AM settlement print is not in the "
        "history); VIX calls settle at that day's spot VIX close.",
    ]

    condors = _plan_condors(plan, programme, market, day_number, curves, calendar.condor_expiries)
    report(0.2)
    specs = _layer_specs(plan)
    _, term = curves.term_states()
    signal = None
    monetise = programme.monetise
    if monetise.enabled:
        # The panel's hint (signals.with_history), acted on: RSI(14) of the closes so far.
        rsi = rsi_wilder(market.vix)
        signal = (term == "backwardation") & np.nan_to_num(rsi > monetise.rsi_above)
        notes.append(
            f"Monetising is on: the near layer is sold at a close where the curve is in "
            f"backwardation and VIX RSI(14) > {monetise.rsi_above:g} ({int(signal.sum())} such "
            "closes) and bought again at the first close after the signal clears. RSI is "
            "computed from the replay's own closes, so the first 14 closes give no signal."
        )
    purchases = _schedule(specs, calendar, day_number, signal)
    k = purchases.buy.size
    buy_tau = (purchases.expiry - day_number[purchases.buy]).astype(np.float64)
    forward = curves.future(purchases.buy, buy_tau)
    vix_strike = _rule_strikes(specs, purchases.layer, buy_tau, forward, state)
    sizing = _unit_counts(plan, specs, purchases, market, curves, state)
    notes.extend(sizing.notes)

    # Every (leg, day) pair priced in one pass: condor legs, then hedge purchases.
    c_owner, c_day = _segments(condors.entry, condors.last)
    c_rows = c_owner.size
    h_owner, h_day = _segments(purchases.buy, purchases.sell)
    rows = LegRows(
        day=np.concatenate((np.repeat(c_day, 4), h_day)),
        is_spx=np.concatenate((np.ones(4 * c_rows, dtype=bool), np.zeros(h_day.size, dtype=bool))),
        is_call=np.concatenate((np.tile(_CONDOR_CALL, c_rows), np.ones(h_day.size, dtype=bool))),
        strike=np.concatenate((condors.strikes[c_owner].ravel(), vix_strike[h_owner])),
        expiry=np.concatenate((np.repeat(condors.expiry[c_owner], 4), purchases.expiry[h_owner])),
    )
    report(0.3)
    marks = leg_marks(rows, day_number, market.spx, curves, plan)
    report(0.6)
    leg_mark = marks[: 4 * c_rows].reshape(c_rows, 4)
    hedge_mark = marks[4 * c_rows :]

    # Hedge: per-contract daily changes of each purchase; dollars = contracts x these.
    h_start = np.cumsum(purchases.sell - purchases.buy + 1) - (purchases.sell - purchases.buy + 1)
    h_step = np.ones(h_day.size, dtype=bool)
    h_step[h_start] = False
    h_change = np.zeros(h_day.size)
    h_change[h_step] = (
        hedge_mark[h_step] - hedge_mark[np.flatnonzero(h_step) - 1]
    ) * VIX_OPTION_MULTIPLIER_USD
    buy_mark = hedge_mark[h_start] if k else np.zeros(0)
    sell_mark = hedge_mark[h_start + (purchases.sell - purchases.buy)] if k else np.zeros(0)
    settled = purchases.sold & (purchases.expiry <= day_number[purchases.sell])
    traded_out = purchases.sold & ~settled
    vix_fee = costs.vix_commission_usd + costs.vix_half_spread_pts * VIX_OPTION_MULTIPLIER_USD

    def hedge_daily(contracts: FloatArray) -> tuple[FloatArray, float]:
        """Daily hedge P&L and premium paid (at the ask) for these contracts per purchase."""
        size = np.abs(contracts)
        daily = np.bincount(h_day, weights=h_change * contracts[h_owner], minlength=n).astype(
            np.float64
        )
        daily -= np.bincount(purchases.buy, weights=size * vix_fee, minlength=n)
        daily -= np.bincount(
            purchases.sell, weights=np.where(traded_out, size * vix_fee, 0.0), minlength=n
        )
        ask = buy_mark + costs.vix_half_spread_pts
        paid = (
            float(np.sum(np.where(contracts > 0, contracts * ask, 0.0))) * VIX_OPTION_MULTIPLIER_USD
        )
        return daily, paid

    contracts = _contracts(specs, purchases, sizing.units)
    hedge_pnl, premium_paid = hedge_daily(contracts)

    # Condor exits: the first close after entry where a rule fires, else expiry / range end.
    settings = programme.condor
    value = leg_mark @ _CONDOR_QTY  # per lot, index points (negative for a credit condor)
    seg_start = np.cumsum(condors.last - condors.entry + 1) - (condors.last - condors.entry + 1)
    entry_value = value[seg_start][c_owner]
    credit = -entry_value
    pnl_pts = value - entry_value
    days_left = condors.expiry[c_owner] - day_number[c_day]
    after_entry = np.arange(c_rows) > seg_start[c_owner]
    before_expiry = days_left > 0
    fire = np.zeros(c_rows, dtype=bool)
    reason_code = np.zeros(c_rows, dtype=np.int8)
    for code, rule in (
        (
            1,
            None
            if settings.take_profit_pct is None
            else pnl_pts >= settings.take_profit_pct / 100.0 * credit - _TOLERANCE,
        ),
        (
            2,
            None
            if settings.stop_multiple is None
            else -pnl_pts >= settings.stop_multiple * credit - _TOLERANCE,
        ),
        (3, None if settings.close_days_left is None else days_left <= settings.close_days_left),
    ):
        if rule is not None:
            hit = rule & after_entry & before_expiry & ~fire
            reason_code[hit] = code
            fire |= hit
    big = np.iinfo(np.intp).max
    first_fire = np.minimum.reduceat(np.where(fire, np.arange(c_rows), big), seg_start)
    exit_row = np.where(first_fire < big, first_fire, seg_start + (condors.last - condors.entry))
    exit_code = np.where(first_fire < big, reason_code[np.minimum(first_fire, c_rows - 1)], 0)
    seg_end = seg_start + (condors.last - condors.entry)
    deferred = np.zeros(condors.entry.size, dtype=np.intp)
    deferral = programme.roll_deferral
    if deferral.enabled:
        hedge_equity_now = np.cumsum(hedge_pnl)
        loss_usd = -pnl_pts * condors.lots[c_owner] * SPX_MULTIPLIER_USD
        gain_usd = hedge_equity_now[c_day] - hedge_equity_now[condors.entry[c_owner]]
        covered = (loss_usd > 0) & (gain_usd >= deferral.cover_pct / 100.0 * loss_usd)
        exit_row, exit_code, deferred = _defer(
            exit_row, exit_code, seg_end, covered, deferral.max_days, condors.settles
        )
        notes.append(
            f"Roll deferral is on: a losing condor whose exit fired is held while the hedge's "
            f"gain since its entry covers at least {deferral.cover_pct:g} % of its loss, for at "
            f"most {deferral.max_days} closes ({int(np.count_nonzero(deferred))} exits "
            "deferred). The sweep keeps these condor trades at every size."
        )
    exit_day = c_day[exit_row]
    held = np.arange(c_rows) <= exit_row[c_owner]
    # Daily changes of each condor while held, in dollars.
    lots = condors.lots[c_owner].astype(np.float64)
    change = np.zeros(c_rows)
    step = after_entry & held
    change[step] = (value[step] - value[np.flatnonzero(step) - 1]) * lots[step] * SPX_MULTIPLIER_USD
    spx_fee = costs.spx_commission_usd + costs.spx_half_spread_pts * SPX_MULTIPLIER_USD
    condor_trades = exit_code > 0
    condor_open_at_end = (exit_code == 0) & ~condors.settles
    entry_fee = 4 * condors.lots * spx_fee
    exit_fee = np.where(condor_trades, 4 * condors.lots * spx_fee, 0.0)
    condor_daily = np.bincount(c_day[held], weights=change[held], minlength=n).astype(np.float64)
    condor_daily -= np.bincount(condors.entry, weights=entry_fee, minlength=n)
    condor_daily -= np.bincount(exit_day, weights=exit_fee, minlength=n)

    condor_equity: FloatArray = capital + np.cumsum(condor_daily)
    hedge_equity: FloatArray = capital + np.cumsum(hedge_pnl)
    hedged_equity: FloatArray = capital + np.cumsum(condor_daily + hedge_pnl)
    condor_dd = _drawdown(condor_equity, capital)
    hedged_dd = _drawdown(hedged_equity, capital)
    years = float(day_number[-1] - day_number[0]) / CALENDAR_DAYS_PER_YEAR
    condor_mdd = float(condor_dd.max())
    hedged_mdd = float(hedged_dd.max())
    hedge_total = float(hedge_pnl.sum())
    per_year_factor = _pct_capital_per_year(capital, years)
    summary = Summary(
        start=_to_date(int(day_number[0])),
        end=_to_date(int(day_number[-1])),
        days=n,
        years=years,
        capital_usd=capital,
        condor_cagr_pct=_cagr(float(condor_equity[-1]), capital, years),
        hedged_cagr_pct=_cagr(float(hedged_equity[-1]), capital, years),
        condor_max_drawdown_pct=condor_mdd,
        hedged_max_drawdown_pct=hedged_mdd,
        drawdown_cut_pct=_drawdown_cut_pct(hedged_mdd, condor_mdd),
        condor_pnl_usd=float(condor_daily.sum()),
        hedge_pnl_usd=hedge_total,
        hedge_net_cost_pct_per_year=-hedge_total * per_year_factor,
        hedge_gross_premium_pct_per_year=premium_paid * per_year_factor,
        condors=int(condors.entry.size),
        hedge_purchases=int(np.count_nonzero(contracts)),
    )

    report(0.7)
    trades = _trade_log(
        day_number,
        condors,
        leg_mark,
        seg_start,
        exit_row,
        exit_code,
        condor_open_at_end,
        purchases,
        specs,
        contracts,
        vix_strike,
        buy_mark,
        sell_mark,
        settled,
        deferred,
        costs,
    )
    year_of_day = market.dates.astype("datetime64[Y]").astype(np.int64) + 1970
    trade_years = np.array([d.year for d in trades.date], dtype=np.int64)
    years_rows = _year_rows(
        year_of_day, hedged_equity, capital, condor_daily, hedge_pnl, trade_years
    )
    regimes = _regime_rows(term, condor_daily, hedge_pnl, capital)
    episode_rows = _episode_rows(episodes, day_number, condor_equity, hedge_equity)
    coverage = _coverage(specs, purchases, contracts, n)
    weekly_from = _to_date(
        int(calendar.weekly_vix_listed_from.astype("datetime64[D]").astype(np.int64))
    )
    for label, equity in (("condor alone", condor_equity), ("condor + hedge", hedged_equity)):
        broke = np.flatnonzero(equity <= 0.0)
        if broke.size:
            notes.append(
                f"The {label} lost the whole capital on "
                f"{_to_date(int(day_number[broke[0]])).isoformat()}; the programme keeps trading "
                "its fixed size after that (sizes are set from the capital, not compounded), so "
                "later years show P&L but no return."
            )
    if summary.start < weekly_from:
        notes.append(
            f"Before {weekly_from.isoformat()} (the launch of weekly VIX options) the layers use "
            "monthly VIX expiries only."
        )
    sweep_rows = []
    for i, u in enumerate(sweep_units):
        report(0.8 + 0.2 * i / len(sweep_units))
        sweep_rows.append(
            _sweep_row(
                float(u),
                hedge_daily(_contracts(specs, purchases, sizing.swept(float(u))))[0],
                condor_daily,
                capital,
                years,
                condor_mdd,
            )
        )
    sweep = tuple(sweep_rows)
    if sweep_units:
        notes.append(
            "Sweep: each size replaces the hedge units of every purchase (the regime multiplier "
            "still applies); condor trades are the same in every row."
        )
    daily = Daily(
        dates=tuple(_to_date(int(d)) for d in day_number.tolist()),
        spx=market.spx.copy(),
        vix=market.vix.copy(),
        term_state=tuple(term.tolist()),
        condor_pnl_usd=condor_daily,
        hedge_pnl_usd=hedge_pnl,
        condor_equity_usd=condor_equity,
        hedge_equity_usd=hedge_equity,
        hedged_equity_usd=hedged_equity,
        condor_drawdown_pct=condor_dd,
        hedged_drawdown_pct=hedged_dd,
    )
    report(1.0)
    return ReplayResult(
        plan_name=plan.name,
        summary=summary,
        years=years_rows,
        regimes=regimes,
        episodes=episode_rows,
        coverage=coverage,
        sweep=sweep,
        trades=trades,
        daily=daily,
        notes=tuple(notes),
    )


def _pct_capital_per_year(capital: float, years: float) -> float:
    """Multiplies a P&L over the replay into % of capital per year (0 over no time)."""
    return 100.0 / capital / years if years > 0 else 0.0


def _drawdown_cut_pct(hedged_mdd_pct: float, condor_mdd_pct: float) -> float | None:
    """1 - hedged / condor-alone max drawdown, in %; None when the condor never drew down."""
    return None if condor_mdd_pct <= 0 else 100.0 * (1.0 - hedged_mdd_pct / condor_mdd_pct)


def _sweep_row(
    units: float,
    daily: FloatArray,
    condor_daily: FloatArray,
    capital: float,
    years: float,
    condor_mdd: float,
) -> SweepRow:
    equity: FloatArray = capital + np.cumsum(condor_daily + daily)
    mdd = float(_drawdown(equity, capital).max())
    return SweepRow(
        units=units,
        hedge_net_cost_pct_per_year=-float(daily.sum()) * _pct_capital_per_year(capital, years),
        hedged_max_drawdown_pct=mdd,
        drawdown_cut_pct=_drawdown_cut_pct(mdd, condor_mdd),
        hedged_cagr_pct=_cagr(float(equity[-1]), capital, years),
    )


def _year_rows(
    year_of_day: NDArray[np.int64],
    equity: FloatArray,
    capital: float,
    condor_daily: FloatArray,
    hedge_daily: FloatArray,
    trade_years: NDArray[np.int64],
) -> tuple[YearRow, ...]:
    rows = []
    years, first = np.unique(year_of_day, return_index=True)
    bounds = np.append(first, year_of_day.size)
    for i, year in enumerate(years.tolist()):
        lo, hi = int(bounds[i]), int(bounds[i + 1])
        opening = capital if lo == 0 else float(equity[lo - 1])
        inside = np.concatenate(([opening], equity[lo:hi]))
        rows.append(
            YearRow(
                year=int(year),
                days=hi - lo,
                # A year that opens with no equity left has no return to speak of.
                return_pct=(
                    100.0 * (float(equity[hi - 1]) / opening - 1.0) if opening > 0 else None
                ),
                max_drawdown_pct=float(_drawdown(inside, opening).max()),
                condor_pnl_usd=float(condor_daily[lo:hi].sum()),
                hedge_pnl_usd=float(hedge_daily[lo:hi].sum()),
                hedge_net_cost_pct=-100.0 * float(hedge_daily[lo:hi].sum()) / capital,
                trades=int(np.count_nonzero(trade_years == year)),
            )
        )
    return tuple(rows)


def _regime_rows(
    term: NDArray[np.str_], condor_daily: FloatArray, hedge_daily: FloatArray, capital: float
) -> tuple[RegimeRow, ...]:
    """P&L of each close-to-close step under the state of the curve at the step's start."""
    previous = term[:-1]
    condor = condor_daily[1:]
    hedge = hedge_daily[1:]
    rows = []
    for state in ("contango", "backwardation", "flat"):
        mask = previous == state
        days = int(mask.sum())
        c, h = float(condor[mask].sum()), float(hedge[mask].sum())
        scale = TRADING_DAYS_PER_YEAR / days * 100.0 / capital if days else 0.0
        rows.append(RegimeRow(state, days, c, h, c * scale, h * scale))
    return tuple(rows)


def _episode_rows(
    episodes: Sequence[Episode],
    day_number: NDArray[np.int64],
    condor_equity: FloatArray,
    hedge_equity: FloatArray,
) -> tuple[EpisodeRow, ...]:
    rows = []
    for episode in episodes:
        start = (episode.start - dt.date(1970, 1, 1)).days
        end = (episode.end - dt.date(1970, 1, 1)).days
        i = int(np.searchsorted(day_number, start, side="left"))
        j = int(np.searchsorted(day_number, end, side="right")) - 1
        if i >= day_number.size or j < 0 or j <= i or day_number[i] != start:
            continue
        condor = float(condor_equity[j] - condor_equity[i])
        hedge = float(hedge_equity[j] - hedge_equity[i])
        net = condor + hedge
        cut = loss_cut(condor, net)
        rows.append(
            EpisodeRow(
                name=episode.name,
                start=_to_date(int(day_number[i])),
                end=_to_date(int(day_number[j])),
                condor_pnl_usd=condor,
                hedge_pnl_usd=hedge,
                net_pnl_usd=net,
                realised_loss_cut_pct=None if cut is None else 100.0 * cut,
                predicted_loss_cut_pct=episode.predicted_loss_cut_pct,
            )
        )
    return tuple(rows)


def _coverage(
    specs: Sequence[LayerSpec],
    purchases: _Purchases,
    contracts: FloatArray,
    n: int,
) -> tuple[LayerCoverage, ...]:
    out = []
    for index, spec in enumerate(specs):
        mine = (purchases.layer == index) & (contracts != 0)
        held = int(np.sum(purchases.sell[mine] - purchases.buy[mine]))
        out.append(
            LayerCoverage(
                layer=spec.group.value,
                purchases=int(mine.sum()),
                days_held=held,
                coverage_pct=100.0 * held / n if n else 0.0,
                monthly_expiry_purchases=int(np.sum(mine & ~purchases.weekly)),
            )
        )
    return tuple(out)


_REASONS = {0: "expiry", 1: "take profit", 2: "stop", 3: "days left"}


def _trade_log(
    day_number: NDArray[np.int64],
    condors: _Condors,
    leg_mark: FloatArray,
    seg_start: IntArray,
    exit_row: IntArray,
    exit_code: NDArray[np.int8],
    open_at_end: NDArray[np.bool_],
    purchases: _Purchases,
    specs: Sequence[LayerSpec],
    contracts: FloatArray,
    vix_strike: FloatArray,
    buy_mark: FloatArray,
    sell_mark: FloatArray,
    settled: NDArray[np.bool_],
    deferred: IntArray,
    c: TradingCostsLike,
) -> Trades:
    """One row per leg traded; prices include the half-spread crossed, fees are commissions."""
    spx_fee = c.spx_commission_usd
    vix_fee = c.vix_commission_usd
    rows: list[tuple[int, str, str, str, int, float, float, str]] = []
    entry_marks = leg_mark[seg_start].tolist()
    exit_marks = leg_mark[exit_row].tolist()
    exit_days = day_number[condors.entry + (exit_row - seg_start)].tolist()
    for i in range(condors.entry.size):
        expiry = _to_date(int(condors.expiry[i])).isoformat()
        lots = int(condors.lots[i])
        code = int(exit_code[i])
        held = int(deferred[i])
        later = f", deferred {held} close{'s' if held > 1 else ''}" if held else ""
        for leg in range(4):
            qty = int(_CONDOR_QTY[leg]) * lots
            strike = condors.strikes[i, leg]
            name = f"SPX {expiry} {strike:g} {_CONDOR_NAMES[leg]}"
            hs = c.spx_half_spread_pts * np.sign(qty)
            rows.append(
                (
                    int(day_number[condors.entry[i]]),
                    name,
                    "condor",
                    "buy" if qty > 0 else "sell",
                    qty,
                    entry_marks[i][leg] + hs,
                    abs(qty) * spx_fee,
                    "entry",
                )
            )
            if code > 0:
                rows.append(
                    (
                        exit_days[i],
                        name,
                        "condor",
                        "sell" if qty > 0 else "buy",
                        -qty,
                        exit_marks[i][leg] - hs,
                        abs(qty) * spx_fee,
                        _REASONS[code] + later,
                    )
                )
            elif open_at_end[i]:
                rows.append(
                    (
                        exit_days[i],
                        name,
                        "condor",
                        "mark",
                        -qty,
                        exit_marks[i][leg],
                        0.0,
                        "end of range",
                    )
                )
            else:
                rows.append(
                    (
                        exit_days[i],
                        name,
                        "condor",
                        "settle",
                        -qty,
                        exit_marks[i][leg],
                        0.0,
                        "expiry" + (" (exit deferred)" if held else ""),
                    )
                )
    for p in range(purchases.buy.size):
        qty = int(contracts[p])
        if qty == 0:
            continue
        spec = specs[int(purchases.layer[p])]
        expiry = _to_date(int(purchases.expiry[p])).isoformat()
        name = f"VIX {expiry} {vix_strike[p]:g} call"
        hs = c.vix_half_spread_pts * np.sign(qty)
        rows.append(
            (
                int(day_number[purchases.buy[p]]),
                name,
                spec.group.value,
                "buy" if qty > 0 else "sell",
                qty,
                float(buy_mark[p]) + hs,
                abs(qty) * vix_fee,
                f"enters the {spec.min_days}-{spec.max_days} day window",
            )
        )
        sell_day = int(day_number[purchases.sell[p]])
        if not purchases.sold[p]:
            rows.append(
                (
                    sell_day,
                    name,
                    spec.group.value,
                    "mark",
                    -qty,
                    float(sell_mark[p]),
                    0.0,
                    "end of range",
                )
            )
        elif settled[p]:
            rows.append(
                (
                    sell_day,
                    name,
                    spec.group.value,
                    "settle",
                    -qty,
                    float(sell_mark[p]),
                    0.0,
                    "expiry",
                )
            )
        else:
            rows.append(
                (
                    sell_day,
                    name,
                    spec.group.value,
                    "sell" if qty > 0 else "buy",
                    -qty,
                    float(sell_mark[p]) - hs,
                    abs(qty) * vix_fee,
                    "monetise: backwardation and VIX RSI high"
                    if purchases.monetised[p]
                    else f"{spec.min_days} days left: leaves the window",
                )
            )
    rows.sort(key=lambda r: r[0])
    return Trades(
        date=tuple(_to_date(r[0]) for r in rows),
        leg=tuple(r[1] for r in rows),
        layer=tuple(r[2] for r in rows),
        action=tuple(r[3] for r in rows),
        quantity=tuple(r[4] for r in rows),
        price_pts=tuple(float(r[5]) for r in rows),
        fees_usd=tuple(float(r[6]) for r in rows),
        reason=tuple(r[7] for r in rows),
    )
