"""New iron condor dialog: listed expiry, strikes from the engine, one undo step on OK."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from planner.engine.types import Group, Right
from planner.model.calendar import listed_spx_expiries, listed_spx_monthly_expiries
from planner.model.plan import Plan
from planner.ui.condor_dialog import (
    MONTHLY_PREFERENCE_DAYS,
    CondorDialog,
    choose_condor_expiry,
    plan_with_condor,
)
from planner.ui.document import PlanDocument

from .conftest import VALUATION


@pytest.mark.parametrize("target_days", [10, 28, 45, 56, 70, 120])
def test_expiry_is_listed_and_prefers_a_monthly(target_days: int) -> None:
    expiry = choose_condor_expiry(VALUATION, target_days)
    target = VALUATION + dt.timedelta(days=target_days)
    assert expiry in listed_spx_expiries(expiry, expiry)
    monthlies = listed_spx_monthly_expiries(
        VALUATION + dt.timedelta(days=1), target + dt.timedelta(days=60)
    )
    nearest_monthly = min(monthlies, key=lambda d: abs((d - target).days))
    if abs((nearest_monthly - target).days) <= MONTHLY_PREFERENCE_DAYS:
        assert expiry == nearest_monthly
    else:
        assert expiry.weekday() == 4
        assert abs((expiry - target).days) <= 4


def test_known_expiries() -> None:
    # 56 days from 20 Nov 2026 is Fri 15 Jan 2027, the January monthly.
    assert choose_condor_expiry(VALUATION, 56) == dt.date(2027, 1, 15)
    # 45 days lands on Mon 4 Jan; the nearest monthly is 11 days away, New Year's Day is a
    # holiday, so the weekly on Fri 8 Jan is chosen.
    assert choose_condor_expiry(VALUATION, 45) == dt.date(2027, 1, 8)
    with pytest.raises(ValueError, match="at least 1"):
        choose_condor_expiry(VALUATION, 0)


@pytest.fixture
def dialog(qtbot: QtBot, document: PlanDocument) -> CondorDialog:
    widget = CondorDialog(document)
    qtbot.addWidget(widget)
    return widget


def test_defaults_and_preview(dialog: CondorDialog, document: PlanDocument) -> None:
    assert dialog.delta_spin.value() == 0.16
    assert dialog.wing_spin.value() == 50
    assert dialog.days_spin.value() == 45
    assert dialog.lots_spin.value() == 5
    proposal = dialog.proposal
    assert proposal is not None
    s = proposal.strikes
    assert s.long_put == s.short_put - 50 and s.long_call == s.short_call + 50
    assert s.short_put < document.plan.market.spx < s.short_call
    assert s.short_put_delta == pytest.approx(-0.16, abs=0.01)
    text = dialog.preview.text()
    assert proposal.expiry.isoformat() in text
    assert f"{s.short_put:,.0f}" in text and f"{s.short_call:,.0f}" in text
    condor = proposal.report.groups[Group.CONDOR]
    assert condor.premium_usd < 0  # a condor is sold for a credit
    assert f"${-condor.premium_usd:,.0f}" in text


def test_ok_replaces_the_condor_in_one_undo_step(
    qtbot: QtBot, dialog: CondorDialog, document: PlanDocument, plan: Plan
) -> None:
    dialog.days_spin.setValue(56)
    dialog.lots_spin.setValue(3)
    dialog.wing_spin.setValue(25)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    new = document.plan
    condor = [leg for leg in new.legs if leg.group is Group.CONDOR]
    assert len(condor) == 4
    assert {leg.expiry for leg in condor} == {dt.date(2027, 1, 15)}
    assert sorted(leg.quantity for leg in condor) == [-3, -3, 3, 3]
    puts = sorted(leg.strike for leg in condor if leg.right is Right.PUT)
    calls = sorted(leg.strike for leg in condor if leg.right is Right.CALL)
    assert puts[1] - puts[0] == 25 and calls[1] - calls[0] == 25
    hedge = [leg for leg in new.legs if leg.group is not Group.CONDOR]
    assert hedge == [leg for leg in plan.legs if leg.group is not Group.CONDOR]
    assert document.undo_stack.count() == 1
    assert document.undo_stack.undoText().startswith("New iron condor")
    document.undo_stack.undo()
    assert document.plan == plan


def test_condor_is_added_when_there_is_none(document: PlanDocument, plan: Plan) -> None:
    hedge_only = plan.with_changes(
        legs=tuple(leg for leg in plan.legs if leg.group is not Group.CONDOR)
    )
    document.push_plan(hedge_only, "remove condor")
    dialog = CondorDialog(document)
    dialog.accept()
    assert sum(leg.group is Group.CONDOR for leg in document.plan.legs) == 4
    assert len(document.plan.legs) == len(hedge_only.legs) + 4
    dialog.deleteLater()


def test_impossible_condor_disables_ok(qtbot: QtBot, document: PlanDocument) -> None:
    low_spx = document.plan.with_changes(market=document.plan.market.with_changes(spx=1000.0))
    document.push_plan(low_spx, "SPX 1000")
    dialog = CondorDialog(document)
    qtbot.addWidget(dialog)
    assert dialog.proposal is not None
    dialog.wing_spin.setValue(1500)  # the put wing would go below zero
    assert dialog.proposal is None
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    assert "lowest strike" in dialog.preview.text()
    dialog.accept()
    assert document.plan == low_spx
    assert document.undo_stack.count() == 1


def test_plan_with_condor_keeps_leg_order(plan: Plan) -> None:
    from planner.ui.condor_dialog import condor_legs

    dialog_legs = condor_legs(
        type(
            "S",
            (),
            {"long_put": 6800.0, "short_put": 6850.0, "short_call": 7900.0, "long_call": 7950.0},
        )(),  # type: ignore[arg-type]
        dt.date(2027, 1, 15),
        2,
        {"near_call", "mid_call", "tail_call"},
    )
    new = plan_with_condor(plan, dialog_legs)
    assert [leg.id for leg in new.legs[:4]] == ["long_put", "short_put", "short_call", "long_call"]
    assert [leg.strike for leg in new.legs[:4]] == [6800.0, 6850.0, 7900.0, 7950.0]
    assert new.legs[4:] == plan.legs[4:]
