"""The Replay tab on the real history (issue #11): headline and tables read back against the
engine, the last edit wins, no worker outlives the window, no-history state, programme undo,
the generic cell table model, history errors and CSV export."""

from __future__ import annotations

import datetime as dt
import itertools
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QSettings, Qt, QTimer
from PySide6.QtWidgets import QDoubleSpinBox, QMessageBox, QSpinBox
from pytestqt.qtbot import QtBot

from planner.cli import sample_plan_path
from planner.engine.replay_result import ReplayResult
from planner.model import Plan, load_plan
from planner.model.history import LoadedHistory, find_history_files, load_history
from planner.model.replay import daily_csv, replay_plan, trades_csv
from planner.present.formatting import short_scenario_name
from planner.present.replay import headline, replay_tables
from planner.present.table import Tone
from planner.ui.cell_table import CELL_ROLE, SORT_ROLE, CellTableModel
from planner.ui.document import PlanDocument
from planner.ui.main_window import MainWindow
from planner.ui.replay.tab import APPLY_ROWS_PER_STEP, NO_HISTORY_TEXT, ReplayTab
from planner.ui.replay.worker import GIL_SWITCH_INTERVAL_S, BackgroundJob

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason="shared/data (real history) is absent")
# A few years keep each run short; Mar 2020 is inside.
START, END = dt.date(2018, 1, 2), dt.date(2021, 6, 30)
WAIT_MS = 30_000
T = TypeVar("T")


@pytest.fixture(scope="module")
def history() -> LoadedHistory:
    if not DATA.is_dir():
        pytest.skip("shared/data (real history) is absent")
    return load_history(find_history_files(DATA), START, END)


@pytest.fixture
def sample() -> Plan:
    return load_plan(sample_plan_path())


@pytest.fixture
def sample_doc(qtbot: QtBot, sample: Plan) -> Iterator[PlanDocument]:
    doc = PlanDocument(sample)
    qtbot.waitUntil(lambda: doc.report is not None, timeout=WAIT_MS)
    yield doc
    doc.stop()


@pytest.fixture
def tab(qtbot: QtBot, sample_doc: PlanDocument) -> Iterator[ReplayTab]:
    widget = ReplayTab(sample_doc)
    qtbot.addWidget(widget)
    widget.resize(1400, 800)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.shutdown()
    assert not widget.runner.busy or widget.runner._job is None


def wait_shown(qtbot: QtBot, tab: ReplayTab) -> None:
    qtbot.waitUntil(lambda: tab.shown is not None and not tab.runner.busy, timeout=WAIT_MS)


