"""The one Qt model for present tables: a re-run with the same shape updates in place, an
unchanged table signals nothing."""

from __future__ import annotations

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
