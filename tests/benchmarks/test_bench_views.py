"""How long the views take to show a new report (the edit-to-chart path has a 30 ms budget).

Figures are printed by pytest-benchmark; nothing here asserts a time.
"""

from __future__ import annotations

import pytest
from pytest_benchmark.fixture import BenchmarkFixture
from pytestqt.qtbot import QtBot

from planner.cli import sample_plan_path
from planner.engine.evaluate import evaluate
from planner.engine.report import Report
from planner.model import load_plan
from planner.ui.heatmap_view import HeatMapView
from planner.ui.payoff_chart import PayoffChart
from planner.ui.risk_panel import RiskPanel


def _full_size_report() -> Report:
    """The bundled sample (SPX 7,450 / VIX 16.4, 5-lot condor, 4/4/2 hedge, 20 stress rows) with
    the default view settings: 801 chart points x 5 curves, a 61 x 41 heat map."""
    return evaluate(load_plan(sample_plan_path()))


@pytest.fixture(scope="module")
def report() -> Report:
    return _full_size_report()


def test_bench_views_set_report(qtbot: QtBot, benchmark: BenchmarkFixture, report: Report) -> None:
    chart, heat, risk = PayoffChart(), HeatMapView(), RiskPanel()
    for widget, size in ((chart, (1200, 700)), (heat, (900, 600)), (risk, (420, 900))):
        qtbot.addWidget(widget)
        widget.resize(*size)
        widget.show()
    assert report.curves.combined_usd.shape == (3, 801)

    def show_all() -> None:
        chart.set_report(report)
        heat.set_report(report)
        risk.set_report(report)

    benchmark(show_all)
    assert chart.curves  # the widgets were really updated
    assert heat.image.image is not None


def test_bench_chart_set_report_and_paint(
    qtbot: QtBot, benchmark: BenchmarkFixture, report: Report
) -> None:
    """set_report plus a full render of the plot (offscreen raster, so text is slow)."""
    chart = PayoffChart()
    qtbot.addWidget(chart)
    chart.resize(1200, 700)
    chart.show()
    qtbot.waitExposed(chart)

    def update_and_paint() -> None:
        chart.set_report(report)
        chart.plot_widget.grab()

    benchmark(update_and_paint)
