"""Implied-vol surfaces: default SPX skew, SPX vol response to VIX, VIX option vol of vol.

All functions broadcast over numpy arrays. Formulas and defaults: DESIGN.md section 3.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from planner.engine.conventions import DAYS_PER_YEAR
from planner.engine.types import ModelParamsLike, SmileParamsLike

FloatArray = NDArray[np.float64]

# VIX option vol never drops below this in a scenario (deep ITM strikes, low-VIX scale-down).
VIX_VOL_FLOOR = 0.10

# Short tenors' power laws blow up as tau -> 0; one day is the shortest tenor we scale from.
MIN_TENOR_DAYS = 1.0
# The skew is linear in standardised moneyness out to this many ATM standard deviations, then flat,
# so a strike far in the wings does not get an absurd vol.
SKEW_Z_CAP = 4.0
# The default surface never goes below this fraction of ATM vol on the call side.
CALL_WING_FLOOR_RATIO = 0.5


# The smile's level and skew are quoted against a 30-day tenor and a 20 % ATM vol.
SKEW_REFERENCE_DAYS = 30.0
SKEW_REFERENCE_ATM = 0.20
ATM_REFERENCE_VIX = 20.0


def default_spx_iv(
    strike: ArrayLike,
    spot: ArrayLike,
    t_years: ArrayLike,
    rate: float,
    div_yield: float,
    atm_vol: ArrayLike,
    put_skew: float,
    call_skew: float,
    *,
    put_curvature: float = 0.0,
    call_curvature: float = 0.0,
    skew_term_exponent: float = 0.0,
    skew_level_exponent: float = 0.0,
    call_wing_z: float = SKEW_Z_CAP,
    skew_level_cap_atm: float = math.inf,
) -> FloatArray:
    """Parametric SPX smile: ATM vol plus a skew in standardised moneyness (the one home of
    the default smile's formula; `model_spx_iv` feeds it a plan's parameters).

    z = ln(K/F) / (sigma_atm * sqrt(T)) is roughly minus the put's d1; with x_p = max(-z, 0)
    capped at SKEW_Z_CAP and x_c = max(z, 0) capped at `call_wing_z`,

        sigma = atm + g / 100 * (put_skew x_p + put_curvature x_p^2
                                 - call_skew x_c + call_curvature x_c^2),
        g = (T / 30 days)^skew_term_exponent * (atm / 20 %)^skew_level_exponent.

    With the curvatures and both exponents 0 (the turn-1 form, still what plans saved before
    version 3 use) the skew is linear in z at a fixed number of vol points per unit of z. With
    skew_level_exponent 1 the skew is a fixed share of the ATM vol per unit of z (the smile
    sticky in standardised moneyness); above 1 (the shipped 1.47, fitted; 2 before version 6)
    that share itself grows with ATM, up to `skew_level_cap_atm` (past it, g uses the cap in
    the power beyond 1): calm markets have flatter smiles in z, and a crisis is not
    extrapolated into. The call side falls to
    `call_wing_z` and stays flat beyond it (a parabola there, if any, cannot run away).
    """
    k = np.asarray(strike, dtype=np.float64)
    t = np.maximum(np.asarray(t_years, dtype=np.float64), MIN_TENOR_DAYS / DAYS_PER_YEAR)
    atm = np.asarray(atm_vol, dtype=np.float64)
    forward = np.asarray(spot, dtype=np.float64) * np.exp((rate - div_yield) * t)
    z = np.log(k / forward) / (atm * np.sqrt(t))
    put_side = np.clip(-z, 0.0, SKEW_Z_CAP)
    call_side = np.clip(z, 0.0, call_wing_z)
    shape = (
        put_skew * put_side
        + put_curvature * put_side * put_side
        - call_skew * call_side
        + call_curvature * call_side * call_side
    )
    if skew_term_exponent != 0.0 or skew_level_exponent != 0.0:
        level = atm / SKEW_REFERENCE_ATM
        if np.any(atm > skew_level_cap_atm):
            # Past the cap the skew stays the share of ATM it is there (the level power law
            # beyond exponent 1 stops): fitted on ATM vols of 10-20 %, it is not run into crises.
            level_factor = level * (np.minimum(atm, skew_level_cap_atm) / SKEW_REFERENCE_ATM) ** (
                skew_level_exponent - 1.0
            )
        else:
            level_factor = level**skew_level_exponent
        shape = (
            shape * (t * DAYS_PER_YEAR / SKEW_REFERENCE_DAYS) ** skew_term_exponent * level_factor
        )
    smile = atm + shape / 100.0
    return np.maximum(smile, CALL_WING_FLOOR_RATIO * atm)


def atm_spx_vol(
    vix_reference: ArrayLike,
    atm_iv_ratio: float,
    level_exponent: float = 0.0,
    ratio_floor: float = 0.0,
    ratio_cap: float = math.inf,
) -> FloatArray:
    """sigma_atm(tau) = share * V(tau) / 100 with
    share = clip(ratio * (V(tau) / 20)^level_exponent, ratio_floor, ratio_cap), V the VIX level
    the plan's `atm_reference` names (`FuturesCurve.smile_reference`): SPX ATM vol
    trades under VIX, further under when VIX is low (level_exponent > 0), and the share stays
    within [floor, cap] so the power law cannot run away outside the VIX levels it was fitted
    on."""
    future = np.asarray(vix_reference, dtype=np.float64)
    share = np.full(future.shape, atm_iv_ratio, dtype=np.float64)
    if level_exponent != 0.0:
        share = share * (np.maximum(future, 1e-6) / ATM_REFERENCE_VIX) ** level_exponent
    if ratio_floor > 0.0 or math.isfinite(ratio_cap):
        share = np.clip(share, ratio_floor, ratio_cap)
    return np.asarray(share * future / 100.0, dtype=np.float64)


def model_atm_vol(vix_reference: ArrayLike, model: SmileParamsLike) -> FloatArray:
    """The default smile's ATM vol for a plan's parameters (`atm_spx_vol`)."""
    return atm_spx_vol(
        vix_reference,
        model.atm_iv_ratio,
        model.atm_level_exponent,
        model.atm_ratio_floor,
        model.atm_ratio_cap,
    )


def model_spx_iv(
    strike: ArrayLike,
    spot: ArrayLike,
    t_years: ArrayLike,
    rate: float,
    div_yield: float,
    vix_reference: ArrayLike,
    model: SmileParamsLike,
) -> FloatArray:
    """The model's default SPX smile for legs without a user IV: `atm_spx_vol` and
    `default_spx_iv` with the plan's parameters (scenario kernel and condor strikes use it)."""
    return default_spx_iv(
        strike,
        spot,
        t_years,
        rate,
        div_yield,
        model_atm_vol(vix_reference, model),
        model.put_skew,
        model.call_skew,
        put_curvature=model.put_curvature,
        call_curvature=model.call_curvature,
        skew_term_exponent=model.skew_term_exponent,
        skew_level_exponent=model.skew_level_exponent,
        call_wing_z=model.call_wing_z,
        skew_level_cap_atm=model.skew_level_cap_atm,
    )


