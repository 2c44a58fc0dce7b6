"""The layer-allocation panel: ALVH settings in, the engine's layer proposal out (DESIGN.md §4).

Every settings edit is one undo step replacing `plan.allocation` (consecutive edits of the same
field merge); "Apply" rewrites the hedge legs as one step. All figures come from `report.alvh`;
the panel only formats them. Spin boxes accept a wider range than the settings allow so that an
out-of-range value reaches the settings' validation, which explains what is wrong (red border,
tooltip, status bar) instead of the widget clamping it silently.

A loaded VIX history is UI state, not part of the plan: it only adds RSI / MACD to the signals.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pyqtgraph as pg
from pydantic import BaseModel, ValidationError
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from planner.engine.alvh import band_label
from planner.engine.errors import EngineInputError
from planner.engine.report import AlvhReport, AlvhSignals, AlvhStressRow, LayerResult, Report
from planner.engine.types import Group, RegimeMeasure, RegimeRule, SizingMode, StrikeRule
from planner.model.allocation import (
    AllocationSettings,
    RegimeBand,
    RegimeSettings,
    regime_preset,
)
from planner.model.hedge_legs import apply_proposal
from planner.model.plan import Plan
from planner.model.vix_history import VixHistory, VixHistoryError, load_vix_history
from planner.present.formatting import (
    MISSING,
    fmt_expiry,
    fmt_greek,
    fmt_num,
    fmt_pct,
    fmt_ratio_pct,
    fmt_usd,
    fmt_usd_compact,
)
from planner.ui.document import PlanDocument, validation_message
from planner.ui.payoff_chart import GRID_Z, DollarAxis
from planner.ui.plain_text import escape, plain_label, safe_text
from planner.ui.tables import figure_table, fit_height
from planner.ui.theme import SCREEN, Theme

__all__ = [
    "APPLY_DESCRIPTION",
    "BandTableModel",
    "LayerPanel",
    "LayerResultsModel",
    "LayerStressModel",
]

APPLY_DESCRIPTION = "Apply ALVH layers"
INVALID_STYLE = "border: 2px solid #d0312d;"
_AnyIndex = QModelIndex | QPersistentModelIndex
_ALIGN_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_ALIGN_CENTER = Qt.AlignmentFlag.AlignCenter
Path = tuple[str, ...]

LAYERS: tuple[Group, ...] = (Group.NEAR, Group.MID, Group.TAIL, Group.OFFSET)
LAYER_LABELS: dict[Group, str] = {
    Group.NEAR: "Near",
    Group.MID: "Mid",
    Group.TAIL: "Tail",
    Group.OFFSET: "Offset",
}
_STRIKE_RULE_LABELS: dict[StrikeRule, str] = {
    StrikeRule.DELTA: "Call delta",
    StrikeRule.POINTS: "Pts over fut.",
    StrikeRule.FIXED: "Fixed strike",
}
_SIZING_LABELS: dict[SizingMode, str] = {
    SizingMode.UNITS: "Hedge units",
    SizingMode.BUDGET: "Budget, % of capital a year",
    SizingMode.PROTECTION: "Protection target",
}
_REGIME_RULE_LABELS: dict[RegimeRule, str] = {
    RegimeRule.OFF: "Off",
    RegimeRule.MULTIPLIER: "Size multiplier",
    RegimeRule.PREMIUM_PCT: "Premium % of capital",
}
_MEASURE_LABELS: dict[RegimeMeasure, str] = {
    RegimeMeasure.SPOT_VIX: "Spot VIX",
    RegimeMeasure.FRONT_FUTURE: "Front VIX future",
}
_PRESETS: tuple[tuple[str, str], ...] = (("ALVH", "alvh"), ("VXTH", "vxth"), ("None", "off"))
_CUSTOM = "custom"
# Starting values when a strike rule is switched, so the value always suits the new rule: the
# 4/4/2 deltas, a few points over the layer's future, and for a fixed strike the layer's
# current strike from the report.
_POINTS_START: dict[Group, float] = {
    Group.NEAR: 2.0,
    Group.MID: 4.0,
    Group.TAIL: 8.0,
    Group.OFFSET: 12.0,
}
_FIXED_FALLBACK = 20.0
_COST_RGB = (230, 159, 0)


def _settings_path(group: Group) -> str:
    return group.value


def with_paths(settings: AllocationSettings, changes: dict[Path, Any]) -> AllocationSettings:
    """A re-validated copy of `settings` with every nested field in `changes` replaced at once
    (so a strike rule and its value change together)."""
    data = settings.model_dump()
    for path, value in changes.items():
        node = data
        for name in path[:-1]:
            node = node[name]
        node[path[-1]] = value.model_dump() if isinstance(value, BaseModel) else value
    return AllocationSettings.model_validate(data)


def get_path(settings: AllocationSettings, path: Path) -> Any:
    value: Any = settings
    for name in path:
        value = getattr(value, name)
    return value


def _edge_text(x: float) -> str:
    return fmt_num(x, 0 if float(x).is_integer() else 2)


def _cost_share(layer: LayerResult, total_usd: float) -> float | None:
    # The report carries each layer's yearly maintenance cost and the total; the share is their
    # ratio (None when there is no net cost to share).
    if not math.isfinite(total_usd) or total_usd <= 0:
        return None
    return layer.maintenance_cost_usd_per_year / total_usd


# -- table models ------------------------------------------------------------------------


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


class BandTableModel(QAbstractTableModel):
    """The regime table: VIX upper edge -> multiplier or premium %, hold flag. Edits push one
    undo step each; refused values are reported through `rejected`."""

    rejected = Signal(str)
    BAND, UPPER, VALUE, HOLD = range(4)

    def __init__(self, document: PlanDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self._regime = document.plan.allocation.regime
        self._active: int | None = None
        document.plan_changed.connect(self._on_plan_changed)

    @property
    def regime(self) -> RegimeSettings:
        return self._regime

    def rowCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._regime.bands)

    def columnCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else 4

    def _value_header(self) -> str:
        if self._regime.rule is RegimeRule.PREMIUM_PCT:
            return "Premium %"
        if self._regime.rule is RegimeRule.MULTIPLIER:
            return "Size ×"
        return "Value (off)"

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < 4:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return ("VIX band", "Up to", self._value_header(), "Hold")[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                "The band's VIX range",
                "Upper edge of the band (the last band is open-ended)",
                "Size multiplier (ALVH) or today's premium as % of capital (VXTH)",
                "In this band hold the hedge and consider monetising instead of adding",
            )[section]
        return None

    def flags(self, index: _AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        column = index.column()
        last = index.row() == len(self._regime.bands) - 1
        if column == self.VALUE or (column == self.UPPER and not last):
            return base | Qt.ItemFlag.ItemIsEditable
        if column == self.HOLD:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: _AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self.checkIndex(index, self.CheckIndexOption.IndexIsValid):
            return None
        row, column = index.row(), index.column()
        band = self._regime.bands[row]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.BAND:
                return band_label(self._regime, row)
            if column == self.UPPER:
                return "open" if band.upper is None else _edge_text(band.upper)
            if column == self.VALUE:
                return fmt_num(band.value, 2)
            return None
        if role == Qt.ItemDataRole.EditRole:
            if column == self.UPPER:
                return band.upper
            if column == self.VALUE:
                return band.value
            return None
        if role == Qt.ItemDataRole.CheckStateRole and column == self.HOLD:
            return Qt.CheckState.Checked if band.hold else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.TextAlignmentRole and column != self.BAND:
            return int(_ALIGN_RIGHT)
        if role == Qt.ItemDataRole.FontRole and row == self._active:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and row == self._active:
            return "The market is in this band"
        return None

    def setData(  # noqa: N802
        self, index: _AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        if not self.checkIndex(index, self.CheckIndexOption.IndexIsValid):
            return False
        row, column = index.row(), index.column()
        band = self._regime.bands[row]
        try:
            if column == self.HOLD and role == Qt.ItemDataRole.CheckStateRole:
                checked = Qt.CheckState(value) == Qt.CheckState.Checked
                new_band = band.model_validate({**band.model_dump(), "hold": checked})
                what = "hold"
            elif role == Qt.ItemDataRole.EditRole and column in (self.UPPER, self.VALUE):
                number = float(value)
                field = "upper" if column == self.UPPER else "value"
                new_band = band.model_validate({**band.model_dump(), field: number})
                what = "edge" if column == self.UPPER else "value"
            else:
                return False
        except (ValidationError, ValueError, TypeError) as exc:
            self.rejected.emit(f"VIX band {row + 1}: {validation_message(exc)}")
            return False
        bands = tuple(new_band if i == row else b for i, b in enumerate(self._regime.bands))
        return self._push(bands, f"Set VIX band {row + 1} {what}", f"band.{row}.{what}")

    def add_band(self) -> bool:
        """Split the open-ended band: a new band up to 5 above the last edge."""
        bands = self._regime.bands
        edges = [b.upper for b in bands[:-1] if b.upper is not None]
        upper = (edges[-1] + 5.0) if edges else 20.0
        new = RegimeBand(upper=upper, value=bands[-1].value, hold=bands[-1].hold)
        return self._push((*bands[:-1], new, bands[-1]), "Add VIX band")

    def remove_band(self, row: int) -> bool:
        bands = self._regime.bands
        if not 0 <= row < len(bands):
            return False
        if len(bands) == 1:
            self.rejected.emit("The regime table needs at least one VIX band")
            return False
        kept = [b for i, b in enumerate(bands) if i != row]
        if row == len(bands) - 1:
            # The new last band becomes open-ended.
            kept[-1] = RegimeBand(upper=None, value=kept[-1].value, hold=kept[-1].hold)
        return self._push(tuple(kept), f"Remove VIX band {row + 1}")

    def _push(
        self, bands: tuple[RegimeBand, ...], description: str, key: str | None = None
    ) -> bool:
        plan = self._document.plan
        try:
            data = self._regime.model_dump()
            data["bands"] = [b.model_dump() for b in bands]
            data["name"] = "Custom"
            regime = RegimeSettings.model_validate(data)
            new_plan = plan.with_changes(
                allocation=with_paths(plan.allocation, {("regime",): regime})
            )
        except ValidationError as exc:
            self.rejected.emit(f"Regime table: {validation_message(exc)}")
            return False
        return self._document.push_plan(
            new_plan, description, merge_key=None if key is None else f"allocation.regime.{key}"
        )

    def set_active(self, index: int | None) -> None:
        if index == self._active:
            return
        self._active = index
        if self._regime.bands:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._regime.bands) - 1, 3))

    def _on_plan_changed(self, plan: Plan) -> None:
        regime = plan.allocation.regime
        if regime == self._regime:
            return
        if len(regime.bands) == len(self._regime.bands):
            rule_changed = regime.rule is not self._regime.rule
            self._regime = regime
            self.dataChanged.emit(self.index(0, 0), self.index(len(regime.bands) - 1, 3))
            if rule_changed:
                self.headerDataChanged.emit(Qt.Orientation.Horizontal, self.VALUE, self.VALUE)
            return
        self.beginResetModel()
        self._regime = regime
        self._active = None
        self.endResetModel()


# -- the panel ---------------------------------------------------------------------------


@dataclass(slots=True)
class _LayerEditors:
    ratio: QSpinBox | QDoubleSpinBox
    min_days: QSpinBox
    max_days: QSpinBox
    rule: QComboBox
    value: QDoubleSpinBox


def _combo(items: Sequence[tuple[str, str]], tooltip: str = "") -> QComboBox:
    combo = QComboBox()
    for text, data in items:
        combo.addItem(text, data)
    if tooltip:
        combo.setToolTip(safe_text(tooltip))
    return combo


def _set_combo(combo: QComboBox, data: str) -> None:
    index = combo.findData(data)
    if index != combo.currentIndex():
        combo.blockSignals(True)
        combo.setCurrentIndex(index)
        combo.blockSignals(False)


def _set_spin(spin: QSpinBox | QDoubleSpinBox, value: float) -> None:
    if spin.value() != value or spin.property("invalid"):
        spin.blockSignals(True)
        if isinstance(spin, QSpinBox):
            spin.setValue(round(value))
        else:
            spin.setValue(value)
        spin.blockSignals(False)


class LayerPanel(QWidget):
    """Edits `plan.allocation` and shows `report.alvh` (the layer-allocation dock)."""

    rejected = Signal(str)
    """A refused edit or a failed action, for the status bar."""

    def __init__(
        self, document: PlanDocument, parent: QWidget | None = None, theme: Theme = SCREEN
    ) -> None:
        super().__init__(parent)
        self._document = document
        self._theme = theme
        self._report: Report | None = None
        self._tooltips: dict[QWidget, str] = {}
        self._spins: dict[Path, QSpinBox | QDoubleSpinBox] = {}
        self.vix_history: VixHistory | None = None
        self.vix_history_name: str | None = None
        self.error_box: QMessageBox | None = None

        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(4, 4, 4, 4)
        column.addLayout(self._build_top_row())
        column.addWidget(self._build_layers_box())
        column.addWidget(self._build_sizing_box())
        column.addWidget(self._build_regime_box())
        column.addWidget(self._build_results_box())
        column.addWidget(self._build_chart_box())
        column.addWidget(self._build_signals_box())
        column.addStretch(1)

        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        # In a dock narrower than the editors, scroll sideways rather than cut them off.
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.scroll_area.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll_area)

        self._pending_report: Report | None = None
        document.plan_changed.connect(self.refresh)
        document.report_ready.connect(self.set_report)
        self.refresh(document.plan)
        if document.report is not None:
            self.set_report(document.report)

    # -- building ------------------------------------------------------------------------

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
        self.preset_combo = _combo(_PRESETS, "Regime table preset: ALVH bands, Cboe VXTH, or none")
        self.preset_combo.currentIndexChanged.connect(self._on_preset)
        row.addWidget(self.preset_combo)
        self.defaults_button = QPushButton("4/4/2 defaults")
        self.defaults_button.setToolTip(
            "Reset near / mid / tail to 4/4/2 contracts, 4–7 / 30–45 / 60–120 days and "
            "0.35 / 0.25 / 0.12 call deltas"
        )
        self.defaults_button.clicked.connect(self.reset_layers)
        row.addWidget(self.defaults_button)
        row.addStretch(1)
        return row

    def _build_layers_box(self) -> QGroupBox:
        box = QGroupBox("Layers")
        box.setToolTip("Contracts per hedge unit, days-to-expiry window and strike rule per layer")
        grid = QGridLayout(box)
        grid.setContentsMargins(4, 4, 4, 4)
        grid.setHorizontalSpacing(4)
        for col, title in enumerate(("", "Ratio", "Days from", "to", "Strike by", "Value")):
            grid.addWidget(QLabel(f"<i>{title}</i>"), 0, col)
        self.layer_editors: dict[Group, _LayerEditors] = {}
        for r, group in enumerate(LAYERS, start=1):
            key = _settings_path(group)
            if group is Group.OFFSET:
                self.offset_enabled = QCheckBox("Offset")
                self.offset_enabled.setToolTip(
                    "Theta offset: sell shorter-dated, higher-strike VIX calls against the tail "
                    "layer (ratio = short calls per tail contract)"
                )
                self.offset_enabled.toggled.connect(self._on_offset_enabled)
                grid.addWidget(self.offset_enabled, r, 0)
                ratio: QSpinBox | QDoubleSpinBox = self._double_spin(
                    (key, "ratio"), "Offset ratio", 2, 0.25, -100, 1000
                )
            else:
                grid.addWidget(QLabel(LAYER_LABELS[group]), r, 0)
                ratio = self._int_spin((key, "ratio"), f"{LAYER_LABELS[group]} ratio", -100, 10_000)
            low = self._int_spin((key, "min_days"), f"{LAYER_LABELS[group]} min days", -10, 10_000)
            high = self._int_spin((key, "max_days"), f"{LAYER_LABELS[group]} max days", -10, 10_000)
            rule = _combo([(text, rule.value) for rule, text in _STRIKE_RULE_LABELS.items()])
            rule.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            rule.setMinimumContentsLength(5)
            rule.currentIndexChanged.connect(lambda _i, g=group: self._on_strike_rule(g))
            value = self._double_spin(
                (key, "strike_value"), f"{LAYER_LABELS[group]} strike value", 2, 0.01, -1e4, 1e4
            )
            for c, widget in enumerate((ratio, low, high, rule, value), start=1):
                grid.addWidget(widget, r, c)
            self.layer_editors[group] = _LayerEditors(ratio, low, high, rule, value)
        grid.setColumnStretch(4, 1)
        return box

    def _build_sizing_box(self) -> QGroupBox:
        box = QGroupBox("Sizing")
        form = QFormLayout(box)
        form.setContentsMargins(4, 4, 4, 4)
        self.sizing_combo = _combo([(text, m.value) for m, text in _SIZING_LABELS.items()])
        self.sizing_combo.currentIndexChanged.connect(self._on_sizing_mode)
        form.addRow("Mode", self.sizing_combo)
        self.units_spin = self._int_spin(("units",), "Hedge units", -10, 100_000)
        form.addRow("Hedge units", self.units_spin)
        self.budget_spin = self._double_spin(
            ("budget_pct_capital",), "Budget % of capital", 2, 0.25, -100, 1000
        )
        self.budget_spin.setSuffix(" %")
        form.addRow("Budget a year", self.budget_spin)
        self.target_combo = QComboBox()
        self.target_combo.setToolTip("The stress scenario whose loss the hedge must cut")
        self.target_combo.currentIndexChanged.connect(self._on_target_scenario)
        self.target_cut_spin = self._double_spin(
            ("target_loss_cut_pct",), "Target loss cut %", 1, 5.0, -100, 1000
        )
        self.target_cut_spin.setSuffix(" %")
        target_row = QHBoxLayout()
        target_row.addWidget(self.target_combo, 1)
        target_row.addWidget(QLabel("cut ≥"))
        target_row.addWidget(self.target_cut_spin)
        form.addRow("Protect", target_row)
        self.max_units_spin = self._int_spin(("max_units",), "Max units", -10, 100_000)
        form.addRow("Max units", self.max_units_spin)
        self.sizing_label = QLabel()
        self.sizing_label.setTextFormat(Qt.TextFormat.RichText)
        self.sizing_label.setObjectName("sizingResult")
        self.sizing_label.setWordWrap(True)
        form.addRow(self.sizing_label)
        return box

    def _build_regime_box(self) -> QGroupBox:
        box = QGroupBox("VIX regime scaling")
        column = QVBoxLayout(box)
        column.setContentsMargins(4, 4, 4, 4)
        row = QHBoxLayout()
        self.regime_rule_combo = _combo([(t, r.value) for r, t in _REGIME_RULE_LABELS.items()])
        self.regime_rule_combo.setToolTip("What the band values mean")
        self.regime_rule_combo.currentIndexChanged.connect(self._on_regime_rule)
        self.measure_combo = _combo([(t, m.value) for m, t in _MEASURE_LABELS.items()])
        self.measure_combo.setToolTip("Which VIX number picks the band")
        self.measure_combo.currentIndexChanged.connect(self._on_measure)
        row.addWidget(self.regime_rule_combo)
        row.addWidget(QLabel("by"))
        row.addWidget(self.measure_combo)
        row.addStretch(1)
        column.addLayout(row)
        self.band_model = BandTableModel(self._document, self)
        self.band_model.rejected.connect(self.rejected)
        self.band_view = figure_table(self.band_model, editable=True)
        self.band_view.verticalHeader().setVisible(False)
        self.band_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        column.addWidget(self.band_view)
        buttons = QHBoxLayout()
        self.add_band_button = QPushButton("Add band")
        self.add_band_button.clicked.connect(self.band_model.add_band)
        self.remove_band_button = QPushButton("Remove band")
        self.remove_band_button.clicked.connect(self._remove_selected_band)
        buttons.addWidget(self.add_band_button)
        buttons.addWidget(self.remove_band_button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        self.regime_label = QLabel()
        self.regime_label.setTextFormat(Qt.TextFormat.RichText)
        self.regime_label.setObjectName("regimeDecision")
        self.regime_label.setWordWrap(True)
        column.addWidget(self.regime_label)
        return box

    def _build_results_box(self) -> QGroupBox:
        box = QGroupBox("Proposed layers")
        column = QVBoxLayout(box)
        column.setContentsMargins(4, 4, 4, 4)
        self.messages_label = plain_label()
        self.messages_label.setObjectName("alvhMessages")
        self.messages_label.setWordWrap(True)
        self.messages_label.setStyleSheet("color: #c06000;")
        self.messages_label.hide()
        column.addWidget(self.messages_label)
        self.results_model = LayerResultsModel(self._theme, self)
        self.results_view = figure_table(self.results_model)
        column.addWidget(self.results_view)
        self.offset_label = plain_label()
        self.offset_label.setWordWrap(True)
        column.addWidget(self.offset_label)
        column.addWidget(QLabel("Stress P&L by layer (proposed hedge)"))
        self.stress_model = LayerStressModel(self._theme, self)
        self.stress_view = figure_table(self.stress_model)
        self.stress_view.verticalHeader().setTextElideMode(Qt.TextElideMode.ElideRight)
        self.stress_view.verticalHeader().setMaximumWidth(
            self.fontMetrics().horizontalAdvance("Aug 24 2015 …")
        )
        column.addWidget(self.stress_view)
        return box

    def _build_chart_box(self) -> QGroupBox:
        box = QGroupBox("Cost vs protection by layer")
        column = QVBoxLayout(box)
        column.setContentsMargins(4, 4, 4, 4)
        row = QHBoxLayout()
        row.addWidget(QLabel("Scenario"))
        self.chart_scenario_combo = QComboBox()
        self.chart_scenario_combo.setToolTip("The stress scenario whose P&L the bars show")
        self.chart_scenario_combo.currentIndexChanged.connect(self._update_chart)
        row.addWidget(self.chart_scenario_combo, 1)
        column.addLayout(row)
        self.chart = pg.PlotWidget(axisItems={"left": DollarAxis("left")})
        self.chart.setBackground(self._theme.qcolor(self._theme.background))
        self.chart.setMinimumHeight(190)
        self.chart.setMaximumHeight(230)
        self.chart.setMenuEnabled(False)
        self.chart.setMouseEnabled(x=False, y=False)
        self.chart.hideButtons()
        self.chart.showGrid(y=True, alpha=self._theme.grid_alpha)
        # Opaque grid behind the bars, as on the payoff chart (see OpaqueGridAxis).
        dollar_axis = self.chart.getAxis("left")
        dollar_axis.set_grid_background(self._theme.qcolor(self._theme.background))
        dollar_axis.setZValue(GRID_Z)
        self.chart.getAxis("bottom").setTicks(
            [[(float(i), LAYER_LABELS[g]) for i, g in enumerate(LAYERS)]]
        )
        self.chart.setXRange(-0.6, len(LAYERS) - 0.4, padding=0)
        self.chart.addItem(
            pg.InfiniteLine(pos=0.0, angle=0, pen=self._theme.pen(self._theme.zero_line))
        )
        x = [float(i) for i in range(len(LAYERS))]
        self.cost_bars = pg.BarGraphItem(
            x=[v - 0.2 for v in x],
            height=[0.0] * len(LAYERS),
            width=0.38,
            brush=QColor(*_COST_RGB),
        )
        self.pnl_bars = pg.BarGraphItem(
            x=[v + 0.2 for v in x],
            height=[0.0] * len(LAYERS),
            width=0.38,
            brush=self._theme.qcolor(self._theme.profit_text),
        )
        self.chart.addItem(self.cost_bars)
        self.chart.addItem(self.pnl_bars)
        # The key is a label rather than a pyqtgraph legend: a legend anchored to the view box
        # outlives it while the window is being destroyed.
        profit, loss = self._theme.profit_text, self._theme.loss_text
        key = QLabel(
            f"<span style='color:rgb{_COST_RGB}'>■</span> cost to keep each layer a year "
            f"(drawn below zero) · <span style='color:rgb{profit}'>■</span> / "
            f"<span style='color:rgb{loss}'>■</span> P&amp;L in the scenario"
        )
        key.setWordWrap(True)
        column.addWidget(key)
        column.addWidget(self.chart)
        return box

    def _build_signals_box(self) -> QGroupBox:
        box = QGroupBox("Signals (shown, never acted on)")
        column = QVBoxLayout(box)
        column.setContentsMargins(4, 4, 4, 4)
        self.signals_label = QLabel()
        self.signals_label.setObjectName("alvhSignals")
        self.signals_label.setWordWrap(True)
        self.signals_label.setTextFormat(Qt.TextFormat.RichText)
        column.addWidget(self.signals_label)
        row = QHBoxLayout()
        self.load_history_button = QPushButton("Load VIX history…")
        self.load_history_button.setToolTip(
            "A Cboe-format CSV (DATE,OPEN,HIGH,LOW,CLOSE) for RSI(14) and MACD(12,26,9) of VIX"
        )
        self.load_history_button.clicked.connect(self._choose_history_file)
        self.history_label = plain_label("No VIX history loaded")
        row.addWidget(self.load_history_button)
        row.addWidget(self.history_label, 1)
        column.addLayout(row)
        return box

    def _int_spin(self, path: Path, label: str, low: int, high: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        self._setup_spin(spin, path, label)
        spin.valueChanged.connect(lambda v, p=path, t=label, w=spin: self.edit(p, int(v), t, w))
        return spin

    def _double_spin(
        self, path: Path, label: str, decimals: int, step: float, low: float, high: float
    ) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setDecimals(decimals)
        spin.setSingleStep(step)
        spin.setRange(low, high)
        self._setup_spin(spin, path, label)
        spin.valueChanged.connect(lambda v, p=path, t=label, w=spin: self.edit(p, float(v), t, w))
        return spin

    def _setup_spin(self, spin: QSpinBox | QDoubleSpinBox, path: Path, label: str) -> None:
        spin.setObjectName("allocation." + ".".join(path))
        # The wide accepted range would size the box for six digits; a narrow dock needs less.
        spin.setMinimumWidth(spin.fontMetrics().horizontalAdvance("0000") + 30)
        spin.setKeyboardTracking(False)
        spin.setAccelerated(True)
        spin.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToPreviousValue)
        spin.setToolTip(label)
        self._tooltips[spin] = label
        spin.editingFinished.connect(self._document.seal_merge)
        self._spins[path] = spin

    # -- edits ---------------------------------------------------------------------------

    def edit(
        self,
        path: Path,
        value: Any,
        label: str,
        widget: QWidget | None = None,
        extra: dict[Path, Any] | None = None,
        merge: bool = True,
        description: str | None = None,
    ) -> bool:
        """Set `plan.allocation` at `path` (and any `extra` paths) as one undo step; a refused
        value marks `widget` red and explains why. Returns True if the plan changed."""
        plan = self._document.plan
        try:
            allocation = with_paths(plan.allocation, {path: value, **(extra or {})})
            new_plan = plan.with_changes(allocation=allocation)
        except ValidationError as exc:
            message = f"{label}: {validation_message(exc)}"
            if widget is not None:
                widget.setStyleSheet(INVALID_STYLE)
                widget.setToolTip(safe_text(message))
                widget.setProperty("invalid", True)
            self.rejected.emit(message)
            return False
        if widget is not None:
            self._clear_refusal(widget)
        key = "allocation." + ".".join(path) if merge else None
        return self._document.push_plan(new_plan, description or f"Set {label}", merge_key=key)

    def _clear_refusal(self, widget: QWidget) -> None:
        if widget.property("invalid"):
            widget.setStyleSheet("")
            widget.setToolTip(safe_text(self._tooltips.get(widget, "")))
            widget.setProperty("invalid", False)

    def _on_preset(self, _index: int) -> None:
        name = str(self.preset_combo.currentData())
        if name == _CUSTOM:
            return
        self._document.seal_merge()
        self.edit(
            ("regime",),
            regime_preset(name),
            "regime",
            merge=False,
            description=f"Regime preset {self.preset_combo.currentText()}",
        )

    def reset_layers(self) -> bool:
        """Near / mid / tail back to the 4/4/2 defaults (one undo step)."""
        defaults = AllocationSettings()
        self._document.seal_merge()
        return self.edit(
            ("near",),
            defaults.near,
            "layers",
            extra={("mid",): defaults.mid, ("tail",): defaults.tail},
            merge=False,
            description="Reset layers to 4/4/2 defaults",
        )

    def _on_offset_enabled(self, enabled: bool) -> None:
        self._document.seal_merge()
        self.edit(("offset", "enabled"), enabled, "theta offset", merge=False)

    def _on_strike_rule(self, group: Group) -> None:
        editors = self.layer_editors[group]
        rule = StrikeRule(editors.rule.currentData())
        key = _settings_path(group)
        current = get_path(self._document.plan.allocation, (key,))
        if rule is current.strike_rule:
            return
        if rule is StrikeRule.DELTA:
            defaults = AllocationSettings()
            start = float(get_path(defaults, (key, "strike_value")))
        elif rule is StrikeRule.POINTS:
            start = _POINTS_START[group]
        else:
            start = self._current_strike(group)
        self._document.seal_merge()
        self.edit(
            (key, "strike_rule"),
            rule,
            f"{LAYER_LABELS[group]} strike rule",
            editors.rule,
            extra={(key, "strike_value"): start},
            merge=False,
        )

    def _current_strike(self, group: Group) -> float:
        if self._report is not None and self._report.alvh is not None:
            layer = self._report.alvh.layers[LAYERS.index(group)]
            if layer.strike is not None:
                return layer.strike
        return _FIXED_FALLBACK

    def _on_sizing_mode(self, _index: int) -> None:
        mode = SizingMode(self.sizing_combo.currentData())
        plan = self._document.plan
        extra: dict[Path, Any] = {}
        if mode is SizingMode.PROTECTION and not plan.allocation.target_scenario:
            if not plan.stress:
                self._refuse_combo(
                    self.sizing_combo, "Protection sizing: the plan has no stress scenarios"
                )
                return
            extra[("target_scenario",)] = plan.stress[0].name
        self._document.seal_merge()
        self.edit(("sizing",), mode, "sizing mode", self.sizing_combo, extra=extra, merge=False)

    def _refuse_combo(self, combo: QComboBox, message: str) -> None:
        combo.setStyleSheet(INVALID_STYLE)
        combo.setToolTip(safe_text(message))
        combo.setProperty("invalid", True)
        self.rejected.emit(message)
        self.refresh(self._document.plan)

    def _on_target_scenario(self, _index: int) -> None:
        name = self.target_combo.currentData()
        if name is None:
            return
        self._document.seal_merge()
        self.edit(("target_scenario",), str(name), "protected scenario", merge=False)

    def _on_regime_rule(self, _index: int) -> None:
        rule = RegimeRule(self.regime_rule_combo.currentData())
        self._document.seal_merge()
        self.edit(
            ("regime", "rule"),
            rule,
            "regime rule",
            self.regime_rule_combo,
            extra={("regime", "name"): "Custom"},
            merge=False,
        )

    def _on_measure(self, _index: int) -> None:
        measure = RegimeMeasure(self.measure_combo.currentData())
        self._document.seal_merge()
        self.edit(
            ("regime", "measure"),
            measure,
            "regime measure",
            self.measure_combo,
            extra={("regime", "name"): "Custom"},
            merge=False,
        )

    def _remove_selected_band(self) -> None:
        rows = sorted({i.row() for i in self.band_view.selectionModel().selectedRows()})
        if not rows:
            current = self.band_view.currentIndex()
            rows = [current.row()] if current.isValid() else []
        if rows:
            self.band_model.remove_band(rows[-1])

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

    # -- VIX history (UI state) ------------------------------------------------------------

    def _choose_history_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "Load VIX history", "", "CSV files (*.csv);;All files (*)"
        )
        if path:
            self.load_history(path)

    def load_history(self, path: str | os.PathLike[str]) -> bool:
        """Load a Cboe VIX CSV for the signals; a bad file opens a message box naming it and
        leaves the previous history (if any) in place."""
        try:
            history = load_vix_history(path)
        except VixHistoryError as exc:
            self._show_error("Could not load the VIX history", str(exc))
            return False
        self.vix_history = history
        self.vix_history_name = os.path.basename(os.fspath(path))
        if self._report is not None:
            self.set_report(self._report)
        return True

    def _show_error(self, title: str, text: str) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self
        )
        box.setTextFormat(Qt.TextFormat.PlainText)  # the text quotes the file's name and lines
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _r: self._forget_box(box))
        self.error_box = box
        self.rejected.emit(text)
        box.open()

    def _forget_box(self, box: QMessageBox) -> None:
        if self.error_box is box:
            self.error_box = None

    def signals(self) -> AlvhSignals | None:
        """The report's signals, with RSI / MACD when a VIX history is loaded."""
        if self._report is None or self._report.alvh is None:
            return None
        base = self._report.alvh.signals
        return self.vix_history.signals(base) if self.vix_history is not None else base

    # -- document → widgets --------------------------------------------------------------

    @property
    def report(self) -> Report | None:
        return self._report

    def refresh(self, plan: Plan) -> None:
        """Show `plan`'s allocation settings without echoing them back as edits."""
        a = plan.allocation
        for path, spin in self._spins.items():
            _set_spin(spin, float(get_path(a, path)))
            self._clear_refusal(spin)
        for group, editors in self.layer_editors.items():
            _set_combo(editors.rule, get_path(a, (_settings_path(group), "strike_rule")).value)
            self._clear_refusal(editors.rule)
            rule = get_path(a, (_settings_path(group), "strike_rule"))
            delta = rule is StrikeRule.DELTA
            editors.value.setDecimals(2 if delta else 1)
            editors.value.setSingleStep(0.01 if delta else 0.5)
        self.offset_enabled.blockSignals(True)
        self.offset_enabled.setChecked(a.offset.enabled)
        self.offset_enabled.blockSignals(False)
        offset = self.layer_editors[Group.OFFSET]
        for widget in (offset.ratio, offset.min_days, offset.max_days, offset.rule, offset.value):
            widget.setEnabled(a.offset.enabled)

        _set_combo(self.sizing_combo, a.sizing.value)
        self._clear_refusal(self.sizing_combo)
        self.units_spin.setEnabled(a.sizing is SizingMode.UNITS)
        self.budget_spin.setEnabled(a.sizing is SizingMode.BUDGET)
        protection = a.sizing is SizingMode.PROTECTION
        self.target_combo.setEnabled(protection)
        self.target_cut_spin.setEnabled(protection)
        self.max_units_spin.setEnabled(a.sizing is not SizingMode.UNITS)
        self._refresh_target_combo(plan)

        preset = next((data for _t, data in _PRESETS if regime_preset(data) == a.regime), _CUSTOM)
        custom_index = self.preset_combo.findData(_CUSTOM)
        self.preset_combo.blockSignals(True)
        if preset == _CUSTOM and custom_index < 0:
            self.preset_combo.addItem("Custom", _CUSTOM)
        elif preset != _CUSTOM and custom_index >= 0:
            self.preset_combo.removeItem(custom_index)
        self.preset_combo.setCurrentIndex(self.preset_combo.findData(preset))
        self.preset_combo.blockSignals(False)
        _set_combo(self.regime_rule_combo, a.regime.rule.value)
        _set_combo(self.measure_combo, a.regime.measure.value)
        for combo in (self.regime_rule_combo, self.measure_combo):
            self._clear_refusal(combo)
        self.band_view.setEnabled(a.regime.rule is not RegimeRule.OFF)
        fit_height(self.band_view)

    def _refresh_target_combo(self, plan: Plan) -> None:
        names = [s.name for s in plan.stress]
        target = plan.allocation.target_scenario
        items = [(name, name) for name in names]
        if target and target.casefold() not in {n.casefold() for n in names}:
            items.append((f"{target} (not in the plan)", target))
        combo = self.target_combo
        combo.blockSignals(True)
        if [(combo.itemText(i), combo.itemData(i)) for i in range(combo.count())] != items:
            combo.clear()
            for text, data in items:
                combo.addItem(text, data)
        wanted = next((d for _t, d in items if d.casefold() == target.casefold()), None)
        combo.setCurrentIndex(combo.findData(wanted) if wanted is not None else -1)
        combo.blockSignals(False)

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

    def _show_report(self, report: Report) -> None:
        self._report = report
        alvh = report.alvh
        if alvh is None:
            return
        self.results_model.set_alvh(alvh)
        self.stress_model.set_alvh(alvh)
        self.band_model.set_active(alvh.regime.band_index)
        self._show_sizing(alvh)
        self._show_regime(alvh)
        self._show_messages(alvh)
        self._show_offset(alvh)
        self._refresh_chart_scenarios(alvh)
        self._update_chart()
        self._show_signals()
        self.apply_button.setToolTip(
            "Replace the plan's near / mid / tail / offset legs with "
            f"{len(alvh.legs)} proposed leg(s) (one undo step)"
        )

    def _show_sizing(self, alvh: AlvhReport) -> None:
        s = alvh.sizing
        head = f"<b>{s.base_units} unit(s)</b>"
        if s.units != s.base_units:
            head += f" → <b>{fmt_num(s.units, 2).rstrip('0').rstrip('.')} after the regime</b>"
        # The reason quotes the protected scenario's name: escaped, like any text from the plan.
        text = f"{head}. {escape(s.reason)}"
        if s.unit_maintenance_usd_per_year:
            text += escape(
                f" One unit: {fmt_usd(s.unit_premium_usd)} premium, "
                f"{fmt_usd(s.unit_maintenance_usd_per_year)} a year to keep."
            )
        self.sizing_label.setText(text)
        colour = "#d0312d" if not s.feasible else ""
        self.sizing_label.setStyleSheet(f"color: {colour};" if colour else "")

    def _show_regime(self, alvh: AlvhReport) -> None:
        r = alvh.regime
        what = "front future" if r.measure is RegimeMeasure.FRONT_FUTURE else "VIX"
        self.regime_label.setText(
            f"Active band <b>{escape(r.band_label)}</b> ({what} {fmt_num(r.level, 2)})"
            f"{' · <b>hold</b>' if r.hold else ''}: {escape(r.reason)}"
        )

    def _show_messages(self, alvh: AlvhReport) -> None:
        self.messages_label.setText("\n".join(alvh.messages))
        self.messages_label.setVisible(bool(alvh.messages))
        self.results_view.setToolTip(safe_text("\n".join(alvh.assumptions)))

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

    def _refresh_chart_scenarios(self, alvh: AlvhReport) -> None:
        names = [s.name for s in alvh.stress]
        combo = self.chart_scenario_combo
        if [combo.itemText(i) for i in range(combo.count())] == names:
            return
        current = combo.currentText()
        combo.blockSignals(True)
        combo.clear()
        combo.addItems(names)
        combo.setCurrentIndex(names.index(current) if current in names else 0 if names else -1)
        combo.blockSignals(False)

    def chart_scenario(self) -> str | None:
        text = self.chart_scenario_combo.currentText()
        return text or None

    def _update_chart(self, _index: int | None = None) -> None:
        if self._report is None or self._report.alvh is None:
            return
        alvh = self._report.alvh
        cost = [-layer.maintenance_cost_usd_per_year for layer in alvh.layers]
        index = self.chart_scenario_combo.currentIndex()
        if 0 <= index < len(alvh.stress):
            row = alvh.stress[index]
            pnl = [row.layer_pnl_usd.get(g, 0.0) for g in LAYERS]
        else:
            pnl = [0.0] * len(LAYERS)
        profit = self._theme.qcolor(self._theme.profit_text)
        loss = self._theme.qcolor(self._theme.loss_text)
        x = [float(i) for i in range(len(LAYERS))]
        self.cost_bars.setOpts(x=[v - 0.2 for v in x], height=cost)
        self.pnl_bars.setOpts(
            x=[v + 0.2 for v in x],
            height=pnl,
            brushes=[pg.mkBrush(profit if v >= 0 else loss) for v in pnl],
        )
        low = min(0.0, *cost, *pnl)
        high = max(0.0, *cost, *pnl)
        pad = 0.08 * (high - low) if high > low else 1.0
        self.chart.setYRange(low - pad, high + pad, padding=0)
        self.chart.setToolTip(
            safe_text(
                "\n".join(
                    f"{LAYER_LABELS[g]}: costs {fmt_usd_compact(-c)} a year, "
                    f"{fmt_usd_compact(p, sign=True)} in {self.chart_scenario() or '—'}"
                    for g, c, p in zip(LAYERS, cost, pnl, strict=True)
                )
            )
        )

    def chart_data(self) -> tuple[list[float], list[float]]:
        """The bar heights on screen: (−yearly maintenance cost, stress P&L) per layer."""
        cost = [float(v) for v in self.cost_bars.opts["height"]]
        pnl = [float(v) for v in self.pnl_bars.opts["height"]]
        return cost, pnl

    def _show_signals(self) -> None:
        signals = self.signals()
        if signals is None:
            return
        lines = [
            f"Term structure <b>{escape(signals.term_state)}</b>, slope "
            f"{fmt_num(signals.slope_pts_per_month, 2, sign=True)} pts/month",
            f"VIX {fmt_num(signals.vix, 2)} · band <b>{escape(signals.vix_band)}</b>",
        ]
        if signals.rsi14 is not None:
            end = f" on {signals.history_end.isoformat()}" if signals.history_end else ""
            lines.append(
                f"VIX close {fmt_num(signals.history_close, 2)}{end} · RSI(14) "
                f"<b>{fmt_num(signals.rsi14, 1)}</b> · MACD {fmt_num(signals.macd, 2, sign=True)}"
                f" / signal {fmt_num(signals.macd_signal, 2, sign=True)}"
                f" / hist. {fmt_num(signals.macd_histogram, 2, sign=True)}"
            )
        for note in signals.notes:
            colour = "#d0312d" if signals.monetise_near else "#909090"
            lines.append(f"<span style='color:{colour}'>{escape(note)}</span>")
        self.signals_label.setText("<br>".join(lines))
        if self.vix_history is not None and self.vix_history_name:
            days = len(self.vix_history.close)
            self.history_label.setText(f"{self.vix_history_name} · {days:,} closes")
