"""Listed strike grids of VIX and SPX options, snapping a computed strike onto them, and
choosing a listed strike by delta."""

from __future__ import annotations

from typing import overload

import numpy as np
from numpy.typing import ArrayLike, NDArray

# Cboe lists VIX strikes in 0.5-point steps below 15 and 1-point steps from 15 to 200
# (DESIGN.md section 2). The floor of 5 is a grid bound below any VIX print on record (8.56
# intraday, 24 Nov 2017).
VIX_MIN_STRIKE = 5.0
VIX_HALF_POINT_BELOW = 15.0
VIX_MAX_STRIKE = 200.0

# SPX options are listed on a 5-point grid.
SPX_STRIKE_STEP_PTS = 5.0


@overload
def snap_vix_strike(strike: float) -> float: ...
@overload
def snap_vix_strike(strike: NDArray[np.floating] | list[float]) -> NDArray[np.float64]: ...
def snap_vix_strike(strike: ArrayLike) -> float | NDArray[np.float64]:
    """The listed VIX strike nearest `strike` (ties go up), clamped to [5, 200].

    Accepts a scalar (returns a float) or an array (returns an array of the same shape).
    """
    values = _finite_array(strike, "VIX strike")
    half_point = np.floor(values * 2.0 + 0.5) / 2.0
    whole_point = np.floor(values + 0.5)
    # Rounding on the half-point grid already sends [14.75, 15) up to 15, so the switch at 15
    # agrees with "nearest listed strike" on both sides of the boundary.
    snapped = np.where(values < VIX_HALF_POINT_BELOW, half_point, whole_point)
    snapped = np.clip(snapped, VIX_MIN_STRIKE, VIX_MAX_STRIKE)
    return _like_input(strike, snapped)


@overload
def snap_spx_strike(strike: float, step: float = ...) -> float: ...
@overload
def snap_spx_strike(
    strike: NDArray[np.floating] | list[float], step: float = ...
) -> NDArray[np.float64]: ...
def snap_spx_strike(
    strike: ArrayLike, step: float = SPX_STRIKE_STEP_PTS
) -> float | NDArray[np.float64]:
    """The nearest multiple of `step` (ties go up), never below one step.

    Accepts a scalar (returns a float) or an array (returns an array of the same shape).
    """
    if not (np.isfinite(step) and step > 0.0):
        raise ValueError(f"SPX strike step must be a positive number of points, got {step}")
    values = _finite_array(strike, "SPX strike")
    snapped = np.maximum(np.floor(values / step + 0.5) * step, step)
    return _like_input(strike, snapped)


def listed_strike_step(is_vix: bool, strike: float) -> float:
    """The step between listed strikes at `strike`: an editor's arrow-key step."""
    if not is_vix:
        return SPX_STRIKE_STEP_PTS
    return 0.5 if strike < VIX_HALF_POINT_BELOW else 1.0


def nearest_delta_index(
    deltas: NDArray[np.float64],
    target: ArrayLike,
    eligible: NDArray[np.bool_] | None = None,
) -> NDArray[np.intp]:
    """Strike by delta: the index (along the last axis of `deltas`, one delta per candidate
    strike) of the candidate whose delta is nearest `target` (one target per row; a put's is
    negative). Candidates not `eligible` are never chosen; on a tie the first one wins."""
    distance = np.abs(deltas - np.asarray(target, dtype=np.float64)[..., None])
    if eligible is not None:
        distance = np.where(eligible, distance, np.inf)
    chosen: NDArray[np.intp] = np.argmin(distance, axis=-1)
    return chosen


def vix_strike_grid(low: float, high: float) -> NDArray[np.float64]:
    """The listed VIX strikes in [low, high], ascending."""
    if not (np.isfinite(low) and np.isfinite(high)):
        raise ValueError(f"VIX strike range must be finite, got {low} to {high}")
    if low > high:
        raise ValueError(f"VIX strike range is reversed: low {low} > high {high}")
    grid = _VIX_GRID
    return grid[(grid >= low) & (grid <= high)].copy()


def _build_vix_grid() -> NDArray[np.float64]:
    # Built from integers so every strike is exact (no accumulated arange steps).
    half_points = np.arange(int(VIX_MIN_STRIKE * 2), int(VIX_HALF_POINT_BELOW * 2)) / 2.0
    whole_points = np.arange(int(VIX_HALF_POINT_BELOW), int(VIX_MAX_STRIKE) + 1, dtype=np.float64)
    return np.concatenate([half_points, whole_points])


_VIX_GRID: NDArray[np.float64] = _build_vix_grid()


def _finite_array(strike: ArrayLike, what: str) -> NDArray[np.float64]:
    try:
        values = np.asarray(strike, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} must be a number or an array of numbers, got {strike!r}") from exc
    if not np.all(np.isfinite(values)):
        raise ValueError(f"{what} must be finite, got {strike!r}")
    return values


def _like_input(strike: ArrayLike, snapped: NDArray[np.float64]) -> float | NDArray[np.float64]:
    if np.ndim(strike) == 0:
        return float(snapped)
    return snapped
