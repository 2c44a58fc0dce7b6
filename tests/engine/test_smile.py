"""Implied vol, parity forward and the SVI fit (planner.engine.smile)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.engine.pricing import black76_price
from planner.engine.smile import SviParams, fit_svi, implied_vol, parity_forward


@settings(max_examples=60, deadline=None)
@given(
    vol=st.floats(0.03, 1.5),
    log_k=st.floats(-0.4, 0.3),
    days=st.integers(1, 700),
    is_call=st.booleans(),
)
def test_implied_vol_inverts_black(vol: float, log_k: float, days: int, is_call: bool) -> None:
    forward, t = 4500.0, days / 365.0
    strike = forward * np.exp(log_k)
    discount = np.exp(-0.03 * t)
    price = discount * black76_price(is_call, forward, strike, t, 0.0, vol)
    intrinsic = max(forward - strike, 0.0) if is_call else max(strike - forward, 0.0)
    if price / discount - intrinsic < 1e-9 * forward:
        return  # no time value left to carry a vol
    found = implied_vol(is_call, price, forward, strike, t, discount)
    assert found == pytest.approx(vol, rel=1e-6, abs=1e-6)


def test_implied_vol_is_nan_outside_the_bounds() -> None:
    below_intrinsic = implied_vol(True, 90.0, 4600.0, 4500.0, 0.1, 1.0)
    above_forward = implied_vol(True, 4700.0, 4600.0, 4500.0, 0.1, 1.0)
    assert np.isnan(below_intrinsic) and np.isnan(above_forward)


@settings(max_examples=40, deadline=None)
@given(
    forward=st.floats(1000.0, 8000.0),
    rate=st.floats(-0.01, 0.08),
    days=st.integers(2, 400),
)
def test_parity_recovers_forward_and_discount(forward: float, rate: float, days: int) -> None:
    t = days / 365.0
    discount = float(np.exp(-rate * t))
    strike = np.arange(round(forward * 0.9 / 5) * 5, forward * 1.1, 5.0)
    vol = 0.2 - 0.3 * np.log(strike / forward)
    call = discount * black76_price(True, forward, strike, t, 0.0, vol)
    put = discount * black76_price(False, forward, strike, t, 0.0, vol)
    found_forward, found_discount = parity_forward(strike, call, put, np.full(strike.size, 0.5))
    assert found_forward == pytest.approx(forward, rel=1e-9)
    assert found_discount == pytest.approx(discount, rel=1e-9)


def test_parity_needs_two_strikes() -> None:
    with pytest.raises(ValueError, match="fewer than two strikes"):
        parity_forward(
            np.array([100.0, 105.0]),
            np.array([5.0, np.nan]),
            np.array([4.0, 6.0]),
            np.array([0.2, 0.2]),
        )


def test_svi_fit_recovers_a_known_smile() -> None:
    t = 45 / 365.0
    truth = SviParams(a=0.002, b=0.06, rho=-0.7, m=0.02, sigma=0.08)
    k = np.linspace(-0.35, 0.12, 60)
    vol = truth.vol(k, t)
    fitted = fit_svi(k, vol, t)
    assert np.max(np.abs(fitted.vol(k, t) - vol)) < 5e-4  # 0.05 vol points


def test_svi_fit_stays_admissible_on_noise() -> None:
    rng = np.random.default_rng(7)
    t = 30 / 365.0
    k = np.linspace(-0.3, 0.1, 40)
    vol = 0.2 - 0.4 * k + rng.normal(0, 0.01, k.size)
    fitted = fit_svi(k, vol, t)
    assert fitted.b >= 0 and abs(fitted.rho) < 1
    assert fitted.b * (1 + abs(fitted.rho)) <= 2.0 + 1e-12
    assert np.all(fitted.total_variance(np.linspace(-2, 2, 201)) >= -1e-12)


def test_svi_fit_needs_five_points() -> None:
    with pytest.raises(ValueError, match="at least 5"):
        fit_svi(np.array([0.0, 0.1]), np.array([0.2, 0.19]), 0.1)


def test_atm_share_of_the_vix_future_is_held_within_floor_and_cap() -> None:
    from planner.engine.vol import atm_spx_vol, model_atm_vol
    from planner.model.plan import LEGACY_MODEL_PARAMS, V3_MODEL_PARAMS, ModelParams

    # The level term with its clamp, as version-3 plans (the two-chain fit) still use it.
    fitted = V3_MODEL_PARAMS
    futures = np.array([8.0, 12.0, 21.0, 24.7, 40.0, 80.0])
    share = model_atm_vol(futures, fitted) * 100.0 / futures
    power = fitted.atm_iv_ratio * (futures / 20.0) ** fitted.atm_level_exponent
    np.testing.assert_allclose(
        share, np.clip(power, fitted.atm_ratio_floor, fitted.atm_ratio_cap), rtol=1e-12
    )
    assert share[0] == pytest.approx(fitted.atm_ratio_floor)  # calm markets: floor
    assert share[-1] == pytest.approx(fitted.atm_ratio_cap)  # crises: never above the cap
    assert fitted.atm_ratio_floor < share[2] < share[3] < fitted.atm_ratio_cap  # the chains
    # The version-4 default (four chains, VIX 12.4-23.2): one share at every VIX level.
    shipped = ModelParams()
    np.testing.assert_allclose(
        model_atm_vol(futures, shipped), shipped.atm_iv_ratio * futures / 100, rtol=1e-12
    )
    # The turn-1 parameters are the plain 0.9 x F_vix of old plans.
    np.testing.assert_allclose(model_atm_vol(futures, LEGACY_MODEL_PARAMS), 0.9 * futures / 100)
    np.testing.assert_allclose(atm_spx_vol(futures, 0.9), 0.9 * futures / 100)
