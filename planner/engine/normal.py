"""Standard normal CDF and PDF on numpy arrays, accurate to a few ulps far into the tails.

The CDF is built on W. J. Cody, "Rational Chebyshev approximations for the error function",
Mathematics of Computation 23 (1969), 631-637 -- the coefficient sets of his SPECFUN routine
CALERF, also behind Cephes `ndtr`. Three regions of y = |x|/sqrt(2):

- y <= 0.46875:      erf(y) = y * A(y^2) / B(y^2), and Phi(x) = (1 + erf(x/sqrt 2)) / 2;
- 0.46875 < y <= 4:  erfc(y) = exp(-y^2) * C(y) / D(y);
- y > 4:             erfc(y) = exp(-y^2) / y * (1/sqrt(pi) - s P(s) / Q(s)),  s = 1/y^2.

Outside the first region the lower tail is Phi(-|x|) = erfc(|x|/sqrt 2) / 2, so deep
out-of-the-money probabilities keep full relative precision (1 - Phi would cancel). The factor
exp(-x^2/2) is computed from x itself, not from the rounded y, with x split so that the square is
exact (the same idea as Cody's own split of y); otherwise the rounding of x^2 alone would cost
x^2/2 ulps -- about 1e-13 relative at x = -38.

Each element is evaluated in its own region only (gather, evaluate, scatter), because this is the
pricing hot path: a 200 x 5000 scenario grid calls it twice per price. Work is done in chunks of
`CHUNK` elements in per-thread scratch buffers with `out=` everywhere: fresh multi-megabyte
temporaries cost more in page faults than the arithmetic itself (measured ~10x on the 2-core VMs
this runs on), and chunk-sized buffers stay in cache.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "CDF_FLOATS_USED",
    "CHUNK",
    "Workspace",
    "norm_cdf",
    "norm_cdf_into",
    "norm_pdf",
    "per_thread",
    "workspace",
]

FloatArray = NDArray[np.float64]

# Cody (1969) / CALERF coefficients, as published, in CALERF's Horner order.
# erf on |y| <= 0.46875: numerator A (A[4] is the leading term), monic denominator B.
_A = (
    3.16112374387056560e00,
    1.13864154151050156e02,
    3.77485237685302021e02,
    3.20937758913846947e03,
    1.85777706184603153e-1,
)
_B = (
    2.36012909523441209e01,
    2.44024637934444173e02,
    1.28261652607737228e03,
    2.84423683343917062e03,
)
# erfc * exp(y^2) on 0.46875 < y <= 4: numerator C (C[8] leads), monic denominator D.
_C = (
    5.64188496988670089e-1,
    8.88314979438837594e00,
    6.61191906371416295e01,
    2.98635138197400131e02,
    8.81952221241769090e02,
    1.71204761263407058e03,
    2.05107837782607147e03,
    1.23033935479799725e03,
    2.15311535474403846e-8,
)
_D = (
    1.57449261107098347e01,
    1.17693950891312499e02,
    5.37181101862009858e02,
    1.62138957456669019e03,
    3.29079923573345963e03,
    4.36261909014324716e03,
    3.43936767414372164e03,
    1.23033935480374942e03,
)
# asymptotic part of erfc * y * exp(y^2) for y > 4, in s = 1/y^2: numerator P (P[5] leads),
# monic denominator Q.
_P = (
    3.05326634961232344e-1,
    3.60344899949804439e-1,
    1.25781726111229246e-1,
    1.60837851487422766e-2,
    6.58749161529837803e-4,
    1.63153871373020978e-2,
)
_Q = (
    2.56852019228982242e00,
    1.87295284992346047e00,
    5.27905102951428412e-1,
    6.05183413124413191e-2,
    2.33520497626869185e-3,
)
_ONE_OVER_SQRT_PI = 5.6418958354775628695e-1
_ONE_OVER_SQRT_2 = 0.70710678118654752440
_ONE_OVER_SQRT_2PI = 0.39894228040143267794

# Region edges in x (Cody's 0.46875 and 4 are edges in y = |x|/sqrt 2).
_X_SMALL = 0.46875 * 1.41421356237309504880
_X_TAIL = 4.0 * 1.41421356237309504880
# Phi(-40) ~ 3.7e-350 underflows to 0; clipping there keeps inf inputs free of inf - inf.
_X_CLIP = 40.0
# Splitting constant for the exact square: adding and subtracting 1.5 * 2^31 rounds |x| < 2^30
# to a multiple of 2^-21 (the ulp at 2^31); for |x| <= 40 that has at most 27 significant bits,
# so its square is exact in float64. (np.rint is ~30x slower than this on fractional input.)
_SPLIT_SHIFTER = 1.5 * 2.0**31


# Elements per chunk: 384 KiB per float buffer, about what a pricing batch needs to take a plan
# like the sample (~21,500 options, two CDF inputs each) in one call, and large enough that
# numpy's per-call overhead (~1 us) stays a few per cent of the work.
CHUNK = 49152
# Scratch buffers norm_cdf_into uses; callers keep their own data in the ones after these.
CDF_FLOATS_USED = 7


class Workspace:
    """Chunk-sized scratch buffers, reused across calls (one set per thread)."""

    def __init__(self, n_float: int = 16, n_bool: int = 4) -> None:
        self.floats = [np.empty(CHUNK, dtype=np.float64) for _ in range(n_float)]
        self.bools = [np.empty(CHUNK, dtype=np.bool_) for _ in range(n_bool)]


_LOCAL = threading.local()
_T = TypeVar("_T")


def per_thread(key: str, make: Callable[[], _T]) -> _T:
    """This thread's object named `key`, made on first use: scratch memory is reused across
    calls (no fresh pages to fault in) and never shared between threads."""
    value: _T | None = getattr(_LOCAL, key, None)
    if value is None:
        value = make()
        setattr(_LOCAL, key, value)
    return value


def workspace() -> Workspace:
    """This thread's scratch buffers (created on first use)."""
    return per_thread("workspace", Workspace)


