"""Iron condor strike selection by BSM delta, checked against closed-form strikes."""

from __future__ import annotations

import datetime as dt
import math
from statistics import NormalDist

import numpy as np
import pytest

from planner.engine.condor import (
    iron_condor_strikes,
    model_iron_condor,
    model_vol_for_strike,
)
from planner.engine.pricing import bsm
from planner.model.plan import FuturePoint, Market, Plan

SPOT, RATE, DIV = 7450.0, 0.04, 0.013
T = 49 / 365


def flat(vol: float):  # type: ignore[no-untyped-def]
    return lambda strikes: np.full_like(np.asarray(strikes, dtype=np.float64), vol)


def strike_for_delta(delta: float, vol: float, is_call: bool) -> float:
    """Invert BSM delta in closed form: delta = +/- e^{-qT} N(+/- d1)."""
    n_inv = NormalDist().inv_cdf(delta * math.exp(DIV * T))
    d1 = n_inv if is_call else -n_inv
    return SPOT * math.exp((RATE - DIV + 0.5 * vol * vol) * T - d1 * vol * math.sqrt(T))


@pytest.mark.parametrize("target", [0.10, 0.16, 0.25])
def test_flat_vol_strikes_match_the_closed_form(target: float) -> None:
    vol = 0.17
    condor = iron_condor_strikes(SPOT, T, RATE, DIV, flat(vol), target, target, 50.0)
    exact_put = strike_for_delta(target, vol, is_call=False)
    exact_call = strike_for_delta(target, vol, is_call=True)
    # Nearest listed strike by delta is one of the two grid points around the exact strike.
    assert abs(condor.short_put - exact_put) <= 5.0
    assert abs(condor.short_call - exact_call) <= 5.0
    assert condor.short_put % 5 == 0 and condor.short_call % 5 == 0
    assert condor.long_put == condor.short_put - 50.0
    assert condor.long_call == condor.short_call + 50.0
    assert condor.short_put_delta == pytest.approx(-target, abs=0.01)
    assert condor.short_call_delta == pytest.approx(target, abs=0.01)


def test_chosen_strike_beats_its_neighbours() -> None:
    skewed = lambda k: 0.16 + 0.25 * np.maximum(0.0, np.log(SPOT / np.asarray(k)))  # noqa: E731
    condor = iron_condor_strikes(SPOT, T, RATE, DIV, skewed, 0.16, 0.16, 50.0)

    def put_delta_error(k: float) -> float:
        vol = float(skewed(np.array([k]))[0])
        return abs(float(bsm(False, SPOT, k, T, RATE, DIV, vol).delta) + 0.16)

    best = put_delta_error(condor.short_put)
    assert best <= put_delta_error(condor.short_put - 5.0)
    assert best <= put_delta_error(condor.short_put + 5.0)
    # The put skew pushes the 16-delta put further out than a flat vol at the ATM level would.
    flat_condor = iron_condor_strikes(SPOT, T, RATE, DIV, flat(0.16), 0.16, 0.16, 50.0)
    assert condor.short_put < flat_condor.short_put


def test_wing_width_snaps_to_the_grid() -> None:
    condor = iron_condor_strikes(SPOT, T, RATE, DIV, flat(0.17), 0.16, 0.16, 52.0)
    assert condor.short_put - condor.long_put == 50.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"short_put_delta": 0.6}, "short put delta"),
        ({"short_call_delta": 0.0}, "short call delta"),
        ({"wing_width_pts": -10.0}, "wing width"),
        ({"wing_width_pts": float("nan")}, "wing width"),
    ],
)
def test_bad_inputs_name_the_problem(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        iron_condor_strikes(SPOT, T, RATE, DIV, flat(0.17), **kwargs)  # type: ignore[arg-type]


def test_wing_below_zero_is_refused() -> None:
    with pytest.raises(ValueError, match="lowest strike"):
        iron_condor_strikes(100.0, T, RATE, DIV, flat(0.2), 0.16, 0.16, 500.0)


def test_model_condor_uses_the_default_smile() -> None:
    plan = Plan(
        valuation_date=dt.date(2026, 11, 20),
        capital_usd=250_000.0,
        market=Market(
            spx=SPOT,
            rate=RATE,
            dividend_yield=DIV,
            vix=16.4,
            futures=(
                FuturePoint(expiry=dt.date(2026, 12, 16), price=17.6),
                FuturePoint(expiry=dt.date(2027, 1, 20), price=18.3),
            ),
        ),
    )
    expiry = dt.date(2027, 1, 15)
    condor = model_iron_condor(plan.market, plan.model, plan.valuation_date, expiry)
    vol = model_vol_for_strike(plan.market, plan.model, plan.valuation_date, expiry)
    t = (expiry - plan.valuation_date).days / 365
    put_vol = float(vol(np.array([condor.short_put]))[0])
    delta = float(bsm(False, SPOT, condor.short_put, t, RATE, DIV, put_vol).delta)
    assert delta == pytest.approx(condor.short_put_delta)
    assert delta == pytest.approx(-0.16, abs=0.01)
    with pytest.raises(ValueError, match="not after the valuation date"):
        model_iron_condor(plan.market, plan.model, plan.valuation_date, plan.valuation_date)
