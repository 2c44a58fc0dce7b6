"""Layer-allocation panel: settings edits are undoable plan changes, results mirror report.alvh."""

from __future__ import annotations

import gc
import json
import weakref
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QModelIndex, QObject, QPoint, QSettings, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from planner.cli import main
from planner.engine.report import AlvhReport
from planner.engine.signals import rsi_wilder
from planner.engine.types import Group, RegimeRule, SizingMode, StrikeRule
from planner.model.allocation import ALVH_REGIME, VXTH_REGIME, AllocationSettings
from planner.model.planfile import load_plan, save_plan
from planner.present.formatting import (
    MISSING,
    fmt_expiry,
    fmt_loss_cut,
    fmt_num,
    fmt_usd,
    short_scenario_name,
)
from planner.ui.document import PlanDocument
from planner.ui.layers import APPLY_DESCRIPTION, LAYERS, LayerPanel

from .conftest import CountingEvaluator, close_and_delete, settle, shown_window


@pytest.fixture
def panel(qtbot: QtBot, document: PlanDocument) -> Iterator[LayerPanel]:
    widget = LayerPanel(document)
    qtbot.addWidget(widget)
    widget.resize(460, 900)
    yield widget


@pytest.fixture
def refusals(panel: LayerPanel) -> list[str]:
    messages: list[str] = []
    panel.rejected.connect(messages.append)
    return messages


def alvh(document: PlanDocument) -> AlvhReport:
    assert document.report is not None
    assert document.report.alvh is not None
    return document.report.alvh


def results_row(panel: LayerPanel, title: str) -> int:
    """The results table's column of the figure `title` (one row per layer, then the total)."""
    table = panel.results.results_model.table
    assert table is not None
    return table.headers.index(title)


def results_cell(panel: LayerPanel, row: str, group: Group) -> str:
    model = panel.results.results_model
    r = results_row(panel, row)
    c = LAYERS.index(group)
    return str(model.data(model.index(c, r)))


def test_table_models_pass_qt_model_tester(qtmodeltester: object, panel: LayerPanel) -> None:
    for model in (
        panel.results.results_model,
        panel.results.stress_model,
        panel.settings.regime.band_model,
    ):
        qtmodeltester.check(model, force_py=True)  # type: ignore[attr-defined]


def test_results_show_the_reports_layers(panel: LayerPanel, document: PlanDocument) -> None:
    report = alvh(document)
    for layer in report.layers[:3]:
        assert layer.expiry is not None
        expiry = results_cell(panel, "Expiry", layer.group)
        # One date format everywhere (#13.17): the position table's "2027-01-08 (49d)".
        assert expiry == fmt_expiry(layer.expiry, layer.days_to_expiry)
        assert expiry == f"{layer.expiry.isoformat()} ({layer.days_to_expiry}d)"
        assert results_cell(panel, "Contracts", layer.group) == str(layer.contracts)
        assert results_cell(panel, "Premium", layer.group) == fmt_usd(layer.premium_usd)
        assert results_cell(panel, "Maint. $/yr", layer.group) == fmt_usd(
            layer.maintenance_cost_usd_per_year
        )
    # The 4/4/2 default at one unit.
    assert [layer.contracts for layer in report.layers] == [4, 4, 2, 0]
    # Shares of the yearly cost add up to the whole.
    model = panel.results.results_model
    share_row = results_row(panel, "Share of cost")
    shares = [model.data(model.index(c, share_row), Qt.ItemDataRole.UserRole) for c in range(4)]
    assert sum(s for s in shares if s is not None) == pytest.approx(1.0)
    # The offset is off: no expiry shown, the reason in the tooltip.
    offset_expiry = model.index(LAYERS.index(Group.OFFSET), 0)
    assert model.data(offset_expiry) == MISSING
    assert "off" in str(model.data(offset_expiry, Qt.ItemDataRole.ToolTipRole))


