"""Cell editors for the position table, and the table view that drives them.

Editors commit through the model's `setData`, which validates and pushes one undo command;
a refused value leaves the plan untouched and the model reports why (`rejected`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QDate,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QKeyEvent, QKeySequence, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from planner.engine.strikes import listed_strike_step
from planner.engine.types import Group, Right, Underlying
from planner.ui.legs_model import REFUSED_ROLE, Column, LegTableModel
from planner.ui.plain_text import safe_text

AnyIndex = QModelIndex | QPersistentModelIndex

_ENUMS: dict[Column, type[Group] | type[Underlying] | type[Right]] = {
    Column.GROUP: Group,
    Column.UNDERLYING: Underlying,
    Column.RIGHT: Right,
}


_LOADED = "hedge_planner_editor_loaded"
ROW_PADDING_PX = 8
"""A leg row's height above its text's: room for a spin box's frame when a cell is edited."""


class LegDelegate(QStyledItemDelegate):
    """Combo boxes for the enums, spin boxes for numbers, a calendar for the expiry.

    The blank "model" state of entry price and IV is the spin box's minimum, shown as "model"
    (Qt's special-value text), so clearing a user value is one step down from zero.
    """

    MODEL_TEXT = "model"
    REFUSED_COLOUR = QColor(208, 49, 45)
    last_hint = ""
    """The last "numbers only" hint shown (for tests and the status bar)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        super().paint(painter, option, index)
        if index.data(REFUSED_ROLE):
            # A refused value is marked where it was typed (the reason is the cell's tooltip).
            painter.save()
            painter.setPen(QPen(self.REFUSED_COLOUR, 2.0))
            painter.drawRect(option.rect.adjusted(1, 1, -1, -1))
            painter.restore()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        # A number editor drops letters silently: say why instead of seeming dead.
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and isinstance(watched, QDoubleSpinBox | QSpinBox)
            and event.text().isalpha()
            and not event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier
        ):
            hint = "Numbers only here"
            if watched.specialValueText():
                hint += f" (step below 0, or clear the cell, for {watched.specialValueText()!r})"
            self.last_hint = f"{hint}: {event.text()!r} is not part of a number"
            QToolTip.showText(
                watched.mapToGlobal(watched.rect().bottomLeft()), self.last_hint, watched
            )
        return super().eventFilter(watched, event)

    def createEditor(  # noqa: N802
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        column = Column(index.column())
        model = index.model()
        leg = model.leg_at(index.row()) if isinstance(model, LegTableModel) else None
        if column in _ENUMS:
            combo = QComboBox(parent)
            for member in _ENUMS[column]:
                combo.addItem(member.value, member.value)
            return combo
        if column == Column.QUANTITY:
            spin = QSpinBox(parent)
            spin.setRange(-100_000, 100_000)
            spin.setToolTip("Positive = long, negative = short")
            spin.installEventFilter(self)
            return spin
        if column == Column.STRIKE:
            dspin = QDoubleSpinBox(parent)
            dspin.setRange(0.0, 100_000.0)
            if leg is not None:
                dspin.setDecimals(0 if leg.underlying is Underlying.SPX else 1)
                dspin.setSingleStep(
                    listed_strike_step(leg.underlying is Underlying.VIX, leg.strike)
                )
            dspin.installEventFilter(self)
            return dspin
        if column == Column.EXPIRY:
            date_edit = QDateEdit(parent)
            date_edit.setCalendarPopup(True)
            date_edit.setDisplayFormat("yyyy-MM-dd")
            return date_edit
        if column in (Column.ENTRY_PRICE, Column.IV_PCT):
            dspin = QDoubleSpinBox(parent)
            dspin.setDecimals(2 if column == Column.ENTRY_PRICE else 1)
            # One step below zero is the "model" value (see class docstring).
            dspin.setSingleStep(0.05 if column == Column.ENTRY_PRICE else 0.5)
            dspin.setRange(-dspin.singleStep(), 100_000.0 if column == Column.ENTRY_PRICE else 1000)
            dspin.setSpecialValueText(self.MODEL_TEXT)
            dspin.installEventFilter(self)
            return dspin
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:  # noqa: N802
        # Qt calls this again whenever the row's data change (a recalculation landing while the
        # user types): loading the editor only once keeps what the user has typed.
        if editor.property(_LOADED):
            return
        editor.setProperty(_LOADED, True)
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(value)))
        elif isinstance(editor, QSpinBox):
            editor.setValue(int(value))
        elif isinstance(editor, QDoubleSpinBox):
            editor.setValue(editor.minimum() if value is None else float(value))
        elif isinstance(editor, QDateEdit):
            editor.setDate(value if isinstance(value, QDate) else QDate.currentDate())
        else:
            super().setEditorData(editor, index)

    def setModelData(  # noqa: N802
        self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex
    ) -> None:
        value: Any
        if isinstance(editor, QComboBox):
            value = editor.currentData()
        elif isinstance(editor, QSpinBox):
            editor.interpretText()
            value = editor.value()
        elif isinstance(editor, QDoubleSpinBox):
            editor.interpretText()
            value = editor.value()
            if editor.specialValueText() and value == editor.minimum():
                value = None
        elif isinstance(editor, QDateEdit):
            day = editor.date()
            value = dt.date(day.year(), day.month(), day.day())
        else:
            super().setModelData(editor, model, index)
            return
        if not model.setData(index, value, Qt.ItemDataRole.EditRole):
            reason = index.data(REFUSED_ROLE)
            viewport = editor.parentWidget()
            if reason and viewport is not None:
                QToolTip.showText(
                    viewport.mapToGlobal(editor.geometry().bottomLeft()),
                    safe_text(str(reason)),
                    viewport,
                    editor.geometry(),
                )

    def updateEditorGeometry(  # noqa: N802
        self, editor: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> None:
        # At least the editor's own width: a spin box squeezed into the cell showed "687" for
        # 6875 (its arrows took the room).
        rect = option.rect
        rect.setWidth(max(rect.width(), editor.sizeHint().width()))
        editor.setGeometry(rect)


class LegTableView(QTableView):
    """Spreadsheet-like keys: Enter commits and moves down, Tab moves right, Delete removes."""

    delete_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setItemDelegate(LegDelegate(self))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.setTabKeyNavigation(True)
        self.setAlternatingRowColors(True)
        # One line per leg: a wrapped "−10 / short" grew into the row above.
        self.setWordWrap(False)
        # Columns are fitted when rows come and go, not on every data change: ResizeToContents
        # would re-measure every cell on each recalculation (~13 ms a time for a small plan).
        self._fitted_with_figures = False
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setStretchLastSection(False)
        # Rows one line of text high (Qt's default is ~30 px): the seven legs of a condor and
        # its hedge fit in the Position dock of a 768-pixel screen. A cell editor gets the row's
        # height; its text still fits.
        rows = self.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + ROW_PADDING_PX)

    def setModel(self, model: QAbstractItemModel | None) -> None:  # noqa: N802 - Qt override
        super().setModel(model)
        if model is not None:
            for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved):
                signal.connect(self._fit_columns)
            model.dataChanged.connect(self._fit_columns_once_priced)
            if isinstance(model, LegTableModel):
                model.inputs_changed.connect(self._fit_typed_columns)
            self._fit_columns()

    def _fit_columns(self) -> None:
        # Not while an editor is open: re-laying out the columns would move it under the user.
        self._fitted_with_figures = False
        if self.state() != QAbstractItemView.State.EditingState:
            self.resizeColumnsToContents()

    def _fit_typed_columns(self) -> None:
        # A new condor's "−10 short" or a five-digit strike is wider than what was fitted; only
        # the columns an edit can widen are measured (cheap), and never shrunk.
        if self.state() == QAbstractItemView.State.EditingState:
            return
        header = self.horizontalHeader()
        for column in (Column.QUANTITY, Column.STRIKE, Column.EXPIRY, Column.ENTRY_PRICE):
            wanted = max(self.sizeHintForColumn(column), header.sectionSizeHint(column))
            if wanted > header.sectionSize(column):
                header.resizeSection(column, wanted)

    def _fit_columns_once_priced(self) -> None:
        # The model's figures (price, delta, model IV) arrive with the first report after rows
        # change: fit once more then, so those columns are not left at their empty width.
        if not self._fitted_with_figures:
            self._fit_columns()
            self._fitted_with_figures = True

    def selected_rows(self) -> list[int]:
        selection = self.selectionModel()
        if selection is None:
            return []
        rows = {index.row() for index in selection.selectedIndexes()}
        current = self.currentIndex()
        if not rows and current.isValid():
            rows.add(current.row())
        return sorted(rows)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.matches(QKeySequence.StandardKey.Delete) or event.key() == Qt.Key.Key_Delete:
            self.delete_requested.emit()
            event.accept()
            return
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.state() != QAbstractItemView.State.EditingState
        ):
            current = self.currentIndex()
            if current.isValid() and current.flags() & Qt.ItemFlag.ItemIsEditable:
                self.edit(current)
                event.accept()
                return
        super().keyPressEvent(event)

    def closeEditor(  # noqa: N802
        self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint
    ) -> None:
        # Enter in an editor commits and moves to the same column of the next row.
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache:
            current = self.currentIndex()
            super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
            model = self.model()
            if current.isValid() and model is not None and current.row() + 1 < model.rowCount():
                self.setCurrentIndex(model.index(current.row() + 1, current.column()))
            return
        super().closeEditor(editor, hint)


class PositionEditor(QWidget):
    """The legs table with Add / Delete / Duplicate / New iron condor… buttons."""

    new_condor_requested = Signal()

    def __init__(self, model: LegTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.table = LegTableView()
        self.table.setModel(model)
        self.table.delete_requested.connect(self.delete_selected)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        # The buttons in a column beside the table rather than a row above it: the dock's
        # height goes to legs (all seven of the sample at 1366x768), its width has room.
        buttons = QVBoxLayout()
        self.add_button = QPushButton("Add leg")
        self.add_button.clicked.connect(self.add_leg)
        self.delete_button = QPushButton("Delete")
        self.delete_button.clicked.connect(self.delete_selected)
        self.duplicate_button = QPushButton("Duplicate")
        self.duplicate_button.clicked.connect(self.duplicate_selected)
        self.condor_button = QPushButton("New iron condor…")
        self.condor_button.clicked.connect(self.new_condor_requested)
        for button in (
            self.add_button,
            self.delete_button,
            self.duplicate_button,
            self.condor_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        table_row = QHBoxLayout()
        table_row.addWidget(self.table, 1)
        table_row.addLayout(buttons)
        layout.addLayout(table_row, 1)
        # The totals row: what the whole position is worth and earns, from the same report.
        self.totals_label = QLabel("")
        self.totals_label.setObjectName("positionTotals")
        self.totals_label.setTextFormat(Qt.TextFormat.PlainText)
        self.totals_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.totals_label.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.totals_label)
        model.document.report_ready.connect(self._show_totals)
        self._show_totals()

    def _show_totals(self, _report: object = None) -> None:
        self.totals_label.setText(self.model.totals_text())

    def selected_ids(self) -> list[str]:
        return [self.model.leg_id(row) for row in self.table.selected_rows()]

    def add_leg(self) -> None:
        rows = self.table.selected_rows()
        template = self.model.leg_at(rows[-1]) if rows else None
        new_id = self.model.add_leg(template)
        if new_id:
            self.table.selectRow(self.model.row_of(new_id))

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.model.remove_legs(ids)

    def duplicate_selected(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.model.duplicate_legs(ids)
