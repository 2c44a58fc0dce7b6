"""Expected-move bands from the model's ATM vol (#13.14)."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.engine.expected_move import expected_move
from planner.engine.types import AtmReference, Group, Right, Underlying
from planner.model.plan import FuturePoint, Leg, Market, Plan


def _plan(
    vix: float = 16.4,
    level_exponent: float = 0.0,
    reference: AtmReference = AtmReference.FUTURE,
) -> Plan:
    plan = Plan(
        valuation_date=dt.date(2026, 11, 20),
        capital_usd=250_000.0,
        market=Market(
            spx=7450.0,
            rate=0.04,
            dividend_yield=0.013,
            vix=vix,
            futures=(
                FuturePoint(expiry=dt.date(2026, 11, 24), price=16.75),
                FuturePoint(expiry=dt.date(2026, 12, 16), price=17.70),
            ),
        ),
        legs=(
            Leg(
                id="p",
                underlying=Underlying.SPX,
                right=Right.PUT,
                quantity=-1,
                strike=7000.0,
                expiry=dt.date(2027, 1, 8),
                group=Group.CONDOR,
            ),
        ),
    )
    return plan.with_changes(
        model=plan.model.with_changes(
            atm_iv_ratio=0.9, atm_level_exponent=level_exponent, atm_reference=reference
        )
    )


def test_hand_calculation_at_24_days() -> None:
    # F_vix(24 d) between 16.75 (4 d) and 17.70 (26 d): 16.75 + 0.95 * 20/22 = 17.614;
    # ATM vol 0.9 * 17.614 % = 15.85 %; 1σ = 7450 * 0.15852 * sqrt(24/365) = 302.8 points.
    move = expected_move(_plan(), 24)
    assert move.atm_vol == pytest.approx(0.15852, abs=1e-4)
    assert move.one_sigma_pts == pytest.approx(302.8, abs=0.1)
    one, two = move.bands
    assert (one.low_spx, one.high_spx) == pytest.approx((7450 - 302.8, 7450 + 302.8), abs=0.1)
    assert (two.low_spx, two.high_spx) == pytest.approx((7450 - 605.7, 7450 + 605.7), abs=0.2)


def test_hand_calculation_off_the_term_vol() -> None:
    # To 30 days the term vol is spot VIX: ATM 0.9 * 16.4 % = 14.76 % at 24 days.
    assert expected_move(_plan(reference=AtmReference.TERM), 24).atm_vol == pytest.approx(0.1476)
    # At 60 days: spot VIX for 30 days, then the strip read at its midpoint, 15 days:
    # F(15) = 16.75 + 0.95 * 11/22 = 17.225; V = sqrt((30 * 16.4^2 + 30 * 17.225^2) / 60) =
    # 16.818; ATM 0.9 * 16.818 % = 15.136 %; 1σ = 7450 * 0.15136 * sqrt(60/365) = 457.2 points.
    move = expected_move(_plan(reference=AtmReference.TERM), 60)
    assert move.atm_vol == pytest.approx(0.15136, abs=1e-5)
    assert move.one_sigma_pts == pytest.approx(457.2, abs=0.1)


def test_no_bands_for_today() -> None:
    assert expected_move(_plan(), 0).bands == ()


@settings(max_examples=40, deadline=None)
@given(days=st.integers(1, 400), exponent=st.floats(-1.0, 1.5))
def test_bands_are_symmetric_and_grow_with_the_horizon(days: int, exponent: float) -> None:
    plan = _plan(level_exponent=exponent)
    move = expected_move(plan, days)
    for band in move.bands:
        assert band.high_spx - 7450.0 == pytest.approx(7450.0 - band.low_spx)
        assert band.high_spx - band.low_spx == pytest.approx(2 * band.sigmas * move.one_sigma_pts)
    later = expected_move(plan, days + 30)
    # Past the last future the ATM vol is flat, so the width grows as sqrt(time) there.
    if days > 26:
        ratio = later.one_sigma_pts / move.one_sigma_pts
        assert ratio == pytest.approx(math.sqrt((days + 30) / days))
