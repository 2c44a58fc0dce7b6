"""Plan fields bound to editors: one place for where a field lives in the plan (its path), how
it is shown (scale, decimals, unit suffix), what it is called (the label that names it in
messages and undo steps) and how a refused value is shown (issue #13 item 13).

Every edit goes through `FieldBinder.edit`: the plan with the new value(s), validated, pushed as
one undo step on the document. A refused value never reaches the plan: the editor gets a red
outline and the reason as its tooltip, shown at once and kept until a valid value (or a refresh
from the plan) replaces it. Spin boxes accept a wider range than the plan allows on purpose, so
an out-of-range value reaches the plan's validation, which says what is wrong, instead of the
widget clamping it silently.
"""

from __future__ import annotations

import enum
import functools
import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import ValidationError
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QSpinBox,
    QToolTip,
    QWidget,
)

from planner.model.plan import Plan
from planner.model.values import FrozenValue
from planner.ui.document import PlanDocument, validation_message
from planner.ui.plain_text import safe_text

__all__ = [
    "INVALID_STYLE",
    "FieldBinder",
    "FieldSpec",
    "Path",
    "Spin",
    "ViewOnlyChanges",
    "clear_refusal",
    "get_path",
    "guard_wheel",
    "set_combo",
    "set_path",
    "set_spin",
    "show_refusal",
    "with_paths",
]

Path = tuple[str, ...]
V = TypeVar("V", bound=FrozenValue)

INVALID_STYLE = (
    "QAbstractSpinBox, QComboBox, QDateEdit, QLineEdit, QCheckBox { border: 2px solid #d0312d; }"
)
_INVALID = "invalid"
"""Dynamic property set on an editor while it shows a refused value (tests read it)."""


def get_path(value: Any, path: Path) -> Any:
    """The field of `value` (a plan or part of one) at `path`."""
    for name in path:
        value = getattr(value, name)
    return value


def with_paths(value: V, changes: Mapping[Path, Any]) -> V:
    """A re-validated copy of `value` with every nested field in `changes` replaced at once
    (so two fields that are only valid together, a strike rule and its value, change together)."""
    direct: dict[str, Any] = {}
    nested: dict[str, dict[Path, Any]] = {}
    for path, new in changes.items():
        head, *rest = path
        if rest:
            nested.setdefault(head, {})[tuple(rest)] = new
        else:
            direct[head] = new
    for head, inner in nested.items():
        if head in direct:
            raise ValueError(f"{head} is changed both as a whole and in part")
        direct[head] = with_paths(getattr(value, head), inner)
    return value.with_changes(**direct)


def set_path(value: V, path: Path, new: Any) -> V:
    """A re-validated copy of `value` with the nested field at `path` replaced."""
    return with_paths(value, {path: new})


_REFUSING: weakref.WeakSet[QWidget] = weakref.WeakSet()
"""Editors showing a refused value now (a refresh from the plan must replace those)."""


def show_refusal(widget: QWidget, message: str) -> None:
    """Red outline, and the reason as a tooltip shown now and kept until cleared."""
    text = safe_text(message)
    widget.setStyleSheet(INVALID_STYLE)
    widget.setToolTip(text)
    widget.setProperty(_INVALID, True)
    _REFUSING.add(widget)
    if widget.isVisible():
        QToolTip.showText(widget.mapToGlobal(widget.rect().bottomLeft()), text, widget)


def clear_refusal(widget: QWidget, tooltip: str) -> None:
    """Back to the plain look and the editor's own tooltip (if it showed a refusal)."""
    if widget.property(_INVALID):
        widget.setStyleSheet("")
        widget.setToolTip(safe_text(tooltip))
        widget.setProperty(_INVALID, False)
    _REFUSING.discard(widget)


def _shown_in(panel: QWidget, widget: QWidget) -> bool:
    try:
        return widget is panel or panel.isAncestorOf(widget)
    except RuntimeError:  # its Qt object is gone while Python still holds the wrapper
        _REFUSING.discard(widget)
        return False


class ViewOnlyChanges:
    """Tells a settings panel when a new plan differs from the one it shows only in its view
    settings (`plan.view`: the horizon, the price range): a horizon drag makes a new plan every
    frame, and re-showing every market, layer and programme field cost ~1 ms of each frame.
    A panel showing a refused value is always refreshed, so the refusal is replaced as before."""

    def __init__(self, shown: Plan) -> None:
        self._shown: dict[str, object] = self._parts(shown)

    @staticmethod
    def _parts(plan: Plan) -> dict[str, object]:
        return {name: value for name, value in plan.__dict__.items() if name != "view"}

    def is_news(self, plan: Plan, panel: QWidget) -> bool:
        shown = self._parts(plan)
        refusing = any(_shown_in(panel, w) for w in list(_REFUSING))
        if shown == self._shown and not refusing:
            return False
        self._shown = shown
        return True


