"""The fitted model's new fields (smile shape, futures-beta cap and reversion) are editable."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from planner.ui.document import PlanDocument
from planner.ui.market_panel import MarketPanel

NEW_FIELDS = {
    "model.atm_level_exponent": 0.5,
    "model.atm_ratio_floor": 0.6,
    "model.atm_ratio_cap": 0.95,
    "model.put_curvature": 0.4,
    "model.call_curvature": 2.0,
    "model.skew_term_exponent": 0.1,
    "model.skew_level_exponent": 0.8,
    "model.call_wing_z": 2.5,
    "model.skew_level_cap_atm": 0.3,
    "model.typical.beta_max": 0.95,
    "model.stress.beta_reversion_per_year": 6.0,
    "model.stress.beta_basis_sensitivity": 1.0,
}


def _plan_value(document: PlanDocument, key: str) -> float:
    value: object = document.plan
    for name in key.split("."):
        value = getattr(value, name)
    assert isinstance(value, float)
    return value


def test_each_new_field_is_shown_and_edits_in_one_undo_step(
    qtbot: QtBot, document: PlanDocument
) -> None:
    panel = MarketPanel(document)
    qtbot.addWidget(panel)
    for key, new in NEW_FIELDS.items():
        box = panel.spin_boxes[key]
        assert box.value() == pytest.approx(_plan_value(document, key)), key
        before = document.plan
        steps = document.undo_stack.index()
        box.setValue(new)
        assert _plan_value(document, key) == pytest.approx(new), key
        assert document.undo_stack.index() == steps + 1
        document.undo_stack.undo()
        assert document.plan == before


def test_atm_reference_is_chosen_in_one_undo_step_and_moves_the_smile(
    qtbot: QtBot, document: PlanDocument
) -> None:
    from planner.engine.types import AtmReference
    from planner.model.plan import ModelParams

    document.push_plan(document.plan.with_changes(model=ModelParams()), "new defaults")
    document.recalculate_now()
    panel = MarketPanel(document)
    qtbot.addWidget(panel)
    combo = panel.atm_reference_combo
    assert combo.currentData() == AtmReference.TERM.value
    iv_before = [leg.iv for leg in document.report.legs]
    steps = document.undo_stack.index()
    combo.setCurrentIndex(combo.findData(AtmReference.FUTURE.value))
    assert document.plan.model.atm_reference is AtmReference.FUTURE
    assert document.undo_stack.index() == steps + 1
    assert document.undo_stack.undoText() == "ATM off the VIX future at expiry"
    document.recalculate_now()
    # The sample's legs without their own IV are priced off the other VIX level now.
    assert [leg.iv for leg in document.report.legs] != iv_before
    document.undo_stack.undo()
    assert document.plan.model.atm_reference is AtmReference.TERM
    assert combo.currentData() == AtmReference.TERM.value


def test_vix9d_is_optional_and_each_change_is_one_undo_step(
    qtbot: QtBot, document: PlanDocument
) -> None:
    from planner.model.plan import ModelParams

    document.push_plan(document.plan.with_changes(model=ModelParams()), "new defaults")
    panel = MarketPanel(document)
    qtbot.addWidget(panel)
    assert document.plan.market.vix9d is None
    assert not panel.vix9d_on.isChecked() and not panel.vix9d_spin.isEnabled()
    # Off, the box offers spot VIX; switching on takes it.
    assert panel.vix9d_spin.value() == pytest.approx(document.plan.market.vix)
    steps = document.undo_stack.index()
    panel.vix9d_on.setChecked(True)
    assert document.plan.market.vix9d == pytest.approx(document.plan.market.vix)
    assert document.undo_stack.index() == steps + 1
    panel.vix9d_spin.setValue(12.5)
    assert document.plan.market.vix9d == pytest.approx(12.5)
    assert document.undo_stack.index() == steps + 2
    assert document.undo_stack.undoText() == "Set VIX9D"
    document.recalculate_now()
    report = document.report
    assert report is not None and report.vix9d == pytest.approx(12.5)
    panel.vix9d_on.setChecked(False)
    assert document.plan.market.vix9d is None
    assert document.undo_stack.undoText() == "VIX9D off"
    document.undo_stack.undo()
    assert document.plan.market.vix9d == pytest.approx(12.5)
    assert panel.vix9d_on.isChecked() and panel.vix9d_spin.value() == pytest.approx(12.5)
    document.undo_stack.undo()
    document.undo_stack.undo()
    assert document.plan.market.vix9d is None
    assert not panel.vix9d_on.isChecked()


def test_vix9d_moves_a_short_legs_model_vol(qtbot: QtBot, document: PlanDocument) -> None:
    """A leg under 30 days without its own IV prices off VIX9D once it is entered."""
    import datetime as dt

    from planner.engine.types import Group, Right, Underlying
    from planner.model.plan import Leg, ModelParams

    plan = document.plan.with_changes(model=ModelParams())
    week = Leg(
        id="week_put",
        underlying=Underlying.SPX,
        right=Right.PUT,
        quantity=-1,
        strike=round(plan.market.spx * 0.97 / 5) * 5,
        expiry=plan.valuation_date + dt.timedelta(days=7),
        group=Group.OTHER,
    )
    document.push_plan(plan.with_changes(legs=(*plan.legs, week)), "a week put")
    document.recalculate_now()
    assert document.report is not None
    before = next(leg.iv for leg in document.report.legs if leg.id == "week_put")
    panel = MarketPanel(document)
    qtbot.addWidget(panel)
    panel.vix9d_spin.setValue(document.plan.market.vix + 6.0)
    panel.vix9d_on.setChecked(True)
    document.recalculate_now()
    after = next(leg.iv for leg in document.report.legs if leg.id == "week_put")
    assert after > before + 0.03


def test_advanced_parameters_fit_the_default_market_dock(
    qtbot: QtBot, document: PlanDocument
) -> None:
    """Opened, the advanced rows wrap long labels above their boxes instead of pushing the boxes
    past a 300 px dock's edge (they needed 372 px)."""
    panel = MarketPanel(document)
    qtbot.addWidget(panel)
    panel.advanced_toggle.setChecked(True)
    panel.show()
    qtbot.waitExposed(panel)
    # The default Market dock at 1920 x 1080 is 300 px; its scroll bar and margins take ~25.
    assert panel.minimumSizeHint().width() <= 275


def test_a_vix_edit_without_futures_says_vix9d_follows(
    qtbot: QtBot, document: PlanDocument
) -> None:
    market = document.plan.market.with_changes(futures=(), vix9d=15.0)
    document.push_plan(document.plan.with_changes(market=market), "no curve")
    panel = MarketPanel(document)
    qtbot.addWidget(panel)
    panel.spin_boxes["market.vix"].setValue(market.vix + 2.0)
    assert document.plan.market.vix9d == pytest.approx(17.0)
    assert document.undo_stack.undoText() == "Set VIX (VIX9D follows)"
