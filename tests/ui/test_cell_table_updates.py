"""The one Qt model for present tables: a re-run with the same shape updates in place, an
unchanged table signals nothing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from planner.present.table import Align, Cell, Column, Table
from planner.ui.cell_table import CellTableModel


def _table(name: str, value: str) -> Table:
    return Table(
        "T",
        (Column("v"),),
        ((Cell(value, 1.0, tooltip=name, align=Align.LEFT),),),
        row_headers=(Cell("short", tooltip=name, full_text=name),),
    )


def test_same_shape_updates_without_a_reset(qtbot: QtBot) -> None:
    model = CellTableModel(_table("a", "1"))
    resets: list[bool] = []
    headers: list[int] = []
    model.modelReset.connect(lambda: resets.append(True))
    model.headerDataChanged.connect(lambda _o, first, _last: headers.append(first))
    with qtbot.waitSignal(model.dataChanged):
        model.set_table(_table("b", "2"))
    assert model.data(model.index(0, 0)) == "2"
    assert not resets and headers == [0]
    model.set_table(model.table)  # the same figures: nothing is signalled
    assert not resets and headers == [0]


def _grid(values: list[list[str]], bold: frozenset[int] = frozenset()) -> Table:
    return Table(
        "G",
        (Column("a"), Column("b"), Column("c")),
        tuple(tuple(Cell(v) for v in row) for row in values),
        bold_rows=bold,
        row_headers=tuple(Cell(f"r{i}") for i in range(len(values))),
    )


def test_a_same_shape_update_signals_only_the_cells_that_changed(qtbot: QtBot) -> None:
    # Issue 13 "Speed": a view repaints what `dataChanged` covers; a horizon drag changes one
    # row of the position table, so one row is all that is signalled.
    before = [["1", "2", "3"], ["4", "5", "6"], ["7", "8", "9"], ["x", "y", "z"]]
    after = [["1", "2", "3"], ["4", "50", "60"], ["7", "8", "9"], ["x", "y", "z"]]
    for transposed in (False, True):
        model = CellTableModel(_grid(before), transposed=transposed)
        changes: list[tuple[int, int, int, int]] = []
        headers: list[object] = []
        model.dataChanged.connect(
            lambda a, b, *_r, changes=changes: changes.append(
                (a.row(), a.column(), b.row(), b.column())
            )
        )
        model.headerDataChanged.connect(lambda *a, headers=headers: headers.append(a))
        model.set_table(_grid(after))
        # Table row 1, columns 1-2 (model rows 1-2 of column 1 when transposed).
        assert changes == [(1, 1, 2, 1) if transposed else (1, 1, 1, 2)]
        assert headers == []
        # A row turning bold is redrawn whole; nothing else is.
        changes.clear()
        model.set_table(_grid(after, bold=frozenset({3})))
        assert changes == [(0, 3, 2, 3) if transposed else (3, 0, 3, 2)]
        side = Qt.Orientation.Horizontal if transposed else Qt.Orientation.Vertical
        assert headers == [(side, 3, 3)]
