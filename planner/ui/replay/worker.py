"""The replay off the GUI thread: one worker thread at a time, cancelled by a newer request
(the last edit wins), joined when the window closes.

The worker also builds everything the tab shows (the tables and the chart series), so the GUI
thread only hands finished values to its widgets.
"""

from __future__ import annotations

import gc
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from PySide6.QtCore import QObject, QThread, QTimer, Signal

from planner.engine.errors import EngineInputError
from planner.engine.replay import ReplayCancelled
from planner.engine.replay_result import ReplayResult
from planner.model.history import LoadedHistory
from planner.model.plan import Plan
from planner.model.replay import replay_plan
from planner.present.replay import ReplayTables, replay_tables
from planner.present.replay_series import ReplaySeries, replay_series

__all__ = ["GIL_SWITCH_INTERVAL_S", "BackgroundJob", "ReplayOutcome", "ReplayRunner"]

GIL_SWITCH_INTERVAL_S = 0.001
"""How long a busy worker may hold the GIL while the GUI thread waits for it. Python's default
(5 ms) is paid again each time the GUI thread takes the GIL back (every numpy or Qt call that
releases it), which stretched a 20 ms recalculation or repaint to 100+ ms during a replay."""


class BackgroundJob(QThread):
    """Runs `work(check)` on its own thread; `check()` raises `ReplayCancelled` once `cancel`
    was called. `done` carries (value, error text or None, cancelled)."""

    done = Signal(object, object, bool)
    progressed = Signal(float)
    live: ClassVar[set[BackgroundJob]] = set()
    """Jobs started and not yet joined (a test checks none outlives its window)."""
    _interval_before: ClassVar[float | None] = None
    """The process's GIL switch interval before the first live job lowered it; put back when
    the last one is joined, so the rest of the program keeps Python's own setting."""

    def __init__(self, work: Callable[[Callable[[float], None]], Any], parent: QObject | None):
        super().__init__(parent)
        self._work = work
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def start_job(self) -> None:
        if not BackgroundJob.live:
            BackgroundJob._interval_before = sys.getswitchinterval()
        if sys.getswitchinterval() > GIL_SWITCH_INTERVAL_S:
            sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
        _freeze_heap()
        BackgroundJob.live.add(self)
        self.start()

    def join(self) -> None:
        self.wait()
        BackgroundJob.live.discard(self)
        if not BackgroundJob.live and BackgroundJob._interval_before is not None:
            sys.setswitchinterval(BackgroundJob._interval_before)
            BackgroundJob._interval_before = None

    def _progress(self, fraction: float) -> None:
        if self._cancel.is_set():
            raise ReplayCancelled
        self.progressed.emit(fraction)

    def run(self) -> None:
        value: Any = None
        error: str | None = None
        cancelled = False
        try:
            value = self._work(self._progress)
        except ReplayCancelled:
            cancelled = True
        except (EngineInputError, ValueError, ArithmeticError, OSError) as exc:
            error = str(exc) or type(exc).__name__
        self.done.emit(value, error, cancelled or self._cancel.is_set())


def _freeze_heap() -> None:
    """Leave every object that exists now out of later garbage collections.

    A replay builds ~50,000 objects (the trade log's cells above all), so collections run
    during it, on the worker, holding the GIL while they scan every tracked object: the
    window's Qt wrappers, pyqtgraph and every module, and the outcomes still on screen. That
    held the GUI thread 100-300 ms at a time. Freezing (before a job, and once its outcome is
    built) keeps each collection to the objects made since. Frozen objects are still freed by
    reference counting (an outcome when the next replaces it: tables, cells and arrays hold
    no reference cycles); only a cycle already unreachable at a freeze is never reclaimed.
    """
    gc.freeze()


@dataclass(frozen=True, slots=True)
class ReplayOutcome:
    generation: int
    plan: Plan
    sweep: tuple[float, ...]
    result: ReplayResult
    tables: ReplayTables
    series: ReplaySeries
    elapsed_s: float


@dataclass(frozen=True, slots=True)
class _Request:
    generation: int
    plan: Plan
    history: LoadedHistory
    sweep: tuple[float, ...]


