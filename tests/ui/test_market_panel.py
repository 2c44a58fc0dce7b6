"""Market panel: each field is one (merged) undo step; bad values are refused visibly."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from planner.engine.types import SpotVolPreset
from planner.model.plan import Plan
from planner.present.formatting import fmt_num
from planner.ui.document import PlanDocument
from planner.ui.market_panel import MarketPanel

from .conftest import CountingEvaluator, settle


@pytest.fixture
def panel(qtbot: QtBot, document: PlanDocument) -> MarketPanel:
    widget = MarketPanel(document)
    qtbot.addWidget(widget)
    return widget


def test_shows_the_plan(panel: MarketPanel, plan: Plan) -> None:
    assert panel.spin_boxes["market.spx"].value() == plan.market.spx
    assert panel.spin_boxes["market.rate"].value() == pytest.approx(plan.market.rate * 100)
    assert panel.spin_boxes["market.vix"].value() == plan.market.vix
    assert panel.spin_boxes["capital_usd"].value() == plan.capital_usd
    assert panel.spin_boxes["model.typical.k_down"].value() == plan.model.typical.k_down
    assert panel.valuation_date.date() == QDate(2026, 11, 20)
    assert panel.futures_model.rowCount() == len(plan.market.futures)


def test_term_structure_comes_from_the_report(panel: MarketPanel, document: PlanDocument) -> None:
    assert document.report is not None
    term = document.report.term_structure
    text = panel.term_label.text()
    assert term.state == "contango"
    assert "Contango" in text
    assert fmt_num(term.slope_pts_per_month, 2, sign=True) in text
    xs, ys = panel.curve_item.getData()
    assert list(xs) == list(term.days)
    assert list(ys) == list(term.futures)


def test_spin_edit_is_one_undo_step_and_recomputes(
    qtbot: QtBot, panel: MarketPanel, document: PlanDocument, evaluator: CountingEvaluator
) -> None:
    calls = evaluator.calls
    panel.spin_boxes["market.spx"].setValue(7300.0)
    assert document.plan.market.spx == 7300.0
    assert document.undo_stack.undoText() == "Set SPX"
    settle(qtbot, document)
    assert evaluator.calls == calls + 1
    assert document.report is not None and document.report.spx == 7300.0


def test_percent_fields_store_decimals(panel: MarketPanel, document: PlanDocument) -> None:
    panel.spin_boxes["market.rate"].setValue(3.5)
    panel.spin_boxes["market.dividend_yield"].setValue(1.1)
    assert document.plan.market.rate == pytest.approx(0.035)
    assert document.plan.market.dividend_yield == pytest.approx(0.011)
    assert document.undo_stack.count() == 2


def test_stepping_merges_until_editing_finishes(
    panel: MarketPanel, document: PlanDocument, plan: Plan
) -> None:
    vix = panel.spin_boxes["market.vix"]
    for _ in range(6):
        vix.stepBy(1)  # arrow-key / wheel steps, 0.5 each
    assert document.plan.market.vix == pytest.approx(plan.market.vix + 3.0)
    assert document.undo_stack.count() == 1
    vix.editingFinished.emit()
    vix.stepBy(1)
    assert document.undo_stack.count() == 2
    document.undo_stack.undo()
    document.undo_stack.undo()
    assert document.plan == plan
    assert vix.value() == plan.market.vix


def test_invalid_value_is_refused_with_an_explanation(
    panel: MarketPanel, document: PlanDocument, plan: Plan
) -> None:
    messages: list[str] = []
    panel.rejected.connect(messages.append)
    vix = panel.spin_boxes["market.vix"]
    vix.setValue(0.0)
    assert document.plan == plan
    assert document.undo_stack.count() == 0
    assert vix.property("invalid") is True
    assert "border" in vix.styleSheet()
    assert "VIX" in vix.toolTip() and "greater than 0" in vix.toolTip()
    assert messages == [vix.toolTip()]
    vix.setValue(18.0)
    assert document.plan.market.vix == 18.0
    assert vix.property("invalid") is False
    assert vix.styleSheet() == ""


def test_undo_refreshes_the_widgets(panel: MarketPanel, document: PlanDocument) -> None:
    panel.spin_boxes["capital_usd"].setValue(500_000.0)
    document.undo_stack.undo()
    assert panel.spin_boxes["capital_usd"].value() == 250_000.0


def test_valuation_date_edit_and_refusal(panel: MarketPanel, document: PlanDocument) -> None:
    messages: list[str] = []
    panel.rejected.connect(messages.append)
    panel.valuation_date.setDate(QDate(2026, 11, 23))
    assert document.plan.valuation_date == dt.date(2026, 11, 23)
    # After the first VIX future's expiry: the plan refuses it and says which future.
    panel.valuation_date.setDate(QDate(2026, 12, 20))
    assert document.plan.valuation_date == dt.date(2026, 11, 23)
    assert messages and "2026-12-16" in messages[0]
    assert panel.valuation_date.property("invalid") is True


def test_futures_table_edit_add_remove(
    qtbot: QtBot, panel: MarketPanel, document: PlanDocument, plan: Plan
) -> None:
    model = panel.futures_model
    assert model.setData(model.index(0, 1), 18.1)
    assert document.plan.market.futures[0].price == 18.1
    assert model.setData(model.index(4, 0), QDate(2027, 5, 19))
    assert document.plan.market.futures[4].expiry == dt.date(2027, 5, 19)
    messages: list[str] = []
    model.rejected.connect(messages.append)
    assert not model.setData(model.index(1, 1), -2.0)
    assert messages and "price" in messages[0]
    assert not model.setData(model.index(1, 0), QDate(2026, 12, 16))  # duplicate expiry
    assert "two VIX futures" in messages[-1]
    panel.add_future_button.click()
    assert len(document.plan.market.futures) == len(plan.market.futures) + 1
    panel.futures_view.selectRow(0)
    panel.remove_future_button.click()
    assert len(document.plan.market.futures) == len(plan.market.futures)
    assert document.plan.market.futures[0].expiry == dt.date(2027, 1, 20)
    settle(qtbot, document)
    assert document.report is not None
    assert len(document.report.term_structure.days) == len(plan.market.futures)
    for _ in range(document.undo_stack.count()):
        document.undo_stack.undo()
    assert document.plan == plan


def test_preset_and_advanced_parameters(panel: MarketPanel, document: PlanDocument) -> None:
    assert panel.advanced.isHidden()
    panel.advanced_toggle.setChecked(True)
    assert not panel.advanced.isHidden()
    panel.preset_combo.setCurrentIndex(panel.preset_combo.findData("stress"))
    assert document.plan.model.curve_preset is SpotVolPreset.STRESS
    panel.spin_boxes["model.stress.k_down"].setValue(3.2)
    panel.spin_boxes["model.vov30"].setValue(110.0)
    assert document.plan.model.stress.k_down == 3.2
    assert document.plan.model.vov30 == pytest.approx(1.10)
    assert document.undo_stack.count() == 3
    document.undo_stack.undo()
    document.undo_stack.undo()
    document.undo_stack.undo()
    assert panel.preset_combo.currentData() == "typical"


def test_spot_vix_edit_moves_the_futures_curve_in_one_step(
    qtbot: QtBot, panel: MarketPanel, document: PlanDocument, plan: Plan
) -> None:
    """#13.4: VIX 16.4 -> 22 moves the futures with the model's betas (one undo step), so the
    VIX calls are repriced; the panel says what happened; undo puts the curve back."""
    from planner.model.market_edits import with_spot_vix

    before = document.report
    assert before is not None
    assert panel.futures_follow.isChecked()
    count = document.undo_stack.count()
    panel.spin_boxes["market.vix"].setValue(22.0)
    expected = with_spot_vix(plan, 22.0)
    assert document.plan.market.futures == expected.plan.market.futures
    assert document.plan.market.futures[0].price > plan.market.futures[0].price
    assert document.undo_stack.count() == count + 1
    assert document.undo_stack.undoText() == "Set VIX (futures follow)"
    note = panel.vix_edit_note.text()
    assert "futures moved with the typical betas" in note
    settle(qtbot, document)
    after = document.report
    assert after is not None
    near_before = next(leg for leg in before.legs if leg.id == "mid_call")
    near_after = next(leg for leg in after.legs if leg.id == "mid_call")
    assert near_after.model_price_pts > near_before.model_price_pts
    assert after.term_structure.front_basis_pts != before.term_structure.front_basis_pts

    document.undo_stack.undo()
    assert document.plan.market == plan.market
    assert panel.vix_edit_note.text() == ""


def test_spot_vix_alone_when_the_option_is_off(
    panel: MarketPanel, document: PlanDocument, plan: Plan
) -> None:
    panel.futures_follow.setChecked(False)
    panel.spin_boxes["market.vix"].setValue(22.0)
    assert document.plan.market.vix == 22.0
    assert document.plan.market.futures == plan.market.futures
    assert document.undo_stack.undoText() == "Set VIX (spot only)"
    assert "futures unchanged" in panel.vix_edit_note.text()


def test_spot_vix_stepping_is_one_step_computed_from_the_start(
    panel: MarketPanel, document: PlanDocument, plan: Plan
) -> None:
    from planner.model.market_edits import with_spot_vix

    vix = panel.spin_boxes["market.vix"]
    for _ in range(8):
        vix.stepBy(1)
    assert document.undo_stack.count() == 1
    assert document.plan.market == with_spot_vix(plan, plan.market.vix + 4.0).plan.market


def test_capital_and_spx_show_thousands_separators(panel: MarketPanel) -> None:
    from PySide6.QtCore import QLocale

    separator = QLocale().groupSeparator()
    assert separator in panel.spin_boxes["capital_usd"].text()
    assert separator in panel.spin_boxes["market.spx"].text()
    assert panel.spin_boxes["capital_usd"].value() == 250_000.0
