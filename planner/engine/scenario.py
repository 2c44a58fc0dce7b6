"""The joint SPX/VIX scenario and the kernel that values every leg at every scenario point.

A scenario point is an instant shock SPX S0 -> S and VIX V0 -> V, then `h` days passing with both
held there (DESIGN.md section 3). Points are columns, legs are rows: one numpy pass values a whole
(legs x points) block, so curves, heat map, stress rows and carry are priced together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from planner.engine.curve import FuturesCurve
from planner.engine.errors import EngineInputError
from planner.engine.pricing import PriceGreeks, black76, black76_price, bsm, bsm_price
from planner.engine.types import (
    Group,
    LegLike,
    ModelParamsLike,
    Right,
    SpotVolParamsLike,
    Underlying,
)
from planner.engine.vol import (
    atm_spx_vol,
    default_spx_iv,
    spx_vol_shift,
    vix_option_vol,
    vov_scale,
)

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

DAYS_PER_YEAR = 365.0
# VIX option vol never drops below this in a scenario (deep ITM strikes, low-VIX scale-down).
VIX_VOL_FLOOR = 0.10
# Futures betas are quoted against a one-week tenor (DESIGN.md: beta = min(1, a (tau/7)^-p)).
BETA_REFERENCE_DAYS = 7.0


def map_vix(
    spx: ArrayLike, spx0: float, vix0: float, params: SpotVolParamsLike, floor: float
) -> FloatArray:
    """Spot-vol map: VIX moves k points per 1 % SPX move (k_down falling, k_up rising).

    The floor never lifts VIX above today's level: with VIX already under the floor the map
    stays at today's VIX for an unchanged SPX.
    """
    move_pct = 100.0 * (np.asarray(spx, dtype=np.float64) / spx0 - 1.0)
    slope = np.where(move_pct < 0.0, params.k_down, params.k_up)
    return np.maximum(vix0 - slope * move_pct, min(floor, vix0))


def futures_beta(tau_days: ArrayLike, beta_a: ArrayLike, beta_p: ArrayLike) -> FloatArray:
    """Share of a spot-VIX move a future with tau days left takes: 1 at expiry, less further out."""
    tau = np.asarray(tau_days, dtype=np.float64)
    safe_tau = np.maximum(tau, 1e-6)
    beta = np.minimum(
        1.0, np.asarray(beta_a) * (safe_tau / BETA_REFERENCE_DAYS) ** -np.asarray(beta_p)
    )
    return np.where(tau <= 0.0, 1.0, beta)


@dataclass(frozen=True, slots=True)
class MarketState:
    """Today's market and the model's parameters, as plain numbers the kernel needs."""

    valuation_date: dt.date
    spx0: float
    vix0: float
    rate: float
    div_yield: float
    curve: FuturesCurve
    vix_floor: float
    spx_vol_exponent: float
    spx_vol_floor: float
    vov30: float
    vov_term_exponent: float
    vov_skew: float
    vov_scale_exponent: float
    vov_scale_cap: float


def market_state(
    valuation_date: dt.date,
    spx: float,
    vix: float,
    rate: float,
    div_yield: float,
    curve: FuturesCurve,
    model: ModelParamsLike,
) -> MarketState:
    for label, value in (("SPX", spx), ("VIX", vix)):
        if not np.isfinite(value) or value <= 0:
            raise EngineInputError(f"{label} must be a positive number (got {value})")
    for label, value in (("rate", rate), ("dividend yield", div_yield)):
        if not np.isfinite(value):
            raise EngineInputError(f"{label} must be a finite number (got {value})")
    return MarketState(
        valuation_date=valuation_date,
        spx0=float(spx),
        vix0=float(vix),
        rate=float(rate),
        div_yield=float(div_yield),
        curve=curve,
        vix_floor=model.vix_floor,
        spx_vol_exponent=model.spx_vol_response_exponent,
        spx_vol_floor=model.spx_vol_floor,
        vov30=model.vov30,
        vov_term_exponent=model.vov_term_exponent,
        vov_skew=model.vov_skew,
        vov_scale_exponent=model.vov_scale_exponent,
        vov_scale_cap=model.vov_scale_cap,
    )


@dataclass(frozen=True, slots=True)
class LegBook:
    """Legs as column arrays. `base_iv` is each leg's vol today (user's or the default surface)."""

    ids: tuple[str, ...]
    groups: tuple[Group, ...]
    underlyings: tuple[Underlying, ...]
    rights: tuple[Right, ...]
    expiries: tuple[dt.date, ...]
    is_spx: BoolArray
    is_call: BoolArray
    quantity: FloatArray
    strike: FloatArray
    expiry_days: FloatArray
    base_iv: FloatArray
    vix_iv_ratio: FloatArray
    """User VIX IV / model VIX vol today (1 where no user IV): scales the VIX surface."""
    entry: FloatArray
    """User entry price, NaN where the model price is to be used."""

    @property
    def size(self) -> int:
        return len(self.ids)

    def group_mask(self, groups: frozenset[Group] | set[Group]) -> BoolArray:
        return np.array([g in groups for g in self.groups], dtype=bool)


def build_leg_book(legs: Sequence[LegLike], market: MarketState, model: ModelParamsLike) -> LegBook:
    n = len(legs)
    is_spx = np.array([leg.underlying is Underlying.SPX for leg in legs], dtype=bool)
    is_call = np.array([leg.right is Right.CALL for leg in legs], dtype=bool)
    quantity = np.array([leg.quantity for leg in legs], dtype=np.float64)
    strike = np.array([leg.strike for leg in legs], dtype=np.float64)
    expiry_days = np.array(
        [(leg.expiry - market.valuation_date).days for leg in legs], dtype=np.float64
    )
    user_iv = np.array([np.nan if leg.iv is None else leg.iv for leg in legs], dtype=np.float64)
    entry = np.array(
        [np.nan if leg.entry_price is None else leg.entry_price for leg in legs], dtype=np.float64
    )
    if n and (not np.all(np.isfinite(strike)) or np.any(strike <= 0)):
        raise EngineInputError("every strike must be a positive number")
    if n and not np.all(np.isfinite(quantity)):
        raise EngineInputError("every quantity must be a whole number of contracts")

    t_years = np.maximum(expiry_days, 0.0) / DAYS_PER_YEAR
    vix_future_at_expiry = market.curve.future(expiry_days)
    spx_default = default_spx_iv(
        strike,
        market.spx0,
        t_years,
        market.rate,
        market.div_yield,
        atm_spx_vol(vix_future_at_expiry, model.atm_iv_ratio),
        model.put_skew,
        model.call_skew,
    )
    vix_model = vix_option_vol(
        expiry_days,
        strike,
        vix_future_at_expiry,
        market.vov30,
        market.vov_term_exponent,
        market.vov_skew,
        VIX_VOL_FLOOR,
    )
    has_user_iv = np.isfinite(user_iv)
    base_iv = np.where(has_user_iv, user_iv, np.where(is_spx, spx_default, vix_model))
    vix_iv_ratio = np.where(has_user_iv & ~is_spx, user_iv / vix_model, 1.0)
    return LegBook(
        ids=tuple(leg.id for leg in legs),
        groups=tuple(leg.group for leg in legs),
        underlyings=tuple(leg.underlying for leg in legs),
        rights=tuple(leg.right for leg in legs),
        expiries=tuple(leg.expiry for leg in legs),
        is_spx=is_spx,
        is_call=is_call,
        quantity=quantity,
        strike=strike,
        expiry_days=expiry_days,
        base_iv=base_iv,
        vix_iv_ratio=vix_iv_ratio,
        entry=entry,
    )


@dataclass(frozen=True, slots=True)
class ScenarioPoints:
    """Columns of the valuation block: SPX, VIX and horizon per point, plus the futures betas."""

    spx: FloatArray
    vix: FloatArray
    horizon_days: FloatArray
    beta_a: FloatArray
    beta_p: FloatArray

    @property
    def size(self) -> int:
        return int(self.spx.size)

    @staticmethod
    def concat(parts: Sequence[ScenarioPoints]) -> ScenarioPoints:
        return ScenarioPoints(
            spx=np.concatenate([p.spx for p in parts]),
            vix=np.concatenate([p.vix for p in parts]),
            horizon_days=np.concatenate([p.horizon_days for p in parts]),
            beta_a=np.concatenate([p.beta_a for p in parts]),
            beta_p=np.concatenate([p.beta_p for p in parts]),
        )


def scenario_points(
    spx: ArrayLike, vix: ArrayLike, horizon_days: ArrayLike, params: SpotVolParamsLike
) -> ScenarioPoints:
    s, v, h = np.broadcast_arrays(
        np.asarray(spx, dtype=np.float64),
        np.asarray(vix, dtype=np.float64),
        np.asarray(horizon_days, dtype=np.float64),
    )
    shape = s.shape
    return ScenarioPoints(
        spx=s.ravel().copy(),
        vix=v.ravel().copy(),
        horizon_days=h.ravel().copy(),
        beta_a=np.full(int(np.prod(shape)), params.beta_a),
        beta_p=np.full(int(np.prod(shape)), params.beta_p),
    )


# Horizons shared by at least this many points get their own block (per-leg time terms, expired
# legs settled without pricing); scattered horizons (stress rows, carry) are pooled into one.
MIN_HORIZON_BLOCK = 64


def leg_values(book: LegBook, points: ScenarioPoints, market: MarketState) -> FloatArray:
    """Per-contract value (index points) of every leg at every point: shape (legs, points).

    A plan's points use a handful of horizons (T+0, the horizon, the condor's expiry): within one
    horizon each leg's time to expiry is a single number, so its time terms are computed once
    per leg, and legs already expired there settle at intrinsic value at the point's SPX (SPX
    legs) or VIX (VIX legs) without pricing. The few points on other horizons are priced in one
    pooled block, where the pricing functions return intrinsic value for t <= 0.
    """
    values = np.empty((book.size, points.size), dtype=np.float64)
    if book.size == 0 or points.size == 0:
        return values
    pooled = np.ones(points.size, dtype=bool)
    for horizon in np.unique(points.horizon_days):
        same = points.horizon_days == horizon
        if np.count_nonzero(same) >= MIN_HORIZON_BLOCK:
            _value_columns(book, points, np.flatnonzero(same), market, values, True)
            pooled &= ~same
    if pooled.any():
        _value_columns(book, points, np.flatnonzero(pooled), market, values, False)
    return values


def _value_columns(
    book: LegBook,
    points: ScenarioPoints,
    cols: NDArray[np.intp],
    market: MarketState,
    values: FloatArray,
    one_horizon: bool,
) -> None:
    horizon = points.horizon_days[cols[:1]] if one_horizon else points.horizon_days[cols]
    tau = book.expiry_days[:, None] - horizon[None, :]
    alive = tau[:, 0] > 0.0 if one_horizon else np.ones(book.size, dtype=bool)
    block = np.empty((book.size, cols.size), dtype=np.float64)
    delta_vix = points.vix[cols] - market.vix0
    spx_live = np.flatnonzero(book.is_spx & alive)
    vix_live = np.flatnonzero(~book.is_spx & alive)
    settled = np.flatnonzero(~alive)
    if spx_live.size:
        block[spx_live] = _spx_block(
            book, spx_live, tau[spx_live], points.spx[cols], delta_vix, market
        )
    if vix_live.size:
        vix = points.vix[cols]
        beta_a, beta_p = points.beta_a[cols], points.beta_p[cols]
        if one_horizon and np.ptp(beta_a) == 0.0 and np.ptp(beta_p) == 0.0:
            # VIX legs see only VIX, not SPX: the heat map's thousands of points hold a few dozen
            # VIX levels, so price each level once and spread the values back.
            levels, where = np.unique(vix, return_inverse=True)
            block[vix_live] = _vix_block(
                book,
                vix_live,
                tau[vix_live],
                levels,
                levels - market.vix0,
                beta_a[: levels.size],
                beta_p[: levels.size],
                market,
            )[:, where]
        else:
            block[vix_live] = _vix_block(
                book, vix_live, tau[vix_live], vix, delta_vix, beta_a, beta_p, market
            )
    if settled.size:
        underlying = np.where(
            book.is_spx[settled, None], points.spx[None, cols], points.vix[None, cols]
        )
        payoff = underlying - book.strike[settled, None]
        block[settled] = np.maximum(np.where(book.is_call[settled, None], payoff, -payoff), 0.0)
    values[:, cols] = block


def _spx_block(
    book: LegBook,
    rows: NDArray[np.intp],
    tau: FloatArray,
    spx: FloatArray,
    delta_vix: FloatArray,
    market: MarketState,
) -> FloatArray:
    leg_tau = tau
    vol = np.maximum(
        book.base_iv[rows, None]
        + spx_vol_shift(delta_vix[None, :], leg_tau, market.spx_vol_exponent),
        market.spx_vol_floor,
    )
    return bsm_price(
        book.is_call[rows, None],
        spx[None, :],
        book.strike[rows, None],
        np.maximum(leg_tau, 0.0) / DAYS_PER_YEAR,
        market.rate,
        market.div_yield,
        vol,
    )


def _vix_block(
    book: LegBook,
    rows: NDArray[np.intp],
    tau: FloatArray,
    vix: FloatArray,
    delta_vix: FloatArray,
    beta_a: FloatArray,
    beta_p: FloatArray,
    market: MarketState,
) -> FloatArray:
    leg_tau = tau
    # Each future rolls down today's curve as it ages and takes beta of the spot move.
    forward = (
        market.vix0
        + market.curve.basis(leg_tau)
        + futures_beta(leg_tau, beta_a[None, :], beta_p[None, :]) * delta_vix[None, :]
    )
    forward = np.maximum(forward, 1e-6)
    vol = (
        vix_option_vol(
            leg_tau,
            book.strike[rows, None],
            forward,
            market.vov30,
            market.vov_term_exponent,
            market.vov_skew,
            VIX_VOL_FLOOR,
        )
        * book.vix_iv_ratio[rows, None]
        * vov_scale(vix[None, :], market.vix0, market.vov_scale_exponent, market.vov_scale_cap)
    )
    return black76_price(
        book.is_call[rows, None],
        forward,
        book.strike[rows, None],
        np.maximum(leg_tau, 0.0) / DAYS_PER_YEAR,
        market.rate,
        np.maximum(vol, VIX_VOL_FLOOR),
    )


@dataclass(frozen=True, slots=True)
class TodayGreeks:
    """Per-contract price and greeks today, plus what the dollar greeks need."""

    greeks: PriceGreeks
    forward: FloatArray
    """VIX future at each VIX leg's expiry (NaN for SPX legs)."""
    vix_beta: FloatArray
    """Futures beta for VIX legs; for SPX legs the vol response per VIX point (decimal vol)."""
    vov_sensitivity: FloatArray
    """d(VIX option vol)/d(spot VIX), decimal vol per VIX point, for VIX legs (0 for SPX)."""


