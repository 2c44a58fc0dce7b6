"""PlanDocument: undo/redo restores plan values exactly, merging, one recalculation per turn."""

from __future__ import annotations

import gc
import os
import time
import weakref

import pytest
from PySide6.QtCore import QCoreApplication
from pytestqt.qtbot import QtBot

from planner.engine.report import Report
from planner.model.plan import Plan
from planner.ui.commands import ReplacePlanCommand
from planner.ui.document import DEFAULT_UNDO_LIMIT, PlanDocument, validation_message

from .conftest import CountingEvaluator, settle


def with_spx(plan: Plan, spx: float) -> Plan:
    return plan.with_changes(market=plan.market.with_changes(spx=spx))


def test_first_report_is_computed_once(
    document: PlanDocument, evaluator: CountingEvaluator
) -> None:
    assert evaluator.calls == 1
    assert isinstance(document.report, Report)
    assert document.report.spx == document.plan.market.spx
    assert not document.modified


def test_push_undo_redo_restore_exact_plan_values(
    qtbot: QtBot, document: PlanDocument, plan: Plan
) -> None:
    edited = with_spx(plan, 7300.0)
    changed: list[Plan] = []
    document.plan_changed.connect(changed.append)
    assert document.push_plan(edited, "Set SPX")
    assert document.plan == edited
    assert changed == [edited]
    assert document.undo_stack.undoText() == "Set SPX"
    document.undo_stack.undo()
    assert document.plan == plan
    assert document.plan is plan
    document.undo_stack.redo()
    assert document.plan == edited
    settle(qtbot, document)
    assert document.report is not None and document.report.spx == 7300.0


def test_pushing_an_equal_plan_is_not_an_undo_step(document: PlanDocument, plan: Plan) -> None:
    assert not document.push_plan(plan.with_changes(), "nothing")
    assert document.undo_stack.count() == 0
    assert not document.modified


def test_same_merge_key_folds_into_one_step_until_sealed(
    document: PlanDocument, plan: Plan
) -> None:
    for spx in (7455.0, 7460.0, 7465.0):
        document.push_plan(with_spx(plan, spx), f"SPX {spx}", merge_key="market.spx")
    assert document.undo_stack.count() == 1
    assert document.undo_stack.undoText() == "SPX 7465.0"
    document.seal_merge()
    document.push_plan(with_spx(plan, 7470.0), "SPX 7470", merge_key="market.spx")
    assert document.undo_stack.count() == 2
    document.undo_stack.undo()
    assert document.plan.market.spx == 7465.0
    document.undo_stack.undo()
    assert document.plan == plan


def test_different_keys_do_not_merge(document: PlanDocument, plan: Plan) -> None:
    document.push_plan(with_spx(plan, 7400.0), "SPX", merge_key="market.spx")
    vix_plan = document.plan.with_changes(market=document.plan.market.with_changes(vix=20.0))
    document.push_plan(vix_plan, "VIX", merge_key="market.vix")
    assert document.undo_stack.count() == 2


def test_merging_back_to_the_start_leaves_no_step(document: PlanDocument, plan: Plan) -> None:
    document.push_plan(with_spx(plan, 7500.0), "SPX", merge_key="market.spx")
    document.push_plan(plan, "SPX", merge_key="market.spx")
    assert document.undo_stack.count() == 0
    assert document.plan == plan
    assert not document.modified


def test_several_edits_in_one_turn_evaluate_once(
    qtbot: QtBot, document: PlanDocument, plan: Plan, evaluator: CountingEvaluator
) -> None:
    reports: list[Report] = []
    document.report_ready.connect(reports.append)
    before = evaluator.calls
    for spx in (7400.0, 7350.0, 7300.0):
        document.push_plan(with_spx(document.plan, spx), "SPX")
    document.undo_stack.undo()
    assert evaluator.calls == before  # nothing until control returns to the event loop
    settle(qtbot, document)
    QCoreApplication.processEvents()
    assert evaluator.calls == before + 1
    assert len(reports) == 1
    assert reports[0].spx == 7350.0
    assert evaluator.plans[-1] == document.plan


def test_one_recalculation_per_edit_in_separate_turns(
    qtbot: QtBot, document: PlanDocument, evaluator: CountingEvaluator
) -> None:
    before = evaluator.calls
    for spx in (7400.0, 7350.0):
        document.push_plan(with_spx(document.plan, spx), "SPX")
        settle(qtbot, document)
    assert evaluator.calls == before + 2


