"""RiskPanel tables: formatted values straight from the Report, losses in red, sane models."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QTableView
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from planner.cli import sample_plan_path
from planner.engine.evaluate import evaluate
from planner.engine.types import Group
from planner.model.plan import Plan
from planner.model.planfile import load_plan
from planner.present.formatting import MINUS, fmt_pct, fmt_usd, fmt_usd_compact
from planner.ui.document import PlanDocument
from planner.ui.risk_panel import (
    GREEK_COLUMNS,
    GreeksTableModel,
    HedgeCostModel,
    RiskPanel,
    StressTableModel,
    SummaryModel,
)
from planner.ui.theme import SCREEN

from .conftest import close_and_delete, shown_at, shown_window
from .test_payoff_chart import empty_report, synthetic_report

DISPLAY = Qt.ItemDataRole.DisplayRole
FOREGROUND = Qt.ItemDataRole.ForegroundRole
ALIGN = Qt.ItemDataRole.TextAlignmentRole


@pytest.fixture
def panel(qtbot: QtBot) -> RiskPanel:
    return shown_at(qtbot, RiskPanel(), (420, 900))


def _text(
    model: GreeksTableModel | SummaryModel | HedgeCostModel | StressTableModel, row: int, col: int
) -> str:
    value = model.data(model.index(row, col), DISPLAY)
    assert isinstance(value, str)
    return value


def _is_red(
    model: GreeksTableModel | HedgeCostModel | StressTableModel | SummaryModel, row: int, col: int
) -> bool:
    brush = model.data(model.index(row, col), FOREGROUND)
    return isinstance(brush, QBrush) and brush.color() == SCREEN.qcolor(SCREEN.loss_text)


@pytest.mark.parametrize("factory", [synthetic_report, empty_report])
def test_models_pass_qtmodeltester(qtmodeltester: ModelTester, factory: object) -> None:
    report = factory()  # type: ignore[operator]
    for model_type in (GreeksTableModel, SummaryModel, HedgeCostModel, StressTableModel):
        model = model_type()
        model.set_report(report)
        qtmodeltester.check(model, force_py=True)  # type: ignore[no-untyped-call]
        model.set_report(None)
        qtmodeltester.check(model, force_py=True)  # type: ignore[no-untyped-call]


def test_greeks_rows_are_groups_present_plus_total(panel: RiskPanel) -> None:
    report = synthetic_report()
    panel.set_report(report)
    model = panel.greeks_model
    assert model.row_names() == ["Condor", "Near", "Tail", "Total"]
    assert model.headerData(0, Qt.Orientation.Vertical, DISPLAY) == "Condor"
    condor = report.groups[Group.CONDOR]
    # Column by column: the cell is the report's number, formatted with a proper minus.
    expected = [
        f"{MINUS}$123",  # spx_delta_usd -123.456
        f"{MINUS}$0.43",  # spx_gamma_usd -0.4321, two decimals
        "$1,234",  # vix_delta_usd 1234.5: Python rounds half to even
        f"{MINUS}$3,456",
        "$789",
        f"{MINUS}$99",
        f"{MINUS}$150",
    ]
    assert condor.spx_delta_usd == pytest.approx(-123.456)
    assert [_text(model, 0, c) for c in range(len(GREEK_COLUMNS))] == expected
    total_row = model.rowCount() - 1
    assert _text(model, total_row, 0) == f"{MINUS}${abs(report.total.spx_delta_usd):,.0f}"
    assert _is_red(model, 0, 0) and not _is_red(model, 0, 2)
    align = model.data(model.index(0, 0), ALIGN)
    assert align & int(Qt.AlignmentFlag.AlignRight.value)


def test_summary_net_credit_max_profit_loss_break_evens(panel: RiskPanel) -> None:
    report = synthetic_report()
    panel.set_report(report)
    model = panel.summary_model
    names = model.row_names()
    values = {name: _text(model, i, 0) for i, name in enumerate(names)}
    assert values["Net credit"] == "$4,321 credit"
    assert values["Condor max profit"] == "$4,321"
    assert values["Condor max loss"] == f"{MINUS}$20,679"
    assert _is_red(model, names.index("Condor max loss"), 0)
    be_rows = [n for n in names if n.startswith("Break-even")]
    # #13 item 7: one row per horizon (was a row per break-even, nine for the sample, which
    # pushed the stress table below the fold at 1366x768); the levels joined, the move from
    # spot and VIX at each in the whole text (page, text report) and the tooltip.
    assert be_rows == ["Break-even T+0d", "Break-even T+25d", "Break-even T+50d"]
    assert values["Break-even T+50d"] == "6,925"
    assert values["Break-even T+25d"] == "6,980 · 7,905"
    horizon = model.cell(names.index("Break-even T+25d"), 0)
    assert horizon.wide_text == f"6,980 ({MINUS}6.3%, VIX 25.9)  7,905 (+6.1%, VIX 11.1)"
    tip = model.data(model.index(names.index("Break-even T+25d"), 0), Qt.ItemDataRole.ToolTipRole)
    assert tip.splitlines() == [
        f"SPX 6,980: {MINUS}6.3% from spot, VIX 25.9",
        "SPX 7,905: +6.1% from spot, VIX 11.1",
    ]
    expiry = model.cell(names.index("Break-even T+50d"), 0)
    assert expiry.wide_text == f"6,925 ({MINUS}7.0%, VIX 26.9)"


def test_hedge_cost_rows(panel: RiskPanel) -> None:
    report = synthetic_report()
    panel.set_report(report)
    model = panel.hedge_cost_model
    names = model.row_names()
    annual = names.index("Annual carry")
    assert _text(model, names.index("Premium paid"), 0) == "$1,200"
    assert _text(model, names.index("Premium paid"), 1) == "0.48%"
    assert _text(model, names.index("θ per day"), 0) == f"{MINUS}$22"
    assert _text(model, names.index("30-day carry"), 0) == f"{MINUS}$410"
    assert _text(model, annual, 0) == f"{MINUS}$4,988"
    assert _text(model, annual, 1) == f"{MINUS}2.00%"
    assert _is_red(model, annual, 0) and _is_red(model, annual, 1)
    assert not _is_red(model, names.index("Premium paid"), 0)


def test_stress_table_values_and_loss_colours(panel: RiskPanel) -> None:
    report = synthetic_report()
    panel.set_report(report)
    model = panel.stress_model
    assert model.row_names() == [s.name for s in report.stress]
    header = [model.headerData(c, Qt.Orientation.Horizontal, DISPLAY) for c in range(7)]
    assert header == ["SPX", "VIX", "Days", "Condor", "Hedge", "Net", "Loss cut"]
    assert [_text(model, 0, c) for c in range(7)] == [
        f"{MINUS}3.9%",
        "44.1",
        "1",
        f"{MINUS}$12.3k",
        "+$4.57k",
        f"{MINUS}$7.78k",
        "37%",
    ]
    # Exact dollars in the tooltips.
    tips = [model.data(model.index(0, c), Qt.ItemDataRole.ToolTipRole) for c in (3, 5)]
    assert tips == [f"{MINUS}$12,346", f"{MINUS}$7,778"]
    assert [_is_red(model, 0, c) for c in range(7)] == [
        False,
        False,
        False,
        True,
        False,
        True,
        False,
    ]
    # The up move: hedge loses (red), condor wins, no loss cut.
    assert _text(model, 1, 6) == "\u2014"
    assert _is_red(model, 1, 4) and not _is_red(model, 1, 3)
    hedge_tip = model.data(model.index(0, 4), Qt.ItemDataRole.ToolTipRole)
    assert hedge_tip.startswith("+$4,568 (")
    assert "Near +$3,000" in hedge_tip


def test_warnings_and_no_condor_no_hedge(panel: RiskPanel) -> None:
    no_condor = synthetic_report(condor=False)
    panel.set_report(no_condor)
    assert panel.greeks_model.row_names() == ["Near", "Tail", "Total"]
    names = panel.summary_model.row_names()
    assert _text(panel.summary_model, names.index("Condor max loss"), 0) == "unbounded / no condor"
    assert _text(panel.summary_model, names.index("Net credit"), 0) == "$1,200 debit"

    panel.set_report(empty_report())
    assert panel.greeks_model.row_names() == ["Total"]
    assert panel.stress_model.rowCount() == 0
    assert panel.warnings_label.isVisibleTo(panel)
    assert "no legs in the plan" in panel.warnings_label.text()

    none_values = dataclasses.replace(
        synthetic_report(),
        condor_max_profit_usd=None,
        net_credit_usd=float("nan"),
    )
    panel.set_report(none_values)
    assert _text(panel.summary_model, 0, 0) == "\u2014"
    assert _text(panel.summary_model, 1, 0) == "\u2014"


def test_tables_fit_without_inner_vertical_scroll(panel: RiskPanel) -> None:
    panel.set_report(synthetic_report())
    for view in panel.views:
        model = view.model()
        rows_height = sum(view.rowHeight(r) for r in range(model.rowCount()))
        assert view.viewport().height() >= rows_height


def test_realistic_plan_through_evaluate(panel: RiskPanel, plan: Plan) -> None:
    report = evaluate(plan)
    panel.set_report(report)
    greeks = panel.greeks_model
    assert greeks.row_names() == ["Condor", "Near", "Mid", "Tail", "Total"]
    total = greeks.rowCount() - 1
    assert _text(greeks, total, 0) == fmt_usd(report.total.spx_delta_usd)
    assert _text(greeks, total, 5) == fmt_usd(report.total.theta_usd)
    assert _text(greeks, 0, 6) == fmt_usd(report.groups[Group.CONDOR].spx_equiv_delta_usd)
    stress = panel.stress_model
    assert stress.row_names() == [s.name for s in report.stress]
    for r, row in enumerate(report.stress):
        assert _text(stress, r, 5) == fmt_usd_compact(row.net_pnl_usd, sign=True)
        assert _is_red(stress, r, 3) == (row.condor_pnl_usd < 0)
        assert _is_red(stress, r, 5) == (row.net_pnl_usd < 0)
    cost = panel.hedge_cost_model
    annual = cost.row_names().index("Annual carry")
    assert _text(cost, annual, 1) == fmt_pct(report.hedge_cost.carry_annual_pct_capital, 2, True)


def _visible_in_scroll_area(panel: RiskPanel, view: QTableView, row: int, column: int) -> bool:
    """Whether the cell's whole rectangle shows in the panel's viewport as it is scrolled."""
    rect = view.visualRect(view.model().index(row, column))
    viewport = panel.scroll_area.viewport()
    top_left = view.viewport().mapTo(viewport, rect.topLeft())
    bottom_right = view.viewport().mapTo(viewport, rect.bottomRight())
    return (
        view.isVisibleTo(panel)
        and rect.isValid()
        and viewport.rect().contains(top_left)
        and viewport.rect().contains(bottom_right)
    )


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_key_figures_show_without_scrolling_in_the_window(
    qtbot: QtBot, tmp_path: Path, size: tuple[int, int]
) -> None:
    """#13 item 7: at 1366x768 the sample's nine break-even rows pushed the stress table below
    the fold. The greeks' total, net credit and max loss, and the first scenarios' net P&L and
    loss cut show in the dock as it opens, neither scrolled down nor sideways."""
    document = PlanDocument(load_plan(sample_plan_path()))
    qtbot.waitUntil(lambda: document.report is not None, timeout=10000)
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    win = shown_window(qtbot, document, settings, size)
    win.risk_dock.raise_()
    qtbot.wait(50)
    panel = win.risk_panel
    assert panel.scroll_area.verticalScrollBar().value() == 0
    greeks = panel.greeks_view
    total = greeks.model().columnCount() - 1
    for row in range(greeks.model().rowCount()):
        assert _visible_in_scroll_area(panel, greeks, row, total)
    names = panel.summary_model.row_names()
    for name in ("Net credit", "Condor max loss"):
        assert _visible_in_scroll_area(panel, panel.summary_view, names.index(name), 0)
    stress = panel.stress_view
    headers = [stress.model().headerData(c, Qt.Orientation.Horizontal) for c in range(7)]
    net, cut = headers.index("Net"), headers.index("Loss cut")
    shown = [
        r
        for r in range(stress.model().rowCount())
        if _visible_in_scroll_area(panel, stress, r, net)
        and _visible_in_scroll_area(panel, stress, r, cut)
    ]
    assert shown[:1] == [0], "the first scenario's net P&L and loss cut are in sight"
    print(f"{size}: {len(shown)} of {stress.model().rowCount()} stress rows in sight")
    close_and_delete(win)
    document.stop()


def test_sections_fold_and_the_fold_is_remembered(qtbot: QtBot, tmp_path: Path) -> None:
    """#13 item 8: the user folds a section away (the stress rows move up into sight); the
    next panel made with the same settings opens with it folded."""
    settings = QSettings(str(tmp_path / "panel.ini"), QSettings.Format.IniFormat)
    panel = shown_at(qtbot, RiskPanel(settings=settings), (380, 500))
    panel.set_report(synthetic_report())
    assert list(panel.sections) == ["greeks", "position", "stress", "hedge_cost"]
    assert all(s.is_expanded() for s in panel.sections.values())
    qtbot.wait(20)
    stress_top = panel.stress_view.mapTo(panel, panel.stress_view.rect().topLeft()).y()
    panel.sections["greeks"].title_button.click()
    qtbot.wait(20)
    assert not panel.greeks_view.isVisibleTo(panel)
    assert panel.stress_view.mapTo(panel, panel.stress_view.rect().topLeft()).y() < stress_top
    settings.sync()

    again = RiskPanel(settings=QSettings(str(tmp_path / "panel.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(again)
    assert not again.sections["greeks"].is_expanded()
    assert again.sections["stress"].is_expanded()
    again.sections["greeks"].title_button.click()
    assert again.sections["greeks"].is_expanded() and again.greeks_view.isVisibleTo(again)
    # Without settings nothing is kept: every section opens unfolded.
    unkept = RiskPanel()
    qtbot.addWidget(unkept)
    assert unkept.sections["greeks"].is_expanded()


def _horizon_plan(plan: Plan, days: int) -> Plan:
    return plan.with_changes(view=plan.view.with_changes(horizon_days=days))


def test_a_horizon_only_report_leaves_the_other_tables_untouched(
    panel: RiskPanel, plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 13 "Speed": only the break-evens depend on the horizon; the greeks, stress and
    # hedge-cost tables are neither rebuilt nor redrawn on each frame of a horizon drag.
    panel.set_report(evaluate(_horizon_plan(plan, 10)))
    signals: dict[str, list[object]] = {}
    models = {
        "greeks": panel.greeks_model,
        "stress": panel.stress_model,
        "hedge_cost": panel.hedge_cost_model,
        "position": panel.summary_model,
    }
    builds: list[str] = []
    for name, model in models.items():
        build = type(model).build

        def counted(report: object, build: object = build, name: str = name) -> object:
            builds.append(name)
            return build(report)  # type: ignore[operator]

        monkeypatch.setattr(type(model), "build", staticmethod(counted))
    for name, model in models.items():
        seen = signals.setdefault(name, [])
        model.dataChanged.connect(lambda a, b, *_r, seen=seen: seen.append((a.row(), b.row())))
        model.modelReset.connect(lambda seen=seen: seen.append("reset"))
        model.headerDataChanged.connect(lambda *_a, seen=seen: seen.append("header"))
    report = evaluate(_horizon_plan(plan, 20))
    panel.set_report(report)
    assert builds == ["position"]
    for name in ("greeks", "stress", "hedge_cost"):
        assert signals[name] == [], name
    # The position table: its horizon break-even row alone, in place.
    position = panel.summary_model
    headers = [
        position.headerData(r, Qt.Orientation.Vertical, DISPLAY) for r in range(position.rowCount())
    ]
    row = headers.index("Break-even T+20d")
    assert signals["position"] == ["header", (row, row)]
    # And the tables are what a fresh panel shows for that report.
    monkeypatch.undo()
    fresh = RiskPanel()
    fresh.set_report(report)
    for model, fresh_model in zip(
        models.values(),
        (fresh.greeks_model, fresh.stress_model, fresh.hedge_cost_model, fresh.summary_model),
        strict=True,
    ):
        assert model.table == fresh_model.table
    fresh.deleteLater()


@pytest.mark.parametrize(
    "model_type", [GreeksTableModel, SummaryModel, HedgeCostModel, StressTableModel]
)
def test_each_table_reads_only_the_report_fields_it_names(
    model_type: type[GreeksTableModel], plan: Plan
) -> None:
    # A model skips its rebuild while the fields in `reads` are unchanged: a table that read
    # any other field would go stale. Built from a report holding only those fields (every
    # other one None), it must be the same table.
    report = evaluate(plan)
    kept = set(model_type.reads)
    bare = dataclasses.replace(
        report,
        **{f.name: None for f in dataclasses.fields(report) if f.name not in kept},  # type: ignore[arg-type]
    )
    assert model_type.build(bare) == model_type.build(report)
