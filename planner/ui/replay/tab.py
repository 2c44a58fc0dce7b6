"""The Replay tab: headline figures beside the seeds' claims, the linked charts, the tables
and the programme editor, fed by a replay that runs off the GUI thread (issue #11)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from planner.engine.replay_result import ReplayResult
from planner.model.history import LoadedHistory
from planner.model.plan import Plan
from planner.model.replay import parse_sweep
from planner.present.formatting import fmt_num
from planner.present.replay import HeadlineFigure, ReplayTables, Verdict
from planner.present.table import Table
from planner.ui.cell_table import CellTableModel, ColumnFilterProxy
from planner.ui.document import PlanDocument
from planner.ui.fields import INVALID_STYLE
from planner.ui.replay.charts import ReplayCharts, SweepChart
from planner.ui.replay.programme_editor import ProgrammeEditor
from planner.ui.replay.worker import ReplayOutcome, ReplayRunner
from planner.ui.tables import figure_table, scroll_area

__all__ = ["APPLY_ROWS_PER_STEP", "NO_HISTORY_TEXT", "ApplyStep", "ReplayTab", "replay_inputs"]

# A run that has not finished after this long shows a progress bar.
PROGRESS_AFTER_MS = 300
DEFAULT_SWEEP = "0:4:0.5"
# A narrow tab shorter than this shows the charts as one of the tables' tabs.
COMPACT_BELOW_PX = 640
APPLY_ROWS_PER_STEP = 250
"""Trade-log rows put on screen per event-loop turn (a sorted, filtered view does Python work
for each: ~250 rows stay within a few milliseconds)."""


TRADE_FIT_ROWS = 60
"""Rows of the trade log read to fit its columns to their contents."""


class ApplyStep(NamedTuple):
    """One event-loop turn of showing a replay: what it did and how many table rows."""

    what: str
    rows: int
    ms: float = 0.0
    """How long it held the GUI thread."""


NO_HISTORY_TEXT = (
    "No market history loaded. The replay runs this plan's condor and hedge programme on real "
    "daily history: load a folder (File ▸ Load History…) holding three CSV files — an S&P 500 "
    "daily history (e.g. Yahoo Finance ^GSPC), Cboe's VIX_History.csv (cboe.com, VIX historical "
    "data) and VIX futures settlements as a Date,M1,…,Mn table (Cboe CFE settlement data). The "
    "README's Replay section lists the layouts."
)


def replay_inputs(plan: Plan) -> tuple[Any, ...]:
    """What a replay depends on: everything in the plan but the view settings."""
    return tuple(getattr(plan, name) for name in type(plan).model_fields if name != "view")


_VERDICT_COLOURS = {
    Verdict.WITHIN: "#1a7f37",
    Verdict.BELOW: "#c62828",
    Verdict.ABOVE: "#c62828",
    Verdict.UNKNOWN: "#808080",
    Verdict.NO_CLAIM: "#808080",
}


class HeadlineBox(QFrame):
    """One headline figure: name, measured value, the claim and the verdict."""

    def __init__(self, key: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName(f"headline.{key}")
        self.title = QLabel(title)
        self.value = QLabel("—")
        self.value.setObjectName(f"headline.{key}.value")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.value.setFont(font)
        self.claim = QLabel("")
        self.claim.setObjectName(f"headline.{key}.claim")
        self.verdict = QLabel("")
        self.verdict.setObjectName(f"headline.{key}.verdict")
        for label in (self.title, self.value, self.claim, self.verdict):
            label.setTextFormat(Qt.TextFormat.PlainText)
        # The figure itself is never cut; the words around it wrap on a narrow window.
        for label in (self.title, self.claim, self.verdict):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
        layout.setSpacing(0)
        layout.addWidget(self.title)
        layout.addWidget(self.value)
        layout.addWidget(self.claim)
        layout.addWidget(self.verdict)

    def show_figure(self, figure: HeadlineFigure) -> None:
        self.value.setText(figure.value)
        if figure.claim:
            self.claim.setText(f"claim {figure.claim}")
        else:
            self.claim.setText("alone → hedged; no claim")
        self.verdict.setText(figure.verdict_text)
        sheet = f"color: {_VERDICT_COLOURS[figure.verdict]}; font-weight: bold;"
        if self.verdict.styleSheet() != sheet:  # a new style sheet re-polishes the label
            self.verdict.setStyleSheet(sheet)
        self.setToolTip(figure.tooltip)


_HEADLINES = (
    ("net_cost", "Hedge net cost"),
    ("gross_premium", "Gross premium"),
    ("max_drawdown", "Max drawdown"),
    ("drawdown_cut", "Drawdown cut"),
    ("cagr", "CAGR"),
)


class ReplayTab(QWidget):
    """The tab. `set_history` with loaded history; it replays the document's plan whenever the
    plan's replay inputs change while the tab is visible (or when it becomes visible)."""

    message = Signal(str)
    load_requested = Signal()
    results_shown = Signal(object)
    """The `ReplayOutcome` now on screen."""

    def __init__(self, document: PlanDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self._history: LoadedHistory | None = None
        self._sweep: tuple[float, ...] = ()
        self._shown_inputs: tuple[Any, ...] | None = None
        self._requested_inputs: tuple[Any, ...] | None = None
        self._shown: ReplayOutcome | None = None
        self._run_started = 0.0
        self._splitter_fitted = False
        # A replay starts once the edit's own recalculation is in (see ReplayRunner `held`).
        self.runner = ReplayRunner(self, held=lambda: document.busy)
        document.busy_changed.connect(self._on_document_busy)
        self.runner.started.connect(self._on_started)
        self.runner.progressed.connect(self._on_progress)
        self.runner.finished.connect(self._on_finished)
        self.runner.failed.connect(self._on_failed)
        self.runner.idle.connect(self._on_idle)
        self._apply: Iterator[ApplyStep] | None = None
        self.apply_log: list[ApplyStep] = []
        """The steps the newest outcome was (or is being) put on screen in."""
        self._apply_timer = QTimer(self)
        self._apply_timer.setSingleShot(True)
        self._apply_timer.setInterval(0)
        self._apply_timer.timeout.connect(self._apply_next)
        self._progress_timer = QTimer(self)
        self._progress_timer.setSingleShot(True)
        self._progress_timer.timeout.connect(self._show_progress)

        self.stack = QStackedWidget()
        self.stack.addWidget(self._build_empty_page())
        self.stack.addWidget(self._build_results_page())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        document.plan_changed.connect(self._on_plan_changed)

    # -- building ------------------------------------------------------------------------

    def _build_empty_page(self) -> QWidget:
        page = QWidget()
        self.empty_text = QLabel(NO_HISTORY_TEXT)
        self.empty_text.setObjectName("replayNoHistory")
        self.empty_text.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_text.setWordWrap(True)
        self.empty_text.setMaximumWidth(640)
        self.empty_error = QLabel("")
        self.empty_error.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_error.setWordWrap(True)
        self.empty_error.setMaximumWidth(640)
        self.empty_error.setStyleSheet("color: #c62828;")
        self.load_button = QPushButton("Load History…")
        self.load_button.clicked.connect(self.load_requested)
        box = QVBoxLayout(page)
        box.addStretch(1)
        for widget in (self.empty_text, self.empty_error):
            # Centred by stretches, not an alignment flag: an aligned word-wrapped label is
            # given its one-line size hint's height, which cut the text to three half-lines
            # at 1366 px.
            row = QHBoxLayout()
            row.addStretch(1)
            row.addWidget(widget, 100)
            row.addStretch(1)
            box.addLayout(row)
        box.addWidget(self.load_button, 0, Qt.AlignmentFlag.AlignHCenter)
        box.addStretch(2)
        return page

    def _build_results_page(self) -> QWidget:
        page = QWidget()
        self.headline_boxes = {key: HeadlineBox(key, title) for key, title in _HEADLINES}
        headline_row = QHBoxLayout()
        headline_row.setSpacing(4)
        for box in self.headline_boxes.values():
            headline_row.addWidget(box, 1)

        self.status_label = QLabel("")
        self.status_label.setObjectName("replayStatus")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setWordWrap(False)
        self.status_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.progress = QProgressBar()
        self.progress.setObjectName("replayProgress")
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(180)
        self.progress.setFormat("replaying %p%")
        # Showing and hiding the bar must not re-lay the tab out (that repaints the charts and
        # tables: ~100-250 ms of the GUI thread on every run).
        policy = self.progress.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.progress.setSizePolicy(policy)
        self.progress.hide()
        status_row = QHBoxLayout()
        status_row.addWidget(self.status_label, 1)
        status_row.addWidget(self.progress)

        self.charts = ReplayCharts()
        self.tables = QTabWidget()
        self.tables.setObjectName("replayTables")
        self.models: dict[str, CellTableModel] = {}
        self.views: dict[str, QTableView] = {}
        for key, title in (
            ("years", "Per year"),
            ("regimes", "Regimes"),
            ("episodes", "Episodes"),
            ("coverage", "Layers"),
            ("comparisons", "Rules"),
        ):
            self.tables.addTab(self._scrolled_table(key), title)
        self.tables.addTab(self._build_trades_page(), "Trades")
        self.tables.addTab(self._build_sweep_page(), "Sweep")
        self.programme_editor = ProgrammeEditor(self._document)
        self.programme_editor.rejected.connect(self.message)
        self.tables.addTab(scroll_area(self.programme_editor), "Programme")
        self.notes = QPlainTextEdit()
        self.notes.setReadOnly(True)
        self.notes.setObjectName("replayNotes")
        self.tables.addTab(self.notes, "Notes")
        self.views["episodes"].doubleClicked.connect(self._on_episode_row)
        self.views["episodes"].setToolTip("Double-click an episode to zoom the charts to it")

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.charts)
        self.splitter.addWidget(self.tables)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(page)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(3)
        layout.addLayout(headline_row)
        layout.addLayout(status_row)
        layout.addWidget(self.splitter, 1)
        return page

    def _model(self, key: str) -> CellTableModel:
        model = CellTableModel(parent=self)
        self.models[key] = model
        return model

    def _scrolled_table(self, key: str) -> QWidget:
        view = figure_table(self._model(key), row_headers=False)
        view.setObjectName(f"replayTable.{key}")
        self.views[key] = view
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(2, 2, 2, 2)
        box.addWidget(view)
        note = QLabel("")
        note.setObjectName(f"replayNote.{key}")
        note.setTextFormat(Qt.TextFormat.PlainText)
        note.setWordWrap(True)
        box.addWidget(note)
        box.addStretch(1)
        view.setProperty("note_label", note)
        return scroll_area(holder)

    def _build_trades_page(self) -> QWidget:
        page = QWidget()
        model = self._model("trades")
        self.trades_proxy = ColumnFilterProxy(self)
        self.trades_proxy.setSourceModel(model)
        view = QTableView()
        view.setObjectName("replayTable.trades")
        view.setModel(self.trades_proxy)
        view.setSortingEnabled(True)
        view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.verticalHeader().setVisible(False)
        view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 6)
        view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        # Fitting the columns reads this many rows (Qt's default, 1,000, held the GUI thread
        # ~100-300 ms on the first result).
        view.horizontalHeader().setResizeContentsPrecision(TRADE_FIT_ROWS)
        self.views["trades"] = view
        self.group_filter = QComboBox()
        self.group_filter.setObjectName("replayTradeGroup")
        self.group_filter.addItem("All groups", None)
        self.group_filter.currentIndexChanged.connect(self._on_group_filter)
        self.trades_count = QLabel("")
        self.trades_count.setTextFormat(Qt.TextFormat.PlainText)
        top = QHBoxLayout()
        top.addWidget(QLabel("Leg group"))
        top.addWidget(self.group_filter)
        top.addWidget(self.trades_count, 1)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(top)
        layout.addWidget(view, 1)
        return page

    def _build_sweep_page(self) -> QWidget:
        page = QWidget()
        self.sweep_edit = QLineEdit(DEFAULT_SWEEP)
        self.sweep_edit.setObjectName("replaySweepSizes")
        self.sweep_edit.setToolTip("Hedge units START:STOP:STEP, e.g. 0:4:0.5")
        self.sweep_button = QPushButton("Run sweep")
        self.sweep_button.clicked.connect(self._on_run_sweep)
        self.sweep_clear = QPushButton("Clear")
        self.sweep_clear.clicked.connect(self.clear_sweep)
        top = QHBoxLayout()
        top.addWidget(QLabel("Hedge units"))
        top.addWidget(self.sweep_edit, 1)
        top.addWidget(self.sweep_button)
        top.addWidget(self.sweep_clear)
        self.sweep_chart = SweepChart()
        self.sweep_chart.setMinimumHeight(180)
        view = figure_table(self._model("sweep"), row_headers=False)
        view.setObjectName("replayTable.sweep")
        self.views["sweep"] = view
        self.sweep_empty = QLabel(
            "A sweep replays the programme at each hedge size (the hedge's P&L is linear in "
            "units, so it costs little more than one run). Give the sizes and run it."
        )
        self.sweep_empty.setWordWrap(True)
        self.sweep_empty.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(top)
        layout.addWidget(self.sweep_empty)
        layout.addWidget(self.sweep_chart, 1)
        layout.addWidget(view)
        self._show_sweep_state(False)
        return page

    # -- history -------------------------------------------------------------------------

    @property
    def history(self) -> LoadedHistory | None:
        return self._history

    @property
    def shown(self) -> ReplayOutcome | None:
        return self._shown

    @property
    def shown_result(self) -> ReplayResult | None:
        return None if self._shown is None else self._shown.result

    def set_history(self, history: LoadedHistory | None) -> None:
        self._history = history
        self._shown_inputs = None
        self._requested_inputs = None
        if history is None:
            self.runner.cancel()
            self._drop_apply()
            self._shown = None
            self.charts.set_result(None)
            self.stack.setCurrentIndex(0)
            return
        self.empty_error.setText("")
        self.stack.setCurrentIndex(1)
        self.status_label.setText(self.history_text(history))
        self.status_label.setToolTip(self.history_files_text(history))
        self.request_replay()

    def show_history_error(self, text: str) -> None:
        """A history that could not be loaded (shown on the empty page, plain text)."""
        if self._history is None:
            self.empty_error.setText(text)

    @staticmethod
    def history_text(history: LoadedHistory) -> str:
        market = history.market
        repaired = len(history.issues)
        checks = "no repairs" if not repaired else f"{repaired} repair(s), see Notes"
        return (
            f"History {market.dates[0]} to {market.dates[-1]} "
            f"({fmt_num(market.size, 0)} days; {checks})"
        )

    @staticmethod
    def history_files_text(history: LoadedHistory) -> str:
        files = history.files
        return f"Files: {files.spx}, {files.vix}, {files.futures}"

    # -- running -------------------------------------------------------------------------

    def request_replay(self, force: bool = False) -> bool:
        """Replay the current plan unless that exact run is already shown or under way."""
        if self._history is None:
            return False
        inputs = (replay_inputs(self._document.plan), self._sweep)
        if not force and inputs in (self._requested_inputs, self._shown_inputs):
            if inputs == self._shown_inputs and self._requested_inputs != inputs:
                # Back to what is on screen (an undo during a run): stop the newer run.
                self.runner.cancel()
                self._requested_inputs = inputs
                self._hide_progress()
            return False
        self._requested_inputs = inputs
        self.runner.request(self._document.plan, self._history, self._sweep)
        return True

    def _on_document_busy(self, busy: bool) -> None:
        if not busy:
            self.runner.resume()

    def _on_plan_changed(self, _plan: Plan) -> None:
        if self._history is not None and self.isVisible():
            self.request_replay()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        # While the tab is on screen the plan's own recalculation runs off the GUI thread too.
        self._document.background_preferred = True
        if self._history is not None:
            self.request_replay()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802
        super().hideEvent(event)
        self._document.background_preferred = False

    def shutdown(self) -> None:
        self._progress_timer.stop()
        self._apply_timer.stop()
        self._apply = None
        self.runner.shutdown()

    def _on_started(self, _generation: int) -> None:
        self._run_started = time.perf_counter()
        if not self.progress.isVisible() and not self._progress_timer.isActive():
            self._progress_timer.start(PROGRESS_AFTER_MS)

    def _show_progress(self) -> None:
        if self.runner.busy:
            self.progress.show()

    def _hide_progress(self) -> None:
        self._progress_timer.stop()
        self.progress.hide()
        self.progress.setValue(0)

    def _on_progress(self, fraction: float) -> None:
        self.progress.setValue(round(100 * fraction))

    def _on_idle(self) -> None:
        self._hide_progress()

    def _on_failed(self, text: str) -> None:
        self._hide_progress()
        self._requested_inputs = None
        message = f"Replay: {text}"
        self.status_label.setText(message)
        self.message.emit(message)

    def _on_finished(self, outcome: ReplayOutcome) -> None:
        # The screen is heading to this outcome: an edit back to its inputs needs no new run.
        self._shown_inputs = (replay_inputs(outcome.plan), outcome.sweep)
        self._apply = self._apply_steps(outcome)
        self.apply_log = []
        self._apply_timer.start()

    def _apply_next(self) -> None:
        """One step of putting an outcome on screen, then back to the event loop (repaints,
        input and timers run between steps; a newer outcome replaces the rest)."""
        if self._apply is None:
            return
        started = time.perf_counter()
        try:
            step = next(self._apply)
        except StopIteration:
            self._apply = None
            return
        self.apply_log.append(step._replace(ms=1000.0 * (time.perf_counter() - started)))
        self._apply_timer.start()

    def _apply_steps(self, outcome: ReplayOutcome) -> Iterator[ApplyStep]:
        """The steps that show `outcome`, each small: the headline, each small table, the
        notes, the charts (painted on the next turn), the sweep, then the trade log a slice of
        `APPLY_ROWS_PER_STEP` rows at a time. Everything shown was built on the worker."""
        tables = outcome.tables
        for figure in tables.headline:
            self.headline_boxes[figure.key].show_figure(figure)
        yield ApplyStep("headline", 0)
        for key, table in (
            ("years", tables.years),
            ("regimes", tables.regimes),
            ("episodes", tables.episodes),
            ("coverage", tables.coverage),
            ("comparisons", tables.comparisons),
            ("sweep", tables.sweep),
        ):
            self._set_table(key, table)
            yield ApplyStep("table", len(table.rows))
        self._show_notes(outcome)
        self._fit_splitter()
        yield ApplyStep("notes", 0)
        self.charts.set_result(outcome.result, outcome.series)
        yield ApplyStep("charts", 0)
        units = float(outcome.plan.allocation.units)
        self.sweep_chart.set_result(outcome.result, units)
        self._show_sweep_state(bool(outcome.result.sweep))
        yield ApplyStep("sweep", len(outcome.result.sweep))
        yield from self._trade_steps(tables)
        self._shown = outcome
        self.runner.mark_shown()  # idle (which hides the progress bar) unless a newer run waits
        self.results_shown.emit(outcome)
        yield ApplyStep("shown", 0)

    def _trade_steps(self, tables: ReplayTables) -> Iterator[ApplyStep]:
        model = self.models["trades"]
        view = self.views["trades"]
        current = self.group_filter.currentData()
        steps = model.set_table_in_steps(tables.trades, APPLY_ROWS_PER_STEP)
        # The first slice comes in with the filter set, so the proxy filters slice by slice.
        first = next(steps)
        self.group_filter.blockSignals(True)
        self.group_filter.clear()
        self.group_filter.addItem("All groups", None)
        for group in tables.groups:
            self.group_filter.addItem(group, group)
        index = self.group_filter.findData(current)
        self.group_filter.setCurrentIndex(max(0, index))
        self.group_filter.blockSignals(False)
        if self.group_filter.currentData() != current:
            self._on_group_filter()  # the group is gone: show all (re-filters this slice only)
        yield ApplyStep("trades", first)
        if not view.property("fitted"):
            # Once, a column per step: measuring every column's cells took 100+ ms.
            view.setProperty("fitted", True)
            for column in range(model.columnCount()):
                view.resizeColumnToContents(column)
                yield ApplyStep("fit a trade column", 0)
        for rows in steps:
            yield ApplyStep("trades", rows)
        self._show_trade_count()
        note = self.views["trades"].property("note_label")
        if isinstance(note, QLabel):
            note.setText(_note_text(tables.trades))

    def _set_table(self, key: str, table: Table) -> None:
        self.models[key].set_table(table)
        note = self.views[key].property("note_label")
        if isinstance(note, QLabel):
            note.setText(_note_text(table))

    def _show_notes(self, outcome: ReplayOutcome) -> None:
        notes = list(outcome.result.notes)
        if self._history is not None and self._history.issues:
            notes += ["", "History checks:", *self._history.issues]
        self.notes.setPlainText("\n".join(f"- {n}" if n and n[-1] != ":" else n for n in notes))
        s = outcome.result.summary
        if self._history is not None:
            self.status_label.setText(
                f"{self.history_text(self._history)} · replayed {s.start} to {s.end} in "
                f"{outcome.elapsed_s:.2f} s · model-priced, no option quotes"
            )

    def _drop_apply(self) -> None:
        self._apply_timer.stop()
        self._apply = None
        self.runner.mark_shown()

    def _fit_splitter(self) -> None:
        """Give the tables their natural width (side by side) while the charts keep half;
        one above the other, the charts keep ~60 % of the height."""
        if self._splitter_fitted:
            return
        total = sum(self.splitter.sizes())
        if total <= 0:
            return
        self._splitter_fitted = True
        if self.splitter.orientation() == Qt.Orientation.Vertical:
            charts = round(0.6 * total)
            self.splitter.setSizes([charts, total - charts])
            return
        view = self.views["years"]
        wanted = view.horizontalHeader().length() + 2 * view.frameWidth() + 30
        tables = min(max(wanted, total // 3), total // 2)
        self.splitter.setSizes([total - tables, tables])

    def _on_group_filter(self, _index: int = 0) -> None:
        group = self.group_filter.currentData()
        self.trades_proxy.set_filter(2, group if isinstance(group, str) else None)
        self._show_trade_count()

    def _show_trade_count(self) -> None:
        total = self.models["trades"].rowCount()
        shown = self.trades_proxy.rowCount()
        self.trades_count.setText(f"{fmt_num(shown, 0)} of {fmt_num(total, 0)} trades")

    def _on_episode_row(self, index: QModelIndex) -> None:
        self.charts.zoom_to_episode(index.row())

    # -- sweep ---------------------------------------------------------------------------

    def _on_run_sweep(self) -> None:
        try:
            sizes = parse_sweep(self.sweep_edit.text().strip())
        except ValueError as exc:
            self.sweep_edit.setStyleSheet(INVALID_STYLE.replace("QAbstractSpinBox", "QLineEdit"))
            self.sweep_edit.setToolTip(str(exc))
            self.message.emit(f"Sweep: {exc}")
            return
        self.sweep_edit.setStyleSheet("")
        self.sweep_edit.setToolTip("Hedge units START:STOP:STEP, e.g. 0:4:0.5")
        self.run_sweep(sizes)

    def run_sweep(self, sizes: tuple[float, ...]) -> None:
        self._sweep = tuple(sizes)
        self.request_replay()

    def clear_sweep(self) -> None:
        self._sweep = ()
        self.request_replay()

    def _show_sweep_state(self, has_sweep: bool) -> None:
        self.sweep_empty.setVisible(not has_sweep)
        self.sweep_chart.setVisible(has_sweep)
        self.views["sweep"].setVisible(has_sweep)

    # -- layout --------------------------------------------------------------------------

    @property
    def compact(self) -> bool:
        """True when the charts are the first of the tables' tabs (a short, narrow tab)."""
        return self.tables.indexOf(self.charts) >= 0

    def _set_compact(self, compact: bool) -> None:
        if compact == self.compact:
            return
        if compact:
            self.tables.insertTab(0, self.charts, "Charts")
            self.tables.setCurrentIndex(0)
        else:
            self.tables.removeTab(self.tables.indexOf(self.charts))
            self.splitter.insertWidget(0, self.charts)
            self.charts.show()
            self._splitter_fitted = False
            if self._shown is not None:
                self._fit_splitter()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        size = event.size()
        # Side by side on a wide tab; charts above the tables when it is narrow; on a tab too
        # small for both (1366 x 768 with every panel open) the charts get a tab of their own.
        wide = size.width() >= 1.25 * size.height() and size.width() > 900
        self._set_compact(not wide and size.height() < COMPACT_BELOW_PX)
        orientation = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
        if self.splitter.orientation() != orientation:
            self.splitter.setOrientation(orientation)
            self._splitter_fitted = False
            if self._shown is not None:
                self._fit_splitter()


def _note_text(table: Table) -> str:
    if not table.rows and table.empty_text:
        return table.empty_text
    return table.note


def history_folder_ok(folder: str) -> bool:
    return bool(folder) and Path(folder).is_dir()
