"""The ALVH settings editor: the layers grid, sizing and regime scaling, each a small box of
bound fields (planner.ui.fields), so every edit is one undo step replacing `plan.allocation`
and a refused value is outlined at its editor with the reason.

The boxes also show the report's decision next to the settings that made it (the size chosen,
the active VIX band): formatted here, computed by the engine.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from planner.engine.report import AlvhReport, RegimeDecision, SizingResult
from planner.engine.types import Group, RegimeMeasure, RegimeRule, SizingMode, StrikeRule
from planner.model.allocation import AllocationSettings, regime_preset
from planner.model.plan import Plan
from planner.present.formatting import fmt_num, fmt_usd
from planner.ui.document import PlanDocument
from planner.ui.fields import (
    FieldBinder,
    FieldSpec,
    Path,
    Spin,
    ViewOnlyChanges,
    get_path,
    set_combo,
)
from planner.ui.layers.bands import BandTableModel
from planner.ui.layers.names import (
    LAYER_LABELS,
    LAYERS,
    MEASURE_LABELS,
    REGIME_RULE_LABELS,
    SIZING_LABELS,
    STRIKE_RULE_LABELS,
    allocation_path,
    layer_path,
)
from planner.ui.plain_text import escape
from planner.ui.tables import figure_table, fit_height

__all__ = ["LayerEditors", "LayerGrid", "LayerSettingsEditor", "RegimeBox", "SizingBox"]

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
_REFUSED_COLOUR = "#d0312d"
# The boxes accept more than the settings allow (see planner.ui.fields), and are sized for
# four digits.
_NARROW = "0000"


def _narrow(combo: QComboBox, characters: int) -> None:
    """Size `combo` to `characters`, not to its longest choice (the dock is narrow); the
    choice shown is elided and the list opens as wide as it needs."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(characters)


def _count(path: Path, label: str, low: int, high: int) -> FieldSpec:
    return FieldSpec(path, label, minimum=low, maximum=high, integer=True, min_width_text=_NARROW)


def _amount(
    path: Path, label: str, decimals: int, step: float, low: float, high: float, suffix: str = ""
) -> FieldSpec:
    return FieldSpec(
        path,
        label,
        decimals,
        step,
        minimum=low,
        maximum=high,
        suffix=suffix,
        min_width_text=_NARROW,
    )


@dataclass(slots=True)
class LayerEditors:
    """One row of the layers grid."""

    ratio: Spin
    min_days: Spin
    max_days: Spin
    rule: QComboBox
    value: QDoubleSpinBox


