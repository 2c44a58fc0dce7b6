"""Choosing an iron condor's strikes: short strikes by Black-Scholes delta, wings at a width.

Traders quote condors by the short strikes' delta ("16-delta condor", about one standard
deviation out) and a wing width in points; the strikes must be listed ones (5-point SPX grid).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from planner.engine.conventions import DAYS_PER_YEAR
from planner.engine.curve import futures_curve
from planner.engine.pricing import bsm
from planner.engine.strikes import SPX_STRIKE_STEP_PTS, nearest_delta_index, snap_spx_strike
from planner.engine.types import MarketLike, ModelParamsLike
from planner.engine.vol import model_spx_iv

FloatArray = NDArray[np.float64]
VolForStrike = Callable[[FloatArray], FloatArray]

# Candidate short strikes span this many ATM standard deviations either side of spot: far past
# any delta a condor seller would quote, so the search never runs off the grid.
_SEARCH_SD = 8.0


@dataclass(frozen=True, slots=True)
class CondorStrikes:
    long_put: float
    short_put: float
    short_call: float
    long_call: float
    short_put_delta: float
    """The chosen short put's BSM delta (negative)."""
    short_call_delta: float


def iron_condor_strikes(
    spot: float,
    t_years: float,
    rate: float,
    div_yield: float,
    vol_for_strike: VolForStrike,
    short_put_delta: float = 0.16,
    short_call_delta: float = 0.16,
    wing_width_pts: float = 50.0,
    strike_step_pts: float = SPX_STRIKE_STEP_PTS,
) -> CondorStrikes:
    """Listed strikes of the short put and short call whose BSM deltas are nearest
    -`short_put_delta` and +`short_call_delta`, each at the vol `vol_for_strike` gives that
    strike (so the skew is respected); long wings `wing_width_pts` further out.
    """
    _check_positive(spot, "SPX")
    _check_positive(t_years, "time to expiry (years)")
    _check_positive(strike_step_pts, "strike step")
    for name, target in (("short put", short_put_delta), ("short call", short_call_delta)):
        if not (math.isfinite(target) and 0.0 < target < 0.5):
            raise ValueError(f"{name} delta must be between 0 and 0.5 (e.g. 0.16), got {target}")
    if not (math.isfinite(wing_width_pts) and wing_width_pts > 0):
        raise ValueError(f"wing width must be a positive number of points, got {wing_width_pts}")
    wing = float(snap_spx_strike(float(wing_width_pts), strike_step_pts))

    probe_vol = float(np.asarray(vol_for_strike(np.array([spot], dtype=np.float64)))[0])
    _check_positive(probe_vol, "implied vol at the money")
    reach = math.exp(_SEARCH_SD * probe_vol * math.sqrt(t_years))
    low = max(strike_step_pts, math.floor(spot / reach / strike_step_pts) * strike_step_pts)
    high = math.ceil(spot * reach / strike_step_pts) * strike_step_pts
    strikes = np.arange(low, high + strike_step_pts / 2, strike_step_pts, dtype=np.float64)
    vols = np.asarray(vol_for_strike(strikes), dtype=np.float64)
    if not np.all(np.isfinite(vols) & (vols > 0)):
        raise ValueError("the vol surface gave a non-positive or non-finite vol")

    puts = bsm(False, spot, strikes, t_years, rate, div_yield, vols).delta
    calls = bsm(True, spot, strikes, t_years, rate, div_yield, vols).delta
    put_pick = int(nearest_delta_index(puts, -short_put_delta, strikes <= spot))
    call_pick = int(nearest_delta_index(calls, short_call_delta, strikes >= spot))
    short_put = float(strikes[put_pick])
    short_call = float(strikes[call_pick])
    if short_put - wing < strike_step_pts:
        raise ValueError(
            f"a {wing:g}-point wing under the {short_put:g} put goes below the lowest strike"
        )
    return CondorStrikes(
        long_put=short_put - wing,
        short_put=short_put,
        short_call=short_call,
        long_call=short_call + wing,
        short_put_delta=float(puts[put_pick]),
        short_call_delta=float(calls[call_pick]),
    )


def model_vol_for_strike(
    market: MarketLike, model: ModelParamsLike, valuation_date: dt.date, expiry: dt.date
) -> VolForStrike:
    """The engine's default SPX smile at `expiry` (what a leg without a user IV is priced at)."""
    days = (expiry - valuation_date).days
    t_years = max(days, 0) / DAYS_PER_YEAR
    curve = futures_curve(market.vix, market.futures, valuation_date, market.vix9d)
    reference = curve.smile_reference(float(days), model.atm_reference)

    def vol(strikes: FloatArray) -> FloatArray:
        return model_spx_iv(
            strikes, market.spx, t_years, market.rate, market.dividend_yield, reference, model
        )

    return vol


def model_iron_condor(
    market: MarketLike,
    model: ModelParamsLike,
    valuation_date: dt.date,
    expiry: dt.date,
    short_put_delta: float = 0.16,
    short_call_delta: float = 0.16,
    wing_width_pts: float = 50.0,
) -> CondorStrikes:
    """`iron_condor_strikes` on the plan's market, at the model's default SPX smile."""
    days = (expiry - valuation_date).days
    if days <= 0:
        raise ValueError(
            f"condor expiry {expiry.isoformat()} is not after the valuation date "
            f"{valuation_date.isoformat()}"
        )
    return iron_condor_strikes(
        market.spx,
        days / DAYS_PER_YEAR,
        market.rate,
        market.dividend_yield,
        model_vol_for_strike(market, model, valuation_date, expiry),
        short_put_delta,
        short_call_delta,
        wing_width_pts,
    )


def _check_positive(value: float, what: str) -> None:
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{what} must be a positive number, got {value}")