def test_engine_error_keeps_last_report_and_says_why(qtbot: QtBot, plan: Plan) -> None:
    from planner.engine.evaluate import evaluate

    def picky(candidate: Plan) -> Report:
        if candidate.market.spx > 10_000:
            raise ValueError("SPX is beyond what this test engine prices")
        return evaluate(candidate)

    doc = PlanDocument(plan, picky)
    qtbot.waitUntil(lambda: doc.report is not None)
    good = doc.report
    with qtbot.waitSignal(doc.evaluation_failed) as blocker:
        doc.push_plan(with_spx(plan, 20_000.0), "SPX")
    assert blocker.args == ["SPX is beyond what this test engine prices"]
    assert doc.report is good
    assert doc.last_error is not None
    doc.undo_stack.undo()
    settle(qtbot, doc)
    assert doc.last_error is None
    assert doc.report is not good and doc.report is not None
    assert doc.report.spx == plan.market.spx


def test_modified_follows_the_clean_state(document: PlanDocument, plan: Plan) -> None:
    states: list[bool] = []
    document.modified_changed.connect(states.append)
    document.push_plan(with_spx(plan, 7400.0), "SPX")
    assert document.modified
    document.undo_stack.undo()
    assert not document.modified
    document.undo_stack.redo()
    document.mark_saved()
    assert not document.modified
    assert states == [True, False, True, False]


def test_recompute_time_is_reported(qtbot: QtBot, document: PlanDocument, plan: Plan) -> None:
    with qtbot.waitSignal(document.recompute_ms) as blocker:
        document.push_plan(with_spx(plan, 7400.0), "SPX")
    assert blocker.args is not None and blocker.args[0] > 0.0


def test_replace_document_clears_history(qtbot: QtBot, document: PlanDocument, plan: Plan) -> None:
    document.push_plan(with_spx(plan, 7400.0), "SPX")
    other = plan.with_changes(name="Other plan")
    document.replace_document(other)
    assert document.plan == other
    assert document.undo_stack.count() == 0
    assert not document.modified


def test_validation_message_names_the_field(plan: Plan) -> None:
    with pytest.raises(ValueError) as caught:
        plan.with_changes(market=plan.market.model_dump() | {"vix": -3})
    message = validation_message(caught.value)
    assert message.startswith("market.vix:")
    assert "greater than 0" in message


@pytest.mark.slow
def test_thousands_of_live_updates_stay_consistent(
    qtbot: QtBot, document: PlanDocument, plan: Plan, evaluator: CountingEvaluator
) -> None:
    """A long drag: 3,000 edits, bursts of 1-3 per event-loop turn, then undo to the start."""
    reports: list[Report] = []
    document.report_ready.connect(reports.append)
    before = evaluator.calls
    turns = 0
    edits = 0
    started = time.perf_counter()
    while edits < 3000:
        burst = 1 + turns % 3
        for _ in range(burst):
            edits += 1
            spx = 7000.0 + (edits % 900)
            document.push_plan(with_spx(document.plan, spx), "SPX", merge_key="market.spx")
        turns += 1
        QCoreApplication.processEvents()
        if not document.recalc_pending:
            continue
        settle(qtbot, document)
    settle(qtbot, document)
    elapsed = time.perf_counter() - started
    evaluations = evaluator.calls - before
    print(f"{edits} edits in {turns} turns: {elapsed:.2f} s, {evaluations} evaluations")
    assert evaluator.calls - before == turns
    assert len(reports) == turns
    assert document.report is not None
    assert document.report.spx == document.plan.market.spx
    # Every edit merged into one undo step; undoing it restores the original plan exactly.
    assert document.undo_stack.count() == 1
    document.undo_stack.undo()
    assert document.plan == plan


