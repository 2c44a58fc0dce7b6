"""Main window: docks and views fed by the document, undo menu, horizon slider, settings."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QDockWidget
from pytestqt.qtbot import QtBot

from planner.model.plan import Plan
from planner.ui.document import PlanDocument
from planner.ui.main_window import MainWindow, top_level_windows
from planner.ui.theme import CurveKey

from .conftest import (
    CountingEvaluator,
    close_and_delete,
    reopened_window,
    settle,
    shown_window,
)


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot: QtBot, document: PlanDocument, settings: QSettings) -> Iterator[MainWindow]:
    win = reopened_window(qtbot, document, settings)
    yield win
    close_and_delete(win)


def test_layout_and_first_report(window: MainWindow, document: PlanDocument) -> None:
    assert window.tabs.widget(0) is window.payoff_chart
    assert window.tabs.widget(1) is window.heatmap_view
    areas = {
        window.market_dock: Qt.DockWidgetArea.LeftDockWidgetArea,
        window.position_dock: Qt.DockWidgetArea.BottomDockWidgetArea,
        window.risk_dock: Qt.DockWidgetArea.RightDockWidgetArea,
    }
    for dock, area in areas.items():
        assert isinstance(dock, QDockWidget)
        assert window.dockWidgetArea(dock) == area
    assert window.payoff_chart.report is document.report
    assert window.heatmap_view.report is document.report
    assert window.windowTitle() == "Test condor + ALVH[*] — Hedge Planner"
    assert not window.isWindowModified()
    assert window.recalc_label.text() == "recalc — ms"  # first report came before the window


def test_edit_updates_views_title_and_recalc_label(
    qtbot: QtBot, window: MainWindow, document: PlanDocument, evaluator: CountingEvaluator
) -> None:
    calls = evaluator.calls
    window.market_panel.spin_boxes["market.spx"].setValue(7300.0)
    assert window.isWindowModified()
    settle(qtbot, document)
    assert evaluator.calls == calls + 1
    assert window.payoff_chart.report is document.report
    assert document.report is not None and document.report.spx == 7300.0
    assert window.recalc_label.text().startswith("recalc ")
    assert window.recalc_label.text().endswith(" ms")
    assert float(window.recalc_label.text().split()[1]) > 0
    assert window.undo_action.text() == "&Undo Set SPX"
    window.undo_action.trigger()
    assert not window.isWindowModified()
    assert window.redo_action.text() == "&Redo Set SPX"
    window.redo_action.trigger()
    assert document.plan.market.spx == 7300.0


def test_undo_redo_shortcuts(window: MainWindow) -> None:
    assert QKeySequence("Ctrl+Z") in window.undo_action.shortcuts()
    assert QKeySequence("Ctrl+Shift+Z") in window.redo_action.shortcuts()


def test_undo_keys_reach_the_plan_from_a_market_spin_box(
    qtbot: QtBot, window: MainWindow, document: PlanDocument, plan: Plan
) -> None:
    """#13.3: VIX 20, Enter, Ctrl+Z with the focus still in the spin box undoes the plan edit
    (the spin box's own text undo must not swallow the keys); Ctrl+Shift+Z redoes it."""
    window.activateWindow()
    qtbot.waitActive(window)
    spin = window.market_panel.spin_boxes["market.vix"]
    spin.setFocus()
    qtbot.waitUntil(spin.hasFocus)
    spin.selectAll()
    qtbot.keyClicks(spin, "20")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert document.plan.market.vix == 20.0
    assert document.undo_stack.undoText().startswith("Set VIX")
    focused = QApplication.focusWidget()
    assert focused is not None and (focused is spin or spin.isAncestorOf(focused))
    qtbot.keyClick(focused, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert document.plan.market.vix == plan.market.vix
    assert spin.value() == pytest.approx(plan.market.vix)
    qtbot.keyClick(
        focused,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert document.plan.market.vix == 20.0
    assert spin.value() == pytest.approx(20.0)
    # Qt keeps the last key event's modifiers as the application's state: a plain key here, or
    # Shift stays "held" for the next test (a selectRow there would extend a selection).
    qtbot.keyClick(focused, Qt.Key.Key_Escape)
    assert QApplication.keyboardModifiers() == Qt.KeyboardModifier.NoModifier


def test_horizon_past_the_condor_expiry_says_hedge_only(
    qtbot: QtBot, window: MainWindow, document: PlanDocument
) -> None:
    """#13.6: the slider runs on to the last hedge leg; what lies past the condor's expiry is
    labelled, and the expiry itself is named."""
    assert document.report is not None
    end = document.report.curves.horizons_days[2]
    slider = window.horizon.slider
    assert end < slider.maximum()
    assert f"condor expires at {end} d" in slider.toolTip()
    slider.setValue(end + 10)
    settle(qtbot, document)
    assert "after condor expiry" in window.horizon.label.text()
    assert "hedge only" in window.horizon.label.text()
    slider.setValue(end)
    settle(qtbot, document)
    assert window.horizon.label.text().endswith("condor expiry")
    slider.setValue(end - 1)
    settle(qtbot, document)
    assert "condor expiry" not in window.horizon.label.text()


def test_rejected_edits_reach_the_status_bar(window: MainWindow, plan: Plan) -> None:
    model = window.legs_model
    assert not model.setData(model.index(0, 3), 0)
    assert "quantity" in window.statusBar().currentMessage()
    window.market_panel.spin_boxes["market.spx"].setValue(0.0)
    assert "SPX" in window.statusBar().currentMessage()
    assert window.document.plan == plan


def test_horizon_drag_is_one_undo_step_and_coalesces(
    qtbot: QtBot, window: MainWindow, document: PlanDocument, evaluator: CountingEvaluator
) -> None:
    slider = window.horizon.slider
    assert slider.maximum() == max(
        (leg.expiry - document.plan.valuation_date).days for leg in document.plan.legs
    )
    assert document.report is not None
    assert slider.value() == document.report.horizon_days  # "half way" default
    calls = evaluator.calls
    slider.setSliderDown(True)
    for days in range(5, 21):  # sixteen moves within one event-loop turn
        slider.setValue(days)
    settle(qtbot, document)
    assert evaluator.calls == calls + 1
    for days in range(21, 31):  # then one move per turn
        slider.setValue(days)
        settle(qtbot, document)
    assert evaluator.calls == calls + 11
    slider.setSliderDown(False)  # emits sliderReleased: the drag is one step
    assert document.plan.view.horizon_days == 30
    settle(qtbot, document)
    assert document.report is not None and document.report.horizon_days == 30
    assert document.undo_stack.count() == 1
    slider.setValue(10)
    assert document.undo_stack.count() == 2
    document.undo_stack.undo()
    document.undo_stack.undo()
    assert document.plan.view.horizon_days is None
    window.horizon.slider.setValue(12)
    window.horizon.auto_button.click()
    assert document.plan.view.horizon_days is None


def test_condor_dialog_opens_from_the_position_editor(
    qtbot: QtBot, window: MainWindow, document: PlanDocument
) -> None:
    window.position_editor.condor_button.click()
    dialogs = [w for w in QApplication.topLevelWidgets() if w.windowTitle() == "New iron condor"]
    assert len(dialogs) == 1 and dialogs[0].isVisible()
    dialogs[0].accept()
    assert document.undo_stack.undoText().startswith("New iron condor")


def test_settings_round_trip(qtbot: QtBot, document: PlanDocument, settings: QSettings) -> None:
    first = MainWindow(document, settings)
    qtbot.addWidget(first)
    first.show()
    first.tabs.setCurrentIndex(1)
    first.risk_dock.hide()
    visibility = first.payoff_chart.curve_visibility()
    hidden_key = next(iter(visibility))
    first.payoff_chart.set_curve_visibility({hidden_key: False})
    close_and_delete(first)
    assert settings.value("window/tab", type=int) == 1
    second = MainWindow(document, settings)
    qtbot.addWidget(second)
    second.show()
    assert second.tabs.currentIndex() == 1
    assert second.risk_dock.isHidden()
    assert second.payoff_chart.curve_visibility()[hidden_key] is False
    close_and_delete(second)


def test_window_closes_without_leaks(qtbot: QtBot, plan: Plan, settings: QSettings) -> None:
    doc = PlanDocument(plan, CountingEvaluator())
    win = MainWindow(doc, settings)
    win.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    win.show()
    qtbot.waitUntil(lambda: doc.report is not None)
    win.market_panel.spin_boxes["market.vix"].setValue(17.0)  # leaves a recalculation pending
    assert doc.recalc_pending
    destroyed: list[bool] = []
    win.destroyed.connect(lambda: destroyed.append(True))
    assert win.close()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()
    assert destroyed == [True]
    assert not doc.recalc_pending
    assert top_level_windows() == []
    doc.deleteLater()


def test_start_up_does_not_import_pandas() -> None:
    code = (
        "import sys; import planner.ui.app, planner.ui.main_window; "
        "sys.exit(1 if 'pandas' in sys.modules else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_run_gui_opens_a_plan_file_maximised(qtbot: QtBot, tmp_path: Path, plan: Plan) -> None:
    from planner.model.planfile import save_plan
    from planner.ui.app import run_gui

    path = tmp_path / "test.hplan"
    save_plan(plan, path)
    seen: list[MainWindow] = []

    def close_it() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        seen.extend(windows)
        for w in windows:
            assert w.isMaximized()
            w.close()

    QTimer.singleShot(300, close_it)
    assert run_gui(str(path)) == 0
    assert len(seen) == 1
    assert seen[0].document.plan == plan


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_risk_figures_fit_the_dock_without_sideways_scrolling(
    qtbot: QtBot, document: PlanDocument, settings: QSettings, size: tuple[int, int]
) -> None:
    """#13.7/8: totals, net stress P&L and loss cut readable at 1366x768 without scrolling
    sideways; the chart keeps most of the window."""
    win = shown_window(qtbot, document, settings, size)
    panel = win.risk_panel
    for view in panel.views:
        assert view.horizontalScrollBar().maximum() == 0, view.model()
    # Greeks run down the side: the Total column is whole, not elided.
    greeks = panel.greeks_view
    total = greeks.model().columnCount() - 1
    assert greeks.model().headerData(total, Qt.Orientation.Horizontal) == "Total"
    assert greeks.columnWidth(total) >= greeks.sizeHintForColumn(total)
    stress = panel.stress_view
    shown = [c for c in range(stress.model().columnCount()) if not stress.isColumnHidden(c)]
    headers = [stress.model().headerData(c, Qt.Orientation.Horizontal) for c in shown]
    assert headers == ["Condor", "Hedge", "Net", "Loss cut"]
    for column in shown:
        assert stress.columnWidth(column) >= stress.sizeHintForColumn(column)
    chart = win.payoff_chart.plot_widget
    assert chart.width() >= 0.5 * size[0]
    close_and_delete(win)


def test_shortcuts_are_in_the_menus_and_work(
    qtbot: QtBot, window: MainWindow, document: PlanDocument
) -> None:
    """#13.16: add leg, new condor, tabs, panels, horizon and marker steps have shortcuts."""
    for action in (
        window.add_leg_action,
        window.condor_action,
        window.payoff_tab_action,
        window.heatmap_tab_action,
        window.chart_only_action,
        *window.chart_actions,
    ):
        assert not action.shortcut().isEmpty(), action.text()
    keys = [a.shortcut().toString() for a in window.findChildren(type(window.undo_action))]
    duplicated = {k for k in keys if k and keys.count(k) > 1}
    assert not duplicated
    window.heatmap_tab_action.trigger()
    assert window.tabs.currentIndex() == 1
    window.payoff_tab_action.trigger()
    assert window.tabs.currentIndex() == 0

    before = window.horizon.slider.value()
    window.chart_actions[1].trigger()  # horizon +1 day
    assert document.plan.view.horizon_days == before + 1
    window.chart_actions[3].trigger()  # +1 week
    assert document.plan.view.horizon_days == before + 8
    assert document.undo_stack.undoText() == f"Horizon {before + 8} d"
    document.undo_stack.undo()
    assert document.plan.view.horizon_days == before + 1

    chart = window.payoff_chart
    spot = document.plan.market.spx
    window.chart_actions[5].trigger()  # marker right 0.5 %
    assert chart.preview_price() == pytest.approx(spot * 1.005)
    window.chart_actions[6].trigger()  # back to spot
    assert chart.preview_price() == pytest.approx(spot)


def test_chart_only_hides_and_restores_the_panels(window: MainWindow) -> None:
    window.layer_dock.hide()
    visible = [d for d in (window.market_dock, window.position_dock, window.risk_dock)]
    window.chart_only_action.trigger()
    assert all(not d.isVisible() for d in visible)
    window.chart_only_action.trigger()
    assert all(d.isVisible() for d in visible)
    assert not window.layer_dock.isVisible()


def test_plan_name_and_notes_are_edited_in_the_window(
    qtbot: QtBot, window: MainWindow, document: PlanDocument, plan: Plan
) -> None:
    """#13.12: name and notes edits are undo steps; the title and the PDF heading follow."""
    import io

    from pypdf import PdfReader

    from planner.ui.snapshot import Snapshot

    info = window.plan_info
    assert info.name_edit.text() == plan.name
    window.activateWindow()
    qtbot.waitActive(window)
    info.name_edit.setFocus()
    info.name_edit.selectAll()
    qtbot.keyClicks(info.name_edit, "Dec condor")
    assert document.plan.name == "Dec condor"
    assert window.windowTitle().startswith("Dec condor[*]")
    assert document.undo_stack.undoText() == "Rename plan"
    count = document.undo_stack.count()
    qtbot.keyClick(info.name_edit, Qt.Key.Key_Return)
    settle(qtbot, document)
    assert document.report is not None
    pdf = PdfReader(io.BytesIO(Snapshot(document.plan, document.report).pdf_bytes()))
    assert "Deccondor" in "".join(pdf.pages[0].extract_text().split())

    info.notes_edit.setFocus()
    qtbot.keyClicks(info.notes_edit, "exit at 2x credit")
    assert document.plan.notes == "exit at 2x credit"
    assert document.undo_stack.count() == count + 1  # the typing run is one step
    # Ctrl+Z in the notes field undoes the plan's notes, not just the field's text.
    qtbot.keyClick(info.notes_edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert document.plan.notes == ""
    assert info.notes_edit.toPlainText() == ""
    qtbot.keyClick(info.notes_edit, Qt.Key.Key_Escape)
    document.undo_stack.undo()
    assert document.plan.name == plan.name
    assert info.name_edit.text() == plan.name
    assert window.windowTitle().startswith(f"{plan.name}[*]")


def test_an_empty_plan_name_is_refused_at_the_field(window: MainWindow, plan: Plan) -> None:
    info = window.plan_info
    info.name_edit.setText("")
    info.name_edit.textEdited.emit("")
    assert info.name_edit.property("invalid") is True
    assert "name" in info.name_edit.toolTip().lower()
    assert window.document.plan.name == plan.name
    info.name_edit.editingFinished.emit()
    assert info.name_edit.text() == plan.name


def test_hidden_layers_panel_catches_up_when_shown(
    qtbot: QtBot, window: MainWindow, document: PlanDocument
) -> None:
    """The Layers dock behind the Risk tab skips redrawing each frame of a drag; shown, it
    holds the latest report's proposal."""
    window.risk_dock.raise_()
    qtbot.waitUntil(lambda: window.layer_panel.visibleRegion().isEmpty())
    window.market_panel.spin_boxes["market.vix"].setValue(21.0)
    settle(qtbot, document)
    assert window.layer_panel._pending_report is document.report
    window.layer_dock.raise_()
    qtbot.waitUntil(lambda: window.layer_panel._pending_report is None)
    assert window.layer_panel._report is document.report


def test_t_plus_n_curves_from_a_date_list(
    qtbot: QtBot, window: MainWindow, document: PlanDocument, settings: QSettings
) -> None:
    """#13.14: P&L curves at several dates at once; T+0 and the horizon match the report."""
    import numpy as np

    chart = window.payoff_chart
    report = document.report
    assert report is not None
    horizon = report.curves.horizons_days[1]
    chart.dates_edit.setText(f"T+0, {horizon}d, 7, x, 7")
    chart.dates_edit.editingFinished.emit()
    assert chart.extra_days() == (0, horizon, 7)
    assert chart.dates_edit.text() == f"0, {horizon}, 7"
    items = chart.date_curve_items
    assert len(items) == 3
    x, y0 = items[0].getData()
    np.testing.assert_allclose(y0, report.curves.combined_usd[0], atol=1e-6)
    _, yh = items[1].getData()
    np.testing.assert_allclose(yh, report.curves.combined_usd[1], atol=1e-6)
    np.testing.assert_array_equal(x, report.curves.spx)
    assert settings.value("chart/extra_days") == f"0, {horizon}, 7"
    # Moving the horizon leaves the T+n curves (same items, same data).
    _, before = items[2].getData()
    before = np.array(before, copy=True)
    window.horizon.slider.setValue(horizon + 3)
    settle(qtbot, document)
    _, again = items[2].getData()
    assert chart.date_curve_items == items
    np.testing.assert_array_equal(again, before)
    chart.dates_edit.setText("")
    chart.dates_edit.editingFinished.emit()
    assert chart.date_curve_items == []


class _EventCount(QObject):
    """Counts events of one type reaching the widgets it is installed on."""

    def __init__(self, kind: QEvent.Type) -> None:
        super().__init__()
        self.kind = kind
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == self.kind:
            self.count += 1
        return False


def test_a_horizon_drag_does_not_re_lay_out_the_window(
    qtbot: QtBot, window: MainWindow, document: PlanDocument
) -> None:
    """#13 speed: a label or check box whose text changes on every frame of a drag (the
    horizon's "T+24d", the marker read-out) asked every layout up to the main window to re-lay
    out, and the window then repainted its docks' edges and the whole centre each frame."""
    qtbot.wait(100)  # the first layout passes are over
    layouts = _EventCount(QEvent.Type.LayoutRequest)
    window.installEventFilter(layouts)
    slider = window.horizon.slider
    slider.setSliderDown(True)
    for days in range(5, 15):
        slider.setValue(days)
        settle(qtbot, document)
        QCoreApplication.processEvents()
    slider.setSliderDown(False)
    window.removeEventFilter(layouts)
    assert window.payoff_chart.checkboxes[CurveKey.HORIZON].text() == "T+14d"
    assert "14 d" in window.horizon.label.text()
    assert layouts.count == 0


def test_the_heat_map_behind_its_tab_catches_up_when_shown(
    qtbot: QtBot, window: MainWindow, document: PlanDocument
) -> None:
    """The hidden heat map skips the frames of a drag; its tab shown, it has the latest report."""
    window.tabs.setCurrentWidget(window.payoff_chart)
    window.horizon.slider.setValue(window.horizon.slider.value() + 3)
    settle(qtbot, document)
    assert window.payoff_chart.report is document.report
    assert window.heatmap_view.report is not document.report
    window.heatmap_tab_action.trigger()
    assert window.heatmap_view.report is document.report
    window.horizon.slider.setValue(window.horizon.slider.value() + 3)
    settle(qtbot, document)
    assert window.heatmap_view.report is document.report


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_every_leg_and_the_totals_show_and_the_chart_dominates(
    qtbot: QtBot, document: PlanDocument, settings: QSettings, size: tuple[int, int]
) -> None:
    """#13.8: at 1366x768 the position table showed 3 of 7 legs and the chart was ~630 x 420.
    Below 900 px high Market shares the right column with Risk and Layers (a tab away), the
    chart has the width of two columns, and every leg and the totals line are on screen."""
    win = shown_window(qtbot, document, settings, size)
    compact = size[1] < 900
    assert win.is_compact() is compact
    beside_risk = win.tabifiedDockWidgets(win.risk_dock)
    assert (win.market_dock in beside_risk) is compact
    assert win.layer_dock in beside_risk
    expected_area = (
        Qt.DockWidgetArea.RightDockWidgetArea if compact else Qt.DockWidgetArea.LeftDockWidgetArea
    )
    assert win.dockWidgetArea(win.market_dock) == expected_area
    # Risk is the tab in front.
    assert not win.risk_panel.greeks_view.viewport().visibleRegion().isEmpty()
    assert win.layer_panel.visibleRegion().isEmpty()

    table = win.position_editor.table
    legs = table.model().rowCount()
    assert legs == len(document.plan.legs) == 7
    for row in range(legs):
        top = table.rowViewportPosition(row)
        assert top >= 0 and top + table.rowHeight(row) <= table.viewport().height(), row
    assert table.verticalScrollBar().maximum() == 0
    totals = win.position_editor.totals_label
    assert totals.text().startswith("Total of 7 legs")
    assert totals.visibleRegion().boundingRect().height() == totals.height()

    chart = win.payoff_chart.plot_widget
    assert chart.width() >= (0.68 if compact else 0.58) * size[0]
    assert chart.height() >= 0.45 * size[1]
    # The chart's toggles share the tab bar's row, and leave every tab whole.
    bar = win.tabs.tabBar()
    toolbar = win.payoff_chart.toolbar
    assert toolbar.parentWidget() is win.tabs and toolbar.isVisible()
    last = bar.tabRect(bar.count() - 1)
    assert last.right() <= bar.width()
    assert bar.mapTo(win.tabs, last.topRight()).x() < toolbar.geometry().left()
    win.replay_tab_action.trigger()
    assert not toolbar.isVisible()
    win.payoff_tab_action.trigger()
    assert toolbar.isVisible()
    close_and_delete(win)


def test_a_squeezed_restored_layout_falls_back_to_the_default(
    qtbot: QtBot, document: PlanDocument, settings: QSettings
) -> None:
    """A saved dock layout could squeeze a dock to ~60 px (saved while the window was small):
    restored, it is checked once laid out, and a squeezed dock brings back the default."""
    first = shown_window(qtbot, document, settings, (1400, 900))
    first.resizeDocks([first.risk_dock], [60], Qt.Orientation.Horizontal)
    first.resizeDocks([first.position_dock], [40], Qt.Orientation.Vertical)
    qtbot.wait(50)
    assert first.squeezed_docks()
    close_and_delete(first)

    second = reopened_window(qtbot, document, settings)
    sizes = second.default_dock_sizes()
    qtbot.waitUntil(lambda: second.risk_dock.width() >= 0.9 * sizes[second.risk_dock])
    qtbot.waitUntil(lambda: not second.squeezed_docks())
    assert second.position_dock.height() >= 0.9 * sizes[second.position_dock]
    close_and_delete(second)


def _save_with_market_on_the_right(
    qtbot: QtBot, document: PlanDocument, settings: QSettings
) -> str:
    """Close a window whose Market dock the user moved to the right; the screen it was on."""
    first = shown_window(qtbot, document, settings, (1400, 900))
    first.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, first.market_dock)
    first.resizeDocks([first.market_dock], [320], Qt.Orientation.Horizontal)
    first.tabs.setCurrentIndex(1)
    qtbot.wait(50)
    screen = first._screen_key()
    close_and_delete(first)
    return screen


def test_a_sound_restored_layout_is_kept(
    qtbot: QtBot, document: PlanDocument, settings: QSettings
) -> None:
    _save_with_market_on_the_right(qtbot, document, settings)
    second = reopened_window(qtbot, document, settings)
    qtbot.waitUntil(lambda: second._restored_layout_checked)
    qtbot.wait(50)
    assert second.dockWidgetArea(second.market_dock) == Qt.DockWidgetArea.RightDockWidgetArea
    assert second.check_restored_layout()
    close_and_delete(second)


def test_a_layout_saved_on_another_screen_size_is_not_restored(
    qtbot: QtBot, document: PlanDocument, settings: QSettings
) -> None:
    screen = _save_with_market_on_the_right(qtbot, document, settings)
    assert settings.value("window/screen") == screen
    settings.setValue("window/screen", "3840x2100")
    second = shown_window(qtbot, document, settings, (1400, 900))
    assert second.dockWidgetArea(second.market_dock) == Qt.DockWidgetArea.LeftDockWidgetArea
    assert second.tabs.currentIndex() == 1  # what is not the dock layout is still restored
    close_and_delete(second)


_GC_AFTER_CLOSED_WINDOWS = """
import gc
import tempfile
import weakref
from pathlib import Path
from PySide6.QtCore import QCoreApplication, QEvent, QSettings
from PySide6.QtWidgets import QApplication
app = QApplication([])
from planner.ui.document import PlanDocument
from planner.ui.main_window import MainWindow
from tests.ui.conftest import CountingEvaluator, realistic_plan


def settle(document):
    while document.report is None or document.recalc_pending:
        QCoreApplication.processEvents()


FOLDER = tempfile.TemporaryDirectory()


def closed_window(steps):
    settings = QSettings(str(Path(FOLDER.name) / "w.ini"), QSettings.Format.IniFormat)
    settings.setValue("edit/undo_limit", 3)
    document = PlanDocument(realistic_plan(), CountingEvaluator())
    window = MainWindow(document, settings)
    window.show()
    settle(document)
    for _ in range(steps):  # separate undo steps, beyond the limit: the oldest are dropped
        window.horizon.step_days(1)
    settle(document)
    document.mark_saved()
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return weakref.ref(document)


# First a document alone, as the document tests' fixture leaves one.
document = PlanDocument(realistic_plan(), CountingEvaluator())
settle(document)
document.stop()
del document
print("collected", gc.collect(), flush=True)
freed = [closed_window(steps) for steps in (6, 6)]
print("collected", gc.collect(), flush=True)
print("freed", sum(ref() is None for ref in freed))
FOLDER.cleanup()
"""


def test_closed_windows_survive_a_full_garbage_collection() -> None:
    """A full gc.collect() after window tests segfaulted PySide (in QUndoStack::clear, as a
    closed window's document went with the garbage): the collector cleared the undo steps'
    wrappers before the stack deleted them. A closed window now drops its document's history
    while everything is alive. Run in a child process, so a crash fails this test only."""
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(root)}
    run = subprocess.run(
        [sys.executable, "-X", "faulthandler", "-c", _GC_AFTER_CLOSED_WINDOWS],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    said = [line for line in run.stderr.splitlines() if "propagateSizeHints" not in line]
    assert run.returncode == 0, "\n".join(said[-30:])
    assert "freed 2" in run.stdout
