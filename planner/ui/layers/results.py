"""The proposal's figures as tables: per-layer results and stress P&L by layer, and the notes
around them (the engine's messages, what the theta offset recovers). Everything shown comes
from `report.alvh`; this module only formats it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout

from planner.engine.report import AlvhReport, AlvhStressRow, LayerResult
from planner.engine.types import Group
from planner.present.formatting import (
    MISSING,
    fmt_expiry,
    fmt_greek,
    fmt_num,
    fmt_pct,
    fmt_ratio_pct,
    fmt_usd,
)
from planner.ui.layers.names import LAYER_LABELS, LAYERS
from planner.ui.plain_text import plain_label, safe_text
from planner.ui.tables import figure_table
from planner.ui.theme import SCREEN, Theme

__all__ = ["LayerResultsModel", "LayerStressModel", "ResultsBox"]

_AnyIndex = QModelIndex | QPersistentModelIndex
_ALIGN_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _cost_share(layer: LayerResult, total_usd: float) -> float | None:
    # The report carries each layer's yearly maintenance cost and the total; the share is their
    # ratio (None when there is no net cost to share).
    if not math.isfinite(total_usd) or total_usd <= 0:
        return None
    return layer.maintenance_cost_usd_per_year / total_usd


@dataclass(frozen=True, slots=True)
class _Cell:
    text: str
    value: float | str | None = None
    tooltip: str | None = None
    loss: bool = False
    bold: bool = False


class _ReadOnlyModel(QAbstractTableModel):
    """Rows of pre-formatted cells with row/column headers; losses drawn red."""

    def __init__(self, theme: Theme, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._theme = theme
        self._columns: list[str] = []
        self._row_names: list[str] = []
        self._rows: list[list[_Cell]] = []
        self._row_tips: list[str | None] = []

    def rowCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._columns)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        names = self._columns if orientation == Qt.Orientation.Horizontal else self._row_names
        if not 0 <= section < len(names):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return names[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            if orientation == Qt.Orientation.Vertical and section < len(self._row_tips):
                return safe_text(self._row_tips[section] or names[section])
            return safe_text(names[section])
        return None

    def flags(self, index: _AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: _AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self.checkIndex(index, self.CheckIndexOption.IndexIsValid):
            return None
        cell = self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell.text
        if role == Qt.ItemDataRole.UserRole:
            return cell.value
        if role == Qt.ItemDataRole.ToolTipRole:
            return safe_text(cell.tooltip) if cell.tooltip else cell.tooltip
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(_ALIGN_RIGHT)
        if role == Qt.ItemDataRole.ForegroundRole and cell.loss:
            return QBrush(self._theme.qcolor(self._theme.loss_text))
        if role == Qt.ItemDataRole.FontRole and cell.bold:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def cell(self, row: int, column: int) -> _Cell:
        return self._rows[row][column]

    def _replace(
        self,
        columns: list[str],
        row_names: list[str],
        rows: list[list[_Cell]],
        row_tips: list[str | None] | None = None,
    ) -> None:
        same_shape = columns == self._columns and len(rows) == len(self._rows)
        if same_shape and row_names == self._row_names:
            tips = row_tips or [None] * len(rows)
            if rows == self._rows and tips == self._row_tips:
                # Nothing to redraw (a horizon drag leaves the ALVH figures as they were).
                return
            self._rows = rows
            self._row_tips = tips
            if rows and columns:
                self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(columns) - 1))
            return
        self.beginResetModel()
        self._columns, self._row_names, self._rows = columns, row_names, rows
        self._row_tips = row_tips or [None] * len(rows)
        self.endResetModel()


def _money(x: float, tooltip: str | None = None) -> _Cell:
    return _Cell(fmt_usd(x, sign=True), x, tooltip, loss=round(x) < 0)


class LayerResultsModel(_ReadOnlyModel):
    """Per-layer figures of the proposal: one column per layer plus the total."""

    ROWS = (
        "Expiry",
        "Strike",
        "Delta",
        "Contracts",
        "Premium",
        "Theta / day",
        "Carry % cap./yr",
        "Maint. $/yr",
        "Maint. % cap.",
        "Share of cost",
    )
    COLUMNS = (*(LAYER_LABELS[g] for g in LAYERS), "Total")

    def set_alvh(self, alvh: AlvhReport) -> None:
        totals = alvh.totals
        total_cost = totals.maintenance_cost_usd_per_year
        columns: list[list[_Cell]] = []
        for layer in alvh.layers:
            tip = layer.message
            expiry = (
                _Cell(
                    fmt_expiry(layer.expiry, layer.days_to_expiry),
                    layer.expiry.isoformat(),
                    tip,
                )
                if layer.expiry is not None
                else _Cell(MISSING, None, tip or "not placed")
            )
            share = _cost_share(layer, total_cost)
            columns.append(
                [
                    expiry,
                    _Cell(fmt_num(layer.strike, 1), layer.strike, tip),
                    _Cell(fmt_greek(layer.delta, 3), layer.delta, tip),
                    _Cell(
                        fmt_num(float(layer.contracts), 0, sign=layer.contracts < 0),
                        layer.contracts,
                    ),
                    _Cell(fmt_usd(layer.premium_usd), layer.premium_usd, "paid (+) / received (−)"),
                    _money(layer.theta_usd_per_day),
                    _Cell(
                        fmt_pct(layer.carry_annual_pct_capital, 2, sign=True),
                        layer.carry_annual_pct_capital,
                        f"30-day carry {fmt_usd(layer.carry_30d_usd, sign=True)}, annualised",
                        loss=layer.carry_annual_pct_capital < 0,
                    ),
                    _Cell(
                        fmt_usd(layer.maintenance_cost_usd_per_year),
                        layer.maintenance_cost_usd_per_year,
                        "yearly cost of rolling the layer in an unchanged market",
                    ),
                    _Cell(
                        fmt_pct(layer.maintenance_pct_capital, 2),
                        layer.maintenance_pct_capital,
                    ),
                    _Cell(
                        fmt_ratio_pct(share) if share is not None else MISSING,
                        share,
                        "share of the total yearly maintenance cost",
                    ),
                ]
            )
        contracts = f"{totals.contracts_long}"
        if totals.contracts_short:
            contracts += f" / {fmt_num(-float(totals.contracts_short))}"
        columns.append(
            [
                _Cell(""),
                _Cell(""),
                _Cell(""),
                _Cell(contracts, totals.contracts_long, "long / short contracts", bold=True),
                _Cell(
                    fmt_usd(totals.premium_usd),
                    totals.premium_usd,
                    f"{fmt_pct(totals.premium_pct_capital, 2)} of capital",
                    bold=True,
                ),
                _Cell(
                    fmt_usd(totals.theta_usd_per_day, sign=True),
                    totals.theta_usd_per_day,
                    loss=round(totals.theta_usd_per_day) < 0,
                    bold=True,
                ),
                _Cell(
                    fmt_pct(totals.carry_annual_pct_capital, 2, sign=True),
                    totals.carry_annual_pct_capital,
                    f"{fmt_usd(totals.carry_annual_usd, sign=True)} a year",
                    loss=totals.carry_annual_pct_capital < 0,
                    bold=True,
                ),
                _Cell(fmt_usd(total_cost), total_cost, bold=True),
                _Cell(
                    fmt_pct(totals.maintenance_pct_capital, 2),
                    totals.maintenance_pct_capital,
                    bold=True,
                ),
                _Cell("100%" if total_cost > 0 else MISSING, 1.0 if total_cost > 0 else None),
            ]
        )
        rows = [[column[r] for column in columns] for r in range(len(self.ROWS))]
        self._replace(list(self.COLUMNS), list(self.ROWS), rows)


class LayerStressModel(_ReadOnlyModel):
    """Each stress scenario with the proposed hedge: P&L per layer, hedge, net and loss cut."""

    COLUMNS = (
        *(LAYER_LABELS[g] for g in LAYERS),
        "Hedge",
        "Net",
        "Loss cut",
        "Cut w/o offset",
        "Best layer",
    )

    def set_alvh(self, alvh: AlvhReport) -> None:
        rows: list[list[_Cell]] = []
        for s in alvh.stress:
            rows.append(self._row(s))
        tips = [
            f"{s.name}: condor {fmt_usd(s.condor_pnl_usd, sign=True)}"
            + (f", other legs {fmt_usd(s.other_pnl_usd, sign=True)}" if s.other_pnl_usd else "")
            for s in alvh.stress
        ]
        self._replace(list(self.COLUMNS), [s.name for s in alvh.stress], rows, list(tips))

    @staticmethod
    def _row(s: AlvhStressRow) -> list[_Cell]:
        cells = [_money(s.layer_pnl_usd.get(g, 0.0)) for g in LAYERS]
        for group, cell in zip(LAYERS, cells, strict=True):
            if group is s.best_layer:
                cells[LAYERS.index(group)] = _Cell(
                    cell.text, cell.value, "pays most in this scenario", cell.loss, bold=True
                )
        cut, cut_plain = s.loss_cut, s.loss_cut_without_offset
        return [
            *cells,
            _money(s.hedge_pnl_usd),
            _money(s.net_pnl_usd),
            _Cell(
                fmt_ratio_pct(cut) if cut is not None else MISSING,
                cut,
                None if cut is not None else "the condor does not lose here",
                loss=cut is not None and cut < 0,
            ),
            _Cell(fmt_ratio_pct(cut_plain) if cut_plain is not None else MISSING, cut_plain),
            _Cell(LAYER_LABELS[s.best_layer] if s.best_layer else MISSING, None),
        ]


class ResultsBox(QGroupBox):
    """ "Proposed layers": the engine's messages, the per-layer table, the offset's trade-off
    and the stress table."""

    def __init__(self, theme: Theme = SCREEN) -> None:
        super().__init__("Proposed layers")
        column = QVBoxLayout(self)
        column.setContentsMargins(4, 4, 4, 4)
        self.messages_label = plain_label()
        self.messages_label.setObjectName("alvhMessages")
        self.messages_label.setWordWrap(True)
        self.messages_label.setStyleSheet("color: #c06000;")
        self.messages_label.hide()
        column.addWidget(self.messages_label)
        self.results_model = LayerResultsModel(theme, self)
        self.results_view = figure_table(self.results_model)
        column.addWidget(self.results_view)
        self.offset_label = plain_label()
        self.offset_label.setWordWrap(True)
        column.addWidget(self.offset_label)
        column.addWidget(QLabel("Stress P&L by layer (proposed hedge)"))
        self.stress_model = LayerStressModel(theme, self)
        self.stress_view = figure_table(self.stress_model)
        self.stress_view.verticalHeader().setTextElideMode(Qt.TextElideMode.ElideRight)
        self.stress_view.verticalHeader().setMaximumWidth(
            self.fontMetrics().horizontalAdvance("Aug 24 2015 …")
        )
        column.addWidget(self.stress_view)

    def show_alvh(self, alvh: AlvhReport) -> None:
        self.results_model.set_alvh(alvh)
        self.stress_model.set_alvh(alvh)
        self.messages_label.setText("\n".join(alvh.messages))
        self.messages_label.setVisible(bool(alvh.messages))
        self.results_view.setToolTip(safe_text("\n".join(alvh.assumptions)))
        self._show_offset(alvh)

    def _show_offset(self, alvh: AlvhReport) -> None:
        offset = alvh.layers[LAYERS.index(Group.OFFSET)]
        if not offset.placed:
            self.offset_label.setText(offset.message or "")
            return
        given_up = "; ".join(
            f"{s.name}: {fmt_ratio_pct(s.loss_cut_without_offset)} → {fmt_ratio_pct(s.loss_cut)}"
            for s in alvh.stress
            if s.loss_cut is not None and s.loss_cut_without_offset is not None
        )
        self.offset_label.setText(
            "Offset recovers "
            f"{fmt_usd(alvh.offset_premium_recovered_usd_per_year, sign=True)} a year "
            f"({fmt_pct(alvh.offset_premium_recovered_pct_capital, 2, sign=True)} of capital)"
            + (f". Loss cut without → with offset: {given_up}" if given_up else "")
        )
