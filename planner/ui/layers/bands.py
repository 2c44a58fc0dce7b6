"""The regime table: VIX band upper edge -> multiplier or premium %, and the hold flag."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont

from planner.engine.alvh import band_label
from planner.engine.types import RegimeRule
from planner.model.allocation import RegimeBand, RegimeSettings
from planner.model.plan import Plan
from planner.present.formatting import fmt_num
from planner.ui.document import PlanDocument, validation_message
from planner.ui.fields import set_path
from planner.ui.layers.names import allocation_path

__all__ = ["BandTableModel"]

_AnyIndex = QModelIndex | QPersistentModelIndex
_ALIGN_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_REGIME = allocation_path("regime")
# A band added below the open-ended one starts this far above the last edge.
_NEW_BAND_WIDTH_PTS = 5.0
_FIRST_EDGE = 20.0


def _edge_text(x: float) -> str:
    return fmt_num(x, 0 if float(x).is_integer() else 2)


class BandTableModel(QAbstractTableModel):
    """The regime bands of `plan.allocation.regime`. Each edit pushes one undo step; refused
    values are reported through `rejected`."""

    rejected = Signal(str)
    BAND, UPPER, VALUE, HOLD = range(4)

    def __init__(self, document: PlanDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self._regime = document.plan.allocation.regime
        self._active: int | None = None
        self._bold = QFont()
        self._bold.setBold(True)
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
            return self._bold
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
                new_band = band.with_changes(hold=checked)
                what = "hold"
            elif role == Qt.ItemDataRole.EditRole and column in (self.UPPER, self.VALUE):
                number = float(value)
                field = "upper" if column == self.UPPER else "value"
                new_band = band.with_changes(**{field: number})
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
        upper = (edges[-1] + _NEW_BAND_WIDTH_PTS) if edges else _FIRST_EDGE
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
        try:
            # An edited table is no longer a preset.
            regime = self._regime.with_changes(bands=bands, name="Custom")
            new_plan = set_path(self._document.plan, _REGIME, regime)
        except ValidationError as exc:
            self.rejected.emit(f"Regime table: {validation_message(exc)}")
            return False
        merge_key = None if key is None else ".".join((*_REGIME, key))
        return self._document.push_plan(new_plan, description, merge_key=merge_key)

    def set_active(self, index: int | None) -> None:
        """Mark the band the market is in (the report's regime decision)."""
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
