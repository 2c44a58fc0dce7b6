"""Market smiles from option quotes: implied vols, the parity forward and an SVI fit per expiry.

Everything here is numpy only and works on one expiry's arrays (the chain loader in
planner.model.chain calls it once per expiry, a few dozen times per chain).

- Implied vol: Black-76 on the expiry's forward, inverted by bisection in vol (vectorised over
  strikes); a price outside the no-arbitrage bounds has no vol (NaN).
- Forward: put-call parity C - P = D (F - K) is a straight line in K, so a weighted least-squares
  line through the near-the-money strikes gives both the discount factor D (minus the slope) and
  the forward F (intercept / D). Cboe's delayed quotes are taken after the 4:00 pm index close
  while options trade to 4:15 pm, so the parity forward, not the index close, is the underlying.
- Smile: Gatheral's raw SVI, total variance w(k) = a + b (rho (k - m) + sqrt((k - m)^2 + s^2)),
  k = ln(K/F). For fixed (m, s) w is linear in (a, b rho, b) (Zeliade's quasi-explicit
  calibration), so a grid over (m, s) with a small linear least-squares solve at each node, refined
  twice around the best node, fits it without a general optimiser. The slopes b (1 +/- rho) are
  kept within Lee's moment bound (<= 2) and a + b s sqrt(1 - rho^2) >= 0 (no negative variance),
  the usual raw-SVI conditions against static arbitrage in the wings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from planner.engine.pricing import black76_price

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

_VOL_LOW = 1e-4
_VOL_HIGH = 5.0
# 60 halvings of [1e-4, 5] leave the vol known to ~4e-18: far below a quote's tick.
_BISECTIONS = 60
# Lee's moment formula: total variance grows at most 2|k| in either wing.
_MAX_WING_SLOPE = 2.0
# Near-the-money strikes used for parity: the ones whose C - P is nearest zero.
_PARITY_STRIKES = 20


def implied_vol(
    is_call: ArrayLike,
    price: ArrayLike,
    forward: ArrayLike,
    strike: ArrayLike,
    t_years: ArrayLike,
    discount: ArrayLike,
) -> FloatArray:
    """Black-76 implied vol of option prices (`price` = D * undiscounted price); NaN where the
    price is outside (intrinsic, upper bound) or an input is not positive and finite."""
    call, p, f, k, t, d = np.broadcast_arrays(
        np.asarray(is_call, dtype=bool),
        np.asarray(price, dtype=np.float64),
        np.asarray(forward, dtype=np.float64),
        np.asarray(strike, dtype=np.float64),
        np.asarray(t_years, dtype=np.float64),
        np.asarray(discount, dtype=np.float64),
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        undiscounted = p / d
        intrinsic = np.where(call, np.maximum(f - k, 0.0), np.maximum(k - f, 0.0))
        upper = np.where(call, f, k)
        usable = (
            np.isfinite(undiscounted)
            & (f > 0)
            & (k > 0)
            & (t > 0)
            & (d > 0)
            & (undiscounted > intrinsic)
            & (undiscounted < upper)
        )
    if not usable.any():
        return np.full(call.shape, np.nan)
    cu, pu, fu, ku, tu = (arr[usable] for arr in (call, undiscounted, f, k, t))
    low = np.full(pu.shape, _VOL_LOW)
    high = np.full(pu.shape, _VOL_HIGH)
    for _ in range(_BISECTIONS):
        mid = 0.5 * (low + high)
        too_high = black76_price(cu, fu, ku, tu, 0.0, mid) > pu
        high = np.where(too_high, mid, high)
        low = np.where(too_high, low, mid)
    out = np.full(call.shape, np.nan)
    out[usable] = 0.5 * (low + high)
    return out


def parity_forward(
    strike: FloatArray,
    call_mid: FloatArray,
    put_mid: FloatArray,
    spread: FloatArray,
) -> tuple[float, float]:
    """(forward, discount factor) of one expiry from put-call parity at the strikes where both
    mids exist (finite), weighted by 1 / (call + put bid/ask spread).

    Raises ValueError when fewer than two strikes have both sides quoted.
    """
    both = np.isfinite(call_mid) & np.isfinite(put_mid) & np.isfinite(spread) & (spread > 0)
    k = strike[both]
    diff = (call_mid - put_mid)[both]
    width = spread[both]
    if k.size < 2:
        raise ValueError("fewer than two strikes quote both a call and a put")
    nearest = np.argsort(np.abs(diff))[:_PARITY_STRIKES]
    k, diff, width = k[nearest], diff[nearest], width[nearest]
    if np.ptp(k) == 0:
        raise ValueError("fewer than two strikes quote both a call and a put")
    weight = 1.0 / width
    design = np.stack([np.ones_like(k), k], axis=1) * weight[:, None]
    intercept, slope = np.linalg.lstsq(design, diff * weight, rcond=None)[0]
    discount = -float(slope)
    # A few near strikes over days to expiry pin the slope poorly; rates are never so extreme
    # that D leaves (0.5, 1.02), and outside it the line is noise: take D = 1 and the mean.
    if not 0.5 < discount < 1.02:
        discount = 1.0
        forward = float(np.average(k + diff, weights=weight))
    else:
        forward = float(intercept) / discount
    if not (math.isfinite(forward) and forward > 0):
        raise ValueError("put-call parity gives no positive forward")
    return forward, discount


@dataclass(frozen=True, slots=True)
class SviParams:
    """Raw SVI total variance w(k) = a + b (rho (k - m) + sqrt((k - m)^2 + sigma^2))."""

    a: float
    b: float
    rho: float
    m: float
    sigma: float

    def total_variance(self, log_moneyness: ArrayLike) -> FloatArray:
        k = np.asarray(log_moneyness, dtype=np.float64) - self.m
        return np.asarray(
            self.a + self.b * (self.rho * k + np.sqrt(k * k + self.sigma**2)), dtype=np.float64
        )

    def vol(self, log_moneyness: ArrayLike, t_years: float) -> FloatArray:
        """Implied vol at ln(K/F) for an expiry `t_years` away."""
        return np.sqrt(np.maximum(self.total_variance(log_moneyness), 1e-12) / t_years)


def fit_svi(
    log_moneyness: FloatArray,
    vol: FloatArray,
    t_years: float,
    vol_tolerance: FloatArray | None = None,
) -> SviParams:
    """Raw SVI fitted to (ln(K/F), implied vol) by weighted least squares in total variance.

    `vol_tolerance` is how far each vol is known (half the bid/ask width over vega, decimal):
    a residual in total variance is ~2 sigma T times the vol residual, so each point is weighted
    by 1 / (2 sigma T tolerance) and the fit is, to first order, least squares in vol measured
    in bid/ask half-widths. Without tolerances every point counts the same in vol. Needs >= 5
    points.
    """
    k = np.asarray(log_moneyness, dtype=np.float64)
    sigma = np.asarray(vol, dtype=np.float64)
    tolerance = (
        np.full(k.shape, 0.01)
        if vol_tolerance is None
        else np.asarray(vol_tolerance, dtype=np.float64)
    )
    w = sigma**2 * t_years
    keep = np.isfinite(k) & np.isfinite(w) & (w > 0) & np.isfinite(tolerance) & (tolerance > 0)
    k, w, sigma, tolerance = k[keep], w[keep], sigma[keep], tolerance[keep]
    if k.size < 5:
        raise ValueError(f"only {k.size} usable quotes (an SVI smile needs at least 5)")
    weight = 1.0 / (2.0 * sigma * t_years * tolerance)
    span = max(float(np.ptp(k)), 1e-3)
    m_grid = np.linspace(k.min(), k.max(), 25)
    s_grid = np.geomspace(span * 1e-3, span * 2.0, 25)
    best = _svi_grid(k, w, weight, m_grid, s_grid)
    for _ in range(2):
        m_step = float(m_grid[1] - m_grid[0])
        s_ratio = float(s_grid[1] / s_grid[0])
        m_grid = np.linspace(best.m - m_step, best.m + m_step, 15)
        s_grid = np.geomspace(best.sigma / s_ratio, best.sigma * s_ratio, 15)
        refined = _svi_grid(k, w, weight, m_grid, s_grid)
        if _svi_cost(refined, k, w, weight) <= _svi_cost(best, k, w, weight):
            best = refined
    return best


def _svi_cost(params: SviParams, k: FloatArray, w: FloatArray, weight: FloatArray) -> float:
    return float(np.sum((weight * (params.total_variance(k) - w)) ** 2))


def _weighted_least_squares(
    columns: tuple[FloatArray, ...], weight: FloatArray, weighted_target: FloatArray
) -> list[FloatArray]:
    """Coefficients of `columns` (each (..., points)) fitting the target by weighted least
    squares, one solve per leading index (the normal equations, lightly regularised)."""
    basis = np.stack(columns, axis=-1) * weight[..., :, None]
    normal = np.matmul(basis.swapaxes(-1, -2), basis)
    rhs = np.matmul(basis.swapaxes(-1, -2), weighted_target)
    size = len(columns)
    normal += np.eye(size) * 1e-14 * np.trace(normal, axis1=-2, axis2=-1)[..., None, None]
    coef = np.linalg.solve(normal, rhs[..., None])[..., 0]
    return [coef[..., i] for i in range(size)]


def _node_cost(
    a: FloatArray,
    b: FloatArray,
    rho: FloatArray | float,
    y: FloatArray,
    root: FloatArray,
    weight: FloatArray,
    w: FloatArray,
) -> FloatArray:
    fitted = a[..., None] + b[..., None] * (np.asarray(rho)[..., None] * y + root)
    return np.asarray(np.sum((weight * (fitted - w)) ** 2, axis=-1), dtype=np.float64)


def _svi_grid(
    k: FloatArray, w: FloatArray, weight: FloatArray, m_grid: FloatArray, s_grid: FloatArray
) -> SviParams:
    """Best admissible raw SVI over the (m, sigma) grid, (a, b rho, b) by least squares."""
    m = m_grid[:, None, None]
    s = s_grid[None, :, None]
    y, root = np.broadcast_arrays(
        k[None, None, :] - m, np.sqrt((k[None, None, :] - m) ** 2 + s * s)
    )
    weighted_target = w * weight
    # w ~ a + c y + d root with c = b rho, d = b: weighted normal equations, batched over nodes.
    a, c, d = _weighted_least_squares((np.ones_like(root), y, root), weight, weighted_target)
    b = np.clip(d, 0.0, _MAX_WING_SLOPE)
    rho = np.clip(np.where(b > 0, c / np.where(b > 0, b, 1.0), 0.0), -0.999, 0.999)
    admissible = (d > 0) & (np.abs(c) < 0.999 * d)
    # Where the free solution is not a smile (d <= 0: concave; |rho| >= 1: steeper than a wing
    # can be, e.g. a short expiry's near-straight skew), the best admissible smile lies on the
    # boundary |rho| = 0.999, not at the free solution clipped (which flattened such a skew to
    # b = 0): solve there and keep what fits better.
    for edge in (-0.999, 0.999):
        a_e, b_e = _weighted_least_squares(
            (np.ones_like(root), edge * y + root), weight, weighted_target
        )
        b_e = np.maximum(b_e, 0.0)
        better = ~admissible & (
            _node_cost(a_e, b_e, edge, y, root, weight, w)
            < _node_cost(a, b, rho, y, root, weight, w)
        )
        a, b, rho = np.where(better, a_e, a), np.where(better, b_e, b), np.where(better, edge, rho)
    b = np.minimum(b, _MAX_WING_SLOPE / (1.0 + np.abs(rho)))
    s2 = s[..., 0]
    floor = -b * s2 * np.sqrt(1.0 - rho * rho)
    a = np.maximum(a, floor)
    fitted = a[..., None] + b[..., None] * (rho[..., None] * y + root)
    cost = np.sum((weight * (fitted - w)) ** 2, axis=-1)
    i, j = np.unravel_index(int(np.argmin(cost)), cost.shape)
    return SviParams(
        a=float(a[i, j]),
        b=float(b[i, j]),
        rho=float(rho[i, j]),
        m=float(m_grid[i]),
        sigma=float(s_grid[j]),
    )
