"""Risk panel: greeks per group and in total, position summary, hedge cost and stress table.

The tables are `planner.present.risk`'s, the same ones the printed page and the text report
show; the models below only hand them to `CellTableModel` (losses red through
`ForegroundRole`, never by string matching on a minus sign).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QSettings, Qt, QTransposeProxyModel
from PySide6.QtWidgets import QVBoxLayout, QWidget

from planner.engine.report import Report
from planner.present.risk import (
    GREEK_COLUMNS,
    GROUP_LABELS,
    STRESS_MARKET_COLUMNS,
    greeks_table,
    hedge_cost_table,
    position_table,
    stress_table,
)
from planner.present.table import Table
from planner.ui.cell_table import CellTableModel
from planner.ui.collapsible import CollapsibleSection
from planner.ui.plain_text import plain_label
from planner.ui.tables import figure_table, fill_with_scroll_area, fit_height
from planner.ui.theme import SCREEN, Theme

__all__ = [
    "GREEK_COLUMNS",
    "GROUP_LABELS",
    "SETTINGS_GROUP",
    "GreeksTableModel",
    "HedgeCostModel",
    "RiskPanel",
    "StressTableModel",
    "SummaryModel",
]

SETTINGS_GROUP = "risk"
"""Where the panel keeps its sections' folded state ("risk/stress_expanded")."""


class _ReportTableModel(CellTableModel):
    """One report section's table (`build`), rebuilt when the report fields it reads
    (`reads`) change.

    A horizon drag gives a new report on every frame, yet only the break-evens depend on the
    horizon: building the greeks and stress tables again (and comparing their cells) was ~2 ms
    of each frame. `reads` must name every field `build` looks at (a test builds each table
    from a report holding only those fields).
    """

    build: Callable[[Report], Table]
    reads: tuple[str, ...]

    def __init__(self, theme: Theme = SCREEN, parent: QObject | None = None) -> None:
        super().__init__(None, parent, theme=theme)
        self._read: tuple[object, ...] | None = None

    def set_report(self, report: Report | None) -> None:
        if report is None:
            self.clear()
            return
        read = tuple(getattr(report, name) for name in self.reads)
        if self._read is not None and read == self._read:
            return
        self.set_table(type(self).build(report))
        self._read = read

    def clear(self) -> None:
        self._read = None
        self.set_table(None)

    def row_names(self) -> list[str]:
        """Each row's whole name (a scenario's full name, not the short header)."""
        return [] if self.table is None else list(self.table.row_names)


class GreeksTableModel(_ReportTableModel):
    """Rows: each group present in the report (condor, near, mid, tail, offset, other) + Total."""

    build = staticmethod(greeks_table)
    reads = ("groups", "total")


class SummaryModel(_ReportTableModel):
    """Net credit, the condor's max profit/loss, open P&L, capital and the break-evens."""

    build = staticmethod(position_table)
    reads = (
        "net_credit_usd",
        "condor_max_profit_usd",
        "condor_max_loss_usd",
        "total",
        "capital_usd",
        "break_evens",
    )


class HedgeCostModel(_ReportTableModel):
    """Premium, theta and the 30-day carry annualised: the figure against "1–2 % a year"."""

    build = staticmethod(hedge_cost_table)
    reads = ("hedge_cost",)


class StressTableModel(_ReportTableModel):
    """One row per scenario. Row headers show a short name ("Aug 24 '15"); the tooltip has the
    full name and the scenario's SPX move, VIX and days, so a narrow dock can hide those."""

    build = staticmethod(stress_table)
    reads = ("stress",)
    MARKET_COLUMNS = STRESS_MARKET_COLUMNS
    """SPX, VIX and Days: in the row header's tooltip too."""


