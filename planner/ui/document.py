"""The open plan: current value, undo history, and one coalesced recalculation per turn.

Views listen to `plan_changed` (to refresh their editors) and `report_ready` (to redraw). Edits
come back only through `push_plan`, so every change is one undo step and one recalculation.

A plan whose report needs more option valuations than one frame can afford
(`BACKGROUND_VALUATIONS`) is recalculated on a worker thread, so the window keeps repainting:
one job at a time, and when it ends the newest plan is the one evaluated next (the last edit
wins; results for plans that are no longer current are dropped). `busy_changed` tells the
window to show that a recalculation is running. Small plans stay synchronous and immediate,
unless `background_preferred` is set (the Replay tab on screen: every plan goes to the worker,
so an edit's recalculation does not hold the event loop while the replay's results come in).
"""

from __future__ import annotations

import contextlib
import threading
import time
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING

from pydantic import ValidationError
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QUndoStack

from planner.model.plan import Plan, option_valuations
from planner.ui.commands import ReplacePlanCommand

if TYPE_CHECKING:
    from planner.engine.report import Report
    from planner.engine.signals import VixHistory
    from planner.model.chain import OptionChain

Evaluator = Callable[..., "Report"]
"""`evaluate(plan)`, given `vix_history=` as well when a VIX history is loaded."""


# ~40-80 ns per option valuation (README "Speed"): 400k is about a 16-30 ms frame.
BACKGROUND_VALUATIONS = 400_000
DEFAULT_UNDO_LIMIT = 500
"""Undo steps kept (each holds two whole plans); the oldest are dropped beyond this."""


def _run(evaluator: Evaluator, plan: Plan, history: VixHistory | None) -> Report:
    # Without a history the evaluator gets the plan alone, so any `Callable[[Plan], Report]`
    # still serves a document that never loads one.
    if history is None:
        return evaluator(plan)
    return evaluator(plan, vix_history=history)


class _ResultRelay(QObject):
    """Lives in the GUI thread; a worker emits `done`, Qt queues the call to the GUI thread."""

    done = Signal(object, object, object, float)
    """(plan, report or None, error message or None, elapsed ms)"""


# The document's own event type for "recalculate now", registered once with Qt.
_RECALC_EVENT = QEvent.Type(QEvent.registerEventType())


def default_evaluator() -> Evaluator:
    """`planner.engine.evaluate`, imported on first use so start-up stays light."""
    from planner.engine.evaluate import evaluate

    return evaluate


def validation_message(exc: Exception) -> str:
    """One line naming the offending field(s), from a pydantic error or a plain ValueError."""
    if isinstance(exc, ValidationError):
        parts = []
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"] if not isinstance(p, int))
            msg = str(error["msg"]).removeprefix("Value error, ")
            parts.append(f"{where}: {msg}" if where else msg)
        return "; ".join(parts)
    return str(exc)


