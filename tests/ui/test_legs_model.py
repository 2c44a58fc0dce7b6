"""The position table: model contract, every editable column, refusals, row actions, delegates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import QDate, QModelIndex, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QSpinBox,
    QStyleOptionViewItem,
    QWidget,
)
from pytestqt.qtbot import QtBot

from planner.engine.types import Group, Right, Underlying
from planner.model.plan import Plan
from planner.present.formatting import fmt_num
from planner.ui.delegates import LegDelegate, PositionEditor
from planner.ui.document import PlanDocument
from planner.ui.legs_model import INPUT_COLUMNS, Column, LegTableModel

from .conftest import CountingEvaluator, settle


@pytest.fixture
def model(document: PlanDocument) -> LegTableModel:
    return LegTableModel(document)


def cell(model: LegTableModel, leg_id: str, column: Column) -> QModelIndex:
    return model.index(model.row_of(leg_id), column)


def risk_of(document: PlanDocument, leg_id: str) -> Any:
    assert document.report is not None
    return next(r for r in document.report.legs if r.id == leg_id)


def test_model_passes_qt_model_tester(qtmodeltester: Any, model: LegTableModel) -> None:
    qtmodeltester.check(model, force_py=True)


def test_rows_follow_the_plan_and_show_the_report(model: LegTableModel, plan: Plan) -> None:
    assert model.rowCount() == len(plan.legs)
    assert [model.leg_id(r) for r in range(model.rowCount())] == [leg.id for leg in plan.legs]
    index = cell(model, "short_put", Column.QUANTITY)
    assert index.data() == "-5 short"
    assert cell(model, "long_put", Column.QUANTITY).data() == "+5 long"
    assert cell(model, "short_put", Column.EXPIRY).data() == "2027-01-08 (49d)"
    risk = risk_of(model.document, "short_put")
    assert cell(model, "short_put", Column.MODEL_PRICE).data(Qt.ItemDataRole.EditRole) == (
        risk.model_price_pts
    )
    assert cell(model, "short_put", Column.DELTA).data() == fmt_num(risk.delta, 3, sign=True)
    assert cell(model, "short_put", Column.THETA).data(Qt.ItemDataRole.EditRole) == risk.theta
    # Blank entry price / IV show the model's value in brackets.
    assert cell(model, "short_put", Column.IV_PCT).data() == f"({risk.iv * 100:.1f})"


def test_only_input_columns_are_editable(model: LegTableModel) -> None:
    for column in Column:
        flags = model.flags(model.index(0, column))
        assert bool(flags & Qt.ItemFlag.ItemIsEditable) == (column in INPUT_COLUMNS)
    before = model.document.plan
    assert not model.setData(model.index(0, Column.DELTA), 0.5)
    assert model.document.plan == before


EDITS: list[tuple[str, Column, Any, str, Any]] = [
    ("short_put", Column.STRIKE, 6900.0, "strike", 6900.0),
    ("short_put", Column.QUANTITY, -7, "quantity", -7),
    ("short_put", Column.RIGHT, "call", "right", Right.CALL),
    ("near_call", Column.UNDERLYING, "SPX", "underlying", Underlying.SPX),
    ("mid_call", Column.GROUP, "tail", "group", Group.TAIL),
    ("short_put", Column.EXPIRY, QDate(2027, 1, 15), "expiry", dt.date(2027, 1, 15)),
    ("short_put", Column.ENTRY_PRICE, "31.5", "entry_price", 31.5),
    ("short_put", Column.IV_PCT, 25.0, "iv", 0.25),
]


@pytest.mark.parametrize(("leg_id", "column", "value", "field", "expected"), EDITS)
def test_each_input_column_edits_the_plan_and_the_report(
    qtbot: QtBot,
    model: LegTableModel,
    evaluator: CountingEvaluator,
    leg_id: str,
    column: Column,
    value: Any,
    field: str,
    expected: Any,
) -> None:
    document = model.document
    original = document.plan
    old_report = document.report
    calls = evaluator.calls
    assert model.setData(cell(model, leg_id, column), value)
    new_leg = document.plan.leg(leg_id)
    assert getattr(new_leg, field) == expected
    # Nothing else changed.
    assert new_leg.with_changes(**{field: getattr(original.leg(leg_id), field)}) == (
        original.leg(leg_id)
    )
    assert document.undo_stack.count() == 1
    settle(qtbot, document)
    assert evaluator.calls == calls + 1
    assert document.report is not old_report
    assert old_report is not None
    old = next(r for r in old_report.legs if r.id == leg_id)
    new = risk_of(document, leg_id)
    fields = ("quantity", "model_price_pts", "delta", "entry_price_pts", "iv", "group")
    assert [getattr(old, f) for f in fields] != [getattr(new, f) for f in fields]
    document.undo_stack.undo()
    assert document.plan == original


def test_blank_entry_and_iv_return_to_the_model(model: LegTableModel) -> None:
    document = model.document
    model.setData(cell(model, "tail_call", Column.IV_PCT), 95.0)
    assert document.plan.leg("tail_call").iv == pytest.approx(0.95)
    model.setData(cell(model, "tail_call", Column.IV_PCT), "")
    assert document.plan.leg("tail_call").iv is None
    model.setData(cell(model, "tail_call", Column.ENTRY_PRICE), 1.25)
    model.setData(cell(model, "tail_call", Column.ENTRY_PRICE), None)
    assert document.plan.leg("tail_call").entry_price is None


BAD: list[tuple[Column, Any, str]] = [
    (Column.QUANTITY, 0, "quantity"),
    (Column.QUANTITY, 2.5, "quantity"),
    (Column.STRIKE, -5.0, "strike"),
    (Column.STRIKE, "abc", "strike"),
    (Column.IV_PCT, -10.0, "iv"),
    (Column.ENTRY_PRICE, -1.0, "entry_price"),
    (Column.EXPIRY, "next friday", "expiry"),
    (Column.GROUP, "straddle", "group"),
    (Column.RIGHT, "future", "right"),
]


@pytest.mark.parametrize(("column", "value", "field"), BAD)
def test_bad_values_are_refused_with_a_message(
    model: LegTableModel, column: Column, value: Any, field: str
) -> None:
    document = model.document
    before = document.plan
    messages: list[str] = []
    model.rejected.connect(messages.append)
    assert not model.setData(cell(model, "short_put", column), value)
    assert document.plan == before
    assert document.undo_stack.count() == 0
    assert len(messages) == 1
    assert messages[0].startswith("Leg short_put:")
    assert field in messages[0]


def test_add_duplicate_delete_are_one_undo_step_each(model: LegTableModel, plan: Plan) -> None:
    document = model.document
    new_id = model.add_leg()
    assert new_id and model.rowCount() == len(plan.legs) + 1
    added = document.plan.leg(new_id)
    assert added.underlying is Underlying.SPX
    assert added.strike % 5 == 0
    copies = model.duplicate_legs(["short_call", "long_call"])
    assert len(copies) == 2
    assert document.plan.leg(copies[0]).with_changes(id="short_call") == plan.leg("short_call")
    assert model.remove_legs(["short_put", new_id])
    assert model.rowCount() == len(plan.legs) + 1
    assert document.undo_stack.count() == 3
    for _ in range(3):
        document.undo_stack.undo()
    assert document.plan == plan
    assert model.rowCount() == len(plan.legs)
    for _ in range(3):
        document.undo_stack.redo()
    assert model.rowCount() == len(plan.legs) + 1
    assert "short_put" not in [leg.id for leg in document.plan.legs]


def test_model_survives_row_changes_under_the_tester(
    qtmodeltester: Any, model: LegTableModel
) -> None:
    qtmodeltester.check(model, force_py=True)
    model.add_leg()
    model.remove_legs(["near_call", "mid_call"])
    model.document.undo_stack.undo()
    qtmodeltester.check(model, force_py=True)


# -- delegates ------------------------------------------------------------------------------


def edit_through_delegate(
    model: LegTableModel, leg_id: str, column: Column, set_editor: Any
) -> QWidget:
    delegate = LegDelegate()
    parent = QWidget()
    index = cell(model, leg_id, column)
    editor = delegate.createEditor(parent, QStyleOptionViewItem(), index)
    delegate.setEditorData(editor, index)
    set_editor(editor)
    delegate.setModelData(editor, model, index)
    return editor


def test_delegate_editors_per_column(qtbot: QtBot, model: LegTableModel) -> None:
    document = model.document

    def pick(text: str) -> Any:
        def choose(editor: QComboBox) -> None:
            editor.setCurrentIndex(editor.findText(text))

        return choose

    editor = edit_through_delegate(model, "mid_call", Column.GROUP, pick("near"))
    assert isinstance(editor, QComboBox)
    assert document.plan.leg("mid_call").group is Group.NEAR

    editor = edit_through_delegate(model, "long_call", Column.RIGHT, pick("put"))
    assert document.plan.leg("long_call").right is Right.PUT

    def quantity(editor: QSpinBox) -> None:
        assert editor.value() == -5
        editor.setValue(-3)

    editor = edit_through_delegate(model, "short_call", Column.QUANTITY, quantity)
    assert isinstance(editor, QSpinBox)
    assert document.plan.leg("short_call").quantity == -3

    def spx_strike(editor: QDoubleSpinBox) -> None:
        assert editor.singleStep() == 5.0
        editor.stepBy(2)

    edit_through_delegate(model, "short_call", Column.STRIKE, spx_strike)
    assert document.plan.leg("short_call").strike == 7850.0

    def vix_strike(editor: QDoubleSpinBox) -> None:
        assert editor.singleStep() == 1.0  # VIX strikes above 15 step by 1
        editor.stepBy(-1)

    edit_through_delegate(model, "mid_call", Column.STRIKE, vix_strike)
    assert document.plan.leg("mid_call").strike == 21.0

    def expiry(editor: QDateEdit) -> None:
        assert editor.calendarPopup()
        assert editor.date() == QDate(2027, 1, 8)
        editor.setDate(QDate(2027, 1, 15))

    edit_through_delegate(model, "short_call", Column.EXPIRY, expiry)
    assert document.plan.leg("short_call").expiry == dt.date(2027, 1, 15)

    def iv(editor: QDoubleSpinBox) -> None:
        assert editor.text() == "model"  # blank IV shows as the special value
        editor.setValue(18.5)

    edit_through_delegate(model, "short_call", Column.IV_PCT, iv)
    assert document.plan.leg("short_call").iv == pytest.approx(0.185)

    def back_to_model(editor: QDoubleSpinBox) -> None:
        assert editor.value() == pytest.approx(18.5)
        editor.setValue(editor.minimum())

    edit_through_delegate(model, "short_call", Column.IV_PCT, back_to_model)
    assert document.plan.leg("short_call").iv is None

    def entry(editor: QDoubleSpinBox) -> None:
        editor.setValue(12.35)

    edit_through_delegate(model, "short_call", Column.ENTRY_PRICE, entry)
    assert document.plan.leg("short_call").entry_price == pytest.approx(12.35)
    assert document.undo_stack.count() == 9
    settle(qtbot, document)


def test_delegate_refuses_a_zero_quantity(model: LegTableModel) -> None:
    messages: list[str] = []
    model.rejected.connect(messages.append)
    before = model.document.plan
    edit_through_delegate(model, "short_put", Column.QUANTITY, lambda e: e.setValue(0))
    assert model.document.plan == before
    assert messages and "quantity" in messages[0]


def test_table_keys_delete_rows_and_enter_moves_down(qtbot: QtBot, model: LegTableModel) -> None:
    editor = PositionEditor(model)
    qtbot.addWidget(editor)
    editor.show()
    table = editor.table
    table.setCurrentIndex(cell(model, "near_call", Column.STRIKE))
    table.selectRow(model.row_of("near_call"))
    QTest.keyClick(table, Qt.Key.Key_Delete)
    assert "near_call" not in [leg.id for leg in model.document.plan.legs]
    assert model.document.undo_stack.undoText().startswith("Delete")

    start = cell(model, "short_put", Column.STRIKE)
    table.setCurrentIndex(start)
    QTest.keyClick(table, Qt.Key.Key_Return)  # opens the editor
    focus = table.indexWidget(start) or table.focusWidget()
    assert isinstance(focus, QDoubleSpinBox)
    focus.setValue(6940.0)
    QTest.keyClick(focus, Qt.Key.Key_Return)  # commits (queued by Qt) and moves down
    qtbot.waitUntil(lambda: model.document.plan.leg("short_put").strike == 6940.0)
    assert table.currentIndex().row() == start.row() + 1
    assert table.currentIndex().column() == Column.STRIKE


def test_position_editor_buttons(qtbot: QtBot, model: LegTableModel, plan: Plan) -> None:
    editor = PositionEditor(model)
    qtbot.addWidget(editor)
    editor.table.selectRow(model.row_of("tail_call"))
    QTest.mouseClick(editor.duplicate_button, Qt.MouseButton.LeftButton)
    assert model.rowCount() == len(plan.legs) + 1
    assert model.document.plan.legs[-1].with_changes(id="tail_call") == plan.leg("tail_call")
    QTest.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    assert model.rowCount() == len(plan.legs) + 2
    editor.table.selectRow(model.rowCount() - 1)
    QTest.mouseClick(editor.delete_button, Qt.MouseButton.LeftButton)
    assert model.rowCount() == len(plan.legs) + 1
    assert model.document.undo_stack.count() == 3


def test_strike_edit_resets_a_typed_entry_to_the_new_model_price(
    qtbot: QtBot, model: LegTableModel, document: PlanDocument
) -> None:
    """#13.5: the 6,900 put bought at 57.60 moved to 6,875 must not keep 57.60 (a phantom P&L
    at spot): the entry becomes the new contract's model price, in the same undo step."""
    assert model.setData(cell(model, "long_put", Column.ENTRY_PRICE), 57.60)
    settle(qtbot, document)
    with_entry = document.plan
    count = document.undo_stack.count()
    messages: list[str] = []
    model.entry_reset.connect(messages.append)
    assert model.setData(cell(model, "long_put", Column.STRIKE), 6875.0)
    assert document.undo_stack.count() == count + 1
    assert "entry reset to model" in document.undo_stack.undoText()
    settle(qtbot, document)
    leg = document.plan.leg("long_put")
    risk = risk_of(document, "long_put")
    assert leg.strike == 6875.0
    assert leg.entry_price == pytest.approx(risk.model_price_pts, abs=0.005)
    assert abs(risk.pnl_usd) <= 0.005 * 100 * abs(leg.quantity) + 1e-6
    assert messages and "57.60" in messages[0]
    document.undo_stack.undo()
    assert document.plan == with_entry