def test_layer_ratio_edit_is_one_merged_undo_step(
    qtbot: QtBot, panel: LayerPanel, document: PlanDocument
) -> None:
    original = document.plan
    spin = panel.settings.layers.editors[Group.NEAR].ratio
    spin.setValue(5)
    spin.setValue(6)
    settle(qtbot, document)
    assert document.plan.allocation.near.ratio == 6
    assert document.plan.legs == original.legs  # settings only; legs change on Apply
    assert alvh(document).layers[0].contracts == 6
    assert results_cell(panel, "Contracts", Group.NEAR) == "6"
    assert document.undo_stack.count() == 1
    document.undo_stack.undo()
    settle(qtbot, document)
    assert document.plan == original
    assert spin.value() == 4
    assert alvh(document).layers[0].contracts == 4


def test_out_of_range_values_are_refused_at_the_editor(
    qtbot: QtBot, panel: LayerPanel, document: PlanDocument, refusals: list[str]
) -> None:
    original = document.plan
    spin = panel.settings.layers.editors[Group.MID].ratio
    spin.setValue(150)
    assert document.plan == original
    assert spin.property("invalid") is True
    assert "100" in spin.toolTip() and "Mid ratio" in spin.toolTip()
    assert refusals and "Mid ratio" in refusals[-1]
    # An empty window (from >= to) is refused with the settings' explanation.
    panel.settings.layers.editors[Group.TAIL].min_days.setValue(130)
    assert document.plan == original
    assert "window is empty" in refusals[-1]
    assert document.undo_stack.count() == 0
    # A valid value clears the red border.
    spin.setValue(3)
    settle(qtbot, document)
    assert spin.property("invalid") is False
    assert document.plan.allocation.mid.ratio == 3


def test_strike_rule_switch_sets_a_value_that_fits_the_rule(
    qtbot: QtBot, panel: LayerPanel, document: PlanDocument
) -> None:
    tail_strike = alvh(document).layers[2].strike
    assert tail_strike is not None
    combo = panel.settings.layers.editors[Group.TAIL].rule
    combo.setCurrentIndex(combo.findData(StrikeRule.FIXED.value))
    settle(qtbot, document)
    tail = document.plan.allocation.tail
    assert (tail.strike_rule, tail.strike_value) == (StrikeRule.FIXED, tail_strike)
    # Now move the fixed strike: the report's tail layer follows.
    panel.settings.layers.editors[Group.TAIL].value.setValue(35.0)
    settle(qtbot, document)
    assert alvh(document).layers[2].strike == 35.0
    assert document.undo_stack.count() == 2
    document.undo_stack.undo()
    document.undo_stack.undo()
    assert document.plan.allocation.tail == AllocationSettings().tail


def test_empty_window_is_reported_not_filled(
    qtbot: QtBot, panel: LayerPanel, document: PlanDocument
) -> None:
    # From 2026-11-20 the listed VIX expiries include Dec 1 (11 d) and Dec 9 (19 d): nothing is
    # 12-18 days out.
    assert panel.settings.fields.edit(
        ("allocation", "near", "min_days"),
        12,
        "Near min days",
        extra={("allocation", "near", "max_days"): 18},
    )
    settle(qtbot, document)
    report = alvh(document)
    assert not report.layers[0].placed
    assert panel.results.messages_label.isVisibleTo(panel)
    assert "No listed VIX expiry" in panel.results.messages_label.text()
    assert results_cell(panel, "Expiry", Group.NEAR) == MISSING
    assert results_cell(panel, "Contracts", Group.NEAR) == "0"