class PlanDocument(QObject):
    """Holds the current immutable `Plan`, its `QUndoStack` and the latest engine `Report`."""

    plan_changed = Signal(object)
    """The new `Plan` (after an edit, undo or redo)."""
    report_ready = Signal(object)
    """A fresh `Report` for the current plan."""
    recompute_ms = Signal(float)
    evaluation_failed = Signal(str)
    """The engine refused the plan; views keep their last valid report."""
    modified_changed = Signal(bool)
    busy_changed = Signal(bool)
    """True while a background recalculation runs, False when its result is in."""
    chain_changed = Signal(object)
    """The imported option chain (an `OptionChain`), or None when cleared."""
    vix_history_changed = Signal(object)
    """The loaded VIX history (a `VixHistory`), or None."""

    def __init__(
        self,
        plan: Plan,
        evaluator: Evaluator | None = None,
        parent: QObject | None = None,
        undo_limit: int = DEFAULT_UNDO_LIMIT,
    ) -> None:
        super().__init__(parent)
        self._plan = plan
        self._evaluator = evaluator
        self._report: Report | None = None
        self._last_error: str | None = None
        self.evaluations = 0
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(max(0, undo_limit))
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)
        self._recalc_pending = False
        self._worker_plan: Plan | None = None  # the plan a background job is evaluating
        self._worker_history: VixHistory | None = None  # and the VIX history it was given
        self._stopped = False
        self._relay = _ResultRelay(self)
        self._relay.done.connect(self._on_background_done, Qt.ConnectionType.QueuedConnection)
        self._chain: OptionChain | None = None
        self._vix_history: VixHistory | None = None
        self._vix_history_name = ""
        self.background_preferred = False
        """Evaluate every plan on the worker thread, however small (see the module doc)."""
        self.schedule_recalculation()

    # -- state ---------------------------------------------------------------------------

    @property
    def plan(self) -> Plan:
        return self._plan

    @property
    def report(self) -> Report | None:
        """The latest valid report (None until the first successful recalculation)."""
        return self._report

    @property
    def last_error(self) -> str | None:
        """The engine's message for the current plan, or None if it evaluated."""
        return self._last_error

    @property
    def chain(self) -> OptionChain | None:
        """The imported SPX option chain: market data beside the plan, not part of it (no undo
        step, not saved); it stays when another plan is opened and is flagged when stale."""
        return self._chain

    def set_chain(self, chain: OptionChain | None) -> None:
        self._chain = chain
        self.chain_changed.emit(chain)

    @property
    def vix_history(self) -> VixHistory | None:
        """The loaded daily VIX history: market data beside the plan (no undo step, not saved),
        evaluated with it so the report's signals carry RSI / MACD."""
        return self._vix_history

    @property
    def vix_history_name(self) -> str:
        """The file the VIX history came from ("" when none is loaded)."""
        return self._vix_history_name

    def set_vix_history(self, history: VixHistory | None, name: str = "") -> None:
        """Use `history` (read from the file `name`) from the next recalculation on; one is
        scheduled."""
        self._vix_history = history
        self._vix_history_name = name if history is not None else ""
        self.vix_history_changed.emit(history)
        self.schedule_recalculation()

    @property
    def modified(self) -> bool:
        return not self.undo_stack.isClean()

    @property
    def recalc_pending(self) -> bool:
        """A recalculation is scheduled or running: the report may not match the plan yet."""
        return self._recalc_pending or (self._worker_plan is not None and not self._stopped)

    @property
    def busy(self) -> bool:
        """A background recalculation is running."""
        return self._worker_plan is not None

    # -- edits ---------------------------------------------------------------------------

    def push_plan(self, new_plan: Plan, description: str, merge_key: str | None = None) -> bool:
        """Make `new_plan` current as one undo step; False (and no step) if nothing changed."""
        if new_plan == self._plan:
            return False
        self.undo_stack.push(
            ReplacePlanCommand(
                weakref.WeakMethod(self._apply_plan), self._plan, new_plan, description, merge_key
            )
        )
        return True

    def merge_base(self, merge_key: str) -> Plan:
        """The plan an edit with `merge_key` starts from: before the run it would merge into.

        An edit that derives several fields from one input (spot VIX moving the futures) is
        recomputed from there on each step of a run, so steps do not accumulate rounding.
        """
        count = self.undo_stack.count()
        if count and self.undo_stack.index() == count:
            top = self.undo_stack.command(count - 1)
            if (
                isinstance(top, ReplacePlanCommand)
                and not top.sealed
                and top.merge_key == merge_key
                and top.new_plan == self._plan
            ):
                return top.old_plan
        return self._plan

    def seal_merge(self) -> None:
        """End a merging run (slider released, editing finished): the next edit is a new step."""
        count = self.undo_stack.count()
        index = self.undo_stack.index()
        if count and index == count:
            top = self.undo_stack.command(count - 1)
            if isinstance(top, ReplacePlanCommand):
                top.sealed = True

    def replace_document(self, plan: Plan) -> None:
        """Start afresh with `plan` (a newly opened file): no history, clean."""
        self.undo_stack.clear()
        self._apply_plan(plan)
        self.undo_stack.setClean()

    def mark_saved(self) -> None:
        self.undo_stack.setClean()

    # -- recalculation -------------------------------------------------------------------

    def _apply_plan(self, plan: Plan) -> None:
        self._plan = plan
        self.plan_changed.emit(plan)
        self.schedule_recalculation()

    def schedule_recalculation(self) -> None:
        """Recalculate once, when control returns to the event loop (edits coalesce).

        A high-priority posted event rather than a zero-interval timer: Qt delivers it before
        timers and low-priority repaint requests, so the new report reaches the views before the
        event loop spends time repainting the edit's intermediate state.
        """
        self._stopped = False
        if not self._recalc_pending:
            self._recalc_pending = True
            QCoreApplication.postEvent(
                self, QEvent(_RECALC_EVENT), Qt.EventPriority.HighEventPriority.value
            )

    def customEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == _RECALC_EVENT and self._recalc_pending:
            self.recalculate_now()

    @staticmethod
    def runs_in_background(plan: Plan) -> bool:
        """Whether `plan` is too much work to evaluate within a frame on the GUI thread."""
        work = option_valuations(len(plan.legs), plan.view, len(plan.stress))
        return work > BACKGROUND_VALUATIONS

    def recalculate_now(self) -> None:
        self._recalc_pending = False
        if self._evaluator is None:
            self._evaluator = default_evaluator()
        plan = self._plan
        if self.background_preferred or self.runs_in_background(plan):
            self._start_background(plan)
            return
        started = time.perf_counter()
        try:
            report = _run(self._evaluator, plan, self._vix_history)
        except (ValueError, ArithmeticError) as exc:
            # The engine names what it cannot price; the views keep the last valid picture.
            self._deliver(None, validation_message(exc) or type(exc).__name__, 0.0)
            return
        self._deliver(report, None, (time.perf_counter() - started) * 1000.0)

    def _deliver(self, report: Report | None, error: str | None, elapsed_ms: float) -> None:
        self.evaluations += 1
        if report is None:
            self._last_error = error or "the plan could not be evaluated"
            self.evaluation_failed.emit(self._last_error)
            return
        self._last_error = None
        self._report = report
        self.recompute_ms.emit(elapsed_ms)
        self.report_ready.emit(report)

    def _start_background(self, plan: Plan) -> None:
        if self._worker_plan is not None:
            return  # when the running job ends, the newest plan is evaluated
        evaluator = self._evaluator
        assert evaluator is not None
        self._worker_plan = plan
        history = self._worker_history = self._vix_history
        relay = self._relay
        self.busy_changed.emit(True)

        def run() -> None:
            started = time.perf_counter()
            report: Report | None = None
            error: str | None = None
            try:
                report = _run(evaluator, plan, history)
            except (ValueError, ArithmeticError) as exc:
                error = validation_message(exc) or type(exc).__name__
            except Exception as exc:  # a worker must always answer, or the window waits
                error = f"the plan could not be evaluated ({type(exc).__name__}: {exc})"
            elapsed_ms = (time.perf_counter() - started) * 1000.0
            # RuntimeError: the document was deleted meanwhile (the window closed).
            with contextlib.suppress(RuntimeError):
                relay.done.emit(plan, report, error, elapsed_ms)

        threading.Thread(target=run, name="hedge-planner-recalc", daemon=True).start()

    def _on_background_done(
        self, plan: Plan, report: Report | None, error: str | None, elapsed_ms: float
    ) -> None:
        self._worker_plan = None
        if self._stopped:
            return
        current = plan is self._plan and self._worker_history is self._vix_history
        if current:
            self._deliver(report, error, elapsed_ms)
        if not current and (self.background_preferred or self.runs_in_background(self._plan)):
            # Edits (or a VIX history) arrived meanwhile: the newest plan is evaluated now (the
            # last edit wins).
            self._start_background(self._plan)
            return
        self.busy_changed.emit(False)

    def evaluate(self, plan: Plan) -> Report:
        """Evaluate a trial plan (a dialog's preview) without touching the document."""
        if self._evaluator is None:
            self._evaluator = default_evaluator()
        return _run(self._evaluator, plan, self._vix_history)

    def stop(self) -> None:
        """Cancel a pending recalculation (the window is closing); a running one is ignored."""
        self._recalc_pending = False
        self._stopped = True

    def close(self) -> None:
        """The window is gone for good: stop recalculating and drop the undo history now.

        Every undo step is a Python command owned by the C++ QUndoStack. Left to the cycle
        collector (the closed window's panels and the document are garbage together), the
        collector cleared the commands' wrappers first and the stack then deleted them again
        as the document went: a segfault in `gc.collect()`. Cleared here, while everything
        is alive, the stack deletes its commands in the ordinary way."""
        self.stop()
        self.undo_stack.clear()

    def _on_clean_changed(self, clean: bool) -> None:
        self.modified_changed.emit(not clean)
