"""Fitting the default SPX smile to market smiles (numpy only; DESIGN.md section 8).

The market side is a set of `SmileTargets`: for each expiry of real chains, the strikes of the
10-, 16-, 25-delta puts, the forward and the 16-, 10-delta calls (by the fitted SVI smile's own
Black deltas), the market vol there, the expiry's forward and time, and the VIX level the ATM
is a share of at the tenor. The model side is `planner.engine.vol.model_spx_iv` -- the same
function every leg without a user IV is priced with -- so what is fitted is exactly what the
planner uses.

The optimiser is a small Levenberg-Marquardt with a forward-difference Jacobian and box bounds
(a handful of parameters, a few hundred residuals): no scipy.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import NDArray

from planner.engine.conventions import DAYS_PER_YEAR
from planner.engine.spot_vol_map import futures_beta, shifted_futures
from planner.engine.vol import SKEW_Z_CAP, model_spx_iv

FloatArray = NDArray[np.float64]

SMILE_DELTAS: tuple[tuple[str, bool, float], ...] = (
    ("10p", False, 0.10),
    ("16p", False, 0.16),
    ("25p", False, 0.25),
    ("ATM", True, 0.50),
    ("16c", True, 0.16),
    ("10c", True, 0.10),
)
"""(label, is_call, |delta|) of the smile points reported; ATM is the forward."""
FIT_DELTAS: tuple[tuple[str, bool, float], ...] = (
    *(
        (f"{round(100 * d)}p", False, d)
        for d in (0.05, 0.08, 0.10, 0.13, 0.16, 0.20, 0.25, 0.32, 0.40)
    ),
    ("ATM", True, 0.50),
    *(
        (f"{round(100 * d)}c", True, d)
        for d in (0.40, 0.32, 0.25, 0.20, 0.16, 0.13, 0.10, 0.08, 0.05)
    ),
)
"""The denser set of points the default smile is fitted to: the slope between a condor's
short strike and its wing matters as much as the level at the short strike, and the 5-delta
call holds the call wing's upturn to what the market shows."""


@dataclass(frozen=True, slots=True)
class SmileTargets:
    """Market smile points (one entry per point; all arrays of one length)."""

    label: tuple[str, ...]
    days: FloatArray
    forward: FloatArray
    strike: FloatArray
    vix_reference: FloatArray
    """The VIX level the model's ATM is a share of at the point's tenor (its plan's
    `atm_reference`: `FuturesCurve.smile_reference`)."""
    market_iv: FloatArray
    group: NDArray[np.intp]
    """Which chain (data set) each point comes from, for hold-one-out fits."""

    def take(self, mask: NDArray[np.bool_]) -> SmileTargets:
        return SmileTargets(
            label=tuple(lab for lab, keep in zip(self.label, mask, strict=True) if keep),
            days=self.days[mask],
            forward=self.forward[mask],
            strike=self.strike[mask],
            vix_reference=self.vix_reference[mask],
            market_iv=self.market_iv[mask],
            group=self.group[mask],
        )

    @staticmethod
    def concat(parts: Sequence[SmileTargets]) -> SmileTargets:
        return SmileTargets(
            label=tuple(lab for part in parts for lab in part.label),
            days=np.concatenate([p.days for p in parts]),
            forward=np.concatenate([p.forward for p in parts]),
            strike=np.concatenate([p.strike for p in parts]),
            vix_reference=np.concatenate([p.vix_reference for p in parts]),
            market_iv=np.concatenate([p.market_iv for p in parts]),
            group=np.concatenate([p.group for p in parts]),
        )


@dataclass(frozen=True, slots=True)
class SmileParams:
    """The default smile's parameters (the fields of the same names in a plan's model)."""

    atm_iv_ratio: float
    atm_level_exponent: float
    put_skew: float
    call_skew: float
    put_curvature: float
    call_curvature: float
    skew_term_exponent: float
    skew_level_exponent: float
    atm_ratio_floor: float = 0.0
    atm_ratio_cap: float = 3.0
    call_wing_z: float = SKEW_Z_CAP
    skew_level_cap_atm: float = math.inf

    def as_vector(self) -> FloatArray:
        return np.array([getattr(self, f.name) for f in fields(self)], dtype=np.float64)

    @staticmethod
    def from_vector(values: FloatArray) -> SmileParams:
        return SmileParams(*(float(v) for v in values))


