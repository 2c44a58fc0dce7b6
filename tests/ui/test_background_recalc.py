"""Bounded work and a window that never stops repainting (issue #14, item 2).

A plan inside every limit could take 40-50 s per recalculation on the GUI thread. Now the work
is capped (model), and a plan too large for a frame is recalculated on a worker thread, the
last edit winning, while small plans stay synchronous.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QSettings, QTimer
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from planner.engine.report import Report
from planner.engine.types import Group, Right, Underlying
from planner.model.plan import Leg, Plan
from planner.ui.document import PlanDocument
from planner.ui.main_window import MainWindow

from .conftest import CONDOR_EXPIRY, settle

Button = QMessageBox.StandardButton


def heavy_plan(plan: Plan, n_legs: int = 400) -> Plan:
    """Distinct SPX contracts on a fine grid: about 3.9 M option valuations per report."""
    expiries = [CONDOR_EXPIRY + dt.timedelta(days=7 * k) for k in range(4)]
    legs = tuple(
        Leg(
            id=f"leg{i}",
            underlying=Underlying.SPX,
            right=Right.PUT if i % 2 else Right.CALL,
            quantity=-1 if i % 3 else 1,
            strike=6000.0 + 5.0 * (i // 8),
            expiry=expiries[(i // 2) % 4],
            group=Group.CONDOR,
        )
        for i in range(n_legs)
    )
    view = plan.view.with_changes(price_points=2001, heat_price_points=61, heat_vix_points=61)
    return plan.with_changes(legs=legs, view=view)


@dataclasses.dataclass
class ThreadRecorder:
    """The real evaluator, noting the thread each evaluation ran on."""

    threads: list[int] = dataclasses.field(default_factory=list)
    plans: list[Plan] = dataclasses.field(default_factory=list)
    finished_at: list[float] = dataclasses.field(default_factory=list)

    def __call__(self, plan: Plan) -> Report:
        from planner.engine.evaluate import evaluate

        self.threads.append(threading.get_ident())
        self.plans.append(plan)
        try:
            return evaluate(plan)
        finally:
            self.finished_at.append(time.perf_counter())


@pytest.fixture
def heavy_window(
    qtbot: QtBot, plan: Plan, tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[MainWindow, ThreadRecorder]]:
    recorder = ThreadRecorder()
    document = PlanDocument(heavy_plan(plan), recorder)
    assert PlanDocument.runs_in_background(document.plan)
    window = MainWindow(document, QSettings(f"{tmp_path}/w.ini", QSettings.Format.IniFormat))
    window.show()
    qtbot.waitUntil(lambda: document.report is not None, timeout=60_000)
    yield window, recorder
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: Button.Discard)
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_the_window_processes_events_while_a_large_plan_recalculates(
    heavy_window: tuple[MainWindow, ThreadRecorder], qtbot: QtBot
) -> None:
    window, recorder = heavy_window
    document = window.document
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    busy: list[bool] = []
    document.busy_changed.connect(busy.append)
    before = len(recorder.threads)
    plan = document.plan
    edited = plan.with_changes(market=plan.market.with_changes(spx=plan.market.spx + 10))
    started = time.perf_counter()
    assert document.push_plan(edited, "SPX +10")
    qtbot.waitUntil(lambda: not document.recalc_pending, timeout=60_000)
    elapsed = time.perf_counter() - started
    timer.stop()
    assert len(recorder.threads) == before + 1
    assert recorder.threads[-1] != threading.get_ident()  # not on the GUI thread
    assert busy == [True, False]
    assert window.recalc_label.text().startswith("recalc ")
    assert document.report is not None and document.report.spx == edited.market.spx
    # While the worker computes (the views' redraw with the new report comes after).
    during = [t for t in ticks if t <= recorder.finished_at[-1]]
    gaps = [b - a for a, b in zip([started, *during], during, strict=False)]
    print(
        f"\nrecalculation {elapsed * 1000:.0f} ms, {len(during)} ticks during it, "
        f"longest gap between events {max(gaps) * 1000:.0f} ms"
    )
    # The loop kept running during the recalculation. How long it stalled at worst is a
    # speed figure (printed above, and by the benchmarks), not a pass/fail rule: a busy
    # machine stretches it, and the guide keeps timed assertions out of the suite.
    assert len(during) >= 3


def test_the_last_edit_wins(heavy_window: tuple[MainWindow, ThreadRecorder], qtbot: QtBot) -> None:
    window, recorder = heavy_window
    document = window.document
    before = len(recorder.plans)
    edits = []
    for step in range(1, 6):
        plan = document.plan
        edited = plan.with_changes(market=plan.market.with_changes(spx=7450.0 + step))
        document.push_plan(edited, f"SPX {edited.market.spx}")
        edits.append(edited)
        qtbot.wait(5)  # each edit reaches the event loop: several recalculations are asked
    qtbot.waitUntil(lambda: not document.recalc_pending, timeout=120_000)
    evaluated = recorder.plans[before:]
    assert evaluated[-1] is edits[-1]  # the newest plan is the one evaluated last
    assert len(evaluated) < len(edits)  # edits made during a job were not all evaluated
    assert document.report is not None and document.report.spx == edits[-1].market.spx


def test_small_plans_stay_synchronous(qtbot: QtBot, plan: Plan) -> None:
    recorder = ThreadRecorder()
    document = PlanDocument(plan, recorder)
    assert not PlanDocument.runs_in_background(plan)
    document.recalculate_now()  # in the same call, on this thread
    assert document.report is not None
    assert recorder.threads == [threading.get_ident()]
    settle(qtbot, document)
    document.stop()