def close_and_delete(win: MainWindow) -> None:
    win.close()
    win.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_no_history_says_what_to_load(
    qtbot: QtBot, sample_doc: PlanDocument, tmp_path: Path
) -> None:
    win = MainWindow(sample_doc, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    win.tabs.setCurrentWidget(win.replay_tab)
    tab = win.replay_tab
    assert tab.stack.currentIndex() == 0
    assert tab.empty_text.isVisible() and not tab.charts.isVisible()
    assert tab.empty_text.text() == NO_HISTORY_TEXT
    assert "VIX_History.csv" in NO_HISTORY_TEXT and "Load History" in NO_HISTORY_TEXT
    assert tab.empty_text.textFormat() == Qt.TextFormat.PlainText
    assert not win.replay_actions.export_daily_action.isEnabled()
    assert not win.horizon.isVisible()  # the horizon belongs to the payoff chart
    assert tab.runner.runs_started == 0
    close_and_delete(win)


@needs_data
def test_headline_and_tables_match_the_engine(
    qtbot: QtBot, tab: ReplayTab, history: LoadedHistory, sample_doc: PlanDocument
) -> None:
    tab.set_history(history)
    wait_shown(qtbot, tab)
    expected = replay_plan(sample_doc.plan, history)
    shown = tab.shown_result
    assert shown is not None and shown.summary == expected.summary
    for figure in headline(expected):
        box = tab.headline_boxes[figure.key]
        assert box.value.text() == figure.value
        assert box.verdict.text() == figure.verdict_text
        assert (
            (figure.claim in box.claim.text()) if figure.claim else "no claim" in box.claim.text()
        )
    s = expected.summary
    assert (
        tab.headline_boxes["net_cost"]
        .value.text()
        .startswith(f"{s.hedge_net_cost_pct_per_year:.2f}".replace("-", "\u2212"))
    )
    years = tab.models["years"]
    assert years.rowCount() == len(expected.years)
    for row, year in enumerate(expected.years):
        assert years.data(years.index(row, 0)) == str(year.year)
        assert years.data(years.index(row, 2), SORT_ROLE) == pytest.approx(year.return_pct)
        assert years.data(years.index(row, 4), SORT_ROLE) == pytest.approx(year.condor_pnl_usd)
        cell = years.data(years.index(row, 5), CELL_ROLE)
        assert (cell.tone is Tone.LOSS) == (round(year.hedge_pnl_usd) < 0)
    episodes = tab.models["episodes"]
    names = [episodes.data(episodes.index(r, 0)) for r in range(episodes.rowCount())]
    assert names == [short_scenario_name(e.name) for e in expected.episodes]
    assert any("'20" in n for n in names)
    trades = tab.models["trades"]
    assert trades.rowCount() == expected.trades.size
    coverage = tab.models["coverage"]
    assert [coverage.data(coverage.index(r, 0)) for r in range(coverage.rowCount())] == [
        c.layer for c in expected.coverage
    ]
    assert "repair" in tab.status_label.text() or "no repairs" in tab.status_label.text()
    # The charts carry the same days.
    assert tab.charts.equity_curves[0].getData()[1] == pytest.approx(
        expected.daily.hedged_equity_usd
    )


@needs_data
def test_ten_quick_edits_show_exactly_the_last_plan(
    qtbot: QtBot, tab: ReplayTab, history: LoadedHistory, sample_doc: PlanDocument
) -> None:
    tab.set_history(history)
    wait_shown(qtbot, tab)
    before = tab.runner.runs_started
    plans = []
    for days in range(30, 40):
        plan = sample_doc.plan
        condor = plan.programme.condor.with_changes(target_days=days)
        new = plan.with_changes(programme=plan.programme.with_changes(condor=condor))
        sample_doc.push_plan(new, f"target {days}")
        plans.append(new)
        QCoreApplication.processEvents()
    wait_shown(qtbot, tab)
    assert tab.shown is not None and tab.shown.plan == plans[-1]
    expected = replay_plan(plans[-1], history)
    assert tab.shown_result is not None
    assert tab.shown_result.summary == expected.summary
    assert tab.models["years"].table == replay_tables(expected).years
    # Superseded runs were cancelled, not all run to the end one after another.
    assert tab.runner.runs_started - before <= 10
    tab.shutdown()
    assert not BackgroundJob.live


@needs_data
def test_no_worker_outlives_the_window(
    qtbot: QtBot, sample_doc: PlanDocument, history: LoadedHistory, tmp_path: Path
) -> None:
    win = MainWindow(sample_doc, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    win.tabs.setCurrentWidget(win.replay_tab)
    win.replay_tab.set_history(history)
    for lots in (1.0, 2.0, 3.0):
        plan = sample_doc.plan
        condor = plan.programme.condor.with_changes(lots_per_100k_usd=lots)
        sample_doc.push_plan(
            plan.with_changes(programme=plan.programme.with_changes(condor=condor)), "lots"
        )
    assert win.replay_tab.runner.busy
    sample_doc.mark_saved()
    close_and_delete(win)
    assert not BackgroundJob.live


@needs_data
def test_programme_edit_is_one_undo_step_and_reruns(
    qtbot: QtBot, tab: ReplayTab, history: LoadedHistory, sample_doc: PlanDocument
) -> None:
    tab.set_history(history)
    wait_shown(qtbot, tab)
    editor = tab.programme_editor
    spin = editor.spins["programme.costs.vix_half_spread_pts"]
    assert isinstance(spin, QDoubleSpinBox)
    old = sample_doc.plan.programme.costs.vix_half_spread_pts
    steps = sample_doc.undo_stack.count()
    spin.setValue(0.10)
    assert sample_doc.plan.programme.costs.vix_half_spread_pts == pytest.approx(0.10)
    assert sample_doc.undo_stack.count() == steps + 1
    qtbot.waitUntil(
        lambda: (
            tab.shown is not None
            and tab.shown.plan.programme.costs.vix_half_spread_pts == pytest.approx(0.10)
        ),
        timeout=WAIT_MS,
    )
    sample_doc.undo_stack.undo()
    assert sample_doc.plan.programme.costs.vix_half_spread_pts == old
    assert spin.value() == pytest.approx(old)
    wait_shown(qtbot, tab)
    assert tab.shown is not None and tab.shown.plan.programme.costs.vix_half_spread_pts == old
    # An optional exit: on, then off, each one step.
    toggle = editor.toggles["programme.condor.take_profit_pct"]
    toggle.setChecked(True)
    assert sample_doc.plan.programme.condor.take_profit_pct is not None
    toggle.setChecked(False)
    assert sample_doc.plan.programme.condor.take_profit_pct is None
    assert sample_doc.undo_stack.count() == steps + 2


def test_programme_refuses_a_bad_value_at_the_field(qtbot: QtBot, sample_doc: PlanDocument) -> None:
    tab = ReplayTab(sample_doc)
    qtbot.addWidget(tab)
    editor = tab.programme_editor
    messages: list[str] = []
    editor.rejected.connect(messages.append)
    toggle = editor.toggles["programme.condor.close_days_left"]
    spin = editor.spins["programme.condor.close_days_left"]
    assert isinstance(spin, QSpinBox)
    toggle.setChecked(True)
    steps = sample_doc.undo_stack.count()
    plan = sample_doc.plan
    spin.setValue(plan.programme.condor.target_days + 5)  # closes before it opens
    assert sample_doc.plan == plan and sample_doc.undo_stack.count() == steps
    assert spin.property("invalid") is True
    assert messages and "close_days_left" in messages[-1]
    tab.shutdown()


@needs_data
def test_trade_log_filters_by_group_and_sorts_by_number(
    qtbot: QtBot, tab: ReplayTab, history: LoadedHistory
) -> None:
    tab.set_history(history)
    wait_shown(qtbot, tab)
    combo = tab.group_filter
    index = combo.findData("near")
    assert index > 0
    combo.setCurrentIndex(index)
    proxy = tab.trades_proxy
    assert 0 < proxy.rowCount() < tab.models["trades"].rowCount()
    assert {proxy.data(proxy.index(r, 2)) for r in range(proxy.rowCount())} == {"near"}
    combo.setCurrentIndex(0)
    tab.views["trades"].sortByColumn(4, Qt.SortOrder.AscendingOrder)
    qty = [proxy.data(proxy.index(r, 4), SORT_ROLE) for r in range(proxy.rowCount())]
    assert qty == sorted(qty) and qty[0] < 0 < qty[-1]


@needs_data
def test_episode_click_zooms_and_sweep_runs(
    qtbot: QtBot, tab: ReplayTab, history: LoadedHistory
) -> None:
    tab.set_history(history)
    wait_shown(qtbot, tab)
    result = tab.shown_result
    assert result is not None and result.episodes
    tab.charts.episode_clicked.emit(0)
    lo, hi = tab.charts.x_range()
    episode = result.episodes[0]
    start = (episode.start - dt.date(1970, 1, 1)).days * 86400.0
    end = (episode.end - dt.date(1970, 1, 1)).days * 86400.0
    assert lo <= start and end <= hi and hi - lo < 200 * 86400.0
    tab.charts.reset_view()
    tab.sweep_edit.setText("0:2:1")
    tab.sweep_button.click()
    qtbot.waitUntil(
        lambda: tab.shown is not None and len(tab.shown.result.sweep) == 3, timeout=WAIT_MS
    )
    assert tab.models["sweep"].rowCount() == 3
    units, cost = tab.sweep_chart.cost_curve.getData()
    assert list(units) == [0.0, 1.0, 2.0]
    assert cost == pytest.approx([w.hedge_net_cost_pct_per_year for w in tab.shown.result.sweep])
    tab.sweep_edit.setText("4:0:1")
    steps = tab.runner.runs_started
    tab.sweep_button.click()
    assert tab.runner.runs_started == steps  # refused at the field
    # The crosshair reads out every series on the day under it.
    tab.charts.show_crosshair_at(start)
    text = tab.charts.readout.text()
    assert episode.start.isoformat() in text and "VIX" in text and "hedge" in text


@needs_data
def test_load_history_through_the_menu_and_export_csv(
    qtbot: QtBot, sample_doc: PlanDocument, tmp_path: Path
) -> None:
    settings = QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat)
    win = MainWindow(sample_doc, settings)
    qtbot.addWidget(win)
    win.show()
    win.tabs.setCurrentWidget(win.replay_tab)
    win.replay_actions.load_folder(DATA)
    qtbot.waitUntil(lambda: win.replay_tab.history is not None, timeout=WAIT_MS)
    assert settings.value("replay/history_folder") == str(DATA)
    wait_shown(qtbot, win.replay_tab)
    result = win.replay_tab.shown_result
    assert result is not None
    assert win.replay_actions.export_daily_action.isEnabled()
    assert win.replay_actions.export("daily", tmp_path / "daily.csv")
    assert win.replay_actions.export("trades", tmp_path / "trades")
    assert (tmp_path / "daily.csv").read_text() == daily_csv(result)
    assert (tmp_path / "trades.csv").read_text() == trades_csv(result)
    close_and_delete(win)
    assert not BackgroundJob.live


def test_bad_history_is_one_dialog_and_leaves_the_plan(
    qtbot: QtBot, sample_doc: PlanDocument, tmp_path: Path
) -> None:
    folder = tmp_path / "history"
    folder.mkdir()
    (folder / "spx_daily.csv").write_text("Date,Close\n2024-01-02,4700\n2024-01-03,4710\n")
    (folder / "VIX_History.csv").write_text(
        "DATE,OPEN,HIGH,LOW,CLOSE\n01/02/2024,13,14,12,13.2\n01/03/2024,13,14,12,oops\n"
    )
    (folder / "vix_futures_m1_m7.csv").write_text("Date,M1,M2\n2024-01-02,14,15\n")
    win = MainWindow(sample_doc, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    plan = sample_doc.plan
    win.replay_actions.load_folder(folder)
    qtbot.waitUntil(lambda: win.replay_actions.last_dialog is not None, timeout=WAIT_MS)
    box = win.replay_actions.last_dialog
    assert isinstance(box, QMessageBox)
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert box.text() == "VIX_History.csv: line 3: CLOSE 'oops' is not a number"
    assert sample_doc.plan == plan and win.replay_tab.history is None
    box.close()
    close_and_delete(win)


def test_cell_table_model_passes_qt_model_tester(qtmodeltester: object) -> None:
    from planner.present.table import Align, Cell, Column, Table, pct_cell, usd_cell

    table = Table(
        "t",
        (Column("Name", Align.LEFT), Column("P&L"), Column("Cut")),
        (
            (Cell("a"), usd_cell(-1200.0), pct_cell(None)),
            (Cell("b", tooltip="tip"), usd_cell(300.0), pct_cell(35.0, 1)),
        ),
    )
    model = CellTableModel(table)
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    model.set_table(None)
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert model.rowCount() == 0


@needs_data
def test_optional_rule_switch_is_one_step_and_compared(
    qtbot: QtBot, tab: ReplayTab, history: LoadedHistory, sample_doc: PlanDocument
) -> None:
    tab.set_history(history)
    wait_shown(qtbot, tab)
    assert tab.models["comparisons"].rowCount() == 0
    steps = sample_doc.undo_stack.count()
    tab.programme_editor.rule_switches["programme.monetise.enabled"].setChecked(True)
    assert sample_doc.plan.programme.monetise.enabled
    assert sample_doc.undo_stack.count() == steps + 1
    qtbot.waitUntil(
        lambda: tab.shown is not None and tab.shown.plan.programme.monetise.enabled,
        timeout=WAIT_MS,
    )
    wait_shown(qtbot, tab)
    result = tab.shown_result
    assert result is not None and len(result.comparisons) == 1
    model = tab.models["comparisons"]
    assert model.rowCount() == 2
    assert model.data(model.index(0, 1), SORT_ROLE) == pytest.approx(
        result.comparisons[0].with_rule.hedge_net_cost_pct_per_year
    )
    assert model.data(model.index(1, 1), SORT_ROLE) == pytest.approx(
        result.comparisons[0].without_rule.hedge_net_cost_pct_per_year
    )
    sample_doc.undo_stack.undo()
    assert not tab.programme_editor.rule_switches["programme.monetise.enabled"].isChecked()


def test_small_tab_gives_the_charts_a_tab_of_their_own(
    qtbot: QtBot, sample_doc: PlanDocument
) -> None:
    tab = ReplayTab(sample_doc)
    qtbot.addWidget(tab)
    tab.resize(700, 500)  # the Replay tab at 1366x768 with every panel open
    tab.show()
    qtbot.waitUntil(lambda: tab.compact, timeout=5000)
    assert tab.tables.widget(0) is tab.charts
    tab.resize(1500, 900)
    qtbot.waitUntil(lambda: not tab.compact, timeout=5000)
    assert tab.splitter.widget(0) is tab.charts
    assert tab.splitter.orientation() == Qt.Orientation.Horizontal
    tab.shutdown()


@needs_data
def test_progress_bar_on_a_long_run_and_a_refused_plan_keeps_the_last_results(
    qtbot: QtBot,
    tab: ReplayTab,
    history: LoadedHistory,
    sample_doc: PlanDocument,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import planner.ui.replay.worker as worker

    tab.set_history(history)
    wait_shown(qtbot, tab)
    assert not tab.progress.isVisible()
    real = worker.replay_plan

    def slow(*args: object, **kwargs: object) -> object:
        progress = kwargs["progress"]
        for step in range(10):  # ~0.8 s, checking for cancellation as the engine does
            progress(step / 20)  # type: ignore[operator]
            time.sleep(0.08)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(worker, "replay_plan", slow)
    shown = tab.shown
    assert tab.request_replay(force=True)
    qtbot.waitUntil(tab.progress.isVisible, timeout=WAIT_MS)
    assert tab.progress.value() > 0
    qtbot.waitUntil(lambda: tab.shown is not shown and not tab.runner.busy, timeout=WAIT_MS)
    assert not tab.progress.isVisible()
    monkeypatch.setattr(worker, "replay_plan", real)
    # The engine refuses a programme (less than one lot): the tab says why, keeps the last run.
    shown = tab.shown
    messages: list[str] = []
    tab.message.connect(messages.append)
    plan = sample_doc.plan
    condor = plan.programme.condor.with_changes(lots_per_100k_usd=0.01)
    sample_doc.push_plan(
        plan.with_changes(programme=plan.programme.with_changes(condor=condor)), "x"
    )
    qtbot.waitUntil(lambda: bool(messages), timeout=WAIT_MS)
    assert "less than one lot" in messages[-1] and messages[-1] in tab.status_label.text()
    assert tab.shown is shown


@needs_data
def test_tables_and_chart_series_are_built_off_the_gui_thread(
    qtbot: QtBot, tab: ReplayTab, history: LoadedHistory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 11 "the window stays responsive": everything the tab shows is built on the worker;
    the GUI thread only hands the finished tables and arrays to its widgets."""
    import planner.ui.replay.charts as charts
    import planner.ui.replay.worker as worker

    built_on: list[tuple[str, bool]] = []  # (what, on the GUI thread)

    def recorded(name: str, build: Callable[[ReplayResult], T]) -> Callable[[ReplayResult], T]:
        def run(result: ReplayResult) -> T:
            built_on.append((name, threading.current_thread() is threading.main_thread()))
            return build(result)

        return run

    monkeypatch.setattr(worker, "replay_tables", recorded("tables", worker.replay_tables))
    monkeypatch.setattr(worker, "replay_series", recorded("series", worker.replay_series))
    monkeypatch.setattr(charts, "replay_series", recorded("charts", charts.replay_series))
    tab.set_history(history)
    wait_shown(qtbot, tab)
    assert ("tables", False) in built_on and ("series", False) in built_on
    assert not [name for name, on_gui in built_on if on_gui]
    assert tab.shown is not None and tab.charts.series is tab.shown.series


@needs_data
def test_a_result_goes_on_screen_in_bounded_steps_one_per_event_loop_turn(
    qtbot: QtBot, tab: ReplayTab, history: LoadedHistory
) -> None:
    """No single turn of the GUI thread shows more than APPLY_ROWS_PER_STEP rows of the trade
    log, and other events run between the steps (a zero-timer probe sees each step apart)."""
    tab.set_history(history)
    wait_shown(qtbot, tab)
    seen: list[int] = []
    probe = QTimer()
    probe.setInterval(0)
    probe.timeout.connect(lambda: seen.append(len(tab.apply_log)))
    shown = tab.shown
    finished: list[int] = []
    tab.runner.finished.connect(lambda _o: finished.append(len(tab.apply_log)))
    probe.start()
    assert tab.request_replay(force=True)
    qtbot.waitUntil(lambda: tab.shown is not shown and not tab.runner.busy, timeout=WAIT_MS)
    probe.stop()
    assert finished == [0]  # nothing was shown in the turn that delivered the result
    log = tab.apply_log
    trades = [step.rows for step in log if step.what == "trades"]
    total = tab.models["trades"].rowCount()
    assert total > 2 * APPLY_ROWS_PER_STEP  # the history is long enough to need slices
    assert sum(trades) == total and len(trades) >= 3
    assert all(step.rows <= APPLY_ROWS_PER_STEP for step in log)
    # The probe ran between the steps: the log never grew by more than one step unseen.
    grew = [b - a for a, b in itertools.pairwise(seen)]
    assert max(grew) <= 1 and len(set(seen)) >= len(log) - 1


def test_the_plan_recalculates_off_the_gui_thread_while_the_tab_is_on_screen(
    qtbot: QtBot, sample: Plan
) -> None:
    """With the Replay tab visible an edit's own evaluation runs on the document's worker
    (however small the plan); with the tab hidden a small plan is evaluated in place."""
    from planner.engine.evaluate import evaluate

    threads: list[bool] = []  # evaluated on the GUI thread

    def recording(plan: Plan, **kwargs: object) -> object:
        threads.append(threading.current_thread() is threading.main_thread())
        return evaluate(plan, **kwargs)  # type: ignore[arg-type]

    doc = PlanDocument(sample, evaluator=recording)
    qtbot.waitUntil(lambda: doc.report is not None, timeout=WAIT_MS)
    tab = ReplayTab(doc)
    qtbot.addWidget(tab)

    def edit(spx: float) -> None:
        plan = doc.plan
        doc.push_plan(plan.with_changes(market=plan.market.with_changes(spx=spx)), "spx")
        qtbot.waitUntil(lambda: doc.report is not None and doc.report.spx == spx, timeout=WAIT_MS)

    tab.show()
    qtbot.waitExposed(tab)
    edit(sample.market.spx + 10.0)
    assert threads[-1] is False
    tab.hide()
    edit(sample.market.spx + 20.0)
    assert threads[-1] is True
    tab.shutdown()
    doc.stop()


@pytest.mark.parametrize("before", [0.005, 0.0005])
def test_a_job_lowers_the_gil_switch_interval_only_while_it_runs(
    qtbot: QtBot, before: float
) -> None:
    original = sys.getswitchinterval()
    sys.setswitchinterval(before)
    try:
        seen: list[float] = []
        first = BackgroundJob(lambda check: seen.append(sys.getswitchinterval()), None)
        second = BackgroundJob(lambda check: seen.append(sys.getswitchinterval()), None)
        with qtbot.waitSignals([first.done, second.done], timeout=5000):
            first.start_job()
            second.start_job()
        first.join()
        # One job still live: the interval stays lowered until the last is joined.
        assert sys.getswitchinterval() == pytest.approx(min(before, GIL_SWITCH_INTERVAL_S))
        second.join()
        assert seen == pytest.approx([min(before, GIL_SWITCH_INTERVAL_S)] * 2)
        assert sys.getswitchinterval() == pytest.approx(before)
        assert not BackgroundJob.live
    finally:
        sys.setswitchinterval(original)


@pytest.mark.parametrize("width_px", [980, 1400])
def test_the_no_history_text_is_shown_whole(
    qtbot: QtBot, sample_doc: PlanDocument, width_px: int
) -> None:
    tab = ReplayTab(sample_doc)
    qtbot.addWidget(tab)
    tab.resize(width_px, 460)
    tab.show()
    qtbot.waitExposed(tab)
    label = tab.empty_text
    assert label.isVisible() and label.text() == NO_HISTORY_TEXT
    # Every wrapped line fits: the label is as tall as its text needs at its width.
    assert label.height() >= label.heightForWidth(label.width())
    assert label.width() <= 640