def test_regime_presets_and_layer_defaults(
    qtbot: QtBot, panel: LayerPanel, document: PlanDocument
) -> None:
    panel.settings.preset_combo.setCurrentIndex(panel.settings.preset_combo.findData("vxth"))
    settle(qtbot, document)
    assert document.plan.allocation.regime == VXTH_REGIME
    decision = alvh(document).regime
    assert decision.table == "VXTH" and decision.rule is RegimeRule.PREMIUM_PCT
    assert decision.band_label in panel.settings.regime.decision_label.text()
    assert panel.settings.regime.band_model.rowCount() == len(VXTH_REGIME.bands)
    assert panel.settings.regime.band_model.headerData(2, Qt.Orientation.Horizontal) == "Premium %"
    assert document.undo_stack.undoText() == "Regime preset VXTH"

    panel.settings.preset_combo.setCurrentIndex(panel.settings.preset_combo.findData("off"))
    settle(qtbot, document)
    assert alvh(document).regime.rule is RegimeRule.OFF
    assert not panel.settings.regime.band_view.isEnabled()

    panel.settings.layers.editors[Group.NEAR].ratio.setValue(7)
    panel.settings.layers.editors[Group.TAIL].max_days.setValue(150)
    settle(qtbot, document)
    assert panel.settings.reset_layers()
    settle(qtbot, document)
    defaults = AllocationSettings()
    a = document.plan.allocation
    assert (a.near, a.mid, a.tail) == (defaults.near, defaults.mid, defaults.tail)
    assert a.regime.rule is RegimeRule.OFF  # the reset leaves the regime alone
    assert document.undo_stack.undoText() == "Reset layers to 4/4/2 defaults"
    assert panel.settings.layers.editors[Group.NEAR].ratio.value() == 4


def test_band_table_edits(qtbot: QtBot, panel: LayerPanel, document: PlanDocument) -> None:
    model = panel.settings.regime.band_model
    # The market (VIX 16.4) is in the second ALVH band; it is marked.
    assert alvh(document).regime.band_index == 1
    assert model.data(model.index(1, 0), Qt.ItemDataRole.FontRole).bold()
    # Lower the 16 edge to 15 and raise the multiplier of the first band.
    assert model.setData(model.index(0, model.UPPER), 15.0)
    assert model.setData(model.index(0, model.VALUE), 0.75)
    settle(qtbot, document)
    bands = document.plan.allocation.regime.bands
    assert (bands[0].upper, bands[0].value) == (15.0, 0.75)
    assert panel.settings.preset_combo.currentData() == "custom"
    # Hold on the band the market is in: the multiplier goes back to 1 and the reason says so.
    assert model.setData(
        model.index(1, model.HOLD), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole
    )
    settle(qtbot, document)
    assert document.plan.allocation.regime.bands[1].hold
    assert alvh(document).regime.hold
    assert "hold" in panel.settings.regime.decision_label.text()
    # Edges must increase: refused, plan unchanged.
    before = document.plan
    messages: list[str] = []
    model.rejected.connect(messages.append)
    assert not model.setData(model.index(1, model.UPPER), 10.0)
    assert document.plan == before
    assert "increase" in messages[-1]
    # The open-ended last band has no editable edge.
    last = model.rowCount() - 1
    assert not model.flags(model.index(last, model.UPPER)) & Qt.ItemFlag.ItemIsEditable
    assert model.add_band() and model.rowCount() == len(ALVH_REGIME.bands) + 1
    assert model.remove_band(model.rowCount() - 1)
    assert document.plan.allocation.regime.bands[-1].upper is None


