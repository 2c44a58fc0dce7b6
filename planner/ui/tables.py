"""Read-only figure tables shared by the risk and layer panels, and the scroll area a dock's
panel holds them in."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QFrame,
    QHeaderView,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

# Room left in each column after fitting, so figures that grow a digit do not get cut.
COLUMN_SLACK_PX = 10


def figure_table(
    model: QAbstractItemModel,
    *,
    row_headers: bool = True,
    editable: bool = False,
    stretch_last: bool = False,
    slack_px: int = COLUMN_SLACK_PX,
) -> QTableView:
    """A table shown whole inside a scrolling panel (it only scrolls sideways itself).

    Columns are fitted to their contents when the table's shape changes and once its first
    figures arrive, not on every update: a ResizeToContents header re-measures every cell on
    each recalculation, which cost more than the recalculation itself.
    """
    view = QTableView()
    view.setModel(model)
    if not editable:
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    view.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
    view.verticalHeader().setVisible(row_headers)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 6)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    fitted = {"with_data": False}

    def fit_columns() -> None:
        header = view.horizontalHeader()
        for column in range(header.count()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        view.resizeColumnsToContents()
        for column in range(header.count()):
            header.resizeSection(column, header.sectionSize(column) + slack_px)
        if stretch_last and header.count():
            # The last column takes exactly the room left, so a right-aligned figure is never
            # pushed out of sight by one long cell below it (that cell is elided instead).
            header.setSectionResizeMode(header.count() - 1, QHeaderView.ResizeMode.Stretch)
        fit_height(view)

    def reshaped() -> None:
        fitted["with_data"] = False
        fit_columns()

    def data_arrived() -> None:
        if not fitted["with_data"]:
            fitted["with_data"] = True
            fit_columns()

    # Columns too: a transposed table's rows arrive as columns.
    for signal in (
        model.modelReset,
        model.rowsInserted,
        model.rowsRemoved,
        model.columnsInserted,
        model.columnsRemoved,
    ):
        signal.connect(reshaped)
    model.dataChanged.connect(data_arrived)
    # Re-fit the height when the sideways scroll bar appears or goes (the dock was resized).
    view.horizontalScrollBar().rangeChanged.connect(lambda *_: fit_height(view))
    reshaped()
    return view


def fit_height(view: QTableView) -> None:
    """Make the whole table visible, plus room for the sideways scroll bar when it shows."""
    rows = view.model().rowCount()
    header = view.horizontalHeader()
    height = 0 if header.isHidden() else header.sizeHint().height()
    height += rows * view.verticalHeader().defaultSectionSize() + 2 * view.frameWidth()
    if view.horizontalScrollBar().maximum() > 0:
        height += view.horizontalScrollBar().sizeHint().height()
    view.setFixedHeight(height)


def scroll_area(content: QWidget, *, sideways: bool = True) -> QScrollArea:
    """A frameless scroll area showing `content` at the area's width; with `sideways` false it
    never scrolls sideways, so what does not fit is squeezed or wrapped instead."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    if not sideways:
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(content)
    return area


def fill_with_scroll_area(panel: QWidget, content: QWidget, *, sideways: bool) -> QScrollArea:
    """Lay `panel` out as one margin-less scroll area around `content` (a dock's panel that
    scrolls rather than holding the window at its full height)."""
    area = scroll_area(content, sideways=sideways)
    outer = QVBoxLayout(panel)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(area)
    return area