class _WheelGuard(QObject):
    """Hands a wheel turn over an editor without focus to the scroll area around it."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        wheel = event.type() == QEvent.Type.Wheel
        if not (wheel and isinstance(watched, QWidget)) or watched.hasFocus():
            return False
        area = watched.parentWidget()
        while area is not None and not isinstance(area, QAbstractScrollArea):
            area = area.parentWidget()
        if area is not None:
            # Sent on explicitly: Qt passes an ignored wheel event to the parent only when it
            # came from the window system, and the dock should scroll either way.
            QCoreApplication.sendEvent(area.viewport(), event)
        else:
            event.ignore()
        return True


def guard_wheel(root: QWidget) -> None:
    """Spin boxes and combos under `root` change on the wheel only once the user has clicked
    into them. Otherwise scrolling a dock past an editor silently changed it (a regime rule,
    a rate) as an undo step the user never meant."""
    guard = _WheelGuard(root)
    for editor in (*root.findChildren(QAbstractSpinBox), *root.findChildren(QComboBox)):
        editor.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        editor.installEventFilter(guard)


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One numeric plan field in a spin box; the shown value is the plan's value × `scale`."""

    path: Path
    label: str
    decimals: int = 2
    step: float = 1.0
    scale: float = 1.0
    minimum: float = -1e6
    maximum: float = 1e6
    tooltip: str = ""
    integer: bool = False
    suffix: str = ""
    min_width_text: str = ""
    """Sample text the box is sized for ("0000"); "" for the default width."""

    @property
    def key(self) -> str:
        """The dotted path: the editor's object name and its undo merge key."""
        return ".".join(self.path)


Spin = QSpinBox | QDoubleSpinBox
_DEFAULT_SPIN_WIDTH_PX = 90
_SPIN_BUTTONS_PX = 30


@dataclass(slots=True)
class _Bound:
    path: Path
    widget: QWidget
    spec: FieldSpec | None = None