class ReplayRunner(QObject):
    """Replays plans on a worker thread. `request` supersedes whatever runs: the running job
    is told to stop at its next stage and only the newest request's result is delivered."""

    started = Signal(int)
    progressed = Signal(float)
    finished = Signal(object)
    """A `ReplayOutcome` for the newest request."""
    failed = Signal(str)
    idle = Signal()

    def __init__(
        self, parent: QObject | None = None, held: Callable[[], bool] | None = None
    ) -> None:
        """`held`: while it returns True a request waits (`resume` starts it), e.g. while the
        plan's own recalculation runs on another worker: two workers and the GUI thread on
        two cores left the GIL with a preempted thread for 100+ ms at a time."""
        super().__init__(parent)
        self._held = held
        self._generation = 0
        self._job: BackgroundJob | None = None
        self._job_generation = 0
        self._pending: _Request | None = None
        self._showing = False
        self._closed = False
        # A request starts its thread on the next event-loop turn: after the edit's own
        # recalculation of the plan (a high-priority posted event), which would otherwise
        # compete with the new worker for the GIL.
        self._start_timer = QTimer(self)
        self._start_timer.setSingleShot(True)
        self._start_timer.setInterval(0)
        self._start_timer.timeout.connect(self._start_pending)
        self.runs_started = 0
        self.runs_finished = 0

    @property
    def generation(self) -> int:
        return self._generation

    @property
    def busy(self) -> bool:
        """A replay runs or waits to, or its result is still being put on screen."""
        return self._job is not None or self._pending is not None or self._showing

    def mark_shown(self) -> None:
        """The receiver of `finished` has put the outcome on screen (it may take a few
        event-loop turns); `idle` follows when nothing else is waiting."""
        self._showing = False
        if self._job is None and self._pending is None and not self._closed:
            self.idle.emit()

    def request(self, plan: Plan, history: LoadedHistory, sweep: Sequence[float] = ()) -> int:
        if self._closed:
            return self._generation
        self._generation += 1
        self._pending = _Request(self._generation, plan, history, tuple(sweep))
        if self._job is not None:
            self._job.cancel()
        else:
            self._start_timer.start()
        return self._generation

    def cancel(self) -> None:
        """Drop the pending request and stop the running one (nothing will be delivered)."""
        self._generation += 1
        self._pending = None
        self._start_timer.stop()
        if self._job is not None:
            self._job.cancel()

    def shutdown(self) -> None:
        """Stop and join the worker (the window is closing)."""
        self._closed = True
        self._showing = False
        self.cancel()
        job = self._job
        if job is not None:
            job.join()
            self._job = None

    def resume(self) -> None:
        """Start a request that waited for `held` (when it may no longer hold)."""
        if self._pending is not None and self._job is None:
            self._start_timer.start()

    def _start_pending(self) -> None:
        if self._pending is None or self._closed or self._job is not None:
            return
        if self._held is not None and self._held():
            return
        request = self._pending
        self._pending = None

        def work(check: Callable[[float], None]) -> ReplayOutcome:
            started = time.perf_counter()
            result = replay_plan(request.plan, request.history, sweep=request.sweep, progress=check)
            check(1.0)
            tables = replay_tables(result)
            check(1.0)
            series = replay_series(result)
            outcome = ReplayOutcome(
                request.generation,
                request.plan,
                request.sweep,
                result,
                tables,
                series,
                time.perf_counter() - started,
            )
            _freeze_heap()
            return outcome

        job = BackgroundJob(work, self)
        job.progressed.connect(self.progressed)
        job.done.connect(self._on_done)
        self._job = job
        self._job_generation = request.generation
        self.runs_started += 1
        self.started.emit(request.generation)
        job.start_job()

    def _on_done(self, value: object, error: object, cancelled: bool) -> None:
        job = self._job
        if job is not None:
            job.join()
            job.deleteLater()
        self._job = None
        generation = self._job_generation
        if self._closed:
            return
        self.runs_finished += 1
        current = generation == self._generation and not cancelled
        if current and isinstance(value, ReplayOutcome):
            self._showing = True
            self.finished.emit(value)
        elif current and error is not None:
            self.failed.emit(str(error))
        if self._pending is not None:
            self._start_pending()
        elif not self._showing:
            self.idle.emit()
