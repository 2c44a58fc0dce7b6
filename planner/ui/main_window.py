"""The main window: payoff chart in the middle, market on the left, legs below, risk right."""

from __future__ import annotations

import datetime as dt
import json
import math
import time
import weakref
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QKeyEvent,
    QKeySequence,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QSlider,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from planner.model.plan import Plan
from planner.ui.chain_import import ChainImporter, ChainInfoLabel
from planner.ui.condor_dialog import CondorDialog
from planner.ui.delegates import PositionEditor
from planner.ui.document import DEFAULT_UNDO_LIMIT, PlanDocument
from planner.ui.file_actions import FileActions
from planner.ui.heatmap_view import HeatMapView
from planner.ui.layers import LayerPanel
from planner.ui.legs_model import MARKET_COLUMNS, LegTableModel
from planner.ui.market_panel import MarketPanel
from planner.ui.payoff_chart import PayoffChart
from planner.ui.plan_info import ROUTES_UNDO_TO_PLAN, PlanInfoPanel
from planner.ui.replay.actions import ReplayActions
from planner.ui.replay.tab import ReplayTab
from planner.ui.risk_panel import RiskPanel
from planner.ui.tables import scroll_area

if TYPE_CHECKING:
    from planner.engine.replay_result import ReplayResult
    from planner.engine.report import Report
    from planner.ui.replay.charts import ReplayCharts

ORGANISATION = "HedgePlanner"
APPLICATION = "Hedge Planner"
STATUS_MESSAGE_MS = 8000
UNDO_LIMIT_KEY = "edit/undo_limit"
# 2: the Layers dock joined the right side (older saved layouts squeezed the right dock).
# 3: side docks run the window's full height; a compact layout below COMPACT_BELOW_PX.
_SETTINGS_VERSION = 3
COMPACT_BELOW_PX = 900
"""A window less high than this starts with Market tabbed beside Risk and Layers on the right,
so the chart has the width of two columns and the Position dock the height for every leg."""
_MIN_SHARE_OF_DEFAULT = 0.6
"""A restored dock smaller than this share of its default size is squeezed: use the default."""
_MIN_CHART_SHARE = 0.35
"""...and so is a restored layout that leaves the chart less than this share of the window."""
_LEG_ROWS_SHOWN = 8
_LAYOUT_SETTLE_MS = 2000
_RECALC_LABEL_INTERVAL_S = 0.25


def app_settings() -> QSettings:
    return QSettings(ORGANISATION, APPLICATION)


class UndoKeyRouter(QObject):
    """Sends Ctrl+Z / Ctrl+Shift+Z (and Ctrl+Y) to the plan's undo stack from a number field.

    A spin box's line edit claims those keys for its own text undo (it accepts the shortcut
    override), so after "VIX 20, Enter" Ctrl+Z undid nothing the trader could see while Edit
    still offered "Undo Set VIX". The plan's history is the one a trader means: here the
    override is refused, and Qt then triggers the window's Undo/Redo actions. The plan's name
    and notes fields (every keystroke already a plan edit) are routed the same way.
    """

    def __init__(self, window: QMainWindow, shortcuts: list[QKeySequence]) -> None:
        # The window only as Qt parent: a Python reference would keep a closed window alive.
        super().__init__(window)
        self._shortcuts = shortcuts

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() != QEvent.Type.ShortcutOverride or not isinstance(watched, QWidget):
            return False
        if not isinstance(event, QKeyEvent) or not self._is_undo_key(event):
            return False
        if not self._in_number_field(watched):
            return False
        # Not accepted: Qt's shortcut map goes on to the Undo/Redo action of the window.
        event.ignore()
        return True

    def _is_undo_key(self, event: QKeyEvent) -> bool:
        pressed = QKeySequence(event.keyCombination())
        return any(
            pressed.matches(shortcut) == QKeySequence.SequenceMatch.ExactMatch
            for shortcut in self._shortcuts
        )

    def _in_number_field(self, widget: QWidget) -> bool:
        window = self.parent()
        field = False
        node: QWidget | None = widget
        while node is not None:
            if isinstance(node, QAbstractSpinBox) or node.property(ROUTES_UNDO_TO_PLAN):
                field = True
            if node is window:
                return field
            node = node.parentWidget()
        return False