class FieldBinder(QObject):
    """Makes editors for plan fields, pushes their edits and shows the plan back in them."""

    rejected = Signal(str)
    """A refused value, with the field's label (for the status bar)."""

    def __init__(self, document: PlanDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self._bound: list[_Bound] = []
        self._tooltips: dict[QWidget, str] = {}
        self.spin_boxes: dict[str, Spin] = {}

    @property
    def plan(self) -> Plan:
        """The document's current plan (what an edit starts from)."""
        return self._document.plan

    # -- editors -------------------------------------------------------------------------

    def spin(self, spec: FieldSpec, on_value: Callable[[float], object] | None = None) -> Spin:
        """A spin box for `spec`; a new value is pushed (or `on_value` is called with the shown
        value, for a field whose edit changes more than itself)."""
        spin: Spin
        if spec.integer:
            spin = QSpinBox()
            spin.setRange(round(spec.minimum), round(spec.maximum))
            spin.setSingleStep(max(1, round(spec.step)))
        else:
            spin = QDoubleSpinBox()
            spin.setDecimals(spec.decimals)
            spin.setSingleStep(spec.step)
            spin.setRange(spec.minimum, spec.maximum)
        spin.setObjectName(spec.key)
        spin.setKeyboardTracking(False)
        spin.setAccelerated(True)
        spin.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToPreviousValue)
        if spec.suffix:
            spin.setSuffix(spec.suffix)
        # The wide accepted range would size the box for its widest value; a dock on a small
        # screen needs less.
        width = _DEFAULT_SPIN_WIDTH_PX
        if spec.min_width_text:
            width = spin.fontMetrics().horizontalAdvance(spec.min_width_text) + _SPIN_BUTTONS_PX
        spin.setMinimumWidth(width)
        if spec.maximum >= 1e6:
            # "250,000" and "7,450.00" read at a glance (typing without separators still works).
            spin.setGroupSeparatorShown(True)
        self.set_tooltip(spin, spec.tooltip or spec.label)
        spin.valueChanged.connect(on_value or functools.partial(self.set_field, spec))
        spin.editingFinished.connect(self._document.seal_merge)
        self.spin_boxes[spec.key] = spin
        self._bound.append(_Bound(spec.path, spin, spec))
        return spin

    def combo(
        self,
        path: Path,
        items: Iterable[tuple[str, str]],
        tooltip: str = "",
        on_choice: Callable[[str], object] | None = None,
        label: str = "",
    ) -> QComboBox:
        """A list of (text, value) choices for the field at `path` (an enum's values)."""
        combo = QComboBox()
        for text, data in items:
            combo.addItem(text, data)
        combo.setObjectName(".".join(path))
        self.set_tooltip(combo, tooltip)
        name = label or path[-1].replace("_", " ")

        def chosen(_index: int) -> None:
            data = combo.currentData()
            if data is None:
                return
            if on_choice is not None:
                on_choice(str(data))
            else:
                self.edit(path, data, name, combo, merge=False)

        combo.currentIndexChanged.connect(chosen)
        self._bound.append(_Bound(path, combo))
        return combo

    def check(self, path: Path, text: str, label: str, tooltip: str = "") -> QCheckBox:
        box = QCheckBox(text)
        box.setObjectName(".".join(path))
        self.set_tooltip(box, tooltip)
        box.toggled.connect(lambda on: self.edit(path, on, label, box, merge=False))
        self._bound.append(_Bound(path, box))
        return box

    def set_tooltip(self, widget: QWidget, tooltip: str) -> None:
        """The editor's own tooltip, put back when a refusal clears."""
        self._tooltips[widget] = tooltip
        widget.setToolTip(safe_text(tooltip))

    # -- edits ---------------------------------------------------------------------------

    def set_field(self, spec: FieldSpec, shown_value: float) -> bool:
        value: float | int = shown_value / spec.scale
        if spec.integer:
            value = round(value)
        return self.edit(spec.path, value, spec.label, self.spin_boxes[spec.key])

    def edit(
        self,
        path: Path,
        value: Any,
        label: str,
        widget: QWidget | None = None,
        *,
        extra: Mapping[Path, Any] | None = None,
        merge: bool = True,
        description: str | None = None,
    ) -> bool:
        """Set the plan's field at `path` (and any `extra` paths with it) as one undo step.

        `merge`: consecutive edits of the same field (spin steps) fold into one step until the
        editor finishes. A refused value marks `widget` and says why. True if the plan changed.
        """
        plan = self._document.plan
        try:
            new_plan = with_paths(plan, {path: value, **(extra or {})})
        except (ValidationError, ValueError) as exc:
            self.refuse(widget, f"{label}: {validation_message(exc)}")
            return False
        key = ".".join(path) if merge else None
        return self.push(new_plan, description or f"Set {label}", widget, key)

    def push(
        self,
        new_plan: Plan,
        description: str,
        widget: QWidget | None = None,
        merge_key: str | None = None,
    ) -> bool:
        """Push an already validated `new_plan` made from `widget`'s value as one undo step
        (merging into the previous step while `merge_key` stays the same)."""
        if widget is not None:
            self.accept(widget)
        if merge_key is None:
            self._document.seal_merge()
        return self._document.push_plan(new_plan, description, merge_key=merge_key)

    def refuse(self, widget: QWidget | None, message: str) -> None:
        if widget is not None:
            show_refusal(widget, message)
        self.rejected.emit(message)

    def refuse_error(self, widget: QWidget | None, label: str, exc: Exception) -> None:
        self.refuse(widget, f"{label}: {validation_message(exc)}")

    def accept(self, widget: QWidget) -> None:
        clear_refusal(widget, self._tooltips.get(widget, ""))

    # -- plan → editors ------------------------------------------------------------------

    def refresh(self, plan: Plan) -> None:
        """Show `plan`'s values in every bound editor without echoing them back as edits."""
        for bound in self._bound:
            value = get_path(plan, bound.path)
            widget = bound.widget
            if isinstance(widget, (QSpinBox, QDoubleSpinBox)):
                assert bound.spec is not None
                set_spin(widget, float(value) * bound.spec.scale)
            elif isinstance(widget, QComboBox):
                set_combo(widget, value.value if isinstance(value, enum.Enum) else value)
            elif isinstance(widget, QCheckBox) and widget.isChecked() != bool(value):
                widget.blockSignals(True)
                widget.setChecked(bool(value))
                widget.blockSignals(False)
            self.accept(widget)


def set_spin(spin: Spin, shown: float) -> None:
    """Show `shown` in `spin` without an edit (and replace a refused value still shown)."""
    if isinstance(spin, QSpinBox):
        differs = spin.value() != round(shown)
    else:
        differs = spin.value() != round(shown, spin.decimals())
    if differs or spin.property(_INVALID):
        spin.blockSignals(True)
        if isinstance(spin, QSpinBox):
            spin.setValue(round(shown))
        else:
            spin.setValue(shown)
        spin.blockSignals(False)


def set_combo(combo: QComboBox, data: object) -> None:
    index = combo.findData(data)
    if index != combo.currentIndex():
        combo.blockSignals(True)
        combo.setCurrentIndex(index)
        combo.blockSignals(False)
