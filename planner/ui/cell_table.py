"""One Qt table model for every `planner.present.Table` (issue #12 item 2): text, alignment,
gain/loss colour, tooltips and bold from the cells; sorting by the number behind each cell.

A long table (the replay's trade log) can be swapped in a slice of rows at a time
(`set_table_in_steps`), one slice per event-loop turn: the views, and a sorting or filtering
proxy above all, do Python work for every row they are told about.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from planner.present.table import Align, Cell, Table, Tone
from planner.ui.plain_text import safe_text
from planner.ui.theme import SCREEN, Theme

__all__ = ["CELL_ROLE", "SORT_ROLE", "CellTableModel", "ColumnFilterProxy"]

AnyIndex = QModelIndex | QPersistentModelIndex

SORT_ROLE = int(Qt.ItemDataRole.UserRole) + 1
"""The cell's number (or its text when it has none): what sorting compares."""
CELL_ROLE = int(Qt.ItemDataRole.UserRole) + 2
"""The `Cell` itself (for tests and for views that paint more than text)."""

_ALIGN = {
    Align.LEFT: Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
    Align.RIGHT: Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
}


class CellTableModel(QAbstractTableModel):
    """Read-only model over one `Table`; `set_table` swaps in the next one.

    The table's row headers (a layer, a scenario) are the view's vertical header. `transposed`
    shows the table's rows as columns, for a narrow dock: the Layers dock shows one column per
    layer and the figures down the side.
    """

    def __init__(
        self,
        table: Table | None = None,
        parent: QObject | None = None,
        *,
        transposed: bool = False,
        theme: Theme = SCREEN,
    ) -> None:
        super().__init__(parent)
        self._table = table
        self._transposed = transposed
        self._rows = 0 if table is None else len(table.rows)
        """The table's rows the views have been told about (all but during
        `set_table_in_steps`)."""
        self._brushes = {
            Tone.LOSS: QBrush(QColor(*theme.loss_text)),
            Tone.GAIN: QBrush(QColor(*theme.profit_text)),
        }
        self._bold = QFont()
        self._bold.setBold(True)

    @property
    def table(self) -> Table | None:
        return self._table

    def set_table(self, table: Table | None) -> None:
        if table == self._table:
            # Nothing to redraw (a horizon drag leaves most tables as they were).
            return
        for _rows in self.set_table_in_steps(table, None):
            pass

    def set_table_in_steps(self, table: Table | None, rows_per_step: int | None) -> Iterator[int]:
        """Swap in `table`, telling the views about at most `rows_per_step` of its rows (None:
        all; a transposed model takes them all at once) per step; each `next()` runs one step
        and gives the rows it covered. Between steps the model is consistent (rows not yet
        announced do not exist for the views), so a caller may drop the iterator for a newer
        table at any step."""
        old = self._table
        total = 0 if table is None else len(table.rows)
        step = max(1, total if rows_per_step is None or self._transposed else rows_per_step)
        same_shape = (
            old is not None
            and table is not None
            and old.columns == table.columns
            and self._rows == len(old.rows) == total
            and len(old.row_headers) == len(table.row_headers)
        )
        self._table = table
        if same_shape and table is not None and table.rows:
            # Same columns and row count (the common re-run): keep the views' column widths,
            # and tell them only about the rows and headers that changed, so a view repaints
            # those alone (a horizon drag changes the position table's break-even row only).
            assert old is not None
            changed_headers = [
                i
                for i, (was, now) in enumerate(zip(old.row_headers, table.row_headers, strict=True))
                if was != now or (i in old.bold_rows) != (i in table.bold_rows)
            ]
            if changed_headers:
                orientation = (
                    Qt.Orientation.Horizontal if self._transposed else Qt.Orientation.Vertical
                )
                self.headerDataChanged.emit(orientation, changed_headers[0], changed_headers[-1])
            for first in range(0, total, step):
                last = min(total, first + step) - 1
                self._emit_changed_rows(old, table, first, last, set(changed_headers))
                yield last - first + 1
            return
        if self._transposed or not total:
            self.beginResetModel()
            self._rows = total
            self.endResetModel()
            yield total
            return
        self.beginResetModel()
        self._rows = 0
        self.endResetModel()
        for first in range(0, total, step):
            last = min(total, first + step) - 1
            self.beginInsertRows(QModelIndex(), first, last)
            self._rows = last + 1
            self.endInsertRows()
            yield last - first + 1

    def _emit_changed_rows(
        self, old: Table, new: Table, first: int, last: int, renamed: set[int]
    ) -> None:
        """`dataChanged` over the cells of table rows `first`..`last` that differ between
        `old` and `new` (one rectangle around them); nothing when none does. A row whose header
        changed (`renamed`) is another row now: all its cells count as changed."""
        if not new.columns:
            return
        rows: list[int] = []
        columns: list[int] = []
        for row in range(first, last + 1):
            was, now = old.rows[row], new.rows[row]
            if row in renamed or (row in old.bold_rows) != (row in new.bold_rows):
                rows.append(row)
                columns.extend((0, len(now) - 1))
                continue
            if was == now:
                continue
            changed = [c for c, (a, b) in enumerate(zip(was, now, strict=True)) if a != b]
            rows.append(row)
            columns.extend((changed[0], changed[-1]))
        if not rows:
            return
        top, bottom, left, right = rows[0], rows[-1], min(columns), max(columns)
        if self._transposed:
            top, bottom, left, right = left, right, top, bottom
        self.dataChanged.emit(self.index(top, left), self.index(bottom, right))

    def cell(self, row: int, column: int) -> Cell:
        """The cell at (`row`, `column`) of the model (of the table's row `column` when
        transposed)."""
        assert self._table is not None
        if self._transposed:
            row, column = column, row
        return self._table.rows[row][column]

    # -- Qt ------------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        if parent.isValid() or self._table is None:
            return 0
        return len(self._table.columns) if self._transposed else self._rows

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        if parent.isValid() or self._table is None:
            return 0
        return self._rows if self._transposed else len(self._table.columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        table = self._table
        if table is None or not index.isValid():
            return None
        row, column = index.row(), index.column()
        if self._transposed:
            row, column = column, row
        if not (0 <= row < self._rows and 0 <= column < len(table.columns)):
            return None
        cell = table.rows[row][column]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell.text
        if role == Qt.ItemDataRole.UserRole:
            return cell.number
        if role == SORT_ROLE:
            return cell.sort_key
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(_ALIGN[cell.align or table.columns[column].align])
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._brushes.get(cell.tone)
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(cell.tooltip)
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if cell.bold or row in table.bold_rows else None
        if role == CELL_ROLE:
            return cell
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        table = self._table
        if table is None:
            return None
        columns = (orientation == Qt.Orientation.Horizontal) != self._transposed
        if columns:
            if not 0 <= section < len(table.columns):
                return None
            column = table.columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return column.narrow_title
            if role == Qt.ItemDataRole.ToolTipRole:
                if column.short_title:
                    # The whole title a narrow header stands for, then what it means.
                    return _tooltip(": ".join(t for t in (column.title, column.tooltip) if t))
                return _tooltip(column.tooltip)
            if role == Qt.ItemDataRole.TextAlignmentRole and not self._transposed:
                return int(_ALIGN[column.align])
            return None
        if not 0 <= section < len(table.row_headers):
            return None
        header = table.row_headers[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return header.text
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(header.tooltip or header.wide_text)
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if header.bold or section in table.bold_rows else None
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def _tooltip(text: str) -> str | None:
    # Tooltips quote plan and file text (a scenario's name): never rich text (plain_text.py).
    return safe_text(text) if text else None


class ColumnFilterProxy(QSortFilterProxyModel):
    """Sorts by `SORT_ROLE`; shows only rows whose `column` text is `value` (None: all)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self._column = 0
        self._value: str | None = None

    def set_filter(self, column: int, value: str | None) -> None:
        # Qt 6.10 replaced invalidateRowsFilter by a begin/end pair around the change.
        begin = getattr(self, "beginFilterChange", None)
        if begin is not None:
            begin()
        self._column = column
        self._value = value
        end = getattr(self, "endFilterChange", None)
        if end is not None:
            end(QSortFilterProxyModel.Direction.Rows)
        else:
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:  # noqa: N802
        if self._value is None:
            return True
        model = self.sourceModel()
        text = model.data(model.index(source_row, self._column, source_parent))
        return bool(text == self._value)

    def lessThan(self, left: AnyIndex, right: AnyIndex) -> bool:  # noqa: N802
        a = left.data(SORT_ROLE)
        b = right.data(SORT_ROLE)
        if isinstance(a, (int, float)) and isinstance(b, (int, float)):
            return bool(a < b)
        if isinstance(a, (int, float)):
            return True  # numbers before text (a dash) in ascending order
        if isinstance(b, (int, float)):
            return False
        return str(a) < str(b)