SMILE_PARAM_BOUNDS: dict[str, tuple[float, float]] = {
    "atm_iv_ratio": (0.3, 1.5),
    "atm_level_exponent": (-1.5, 1.5),
    "put_skew": (0.0, 20.0),
    "call_skew": (-5.0, 20.0),
    "put_curvature": (-5.0, 5.0),
    "call_curvature": (-5.0, 5.0),
    "skew_term_exponent": (-1.0, 1.0),
    "skew_level_exponent": (-2.0, 4.0),
    "atm_ratio_floor": (0.0, 1.5),
    "atm_ratio_cap": (0.3, 3.0),
    "call_wing_z": (0.1, SKEW_Z_CAP),
    "skew_level_cap_atm": (0.05, 3.0),
}
FITTED_SMILE_FIELDS: tuple[str, ...] = (
    "atm_iv_ratio",
    "put_skew",
    "call_skew",
    "skew_term_exponent",
    "skew_level_exponent",
    "call_wing_z",
)
"""What `fit_smile` fits by default: six numbers. The rest are the form's structure, held: the
ATM share does not depend on the VIX level (atm_level_exponent 0: a fitted level exponent
predicts held-out chains worse), the skew per unit of standardised moneyness grows with ATM as
a power (skew_level_exponent, fitted) up to `skew_level_cap_atm` (20 %, the top of the chains'
ATM range) and as a fixed share of ATM beyond, and both sides are linear in z (curvatures 0: a
fitted put or call curvature predicts held-out chains no better): the put side to z = 4, the
call side down to `call_wing_z` and flat beyond (a call parabola climbs without bound past the
quotes)."""


def smile_model_iv(params: SmileParams, targets: SmileTargets) -> FloatArray:
    """The planner's default smile at the target strikes."""
    # Each point has its own forward: spot = forward with r = q = 0 is that forward exactly;
    # the function takes one spot, so the strikes are expressed per unit of forward.
    return model_spx_iv(
        targets.strike / targets.forward,
        1.0,
        targets.days / DAYS_PER_YEAR,
        0.0,
        0.0,
        targets.vix_reference,
        params,
    )


def equal_group_weights(group: NDArray[np.intp]) -> FloatArray:
    """Residual weights that give every group (chain) the same total weight in a least-squares
    fit, however many expiries it lists: 1 / sqrt(points in the group)."""
    _, inverse, counts = np.unique(group, return_inverse=True, return_counts=True)
    return np.asarray(1.0 / np.sqrt(counts[inverse]), dtype=np.float64)


def fit_smile(
    targets: SmileTargets,
    start: SmileParams,
    free: Sequence[str] | None = None,
    iterations: int = 200,
    weights: FloatArray | None = None,
    absolute: bool = True,
) -> SmileParams:
    """The default smile fitted in vol to `targets`, over the parameters named in `free`
    (FITTED_SMILE_FIELDS by default); the others stay at `start`. `weights` scale each point's
    miss (None: every chain counts the same, `equal_group_weights`).

    With `absolute` (the default) the fit minimises the weighted mean absolute miss, the figure
    the smile is judged by; otherwise the least squares. Least absolute misses let a chain the
    form cannot describe (a one-week expiry priced by an event, 2022-06-10) pull the others
    less: held out on eleven chains it prices unseen chains 0.16 vol points closer (README).
    """
    names = [f.name for f in fields(SmileParams)]
    chosen = list(FITTED_SMILE_FIELDS) if free is None else list(free)
    index = [names.index(n) for n in chosen]
    lower = np.array([SMILE_PARAM_BOUNDS[n][0] for n in chosen])
    upper = np.array([SMILE_PARAM_BOUNDS[n][1] for n in chosen])
    base = start.as_vector()
    scale = equal_group_weights(targets.group) if weights is None else weights

    def at(x: FloatArray) -> SmileParams:
        full = base.copy()
        full[index] = x
        return SmileParams.from_vector(full)

    def misses_vol_pts(x: FloatArray) -> FloatArray:
        return (smile_model_iv(at(x), targets) - targets.market_iv) * 100.0

    solved = least_misses(
        misses_vol_pts,
        base[index],
        lower,
        upper,
        scale,
        rounds=_SMILE_ABSOLUTE_ROUNDS if absolute else 0,
        floor=_SMILE_MISS_FLOOR_VOL_PTS,
        iterations=iterations,
    )
    return at(solved)