def _exp_neg_half_square_into(
    x: FloatArray, out: FloatArray, t1: FloatArray, t2: FloatArray
) -> None:
    """out = exp(-x^2/2) to a few ulps for |x| <= 40 (x unchanged)."""
    np.add(x, _SPLIT_SHIFTER, out=t1)
    t1 -= _SPLIT_SHIFTER  # x_hi, whose square is exact
    np.subtract(x, t1, out=t2)
    np.add(x, t1, out=out)
    t2 *= out
    t2 *= 0.5  # u = (x^2 - x_hi^2)/2, below 1e-5, so exp(-u) = 1 - u + u^2/2 to 1e-16
    np.multiply(t2, 0.5, out=out)
    out -= 1.0
    out *= t2
    out += 1.0
    np.multiply(t1, t1, out=t2)
    t2 *= -0.5
    np.exp(t2, out=t2)
    out *= t2


def _rational_into(
    t: FloatArray,
    numerator: tuple[float, ...],
    denominator: tuple[float, ...],
    out: FloatArray,
    den: FloatArray,
) -> None:
    """out = P(t) / Q(t) by Horner in CALERF's order: P leads with numerator[-1], then
    numerator[0] ... numerator[-2]; Q is monic, then denominator[0] ... denominator[-1]."""
    np.multiply(t, numerator[-1], out=out)
    np.copyto(den, t)
    for p, q in zip(numerator[:-2], denominator[:-1], strict=True):
        out += p
        out *= t
        den += q
        den *= t
    out += numerator[-2]
    den += denominator[-1]
    out /= den


def _cdf_small_into(
    x: FloatArray, out: FloatArray, z: FloatArray, s: FloatArray, den: FloatArray
) -> None:
    """out = Phi(x) for |x| <= 0.6629 via Cody's erf rational."""
    np.multiply(x, _ONE_OVER_SQRT_2, out=z)
    np.multiply(z, z, out=s)
    _rational_into(s, _A, _B, out, den)
    out *= z
    out *= 0.5
    out += 0.5


def _lower_tail_mid_into(
    a: FloatArray, out: FloatArray, y: FloatArray, den: FloatArray, _t3: FloatArray
) -> None:
    """out = Phi(-a) for 0.6629 < a <= 5.657 via Cody's erfc rational."""
    np.multiply(a, _ONE_OVER_SQRT_2, out=y)
    _rational_into(y, _C, _D, out, den)
    out *= 0.5
    # Plain exp(-a^2/2) here: rounding a^2 costs a^2/2 * 1.1e-16, at most 1.8e-15 relative at
    # a = 5.66; the exact split is kept for the far tail, where it would reach 1e-13.
    np.multiply(a, a, out=y)
    y *= -0.5
    np.exp(y, out=y)
    out *= y