def _rss_mb() -> float:
    """Resident memory of this process (Linux /proc; elsewhere the peak from getrusage)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
    except (OSError, ValueError, IndexError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def test_the_undo_history_is_bounded(qtbot: QtBot, plan: Plan) -> None:
    document = PlanDocument(plan, CountingEvaluator(), undo_limit=5)
    plans = [plan]
    for step in range(20):
        plans.append(with_spx(document.plan, 7000.0 + step))
        document.push_plan(plans[-1], "SPX")
    assert document.undo_stack.count() == 5
    while document.undo_stack.canUndo():
        document.undo_stack.undo()
    assert document.plan == plans[-6]  # the five newest steps are kept, the oldest dropped
    settle(qtbot, document)
    document.stop()
    assert PlanDocument(plan).undo_stack.undoLimit() == DEFAULT_UNDO_LIMIT


@pytest.mark.slow
def test_ten_thousand_edits_keep_memory_bounded(qtbot: QtBot, plan: Plan) -> None:
    """Issue #14.6 soak: every step used to keep a whole plan (RSS 150 -> 599 MB over 10,000
    edits, 389 MB after clearing). Bounded at the default 500 steps; nothing outlives a clear."""
    from planner.engine.evaluate import evaluate

    document = PlanDocument(plan, evaluate)  # (a counting evaluator would keep every plan)
    settle(qtbot, document)
    # A full collection here used to segfault after the window tests (their closed documents'
    # undo steps, see test_closed_windows_survive_a_full_garbage_collection). Plans are freed
    # by reference counting alone (no cycle holds them), which the weak references check.
    gc.collect()
    rss_before = _rss_mb()
    early: list[weakref.ref[Plan]] = []
    slowest_s = 0.0
    for step in range(10_000):
        started = time.perf_counter()
        new_plan = with_spx(document.plan, 7000.0 + step % 900 + 0.25)
        document.push_plan(new_plan, "SPX")
        if step % 50 == 0:
            QCoreApplication.processEvents()  # recalculations run, as they would while editing
        slowest_s = max(slowest_s, time.perf_counter() - started)
        if step < 200:
            early.append(weakref.ref(new_plan))
    settle(qtbot, document)
    rss_after = _rss_mb()
    assert document.undo_stack.count() == DEFAULT_UNDO_LIMIT
    assert all(ref() is None for ref in early)  # dropped steps free their plans
    commands = [document.undo_stack.command(i) for i in range(5)]
    kept = [weakref.ref(c.new_plan) for c in commands if isinstance(c, ReplacePlanCommand)]
    assert len(kept) == 5
    del commands
    document.undo_stack.clear()
    assert all(ref() is None for ref in kept)  # and clearing frees every remaining one
    rss_cleared = _rss_mb()
    print(
        f"\n10,000 edits, undo limit {DEFAULT_UNDO_LIMIT}: RSS {rss_before:.0f} -> "
        f"{rss_after:.0f} MB (+{rss_after - rss_before:.0f}), {rss_cleared:.0f} MB after "
        f"clearing; slowest edit {slowest_s * 1000:.0f} ms (with its recalculation)"
    )
    document.stop()


def test_a_vix_history_set_while_the_worker_runs_is_evaluated_next(
    qtbot: QtBot, plan: Plan
) -> None:
    """The worker's report for the plan without the history is dropped; the document then
    evaluates the plan with it (a history is an input, like the plan)."""
    import threading

    import numpy as np

    from planner.engine.evaluate import evaluate
    from planner.engine.signals import VixHistory

    gate = threading.Event()
    given: list[object] = []

    def gated(p: Plan, **options: object) -> Report:
        given.append(options.get("vix_history"))
        if len(given) == 2:
            gate.wait(10)  # the first background job waits until the history is set
        return evaluate(p, **options)  # type: ignore[arg-type]

    document = PlanDocument(plan, gated)
    qtbot.waitUntil(lambda: document.report is not None, timeout=5000)
    document.background_preferred = True
    document.push_plan(with_spx(plan, 7460.0), "SPX")
    qtbot.waitUntil(lambda: document.busy, timeout=5000)
    closes = 16.0 + np.sin(np.arange(40) / 3.0)
    history = VixHistory(dates=None, close=closes)
    document.set_vix_history(history, "vix.csv")
    gate.set()
    qtbot.waitUntil(lambda: not document.recalc_pending and not document.busy, timeout=10_000)
    assert given[1] is None and given[-1] is history
    assert document.report is not None and document.report.spx == 7460.0
    assert document.report.alvh.signals.rsi14 is not None
    assert document.vix_history_name == "vix.csv"
    document.stop()


def test_a_document_with_history_is_freed_without_the_cycle_collector(
    qtbot: QtBot, plan: Plan
) -> None:
    """Each undo step held the document's own `_apply_plan` (a bound method), so a document
    with history sat in a reference cycle through its QUndoStack; a full gc.collect() then
    finalised those Qt wrappers in an order PySide does not survive (segfault), at the latest
    once the undo limit had dropped a step. Steps now hold the document weakly."""
    document = PlanDocument(plan, CountingEvaluator(), undo_limit=3)
    for step in range(6):  # three steps dropped by the limit
        document.push_plan(with_spx(document.plan, 7000.0 + step), "SPX")
    document.undo_stack.undo()
    document.undo_stack.redo()
    assert document.plan.market.spx == 7005.0
    settle(qtbot, document)
    document.stop()
    freed = weakref.ref(document)
    del document
    assert freed() is None  # by reference counting alone, without gc.collect()