def spx_vol_shift(delta_vix_pts: ArrayLike, tau_days: ArrayLike, exponent: float) -> FloatArray:
    """Change of an SPX leg's implied vol (decimal) when VIX moves: short tenors move more."""
    return np.asarray(delta_vix_pts, dtype=np.float64) * spx_vol_shift_per_vix_pt(
        tau_days, exponent
    )


def spx_vol_shift_per_vix_pt(tau_days: ArrayLike, exponent: float) -> FloatArray:
    """`spx_vol_shift` per VIX point: (tau/30)^-exponent vol points, as a decimal."""
    tau = np.maximum(np.asarray(tau_days, dtype=np.float64), MIN_TENOR_DAYS)
    return np.asarray((tau / 30.0) ** (-exponent) / 100.0, dtype=np.float64)


def vov_scale(vix: ArrayLike, vix0: float, exponent: float, cap: float) -> FloatArray:
    """VIX option vol scales with (V/V0)^exponent in a scenario, capped (VVIX rises with VIX)."""
    ratio = np.asarray(vix, dtype=np.float64) / vix0
    return np.minimum(ratio**exponent, cap)


def vix_option_vol(
    tau_days: ArrayLike,
    strike: ArrayLike,
    forward: ArrayLike,
    vov30: float,
    term_exponent: float,
    skew: float,
    floor: float,
) -> FloatArray:
    """sigma(tau, K) = vov30 * (tau/30)^-term * (1 + skew * ln(K/F)): VIX calls carry call skew."""
    log_moneyness = np.log(
        np.asarray(strike, dtype=np.float64) / np.asarray(forward, dtype=np.float64)
    )
    return vix_vol_from_log_moneyness(tau_days, log_moneyness, vov30, term_exponent, skew, floor)


def model_vix_vol(
    tau_days: ArrayLike, strike: ArrayLike, forward: ArrayLike, model: ModelParamsLike
) -> FloatArray:
    """The model's VIX option vol today (no scenario scaling), floored at VIX_VOL_FLOOR as the
    scenario kernel floors it: what a VIX leg without a user IV is priced at."""
    return vix_option_vol(
        tau_days,
        strike,
        forward,
        model.vov30,
        model.vov_term_exponent,
        model.vov_skew,
        VIX_VOL_FLOOR,
    )


def vix_vol_from_log_moneyness(
    tau_days: ArrayLike,
    log_strike_over_forward: FloatArray,
    vov30: float,
    term_exponent: float,
    skew: float,
    floor: float,
    out: FloatArray | None = None,
) -> FloatArray:
    """`vix_option_vol` from ln(K/F), which the scenario kernel has already formed; `out` (the
    broadcast shape) receives the result when given."""
    level = vix_vol_level(tau_days, vov30, term_exponent)
    if out is None:
        return np.maximum(level * (1.0 + skew * log_strike_over_forward), floor)
    np.multiply(log_strike_over_forward, skew, out=out)
    out += 1.0
    out *= level
    return np.maximum(out, floor, out=out)


def vix_vol_level(tau_days: ArrayLike, vov30: float, term_exponent: float) -> FloatArray:
    """At-the-money part of `vix_option_vol`: vov30 * (tau/30)^-term (short tenors move more)."""
    tau = np.maximum(np.asarray(tau_days, dtype=np.float64), MIN_TENOR_DAYS)
    return np.asarray(vov30 * (tau / 30.0) ** (-term_exponent), dtype=np.float64)