def test_editors_get_their_own_width_and_qty_never_wraps(
    qtbot: QtBot, model: LegTableModel, document: PlanDocument
) -> None:
    """#13.9: the strike editor showed "687" for 6875; a condor's "−10 short" wrapped."""
    editor = PositionEditor(model)
    qtbot.addWidget(editor)
    editor.resize(900, 300)
    editor.show()
    qtbot.waitExposed(editor)
    table = editor.table
    assert not table.wordWrap()
    index = cell(model, "short_put", Column.STRIKE)
    table.setColumnWidth(Column.STRIKE, 30)
    table.setCurrentIndex(index)
    table.edit(index)
    spin = table.findChild(QDoubleSpinBox)
    assert spin is not None
    qtbot.waitUntil(spin.isVisible)
    assert spin.width() >= spin.sizeHint().width()
    table.closePersistentEditor(index)
    table.commitData(spin)
    table.closeEditor(spin, LegDelegate.EndEditHint.RevertModelCache)

    before = table.columnWidth(Column.QUANTITY)
    legs = tuple(leg.with_changes(quantity=leg.quantity * -100) for leg in document.plan.legs)
    document.push_plan(document.plan.with_changes(legs=legs), "bigger")
    assert table.columnWidth(Column.QUANTITY) >= table.sizeHintForColumn(Column.QUANTITY)
    assert table.columnWidth(Column.QUANTITY) > before


