"""A contract change resets a typed entry price to the new contract's model price (#13.5)."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.engine.evaluate import evaluate
from planner.engine.types import Right
from planner.model import Plan
from planner.model.leg_edits import with_leg


def _model_price(plan: Plan, leg_id: str) -> float:
    return next(leg.model_price_pts for leg in evaluate(plan).legs if leg.id == leg_id)


@pytest.mark.parametrize(
    "change",
    [
        {"strike": 5550.0},
        {"expiry": dt.date(2025, 5, 16)},
        {"right": Right.CALL},
    ],
)
def test_contract_change_resets_the_entry(sample_plan: Plan, change: dict[str, object]) -> None:
    leg = sample_plan.leg("sp")
    assert leg.entry_price is not None
    edit = with_leg(sample_plan, leg.with_changes(**change))
    new_leg = edit.plan.leg("sp")
    assert edit.entry_reset and edit.entry_reset_from == leg.entry_price
    assert new_leg.entry_price == pytest.approx(_model_price(edit.plan, "sp"), abs=0.005)
    assert new_leg.entry_price != leg.entry_price
    # The new contract starts with (almost) no P&L today: only the cent rounding is left.
    report = evaluate(edit.plan)
    pnl = next(r.pnl_usd for r in report.legs if r.id == "sp")
    assert abs(pnl) <= 0.005 * 100 * abs(new_leg.quantity) + 1e-6


def test_other_edits_keep_the_entry(sample_plan: Plan) -> None:
    leg = sample_plan.leg("sp")
    for change in ({"quantity": -3}, {"iv": 0.25}, {"entry_price": 19.0}):
        edit = with_leg(sample_plan, leg.with_changes(**change))
        assert not edit.entry_reset
        assert edit.plan.leg("sp") == leg.with_changes(**change)


def test_a_leg_without_entry_keeps_following_the_model(sample_plan: Plan) -> None:
    leg = sample_plan.leg("lc")
    assert leg.entry_price is None
    edit = with_leg(sample_plan, leg.with_changes(strike=6250.0))
    assert not edit.entry_reset
    assert edit.plan.leg("lc").entry_price is None
