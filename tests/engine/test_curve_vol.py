"""Futures curve, spot-vol map, futures betas and vol surfaces against hand calculations."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from planner.engine.curve import futures_curve
from planner.engine.errors import EngineInputError
from planner.engine.spot_vol_map import futures_beta, map_vix
from planner.engine.vol import default_spx_iv, spx_vol_shift, vix_option_vol, vov_scale
from planner.model.plan import LEGACY_STRESS_SPOT_VOL as STRESS_SPOT_VOL  # DESIGN.md's figures
from planner.model.plan import LEGACY_TYPICAL_SPOT_VOL as TYPICAL_SPOT_VOL
from planner.model.plan import FuturePoint

from .conftest import FUTURES, VALUATION


def test_curve_interpolates_linearly_in_days_from_spot() -> None:
    curve = futures_curve(16.4, FUTURES, VALUATION)
    assert curve.days.tolist() == [26, 61, 89, 117]
    assert curve.future(0.0) == pytest.approx(16.4)
    # Half way between spot (day 0) and the Dec future (day 26).
    assert curve.future(13.0) == pytest.approx((16.4 + 17.6) / 2)
    # Between Dec (26d, 17.6) and Jan (61d, 18.3): 10 days in of 35.
    assert curve.future(36.0) == pytest.approx(17.6 + 0.7 * 10 / 35)
    # Flat beyond the last point, and negative tenors clamp to spot.
    assert curve.future(400.0) == pytest.approx(19.4)
    assert curve.future(-5.0) == pytest.approx(16.4)
    assert curve.basis(26.0) == pytest.approx(1.2)


def test_term_structure_state_and_slope() -> None:
    contango = futures_curve(16.4, FUTURES, VALUATION).term_structure()
    assert contango.state == "contango"
    assert contango.front_basis_pts == pytest.approx(1.2)
    # Least-squares slope through (0,16.4),(26,17.6),(61,18.3),(89,18.9),(117,19.4), per month.
    x = np.array([0, 26, 61, 89, 117.0])
    y = np.array([16.4, 17.6, 18.3, 18.9, 19.4])
    expected = np.polyfit(x, y, 1)[0] * 365.25 / 12
    assert contango.slope_pts_per_month == pytest.approx(expected)

    spiked = [FuturePoint(expiry=p.expiry, price=40.0 - i) for i, p in enumerate(FUTURES)]
    back = futures_curve(45.0, spiked, VALUATION).term_structure()
    assert back.state == "backwardation"
    assert back.slope_pts_per_month < 0

    flat = futures_curve(16.4, (), VALUATION)
    assert flat.term_structure().state == "flat"
    assert flat.future(100.0) == pytest.approx(16.4)


def test_curve_with_one_point_and_expired_points() -> None:
    past = FuturePoint(expiry=dt.date(2026, 11, 18), price=30.0)
    one = futures_curve(16.4, [past, FUTURES[0]], VALUATION)
    assert one.days.tolist() == [26]
    assert one.future(100.0) == pytest.approx(17.6)


def test_curve_refuses_bad_spot() -> None:
    with pytest.raises(EngineInputError, match="VIX"):
        futures_curve(0.0, FUTURES, VALUATION)
    with pytest.raises(EngineInputError, match="VIX"):
        futures_curve(float("nan"), FUTURES, VALUATION)


def test_spot_vol_map_points_per_percent() -> None:
    spx0, vix0 = 7450.0, 16.4
    down10 = map_vix(spx0 * 0.9, spx0, vix0, TYPICAL_SPOT_VOL, 9.0)
    assert float(down10) == pytest.approx(16.4 + 1.5 * 10)
    stress = map_vix(spx0 * 0.95, spx0, vix0, STRESS_SPOT_VOL, 9.0)
    assert float(stress) == pytest.approx(16.4 + 2.8 * 5)
    up5 = map_vix(spx0 * 1.05, spx0, vix0, TYPICAL_SPOT_VOL, 9.0)
    assert float(up5) == pytest.approx(16.4 - 0.9 * 5)
    # Floored at 9 for a big rally.
    assert float(map_vix(spx0 * 1.15, spx0, vix0, TYPICAL_SPOT_VOL, 9.0)) == pytest.approx(9.0)
    # With VIX already below the floor, an unchanged SPX keeps today's VIX.
    assert float(map_vix(spx0, spx0, 8.0, TYPICAL_SPOT_VOL, 9.0)) == pytest.approx(8.0)


def test_futures_betas_match_the_design_figures() -> None:
    a, p = TYPICAL_SPOT_VOL.beta_a, TYPICAL_SPOT_VOL.beta_p
    betas = futures_beta(np.array([7.0, 30.0, 90.0]), a, p)
    assert betas[0] == pytest.approx(0.75)
    # DESIGN.md: about 0.45 at a month and 0.3 at three months.
    assert betas[1] == pytest.approx(0.75 * (30 / 7) ** -0.4)
    assert 0.40 < betas[1] < 0.47
    assert 0.27 < betas[2] < 0.33
    # At expiry a future is spot; very short tenors are capped at 1.
    assert futures_beta(0.0, a, p) == pytest.approx(1.0)
    assert futures_beta(1.0, a, p) == pytest.approx(1.0)


def _strike_for_delta(target: float, call: bool, spot: float, t: float, atm: float) -> float:
    """Bisection on the smile's own delta (the vol at each strike feeds its delta)."""
    r, q = 0.04, 0.013

    def delta(k: float) -> float:
        iv = float(default_spx_iv(k, spot, t, r, q, atm, 5.5, 1.8))
        d1 = (math.log(spot / k) + (r - q + iv * iv / 2) * t) / (iv * math.sqrt(t))
        n = 0.5 * math.erfc(-d1 / math.sqrt(2)) if call else -0.5 * math.erfc(d1 / math.sqrt(2))
        return math.exp(-q * t) * n

    low, high = spot * 0.3, spot * 1.7
    for _ in range(200):
        mid = (low + high) / 2
        # Both call and put deltas fall as the strike rises.
        if delta(mid) > target:
            low = mid
        else:
            high = mid
    return (low + high) / 2