class LayerGrid(QGroupBox):
    """Contracts per hedge unit, days-to-expiry window and strike rule, one row per layer."""

    def __init__(self, fields: FieldBinder) -> None:
        super().__init__("Layers")
        self._fields = fields
        # The strikes the last report chose: a switch to a fixed strike starts from them.
        self._strikes: dict[Group, float] = {}
        self.setToolTip("Contracts per hedge unit, days-to-expiry window and strike rule per layer")
        grid = QGridLayout(self)
        grid.setContentsMargins(4, 4, 4, 4)
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(2)
        # Two lines a layer (ratio and days window, then the strike rule and its value): six
        # editors on one line were ~430 px, wider than the dock at 1366x768.
        for col, title in enumerate(("", "Ratio", "Days from", "to")):
            grid.addWidget(QLabel(f"<i>{title}</i>"), 0, col)
        self.editors: dict[Group, LayerEditors] = {}
        for i, group in enumerate(LAYERS):
            r = 1 + 2 * i
            name = LAYER_LABELS[group]
            if group is Group.OFFSET:
                self.offset_enabled = fields.check(
                    layer_path(group, "enabled"),
                    "Offset",
                    "theta offset",
                    "Theta offset: sell shorter-dated, higher-strike VIX calls against the tail "
                    "layer (ratio = short calls per tail contract)",
                )
                grid.addWidget(self.offset_enabled, r, 0)
                ratio = fields.spin(
                    _amount(layer_path(group, "ratio"), "Offset ratio", 2, 0.25, -100, 1000)
                )
            else:
                grid.addWidget(QLabel(name), r, 0)
                ratio = fields.spin(
                    _count(layer_path(group, "ratio"), f"{name} ratio", -100, 10_000)
                )
            low = fields.spin(
                _count(layer_path(group, "min_days"), f"{name} min days", -10, 10_000)
            )
            high = fields.spin(
                _count(layer_path(group, "max_days"), f"{name} max days", -10, 10_000)
            )
            rule = fields.combo(
                layer_path(group, "strike_rule"),
                [(text, choice.value) for choice, text in STRIKE_RULE_LABELS.items()],
                on_choice=functools.partial(self._on_strike_rule, group),
            )
            rule.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            rule.setMinimumContentsLength(5)
            value = fields.spin(
                _amount(
                    layer_path(group, "strike_value"), f"{name} strike value", 2, 0.01, -1e4, 1e4
                )
            )
            assert isinstance(value, QDoubleSpinBox)
            for c, widget in enumerate((ratio, low, high), start=1):
                grid.addWidget(widget, r, c)
            strike_label = QLabel("<i>strike by</i>")
            strike_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(strike_label, r + 1, 0)
            grid.addWidget(rule, r + 1, 1, 1, 2)
            grid.addWidget(value, r + 1, 3)
            self.editors[group] = LayerEditors(ratio, low, high, rule, value)
        grid.setColumnStretch(4, 1)

    def before_refresh(self, plan: Plan) -> None:
        """Fit each strike box to its rule before the value is shown (a delta needs two
        decimals, a strike one)."""
        for group, editors in self.editors.items():
            delta = get_path(plan, layer_path(group, "strike_rule")) is StrikeRule.DELTA
            editors.value.setDecimals(2 if delta else 1)
            editors.value.setSingleStep(0.01 if delta else 0.5)

    def refresh(self, plan: Plan) -> None:
        enabled = plan.allocation.offset.enabled
        offset = self.editors[Group.OFFSET]
        for widget in (offset.ratio, offset.min_days, offset.max_days, offset.rule, offset.value):
            widget.setEnabled(enabled)

    def show_strikes(self, alvh: AlvhReport) -> None:
        """Keep the strikes the report chose (held here, not asked of the editor: a call back
        into the parent would tie the two in a reference cycle)."""
        self._strikes = {
            group: layer.strike
            for group, layer in zip(LAYERS, alvh.layers, strict=False)
            if layer.strike is not None
        }

    def _on_strike_rule(self, group: Group, value: str) -> None:
        rule = StrikeRule(value)
        current = get_path(self._fields.plan, layer_path(group))
        if rule is current.strike_rule:
            return
        if rule is StrikeRule.DELTA:
            start = float(get_path(AllocationSettings(), (group.value, "strike_value")))
        elif rule is StrikeRule.POINTS:
            start = _POINTS_START[group]
        else:
            start = self._strikes.get(group, _FIXED_FALLBACK)
        self._fields.edit(
            layer_path(group, "strike_rule"),
            rule,
            f"{LAYER_LABELS[group]} strike rule",
            self.editors[group].rule,
            extra={layer_path(group, "strike_value"): start},
            merge=False,
        )


