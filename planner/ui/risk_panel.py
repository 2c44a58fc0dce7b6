"""Risk panel: greeks per group and in total, position summary, hedge cost and stress table.

Everything is read from the `Report`; the models below only format. Each table is a read-only
`QAbstractTableModel` so the printed snapshot can reuse the same models, and losses are drawn in
red through `ForegroundRole` (never by string matching on a minus sign).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTransposeProxyModel,
)
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from planner.engine.report import GreeksTotals, Report
from planner.engine.types import Group
from planner.present.formatting import (
    MISSING,
    fmt_loss_cut,
    fmt_num,
    fmt_pct,
    fmt_price,
    fmt_usd,
    fmt_usd_compact,
    fmt_vix,
    is_missing,
    short_scenario_name,
)
from planner.ui.plain_text import plain_label, safe_text
from planner.ui.tables import figure_table, fit_height
from planner.ui.theme import SCREEN, Theme

__all__ = [
    "GREEK_COLUMNS",
    "GROUP_LABELS",
    "Cell",
    "GreeksTableModel",
    "HedgeCostModel",
    "RiskPanel",
    "StressTableModel",
    "SummaryModel",
]

_ALIGN_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_ALIGN_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_AnyIndex = QModelIndex | QPersistentModelIndex

GROUP_LABELS: dict[Group, str] = {
    Group.CONDOR: "Condor",
    Group.NEAR: "Near",
    Group.MID: "Mid",
    Group.TAIL: "Tail",
    Group.OFFSET: "Offset",
    Group.OTHER: "Other",
}
_GROUP_ORDER = (Group.CONDOR, Group.NEAR, Group.MID, Group.TAIL, Group.OFFSET, Group.OTHER)


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    value: float | str | None = None
    """The unformatted value (UserRole), for copying and sorting."""
    loss: bool = False
    """Draw in the loss colour."""
    numeric: bool = True
    tooltip: str | None = None


def _money(x: float | None, decimals: int = 0, sign: bool = False) -> Cell:
    return Cell(fmt_usd(x, decimals, sign), x, loss=not is_missing(x) and x is not None and x < 0)


def _money_short(x: float, tooltip: str | None = None) -> Cell:
    """ "−$12.3k" in the cell (the stress table must fit a narrow dock), exact in the tooltip."""
    exact = fmt_usd(x, sign=True)
    tip = f"{exact} ({tooltip})" if tooltip else exact
    return Cell(fmt_usd_compact(x, sign=True), x, loss=not is_missing(x) and x < 0, tooltip=tip)


class _CellTableModel(QAbstractTableModel):
    """Read-only table of pre-formatted `Cell`s with optional row headers."""

    columns: tuple[str, ...] = ()
    column_tips: tuple[str, ...] = ()

    def __init__(self, theme: Theme = SCREEN, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[list[Cell]] = []
        self._row_names: list[str] = []
        self._loss_brush = QBrush(theme.qcolor(theme.loss_text))

    def rowCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: _AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if not 0 <= index.column() < len(row):
            return None
        cell = row[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell.text
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int((_ALIGN_RIGHT if cell.numeric else _ALIGN_LEFT).value)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._loss_brush if cell.loss else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return safe_text(cell.tooltip) if cell.tooltip else cell.tooltip
        if role == Qt.ItemDataRole.UserRole:
            return cell.value
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self.columns):
                return None
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section]
            if role == Qt.ItemDataRole.ToolTipRole and section < len(self.column_tips):
                return self.column_tips[section]
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(_ALIGN_RIGHT.value)
            return None
        if not 0 <= section < len(self._row_names):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._row_names[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(_ALIGN_LEFT.value)
        if role == Qt.ItemDataRole.ToolTipRole:
            return safe_text(self._row_names[section])
        return None

    def flags(self, index: _AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def cell(self, row: int, column: int) -> Cell:
        return self._rows[row][column]

    def row_names(self) -> list[str]:
        return list(self._row_names)

    def _replace(self, names: Sequence[str], rows: Sequence[list[Cell]]) -> None:
        new_rows = [list(r) for r in rows]
        if list(names) == self._row_names and new_rows and self._rows:
            if new_rows == self._rows:
                # The same figures (a horizon drag moves only the curves): nothing to repaint.
                return
            # Same rows as before (the usual recalculation): new figures, no reset, so the
            # views keep their selection, scroll position and column widths.
            self._rows = new_rows
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(new_rows) - 1, self.columnCount() - 1)
            )
            return
        self.beginResetModel()
        self._row_names = list(names)
        self._rows = new_rows
        self.endResetModel()

    def clear(self) -> None:
        self._replace([], [])


# (header, tooltip, GreeksTotals getter, decimals)
GREEK_COLUMNS: tuple[tuple[str, str, Callable[[GreeksTotals], float], int], ...] = (
    ("SPX Δ", "SPX delta: dollars per 1 SPX point", lambda g: g.spx_delta_usd, 0),
    ("Γ", "SPX gamma: change of the $ delta per 1 SPX point", lambda g: g.spx_gamma_usd, 2),
    (
        "VIX Δ",
        "Dollars per 1 point of spot VIX (VIX legs through the futures betas)",
        lambda g: g.vix_delta_usd,
        0,
    ),
    ("SPX vega", "Dollars per 1 vol point of SPX implied vol", lambda g: g.spx_vega_usd, 0),
    ("VIX vega", "Dollars per 1 vol point of VIX option implied vol", lambda g: g.vix_vega_usd, 0),
    ("θ/day", "Theta: dollars per calendar day", lambda g: g.theta_usd, 0),
    (
        "SPX-eq Δ",
        "SPX-equivalent delta: dollars per 1 SPX point including VIX's reaction through the "
        "spot-vol map",
        lambda g: g.spx_equiv_delta_usd,
        0,
    ),
)


class GreeksTableModel(_CellTableModel):
    """Rows: each group present in the report (condor, near, mid, tail, offset, other) + Total."""

    columns = tuple(c[0] for c in GREEK_COLUMNS)
    column_tips = tuple(c[1] for c in GREEK_COLUMNS)

    def set_report(self, report: Report | None) -> None:
        if report is None:
            self.clear()
            return
        names: list[str] = []
        rows: list[list[Cell]] = []
        present = [g for g in _GROUP_ORDER if g in report.groups]
        present += [g for g in report.groups if g not in present]
        for group in present:
            names.append(GROUP_LABELS.get(group, str(group)))
            rows.append(self._cells(report.groups[group]))
        names.append("Total")
        rows.append(self._cells(report.total))
        self._replace(names, rows)

    @staticmethod
    def _cells(totals: GreeksTotals) -> list[Cell]:
        return [_money(get(totals), decimals) for _, _, get, decimals in GREEK_COLUMNS]


def _net_credit_cell(x: float) -> Cell:
    if is_missing(x):
        return Cell(MISSING, x)
    if x >= 0:
        return Cell(f"{fmt_usd(x)} credit", x)
    return Cell(f"{fmt_usd(-x)} debit", x, loss=False)


class SummaryModel(_CellTableModel):
    """Net credit, the condor's max profit/loss, capital and the break-evens."""

    columns = ("Value",)

    def set_report(self, report: Report | None) -> None:
        if report is None:
            self.clear()
            return
        names = ["Net credit", "Condor max profit", "Condor max loss", "Capital"]
        max_loss = report.condor_max_loss_usd
        rows: list[list[Cell]] = [
            [_net_credit_cell(report.net_credit_usd)],
            [_money(report.condor_max_profit_usd)],
            [
                Cell(
                    fmt_usd(max_loss) if max_loss is not None else "unbounded / no condor",
                    max_loss,
                    loss=max_loss is not None and max_loss < 0,
                    numeric=max_loss is not None,
                )
            ],
            [_money(report.capital_usd)],
        ]
        if not report.break_evens:
            names.append("Break-even")
            rows.append([Cell("none in range", None, numeric=False)])
        for be in report.break_evens:
            names.append(f"Break-even T+{be.horizon_days}d")
            text = (
                f"{fmt_price(be.spx, 0)} ({fmt_pct(be.move_pct, 1, sign=True)}, "
                f"VIX {fmt_vix(be.vix, 1)})"
            )
            rows.append([Cell(text, be.spx)])
        self._replace(names, rows)


