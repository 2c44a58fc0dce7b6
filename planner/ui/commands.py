"""Undo commands: every user edit replaces the whole (immutable) plan with a new value.

Storing plan values rather than field deltas makes undo exact by construction: undo puts back
the very object that was current before the edit (DESIGN.md section 5, "Edit flow").
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from planner.model.plan import Plan

# QUndoStack merges two commands only when their integer ids are equal (and not -1), so each
# distinct merge key ("market.spx", "view.horizon_days", ...) gets its own small integer.
_MERGE_IDS: dict[str, int] = {}


def merge_id(merge_key: str) -> int:
    """The stable QUndoCommand id for `merge_key` (allocated on first use)."""
    found = _MERGE_IDS.get(merge_key)
    if found is None:
        found = _MERGE_IDS[merge_key] = 1000 + len(_MERGE_IDS)
    return found


class ReplacePlanCommand(QUndoCommand):
    """Replace the document's plan by `new_plan`; undo restores `old_plan`.

    Commands with the same `merge_key` pushed one after another fold into a single undo step
    (a slider drag, arrow-key stepping in a spin box) until the step is `sealed`.
    """

    def __init__(
        self,
        apply_plan: weakref.WeakMethod[Callable[[Plan], None]],
        old_plan: Plan,
        new_plan: Plan,
        description: str,
        merge_key: str | None = None,
    ) -> None:
        super().__init__(description)
        self._apply_plan = apply_plan
        self.old_plan = old_plan
        self.new_plan = new_plan
        self.merge_key = merge_key
        self.sealed = False

    def id(self) -> int:
        if self.merge_key is None or self.sealed:
            return -1
        return merge_id(self.merge_key)

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 (Qt override)
        if (
            not isinstance(other, ReplacePlanCommand)
            or self.sealed
            or other.merge_key is None
            or other.merge_key != self.merge_key
        ):
            return False
        self.new_plan = other.new_plan
        self.setText(other.text())
        # A drag that ends where it started leaves nothing to undo.
        self.setObsolete(self.new_plan == self.old_plan)
        return True

    def redo(self) -> None:
        self._apply(self.new_plan)

    def undo(self) -> None:
        self._apply(self.old_plan)

    def _apply(self, plan: Plan) -> None:
        apply_plan = self._apply_plan()
        if apply_plan is not None:
            apply_plan(plan)
