"""The Layers dock: the ALVH settings editor, the proposal's results, the cost-vs-protection
chart and the signals, in one scrolling column, and Apply, which writes the proposal on screen
into the plan as one undo step."""

from __future__ import annotations

from pydantic import ValidationError
from PySide6.QtCore import QEvent, QObject, QPoint, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from planner.engine.errors import EngineInputError
from planner.engine.report import Report
from planner.model.hedge_legs import apply_proposal
from planner.ui.document import PlanDocument, validation_message
from planner.ui.fields import guard_wheel
from planner.ui.layers.chart import LayerChart
from planner.ui.layers.results import ResultsBox
from planner.ui.layers.settings import LayerSettingsEditor
from planner.ui.layers.signals import SignalsBox
from planner.ui.tables import fill_with_scroll_area
from planner.ui.theme import SCREEN, Theme

__all__ = ["APPLY_DESCRIPTION", "LayerPanel"]

APPLY_DESCRIPTION = "Apply ALVH layers"
# A wrapped sentence keeps this much room at the right (its box's margin and frame), and is
# never squeezed narrower than the minimum.
_LABEL_RIGHT_PX = 12
_MIN_LABEL_WIDTH_PX = 120


class LayerPanel(QWidget):
    """Edits `plan.allocation` and shows `report.alvh` (the layer-allocation dock)."""

    rejected = Signal(str)
    """A refused edit or a failed action, for the status bar."""

    def __init__(
        self, document: PlanDocument, parent: QWidget | None = None, theme: Theme = SCREEN
    ) -> None:
        super().__init__(parent)
        self._document = document
        self._report: Report | None = None
        self._pending_report: Report | None = None

        self.settings = LayerSettingsEditor(document)
        self.results = ResultsBox()
        self.chart = LayerChart(theme)
        self.signals_box = SignalsBox(document)
        self.settings.fields.rejected.connect(self.rejected)
        self.signals_box.loader.rejected.connect(self.rejected)

        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(2, 2, 2, 2)
        column.addLayout(self._build_top_row())
        column.addWidget(self.settings)
        column.addWidget(self.results)
        column.addWidget(self.chart)
        column.addWidget(self.signals_box)
        column.addStretch(1)

        # Every part fits a 1366x768 screen's dock (~370 px); in a dock dragged narrower still,
        # scroll sideways rather than cut the editors off.
        self.scroll_area = fill_with_scroll_area(self, content, sideways=True)
        # In a dock narrower than the editors (it scrolls sideways) the sentences (sizing,
        # regime, signals, captions) still wrap to what is in view, so none is cut off.
        self._wrapped = [label for label in content.findChildren(QLabel) if label.wordWrap()]
        self.scroll_area.viewport().installEventFilter(self)
        guard_wheel(content)

        document.report_ready.connect(self.set_report)
        if document.report is not None:
            self.set_report(document.report)

    def _build_top_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        # Apply comes first so it stays in view when the dock is narrower than the panel.
        self.apply_button = QPushButton("Apply")
        self.apply_button.setToolTip(
            "Replace the plan's near / mid / tail / offset legs with this proposal (one undo step)"
        )
        font = self.apply_button.font()
        font.setBold(True)
        self.apply_button.setFont(font)
        self.apply_button.clicked.connect(self.apply)
        row.addWidget(self.apply_button)
        row.addSpacing(12)
        row.addWidget(QLabel("Regime"))
        row.addWidget(self.settings.preset_combo)
        row.addWidget(self.settings.defaults_button)
        row.addStretch(1)
        return row

    def apply(self) -> bool:
        """Write the proposal's hedge legs into the plan as one undo step."""
        self._document.seal_merge()
        plan = self._document.plan
        try:
            # The proposal on screen is the one applied; only a plan edited since its last
            # recalculation is evaluated here first.
            report = self._document.report
            if report is None or self._document.recalc_pending:
                report = self._document.evaluate(plan)
            new_plan = apply_proposal(plan, report.alvh)
        except (EngineInputError, ValidationError, ValueError) as exc:
            self.rejected.emit(f"Apply ALVH layers: {validation_message(exc)}")
            return False
        changed = self._document.push_plan(new_plan, APPLY_DESCRIPTION)
        if not changed:
            self.rejected.emit("The plan's hedge legs already match the proposal")
        return changed

    # -- document → widgets --------------------------------------------------------------

    @property
    def report(self) -> Report | None:
        return self._report

    def set_report(self, report: Report) -> None:
        window = self.window()
        if window is not self and window.isVisible() and self.visibleRegion().isEmpty():
            # Tabbed away behind the Risk dock (Qt keeps such a dock "visible" but shows none
            # of it): catch up when shown, not on every frame of a horizon drag.
            self._pending_report = report
            return
        self._pending_report = None
        self._show_report(report)

    def catch_up(self) -> None:
        """Show the report that arrived while the panel was out of sight."""
        pending = self._pending_report
        if pending is not None:
            self._pending_report = None
            self._show_report(pending)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self.catch_up()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.scroll_area.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_wrapped_labels()
        return False

    def _fit_wrapped_labels(self) -> None:
        content = self.scroll_area.widget()
        assert content is not None
        in_view = self.scroll_area.viewport().width()
        for label in self._wrapped:
            left = label.mapTo(content, QPoint(0, 0)).x()
            label.setMaximumWidth(max(_MIN_LABEL_WIDTH_PX, in_view - left - _LABEL_RIGHT_PX))

    def _show_report(self, report: Report) -> None:
        shown = self._report.alvh if self._report is not None else None
        self._report = report
        alvh = report.alvh
        if alvh == shown:
            # The same proposal (a horizon drag moves the curves, not the layers): nothing to
            # redraw. The report's values are plain numbers and text, so comparing is cheap.
            return
        self.settings.show_alvh(alvh)
        self.results.show_alvh(alvh)
        self.chart.show_alvh(alvh)
        self.signals_box.show_signals(alvh.signals)
        self.apply_button.setToolTip(
            "Replace the plan's near / mid / tail / offset legs with "
            f"{len(alvh.legs)} proposed leg(s) (one undo step)"
        )
