"""The replay programme's settings (`plan.programme`): condor entry, strikes, size, exits and
trading costs. Every change is one undo step through the plan document; a value the plan
refuses is refused at the field (red border, the reason in its tooltip and the status line)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from planner.engine.replay_types import CondorCadence, CondorSizing, WingRule
from planner.model.plan import Plan
from planner.ui.document import PlanDocument, validation_message
from planner.ui.fields import (
    ViewOnlyChanges,
    clear_refusal,
    get_path,
    guard_wheel,
    set_path,
    show_refusal,
)

__all__ = ["ProgrammeEditor", "ProgrammeField"]


@dataclass(frozen=True, slots=True)
class ProgrammeField:
    """One numeric programme setting. `optional`: a check box turns the rule on (the shown
    value) or off (None in the plan)."""

    path: tuple[str, ...]
    label: str
    decimals: int
    step: float
    minimum: float
    maximum: float
    tooltip: str
    optional: bool = False
    default: float = 0.0
    """Shown when an optional rule is off, and used when it is switched on."""

    @property
    def key(self) -> str:
        return ".".join(self.path)


def _condor(name: str) -> tuple[str, ...]:
    return ("programme", "condor", name)


def _costs(name: str) -> tuple[str, ...]:
    return ("programme", "costs", name)


ENTRY_FIELDS = (
    ProgrammeField(
        _condor("target_days"),
        "Days to expiry",
        0,
        1,
        2,
        365,
        "Calendar days to "
        "expiry at entry: the condor is sold at the first close with this many left",
    ),
    ProgrammeField(
        _condor("short_delta"),
        "Short delta",
        3,
        0.01,
        0.001,
        0.499,
        "Delta of both short strikes (unless overridden below)",
    ),
    ProgrammeField(
        _condor("put_delta"),
        "Put delta",
        3,
        0.01,
        0.001,
        0.499,
        "Short put's own delta",
        optional=True,
        default=0.16,
    ),
    ProgrammeField(
        _condor("call_delta"),
        "Call delta",
        3,
        0.01,
        0.001,
        0.499,
        "Short call's own delta",
        optional=True,
        default=0.16,
    ),
    ProgrammeField(
        _condor("wing_width_pts"),
        "Wing width pts",
        0,
        5,
        5,
        2000,
        "Long strikes this many points beyond the shorts (wings by points)",
    ),
    ProgrammeField(
        _condor("wing_delta"),
        "Wing delta",
        3,
        0.01,
        0.001,
        0.499,
        "Long strikes at this delta (wings by delta)",
    ),
    ProgrammeField(
        _condor("lots_per_100k_usd"),
        "Lots per $100k",
        2,
        0.25,
        0.01,
        1000,
        "Condor lots per $100k of the plan's capital (not compounded)",
    ),
    ProgrammeField(_condor("fixed_lots"), "Fixed lots", 0, 1, 1, 100_000, "Lots per condor"),
)
EXIT_FIELDS = (
    ProgrammeField(
        _condor("take_profit_pct"),
        "Take profit % of credit",
        0,
        5,
        1,
        100,
        "Close when the P&L reaches this % of the credit",
        optional=True,
        default=50,
    ),
    ProgrammeField(
        _condor("stop_multiple"),
        "Stop × credit",
        2,
        0.25,
        0.05,
        100,
        "Close when the loss reaches this many times the credit",
        optional=True,
        default=2.0,
    ),
    ProgrammeField(
        _condor("close_days_left"),
        "Close at days left",
        0,
        1,
        0,
        364,
        "Close at the first close with at most this many days left",
        optional=True,
        default=21,
    ),
)
COST_FIELDS = (
    ProgrammeField(
        _costs("spx_commission_usd"),
        "SPX commission $",
        2,
        0.05,
        0,
        100,
        "Per SPX option contract traded",
    ),
    ProgrammeField(
        _costs("spx_half_spread_pts"),
        "SPX half-spread pts",
        2,
        0.05,
        0,
        50,
        "Half the SPX bid/ask width crossed per contract (index points)",
    ),
    ProgrammeField(
        _costs("vix_commission_usd"),
        "VIX commission $",
        2,
        0.05,
        0,
        100,
        "Per VIX option contract traded",
    ),
    ProgrammeField(
        _costs("vix_half_spread_pts"),
        "VIX half-spread pts",
        2,
        0.01,
        0,
        10,
        "Half the VIX bid/ask width crossed per contract (index points)",
    ),
)
RULE_FIELDS = (
    ProgrammeField(
        ("programme", "monetise", "rsi_above"),
        "Monetise: RSI above",
        0,
        1,
        1,
        99,
        "Sell the near layer when the curve is in backwardation and VIX RSI(14) is "
        "above this; buy it again when the signal clears",
    ),
    ProgrammeField(
        ("programme", "roll_deferral", "cover_pct"),
        "Defer: hedge covers %",
        0,
        5,
        1,
        1000,
        "Hold a losing condor's fired exit while the hedge's gain since its "
        "entry covers at least this % of its loss",
    ),
    ProgrammeField(
        ("programme", "roll_deferral", "max_days"),
        "Defer: at most closes",
        0,
        1,
        1,
        60,
        "Hold a deferred exit for at most this many closes",
    ),
)
ALL_FIELDS = ENTRY_FIELDS + EXIT_FIELDS + COST_FIELDS + RULE_FIELDS
# The optional rules' on/off switches: (plan path, label).
RULE_SWITCHES = (
    (("programme", "monetise", "enabled"), "Monetise the near layer"),
    (("programme", "roll_deferral", "enabled"), "Defer condor rolls"),
)

_CHOICES: dict[str, tuple[str, type[StrEnum], tuple[tuple[str, str], ...]]] = {
    "cadence": (
        "Entry cadence",
        CondorCadence,
        (("monthly", "Each monthly SPX expiry"), ("weekly", "Each weekly SPX expiry")),
    ),
    "wing_rule": ("Wings", WingRule, (("points", "By points"), ("delta", "By delta"))),
    "sizing": (
        "Size",
        CondorSizing,
        (("per_capital", "Lots per $100k of capital"), ("fixed", "Fixed lots")),
    ),
}


class ProgrammeEditor(QWidget):
    """Condor rules, exits and costs of `plan.programme` (the hedge is the Layers panel)."""

    rejected = Signal(str)

    def __init__(self, document: PlanDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self.spins: dict[str, QAbstractSpinBox] = {}
        self.toggles: dict[str, QCheckBox] = {}
        self.combos: dict[str, QComboBox] = {}
        self._fields = {f.key: f for f in ALL_FIELDS}

        entry = QGroupBox("Condor")
        entry_form = QFormLayout(entry)
        for name in ("cadence", "wing_rule", "sizing"):
            _label, _, options = _CHOICES[name]
            combo = QComboBox()
            combo.setObjectName(f"programme.condor.{name}")
            for value, text in options:
                combo.addItem(text, value)
            combo.currentIndexChanged.connect(lambda _i, n=name: self._on_choice(n))
            self.combos[name] = combo
        entry_form.addRow("Entry cadence", self.combos["cadence"])
        for spec in ENTRY_FIELDS[:4]:
            entry_form.addRow(spec.label, self._field_row(spec))
        entry_form.addRow("Wings", self.combos["wing_rule"])
        for spec in ENTRY_FIELDS[4:6]:
            entry_form.addRow(spec.label, self._field_row(spec))
        entry_form.addRow("Size", self.combos["sizing"])
        for spec in ENTRY_FIELDS[6:]:
            entry_form.addRow(spec.label, self._field_row(spec))

        exits = QGroupBox("Exits (all off: hold to expiry)")
        exit_form = QFormLayout(exits)
        for spec in EXIT_FIELDS:
            exit_form.addRow(spec.label, self._field_row(spec))

        costs = QGroupBox("Costs per contract")
        cost_form = QFormLayout(costs)
        for spec in COST_FIELDS:
            cost_form.addRow(spec.label, self._field_row(spec))

        rules = QGroupBox("Optional rules (each compared with the programme without it)")
        rule_form = QFormLayout(rules)
        self.rule_switches: dict[str, QCheckBox] = {}
        for (path, label), spec_range in zip(
            RULE_SWITCHES, (RULE_FIELDS[:1], RULE_FIELDS[1:]), strict=True
        ):
            switch = QCheckBox(label)
            key = ".".join(path)
            switch.setObjectName(key)
            switch.toggled.connect(lambda on, p=path, n=label: self._on_rule(p, n, on))
            self.rule_switches[key] = switch
            rule_form.addRow(switch)
            for spec in spec_range:
                rule_form.addRow(spec.label, self._field_row(spec))

        hedge_note = QLabel(
            "The hedge is the plan's layer allocation (Layers panel): each layer buys a listed "
            "VIX expiry as it enters its window and sells it as it leaves."
        )
        hedge_note.setWordWrap(True)
        hedge_note.setTextFormat(Qt.TextFormat.PlainText)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        for box in (entry, exits, costs, rules):
            layout.addWidget(box)
        layout.addWidget(hedge_note)
        layout.addStretch(1)
        guard_wheel(self)

        self._view_only = ViewOnlyChanges(document.plan)
        document.plan_changed.connect(self._on_plan_changed)
        self.initialise_defaults()
        self.refresh(document.plan)

    # -- building ------------------------------------------------------------------------

    def _field_row(self, spec: ProgrammeField) -> QWidget:
        spin: QAbstractSpinBox
        if spec.decimals == 0:
            int_spin = QSpinBox()
            int_spin.setRange(int(spec.minimum), int(spec.maximum))
            int_spin.setSingleStep(int(spec.step))
            int_spin.valueChanged.connect(lambda v, s=spec: self.edit_field(s, float(v)))
            spin = int_spin
        else:
            dbl = QDoubleSpinBox()
            dbl.setDecimals(spec.decimals)
            dbl.setRange(spec.minimum, spec.maximum)
            dbl.setSingleStep(spec.step)
            dbl.valueChanged.connect(lambda v, s=spec: self.edit_field(s, float(v)))
            spin = dbl
        spin.setObjectName(spec.key)
        spin.setKeyboardTracking(False)
        spin.setAccelerated(True)
        spin.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToPreviousValue)
        spin.setToolTip(spec.tooltip)
        spin.editingFinished.connect(self._document.seal_merge)
        self.spins[spec.key] = spin
        if not spec.optional:
            return spin
        row = QWidget()
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        toggle = QCheckBox()
        toggle.setObjectName(f"{spec.key}.on")
        toggle.setToolTip(f"{spec.label}: on / off")
        toggle.toggled.connect(lambda on, s=spec: self._on_toggle(s, on))
        self.toggles[spec.key] = toggle
        box.addWidget(toggle)
        box.addWidget(spin, 1)
        return row

    # -- edits ---------------------------------------------------------------------------

    def _push(self, new_plan: Plan, description: str, merge_key: str | None = None) -> bool:
        return self._document.push_plan(new_plan, description, merge_key=merge_key)

    def edit_field(self, spec: ProgrammeField, value: float) -> bool:
        """Set the field from its spin box (an optional rule must be on to take a value)."""
        spin = self.spins[spec.key]
        if spec.optional and not self.toggles[spec.key].isChecked():
            return False
        new: Any = round(value) if spec.decimals == 0 else value
        try:
            new_plan = set_path(self._document.plan, spec.path, new)
        except ValidationError as exc:
            self._refuse(spin, spec, exc)
            return False
        self._clear(spin, spec.tooltip)
        return self._push(new_plan, f"Set {spec.label}", merge_key=spec.key)

    def _on_toggle(self, spec: ProgrammeField, on: bool) -> None:
        spin = self.spins[spec.key]
        spin.setEnabled(on)
        value: Any = None
        if on:
            shown = float(spin.value())  # type: ignore[attr-defined]
            value = round(shown) if spec.decimals == 0 else shown
        try:
            new_plan = set_path(self._document.plan, spec.path, value)
        except ValidationError as exc:
            self._refuse(spin, spec, exc)
            return
        self._clear(spin, spec.tooltip)
        self._document.seal_merge()
        self._push(new_plan, f"{spec.label} {'on' if on else 'off'}")

    def _on_choice(self, name: str) -> None:
        combo = self.combos[name]
        enum = _CHOICES[name][1]
        value = enum(combo.currentData())
        try:
            new_plan = set_path(self._document.plan, _condor(name), value)
        except ValidationError as exc:
            message = f"{_CHOICES[name][0]}: {validation_message(exc)}"
            combo.setToolTip(message)
            self.rejected.emit(message)
            self.refresh(self._document.plan)
            return
        self._document.seal_merge()
        self._push(new_plan, f"{_CHOICES[name][0]}: {combo.currentText()}")

    def _on_rule(self, path: tuple[str, ...], label: str, on: bool) -> None:
        new_plan = set_path(self._document.plan, path, on)
        self._document.seal_merge()
        self._push(new_plan, f"{label} {'on' if on else 'off'}")

    def _refuse(self, widget: QWidget, spec: ProgrammeField, exc: ValidationError) -> None:
        message = f"{spec.label}: {validation_message(exc)}"
        show_refusal(widget, message)
        self.rejected.emit(message)

    @staticmethod
    def _clear(widget: QWidget, tooltip: str) -> None:
        clear_refusal(widget, tooltip)

    # -- plan → widgets ------------------------------------------------------------------

    def _on_plan_changed(self, plan: Plan) -> None:
        if self._view_only.is_news(plan, self):
            self.refresh(plan)

    def refresh(self, plan: Plan) -> None:
        for key, spin in self.spins.items():
            spec = self._fields[key]
            value = get_path(plan, spec.path)
            on = value is not None
            shown = float(value) if on else None
            spin.blockSignals(True)
            if shown is not None:
                spin.setValue(round(shown) if spec.decimals == 0 else shown)  # type: ignore[attr-defined]
            spin.blockSignals(False)
            if spec.optional:
                toggle = self.toggles[key]
                toggle.blockSignals(True)
                toggle.setChecked(on)
                toggle.blockSignals(False)
                spin.setEnabled(on)
            self._clear(spin, spec.tooltip)
        for key, switch in self.rule_switches.items():
            on = bool(get_path(plan, tuple(key.split("."))))
            if switch.isChecked() != on:
                switch.blockSignals(True)
                switch.setChecked(on)
                switch.blockSignals(False)
        self.spins["programme.monetise.rsi_above"].setEnabled(plan.programme.monetise.enabled)
        for name in ("cover_pct", "max_days"):
            self.spins[f"programme.roll_deferral.{name}"].setEnabled(
                plan.programme.roll_deferral.enabled
            )
        condor = plan.programme.condor
        for name, combo in self.combos.items():
            index = combo.findData(getattr(condor, name).value)
            if index != combo.currentIndex():
                combo.blockSignals(True)
                combo.setCurrentIndex(index)
                combo.blockSignals(False)
        wings_by_points = condor.wing_rule is WingRule.POINTS
        self.spins[_key("wing_width_pts")].setEnabled(wings_by_points)
        self.spins[_key("wing_delta")].setEnabled(not wings_by_points)
        per_capital = condor.sizing is CondorSizing.PER_CAPITAL
        self.spins[_key("lots_per_100k_usd")].setEnabled(per_capital)
        self.spins[_key("fixed_lots")].setEnabled(not per_capital)

    def initialise_defaults(self) -> None:
        """Optional rules that are off show their default value (to start from when on)."""
        for key, toggle in self.toggles.items():
            if not toggle.isChecked():
                spin = self.spins[key]
                spin.blockSignals(True)
                spec = self._fields[key]
                spin.setValue(int(spec.default) if spec.decimals == 0 else spec.default)  # type: ignore[attr-defined]
                spin.blockSignals(False)


def _key(name: str) -> str:
    return ".".join(_condor(name))