class HedgeCostModel(_CellTableModel):
    """Premium, theta and the 30-day carry annualised: the figure against "1–2 % a year"."""

    columns = ("$", "% capital")
    column_tips = ("Whole position, US dollars", "As a percentage of account capital")

    def set_report(self, report: Report | None) -> None:
        if report is None:
            self.clear()
            return
        cost = report.hedge_cost
        blank = Cell("", None)
        names = ["Premium paid", "θ per day", "30-day carry", "Annual carry"]
        rows = [
            [
                Cell(fmt_usd(cost.premium_usd), cost.premium_usd),
                self._pct(cost.premium_pct_capital),
            ],
            [_money(cost.theta_usd_per_day, sign=True), blank],
            [_money(cost.carry_30d_usd, sign=True), blank],
            [
                _money(cost.carry_annual_usd, sign=True),
                self._pct(cost.carry_annual_pct_capital, signed=True),
            ],
        ]
        self._replace(names, rows)

    @staticmethod
    def _pct(x: float, signed: bool = False) -> Cell:
        return Cell(fmt_pct(x, 2, sign=signed), x, loss=signed and not is_missing(x) and x < 0)


class StressTableModel(_CellTableModel):
    """One row per scenario. Row headers show a short name ("Aug 24 '15"); the tooltip has the
    full name and the scenario's SPX move, VIX and days, so a narrow dock can hide those."""

    columns = ("SPX", "VIX", "Days", "Condor", "Hedge", "Net", "Loss cut")
    MARKET_COLUMNS = (0, 1, 2)
    """SPX, VIX and Days: in the row header's tooltip too."""

    def __init__(self, theme: Theme = SCREEN, parent: QWidget | None = None) -> None:
        super().__init__(theme, parent)
        self._row_tips: list[str] = []

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._row_tips):
            if role == Qt.ItemDataRole.DisplayRole:
                return short_scenario_name(self._row_names[section])
            if role == Qt.ItemDataRole.ToolTipRole:
                return safe_text(self._row_tips[section])
        return super().headerData(section, orientation, role)

    column_tips = (
        "SPX move, % (scenario SPX level in the tooltip)",
        "VIX level in the scenario",
        "Days held at the scenario before valuing (calendar days)",
        "Condor P&L",
        "Hedge P&L (all ALVH layers and the theta offset)",
        "Net P&L of the whole position",
        "1 − net/condor where the condor loses: the share of the condor's loss the hedge removes",
    )

    def set_report(self, report: Report | None) -> None:
        if report is None:
            self.clear()
            return
        rows: list[list[Cell]] = []
        names: list[str] = []
        tips: list[str] = []
        for s in report.stress:
            names.append(s.name)
            days = "day" if s.days == 1 else "days"
            tips.append(
                f"{s.name}\nSPX {fmt_pct(s.spx_move_pct, 1, sign=True)} to {fmt_price(s.spx, 0)}, "
                f"VIX {fmt_vix(s.vix, 1)}, {fmt_num(float(s.days))} {days}"
            )
            layers = ", ".join(
                f"{GROUP_LABELS.get(g, str(g))} {fmt_usd(v, sign=True)}"
                for g, v in s.layer_pnl_usd.items()
            )
            other = None
            if not is_missing(s.other_pnl_usd) and s.other_pnl_usd != 0:
                other = f"includes other legs {fmt_usd(s.other_pnl_usd, sign=True)}"
            cut = s.loss_cut
            rows.append(
                [
                    Cell(
                        fmt_pct(s.spx_move_pct, 1, sign=True),
                        s.spx_move_pct,
                        tooltip=f"SPX {fmt_price(s.spx)}",
                    ),
                    Cell(fmt_vix(s.vix, 1), s.vix),
                    Cell(fmt_num(float(s.days)), s.days),
                    _money_short(s.condor_pnl_usd),
                    _money_short(s.hedge_pnl_usd, layers or None),
                    _money_short(s.net_pnl_usd, other),
                    Cell(
                        fmt_loss_cut(cut),
                        cut,
                        loss=cut is not None and math.isfinite(cut) and cut < 0,
                        tooltip=fmt_loss_cut(cut, long=True) if cut is not None else None,
                    ),
                ]
            )
        self._row_tips = tips
        self._replace(names, rows)