def test_totals_row_under_the_table(
    qtbot: QtBot, model: LegTableModel, document: PlanDocument
) -> None:
    """#13.15: net credit/debit, market value and P&L of the whole position, from the report."""
    from planner.present.formatting import fmt_usd

    editor = PositionEditor(model)
    qtbot.addWidget(editor)
    report = document.report
    assert report is not None
    text = editor.totals_label.text()
    assert f"net credit {fmt_usd(report.net_credit_usd)}" in text
    assert f"market value {fmt_usd(report.total.market_value_usd, sign=True)}" in text
    assert f"P&L {fmt_usd(report.total.pnl_usd, sign=True)}" in text
    # Seven times the position: seven times the totals.
    legs = tuple(leg.with_changes(quantity=7 * leg.quantity) for leg in document.plan.legs)
    document.push_plan(document.plan.with_changes(legs=legs), "7x")
    settle(qtbot, document)
    bigger = document.report
    assert bigger is not None
    assert bigger.total.market_value_usd == pytest.approx(7 * report.total.market_value_usd)
    assert fmt_usd(bigger.total.market_value_usd, sign=True) in editor.totals_label.text()
    assert model.headerData(Column.DELTA, Qt.Orientation.Horizontal) == "Δ /contract"
    assert model.headerData(Column.THETA, Qt.Orientation.Horizontal) == "θ pts/day"


