"""The joint SPX/VIX response of a scenario: the spot-vol map and the VIX futures' response.

VIX moves in points per 1 % of SPX (`map_vix`); a future with tau days left takes beta(tau) of a
spot-VIX move and rolls down today's basis as time passes (`scenario_futures`); DESIGN.md
section 3 and the README's fitted form of beta.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from planner.engine.conventions import DAYS_PER_YEAR
from planner.engine.curve import FuturesCurve
from planner.engine.types import (
    SpotVolParamsLike,
)

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

# Futures betas are quoted against a one-week tenor (DESIGN.md: beta = min(1, a (tau/7)^-p)).
BETA_REFERENCE_DAYS = 7.0


def map_vix(
    spx: ArrayLike, spx0: float, vix0: float, params: SpotVolParamsLike, floor: float
) -> FloatArray:
    """Spot-vol map: VIX moves k points per 1 % SPX move (k_down falling, k_up rising).

    The floor never lifts VIX above today's level: with VIX already under the floor the map
    stays at today's VIX for an unchanged SPX.
    """
    return map_vix_by_slopes(spx, spx0, vix0, params.k_down, params.k_up, floor)


def map_vix_by_slopes(
    spx: ArrayLike, spx0: float, vix0: float, k_down: ArrayLike, k_up: ArrayLike, floor: float
) -> FloatArray:
    """`map_vix` with the slopes given directly (per point where points use different presets)."""
    move_pct = 100.0 * (np.asarray(spx, dtype=np.float64) / spx0 - 1.0)
    slope = np.where(move_pct < 0.0, k_down, k_up)
    return np.maximum(vix0 - slope * move_pct, min(floor, vix0))


def futures_beta(
    tau_days: ArrayLike,
    beta_a: ArrayLike,
    beta_p: ArrayLike,
    beta_max: ArrayLike = 1.0,
    reversion_per_year: ArrayLike = 0.0,
    basis_sensitivity: ArrayLike = 0.0,
    basis_over_spot: ArrayLike = 0.0,
) -> FloatArray:
    """Share of a spot-VIX move a future with tau days left takes:

        beta(tau) = min(1, min(beta_max, a (tau/7)^-p) * exp(-kappa tau / 365)
                           * max(0, 1 - c B(tau) / V0)),                 beta(0) = 1.

    The power law is the turn-1 form (beta_max 1, kappa 0, c 0). The fitted presets add the
    terms of a mean-reverting VIX (E[V_T] = theta + (V - theta) e^{-kappa T}): exp(-kappa tau)
    is how much of a spike is expected to survive to the future's expiry, and beta_max < 1 is
    the part of a spike the market expects to be gone even days before settlement (a future two
    days from expiry on 2020-03-16 stayed 10 points under spot VIX). The stress preset also
    reads today's curve: `basis_over_spot` is B(tau) / V0, today's basis at the future's tenor
    over spot VIX, and c (`basis_sensitivity`) how much a steep contango damps the response --
    a spike out of a calm, upward-sloping curve is believed less (Aug 2015: the Sep future took
    0.38 of the spot move) than one out of a flat or inverted curve (Feb 2018: 0.65 at a month).
    Only at expiry does the future equal spot VIX.
    """
    tau = np.asarray(tau_days, dtype=np.float64)
    safe_tau = np.maximum(tau, 1e-6)
    beta = np.minimum(
        np.asarray(beta_max, dtype=np.float64),
        np.asarray(beta_a) * (safe_tau / BETA_REFERENCE_DAYS) ** -np.asarray(beta_p),
    )
    kappa = np.asarray(reversion_per_year, dtype=np.float64)
    if np.any(kappa != 0.0):
        beta = beta * np.exp(-kappa * safe_tau / DAYS_PER_YEAR)
    sensitivity = np.asarray(basis_sensitivity, dtype=np.float64)
    if np.any(sensitivity != 0.0):
        damping = np.maximum(1.0 - sensitivity * np.asarray(basis_over_spot), 0.0)
        beta = np.minimum(beta * damping, 1.0)
    return np.where(tau <= 0.0, 1.0, beta)


def futures_after_spot_move(
    prices: ArrayLike,
    tau_days: ArrayLike,
    vix_change_pts: float,
    beta_a: float,
    beta_p: float,
    beta_max: float = 1.0,
    reversion_per_year: float = 0.0,
    basis_sensitivity: float = 0.0,
    vix0: float | None = None,
) -> FloatArray:
    """Today's futures after spot VIX moves by `vix_change_pts` from `vix0`: each takes
    beta(tau) of it (its basis over spot is price / vix0 - 1; unused while basis_sensitivity
    is 0).

    The scenario kernel's futures response at zero elapsed time (F = F0 + beta(tau) dV), for an
    edit of spot VIX: a trader asking "what if VIX is 22" means the whole curve as it would
    move, front months nearly one for one, back months less.
    """
    price = np.asarray(prices, dtype=np.float64)
    basis_over_spot = 0.0 if vix0 is None else price / vix0 - 1.0
    beta = futures_beta(
        tau_days,
        beta_a,
        beta_p,
        beta_max,
        reversion_per_year,
        basis_sensitivity,
        basis_over_spot,
    )
    moved: FloatArray = price + beta * vix_change_pts
    return moved


def scenario_futures(
    curve: FuturesCurve,
    tau_days: ArrayLike,
    vix: ArrayLike,
    params: SpotVolParamsLike,
) -> FloatArray:
    """VIX futures in a scenario: spot VIX moves from today's `curve.spot` to `vix` and a future
    is left with `tau_days` to expiry at the horizon (expiry days - horizon days):

        F = V0 + B(tau) + beta(tau) * (V - V0)

    -- it rolls down today's basis B(tau) = F(tau) - V0 and takes beta of the spot move
    (DESIGN.md section 3). Arguments broadcast; a future at or past expiry is spot VIX. The
    scenario kernel prices VIX options on exactly these futures."""
    tau = np.asarray(tau_days, dtype=np.float64)
    return futures_from_betas(
        curve, curve.spot, tau, np.asarray(vix, dtype=np.float64), preset_beta(curve, tau, params)
    )


def preset_beta(curve: FuturesCurve, tau_days: FloatArray, params: SpotVolParamsLike) -> FloatArray:
    """`futures_beta` of a spot-vol preset for futures with `tau_days` left, on today's
    `curve` (whose basis the stress preset's contango damping reads)."""
    return futures_beta(
        tau_days,
        params.beta_a,
        params.beta_p,
        params.beta_max,
        params.beta_reversion_per_year,
        params.beta_basis_sensitivity,
        curve_basis_over_spot(curve, tau_days),
    )


def curve_basis_over_spot(curve: FuturesCurve, tau_days: FloatArray) -> FloatArray:
    """B(tau) / V0: today's basis at each tenor over spot VIX (0 when spot VIX is 0)."""
    return np.asarray(curve.basis(tau_days) / max(curve.spot, 1e-6), dtype=np.float64)


def futures_from_betas(
    curve: FuturesCurve,
    vix0: float,
    tau_days: FloatArray,
    vix: FloatArray,
    beta: FloatArray,
    out: FloatArray | None = None,
) -> FloatArray:
    """`scenario_futures` from the betas already formed; into `out` when given."""
    return shifted_futures(vix0, curve.basis(tau_days), vix, beta, out)


def shifted_futures(
    vix0: ArrayLike,
    basis: ArrayLike,
    vix: ArrayLike,
    beta: ArrayLike,
    out: FloatArray | None = None,
) -> FloatArray:
    """F = V0 + B + beta (V - V0), floored just above 0: the one formula of a future after a
    spot-VIX move (`scenario_futures`, the kernel and the presets' calibration use it)."""
    v0 = np.asarray(vix0, dtype=np.float64)
    move = np.asarray(vix, dtype=np.float64) - v0
    if out is None:
        out = np.empty(np.broadcast_shapes(np.shape(beta), move.shape, np.shape(basis)))
    np.multiply(beta, move, out=out)
    out += v0
    out += np.asarray(basis, dtype=np.float64)
    return np.maximum(out, 1e-6, out=out)
