"""The VIX term vol the default smile's ATM is a share of (`AtmReference.TERM`, #10)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.engine.curve import CurveHistory, futures_curve, strip_midpoint_days, term_vix
from planner.engine.types import AtmReference
from planner.model.plan import FuturePoint

from .conftest import FUTURES, VALUATION

LEVELS = st.floats(min_value=8.0, max_value=90.0)
TENORS = st.floats(min_value=0.0, max_value=800.0)


def test_hand_calculation() -> None:
    curve = futures_curve(16.4, FUTURES, VALUATION)  # Dec 26 d 17.6, Jan 61 d 18.3, ...
    # To 30 days: spot VIX.
    assert curve.smile_reference(21.0, AtmReference.TERM) == pytest.approx(16.4)
    # 82 days: 30 days of spot VIX, 52 of the strip read at 26 days (the Dec future, 17.6):
    # sqrt((30 * 16.4^2 + 52 * 17.6^2) / 82) = sqrt((8068.8 + 16107.5) / 82) = 17.171.
    expected = np.sqrt((30 * 16.4**2 + 52 * 17.6**2) / 82)
    assert curve.smile_reference(82.0, AtmReference.TERM) == pytest.approx(expected)
    assert float(expected) == pytest.approx(17.171, abs=1e-3)
    # The version-4 reference is the future at the expiry itself.
    assert curve.smile_reference(82.0, AtmReference.FUTURE) == pytest.approx(curve.future(82.0))


@settings(max_examples=200, deadline=None)
@given(spot=LEVELS, strip=LEVELS, tau=TENORS)
def test_term_vix_is_a_variance_average_of_spot_and_strip(
    spot: float, strip: float, tau: float
) -> None:
    value = float(term_vix(spot, strip, tau))
    assert min(spot, strip) - 1e-9 <= value <= max(spot, strip) + 1e-9
    if tau <= 30.0:
        assert value == pytest.approx(spot)
    # The longer the option, the more of the strip it holds.
    longer = float(term_vix(spot, strip, tau + 30.0))
    assert abs(longer - strip) <= abs(value - strip) + 1e-9


@settings(max_examples=50, deadline=None)
@given(level=LEVELS, tau=TENORS)
def test_a_flat_curve_gives_its_level_at_every_tenor(level: float, tau: float) -> None:
    points = [FuturePoint(expiry=VALUATION + dt.timedelta(days=d), price=level) for d in (20, 60)]
    curve = futures_curve(level, points, VALUATION)
    assert float(curve.smile_reference(tau, AtmReference.TERM)) == pytest.approx(level)


def test_strip_midpoint() -> None:
    np.testing.assert_array_equal(strip_midpoint_days([0.0, 30.0, 50.0, 90.0]), [0, 0, 10, 30])


def test_history_reads_the_same_as_each_days_curve() -> None:
    """The replay's per-day curves give what `FuturesCurve` gives for that day's market."""
    spot = np.array([16.4, 25.0])
    knot_days = np.array([[26.0, 61.0, 89.0], [12.0, 47.0, 75.0]])
    prices = np.array([[17.6, 18.3, 18.9], [23.0, 21.5, np.nan]])
    history = CurveHistory(spot=spot, knot_days=knot_days, knot_prices=prices)
    taus = np.array([5.0, 31.0, 80.0, 200.0])
    for day in range(2):
        live = np.isfinite(prices[day])
        points = [
            FuturePoint(expiry=VALUATION + dt.timedelta(days=int(d)), price=float(p))
            for d, p in zip(knot_days[day][live], prices[day][live], strict=True)
        ]
        curve = futures_curve(float(spot[day]), points, VALUATION)
        for reference in AtmReference:
            got = history.smile_reference(np.full(taus.size, day), taus, reference)
            np.testing.assert_allclose(got, curve.smile_reference(taus, reference), rtol=1e-12)


def test_vix9d_sets_the_short_end() -> None:
    curve = futures_curve(16.4, FUTURES, VALUATION, vix9d=14.0)
    term = AtmReference.TERM
    # To 9 days: VIX9D. At 30 days: spot VIX. Between, the variance is interpolated in time:
    # forward variance 9-30 d = (30 * 16.4^2 - 9 * 14^2) / 21 = (8068.8 - 1764) / 21 = 300.23;
    # at 20 days sqrt((9 * 196 + 11 * 300.23) / 20) = 15.92.
    assert curve.smile_reference(5.0, term) == pytest.approx(14.0)
    assert curve.smile_reference(9.0, term) == pytest.approx(14.0)
    assert curve.smile_reference(30.0, term) == pytest.approx(16.4)
    forward = (30 * 16.4**2 - 9 * 14.0**2) / 21
    assert forward == pytest.approx(300.23, abs=0.01)
    assert curve.smile_reference(20.0, term) == pytest.approx(
        np.sqrt((9 * 196 + 11 * forward) / 20)
    )
    # Past 30 days VIX9D plays no part; nor in the futures the VIX options price on.
    plain = futures_curve(16.4, FUTURES, VALUATION)
    taus = np.array([31.0, 60.0, 200.0])
    np.testing.assert_array_equal(
        curve.smile_reference(taus, term), plain.smile_reference(taus, term)
    )
    np.testing.assert_array_equal(curve.future(taus), plain.future(taus))
    assert curve.smile_reference(20.0, AtmReference.FUTURE) == plain.future(20.0)


@settings(max_examples=200, deadline=None)
@given(spot=LEVELS, vix9d=LEVELS, tau=st.floats(min_value=0.0, max_value=30.0))
def test_the_short_end_lies_between_vix9d_and_its_forward(
    spot: float, vix9d: float, tau: float
) -> None:
    value = float(term_vix(spot, spot, tau, vix9d))
    forward = np.sqrt(max((30 * spot**2 - 9 * vix9d**2) / 21, 0.0))
    assert min(vix9d, forward) - 1e-9 <= value <= max(vix9d, forward) + 1e-9
    # A VIX9D equal to spot VIX changes nothing.
    assert float(term_vix(spot, spot, tau, spot)) == pytest.approx(float(term_vix(spot, spot, tau)))


def test_a_bad_vix9d_is_refused() -> None:
    from planner.engine.errors import EngineInputError

    with pytest.raises(EngineInputError, match="VIX9D must be a positive number"):
        futures_curve(16.4, FUTURES, VALUATION, vix9d=0.0)
