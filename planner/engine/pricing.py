"""European option prices and analytic greeks: Black-Scholes-Merton (SPX) and Black-76 (VIX).

Conventions (DESIGN.md section 3, matching QuantLib's analytic engines):

- prices and greeks are per contract per 1 unit of underlying (no multiplier);
- `vega` is per 1 vol point: dV/dsigma / 100;
- `theta` is per calendar day: dV/dt / 365, t being calendar time passing with spot (or the
  future) held fixed -- QuantLib's `thetaPerDay()`; negative for a long option as a rule;
- Black-76 `delta` is dV/dF, the future's delta;
- at or past expiry (`t_years <= 0`) the value is intrinsic, delta is +1/-1/0 by moneyness and
  exactly +0.5/-0.5 at the money (the average of the two one-sided limits), and gamma, vega and
  theta are 0.

Every argument broadcasts (legs as shape (L, 1), scenario points as (1, N)); `is_call` is a
bool array. The price uses one formula for calls and puts with w = +1 / -1:
    V = w * (S e^{-qT} N(w d1) - K e^{-rT} N(w d2)).
Black-76 on a future F discounted at r is exactly BSM with S = F and q = r.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from planner.engine.conventions import DAYS_PER_YEAR
from planner.engine.normal import (
    CDF_FLOATS_USED,
    CHUNK,
    Workspace,
    norm_cdf,
    norm_cdf_into,
    norm_pdf,
    workspace,
)

__all__ = [
    "PriceGreeks",
    "black76",
    "black76_call_delta",
    "black76_price",
    "bsm",
    "bsm_price",
    "price_prepared",
]

FloatArray = NDArray[np.float64]

_VOL_POINT = 100.0


@dataclass(frozen=True, slots=True)
class PriceGreeks:
    """Price and greeks per contract per 1 unit of underlying, all of the broadcast shape."""

    price: FloatArray
    delta: FloatArray
    gamma: FloatArray
    vega: FloatArray  # per 1 vol point
    theta: FloatArray  # per calendar day


@dataclass(frozen=True, slots=True)
class _Inputs:
    sign: FloatArray  # w: +1 call, -1 put
    spot: FloatArray
    strike: FloatArray
    t_years: FloatArray
    rate: FloatArray
    div_yield: FloatArray
    vol: FloatArray
    shape: tuple[int, ...]
    any_expired: bool


def _as_float(name: str, value: ArrayLike) -> FloatArray:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric, got {value!r:.80}") from exc
    if arr.size and not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite (got NaN or infinity)")
    return arr


def _require_positive(name: str, arr: FloatArray) -> None:
    if arr.size and not arr.min() > 0.0:
        raise ValueError(f"{name} must be > 0 (smallest given: {arr.min():g})")


def _inputs(
    is_call: ArrayLike,
    spot: ArrayLike,
    strike: ArrayLike,
    t_years: ArrayLike,
    rate: ArrayLike,
    div_yield: ArrayLike,
    vol: ArrayLike,
    spot_name: str,
) -> _Inputs:
    call = np.asarray(is_call)
    if call.dtype != np.bool_:
        raise ValueError(f"is_call must be a bool array, got dtype {call.dtype}")
    s = _as_float(spot_name, spot)
    k = _as_float("strike", strike)
    t = _as_float("t_years", t_years)
    r = _as_float("rate", rate)
    q = _as_float("div_yield", div_yield)
    v = _as_float("vol", vol)
    _require_positive(spot_name, s)
    _require_positive("strike", k)
    try:
        shape = np.broadcast_shapes(
            call.shape, s.shape, k.shape, t.shape, r.shape, q.shape, v.shape
        )
    except ValueError as exc:
        raise ValueError(f"option inputs do not broadcast together: {exc}") from exc
    expired = t <= 0.0
    any_expired = bool(expired.any())
    if v.size and not v.min() > 0.0:
        # A zero vol is harmless on an expired leg, which is valued at intrinsic.
        if np.any((v <= 0.0) & ~expired):
            raise ValueError("vol must be > 0 for options before expiry")
        v = np.where(v > 0.0, v, 1.0)
    if any_expired:
        t = np.where(expired, 1.0, t)  # placeholder; expired elements are replaced afterwards
    sign = np.where(call, 1.0, -1.0)
    return _Inputs(sign, s, k, t, r, q, v, shape, any_expired)


def _apply_expiry(
    inp: _Inputs, t_years: ArrayLike, underlying: FloatArray, live_value: FloatArray, fill: str
) -> FloatArray:
    """Replace expired elements: intrinsic value (fill='price'), 1/-1/0/0.5 ('delta') or 0."""
    expired = np.asarray(t_years, dtype=np.float64) <= 0.0
    if fill == "price":
        dead = np.maximum(inp.sign * (underlying - inp.strike), 0.0)
    elif fill == "delta":
        moneyness = np.sign(underlying - inp.strike)
        dead = inp.sign * np.where(moneyness == 0.0, 0.5, moneyness * inp.sign > 0.0)
    else:
        dead = np.zeros(())
    return np.asarray(np.where(expired, dead, live_value), dtype=np.float64)


# Options per pricing block: N(w d1) and N(w d2) of a block go through the CDF as one array of
# twice this length, which must fit the CDF's chunk-sized scratch buffers.
PRICE_BLOCK = CHUNK // 2


def _blocks(shape: tuple[int, ...]) -> list[tuple[slice, slice]]:
    """(row, column) slices of a (R, C) grid in blocks of at most PRICE_BLOCK elements."""
    rows, cols = shape
    if cols >= PRICE_BLOCK:
        return [
            (slice(r, r + 1), slice(c, c + PRICE_BLOCK))
            for r in range(rows)
            for c in range(0, cols, PRICE_BLOCK)
        ]
    per_block = max(1, PRICE_BLOCK // max(cols, 1))
    return [(slice(r, r + per_block), slice(None)) for r in range(0, rows, per_block)]


def _as_grid(arr: FloatArray, shape: tuple[int, ...]) -> FloatArray:
    """arr broadcast to `shape`, viewed as 2-D (rows = first axis), without a copy if possible."""
    full = np.broadcast_to(arr, shape)
    if len(shape) == 0:
        return full.reshape(1, 1)
    if len(shape) == 1:
        return full.reshape(1, shape[0])
    return full.reshape(shape[0], -1)


def _price_block(
    ws: Workspace,
    out: FloatArray,
    sign: FloatArray,
    moneyness: FloatArray,
    std_dev: FloatArray,
    spot_value: FloatArray,
    strike_value: FloatArray,
) -> None:
    """out = w (S e^{-qT} N(w d1) - K e^{-rT} N(w d2)) on one block, in scratch buffers.

    moneyness = ln(S/K) + (r - q) T, std_dev = sigma sqrt(T), spot_value = S e^{-qT} and
    strike_value = K e^{-rT}; each broadcasts to out's shape (at most PRICE_BLOCK elements).
    Uses ws.floats up to index CDF_FLOATS_USED + 2.
    """
    n = out.size
    shape = out.shape
    f = ws.floats[CDF_FLOATS_USED:]
    # w d1 and w d2 side by side in one buffer, so one CDF call (half the per-call overhead)
    # serves both; n <= PRICE_BLOCK keeps the pair within a chunk.
    both_wd, both_cdf = f[0][: 2 * n], f[1][: 2 * n]
    wd1, wd2 = both_wd[:n].reshape(shape), both_wd[n:].reshape(shape)
    cdf1, cdf2 = both_cdf[:n].reshape(shape), both_cdf[n:].reshape(shape)
    w_std_dev = f[2][:n].reshape(shape)
    np.divide(moneyness, std_dev, out=wd1)
    np.multiply(std_dev, 0.5, out=wd2)
    wd1 += wd2  # d1
    wd1 *= sign  # w d1
    np.multiply(std_dev, sign, out=w_std_dev)
    np.subtract(wd1, w_std_dev, out=wd2)  # w d2 = w d1 - w sigma sqrt(T)
    norm_cdf_into(both_wd, both_cdf, ws)
    cdf1 *= spot_value
    cdf2 *= strike_value
    np.subtract(cdf1, cdf2, out=out)
    out *= sign


def price_prepared(
    sign: FloatArray,
    moneyness: FloatArray,
    std_dev: FloatArray,
    spot_value: FloatArray,
    strike_value: FloatArray,
    out: FloatArray | None = None,
) -> FloatArray:
    """BSM / Black-76 values of options whose terms are already formed (at most 2-D, broadcast).

    The scenario kernel's entry point: it forms these terms per block of (leg, point) pairs,
    whatever the underlying (Black-76 is BSM with S = F and q = r), and gathers small blocks
    into one call, so numpy's per-call overhead is paid once. No validation and no expiry
    handling: every option must have T > 0 and sigma > 0 (`bsm_price` checks and handles both);
    sign is +1 for a call, -1 for a put, the other terms are as in `_price_block`. With `out`
    (a contiguous buffer at least that large) the values are written there and a view returned.
    """
    terms = (sign, moneyness, std_dev, spot_value, strike_value)
    shape = np.broadcast_shapes(*(t.shape for t in terms))
    if out is None:
        out = np.empty(shape, dtype=np.float64)
    else:
        # Reused memory: the first elements of `out`, viewed in the terms' shape.
        out = out.reshape(-1)[: int(np.prod(shape))].reshape(shape)
    grid_out = out.reshape(_as_grid(out, shape).shape)
    grids = [_as_grid(t, shape) for t in terms]
    ws = workspace()
    with np.errstate(under="ignore", over="ignore", divide="ignore"):
        for rows, cols in _blocks(grid_out.shape):
            _price_block(ws, grid_out[rows, cols], *(g[rows, cols] for g in grids))
    return out


def bsm_price(
    is_call: ArrayLike,
    spot: ArrayLike,
    strike: ArrayLike,
    t_years: ArrayLike,
    rate: ArrayLike,
    div_yield: ArrayLike,
    vol: ArrayLike,
) -> FloatArray:
    """Black-Scholes-Merton price with continuous dividend yield (the fast path for big grids)."""
    return _price(is_call, spot, strike, t_years, rate, div_yield, vol, "spot")


def _price(
    is_call: ArrayLike,
    spot: ArrayLike,
    strike: ArrayLike,
    t_years: ArrayLike,
    rate: ArrayLike,
    div_yield: ArrayLike,
    vol: ArrayLike,
    spot_name: str,
) -> FloatArray:
    inp = _inputs(is_call, spot, strike, t_years, rate, div_yield, vol, spot_name)
    shape = inp.shape
    # Terms that depend on the leg only (or the point only) are formed on their own small shapes.
    log_spot = np.log(inp.spot)
    log_strike = np.log(inp.strike)
    drift = (inp.rate - inp.div_yield) * inp.t_years
    sqrt_t = np.sqrt(inp.t_years)
    spot_disc = np.exp(-inp.div_yield * inp.t_years)
    strike_value = inp.strike * np.exp(-inp.rate * inp.t_years)
    out = np.empty(shape, dtype=np.float64)
    grid_out = out.reshape(_as_grid(out, shape).shape)
    grids = [
        _as_grid(op, shape)
        for op in (inp.sign, log_spot, log_strike, drift, inp.vol, sqrt_t, inp.spot, spot_disc)
    ]
    strike_grid = _as_grid(strike_value, shape)
    ws = workspace()
    # Three block-sized buffers after the ones _price_block uses.
    scratch = ws.floats[CDF_FLOATS_USED + 3 : CDF_FLOATS_USED + 6]
    with np.errstate(under="ignore", over="ignore", divide="ignore"):
        for rows, cols in _blocks(grid_out.shape):
            dest = grid_out[rows, cols]
            sign, lsp, lst, dr, v, st, sp, sd = (g[rows, cols] for g in grids)
            moneyness, std_dev, spot_value = (b[: dest.size].reshape(dest.shape) for b in scratch)
            np.subtract(lsp, lst, out=moneyness)
            moneyness += dr
            np.multiply(v, st, out=std_dev)
            np.multiply(sp, sd, out=spot_value)
            _price_block(ws, dest, sign, moneyness, std_dev, spot_value, strike_grid[rows, cols])
    if inp.any_expired:
        out = _apply_expiry(inp, t_years, inp.spot, out, "price")
    return out


def bsm(
    is_call: ArrayLike,
    spot: ArrayLike,
    strike: ArrayLike,
    t_years: ArrayLike,
    rate: ArrayLike,
    div_yield: ArrayLike,
    vol: ArrayLike,
) -> PriceGreeks:
    """Black-Scholes-Merton price and analytic greeks (see the module doc for units)."""
    return _greeks(is_call, spot, strike, t_years, rate, div_yield, vol, "spot")


def _greeks(
    is_call: ArrayLike,
    spot: ArrayLike,
    strike: ArrayLike,
    t_years: ArrayLike,
    rate: ArrayLike,
    div_yield: ArrayLike,
    vol: ArrayLike,
    spot_name: str,
) -> PriceGreeks:
    inp = _inputs(is_call, spot, strike, t_years, rate, div_yield, vol, spot_name)
    w, s, k, t, r, q, v = (
        inp.sign,
        inp.spot,
        inp.strike,
        inp.t_years,
        inp.rate,
        inp.div_yield,
        inp.vol,
    )
    with np.errstate(under="ignore", over="ignore", divide="ignore", invalid="ignore"):
        sqrt_t = np.sqrt(t)
        std_dev = v * sqrt_t
        d1 = (np.log(s / k) + (r - q) * t) / std_dev + 0.5 * std_dev
        d2 = d1 - std_dev
        spot_disc = s * np.exp(-q * t)
        strike_disc = k * np.exp(-r * t)
        # Both CDFs in one call: it has a fixed cost that dominates for a handful of legs.
        both = norm_cdf(np.stack(np.broadcast_arrays(w * d1, w * d2)))
        cdf1, cdf2 = both[0], both[1]
        # S e^{-qT} n(d1): shared by gamma, vega and theta.
        density = spot_disc * norm_pdf(d1)
        price = w * (spot_disc * cdf1 - strike_disc * cdf2)
        delta = w * np.exp(-q * t) * cdf1
        gamma = density / (s * s * std_dev)
        vega = density * sqrt_t / _VOL_POINT
        theta_year = -density * v / (2.0 * sqrt_t) + w * (
            q * spot_disc * cdf1 - r * strike_disc * cdf2
        )
        theta = theta_year / DAYS_PER_YEAR
    fields = [price, delta, gamma, vega, theta]
    if inp.any_expired:
        fills = ["price", "delta", "zero", "zero", "zero"]
        fields = [
            _apply_expiry(inp, t_years, s, f, fill) for f, fill in zip(fields, fills, strict=True)
        ]
    # Fields are fresh arrays; only those that did not reach the full shape need a copy.
    full = [
        f if f.shape == inp.shape else np.array(np.broadcast_to(f, inp.shape), dtype=np.float64)
        for f in fields
    ]
    return PriceGreeks(*full)


def black76_price(
    is_call: ArrayLike,
    forward: ArrayLike,
    strike: ArrayLike,
    t_years: ArrayLike,
    rate: ArrayLike,
    vol: ArrayLike,
) -> FloatArray:
    """Black-76 price of an option on a future `forward`, discounted at `rate`."""
    return _price(is_call, forward, strike, t_years, rate, rate, vol, "forward")


def black76(
    is_call: ArrayLike,
    forward: ArrayLike,
    strike: ArrayLike,
    t_years: ArrayLike,
    rate: ArrayLike,
    vol: ArrayLike,
) -> PriceGreeks:
    """Black-76 price and greeks; delta is dV/dF (see the module doc for units)."""
    return _greeks(is_call, forward, strike, t_years, rate, rate, vol, "forward")


def black76_call_delta(
    forward: FloatArray, strike: FloatArray, t_years: FloatArray, rate: float, vol: FloatArray
) -> FloatArray:
    """Black-76 call delta e^{-rT} N(d1) alone, for a strike search over a whole listed grid
    (a full greeks pass there would cost more than the rest of the ALVH analysis). Same
    conventions as `black76`: at or past expiry 1 / 0 by moneyness and 0.5 at the money."""
    sd = vol * np.sqrt(t_years)
    with np.errstate(divide="ignore", invalid="ignore"):
        d1 = np.log(forward / strike) / sd + 0.5 * sd
    at_expiry = np.where(forward > strike, 1.0, np.where(forward < strike, 0.0, 0.5))
    delta: FloatArray = np.where(
        t_years > 0.0,
        np.exp(-rate * t_years) * norm_cdf(np.where(sd > 0, d1, 0.0)),
        at_expiry,
    )
    return delta