class SizingBox(QGroupBox):
    """How many hedge units: entered, from a yearly budget, or from a protection target."""

    def __init__(self, fields: FieldBinder) -> None:
        super().__init__("Sizing")
        self._fields = fields
        form = QFormLayout(self)
        form.setContentsMargins(4, 4, 4, 4)
        self.mode_combo = fields.combo(
            allocation_path("sizing"),
            [(text, m.value) for m, text in SIZING_LABELS.items()],
            on_choice=lambda value: self._on_mode(SizingMode(value)),
        )
        _narrow(self.mode_combo, 12)
        form.addRow("Mode", self.mode_combo)
        self.units_spin = fields.spin(_count(allocation_path("units"), "Hedge units", -10, 100_000))
        form.addRow("Hedge units", self.units_spin)
        self.budget_spin = fields.spin(
            _amount(
                allocation_path("budget_pct_capital"),
                "Budget % of capital",
                2,
                0.25,
                -100,
                1000,
                " %",
            )
        )
        form.addRow("Budget a year", self.budget_spin)
        self.target_combo = QComboBox()
        fields.set_tooltip(self.target_combo, "The stress scenario whose loss the hedge must cut")
        self.target_combo.currentIndexChanged.connect(self._on_target_scenario)
        # Scenario names run long ("Feb-Mar 2020 …"): the combo is not sized to the longest.
        _narrow(self.target_combo, 8)
        self.target_cut_spin = fields.spin(
            _amount(
                allocation_path("target_loss_cut_pct"),
                "Target loss cut %",
                1,
                5.0,
                -100,
                1000,
                " %",
            )
        )
        target_row = QHBoxLayout()
        target_row.addWidget(self.target_combo, 1)
        target_row.addWidget(QLabel("cut ≥"))
        target_row.addWidget(self.target_cut_spin)
        form.addRow("Protect", target_row)
        self.max_units_spin = fields.spin(
            _count(allocation_path("max_units"), "Max units", -10, 100_000)
        )
        form.addRow("Max units", self.max_units_spin)
        self.result_label = QLabel()
        self.result_label.setTextFormat(Qt.TextFormat.RichText)
        self.result_label.setObjectName("sizingResult")
        self.result_label.setWordWrap(True)
        form.addRow(self.result_label)

    def _on_mode(self, mode: SizingMode) -> None:
        plan = self._fields.plan
        extra: dict[Path, Any] = {}
        if mode is SizingMode.PROTECTION and not plan.allocation.target_scenario:
            if not plan.stress:
                set_combo(self.mode_combo, plan.allocation.sizing.value)  # back, then say why
                self._fields.refuse(
                    self.mode_combo, "Protection sizing: the plan has no stress scenarios"
                )
                return
            extra[allocation_path("target_scenario")] = plan.stress[0].name
        self._fields.edit(
            allocation_path("sizing"),
            mode,
            "sizing mode",
            self.mode_combo,
            extra=extra,
            merge=False,
        )

    def _on_target_scenario(self, _index: int) -> None:
        name = self.target_combo.currentData()
        if name is None:
            return
        self._fields.edit(
            allocation_path("target_scenario"),
            str(name),
            "protected scenario",
            self.target_combo,
            merge=False,
        )

    def refresh(self, plan: Plan) -> None:
        a = plan.allocation
        self.units_spin.setEnabled(a.sizing is SizingMode.UNITS)
        self.budget_spin.setEnabled(a.sizing is SizingMode.BUDGET)
        protection = a.sizing is SizingMode.PROTECTION
        self.target_combo.setEnabled(protection)
        self.target_cut_spin.setEnabled(protection)
        self.max_units_spin.setEnabled(a.sizing is not SizingMode.UNITS)
        self._refresh_targets(plan)

    def _refresh_targets(self, plan: Plan) -> None:
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
        self._fields.accept(combo)

    def show_sizing(self, s: SizingResult) -> None:
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
        self.result_label.setText(text)
        self.result_label.setStyleSheet("" if s.feasible else f"color: {_REFUSED_COLOUR};")


class RegimeBox(QGroupBox):
    """VIX regime scaling: what the bands mean, which VIX picks the band, and the bands."""

    def __init__(self, fields: FieldBinder, document: PlanDocument) -> None:
        super().__init__("VIX regime scaling")
        self._fields = fields
        column = QVBoxLayout(self)
        column.setContentsMargins(4, 4, 4, 4)
        row = QHBoxLayout()
        self.rule_combo = fields.combo(
            allocation_path("regime", "rule"),
            [(t, r.value) for r, t in REGIME_RULE_LABELS.items()],
            "What the band values mean",
            on_choice=lambda value: self._edit("rule", RegimeRule(value), "regime rule"),
        )
        self.measure_combo = fields.combo(
            allocation_path("regime", "measure"),
            [(t, m.value) for m, t in MEASURE_LABELS.items()],
            "Which VIX number picks the band",
            on_choice=lambda value: self._edit("measure", RegimeMeasure(value), "regime measure"),
        )
        _narrow(self.rule_combo, 10)
        _narrow(self.measure_combo, 8)
        row.addWidget(self.rule_combo, 1)
        row.addWidget(QLabel("by"))
        row.addWidget(self.measure_combo, 1)
        column.addLayout(row)
        self.band_model = BandTableModel(document, self)
        self.band_model.rejected.connect(fields.rejected)
        self.band_view = figure_table(self.band_model, editable=True)
        # The value column's title follows the rule ("Size ×", "Premium %"): fit it again.
        self.band_model.headerDataChanged.connect(
            lambda *_: self.band_view.resizeColumnToContents(BandTableModel.VALUE)
        )
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
        self.decision_label = QLabel()
        self.decision_label.setTextFormat(Qt.TextFormat.RichText)
        self.decision_label.setObjectName("regimeDecision")
        self.decision_label.setWordWrap(True)
        column.addWidget(self.decision_label)

    def _edit(self, name: str, value: object, label: str) -> None:
        combo = self.rule_combo if name == "rule" else self.measure_combo
        self._fields.edit(
            allocation_path("regime", name),
            value,
            label,
            combo,
            # An edited table is no longer a preset.
            extra={allocation_path("regime", "name"): "Custom"},
            merge=False,
        )

    def _remove_selected_band(self) -> None:
        rows = sorted({i.row() for i in self.band_view.selectionModel().selectedRows()})
        if not rows:
            current = self.band_view.currentIndex()
            rows = [current.row()] if current.isValid() else []
        if rows:
            self.band_model.remove_band(rows[-1])

    def refresh(self, plan: Plan) -> None:
        self.band_view.setEnabled(plan.allocation.regime.rule is not RegimeRule.OFF)
        fit_height(self.band_view)

    def show_regime(self, r: RegimeDecision) -> None:
        self.band_model.set_active(r.band_index)
        what = "front future" if r.measure is RegimeMeasure.FRONT_FUTURE else "VIX"
        self.decision_label.setText(
            f"Active band <b>{escape(r.band_label)}</b> ({what} {fmt_num(r.level, 2)})"
            f"{' · <b>hold</b>' if r.hold else ''}: {escape(r.reason)}"
        )