def _lower_tail_far_into(
    a: FloatArray, out: FloatArray, s: FloatArray, den: FloatArray, t3: FloatArray
) -> None:
    """out = Phi(-a) for a > 5.657 via Cody's asymptotic erfc rational (a is clipped in place)."""
    np.minimum(a, _X_CLIP, out=a)
    np.multiply(a, a, out=s)
    np.divide(2.0, s, out=s)  # 1/y^2 with y = a/sqrt 2
    _rational_into(s, _P, _Q, out, den)
    out *= s
    np.subtract(_ONE_OVER_SQRT_PI, out, out=out)
    out /= a
    out *= _ONE_OVER_SQRT_2  # erfc(y)/2 = exp(-y^2) * (...) / y / 2, and 1/(2y) = (1/sqrt 2)/a
    _exp_neg_half_square_into(a, s, den, t3)
    out *= s


def norm_cdf_into(x: FloatArray, out: FloatArray, ws: Workspace) -> None:
    """out = Phi(x) for 1-D x of at most CHUNK elements, using ws.floats[:CDF_FLOATS_USED].

    Under-flows in the far tail are expected; the caller runs under np.errstate(under="ignore").
    """
    n = x.shape[0]
    f = ws.floats
    abs_x = f[0][:n]
    np.abs(x, out=abs_x)
    is_small, is_far, is_mid, is_positive = (b[:n] for b in ws.bools)
    np.less_equal(abs_x, _X_SMALL, out=is_small)
    np.greater(abs_x, _X_TAIL, out=is_far)
    # NaN fails both tests and lands in the middle region, where it simply propagates.
    np.logical_or(is_small, is_far, out=is_mid)
    np.logical_not(is_mid, out=is_mid)
    for region, mask in enumerate((is_small, is_mid, is_far)):
        k = int(np.count_nonzero(mask))
        if k == 0:
            continue
        index: NDArray[np.intp] | None = None
        if k == n:
            part_x, dest = x, out
        else:
            index = np.flatnonzero(mask)
            part_x = np.take(x, index, out=f[2][:k])
            dest = f[3][:k]
        t1, t2, t3 = f[4][:k], f[5][:k], f[6][:k]
        if region == 0:
            _cdf_small_into(part_x, dest, t1, t2, t3)
        else:
            part_abs = abs_x if k == n else np.abs(part_x, out=f[1][:k])
            if region == 1:
                _lower_tail_mid_into(part_abs, dest, t1, t2, t3)
            else:
                _lower_tail_far_into(part_abs, dest, t1, t2, t3)
            # Phi(x) is the lower tail for x < 0 and 1 - lower tail for x > 0.
            positive = is_positive[:k]
            np.greater(part_x, 0.0, out=positive)
            np.subtract(1.0, dest, out=dest, where=positive)
        if index is not None:
            out[index] = dest


def norm_cdf(x: ArrayLike) -> FloatArray:
    """Standard normal cumulative distribution Phi(x), elementwise, same shape as x.

    Relative error is a few 1e-16 wherever Phi(x) is a normal float (x >= -37.5); NaN stays
    NaN, -inf gives 0 and +inf gives 1.
    """
    xa = np.asarray(x, dtype=np.float64)
    flat = xa.reshape(-1)
    out = np.empty(flat.shape, dtype=np.float64)
    ws = workspace()
    with np.errstate(under="ignore"):
        for start in range(0, flat.shape[0], CHUNK):
            stop = start + CHUNK
            norm_cdf_into(flat[start:stop], out[start:stop], ws)
    return out.reshape(xa.shape)


def norm_pdf(x: ArrayLike) -> FloatArray:
    """Standard normal density phi(x) = exp(-x^2/2)/sqrt(2 pi), elementwise, same shape as x.

    The square is formed exactly, so the relative error stays at a few ulps deep in the tails.
    """
    xa = np.asarray(x, dtype=np.float64)
    flat = xa.reshape(-1)
    out = np.empty(flat.shape, dtype=np.float64)
    f = workspace().floats
    with np.errstate(under="ignore"):
        for start in range(0, flat.shape[0], CHUNK):
            chunk = flat[start : start + CHUNK]
            n = chunk.shape[0]
            abs_x = f[0][:n]
            np.abs(chunk, out=abs_x)
            np.minimum(abs_x, _X_CLIP, out=abs_x)
            _exp_neg_half_square_into(abs_x, out[start : start + n], f[1][:n], f[2][:n])
    out *= _ONE_OVER_SQRT_2PI
    return out.reshape(xa.shape)