def test_sizing_modes_and_impossible_target(
    qtbot: QtBot, panel: LayerPanel, document: PlanDocument
) -> None:
    panel.settings.sizing.mode_combo.setCurrentIndex(
        panel.settings.sizing.mode_combo.findData(SizingMode.BUDGET.value)
    )
    panel.settings.sizing.budget_spin.setValue(10.0)
    settle(qtbot, document)
    a = document.plan.allocation
    assert (a.sizing, a.budget_pct_capital) == (SizingMode.BUDGET, 10.0)
    sizing = alvh(document).sizing
    # Budget: the largest whole number of units whose yearly cost fits 10 % of capital.
    one_unit = sizing.unit_maintenance_usd_per_year
    assert sizing.base_units == int(0.10 * document.plan.capital_usd // one_unit)
    assert sizing.reason in panel.settings.sizing.result_label.text()
    assert (
        panel.settings.sizing.budget_spin.isEnabled()
        and not panel.settings.sizing.units_spin.isEnabled()
    )

    panel.settings.sizing.mode_combo.setCurrentIndex(
        panel.settings.sizing.mode_combo.findData(SizingMode.PROTECTION.value)
    )
    settle(qtbot, document)
    a = document.plan.allocation
    assert a.sizing is SizingMode.PROTECTION
    assert a.target_scenario == document.plan.stress[0].name
    panel.settings.sizing.target_combo.setCurrentIndex(1)
    # Only the small tail layer left, at most one unit: it cannot cut the loss by 100 %.
    panel.settings.layers.editors[Group.NEAR].ratio.setValue(0)
    panel.settings.layers.editors[Group.MID].ratio.setValue(0)
    panel.settings.sizing.max_units_spin.setValue(1)
    panel.settings.sizing.target_cut_spin.setValue(100.0)
    settle(qtbot, document)
    assert document.plan.allocation.target_scenario == document.plan.stress[1].name
    sizing = alvh(document).sizing
    assert not sizing.feasible
    assert "No size up to 1 units" in panel.settings.sizing.result_label.text()
    assert "#d0312d" in panel.settings.sizing.result_label.styleSheet()


def test_theta_offset(qtbot: QtBot, panel: LayerPanel, document: PlanDocument) -> None:
    panel.settings.layers.offset_enabled.setChecked(True)
    settle(qtbot, document)
    assert document.plan.allocation.offset.enabled
    report = alvh(document)
    offset = report.layers[3]
    assert offset.placed and offset.contracts == -2  # one short call per tail contract
    assert "Offset recovers" in panel.results.offset_label.text()
    assert fmt_usd(report.offset_premium_recovered_usd_per_year, sign=True) in (
        panel.results.offset_label.text()
    )
    assert panel.settings.layers.editors[Group.OFFSET].ratio.isEnabled()
    document.undo_stack.undo()
    assert not panel.settings.layers.offset_enabled.isChecked()


def test_apply_is_one_step_rewriting_hedge_legs_only(
    qtbot: QtBot, panel: LayerPanel, document: PlanDocument
) -> None:
    panel.settings.layers.editors[Group.MID].ratio.setValue(3)
    settle(qtbot, document)
    before = document.plan
    proposal = alvh(document).legs
    count = document.undo_stack.count()
    assert panel.apply()
    settle(qtbot, document)
    assert document.undo_stack.count() == count + 1
    assert document.undo_stack.undoText() == APPLY_DESCRIPTION
    plan = document.plan
    condor = [leg for leg in before.legs if leg.group is Group.CONDOR]
    assert [leg for leg in plan.legs if leg.group is Group.CONDOR] == condor
    hedge = [leg for leg in plan.legs if leg.group is not Group.CONDOR]
    assert [(h.group, h.quantity, h.strike, h.expiry) for h in hedge] == [
        (p.group, p.quantity, p.strike, p.expiry) for p in proposal
    ]
    assert [h.quantity for h in hedge] == [4, 3, 2]
    assert {"near_call", "mid_call", "tail_call"}.isdisjoint(leg.id for leg in plan.legs)
    document.undo_stack.undo()
    assert document.plan == before


def test_chart_bars_are_the_reports_numbers(
    qtbot: QtBot, panel: LayerPanel, document: PlanDocument
) -> None:
    report = alvh(document)
    cost, pnl = panel.chart.bar_heights()
    assert cost == [-layer.maintenance_cost_usd_per_year for layer in report.layers]
    first = report.stress[0]
    assert panel.chart.scenario() == first.name
    assert pnl == [first.layer_pnl_usd[g] for g in LAYERS]
    panel.chart.scenario_combo.setCurrentIndex(1)
    second = report.stress[1]
    assert panel.chart.bar_heights()[1] == [second.layer_pnl_usd[g] for g in LAYERS]
    # The near layer pays most in a fast one-day shock: it is the best layer there.
    assert second.best_layer is Group.NEAR
    best = panel.results.stress_model.index(1, LAYERS.index(Group.NEAR))
    assert panel.results.stress_model.data(best, Qt.ItemDataRole.FontRole).bold()
    # The chart follows an edit.
    panel.settings.layers.editors[Group.TAIL].ratio.setValue(6)
    settle(qtbot, document)
    assert (
        panel.chart.bar_heights()[0][2] == -alvh(document).layers[2].maintenance_cost_usd_per_year
    )
    assert alvh(document).layers[2].contracts == 6


def test_stress_table_matches_report(panel: LayerPanel, document: PlanDocument) -> None:
    model = panel.results.stress_model
    report = alvh(document)
    assert model.rowCount() == len(report.stress)
    shown = panel.results.stress_by_short_name
    for r, row in enumerate(report.stress):
        assert model.headerData(r, Qt.Orientation.Vertical) == row.name
        # The dock's views head the row with the short name (as the Risk dock does), the
        # whole name in the tooltip.
        assert shown.headerData(r, Qt.Orientation.Vertical) == short_scenario_name(row.name, 12)
        tooltip = shown.headerData(r, Qt.Orientation.Vertical, Qt.ItemDataRole.ToolTipRole)
        assert row.name in tooltip
        hedge = model.data(model.index(r, 4), Qt.ItemDataRole.UserRole)
        assert hedge == row.hedge_pnl_usd
        assert hedge == pytest.approx(sum(row.layer_pnl_usd.values()))


def write_history(path: Path, closes: np.ndarray) -> None:
    days = np.arange(np.datetime64("2026-06-01"), np.datetime64("2026-06-01") + closes.size)
    lines = ["DATE,OPEN,HIGH,LOW,CLOSE"]
    for day, close in zip(days, closes, strict=True):
        y, m, d = str(day).split("-")
        lines.append(f"{m}/{d}/{y},{close:.2f},{close + 1:.2f},{close - 1:.2f},{close:.2f}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_load_vix_history_shows_rsi_and_macd(
    qtbot: QtBot, tmp_path: Path, panel: LayerPanel, document: PlanDocument
) -> None:
    closes = 16.0 + 3.0 * np.sin(np.arange(60) / 4.0) + np.arange(60) * 0.05
    path = tmp_path / "vix.csv"
    write_history(path, closes)
    plan = document.plan
    steps = document.undo_stack.count()
    assert panel.signals_box.loader.load(path)
    # One recalculation with the history: the engine's signals, as the CLI's report shows them.
    settle(qtbot, document)
    signals = alvh(document).signals
    assert signals is not None and signals.rsi14 is not None
    assert signals.rsi14 == pytest.approx(float(rsi_wilder(np.round(closes, 2))[-1]))
    text = panel.signals_box.signals_label.text()
    assert f"RSI(14) <b>{fmt_num(signals.rsi14, 1)}</b>" in text
    assert "MACD" in text
    assert "vix.csv" in panel.signals_box.history_label.text()
    # UI state only: the plan and its history are untouched.
    assert document.plan == plan and document.undo_stack.count() == steps


def test_corrupt_vix_history_names_the_file(
    qtbot: QtBot, tmp_path: Path, panel: LayerPanel, document: PlanDocument
) -> None:
    good = tmp_path / "good.csv"
    write_history(good, np.linspace(15.0, 25.0, 40))
    assert panel.signals_box.loader.load(good)
    loaded = document.vix_history
    bad = tmp_path / "broken_vix.csv"
    bad.write_text("DATE,OPEN,HIGH,LOW,CLOSE\n13/45/2026,1,2,3,abc\n", encoding="utf-8")
    plan = document.plan
    assert not panel.signals_box.loader.load(bad)
    box = panel.signals_box.loader.error_box
    assert box is not None and box.isVisible()
    assert "broken_vix.csv" in box.text()
    assert document.vix_history is loaded  # the previous history stays
    assert document.plan == plan
    box.close()
    qtbot.waitUntil(lambda: panel.signals_box.loader.error_box is None, timeout=2000)


def test_signals_without_history(panel: LayerPanel, document: PlanDocument) -> None:
    signals = alvh(document).signals
    text = panel.signals_box.signals_label.text()
    assert f"<b>{signals.term_state}</b>" in text
    assert fmt_num(signals.slope_pts_per_month, 2, sign=True) in text
    assert signals.vix_band in text
    assert "RSI(14) <b>" not in text


def test_refresh_ignores_unrelated_index(panel: LayerPanel) -> None:
    assert panel.settings.regime.band_model.data(QModelIndex()) is None
    assert panel.results.results_model.rowCount(panel.results.results_model.index(0, 0)) == 0


def test_a_loaded_history_is_one_recalculation_giving_the_clis_signals(
    qtbot: QtBot,
    tmp_path: Path,
    panel: LayerPanel,
    document: PlanDocument,
    evaluator: CountingEvaluator,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """#12.3: the window gives the engine the history with the plan (one recalculation, no
    signals computed in the view), so it shows what `report --vix-history` prints."""
    closes = 18.0 + 4.0 * np.cos(np.arange(80) / 5.0)
    csv = tmp_path / "vix.csv"
    write_history(csv, closes)
    calls = evaluator.calls
    assert panel.signals_box.loader.load(csv)
    settle(qtbot, document)
    assert evaluator.calls == calls + 1
    shown = alvh(document).signals
    assert shown.rsi14 is not None
    plan_file = tmp_path / "plan.hplan"
    save_plan(document.plan, plan_file)
    capsys.readouterr()
    assert main(["report", str(plan_file), "--vix-history", str(csv), "--format", "json"]) == 0
    printed = json.loads(capsys.readouterr().out)["alvh"]["signals"]
    assert printed["rsi14"] == pytest.approx(shown.rsi14, rel=1e-12)
    assert printed["macd"] == pytest.approx(shown.macd, rel=1e-12)
    assert printed["monetise_near"] == shown.monetise_near
    assert f"RSI(14) <b>{fmt_num(shown.rsi14, 1)}</b>" in panel.signals_box.signals_label.text()


def test_a_horizon_drag_does_not_redraw_the_proposal(
    qtbot: QtBot, panel: LayerPanel, document: PlanDocument
) -> None:
    before = alvh(document)
    redraws: list[object] = []
    for model in (panel.results.results_model, panel.results.stress_model):
        model.dataChanged.connect(lambda *a: redraws.append(a))
        model.modelReset.connect(lambda: redraws.append("reset"))
    plan = document.plan
    document.push_plan(
        plan.with_changes(view=plan.view.with_changes(horizon_days=10)), "horizon", "horizon"
    )
    settle(qtbot, document)
    assert panel.report is document.report and alvh(document) == before
    assert redraws == []
    # A settings edit changes the proposal, and the tables follow.
    panel.settings.layers.editors[Group.NEAR].ratio.setValue(5)
    settle(qtbot, document)
    assert redraws and results_cell(panel, "Contracts", Group.NEAR) == "5"


def test_sentences_wrap_to_a_dock_narrower_than_the_editors(
    qtbot: QtBot, panel: LayerPanel
) -> None:
    """In a dock narrower than the layers grid (it scrolls sideways) the sizing, regime and
    signal sentences still wrap to what is in view instead of running off it."""
    panel.resize(330, 900)
    panel.show()
    qtbot.waitExposed(panel)
    content = panel.scroll_area.widget()
    viewport = panel.scroll_area.viewport()
    qtbot.waitUntil(lambda: content.width() > viewport.width())  # the editors are wider
    labels = [
        panel.settings.sizing.result_label,
        panel.settings.regime.decision_label,
        panel.signals_box.signals_label,
    ]
    for label in labels:
        assert label.text()
        right = label.mapTo(content, QPoint(label.width(), 0)).x()
        assert right <= viewport.width(), label.objectName()


SAMPLE_PLAN = Path(__file__).resolve().parents[2] / "resources" / "sample.hplan"


@pytest.mark.parametrize(
    ("size", "offset"), [((1366, 768), False), ((1366, 768), True), ((1920, 1080), False)]
)
def test_the_dock_fits_its_width_on_a_laptop_screen(
    qtbot: QtBot,
    evaluator: CountingEvaluator,
    tmp_path: Path,
    size: tuple[int, int],
    offset: bool,
) -> None:
    """#13.8: at 1366x768 the Layers dock scrolled sideways (the layers grid was ~430 px in a
    ~370 px dock, the results and stress tables wider still). With the sample plan shown, no
    part of the dock, and none of its tables, has anything to scroll sideways to, and every
    figure column is as wide as its widest figure (nothing elided)."""
    plan = load_plan(SAMPLE_PLAN)
    if offset:
        # The widest proposal: the offset placed (a short total "12 / −2", its own expiry).
        allocation = plan.allocation
        plan = plan.with_changes(
            allocation=allocation.with_changes(offset=allocation.offset.with_changes(enabled=True))
        )
    document = PlanDocument(plan, evaluator)
    qtbot.waitUntil(lambda: document.report is not None, timeout=5000)
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    win = shown_window(qtbot, document, settings, size)
    win.layer_dock.raise_()  # the Layers tab, behind Risk at first
    panel = win.layer_panel
    area = panel.scroll_area
    viewport = area.viewport()
    qtbot.waitUntil(lambda: not panel.visibleRegion().isEmpty(), timeout=5000)
    qtbot.waitUntil(lambda: panel.report is document.report, timeout=5000)
    qtbot.wait(50)
    assert panel.report is not None
    alvh = panel.report.alvh
    assert alvh.layers[LAYERS.index(Group.OFFSET)].placed is offset
    if size == (1366, 768):
        assert viewport.width() < 400  # the narrow dock this is about
    assert area.horizontalScrollBar().maximum() == 0
    content = area.widget()
    assert content is not None
    assert content.minimumSizeHint().width() <= viewport.width()
    for view in (*panel.results.views, panel.settings.regime.band_view):
        assert view.horizontalScrollBar().maximum() == 0, view.model()
        right = view.mapTo(content, QPoint(view.width(), 0)).x()
        assert right <= viewport.width()
        shown = [c for c in range(view.model().columnCount()) if not view.isColumnHidden(c)]
        assert shown
        for column in shown:
            assert view.columnWidth(column) >= view.sizeHintForColumn(column), (view, column)
    # Every layer and stress figure column is in one of the views.
    for model, views in (
        (panel.results.results_model, panel.results.layer_views),
        (panel.results.stress_model, panel.results.stress_views),
    ):
        table = model.table
        assert table is not None
        shown_titles = {
            table.headers[c]
            for view in views
            for c in range(len(table.headers))
            if not view.isColumnHidden(c)
        }
        missing = set(table.headers) - shown_titles
        # The best layer is the bold figure of its row (a column on paper only).
        assert missing <= {"Best layer"}, missing
    for editor in panel.settings.findChildren(QWidget):
        if editor.isVisible():
            right = editor.mapTo(content, QPoint(editor.width(), 0)).x()
            assert right <= viewport.width(), editor
    close_and_delete(win)
    document.stop()


def test_the_band_value_column_fits_the_rules_title(
    qtbot: QtBot, panel: LayerPanel, document: PlanDocument
) -> None:
    """Switching the rule to a premium (same bands) renamed the value column to "Premium %"
    but left it as wide as "Size ×": it read "remium %"."""
    regime = panel.settings.regime
    regime.rule_combo.setCurrentIndex(regime.rule_combo.findData(RegimeRule.PREMIUM_PCT.value))
    settle(qtbot, document)
    assert document.plan.allocation.regime.rule is RegimeRule.PREMIUM_PCT
    assert len(document.plan.allocation.regime.bands) == len(ALVH_REGIME.bands)
    assert regime.band_model.headerData(2, Qt.Orientation.Horizontal) == "Premium %"
    view = regime.band_view
    assert view.columnWidth(2) >= view.horizontalHeader().sectionSizeHint(2)


def test_the_offset_sentence_names_only_the_loss_cuts_it_changes(
    qtbot: QtBot, panel: LayerPanel, document: PlanDocument
) -> None:
    """With the offset placed the sentence listed every scenario ("net gain → net gain" twenty
    times in the sample); the stress table has both cuts, the sentence the changes."""
    panel.settings.layers.offset_enabled.setChecked(True)
    settle(qtbot, document)
    text = panel.results.offset_label.text()
    changed = 0
    for s in alvh(document).stress:
        before, after = fmt_loss_cut(s.loss_cut_without_offset), fmt_loss_cut(s.loss_cut)
        named = f"{s.name}: {before} → {after}" in text
        assert named == (before != after), s.name
        changed += named
    if not changed:
        assert text.endswith("It changes no scenario's loss cut")


def _wheel(widget: QWidget, steps: int) -> None:
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    centre = QPointF(widget.rect().center())
    event = QWheelEvent(
        centre,
        QPointF(widget.mapToGlobal(widget.rect().center())),
        QPoint(0, 0),
        QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def test_the_wheel_scrolls_the_dock_past_editors_and_edits_only_a_focused_one(
    qtbot: QtBot, panel: LayerPanel, document: PlanDocument
) -> None:
    panel.resize(380, 300)  # short: the dock scrolls
    panel.show()
    qtbot.waitExposed(panel)
    combo = panel.settings.sizing.mode_combo
    panel.scroll_area.ensureWidgetVisible(combo)
    bar = panel.scroll_area.verticalScrollBar()
    assert bar.value() > 0  # scrolled down to the combo: a wheel turn up has room to scroll
    qtbot.wait(10)
    before_plan, before_steps = document.plan, document.undo_stack.count()
    before_scroll, before_index = bar.value(), combo.currentIndex()
    _wheel(combo, 2)
    assert document.plan is before_plan and document.undo_stack.count() == before_steps
    assert combo.currentIndex() == before_index
    assert bar.value() != before_scroll  # the turn went to the dock, which scrolled
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    index = combo.currentIndex()
    _wheel(combo, -1 if index + 1 < combo.count() else 1)
    assert combo.currentIndex() != index  # once clicked into, the wheel edits as usual
    settle(qtbot, document)
    assert document.undo_stack.count() == before_steps + 1


def _closed_windows_layer_parts(
    qtbot: QtBot, document: PlanDocument, settings: QSettings
) -> dict[str, weakref.ref[QObject]]:
    """Weak references to a shown window's Layers parts, once the window is closed."""
    win = shown_window(qtbot, document, settings, (1400, 900))
    panel = win.layer_panel
    qtbot.waitUntil(lambda: panel.report is document.report, timeout=5000)
    parts: dict[str, QObject] = {
        "panel": panel,
        "settings editor": panel.settings,
        "layers grid": panel.settings.layers,
        "field binder": panel.settings.fields,
        "band table": panel.settings.regime.band_model,
        "signals box": panel.signals_box,
        "VIX history loader": panel.signals_box.loader,
    }
    close_and_delete(win)
    return {name: weakref.ref(part) for name, part in parts.items()}


def test_a_closed_windows_layer_panel_is_freed_without_the_cycle_collector(
    qtbot: QtBot, document: PlanDocument, tmp_path: Path
) -> None:
    """The layers grid held the settings editor's bound method (to read the report's strikes)
    and the VIX history loader its box as a Python attribute: both parts sat in reference
    cycles with their parents, left for a full gc.collect() after every closed window (the
    kind of collection of Qt wrappers that has crashed PySide here). Freed by reference
    counting now."""
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    collecting = gc.isenabled()
    gc.disable()  # so only reference counting can free them
    try:
        freed = _closed_windows_layer_parts(qtbot, document, settings)
        alive = [name for name, ref in freed.items() if ref() is not None]
    finally:
        if collecting:
            gc.enable()
    assert alive == []
