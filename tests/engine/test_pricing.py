"""BSM and Black-76 prices and greeks against QuantLib's analytic engines, plus no-arbitrage
properties, expiry handling, input checks and broadcasting."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from planner.engine.normal import CHUNK
from planner.engine.pricing import PriceGreeks, black76, black76_price, bsm, bsm_price

ql = pytest.importorskip("QuantLib", reason="QuantLib is the test-only pricing reference")

EVAL_DATE = ql.Date(15, ql.January, 2025)
DAY_COUNT = ql.Actual365Fixed()
REL_TOL = 1e-8
# Absolute floor for values that are ~0 (deep out of the money): 1e-12 of the underlying for
# money amounts, 1e-12 for delta, and the same scaled by 1/S^2 for gamma.
ABS_FLOOR = 1e-12
QL_CDF = ql.CumulativeNormalDistribution()
HYPOTHESIS = settings(max_examples=200, deadline=None)


@dataclass(frozen=True)
class Case:
    is_call: bool
    spot: float
    strike: float
    days: int
    rate: float
    div_yield: float
    vol: float


def quantlib_greeks(case: Case) -> tuple[float, float, float, float, float]:
    """Price, delta, gamma, vega per vol point, theta per day from AnalyticEuropeanEngine."""
    ql.Settings.instance().evaluationDate = EVAL_DATE
    process = ql.BlackScholesMertonProcess(
        ql.QuoteHandle(ql.SimpleQuote(case.spot)),
        ql.YieldTermStructureHandle(ql.FlatForward(EVAL_DATE, case.div_yield, DAY_COUNT)),
        ql.YieldTermStructureHandle(ql.FlatForward(EVAL_DATE, case.rate, DAY_COUNT)),
        ql.BlackVolTermStructureHandle(
            ql.BlackConstantVol(EVAL_DATE, ql.NullCalendar(), case.vol, DAY_COUNT)
        ),
    )
    option_type = ql.Option.Call if case.is_call else ql.Option.Put
    option = ql.VanillaOption(
        ql.PlainVanillaPayoff(option_type, case.strike),
        ql.EuropeanExercise(EVAL_DATE + case.days),
    )
    option.setPricingEngine(ql.AnalyticEuropeanEngine(process))
    return (
        option.NPV(),
        option.delta(),
        option.gamma(),
        option.vega() / 100.0,
        option.thetaPerDay(),
    )


def random_cases(seed: int, count: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(count):
        spot = float(np.exp(rng.uniform(np.log(5.0), np.log(8000.0))))
        vol = float(np.exp(rng.uniform(np.log(0.03), np.log(2.0))))
        # Days: a quarter of the cases one day out, the rest spread to two years.
        days = 1 if rng.random() < 0.25 else int(rng.integers(2, 731))
        # Log-moneyness up to +-6 standard deviations (deep ITM and OTM), some beyond.
        std_dev = vol * np.sqrt(days / 365.0)
        strike = spot * float(np.exp(rng.uniform(-7.0, 7.0) * std_dev))
        cases.append(
            Case(
                is_call=bool(rng.random() < 0.5),
                spot=spot,
                strike=strike,
                days=days,
                rate=float(rng.uniform(-0.01, 0.08)),
                div_yield=float(rng.uniform(0.0, 0.05)),
                vol=vol,
            )
        )
    return cases


def quantlib_cdf_error_bound(case: Case) -> tuple[float, float]:
    """Bounds on QuantLib's own error in the price and the delta from its normal CDF.

    QuantLib's CumulativeNormalDistribution switches to an asymptotic series below 1e-8 that is
    only ~1e-7 relative accurate near the switch (x around -5.7), and its puts use 1 - N(d), which
    carries 1.1e-16 absolute. Where our value differs from QuantLib's by less than these, it is
    QuantLib's error, so the comparison allows for them explicitly.
    """
    t = case.days / 365.0
    std_dev = case.vol * np.sqrt(t)
    d1 = (np.log(case.spot / case.strike) + (case.rate - case.div_yield) * t) / std_dev
    d1 += 0.5 * std_dev
    d2 = d1 - std_dev

    def cdf_error(x: float) -> float:
        exact = 0.5 * math.erfc(-x / math.sqrt(2.0))
        return abs(float(QL_CDF(x)) - exact) + 2.3e-16

    spot_disc = case.spot * np.exp(-case.div_yield * t)
    strike_disc = case.strike * np.exp(-case.rate * t)
    price_error = spot_disc * cdf_error(d1) + strike_disc * cdf_error(d2)
    return float(price_error), float(np.exp(-case.div_yield * t) * cdf_error(d1))


def assert_matches(ours: PriceGreeks, i: int, reference: tuple[float, ...], case: Case) -> None:
    scale = case.spot
    price_error, delta_error = quantlib_cdf_error_bound(case)
    # theta_QL = r V - (r - q) S delta - ..., so it inherits the price and delta errors.
    theta_error = (
        abs(case.rate) * price_error + abs(case.rate - case.div_yield) * scale * delta_error
    ) / 365.0
    floors = (
        ABS_FLOOR * scale + price_error,
        ABS_FLOOR + delta_error,
        ABS_FLOOR / scale,
        ABS_FLOOR * scale,
        ABS_FLOOR * scale + theta_error,
    )
    names = ("price", "delta", "gamma", "vega", "theta")
    for name, expected, floor in zip(names, reference, floors, strict=True):
        got = float(getattr(ours, name).reshape(-1)[i])
        assert abs(got - expected) <= REL_TOL * abs(expected) + floor, (
            f"{name}: ours {got!r} vs QuantLib {expected!r} for {case}"
        )


def vectors(cases: list[Case]) -> dict[str, np.ndarray]:
    return {
        "is_call": np.array([c.is_call for c in cases]),
        "spot": np.array([c.spot for c in cases]),
        "strike": np.array([c.strike for c in cases]),
        "t_years": np.array([c.days / 365.0 for c in cases]),
        "rate": np.array([c.rate for c in cases]),
        "div_yield": np.array([c.div_yield for c in cases]),
        "vol": np.array([c.vol for c in cases]),
    }


def assert_both_match_quantlib(
    ours: PriceGreeks, fast: NDArray[np.float64], cases: list[Case]
) -> None:
    """The greeks pass and the price-only path each agree with QuantLib on every case."""
    for i, case in enumerate(cases):
        reference = quantlib_greeks(case)
        assert_matches(ours, i, reference, case)
        price_error = quantlib_cdf_error_bound(case)[0]
        tolerance = REL_TOL * abs(reference[0]) + ABS_FLOOR * case.spot + price_error
        assert abs(fast[i] - reference[0]) <= tolerance


def test_bsm_matches_quantlib_random_sweep() -> None:
    cases = random_cases(seed=20250115, count=2500)
    v = vectors(cases)
    ours = bsm(**v)
    fast = bsm_price(**v)
    assert_both_match_quantlib(ours, fast, cases)


def test_black76_matches_quantlib_as_bsm_with_yield_equal_to_rate() -> None:
    # Black-76 on a future F discounted at r is BSM with S = F and q = r (QuantLib's own
    # greeks then are dV/dF and the theta with F held fixed).
    cases = [
        Case(c.is_call, c.spot / 200.0, c.strike / 200.0, c.days, c.rate, c.rate, c.vol)
        for c in random_cases(seed=76, count=1500)
    ]
    v = vectors(cases)
    ours = black76(v["is_call"], v["spot"], v["strike"], v["t_years"], v["rate"], v["vol"])
    fast = black76_price(v["is_call"], v["spot"], v["strike"], v["t_years"], v["rate"], v["vol"])
    assert_both_match_quantlib(ours, fast, cases)


def test_black76_price_matches_quantlib_black_calculator() -> None:
    rng = np.random.default_rng(3)
    forward = rng.uniform(12.0, 40.0, 300)
    strike = forward * np.exp(rng.uniform(-0.8, 1.5, 300))
    t_years = rng.integers(1, 200, 300) / 365.0
    vol = rng.uniform(0.4, 1.8, 300)
    rate = 0.043
    is_call = rng.random(300) < 0.7
    ours = black76_price(is_call, forward, strike, t_years, rate, vol)
    for i in range(300):
        option_type = ql.Option.Call if is_call[i] else ql.Option.Put
        calc = ql.BlackCalculator(
            ql.PlainVanillaPayoff(option_type, float(strike[i])),
            float(forward[i]),
            float(vol[i] * np.sqrt(t_years[i])),
            float(np.exp(-rate * t_years[i])),
        )
        assert ours[i] == pytest.approx(calc.value(), rel=REL_TOL, abs=ABS_FLOOR * forward[i])


@HYPOTHESIS
@given(
    is_call=st.booleans(),
    spot=st.floats(1.0, 10_000.0),
    log_moneyness=st.floats(-3.0, 3.0),
    days=st.integers(1, 1000),
    rate=st.floats(-0.02, 0.1),
    div_yield=st.floats(0.0, 0.08),
    vol=st.floats(0.01, 3.0),
)
def test_bsm_matches_quantlib_hypothesis(
    is_call: bool,
    spot: float,
    log_moneyness: float,
    days: int,
    rate: float,
    div_yield: float,
    vol: float,
) -> None:
    case = Case(is_call, spot, spot * float(np.exp(log_moneyness)), days, rate, div_yield, vol)
    v = vectors([case])
    assert_matches(bsm(**v), 0, quantlib_greeks(case), case)


def test_expiry_day_is_intrinsic() -> None:
    rng = np.random.default_rng(11)
    n = 400
    spot = rng.uniform(3000.0, 7000.0, n)
    strike = np.round(spot * rng.uniform(0.7, 1.3, n) / 5.0) * 5.0
    strike[:20] = np.round(spot[:20])
    spot[:20] = strike[:20]  # exactly at the money
    is_call = rng.random(n) < 0.5
    t_years = np.where(rng.random(n) < 0.5, 0.0, -1.0 / 365.0)
    vol = np.where(rng.random(n) < 0.5, 0.2, 0.0)  # a zero vol is fine once expired
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = bsm(is_call, spot, strike, t_years, 0.04, 0.01, vol)
        fast = bsm_price(is_call, spot, strike, t_years, 0.04, 0.01, vol)
        b76 = black76(is_call, spot, strike, t_years, 0.04, vol)
    for i in range(n):
        option_type = ql.Option.Call if is_call[i] else ql.Option.Put
        intrinsic = ql.PlainVanillaPayoff(option_type, float(strike[i]))(float(spot[i]))
        sign = 1.0 if is_call[i] else -1.0
        itm = sign * (spot[i] - strike[i])
        expected_delta = sign * (0.5 if itm == 0 else float(itm > 0))
        for result in (ours, b76):
            assert result.price[i] == intrinsic
            assert result.delta[i] == expected_delta
            assert result.gamma[i] == 0.0 and result.vega[i] == 0.0 and result.theta[i] == 0.0
        assert fast[i] == intrinsic


def test_one_day_to_expiry_matches_quantlib_across_strikes() -> None:
    strikes = np.arange(4000.0, 7005.0, 5.0)
    cases = [
        Case(is_call, 5500.0, float(k), 1, 0.043, 0.013, 0.14)
        for k in strikes
        for is_call in (True, False)
    ]
    v = vectors(cases)
    ours = bsm(**v)
    for i, case in enumerate(cases):
        assert_matches(ours, i, quantlib_greeks(case), case)


# --- no-arbitrage and shape properties -------------------------------------------------


@HYPOTHESIS
@given(
    spot=st.floats(1.0, 10_000.0),
    t_years=st.floats(1.0 / 365.0, 3.0),
    rate=st.floats(-0.02, 0.1),
    div_yield=st.floats(0.0, 0.08),
    vol=st.floats(0.02, 2.0),
)
def test_put_call_parity_and_bounds(
    spot: float, t_years: float, rate: float, div_yield: float, vol: float
) -> None:
    strikes = spot * np.exp(np.linspace(-2.0, 2.0, 81))
    call = bsm(True, spot, strikes, t_years, rate, div_yield, vol)
    put = bsm(False, spot, strikes, t_years, rate, div_yield, vol)
    spot_disc = spot * np.exp(-div_yield * t_years)
    strike_disc = strikes * np.exp(-rate * t_years)
    tol = 1e-12 * (spot + strikes)
    assert np.all(np.abs((call.price - put.price) - (spot_disc - strike_disc)) <= tol)
    # Calls fall and puts rise with the strike.
    assert np.all(np.diff(call.price) <= tol[1:])
    assert np.all(np.diff(put.price) >= -tol[1:])
    # Worth at least the discounted intrinsic value, never more than the discounted bound.
    assert np.all(call.price >= np.maximum(spot_disc - strike_disc, 0.0) - tol)
    assert np.all(put.price >= np.maximum(strike_disc - spot_disc, 0.0) - tol)
    assert np.all(call.price <= spot_disc + tol)
    assert np.all(put.price <= strike_disc + tol)
    for result in (call, put):
        assert np.all(result.gamma >= 0.0) and np.all(result.vega >= 0.0)
    # Near the money vega is strictly positive and the same for calls and puts.
    near = np.abs(np.log(strikes / spot)) < 0.5 * vol * np.sqrt(t_years)
    assert np.all(call.vega[near] > 0.0)
    assert np.allclose(call.vega, put.vega, rtol=1e-12, atol=0.0)
    assert np.allclose(call.delta - put.delta, np.exp(-div_yield * t_years), rtol=0.0, atol=1e-14)


def test_greeks_match_finite_differences_of_the_fast_price() -> None:
    spot, strike, t_years, rate, div_yield, vol = 5500.0, 5400.0, 30 / 365, 0.043, 0.013, 0.18
    for is_call in (True, False):
        g = bsm(is_call, spot, strike, t_years, rate, div_yield, vol)

        def price(s: float = spot, t: float = t_years, v: float = vol, c: bool = is_call) -> float:
            return float(bsm_price(c, s, strike, t, rate, div_yield, v))

        h = 0.05
        assert g.delta == pytest.approx((price(spot + h) - price(spot - h)) / (2 * h), rel=1e-7)
        assert g.gamma == pytest.approx(
            (price(spot + h) - 2 * price() + price(spot - h)) / h**2, rel=1e-5
        )
        assert g.vega == pytest.approx((price(v=vol + 1e-4) - price(v=vol - 1e-4)) / 2e-4 / 100)
        day = 1.0 / 365.0
        assert g.theta == pytest.approx((price(t=t_years - day / 100) - price()) * 100, rel=1e-4)


def test_broadcasting_legs_by_points_and_chunking() -> None:
    rng = np.random.default_rng(5)
    legs, points = 7, CHUNK // 3 + 11  # blocks of several rows, with a ragged last block
    is_call = rng.random((legs, 1)) < 0.5
    strike = rng.uniform(4000.0, 7000.0, (legs, 1))
    t_years = rng.uniform(0.0, 0.5, (legs, 1))
    t_years[0, 0] = 0.0  # one expired leg among live ones
    spot = np.linspace(3500.0, 7500.0, points)[None, :]
    vol = rng.uniform(0.1, 0.5, (legs, points))
    grid = bsm_price(is_call, spot, strike, t_years, 0.04, 0.01, vol)
    assert grid.shape == (legs, points)
    for leg in range(legs):
        for point in (0, 1, points // 2, points - 1):
            single = bsm_price(
                is_call[leg, 0],
                spot[0, point],
                strike[leg, 0],
                t_years[leg, 0],
                0.04,
                0.01,
                vol[leg, point],
            )
            assert grid[leg, point] == pytest.approx(float(single), rel=1e-14, abs=1e-12)
    greeks = bsm(is_call, spot, strike, t_years, 0.04, 0.01, vol)
    assert np.allclose(greeks.price, grid, rtol=1e-12, atol=1e-9)
    for field in ("delta", "gamma", "vega", "theta"):
        assert getattr(greeks, field).shape == (legs, points)
    # A long 1-D vector (more than one chunk) and a 3-D shape.
    long_spot = np.linspace(4000.0, 7000.0, 2 * CHUNK + 5)
    line = bsm_price(True, long_spot, 5500.0, 0.1, 0.04, 0.01, 0.2)
    assert line.shape == long_spot.shape
    assert line[-1] == pytest.approx(float(bsm_price(True, 7000.0, 5500.0, 0.1, 0.04, 0.01, 0.2)))
    cube = bsm_price(
        np.array([True, False])[:, None, None],
        spot[:, None, :50],
        strike[None, :, :],
        0.1,
        0.04,
        0.01,
        0.2,
    )
    assert cube.shape == (2, legs, 50)
    assert cube[1, 2, 3] == pytest.approx(
        float(bsm_price(False, spot[0, 3], strike[2, 0], 0.1, 0.04, 0.01, 0.2)), rel=1e-14
    )
    assert bsm_price(True, 100.0, 100.0, 0.1, 0.0, 0.0, 0.2).shape == ()


def test_extreme_inputs_raise_no_floating_point_warnings() -> None:
    strike = np.array([1e-3, 1.0, 99.0, 100.0, 101.0, 1e4, 1e8])[:, None]
    vol = np.array([1e-12, 1e-6, 0.2, 5.0])[None, :, None]
    t_years = np.array([0.0, 1e-9, 1.0 / 365.0, 30.0])[None, None, :]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            for is_call in (True, False):
                for fn in (bsm_price, lambda *a: bsm(*a).price):
                    price = fn(is_call, 100.0, strike[:, :, None], t_years, 0.05, 0.02, vol)
                    assert np.all(np.isfinite(price)) and np.all(price >= 0.0)
                result = bsm(is_call, 100.0, strike[:, :, None], t_years, 0.05, 0.02, vol)
                for field in ("delta", "gamma", "vega", "theta"):
                    assert np.all(np.isfinite(getattr(result, field)))
                f76 = black76(is_call, 20.0, strike[:, :, None], t_years, 0.05, vol)
                assert np.all(np.isfinite(f76.price)) and np.all(np.isfinite(f76.theta))
    # Tiny vol one day out: the price is the discounted forward intrinsic value.
    tiny = bsm_price(True, 100.0, 90.0, 1.0 / 365.0, 0.05, 0.02, 1e-12)
    expected = 100.0 * np.exp(-0.02 / 365.0) - 90.0 * np.exp(-0.05 / 365.0)
    assert float(tiny) == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"spot": 0.0}, "spot must be > 0"),
        ({"spot": -5.0}, "spot must be > 0"),
        ({"strike": 0.0}, "strike must be > 0"),
        ({"vol": 0.0}, "vol must be > 0"),
        ({"vol": -0.2}, "vol must be > 0"),
        ({"spot": np.nan}, "spot must be finite"),
        ({"t_years": np.inf}, "t_years must be finite"),
        ({"rate": np.nan}, "rate must be finite"),
        ({"div_yield": np.inf}, "div_yield must be finite"),
        ({"strike": "abc"}, "strike must be numeric"),
        ({"is_call": np.array([1.0])}, "is_call must be a bool array"),
        ({"strike": np.ones(3), "spot": np.ones(4)}, "do not broadcast"),
    ],
)
def test_invalid_inputs_raise_clear_errors(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {
        "is_call": True,
        "spot": 100.0,
        "strike": 100.0,
        "t_years": 0.1,
        "rate": 0.04,
        "div_yield": 0.01,
        "vol": 0.2,
    }
    args.update(kwargs)
    for fn in (bsm_price, bsm):
        with pytest.raises(ValueError, match=message):
            fn(**args)  # type: ignore[arg-type]


def test_black76_names_the_forward_in_errors() -> None:
    with pytest.raises(ValueError, match="forward must be > 0"):
        black76_price(True, 0.0, 20.0, 0.1, 0.04, 0.9)