class HorizonSlider(QWidget):
    """Days from the valuation date to the chart's middle curve (`plan.view.horizon_days`)."""

    def __init__(self, document: PlanDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("horizonSlider")
        self.slider.setToolTip("Horizon of the middle payoff curve, days from the valuation date")
        self.slider.setPageStep(7)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        # A fixed size that fits the longest label, so the text changing while the slider moves
        # never re-lays out the window (a full repaint on every frame of the drag): a label of
        # fixed width and height asks no layout above it to re-lay out.
        metrics = self.label.fontMetrics()
        self.label.setFixedSize(
            metrics.horizontalAdvance(
                "365 d · 2027-11-20 (half way) · after condor expiry (365 d): hedge only"
            )
            + 8,
            metrics.height() + 4,
        )
        self.auto_button = QPushButton("Half way")
        self.auto_button.setToolTip("Follow the default horizon: half way to the condor's expiry")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(QLabel("Horizon"))
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.label)
        layout.addWidget(self.auto_button)
        self.slider.valueChanged.connect(self._on_value)
        self.slider.sliderReleased.connect(document.seal_merge)
        self.auto_button.clicked.connect(self._on_auto)
        document.plan_changed.connect(self.refresh)
        document.report_ready.connect(self._on_report)
        self.refresh(document.plan)

    @staticmethod
    def last_expiry_days(plan: Plan) -> int:
        days = [(leg.expiry - plan.valuation_date).days for leg in plan.legs]
        return max([1, *days])

    def refresh(self, plan: Plan) -> None:
        self.slider.blockSignals(True)
        self.slider.setRange(0, self.last_expiry_days(plan))
        report = self._document.report
        if plan.view.horizon_days is not None:
            self.slider.setValue(plan.view.horizon_days)
        elif report is not None:
            self.slider.setValue(report.horizon_days)
        self.slider.blockSignals(False)
        self.auto_button.setEnabled(plan.view.horizon_days is not None)
        self._update_label(self.slider.value(), plan)

    def _on_report(self, report: Report) -> None:
        plan = self._document.plan
        if plan.view.horizon_days is None:
            self.slider.blockSignals(True)
            self.slider.setValue(report.horizon_days)
            self.slider.blockSignals(False)
        self._update_label(self.slider.value(), plan)

    def _update_label(self, days: int, plan: Plan) -> None:
        day = plan.valuation_date + dt.timedelta(days=days)
        auto = " (half way)" if plan.view.horizon_days is None else ""
        text = f"{days} d · {day.isoformat()}{auto}"
        report = self._document.report
        # The engine's last curve is the condor's expiry (or the last leg's without a condor):
        # past it the condor has settled and the middle curve is the hedge's time value alone.
        end = report.curves.horizons_days[2] if report is not None else None
        tip = "Horizon of the middle payoff curve, days from the valuation date"
        if end is not None and 0 < end < self.slider.maximum():
            tip += (
                f"\nThe condor expires at {end} d; beyond it (to {self.slider.maximum()} d) only "
                "the later VIX hedge legs are still open."
            )
            if days > end:
                text += f" · after condor expiry ({end} d): hedge only"
            elif days == end:
                text += " · condor expiry"
        self.label.setText(text)
        if self.slider.toolTip() != tip:
            self.slider.setToolTip(tip)

    def step_days(self, days: int) -> None:
        """Move the horizon by `days` (a keyboard step: one undo step per press)."""
        self._document.seal_merge()
        self.slider.setValue(self.slider.value() + days)
        self._document.seal_merge()

    def _on_value(self, days: int) -> None:
        plan = self._document.plan
        new_plan = plan.with_changes(view=plan.view.with_changes(horizon_days=days))
        self._document.push_plan(new_plan, f"Horizon {days} d", merge_key="view.horizon_days")

    def _on_auto(self) -> None:
        plan = self._document.plan
        new_plan = plan.with_changes(view=plan.view.with_changes(horizon_days=None))
        self._document.seal_merge()
        self._document.push_plan(new_plan, "Horizon half way")