def today_greeks(book: LegBook, market: MarketState, params: SpotVolParamsLike) -> TodayGreeks:
    t_years = np.maximum(book.expiry_days, 0.0) / DAYS_PER_YEAR
    forward = market.curve.future(book.expiry_days)
    spx = bsm(
        book.is_call,
        market.spx0,
        book.strike,
        t_years,
        market.rate,
        market.div_yield,
        book.base_iv,
    )
    vix = black76(book.is_call, forward, book.strike, t_years, market.rate, book.base_iv)

    def pick(spx_value: FloatArray, vix_value: FloatArray) -> FloatArray:
        return np.where(book.is_spx, spx_value, vix_value)

    greeks = PriceGreeks(
        price=pick(spx.price, vix.price),
        delta=pick(spx.delta, vix.delta),
        gamma=pick(spx.gamma, vix.gamma),
        vega=pick(spx.vega, vix.vega),
        theta=pick(spx.theta, vix.theta),
    )
    alive = book.expiry_days > 0
    spx_response = np.where(
        alive, spx_vol_shift(1.0, book.expiry_days, market.spx_vol_exponent), 0.0
    )
    beta = futures_beta(book.expiry_days, params.beta_a, params.beta_p)
    # VIX option vol moves with spot VIX two ways: the (V/V0)^e scaling (derivative e*sigma/V0
    # at V0, below the cap) and the call skew, as the future moves beta*dV against the strike.
    tenor_factor = (np.maximum(book.expiry_days, 1.0) / 30.0) ** (-market.vov_term_exponent)
    skew_slope = -book.vix_iv_ratio * market.vov30 * tenor_factor * market.vov_skew / forward
    scale_slope = np.where(
        market.vov_scale_cap > 1.0, market.vov_scale_exponent * book.base_iv / market.vix0, 0.0
    )
    vov_sens = np.where(alive, scale_slope + skew_slope * beta, 0.0)
    return TodayGreeks(
        greeks=greeks,
        forward=np.where(book.is_spx, np.nan, forward),
        vix_beta=np.where(book.is_spx, spx_response, beta),
        vov_sensitivity=np.where(book.is_spx, 0.0, vov_sens),
    )
