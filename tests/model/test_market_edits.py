"""Spot-VIX edits move the futures curve by the model's betas, or leave it alone (#13.4)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.engine.types import SpotVolPreset
from planner.model import Plan
from planner.model.market_edits import with_spot_vix


def test_hand_calculation_front_future(sample_plan: Plan) -> None:
    # Stress preset a = 0.85, p = 0.30; the front future expires 18 Mar, 15 days after 3 Mar:
    # beta = 0.85 * (15 / 7) ** -0.3 = 0.6763, so VIX 19.4 -> 22 adds 0.6763 * 2.6 = 1.758
    # and 19.90 becomes 21.66.
    edit = with_spot_vix(sample_plan, 22.0)
    assert edit.plan.market.vix == 22.0
    assert edit.plan.market.futures[0].price == pytest.approx(21.66)
    assert edit.futures_followed
    assert "stress betas" in edit.description
    assert "front +1.76" in edit.description


@settings(max_examples=60, deadline=None)
@given(
    vix=st.floats(min_value=5.0, max_value=80.0),
    preset=st.sampled_from(list(SpotVolPreset)),
)
def test_each_future_takes_beta_of_the_spot_move(
    sample_plan: Plan, vix: float, preset: SpotVolPreset
) -> None:
    plan = sample_plan.with_changes(model=sample_plan.model.with_changes(curve_preset=preset))
    params = plan.model.stress if preset is SpotVolPreset.STRESS else plan.model.typical
    edit = with_spot_vix(plan, vix)
    old, new = plan.market.futures, edit.plan.market.futures
    assert [p.expiry for p in new] == [p.expiry for p in old]
    change = vix - plan.market.vix
    for before, after in zip(old, new, strict=True):
        tau = (before.expiry - plan.valuation_date).days
        beta = min(1.0, params.beta_a * (tau / 7.0) ** -params.beta_p)
        expected = max(0.05, before.price + beta * change)
        # Futures are kept to the cent.
        assert after.price == pytest.approx(expected, abs=0.005 + 1e-9)
        # A spot move never moves a future further than itself, and in the same direction.
        assert abs(after.price - before.price) <= abs(change) + 0.005
        if abs(change) > 0.02 and after.price > 0.05:
            assert math.copysign(1.0, after.price - before.price) == math.copysign(1.0, change)
    # Everything else is untouched.
    assert edit.plan.legs == plan.legs
    assert edit.plan.market.spx == plan.market.spx


def test_spot_only_leaves_the_curve(sample_plan: Plan) -> None:
    edit = with_spot_vix(sample_plan, 30.0, futures_follow=False)
    assert edit.plan.market.vix == 30.0
    assert edit.plan.market.futures == sample_plan.market.futures
    assert not edit.futures_followed
    assert "futures unchanged" in edit.description


def test_refused_vix_raises(sample_plan: Plan) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        with_spot_vix(sample_plan, -1.0)


def test_vix9d_follows_a_spot_move_point_for_point(sample_plan: Plan) -> None:
    plan = sample_plan.with_changes(market=sample_plan.market.with_changes(vix9d=15.1))
    edit = with_spot_vix(plan, 22.0)
    moved = round(15.1 + 22.0 - plan.market.vix, 2)
    assert edit.plan.market.vix9d == pytest.approx(moved)
    assert f"VIX9D {moved:.2f} (moved point for point)" in edit.description
    held = with_spot_vix(plan, 22.0, futures_follow=False)
    assert held.plan.market.vix9d == 15.1
    assert held.description == "Spot VIX 22.00; futures and VIX9D unchanged"
    # Without a VIX9D nothing is said about it.
    assert "VIX9D" not in with_spot_vix(sample_plan, 22.0).description
