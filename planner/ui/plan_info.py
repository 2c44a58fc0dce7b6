"""The plan's name and notes, edited in the window: each typing run is one undo step.

The window title and the printed page's heading read the plan's name, so they follow.
Text is plain text everywhere (a name or a note from a file is never rich text).
"""

from __future__ import annotations

from pydantic import ValidationError
from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QFormLayout, QLineEdit, QPlainTextEdit, QWidget

from planner.model.plan import Plan
from planner.ui.document import PlanDocument, validation_message
from planner.ui.fields import clear_refusal, show_refusal

# QUndoStack merges a typing run into one step through these keys (see commands.merge_id).
NAME_KEY = "plan.name"
NOTES_KEY = "plan.notes"
ROUTES_UNDO_TO_PLAN = "routesUndoToPlan"
"""Dynamic property: Ctrl+Z here undoes the plan, not the field's text (main_window)."""

_NAME_TIP = "The plan's name: the window title and the printed page's heading"
_NOTES_ROWS = 3


class PlanInfoPanel(QWidget):
    rejected = Signal(str)

    def __init__(self, document: PlanDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("planName")
        self.name_edit.setMaxLength(120)
        self.name_edit.setToolTip(_NAME_TIP)
        self.name_edit.setProperty(ROUTES_UNDO_TO_PLAN, True)
        self.name_edit.textEdited.connect(self._on_name)
        self.name_edit.editingFinished.connect(self._finish_name)
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setObjectName("planNotes")
        self.notes_edit.setPlaceholderText("Notes: the trade's idea, exits, adjustments…")
        self.notes_edit.setProperty(ROUTES_UNDO_TO_PLAN, True)
        line = self.notes_edit.fontMetrics().lineSpacing()
        self.notes_edit.setFixedHeight(_NOTES_ROWS * line + 12)
        self.notes_edit.textChanged.connect(self._on_notes)
        self.notes_edit.installEventFilter(self)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Plan", self.name_edit)
        form.addRow("Notes", self.notes_edit)
        self._showing = False
        document.plan_changed.connect(self.refresh)
        self.refresh(document.plan)

    def refresh(self, plan: Plan) -> None:
        """Show the plan's name and notes (after undo/redo or another file) without echo."""
        self._showing = True
        try:
            if self.name_edit.text() != plan.name:
                self.name_edit.setText(plan.name)
            self._clear_refusal()
            if self.notes_edit.toPlainText() != plan.notes:
                position = self.notes_edit.textCursor().position()
                self.notes_edit.setPlainText(plan.notes)
                cursor = self.notes_edit.textCursor()
                cursor.setPosition(min(position, len(plan.notes)))
                self.notes_edit.setTextCursor(cursor)
        finally:
            self._showing = False

    def _on_name(self, text: str) -> None:
        plan = self._document.plan
        try:
            new_plan = plan.with_changes(name=text)
        except ValidationError as exc:
            message = f"Plan name: {validation_message(exc)}"
            show_refusal(self.name_edit, message)
            self.rejected.emit(message)
            return
        self._clear_refusal()
        self._document.push_plan(new_plan, "Rename plan", merge_key=NAME_KEY)

    def _finish_name(self) -> None:
        self._document.seal_merge()
        if self.name_edit.property("invalid"):
            # An empty name is not kept: the field shows the plan's name again.
            self.refresh(self._document.plan)

    def _on_notes(self) -> None:
        if self._showing:
            return
        plan = self._document.plan
        try:
            new_plan = plan.with_changes(notes=self.notes_edit.toPlainText())
        except ValidationError as exc:
            self.rejected.emit(f"Notes: {validation_message(exc)}")
            return
        self._document.push_plan(new_plan, "Edit notes", merge_key=NOTES_KEY)

    def _clear_refusal(self) -> None:
        clear_refusal(self.name_edit, _NAME_TIP)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.notes_edit and event.type() == QEvent.Type.FocusOut:
            self._document.seal_merge()
        return False


__all__ = ["NAME_KEY", "NOTES_KEY", "ROUTES_UNDO_TO_PLAN", "PlanInfoPanel"]