class MainWindow(QMainWindow):
    def __init__(
        self,
        document: PlanDocument,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self._settings = settings if settings is not None else app_settings()
        self._apply_undo_limit()
        self.setObjectName("HedgePlannerMainWindow")
        self.setDockNestingEnabled(True)

        # Centre: the payoff chart (the main thing on screen) and the heat map, under the
        # horizon slider that both follow.
        self.payoff_chart = PayoffChart()
        self.heatmap_view = HeatMapView()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("chartTabs")
        self.tabs.addTab(self.payoff_chart, "Payoff")
        self.tabs.addTab(self.heatmap_view, "Heat map")
        self.replay_tab = ReplayTab(document)
        self.tabs.addTab(self.replay_tab, "Replay")
        # The payoff chart's toggles sit in the tab bar's empty corner, not in a row of their
        # own above the plot: on a 768-pixel screen every row of pixels is the chart's.
        self.tabs.setCornerWidget(self.payoff_chart.toolbar, Qt.Corner.TopRightCorner)
        self.horizon = HorizonSlider(document)
        self.horizon.slider.sliderPressed.connect(lambda: self.payoff_chart.hold_view(True))
        self.horizon.slider.sliderReleased.connect(lambda: self.payoff_chart.hold_view(False))
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.addWidget(self.tabs, 1)
        centre_layout.addWidget(self.horizon)
        self.setCentralWidget(centre)

        self.market_panel = MarketPanel(document)
        # The imported option chain's line (file, quote time, SPX, stale flag) heads the panel.
        self.chain_info = ChainInfoLabel(document)
        market_layout = self.market_panel.layout()
        if isinstance(market_layout, QVBoxLayout):
            market_layout.insertWidget(0, self.chain_info)
        self.plan_info = PlanInfoPanel(document)
        market_content = QWidget()
        market_column = QVBoxLayout(market_content)
        market_column.setContentsMargins(9, 6, 0, 0)
        market_column.addWidget(self.plan_info)
        market_column.addWidget(self.market_panel, 1)
        # Scrolls up and down rather than holding the window's height (and so the chart's)
        # at the panel's full height on a 768-pixel screen.
        market_scroll = scroll_area(market_content, sideways=False)
        self.market_dock = self._dock(
            "Market", "marketDock", market_scroll, Qt.DockWidgetArea.LeftDockWidgetArea
        )
        self.legs_model = LegTableModel(document, self)
        self.position_editor = PositionEditor(self.legs_model)
        self.position_dock = self._dock(
            "Position",
            "positionDock",
            self.position_editor,
            Qt.DockWidgetArea.BottomDockWidgetArea,
        )
        self.risk_panel = RiskPanel(settings=self._settings)
        self.risk_dock = self._dock(
            "Risk", "riskDock", self.risk_panel, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.layer_panel = LayerPanel(document)
        self.layer_dock = self._dock(
            "Layers", "layerDock", self.layer_panel, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.tabifyDockWidget(self.risk_dock, self.layer_dock)
        self.layer_dock.visibilityChanged.connect(self._on_layer_dock_shown)
        self.risk_dock.raise_()
        # Market and Risk run the window's full height (the Risk dock's stress table was cut
        # at 1920x1080); the Position dock sits under the chart, which is wide enough for it.
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        # Leg columns fit their contents; no numeric column is stretched across the screen.
        self.position_editor.table.horizontalHeader().setStretchLastSection(False)

        self.recalc_label = QLabel("recalc — ms")
        self.recalc_label.setObjectName("recalcLabel")
        # A fixed size that fits any figure: a label growing by a digit re-laid out (and
        # repainted) the whole window on every frame of a drag, and one of a size that may
        # change asks the window's layout to run again on each new text.
        metrics = self.recalc_label.fontMetrics()
        self.recalc_label.setFixedSize(
            max(metrics.horizontalAdvance(t) for t in ("recalc 9999.9 ms", "recalculating…")) + 8,
            metrics.height() + 2,
        )
        self.statusBar().addPermanentWidget(self.recalc_label)
        self._latest_recalc_ms = 0.0
        self._recalc_shown_at = -math.inf
        self._recalc_label_timer = QTimer(self)
        self._recalc_label_timer.setSingleShot(True)
        self._recalc_label_timer.setInterval(round(1000 * _RECALC_LABEL_INTERVAL_S))
        self._recalc_label_timer.timeout.connect(self._show_recalc_ms)

        self._build_menus()

        document.report_ready.connect(self._on_report)
        document.recompute_ms.connect(self._on_recompute_ms)
        document.busy_changed.connect(self._on_busy)
        document.evaluation_failed.connect(self.show_message)
        document.plan_changed.connect(self._update_title)
        document.modified_changed.connect(self.setWindowModified)
        self.legs_model.rejected.connect(self.show_message)
        self.legs_model.entry_reset.connect(self.show_message)
        self.market_panel.rejected.connect(self.show_message)
        self.plan_info.rejected.connect(self.show_message)
        self.layer_panel.rejected.connect(self.show_message)
        self.position_editor.new_condor_requested.connect(self.open_condor_dialog)
        self.payoff_chart.curve_visibility_changed.connect(self._save_chart_toggles)
        self._date_curves_key: object = None
        self.payoff_chart.extra_days_changed.connect(self._refresh_date_curves)

        self._update_title(document.plan)
        self.setWindowModified(document.modified)
        if document.report is not None:
            self._on_report(document.report)
        self._history_restored = False
        self._state_restored = False
        self._restored_layout_checked = False
        self._default_layout_done = False
        self._layout_follows_size = False
        self.restore_settings()
        if document.report is not None:
            self._refresh_date_curves()

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        file_menu.addAction(self.quit_action)
        # New/Open/Save…, printing and export live in FileActions (file_actions.py).
        self.file_actions = FileActions(self, self.document, self.payoff_chart, self._settings)
        self.file_actions.message.connect(self.show_message)
        self.file_actions.populate_menu(file_menu, before=self.quit_action)
        self.replay_actions = ReplayActions(self, self.replay_tab, self._settings)
        self.replay_actions.message.connect(self.show_message)
        self.replay_tab.message.connect(self.show_message)
        # File > Export > Replay CSV, beside the snapshot formats (issue #11).
        self.file_actions.export_menu.addSeparator()
        self.file_actions.export_menu.addMenu(self.replay_actions.export_menu)
        file_menu.insertAction(self.quit_action, self.replay_actions.load_history_action)
        file_menu.insertSeparator(self.quit_action)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        # Through a weak reference: the file actions must not keep a closed window alive.
        window = weakref.ref(self)
        self.file_actions.replay_page = lambda: _replay_page_of(window)
        self.chain_importer = ChainImporter(self.document, self)
        self.chain_importer.message.connect(self.show_message)
        import_menu = QMenu("&Import", self)
        self.import_chain_action = import_menu.addAction("&Option chain…")
        self.import_chain_action.setToolTip(
            "A Cboe delayed-quote SPX chain (CSV): market mid and IV beside the model"
        )
        self.import_chain_action.triggered.connect(self.chain_importer.import_dialog)
        # Beside File > Load History...: both bring market data in next to the plan.
        file_menu.insertMenu(self.replay_actions.load_history_action, import_menu)

        edit_menu = self.menuBar().addMenu("&Edit")
        stack = self.document.undo_stack
        self.undo_action = stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcuts([QKeySequence("Ctrl+Z")])
        self.redo_action = stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        app = QApplication.instance()
        self._undo_router = UndoKeyRouter(
            self, [*self.undo_action.shortcuts(), *self.redo_action.shortcuts()]
        )
        if app is not None:
            app.installEventFilter(self._undo_router)
        edit_menu.addSeparator()
        self.add_leg_action = edit_menu.addAction("&Add leg")
        self.add_leg_action.triggered.connect(self.position_editor.add_leg)
        self.duplicate_leg_action = edit_menu.addAction("D&uplicate leg(s)")
        self.duplicate_leg_action.triggered.connect(self.position_editor.duplicate_selected)
        self.delete_leg_action = edit_menu.addAction("&Delete leg(s)")
        self.delete_leg_action.triggered.connect(self.position_editor.delete_selected)
        edit_menu.addSeparator()
        self.market_mid_action = edit_menu.addAction("Set entry prices to market &mid")
        self.market_mid_action.setToolTip(
            "Every SPX leg's entry price to the imported chain's mid (one undo step)"
        )
        self.market_mid_action.triggered.connect(self.chain_importer.set_entry_prices_to_mid)
        self.chain_smile_action = edit_menu.addAction("Price SPX legs at the chain's &smile")
        self.chain_smile_action.setToolTip(
            "Every SPX leg without its own IV gets the imported chain's fitted smile at its "
            "strike as its IV (one undo step)"
        )
        self.chain_smile_action.triggered.connect(self.chain_importer.price_at_chain_smile)
        self.document.chain_changed.connect(self._on_chain)
        self._on_chain(self.document.chain)
        self.condor_action = edit_menu.addAction("New iron &condor…")
        self.condor_action.triggered.connect(self.open_condor_dialog)

        self.add_leg_action.setShortcut(QKeySequence("Ctrl+Shift+A"))
        self.condor_action.setShortcut(QKeySequence("Ctrl+Shift+N"))

        view_menu = self.menuBar().addMenu("&View")
        self.payoff_tab_action = view_menu.addAction("&Payoff chart")
        self.payoff_tab_action.setShortcut(QKeySequence("Ctrl+1"))
        self.payoff_tab_action.triggered.connect(lambda: self.tabs.setCurrentIndex(0))
        self.heatmap_tab_action = view_menu.addAction("&Heat map")
        self.heatmap_tab_action.setShortcut(QKeySequence("Ctrl+2"))
        self.heatmap_tab_action.triggered.connect(lambda: self.tabs.setCurrentIndex(1))
        self.replay_tab_action = view_menu.addAction("&Replay")
        self.replay_tab_action.setShortcut(QKeySequence("Ctrl+3"))
        self.replay_tab_action.triggered.connect(lambda: self.tabs.setCurrentIndex(2))
        view_menu.addSeparator()
        dock_keys = {
            self.market_dock: "Ctrl+Shift+M",
            self.position_dock: "Ctrl+Shift+P",
            self.risk_dock: "Ctrl+Shift+R",
            self.layer_dock: "Ctrl+Shift+L",
        }
        for dock, key in dock_keys.items():
            toggle = dock.toggleViewAction()
            toggle.setShortcut(QKeySequence(key))
            view_menu.addAction(toggle)
        self.chart_only_action = view_menu.addAction("&Chart only (hide the panels)")
        self.chart_only_action.setCheckable(True)
        self.chart_only_action.setShortcut(QKeySequence("Ctrl+Shift+F"))
        self.chart_only_action.toggled.connect(self.set_chart_only)
        self._hidden_for_chart: list[QDockWidget] = []

        chart_menu = self.menuBar().addMenu("&Chart")
        steps = (
            ("Horizon &back 1 day", "Ctrl+[", lambda: self.horizon.step_days(-1)),
            ("Horizon &forward 1 day", "Ctrl+]", lambda: self.horizon.step_days(1)),
            ("Horizon back 1 &week", "Ctrl+Shift+[", lambda: self.horizon.step_days(-7)),
            ("Horizon forward 1 w&eek", "Ctrl+Shift+]", lambda: self.horizon.step_days(7)),
            ("Marker &left 0.5 %", "Alt+Left", lambda: self.payoff_chart.step_preview_pct(-0.5)),
            ("Marker &right 0.5 %", "Alt+Right", lambda: self.payoff_chart.step_preview_pct(0.5)),
            ("Marker to &spot", "Alt+Home", self.payoff_chart.preview_to_spot),
            ("Reset chart &view", "Ctrl+0", self.payoff_chart.reset_view),
        )
        self.chart_actions: list[QAction] = []
        for i, (text, key, slot) in enumerate(steps):
            if i in (4, 7):
                chart_menu.addSeparator()
            action = chart_menu.addAction(text)
            action.setShortcut(QKeySequence(key))
            action.triggered.connect(slot)
            self.chart_actions.append(action)

    def set_chart_only(self, on: bool) -> None:
        """Hide every panel so the chart takes the window (again: put back those hidden)."""
        docks = (self.market_dock, self.position_dock, self.risk_dock, self.layer_dock)
        if on:
            self._hidden_for_chart = [d for d in docks if d.isVisible()]
            for dock in self._hidden_for_chart:
                dock.hide()
        else:
            for dock in self._hidden_for_chart:
                dock.show()
            self._hidden_for_chart = []
        if self.chart_only_action.isChecked() != on:
            self.chart_only_action.setChecked(on)

    # -- document → window ---------------------------------------------------------------

    def _on_report(self, report: Report) -> None:
        # Here, not at the top: the engine loads with the first report, not at start-up.
        from planner.engine.expected_move import expected_move

        self.payoff_chart.set_report(report)
        self.payoff_chart.set_expected_move(
            expected_move(self.document.plan, report.curves.horizons_days[1])
        )
        self._refresh_date_curves()
        # Behind its tab the heat map skips the frames of a drag; shown, it takes the latest.
        if self.tabs.currentWidget() is self.heatmap_view or self.heatmap_view.report is None:
            self.heatmap_view.set_report(report)
        self.risk_panel.set_report(report)
        if report.warnings:
            self.show_message(report.warnings[0])

    def _replay_page(self) -> tuple[ReplayResult | None, ReplayCharts | None]:
        """The replay on screen, for the snapshot's replay page (none without history)."""
        result = self.replay_tab.shown_result
        return (result, self.replay_tab.charts) if result is not None else (None, None)

    def _on_tab_changed(self, index: int) -> None:
        # The horizon belongs to the payoff chart and heat map, not to the replay.
        self.horizon.setVisible(self.tabs.widget(index) is not self.replay_tab)
        self.payoff_chart.toolbar.setVisible(self.tabs.widget(index) is self.payoff_chart)
        report = self.document.report
        heat_map = self.heatmap_view
        if (
            self.tabs.widget(index) is heat_map
            and report is not None
            and heat_map.report is not report
        ):
            heat_map.set_report(report)
        # The history folder of the last session is read when the Replay tab is first shown.
        if self.tabs.widget(index) is self.replay_tab and not self._history_restored:
            self._history_restored = True
            if self.replay_tab.history is None:
                self.replay_actions.restore()

    def _refresh_date_curves(self, _days: object = None) -> None:
        """The chart's T+n curves for the current plan (kept while only the horizon moves)."""
        from planner.engine.date_curves import date_curves

        days = self.payoff_chart.extra_days()
        plan = self.document.plan
        # The horizon does not change the T+n curves: a drag of the slider reuses them. The key
        # is only compared, never used as a plan, so it is not re-validated (that cost ~1 ms a
        # frame of the drag).
        key = (
            tuple(item for item in plan if item[0] != "view"),
            plan.view.model_copy(update={"horizon_days": None}),
            days,
        )
        if key == self._date_curves_key:
            return
        self._date_curves_key = key
        try:
            curves = date_curves(plan, days) if days else None
        except (ValueError, ArithmeticError) as exc:
            self.show_message(f"T+n curves: {exc}")
            curves = None
        self.payoff_chart.set_date_curves(curves)
        self._settings.setValue("chart/extra_days", ", ".join(str(d) for d in days))

    def _on_layer_dock_shown(self, shown: bool) -> None:
        if shown:
            # After the tab switch has laid the panel out (its visible region is set then).
            QTimer.singleShot(0, self.layer_panel, self.layer_panel.catch_up)

    def _on_recompute_ms(self, elapsed_ms: float) -> None:
        # At most a few times a second: repainting the status bar on every frame of a drag
        # merged with the chart's region into a repaint of the whole window.
        self._latest_recalc_ms = elapsed_ms
        now = time.monotonic()
        if now - self._recalc_shown_at >= _RECALC_LABEL_INTERVAL_S:
            self._show_recalc_ms()
        elif not self._recalc_label_timer.isActive():
            self._recalc_label_timer.start()

    def _on_busy(self, busy: bool) -> None:
        """A large plan recalculates on a worker thread: say so until its report is in."""
        if busy:
            self.recalc_label.setText("recalculating…")
        else:
            self._show_recalc_ms()

    def _show_recalc_ms(self) -> None:
        self._recalc_shown_at = time.monotonic()
        self.recalc_label.setText(f"recalc {self._latest_recalc_ms:.1f} ms")

    def _update_title(self, plan: Plan) -> None:
        self.setWindowTitle(f"{plan.name}[*] — Hedge Planner")

    def show_message(self, message: str) -> None:
        self.statusBar().showMessage(message, STATUS_MESSAGE_MS)

    def open_condor_dialog(self) -> CondorDialog:
        dialog = CondorDialog(self.document, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    # -- settings ------------------------------------------------------------------------

    def _apply_undo_limit(self) -> None:
        """Setting `edit/undo_limit` (default 500 steps, 0 = unlimited): Qt applies a limit
        only to an empty stack, so it takes effect for a freshly opened document."""
        value: object = self._settings.value(UNDO_LIMIT_KEY, DEFAULT_UNDO_LIMIT)
        try:
            limit = max(0, int(str(value)))
        except ValueError:
            limit = DEFAULT_UNDO_LIMIT
        stack = self.document.undo_stack
        if stack.count() == 0 and stack.undoLimit() != limit:
            stack.setUndoLimit(limit)

    def restore_settings(self) -> None:
        s = self._settings
        if s.value("window/version", 0, int) != _SETTINGS_VERSION:
            return
        # Dock sizes saved on another screen size do not fit this one: the default layout
        # for this screen instead (the panels' contents and chart toggles are still restored).
        if s.value("window/screen", "", str) == self._screen_key():
            geometry = s.value("window/geometry")
            if isinstance(geometry, QByteArray):
                self.restoreGeometry(geometry)
            state = s.value("window/state")
            if isinstance(state, QByteArray):
                self._state_restored = self.restoreState(state, _SETTINGS_VERSION)
        tab = s.value("window/tab", 0, int)
        self.tabs.setCurrentIndex(tab if isinstance(tab, int) else 0)
        toggles = s.value("chart/curves", "", str)
        toggles = toggles if isinstance(toggles, str) else ""
        try:
            visibility = json.loads(toggles) if toggles else {}
        except json.JSONDecodeError:
            visibility = {}
        if isinstance(visibility, dict):
            self.payoff_chart.set_curve_visibility(visibility)
        extra = s.value("chart/extra_days", "", str)
        self.payoff_chart.set_extra_days_text(extra if isinstance(extra, str) else "")

    def _screen_key(self) -> str:
        """The screen's usable size, "1366x728": saved with the layout it was made for."""
        screen = self.screen()
        size = screen.availableGeometry().size() if screen is not None else None
        return f"{size.width()}x{size.height()}" if size is not None else ""

    def is_compact(self) -> bool:
        return self.height() < COMPACT_BELOW_PX

    def default_dock_sizes(self) -> dict[QDockWidget, int]:
        """Default dock sizes for this window's size: Market ~300 px and Risk ~460 px wide at
        1920x1080, less on a small screen so the chart keeps most of the window; the Position
        dock high enough for every leg (up to eight) without scrolling."""
        width, height = self.width(), self.height()
        market = max(275, min(300, round(0.16 * width)))
        risk = max(380, min(460, round(0.24 * width)))
        if self.is_compact():
            # One column on the right holds Market, Risk and Layers: as wide as Risk needs.
            market = risk = max(380, min(460, round(0.28 * width)))
        return {
            self.market_dock: market,
            self.risk_dock: risk,
            self.layer_dock: risk,
            self.position_dock: min(self._position_height_for_legs(), round(0.42 * height)),
        }

    def _position_height_for_legs(self) -> int:
        """The Position dock's height that shows every leg (up to eight) and the totals."""
        table = self.position_editor.table
        legs = max(3, min(_LEG_ROWS_SHOWN, len(self.document.plan.legs)))
        rows_px = legs * table.verticalHeader().defaultSectionSize()
        # Everything but the rows (title bar, header, totals, margins), as laid out now.
        around_px = self.position_dock.height() - table.viewport().height()
        if not self.position_dock.isVisible() or around_px <= 0:
            around_px = 4 * table.verticalHeader().defaultSectionSize()
        return around_px + rows_px + 2

    def arrange_default_docks(self) -> None:
        """Every dock in its default place for this window's size (shown, not floating).

        Compact (below COMPACT_BELOW_PX): Market tabbed with Risk and Layers on the right,
        Risk in front. Otherwise Market on the left."""
        market_tabbed = self.market_dock in self.tabifiedDockWidgets(self.risk_dock)
        places = {
            self.position_dock: Qt.DockWidgetArea.BottomDockWidgetArea,
            self.risk_dock: Qt.DockWidgetArea.RightDockWidgetArea,
            self.layer_dock: Qt.DockWidgetArea.RightDockWidgetArea,
        }
        for dock, area in places.items():
            if dock.isFloating() or self.dockWidgetArea(dock) != area:
                dock.setFloating(False)
                self.addDockWidget(area, dock)
        if self.layer_dock not in self.tabifiedDockWidgets(self.risk_dock):
            self.tabifyDockWidget(self.risk_dock, self.layer_dock)
        if self.is_compact() and not market_tabbed:
            self.market_dock.setFloating(False)
            self.tabifyDockWidget(self.layer_dock, self.market_dock)
            self.risk_dock.raise_()
        elif not self.is_compact() and (
            market_tabbed
            or self.market_dock.isFloating()
            or self.dockWidgetArea(self.market_dock) != Qt.DockWidgetArea.LeftDockWidgetArea
        ):
            self.market_dock.setFloating(False)
            self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.market_dock)
            self.risk_dock.raise_()
        for dock in (self.market_dock, self.position_dock, self.risk_dock, self.layer_dock):
            if dock.isHidden() and not self.chart_only_action.isChecked():
                dock.show()

    def apply_default_layout(self) -> None:
        self.arrange_default_docks()
        sizes = self.default_dock_sizes()
        sideways = [self.risk_dock] if self.is_compact() else [self.market_dock, self.risk_dock]
        self.resizeDocks(sideways, [sizes[d] for d in sideways], Qt.Orientation.Horizontal)
        self.resizeDocks([self.position_dock], [sizes[self.position_dock]], Qt.Orientation.Vertical)

    def squeezed_docks(self) -> list[QDockWidget]:
        """Docks (shown, docked) smaller than a sensible share of their default size, and the
        chart's tabs if the docks leave the chart too little of the window."""
        sizes = self.default_dock_sizes()
        squeezed: list[QDockWidget] = []
        for dock, default_px in sizes.items():
            if dock.isHidden() or dock.isFloating() or dock.visibleRegion().isEmpty():
                continue
            bottom = self.dockWidgetArea(dock) == Qt.DockWidgetArea.BottomDockWidgetArea
            size_px = dock.height() if bottom else dock.width()
            if size_px < _MIN_SHARE_OF_DEFAULT * default_px:
                squeezed.append(dock)
        return squeezed

    def chart_is_squeezed(self) -> bool:
        chart = self.tabs
        return (
            chart.width() < _MIN_CHART_SHARE * self.width()
            or chart.height() < _MIN_CHART_SHARE * self.height()
        )

    def check_restored_layout(self) -> bool:
        """After a restored layout is on screen: back to the default layout if it squeezed a
        dock or the chart (a layout saved while the window was small, say). True if kept."""
        self._restored_layout_checked = True
        if not self.squeezed_docks() and not self.chart_is_squeezed():
            return True
        self._start_default_layout()
        return False

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        window = weakref.ref(self)
        if self._state_restored and not self._restored_layout_checked:
            self._restored_layout_checked = True
            # Once the restored layout has been laid out (sizes are known only then).
            QTimer.singleShot(0, self, lambda: _check_restored_layout(window))
        elif not self._state_restored and not self._default_layout_done:
            self._start_default_layout()

    def _start_default_layout(self) -> None:
        self._default_layout_done = True
        # A window manager maximises the window some time after it is shown: until then
        # (or for a couple of seconds) the default dock sizes follow the window's size.
        self._layout_follows_size = True
        self._schedule_default_layout()
        window = weakref.ref(self)
        QTimer.singleShot(_LAYOUT_SETTLE_MS, self, lambda: _stop_following(window))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self._layout_follows_size:
            self._schedule_default_layout()
            available = self.screen().availableGeometry()
            if event.size().width() >= 0.9 * available.width():
                self._layout_follows_size = False

    def _schedule_default_layout(self) -> None:
        # A weak reference, so a pending timer does not keep a closed window's wrapper alive.
        window = weakref.ref(self)
        QTimer.singleShot(0, self, lambda: _apply_default_layout(window))

    def save_settings(self) -> None:
        s = self._settings
        s.setValue("window/version", _SETTINGS_VERSION)
        s.setValue("window/screen", self._screen_key())
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState(_SETTINGS_VERSION))
        s.setValue("window/tab", self.tabs.currentIndex())
        self._save_chart_toggles()
        s.sync()

    def _save_chart_toggles(self, _visibility: object = None) -> None:
        self._settings.setValue("chart/curves", json.dumps(self.payoff_chart.curve_visibility()))

    def _on_chain(self, chain: object) -> None:
        loaded = chain is not None
        self.market_mid_action.setEnabled(loaded)
        self.chain_smile_action.setEnabled(loaded)
        for column in MARKET_COLUMNS:
            self.position_editor.table.setColumnHidden(column, not loaded)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if not self.file_actions.maybe_save():
            event.ignore()
            return
        self.chain_importer.shutdown()
        self.file_actions.shutdown()
        self.replay_actions.shutdown()
        self.replay_tab.shutdown()
        self.save_settings()
        self.document.close()
        super().closeEvent(event)


def _replay_page_of(
    window: weakref.ref[MainWindow],
) -> tuple[ReplayResult | None, ReplayCharts | None]:
    alive = window()
    return alive._replay_page() if alive is not None else (None, None)


def _apply_default_layout(window: weakref.ref[MainWindow]) -> None:
    alive = window()
    if alive is not None:
        alive.apply_default_layout()


def _check_restored_layout(window: weakref.ref[MainWindow]) -> None:
    alive = window()
    if alive is not None:
        alive.check_restored_layout()


def _stop_following(window: weakref.ref[MainWindow]) -> None:
    alive = window()
    if alive is not None:
        alive._layout_follows_size = False


def top_level_windows() -> list[QWidget]:
    """Visible top-level widgets (used by the leak test and `app.run_gui`)."""
    return [w for w in QApplication.topLevelWidgets() if w.isVisible()]