# Reweighting rounds and the smallest miss a point is weighted by, for the absolute smile fit.
# After 20 rounds the weighted miss is within 0.01 % of where 60 leave it (on ten chains);
# further rounds only trade call skew against the call wing along a nearly flat valley (60
# rounds: call skew 6.07 and wing 0.714 for 6.11 and 0.702). A floor of 0.05 vol points, about
# the SVI smiles' own fit error, keeps a point the form fits exactly from taking all the weight.
_SMILE_ABSOLUTE_ROUNDS = 20
_SMILE_MISS_FLOOR_VOL_PTS = 0.05


def least_misses(
    misses: Callable[[FloatArray], FloatArray],
    x0: FloatArray,
    lower: FloatArray,
    upper: FloatArray,
    scale: FloatArray,
    rounds: int = 0,
    floor: float = 1e-3,
    iterations: int = 200,
) -> FloatArray:
    """The x in the box minimising sum((scale * misses(x))^2), then, with `rounds` > 0,
    sum(scale^2 * |misses(x)|) by iteratively reweighted least squares: |r| = r^2 / |r|, so
    least squares weighted by 1 / |r| of the last fit (|r| at least `floor`) minimises the sum
    of |r| when it settles. Stops early once a round moves x by nothing measurable."""
    weight = np.asarray(scale, dtype=np.float64)

    def weighted(x: FloatArray) -> FloatArray:
        return weight * misses(x)

    x = levenberg_marquardt(weighted, x0, lower, upper, iterations)
    for _ in range(rounds):
        weight = scale / np.sqrt(np.maximum(np.abs(misses(x)), floor))
        x_next = levenberg_marquardt(weighted, x, lower, upper, iterations)
        if np.allclose(x_next, x, rtol=1e-9, atol=1e-12):
            break
        x = x_next
    return x


def levenberg_marquardt(
    residuals: Callable[[FloatArray], FloatArray],
    x0: FloatArray,
    lower: FloatArray,
    upper: FloatArray,
    iterations: int = 200,
) -> FloatArray:
    """Minimise sum(residuals(x)^2) over the box [lower, upper] (steps clipped to the box)."""
    x = np.clip(np.asarray(x0, dtype=np.float64), lower, upper)
    r = residuals(x)
    cost = float(r @ r)
    damping = 1e-3
    for _ in range(iterations):
        jac = np.empty((r.size, x.size))
        for j in range(x.size):
            step = 1e-6 * max(1.0, abs(x[j]))
            probe = x.copy()
            probe[j] = x[j] + step if x[j] + step <= upper[j] else x[j] - step
            jac[:, j] = (residuals(probe) - r) / (probe[j] - x[j])
        gradient = jac.T @ r
        normal = jac.T @ jac
        improved = converged = False
        while damping < 1e10:
            lhs = normal + damping * np.diag(np.maximum(np.diag(normal), 1e-12))
            trial = np.clip(x - np.linalg.solve(lhs, gradient), lower, upper)
            r_trial = residuals(trial)
            trial_cost = float(r_trial @ r_trial)
            if trial_cost < cost:
                improved = True
                converged = cost - trial_cost < 1e-12 * max(cost, 1e-300)
                x, r, cost = trial, r_trial, trial_cost
                damping = max(damping / 3.0, 1e-12)
                break
            damping *= 4.0
        if not improved or converged:
            break
    return x


__all__ = [
    "BETA_PARAM_BOUNDS",
    "FITTED_SMILE_FIELDS",
    "FIT_DELTAS",
    "SMILE_DELTAS",
    "SMILE_PARAM_BOUNDS",
    "BetaParams",
    "FuturesTargets",
    "SmileParams",
    "SmileTargets",
    "equal_group_weights",
    "fit_futures_betas",
    "fit_smile",
    "least_misses",
    "levenberg_marquardt",
    "predicted_futures",
    "smile_model_iv",
    "spot_vol_slopes",
]