class LayerSettingsEditor(QWidget):
    """`plan.allocation`, edited: the regime preset and 4/4/2 reset (for the dock's top row),
    and the three boxes."""

    def __init__(self, document: PlanDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self.fields = FieldBinder(document, self)
        self.preset_combo = QComboBox()
        for text, data in _PRESETS:
            self.preset_combo.addItem(text, data)
        self.fields.set_tooltip(
            self.preset_combo, "Regime table preset: ALVH bands, Cboe VXTH, or none"
        )
        self.preset_combo.currentIndexChanged.connect(self._on_preset)
        self.defaults_button = QPushButton("4/4/2 defaults")
        self.defaults_button.setToolTip(
            "Reset near / mid / tail to 4/4/2 contracts, 4–7 / 30–45 / 60–120 days and "
            "0.35 / 0.25 / 0.12 call deltas"
        )
        self.defaults_button.clicked.connect(self.reset_layers)
        self.layers = LayerGrid(self.fields)
        self.sizing = SizingBox(self.fields)
        self.regime = RegimeBox(self.fields, document)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        for box in (self.layers, self.sizing, self.regime):
            column.addWidget(box)
        self._view_only = ViewOnlyChanges(document.plan)
        document.plan_changed.connect(self._on_plan_changed)
        self.refresh(document.plan)

    def _on_preset(self, _index: int) -> None:
        name = str(self.preset_combo.currentData())
        if name == _CUSTOM:
            return
        self.fields.edit(
            allocation_path("regime"),
            regime_preset(name),
            "regime",
            self.preset_combo,
            merge=False,
            description=f"Regime preset {self.preset_combo.currentText()}",
        )

    def reset_layers(self) -> bool:
        """Near / mid / tail back to the 4/4/2 defaults (one undo step)."""
        defaults = AllocationSettings()
        return self.fields.edit(
            layer_path(Group.NEAR),
            defaults.near,
            "layers",
            extra={layer_path(Group.MID): defaults.mid, layer_path(Group.TAIL): defaults.tail},
            merge=False,
            description="Reset layers to 4/4/2 defaults",
        )

    def _on_plan_changed(self, plan: Plan) -> None:
        if self._view_only.is_news(plan, self):
            self.refresh(plan)

    def refresh(self, plan: Plan) -> None:
        """Show `plan`'s allocation settings without echoing them back as edits."""
        self.layers.before_refresh(plan)
        self.fields.refresh(plan)
        self.layers.refresh(plan)
        self.sizing.refresh(plan)
        self.regime.refresh(plan)
        self._refresh_preset(plan)

    def _refresh_preset(self, plan: Plan) -> None:
        regime = plan.allocation.regime
        preset = next((data for _t, data in _PRESETS if regime_preset(data) == regime), _CUSTOM)
        combo = self.preset_combo
        custom_index = combo.findData(_CUSTOM)
        combo.blockSignals(True)
        if preset == _CUSTOM and custom_index < 0:
            combo.addItem("Custom", _CUSTOM)
        elif preset != _CUSTOM and custom_index >= 0:
            combo.removeItem(custom_index)
        combo.setCurrentIndex(combo.findData(preset))
        combo.blockSignals(False)
        self.fields.accept(combo)

    def show_alvh(self, alvh: AlvhReport) -> None:
        """The report's decisions beside the settings that made them."""
        self.layers.show_strikes(alvh)
        self.sizing.show_sizing(alvh.sizing)
        self.regime.show_regime(alvh.regime)