class RiskPanel(QWidget):
    """The risk dock's content. Read-only; scrolls vertically in a narrow (~420 px) dock."""

    def __init__(self, parent: QWidget | None = None, theme: Theme = SCREEN) -> None:
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
        self.hedge_cost_view = figure_table(self.hedge_cost_model, stretch_last=True)
        self.stress_view = figure_table(self.stress_model, stretch_last=True, slack_px=4)
        # Short scenario names as row headers and the market columns (SPX, VIX, days) in their
        # tooltip: condor, hedge, net and loss cut fit the dock without scrolling sideways.
        for hidden in StressTableModel.MARKET_COLUMNS:
            self.stress_view.setColumnHidden(hidden, True)
        self.stress_view.verticalHeader().setTextElideMode(Qt.TextElideMode.ElideRight)
        self.views = (self.greeks_view, self.summary_view, self.hedge_cost_view, self.stress_view)

        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(2, 2, 2, 2)
        column.addWidget(self.warnings_label)
        for title, view in (
            ("Greeks ($ per SPX pt / VIX pt / vol pt / day)", self.greeks_view),
            ("Position", self.summary_view),
            ("Hedge cost", self.hedge_cost_view),
            ("Stress scenarios", self.stress_view),
        ):
            box = QGroupBox(title)
            inner = QVBoxLayout(box)
            inner.setContentsMargins(2, 2, 2, 2)
            inner.addWidget(view)
            column.addWidget(box)
        column.addStretch(1)

        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll_area)
        for view in self.views:
            fit_height(view)

    @property
    def report(self) -> Report | None:
        return self._report

    def set_report(self, report: Report | None) -> None:
        self._report = report
        self.greeks_model.set_report(report)
        self.summary_model.set_report(report)
        self.hedge_cost_model.set_report(report)
        self.stress_model.set_report(report)
        warnings = report.warnings if report is not None else ()
        self.warnings_label.setText("\n".join(f"⚠ {w}" for w in warnings))
        self.warnings_label.setVisible(bool(warnings))
        for view in self.views:
            fit_height(view)
