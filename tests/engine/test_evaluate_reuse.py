"""`evaluate` keeps the last plan's horizon-independent part (issue #13's drag speed): whatever
came before, a report is exactly the report of a first evaluation of the same plan."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from planner.engine import VixHistory, evaluate
from planner.engine.evaluate import forget_last_plan
from planner.model.plan import Plan
from planner.model.report_io import report_to_dict

from .conftest import CONDOR, HEDGE, make_plan

BASE_PLAN = make_plan(legs=CONDOR + HEDGE)


def first_evaluation(plan: Plan, vix_history: VixHistory | None = None) -> dict[str, object]:
    """The report of `plan` with nothing kept from an earlier call."""
    forget_last_plan()
    return report_to_dict(evaluate(plan, vix_history=vix_history))


def with_horizon(plan: Plan, days: int | None) -> Plan:
    return plan.with_changes(view=plan.view.with_changes(horizon_days=days))


def edited(plan: Plan, edit: str, days: int | None) -> Plan:
    """One user edit of `plan`: the horizon (the case the reuse is for) or something else."""
    if edit == "horizon":
        return with_horizon(plan, days)
    if edit == "vix":
        return plan.with_changes(market=plan.market.with_changes(vix=plan.market.vix + 1.5))
    if edit == "quantity":
        # One lot fewer, or, where that would leave no position (a leg of zero contracts is
        # refused), two more: a quantity edit either way.
        quantity = plan.legs[0].quantity - 1 or plan.legs[0].quantity + 2
        legs = (plan.legs[0].with_changes(quantity=quantity), *plan.legs[1:])
        return plan.with_changes(legs=legs)
    if edit == "grid":
        return plan.with_changes(
            view=plan.view.with_changes(price_points=plan.view.price_points + 2)
        )
    assert edit == "name"
    return plan.with_changes(name=plan.name + "*")


EDITS = st.lists(
    st.tuples(
        st.sampled_from(["horizon", "horizon", "horizon", "vix", "quantity", "grid", "name"]),
        st.one_of(st.none(), st.integers(min_value=0, max_value=60)),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=40, deadline=None)
@given(EDITS)
# Enough quantity edits to take the first leg through zero lots (found by a clean-clone run).
@example(edits=[("quantity", None)] * 6)
def test_every_report_is_a_first_evaluation_of_its_plan(
    edits: list[tuple[str, int | None]],
) -> None:
    plan = BASE_PLAN
    evaluate(plan)
    for edit, days in edits:
        plan = edited(plan, edit, days)
        kept = report_to_dict(evaluate(plan))
        assert kept == first_evaluation(plan), edit


def test_a_horizon_drag_reuses_the_rest_and_moves_only_the_middle_curve() -> None:
    first = evaluate(with_horizon(BASE_PLAN, 10))
    later = evaluate(with_horizon(BASE_PLAN, 20))
    # The stress rows and the leg table are the very objects of the previous report ...
    assert later.stress is first.stress and later.legs is first.legs
    assert later.curves.horizons_days == (0, 20, first.curves.horizons_days[2])
    # ... while the middle curve and the heat map are those of the new horizon.
    assert not np.array_equal(later.curves.combined_usd[1], first.curves.combined_usd[1])
    np.testing.assert_array_equal(
        later.curves.combined_usd[[0, 2]], first.curves.combined_usd[[0, 2]]
    )
    assert later.heat.horizon_days == 20


def test_shared_arrays_are_read_only() -> None:
    """Reports share their price grids: writing into one must fail, not change another."""
    report = evaluate(with_horizon(BASE_PLAN, 12))
    with pytest.raises(ValueError, match="read-only"):
        report.curves.spx[0] = 0.0


def test_a_new_vix_history_is_not_served_the_old_signals() -> None:
    plan = with_horizon(BASE_PLAN, 15)
    dates = np.arange("2026-08-01", 60, dtype="datetime64[D]")
    close = 16.0 + np.sin(np.arange(60) / 4.0)
    history = VixHistory(dates=dates, close=close)
    assert evaluate(plan).alvh.signals.rsi14 is None
    with_history = evaluate(plan, vix_history=history)
    assert with_history.alvh.signals.rsi14 is not None
    assert report_to_dict(with_history) == first_evaluation(plan, history)