def test_a_refused_value_stays_marked_at_its_cell(
    qtbot: QtBot, model: LegTableModel, document: PlanDocument, plan: Plan
) -> None:
    """#13.13: a refused value is outlined at its cell with the reason as the cell's tooltip,
    until the cell takes a valid value."""
    from planner.ui.legs_model import REFUSED_ROLE

    index = cell(model, "short_put", Column.QUANTITY)
    assert not model.setData(index, 0)
    reason = index.data(REFUSED_ROLE)
    assert reason and "quantity" in reason
    assert "Refused" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert reason in index.data(Qt.ItemDataRole.ToolTipRole)
    # An edit elsewhere (a recalculation) leaves the mark.
    document.push_plan(document.plan.with_changes(capital_usd=300_000.0), "capital")
    settle(qtbot, document)
    assert index.data(REFUSED_ROLE) == reason
    assert model.setData(index, -6)
    assert index.data(REFUSED_ROLE) is None
    assert index.data(Qt.ItemDataRole.ToolTipRole) == model.headerData(
        Column.QUANTITY, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    )


def test_letters_typed_in_a_number_cell_say_why(qtbot: QtBot, model: LegTableModel) -> None:
    editor = PositionEditor(model)
    qtbot.addWidget(editor)
    editor.resize(900, 300)
    editor.show()
    qtbot.waitExposed(editor)
    table = editor.table
    index = cell(model, "short_put", Column.STRIKE)
    table.setCurrentIndex(index)
    table.edit(index)
    spin = table.findChild(QDoubleSpinBox)
    assert spin is not None
    qtbot.waitUntil(spin.isVisible)
    delegate = table.itemDelegate()
    assert isinstance(delegate, LegDelegate)
    QTest.keyClick(spin, Qt.Key.Key_X, Qt.KeyboardModifier.NoModifier)
    assert "Numbers only" in delegate.last_hint
    assert "'x'" in delegate.last_hint
