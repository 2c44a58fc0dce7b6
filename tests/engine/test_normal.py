"""norm_cdf / norm_pdf against an independent 60-digit reference and against math.erfc."""

from __future__ import annotations

import math
import warnings
from decimal import Decimal, localcontext

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.engine.normal import CHUNK, norm_cdf, norm_pdf

_PI = Decimal("3.14159265358979323846264338327950288419716939937510582097494459")


def _erfc_series(z: Decimal) -> Decimal:
    # erf(z) = 2/sqrt(pi) e^{-z^2} sum_n (2 z^2)^n z / (1 3 5 ... (2n+1)): all terms positive.
    term = z
    total = z
    n = 0
    two_z2 = 2 * z * z
    while term > Decimal(10) ** -75 * total:
        n += 1
        term = term * two_z2 / (2 * n + 1)
        total += term
    return 1 - 2 / _PI.sqrt() * (-z * z).exp() * total


def _erfc_fraction(z: Decimal, depth: int) -> Decimal:
    # erfc(z) = e^{-z^2}/sqrt(pi) / (z + (1/2)/(z + (2/2)/(z + (3/2)/(z + ...)))).
    frac = z
    for k in range(depth, 0, -1):
        frac = z + Decimal(k) / 2 / frac
    return (-z * z).exp() / _PI.sqrt() / frac


def phi_reference(x: float) -> float:
    """Phi(x) from the exact binary value of x, to ~50 significant digits."""
    with localcontext() as ctx:
        ctx.prec = 70
        xd = Decimal(x)
        z = abs(xd) / Decimal(2).sqrt()
        erfc = _erfc_series(z) if z < 3 else _erfc_fraction(z, 2500)
        lower = erfc / 2
        return float(lower if xd < 0 else 1 - lower)


def pdf_reference(x: float) -> float:
    with localcontext() as ctx:
        ctx.prec = 70
        xd = Decimal(x)
        return float((-xd * xd / 2).exp() / (2 * _PI).sqrt())


def test_reference_methods_agree_where_they_meet() -> None:
    with localcontext() as ctx:
        ctx.prec = 70
        for z in (Decimal(3), Decimal("3.5"), Decimal(5)):
            series = _erfc_series(z)
            fraction = _erfc_fraction(z, 2500)
            assert abs(series / fraction - 1) < Decimal(10) ** -30


# Dense over every Cody region and the region edges, down to where Phi leaves normal floats.
GRID = np.concatenate(
    [
        np.linspace(-37.5, 9.0, 1201),
        np.array([0.46875, 4.0]) * math.sqrt(2.0),
        np.nextafter(np.array([0.46875, 4.0]) * math.sqrt(2.0), 0.0),
        -np.array([0.46875, 4.0]) * math.sqrt(2.0),
        np.array([0.0, 1e-300, -1e-300, 1e-8, -1e-8]),
    ]
)


def test_cdf_matches_high_precision_reference_on_dense_grid() -> None:
    expected = np.array([phi_reference(float(v)) for v in GRID])
    got = norm_cdf(GRID)
    rel = np.abs(got - expected) / expected
    assert rel.max() < 3e-15, f"worst at x={GRID[rel.argmax()]}: {rel.max():.2e}"


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=-37.5, max_value=12.0, allow_nan=False))
def test_cdf_matches_reference_hypothesis(x: float) -> None:
    expected = phi_reference(x)
    got = float(norm_cdf(np.array([x]))[0])
    assert abs(got - expected) <= 3e-15 * expected


def test_cdf_matches_math_erfc_on_dense_grid() -> None:
    x = np.linspace(-37.5, 9.0, 100_001)
    expected = np.array([0.5 * math.erfc(-v / math.sqrt(2.0)) for v in x])
    got = norm_cdf(x)
    # math.erfc sees -x/sqrt(2) rounded (and rounds exp(-z^2) inside), which alone moves Phi by
    # up to ~x^2 * 2.2e-16 relative -- 3e-13 at x = -37.5 -- so the bound widens with x^2.
    tolerance = 3e-15 + 6e-16 * x * x
    assert np.all(np.abs(got - expected) <= tolerance * expected)


def test_cdf_upper_side_matches_math_erf() -> None:
    x = np.linspace(-0.7, 9.0, 20_001)
    expected = np.array([0.5 * (1.0 + math.erf(v / math.sqrt(2.0))) for v in x])
    assert np.allclose(norm_cdf(x), expected, rtol=1e-15, atol=0.0)


def test_cdf_symmetry_and_special_values() -> None:
    x = np.linspace(-8.0, 8.0, 4001)
    assert np.allclose(norm_cdf(x) + norm_cdf(-x), 1.0, rtol=0.0, atol=2.3e-16)
    special = norm_cdf(np.array([-np.inf, np.inf, np.nan, 0.0, -40.0, 40.0]))
    assert special[0] == 0.0 and special[1] == 1.0 and np.isnan(special[2])
    assert special[3] == 0.5 and special[4] == 0.0 and special[5] == 1.0


def test_cdf_is_monotone_through_region_edges() -> None:
    for edge in (0.46875 * math.sqrt(2.0), 4.0 * math.sqrt(2.0)):
        for side in (-1.0, 1.0):
            x = side * edge + np.linspace(-1e-6, 1e-6, 2001)
            assert np.all(np.diff(norm_cdf(x)) >= 0.0)


def test_pdf_matches_reference() -> None:
    expected = np.array([pdf_reference(float(v)) for v in GRID])
    got = norm_pdf(GRID)
    assert np.all(np.abs(got - expected) <= 2e-15 * expected)


def test_shapes_chunks_and_no_warnings() -> None:
    rng = np.random.default_rng(7)
    x = rng.normal(0.0, 6.0, size=(3, CHUNK + 17))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            cdf = norm_cdf(x)
            pdf = norm_pdf(x)
            scalar = norm_cdf(-1.5)
    assert cdf.shape == x.shape and pdf.shape == x.shape and scalar.shape == ()
    sample = [(1, 5), (2, CHUNK), (0, CHUNK + 16)]
    for i, j in sample:
        assert cdf[i, j] == pytest.approx(phi_reference(float(x[i, j])), rel=3e-15)
    # Non-contiguous input gives the same numbers as its contiguous copy.
    assert np.array_equal(norm_cdf(x[:, ::3]), norm_cdf(np.ascontiguousarray(x[:, ::3])))