# ---------------------------------------------------------------------------------------------
# The spot-vol presets: VIX per 1 % SPX, and the futures response to a spot-VIX move


@dataclass(frozen=True, slots=True)
class FuturesTargets:
    """Futures observed after a spot-VIX move, each beside what the model needs to predict it:
    `tau_days` left at the later date, today's spot `vix0`, the later spot `vix`, today's basis
    at `tau_days` (`scenario_futures`' B(tau)) and the `actual` settlement of the same contract."""

    tau_days: FloatArray
    vix0: FloatArray
    vix: FloatArray
    basis: FloatArray
    actual: FloatArray
    group: NDArray[np.intp]
    """Which episode (or day) each point belongs to."""

    def take(self, mask: NDArray[np.bool_]) -> FuturesTargets:
        return FuturesTargets(
            self.tau_days[mask],
            self.vix0[mask],
            self.vix[mask],
            self.basis[mask],
            self.actual[mask],
            self.group[mask],
        )


@dataclass(frozen=True, slots=True)
class BetaParams:
    """The futures-beta fields of a spot-vol preset (planner.engine.spot_vol_map.futures_beta)."""

    beta_a: float
    beta_p: float
    beta_max: float
    beta_reversion_per_year: float
    beta_basis_sensitivity: float = 0.0


BETA_PARAM_BOUNDS: dict[str, tuple[float, float]] = {
    "beta_a": (0.05, 2.0),
    "beta_p": (0.0, 2.0),
    "beta_max": (0.3, 1.0),
    "beta_reversion_per_year": (0.0, 50.0),
    "beta_basis_sensitivity": (-10.0, 10.0),
}


def predicted_futures(params: BetaParams, targets: FuturesTargets) -> FloatArray:
    """`scenario_futures` at the targets (each with its own today's spot and basis)."""
    beta = futures_beta(
        targets.tau_days,
        params.beta_a,
        params.beta_p,
        params.beta_max,
        params.beta_reversion_per_year,
        params.beta_basis_sensitivity,
        targets.basis / targets.vix0,
    )
    return shifted_futures(targets.vix0, targets.basis, targets.vix, beta)


def fit_futures_betas(
    targets: FuturesTargets,
    start: BetaParams,
    free: Sequence[str] | None = None,
    absolute: bool = False,
) -> BetaParams:
    """Fit `predicted_futures` to the actual settlements over the parameters named in `free`:
    least squares in VIX points, or with `absolute` the mean absolute error (the figure the
    presets are judged by), by iteratively reweighted least squares."""
    names = [f.name for f in fields(BetaParams)]
    chosen = names if free is None else list(free)
    index = [names.index(n) for n in chosen]
    base = np.array([getattr(start, n) for n in names], dtype=np.float64)
    lower = np.array([BETA_PARAM_BOUNDS[n][0] for n in chosen])
    upper = np.array([BETA_PARAM_BOUNDS[n][1] for n in chosen])

    def params_at(x: FloatArray) -> BetaParams:
        full = base.copy()
        full[index] = x
        return BetaParams(*(float(v) for v in full))

    def misses_pts(x: FloatArray) -> FloatArray:
        return predicted_futures(params_at(x), targets) - targets.actual

    solved = least_misses(
        misses_pts,
        base[index],
        lower,
        upper,
        np.ones(targets.actual.size),
        rounds=40 if absolute else 0,
    )
    return params_at(solved)


def spot_vol_slopes(
    spx_move_pct: FloatArray, vix_change_pts: FloatArray, min_move_pct: float
) -> tuple[float, float]:
    """(k_down, k_up): the median VIX points per 1 % SPX move over the moves of at least
    `min_move_pct` down and up (a median, so a handful of outliers does not set the preset)."""
    move = np.asarray(spx_move_pct, dtype=np.float64)
    change = np.asarray(vix_change_pts, dtype=np.float64)
    down = move <= -min_move_pct
    up = move >= min_move_pct
    if not down.any() or not up.any():
        raise ValueError(f"no SPX moves of {min_move_pct:g} % or more both ways")
    k_down = float(np.median(change[down] / -move[down]))
    k_up = float(np.median(-change[up] / move[up]))
    return k_down, k_up
