"""The work of one report is bounded, not only each size (issue #14, item 2)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from planner.model.plan import MAX_OPTION_VALUATIONS, Plan, option_valuations


def test_a_plan_inside_every_size_limit_but_too_much_work_is_refused(sample_plan: Plan) -> None:
    legs = tuple(sample_plan.legs[0].with_changes(id=f"l{i}") for i in range(500))
    view = sample_plan.view.with_changes(heat_price_points=1001, heat_vix_points=1001)
    with pytest.raises(ValidationError) as info:
        sample_plan.with_changes(legs=legs, view=view)
    message = str(info.value)
    assert "option valuations" in message and f"{MAX_OPTION_VALUATIONS:,}" in message
    assert "view.heat_price_points" in message  # names the setting to lower


def test_the_bound_counts_legs_times_points(sample_plan: Plan) -> None:
    view = sample_plan.view
    points = 3 * view.price_points + view.heat_price_points * view.heat_vix_points + 2
    assert option_valuations(7, view, 2) == 7 * points
    assert option_valuations(0, view, 2) == 0
