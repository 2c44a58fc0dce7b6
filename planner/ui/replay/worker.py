"""The replay off the GUI thread: one worker thread at a time, cancelled by a newer request
(the last edit wins), joined when the window closes."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from PySide6.QtCore import QObject, QThread, Signal

from planner.engine.errors import EngineInputError
from planner.engine.replay import ReplayCancelled
from planner.engine.replay_result import ReplayResult
from planner.model.history import LoadedHistory
from planner.model.plan import Plan
from planner.model.replay import replay_plan
from planner.present.replay import ReplayTables, replay_tables

__all__ = ["BackgroundJob", "ReplayOutcome", "ReplayRunner"]


class BackgroundJob(QThread):
    """Runs `work(check)` on its own thread; `check()` raises `ReplayCancelled` once `cancel`
    was called. `done` carries (value, error text or None, cancelled)."""

    done = Signal(object, object, bool)
    progressed = Signal(float)
    live: ClassVar[set[BackgroundJob]] = set()
    """Jobs started and not yet joined (a test checks none outlives its window)."""

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
        BackgroundJob.live.add(self)
        self.start()

    def join(self) -> None:
        self.wait()
        BackgroundJob.live.discard(self)

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


@dataclass(frozen=True, slots=True)
class ReplayOutcome:
    generation: int
    plan: Plan
    sweep: tuple[float, ...]
    result: ReplayResult
    tables: ReplayTables
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

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._generation = 0
        self._job: BackgroundJob | None = None
        self._job_generation = 0
        self._pending: _Request | None = None
        self._closed = False
        self.runs_started = 0
        self.runs_finished = 0

    @property
    def generation(self) -> int:
        return self._generation

    @property
    def busy(self) -> bool:
        return self._job is not None or self._pending is not None

    def request(self, plan: Plan, history: LoadedHistory, sweep: Sequence[float] = ()) -> int:
        if self._closed:
            return self._generation
        self._generation += 1
        self._pending = _Request(self._generation, plan, history, tuple(sweep))
        if self._job is not None:
            self._job.cancel()
        else:
            self._start_pending()
        return self._generation

    def cancel(self) -> None:
        """Drop the pending request and stop the running one (nothing will be delivered)."""
        self._generation += 1
        self._pending = None
        if self._job is not None:
            self._job.cancel()

    def shutdown(self) -> None:
        """Stop and join the worker (the window is closing)."""
        self._closed = True
        self.cancel()
        job = self._job
        if job is not None:
            job.join()
            self._job = None

    def _start_pending(self) -> None:
        request = self._pending
        self._pending = None
        if request is None:
            return

        def work(check: Callable[[float], None]) -> ReplayOutcome:
            started = time.perf_counter()
            result = replay_plan(request.plan, request.history, sweep=request.sweep, progress=check)
            check(1.0)
            tables = replay_tables(result)
            return ReplayOutcome(
                request.generation,
                request.plan,
                request.sweep,
                result,
                tables,
                time.perf_counter() - started,
            )

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
            self.finished.emit(value)
        elif current and error is not None:
            self.failed.emit(str(error))
        if self._pending is not None:
            self._start_pending()
        else:
            self.idle.emit()