@pytest.mark.parametrize("days", [7, 49, 120])
def test_default_spx_skew_lies_in_the_design_ranges(days: int) -> None:
    """DESIGN.md: 10-delta put ~ ATM + 8-12, 25-delta put ~ +4-7, 10-delta call ~ -2 (VIX ~16)."""
    spot, t, atm = 7450.0, days / 365, 0.164

    def excess_vol_pts(target: float, call: bool) -> float:
        strike = _strike_for_delta(target, call, spot, t, atm)
        return 100 * (float(default_spx_iv(strike, spot, t, 0.04, 0.013, atm, 5.5, 1.8)) - atm)

    assert 4.0 <= excess_vol_pts(-0.25, call=False) <= 7.0
    assert 8.0 <= excess_vol_pts(-0.10, call=False) <= 12.5
    assert excess_vol_pts(0.10, call=True) == pytest.approx(-2.0, abs=0.3)
    forward = spot * math.exp((0.04 - 0.013) * t)
    at_forward = float(default_spx_iv(forward, spot, t, 0.04, 0.013, atm, 5.5, 1.8))
    assert at_forward == pytest.approx(atm)


def test_spx_vol_response_and_vix_option_vol() -> None:
    # +10 VIX points: a 30-day leg gains 10 vol points, a 7-day leg more, a 120-day leg less.
    shift = spx_vol_shift(10.0, np.array([30.0, 7.0, 120.0]), 0.3)
    assert shift[0] == pytest.approx(0.10)
    assert shift[1] == pytest.approx(0.10 * (7 / 30) ** -0.3)
    assert shift[2] < 0.10

    at_money = vix_option_vol(30.0, 20.0, 20.0, 0.9, 0.35, 0.25, 0.1)
    assert float(at_money) == pytest.approx(0.9)
    otm = vix_option_vol(60.0, 30.0, 20.0, 0.9, 0.35, 0.25, 0.1)
    assert float(otm) == pytest.approx(0.9 * 2**-0.35 * (1 + 0.25 * math.log(1.5)))
    assert float(vov_scale(40.0, 16.0, 0.5, 2.0)) == pytest.approx(math.sqrt(2.5))
    assert float(vov_scale(80.0, 16.0, 0.5, 2.0)) == pytest.approx(2.0)


