"""The one Qt model for presentation tables: row headers, the transposed view, safe tooltips."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from planner.present.table import Align, Cell, Column, Table, text_cell, usd_cell
from planner.ui.cell_table import CELL_ROLE, CellTableModel

HOSTILE = "<img src='/dev/zero'>"


def table() -> Table:
    return Table(
        "t",
        (Column("When", Align.LEFT), Column("P&L", tooltip="profit")),
        (
            (text_cell("today"), usd_cell(-1234.0)),
            (text_cell("later", tooltip=HOSTILE), usd_cell(99.0)),
        ),
        bold_rows=frozenset({1}),
        row_headers=(text_cell("a"), Cell("b", tooltip=f"{HOSTILE} scenario")),
    )


def test_row_headers_and_transposed_view(qtmodeltester: object, qapp: QApplication) -> None:
    flat = CellTableModel(table())
    turned = CellTableModel(table(), transposed=True)
    for model in (flat, turned):
        qtmodeltester.check(model, force_py=True)  # type: ignore[attr-defined]
    assert (flat.rowCount(), flat.columnCount()) == (2, 2)
    assert flat.headerData(1, Qt.Orientation.Vertical) == "b"
    assert flat.headerData(1, Qt.Orientation.Horizontal) == "P&L"
    assert turned.headerData(1, Qt.Orientation.Horizontal) == "b"
    assert turned.headerData(1, Qt.Orientation.Vertical) == "P&L"
    for r in range(2):
        for c in range(2):
            assert turned.cell(c, r) == flat.cell(r, c)
            assert turned.data(turned.index(c, r), CELL_ROLE) == flat.cell(r, c)
    assert flat.data(flat.index(0, 1), Qt.ItemDataRole.UserRole) == -1234.0
    # The bold row is bold in either orientation, header included.
    assert turned.data(turned.index(0, 1), Qt.ItemDataRole.FontRole).bold()
    assert turned.headerData(1, Qt.Orientation.Horizontal, Qt.ItemDataRole.FontRole).bold()
    # Tooltips quote plan text: never handed to Qt as rich text.
    for tip in (
        flat.data(flat.index(1, 0), Qt.ItemDataRole.ToolTipRole),
        flat.headerData(1, Qt.Orientation.Vertical, Qt.ItemDataRole.ToolTipRole),
    ):
        assert HOSTILE not in tip and "&lt;img" in tip


def test_an_unchanged_table_redraws_nothing(qapp: QApplication) -> None:
    model = CellTableModel(table())
    changes: list[object] = []
    model.dataChanged.connect(lambda *a: changes.append(a))
    model.modelReset.connect(lambda: changes.append("reset"))
    model.set_table(table())
    assert changes == []
    renamed = dataclasses.replace(table(), row_headers=(text_cell("x"),) * 2)
    headers: list[tuple[object, int, int]] = []
    model.headerDataChanged.connect(lambda o, a, b: headers.append((o, a, b)))
    model.set_table(renamed)
    assert len(changes) == 1 and headers == [(Qt.Orientation.Vertical, 0, 1)]


def test_a_short_column_title_heads_a_narrow_view_with_the_whole_title_in_its_tooltip(
    qapp: QApplication,
) -> None:
    columns = (
        Column("Contracts", tooltip="Signed", short_title="Qty"),
        Column("P&L", tooltip="profit"),
    )
    rows = ((Cell("4", 4.0), usd_cell(1.0)),)
    for model, orientation in (
        (CellTableModel(Table("t", columns, rows)), Qt.Orientation.Horizontal),
        (CellTableModel(Table("t", columns, rows), transposed=True), Qt.Orientation.Vertical),
    ):
        assert model.headerData(0, orientation) == "Qty"
        assert model.headerData(0, orientation, Qt.ItemDataRole.ToolTipRole) == "Contracts: Signed"
        # A column without a short title is headed and explained as before.
        assert model.headerData(1, orientation) == "P&L"
        assert model.headerData(1, orientation, Qt.ItemDataRole.ToolTipRole) == "profit"