class RiskPanel(QWidget):
    """The risk dock's content. Read-only; scrolls vertically in a narrow (~380 px) dock.
    `settings` keeps which sections are folded (none kept without it)."""

    def __init__(
        self,
        parent: QWidget | None = None,
        theme: Theme = SCREEN,
        settings: QSettings | None = None,
    ) -> None:
        super().__init__(parent)
        self._report: Report | None = None
        self.greeks_model = GreeksTableModel(theme, self)
        self.summary_model = SummaryModel(theme, self)
        self.hedge_cost_model = HedgeCostModel(theme, self)
        self.stress_model = StressTableModel(theme, self)

        # Warnings quote leg ids and scenario names from the plan: never rich text.
        self.warnings_label = plain_label()
        self.warnings_label.setWordWrap(True)
        self.warnings_label.setStyleSheet("color: #c06000;")
        self.warnings_label.hide()

        # Greeks down the side and groups across: seven greek columns never fitted a dock at
        # 1366 px, five groups and the total do.
        self.greeks_by_greek = QTransposeProxyModel(self)
        self.greeks_by_greek.setSourceModel(self.greeks_model)
        self.greeks_view = figure_table(self.greeks_by_greek, stretch_last=True, slack_px=4)
        self.greeks_view.setToolTip("Dollars for the whole position; hover a greek for its units")
        self.summary_view = figure_table(self.summary_model, stretch_last=True)
        # One column of figures named by the row headers: its title ("Value") says nothing.
        self.summary_view.horizontalHeader().hide()
        self.hedge_cost_view = figure_table(self.hedge_cost_model, stretch_last=True)
        self.stress_view = figure_table(self.stress_model, stretch_last=True, slack_px=4)
        self._hide_market_columns()
        self.stress_view.verticalHeader().setTextElideMode(Qt.TextElideMode.ElideRight)
        self.views = (self.greeks_view, self.summary_view, self.hedge_cost_view, self.stress_view)

        # Stress before hedge cost: with a horizon's break-evens on one line, the first ten or
        # so scenarios' net P&L and loss cut show under the greeks at 1366x768. Each section
        # folds under its title (remembered), for the stress rows below.
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(2, 2, 2, 2)
        column.setSpacing(2)
        column.addWidget(self.warnings_label)
        self.sections: dict[str, CollapsibleSection] = {}
        for key, title, view in (
            ("greeks", "Greeks ($ per SPX pt / VIX pt / vol pt / day)", self.greeks_view),
            ("position", "Position", self.summary_view),
            ("stress", "Stress scenarios", self.stress_view),
            ("hedge_cost", "Hedge cost", self.hedge_cost_view),
        ):
            section = CollapsibleSection(
                title,
                view,
                settings=settings,
                settings_key=f"{SETTINGS_GROUP}/{key}_expanded",
                tooltip=f"{title}: click to fold or unfold",
            )
            self.sections[key] = section
            column.addWidget(section)
        column.addStretch(1)

        self.scroll_area = fill_with_scroll_area(self, content, sideways=False)
        for view in self.views:
            fit_height(view)

    def _hide_market_columns(self) -> None:
        # Short scenario names as row headers and the market columns (SPX, VIX, days) in their
        # tooltip: condor, hedge, net and loss cut fit the dock without scrolling sideways.
        # Again after each new table: a model reset shows every column.
        for hidden in StressTableModel.MARKET_COLUMNS:
            if not self.stress_view.isColumnHidden(hidden):
                self.stress_view.setColumnHidden(hidden, True)

    @property
    def report(self) -> Report | None:
        return self._report

    def set_report(self, report: Report | None) -> None:
        self._report = report
        self.greeks_model.set_report(report)
        self.summary_model.set_report(report)
        self.hedge_cost_model.set_report(report)
        self.stress_model.set_report(report)
        self._hide_market_columns()
        warnings = report.warnings if report is not None else ()
        self.warnings_label.setText("\n".join(f"⚠ {w}" for w in warnings))
        self.warnings_label.setVisible(bool(warnings))
        for view in self.views:
            fit_height(view)
