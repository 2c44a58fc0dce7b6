"""Today's prices and analytic greeks of a leg book, SPX and VIX legs in one pass."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

import numpy as np
from numpy.typing import NDArray

from planner.engine.conventions import DAYS_PER_YEAR
from planner.engine.leg_book import LegBook, MarketState, bsm_spot_carry
from planner.engine.pricing import PriceGreeks, bsm
from planner.engine.spot_vol_map import preset_beta
from planner.engine.types import (
    SpotVolParamsLike,
)
from planner.engine.vol import (
    spx_vol_shift,
)

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class VixCalls:
    """VIX calls described by their Black-76 inputs (all arrays of one length)."""

    forward: FloatArray
    strike: FloatArray
    t_years: FloatArray
    vol: FloatArray


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
    extra: tuple[PriceGreeks, ...] = ()
    """Price and greeks of each set of `extra_calls` passed in (same order), priced in the
    same pass."""


def today_greeks(
    book: LegBook,
    market: MarketState,
    params: SpotVolParamsLike,
    extra_calls: Sequence[VixCalls] = (),
) -> TodayGreeks:
    """Price and greeks of every leg today (and of each set of `extra_calls`), in one BSM
    pass."""
    t_years = np.maximum(book.expiry_days, 0.0) / DAYS_PER_YEAR
    forward = market.curve.future(book.expiry_days)
    is_call = book.is_call
    spot, carry = bsm_spot_carry(book.is_spx, market.spx0, forward, market.rate, market.div_yield)
    strike = book.strike
    vol = book.base_iv
    if extra_calls:
        n_extra = sum(calls.strike.size for calls in extra_calls)
        is_call = np.concatenate((is_call, np.ones(n_extra, dtype=bool)))
        spot = np.concatenate((spot, *(calls.forward for calls in extra_calls)))
        strike = np.concatenate((strike, *(calls.strike for calls in extra_calls)))
        t_years = np.concatenate((t_years, *(calls.t_years for calls in extra_calls)))
        carry = np.concatenate((carry, np.full(n_extra, market.rate)))
        vol = np.concatenate((vol, *(calls.vol for calls in extra_calls)))
    priced = bsm(is_call, spot, strike, t_years, market.rate, carry, vol)
    # The book's legs come first, then each set of extra calls in the order given.
    ends = list(accumulate([book.size, *(calls.strike.size for calls in extra_calls)]))
    greeks, *extra = (
        _cut(priced, start, end) for start, end in zip([0, *ends[:-1]], ends, strict=True)
    )
    alive = book.expiry_days > 0
    spx_response = np.where(
        alive, spx_vol_shift(1.0, book.expiry_days, market.model.spx_vol_response_exponent), 0.0
    )
    beta = preset_beta(market.curve, book.expiry_days, params)
    # VIX option vol moves with spot VIX two ways: the (V/V0)^e scaling (derivative e*sigma/V0
    # at V0, below the cap) and the call skew, as the future moves beta*dV against the strike.
    tenor_factor = (np.maximum(book.expiry_days, 1.0) / 30.0) ** (-market.model.vov_term_exponent)
    skew_slope = (
        -book.vix_iv_ratio * market.model.vov30 * tenor_factor * market.model.vov_skew / forward
    )
    scale_slope = np.where(
        market.model.vov_scale_cap > 1.0,
        market.model.vov_scale_exponent * book.base_iv / market.vix0,
        0.0,
    )
    vov_sens = np.where(alive, scale_slope + skew_slope * beta, 0.0)
    return TodayGreeks(
        greeks=greeks,
        forward=np.where(book.is_spx, np.nan, forward),
        vix_beta=np.where(book.is_spx, spx_response, beta),
        vov_sensitivity=np.where(book.is_spx, 0.0, vov_sens),
        extra=tuple(extra),
    )


def _cut(g: PriceGreeks, start: int, end: int) -> PriceGreeks:
    return PriceGreeks(
        g.price[start:end],
        g.delta[start:end],
        g.gamma[start:end],
        g.vega[start:end],
        g.theta[start:end],
    )
