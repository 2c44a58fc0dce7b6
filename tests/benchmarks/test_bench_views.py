"""How long the views take to show a new report (the edit-to-chart path has a 30 ms budget).

Figures are printed by pytest-benchmark; nothing here asserts a time.
"""

from __future__ import annotations

import datetime as dt

import pytest
from pytest_benchmark.fixture import BenchmarkFixture
from pytestqt.qtbot import QtBot

from planner.engine.evaluate import evaluate
from planner.engine.report import Report
from planner.engine.types import Group, Right, Underlying
from planner.model.plan import FuturePoint, Leg, Market, Plan, StressScenario
from planner.ui.heatmap_view import HeatMapView
from planner.ui.payoff_chart import PayoffChart
from planner.ui.risk_panel import RiskPanel


def _full_size_report() -> Report:
    """SPX 7450 / VIX 16.4 in contango, a 5-lot condor ~50 days out and a 4/4/2 VIX call hedge,
    with the default view settings: 801 chart points x 5 curves, a 61 x 41 heat map."""
    condor_expiry = dt.date(2027, 1, 8)

    def spx(leg_id: str, right: Right, qty: int, strike: float) -> Leg:
        return Leg(
            id=leg_id,
            underlying=Underlying.SPX,
            right=right,
            quantity=qty,
            strike=strike,
            expiry=condor_expiry,
            group=Group.CONDOR,
        )

    def vix(leg_id: str, group: Group, qty: int, strike: float, expiry: dt.date) -> Leg:
        return Leg(
            id=leg_id,
            underlying=Underlying.VIX,
            right=Right.CALL,
            quantity=qty,
            strike=strike,
            expiry=expiry,
            group=group,
        )

    plan = Plan(
        name="bench",
        valuation_date=dt.date(2026, 11, 20),
        capital_usd=250_000.0,
        market=Market(
            spx=7450.0,
            rate=0.04,
            dividend_yield=0.013,
            vix=16.4,
            futures=(
                FuturePoint(expiry=dt.date(2026, 12, 16), price=17.6),
                FuturePoint(expiry=dt.date(2027, 1, 20), price=18.3),
                FuturePoint(expiry=dt.date(2027, 2, 17), price=18.9),
                FuturePoint(expiry=dt.date(2027, 3, 17), price=19.4),
            ),
        ),
        legs=(
            spx("long_put", Right.PUT, 5, 6900.0),
            spx("short_put", Right.PUT, -5, 6950.0),
            spx("short_call", Right.CALL, -5, 7840.0),
            spx("long_call", Right.CALL, 5, 7890.0),
            vix("near", Group.NEAR, 4, 18.0, dt.date(2026, 11, 25)),
            vix("mid", Group.MID, 4, 22.0, dt.date(2026, 12, 30)),
            vix("tail", Group.TAIL, 2, 28.0, dt.date(2027, 2, 17)),
        ),
        stress=tuple(
            StressScenario(name=f"SPX {m:+.0f} %", spx_move_pct=m) for m in (-10, -5, -3, 3, 5)
        ),
    )
    return evaluate(plan)


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