def test_contango_damping_of_the_futures_beta() -> None:
    from planner.engine.spot_vol_map import scenario_futures
    from planner.model.plan import STRESS_SPOT_VOL as FITTED_STRESS

    tau = np.array([9.0, 44.0, 72.0])
    base = futures_beta(tau, 1.0, 0.0, 0.873, 4.25)
    # No sensitivity, or a flat curve: the curve-free beta.
    np.testing.assert_array_equal(futures_beta(tau, 1.0, 0.0, 0.873, 4.25, 0.0, 0.2), base)
    np.testing.assert_array_equal(futures_beta(tau, 1.0, 0.0, 0.873, 4.25, 1.79, 0.0), base)
    # Contango (future above spot) damps the response by 1 - c B/V0, backwardation lifts it,
    # never above 1 and never below 0; at expiry a future is spot VIX whatever the curve.
    contango = futures_beta(tau, 1.0, 0.0, 0.873, 4.25, 1.79, 0.1)
    np.testing.assert_allclose(contango, base * (1 - 0.179), rtol=1e-12)
    inverted = futures_beta(tau, 1.0, 0.0, 0.873, 4.25, 1.79, -0.5)
    np.testing.assert_allclose(inverted, np.minimum(base * 1.895, 1.0), rtol=1e-12)
    assert float(futures_beta(30.0, 1.0, 0.0, 0.873, 4.25, 1.79, 1.0)) == 0.0
    assert float(futures_beta(0.0, 1.0, 0.0, 0.873, 4.25, 1.79, 0.3)) == 1.0
    # The public scenario function reads B(tau)/V0 off today's curve.
    curve = futures_curve(16.4, FUTURES, VALUATION)
    got = scenario_futures(curve, tau, 30.0, FITTED_STRESS)
    ratio = curve.basis(tau) / 16.4
    beta = futures_beta(tau, 1.0, 0.0, 0.873, 4.25, 1.79, ratio)
    np.testing.assert_allclose(got, 16.4 + curve.basis(tau) + beta * (30.0 - 16.4), rtol=1e-12)


def test_skew_share_grows_with_atm_up_to_the_cap() -> None:
    strikes_z = np.array([-2.0, -1.0, 0.3, 1.0])  # in ATM standard deviations

    def relative_skew(atm: float, cap: float) -> np.ndarray:
        t = 30 / 365
        k = 100.0 * np.exp(strikes_z * atm * math.sqrt(t))
        vols = default_spx_iv(
            k,
            100.0,
            t,
            0.0,
            0.0,
            atm,
            5.63,
            7.40,
            skew_level_exponent=2.0,
            call_wing_z=0.52,
            skew_level_cap_atm=cap,
        )
        return vols / atm - 1.0

    at_20 = relative_skew(0.20, 0.20)
    # Below the cap the share is proportional to ATM (exponent 2); past it, fixed.
    np.testing.assert_allclose(relative_skew(0.10, 0.20), 0.5 * at_20, rtol=1e-12)
    np.testing.assert_allclose(relative_skew(0.45, 0.20), at_20, rtol=1e-12)
    # 30 days, 20 % ATM: 5.63 / 20 of ATM per unit of z on the put side, 7.40 / 20 on the
    # call side down to z = 0.52, flat beyond.
    np.testing.assert_allclose(
        at_20, [2 * 5.63 / 20, 5.63 / 20, -0.3 * 7.40 / 20, -0.52 * 7.40 / 20], rtol=1e-12
    )
    # A cap no ATM reaches is the plain power law (old plans: 10).
    np.testing.assert_allclose(relative_skew(0.45, 10.0), (0.45 / 0.2) * at_20, rtol=1e-12)
