"""PayoffChart shows exactly what the Report says: curves, markers, readouts, toggles."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QImage, QPainter
from pytestqt.qtbot import QtBot

from planner.engine.evaluate import evaluate
from planner.engine.report import (
    BreakEven,
    GreeksTotals,
    HeatMap,
    HedgeCost,
    LegRisk,
    PayoffCurves,
    Report,
    StressRow,
    TermStructure,
)
from planner.engine.types import Group, Right, Underlying
from planner.model.plan import Plan
from planner.present.formatting import MINUS, fmt_usd
from planner.ui.payoff_chart import (
    CURVE_ROWS,
    DollarAxis,
    MovePctAxis,
    PayoffChart,
)
from planner.ui.theme import CurveKey
from tests.ui.conftest import realistic_plan

SPOT = 7450.0
VIX0 = 16.4
VALUATION = dt.date(2026, 11, 20)


def _leg(
    leg_id: str,
    group: Group,
    underlying: Underlying,
    right: Right,
    strike: float,
    quantity: int,
) -> LegRisk:
    return LegRisk(
        id=leg_id,
        group=group,
        underlying=underlying,
        right=right,
        strike=strike,
        expiry=VALUATION + dt.timedelta(days=50),
        quantity=quantity,
        days_to_expiry=50,
        years_to_expiry=50 / 365,
        iv=0.15,
        forward=None if underlying is Underlying.SPX else 18.0,
        model_price_pts=10.0,
        entry_price_pts=10.0,
        delta=0.1,
        gamma=0.001,
        vega=1.0,
        theta=-0.5,
        market_value_usd=quantity * 1000.0,
        delta_usd=quantity * 10.0,
        gamma_usd=0.1,
        spx_vega_usd=quantity * 50.0,
        vix_vega_usd=0.0,
        theta_usd=quantity * -25.0,
        vix_delta_usd=0.0,
        spx_equiv_delta_usd=quantity * 12.0,
        pnl_usd=0.0,
    )


def _totals(scale: float) -> GreeksTotals:
    return GreeksTotals(
        market_value_usd=1000.0 * scale,
        premium_usd=-2500.0 * scale,
        spx_delta_usd=-123.456 * scale,
        spx_gamma_usd=-0.4321 * scale,
        vix_delta_usd=1234.5 * scale,
        spx_vega_usd=-3456.0 * scale,
        vix_vega_usd=789.0 * scale,
        theta_usd=-98.7 * scale,
        spx_equiv_delta_usd=-150.0 * scale,
        pnl_usd=0.0,
    )


def synthetic_report(
    n: int = 81,
    *,
    condor: bool = True,
    hedge: bool = True,
    n_heat_spx: int = 13,
    n_heat_vix: int = 7,
) -> Report:
    """A small, made-up but self-consistent Report: arrays are distinct per row so a row mix-up
    or a transposed heat map shows in the assertions."""
    spx = np.linspace(6000.0, 8000.0, n)
    move = 100.0 * (spx / SPOT - 1.0)
    vix = np.maximum(VIX0 + np.where(move < 0, -1.5 * move, -0.9 * move), 9.0)
    tent = 5000.0 - 0.02 * (spx - SPOT) ** 2
    condor_rows = np.vstack([tent * 0.3, tent * 0.6, np.clip(tent, -20000.0, 3000.0)])
    hedge_rows = np.vstack([np.maximum(-move, 0) * 400.0 - 800.0 + k * 50 for k in range(3)])
    if not condor:
        condor_rows = np.zeros((3, n))
    if not hedge:
        hedge_rows = np.zeros((3, n))
    combined = condor_rows + hedge_rows

    heat_spx = np.linspace(6500.0, 8000.0, n_heat_spx)
    heat_vix = np.linspace(10.0, 40.0, n_heat_vix)
    # Not symmetric in either axis, and rows differ from columns, so orientation errors show.
    pnl = (heat_vix[:, None] - 15.0) * 300.0 + (heat_spx[None, :] - SPOT) * 4.0 - 2000.0
    heat_move = 100.0 * (heat_spx / SPOT - 1.0)
    heat = HeatMap(
        spx=heat_spx,
        vix=heat_vix,
        pnl_usd=pnl,
        horizon_days=25,
        map_vix=np.maximum(VIX0 - 1.5 * heat_move, 9.0),
    )
    legs: list[LegRisk] = []
    if condor:
        legs += [
            _leg("long_put", Group.CONDOR, Underlying.SPX, Right.PUT, 6900.0, 5),
            _leg("short_put", Group.CONDOR, Underlying.SPX, Right.PUT, 6950.0, -5),
            _leg("short_call", Group.CONDOR, Underlying.SPX, Right.CALL, 7840.0, -5),
            _leg("long_call", Group.CONDOR, Underlying.SPX, Right.CALL, 7890.0, 5),
        ]
    groups: dict[Group, GreeksTotals] = {}
    if condor:
        groups[Group.CONDOR] = _totals(1.0)
    if hedge:
        legs += [
            _leg("near_call", Group.NEAR, Underlying.VIX, Right.CALL, 18.0, 4),
            _leg("tail_call", Group.TAIL, Underlying.VIX, Right.CALL, 28.0, 2),
        ]
        groups[Group.NEAR] = _totals(0.5)
        groups[Group.TAIL] = _totals(-0.25)
    stress = (
        StressRow(
            name="Aug 24 2015",
            spx_move_pct=-3.9,
            spx=SPOT * 0.961,
            vix=44.1,
            days=1,
            condor_pnl_usd=-12345.6,
            hedge_pnl_usd=4567.8,
            other_pnl_usd=0.0,
            net_pnl_usd=-7777.8,
            loss_cut=0.37,
            layer_pnl_usd={Group.NEAR: 3000.0, Group.TAIL: 1567.8},
        ),
        StressRow(
            name="SPX +3 %",
            spx_move_pct=3.0,
            spx=SPOT * 1.03,
            vix=13.7,
            days=1,
            condor_pnl_usd=1500.0,
            hedge_pnl_usd=-600.0,
            other_pnl_usd=0.0,
            net_pnl_usd=900.0,
            loss_cut=None,
            layer_pnl_usd={},
        ),
    )
    break_evens = (
        (
            BreakEven(0, SPOT, 0.0, VIX0),
            BreakEven(25, 6980.0, 100.0 * (6980.0 / SPOT - 1.0), 25.9),
            BreakEven(25, 7905.0, 100.0 * (7905.0 / SPOT - 1.0), 11.1),
            BreakEven(50, 6925.0, 100.0 * (6925.0 / SPOT - 1.0), 26.9),
        )
        if condor
        else ()
    )
    return Report(
        plan_name="synthetic",
        valuation_date=VALUATION,
        spx=SPOT,
        vix=VIX0,
        capital_usd=250_000.0,
        horizon_days=25,
        condor_expiry_days=50 if condor else None,
        legs=tuple(legs),
        groups=groups,
        total=_totals(1.25),
        curves=PayoffCurves(
            spx=spx,
            move_pct=move,
            vix=vix,
            horizons_days=(0, 25, 50),
            combined_usd=combined,
            condor_usd=condor_rows,
            hedge_usd=hedge_rows,
        ),
        heat=heat,
        break_evens=break_evens,
        net_credit_usd=4321.0 if condor else -1200.0,
        condor_max_profit_usd=4321.0 if condor else None,
        condor_max_loss_usd=-20679.0 if condor else None,
        hedge_cost=HedgeCost(
            premium_usd=1200.0,
            premium_pct_capital=0.48,
            theta_usd_per_day=-21.5,
            carry_30d_usd=-410.0,
            carry_annual_usd=-4988.3,
            carry_annual_pct_capital=-1.995,
        ),
        stress=stress,
        term_structure=TermStructure(
            state="contango",
            slope_pts_per_month=0.6,
            front_basis_pts=1.2,
            days=np.array([26.0, 61.0]),
            futures=np.array([17.6, 18.3]),
        ),
        warnings=(),
        # The chart never reads the ALVH proposal; any real one fills the required field.
        alvh=evaluate(realistic_plan()).alvh,
    )


def empty_report() -> Report:
    """No legs at all, empty arrays everywhere."""
    base = synthetic_report(condor=False, hedge=False)
    empty = np.zeros(0)
    return dataclasses.replace(
        base,
        legs=(),
        groups={},
        curves=PayoffCurves(
            spx=empty,
            move_pct=empty,
            vix=empty,
            horizons_days=(0, 0, 0),
            combined_usd=np.zeros((3, 0)),
            condor_usd=np.zeros((3, 0)),
            hedge_usd=np.zeros((3, 0)),
        ),
        heat=HeatMap(
            spx=empty,
            vix=empty,
            pnl_usd=np.zeros((0, 0)),
            horizon_days=0,
            map_vix=empty,
        ),
        stress=(),
        break_evens=(),
        warnings=("no legs in the plan",),
    )


@pytest.fixture
def chart(qtbot: QtBot) -> PayoffChart:
    widget = PayoffChart()
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_curves_equal_report_rows(chart: PayoffChart) -> None:
    report = synthetic_report()
    chart.set_report(report)
    expected = {
        CurveKey.T0: report.curves.combined_usd[0],
        CurveKey.HORIZON: report.curves.combined_usd[1],
        CurveKey.EXPIRY: report.curves.combined_usd[2],
        CurveKey.CONDOR: report.curves.condor_usd[1],
        CurveKey.HEDGE: report.curves.hedge_usd[1],
    }
    for key, y in expected.items():
        x_shown, y_shown = chart.curves[key].getData()
        np.testing.assert_array_equal(x_shown, report.curves.spx)
        np.testing.assert_array_equal(y_shown, y)
    assert CURVE_ROWS[CurveKey.HORIZON] == 1


def test_curves_are_updated_in_place(chart: PayoffChart) -> None:
    chart.set_report(synthetic_report())
    before = {k: id(c) for k, c in chart.curves.items()}
    items_before = len(chart.plot_item.items)
    second = synthetic_report(n=41, hedge=False)
    chart.set_report(second)
    assert {k: id(c) for k, c in chart.curves.items()} == before
    assert len(chart.plot_item.items) == items_before
    _, y = chart.curves[CurveKey.HEDGE].getData()
    np.testing.assert_array_equal(y, np.zeros(41))


def test_shading_splits_horizon_curve_at_zero(chart: PayoffChart) -> None:
    report = synthetic_report()
    chart.set_report(report)
    horizon = report.curves.combined_usd[1]
    _, profit = chart._profit_fill.getData()
    _, loss = chart._loss_fill.getData()
    assert (profit >= 0).all() and (loss <= 0).all()
    np.testing.assert_allclose(profit + loss, horizon)


def test_toggling_hides_and_shows_curves(qtbot: QtBot, chart: PayoffChart) -> None:
    chart.set_report(synthetic_report())
    with qtbot.waitSignal(chart.curve_visibility_changed) as blocker:
        chart.checkboxes[CurveKey.CONDOR].setChecked(False)
    assert blocker.args == [{k.value: k is not CurveKey.CONDOR for k in CurveKey}]
    assert not chart.curves[CurveKey.CONDOR].isVisible()
    assert chart.curve_visibility()["condor"] is False

    chart.set_curve_visibility({"combined_horizon": False, "condor": True, "bogus": False})
    assert chart.curves[CurveKey.CONDOR].isVisible()
    assert not chart.curves[CurveKey.HORIZON].isVisible()
    assert not chart.checkboxes[CurveKey.HORIZON].isChecked()
    assert not chart._profit_fill.isVisible(), "shading follows the horizon curve"
    assert chart.curve_visibility() == {
        "combined_t0": True,
        "combined_horizon": False,
        "combined_expiry": True,
        "condor": True,
        "hedge": True,
    }


def test_legend_click_syncs_check_box(chart: PayoffChart) -> None:
    chart.set_report(synthetic_report())
    # A legend click calls setVisible on the item (pyqtgraph's ItemSample.mouseClickEvent).
    chart.curves[CurveKey.HEDGE].setVisible(False)
    assert not chart.checkboxes[CurveKey.HEDGE].isChecked()
    assert chart.curve_visibility()["hedge"] is False


def test_markers_at_spot_short_strikes_and_break_evens(chart: PayoffChart) -> None:
    report = synthetic_report()
    chart.set_report(report)
    assert chart.spot_line.value() == pytest.approx(SPOT)
    assert chart.preview_line.value() == pytest.approx(SPOT)
    shorts = sorted(
        leg.strike
        for leg in report.legs
        if leg.group is Group.CONDOR and leg.quantity < 0 and leg.underlying is Underlying.SPX
    )
    assert shorts == [6950.0, 7840.0]
    assert [line.value() for line in chart.short_strike_lines] == shorts
    # Horizon and expiry break-evens, by price; T+0's trivial one at spot is not drawn.
    assert [line.value() for line in chart.break_even_lines] == [6925.0, 6980.0, 7905.0]
    assert "short put 6,950" in chart.short_strike_lines[0].label.toPlainText()
    assert chart.spot_line.label.toPlainText() == "spot 7,450"
    assert "BE 6,980" in chart.break_even_lines[1].label.toPlainText()
    # Hiding the expiry curve hides its break-even marker only.
    chart.set_curve_visibility({"combined_expiry": False})
    assert [line.isVisible() for line in chart.break_even_lines] == [False, True, True]
    chart.set_curve_visibility({"combined_expiry": True})
    assert all(line.isVisible() for line in chart.break_even_lines)

    # A report without a condor removes the condor markers instead of leaving stale ones.
    chart.set_report(synthetic_report(condor=False))
    assert chart.short_strike_lines == []
    assert chart.break_even_lines == []


def test_markers_coming_and_going_reuse_their_plot_items(chart: PayoffChart) -> None:
    """#13 speed: the number of break-evens changes as the horizon is dragged; a line no longer
    needed waits hidden for the next report instead of being removed and made again."""
    with_condor, without = synthetic_report(), synthetic_report(condor=False)
    chart.set_report(with_condor)
    items = set(chart.plot_item.items)
    markers = {*chart.break_even_lines, *chart.short_strike_lines}
    for _ in range(3):
        chart.set_report(without)
        assert chart.break_even_lines == [] and chart.short_strike_lines == []
        chart.set_report(with_condor)
        assert [line.value() for line in chart.break_even_lines] == [6925.0, 6980.0, 7905.0]
        assert all(line.isVisible() for line in chart.break_even_lines)
        assert "short call 7,840" in chart.short_strike_lines[1].label.toPlainText()
        assert {*chart.break_even_lines, *chart.short_strike_lines} == markers
        assert set(chart.plot_item.items) == items
    chart.set_report(without)
    marker_lines = [
        item
        for item in chart.plot_item.items
        if isinstance(item, pg.InfiniteLine) and item.angle == 90 and item.isVisible()
    ]
    assert set(marker_lines) <= {chart.spot_line, chart.preview_line}


def _scene_point(chart: PayoffChart, x: float, y: float) -> QPointF:
    point: QPointF = chart.plot_item.getViewBox().mapViewToScene(QPointF(x, y))
    return point


def test_crosshair_readout_after_mouse_move(chart: PayoffChart) -> None:
    report = synthetic_report()
    chart.set_report(report)
    x = report.curves.spx[30]  # a grid node: the read-off is the report's own value
    chart._on_mouse_moved(_scene_point(chart, x, 0.0))
    text = chart.cursor_readout.text()
    assert chart.crosshair_v.isVisible()
    assert chart.crosshair_v.value() == pytest.approx(x)
    move = 100.0 * (x / SPOT - 1.0)
    assert f"SPX {x:,.2f}" in text
    assert f"{MINUS}{abs(move):.2f}%" in text
    assert f"VIX {report.curves.vix[30]:.1f}" in text
    for key in CurveKey:
        row = CURVE_ROWS[key]
        source = {
            CurveKey.CONDOR: report.curves.condor_usd,
            CurveKey.HEDGE: report.curves.hedge_usd,
        }.get(key, report.curves.combined_usd)
        assert fmt_usd(float(source[row, 30]), sign=True) in text

    # Hidden curves drop out of the readout.
    chart.set_curve_visibility({"condor": False})
    assert "Condor" not in chart.readout_at(x)


def test_readout_interpolates_between_nodes(chart: PayoffChart) -> None:
    report = synthetic_report()
    chart.set_report(report)
    x0, x1 = report.curves.spx[10], report.curves.spx[11]
    y0, y1 = report.curves.combined_usd[0, 10], report.curves.combined_usd[0, 11]
    mid = chart.values_at(0.5 * (x0 + x1))[CurveKey.T0]
    assert mid == pytest.approx(0.5 * (y0 + y1))
    outside = chart.values_at(report.curves.spx[-1] + 100.0)
    assert all(math.isnan(v) for v in outside.values())


def test_drag_preview_emits_and_reads_off_curve(qtbot: QtBot, chart: PayoffChart) -> None:
    report = synthetic_report()
    chart.set_report(report)
    target = float(report.curves.spx[20])
    with qtbot.waitSignal(chart.spot_preview) as blocker:
        chart.set_preview_price(target)
    assert blocker.args == [pytest.approx(target)]
    expected = fmt_usd(float(report.curves.combined_usd[1, 20]), sign=True)
    assert expected in chart.marker_readout.text()

    # A new report at the same spot keeps the user's marker; a new spot resets it.
    chart.set_report(report)
    assert chart.preview_price() == pytest.approx(target)
    chart.set_report(dataclasses.replace(report, spx=7500.0))
    assert chart.preview_price() == pytest.approx(7500.0)


def test_view_range_kept_after_user_zoom(chart: PayoffChart) -> None:
    report = synthetic_report()
    chart.set_report(report)
    vb = chart.plot_item.getViewBox()
    (x_lo, x_hi), _ = vb.viewRange()
    assert x_lo <= report.curves.spx[0] and x_hi >= report.curves.spx[-1]
    vb.setRange(xRange=(7000.0, 7200.0), padding=0.0)
    vb.sigRangeChangedManually.emit([True, True])  # what a mouse drag/zoom emits
    chart.set_report(synthetic_report(n=41))
    (x_lo, x_hi), _ = vb.viewRange()
    assert (x_lo, x_hi) == pytest.approx((7000.0, 7200.0))
    chart.reset_view()
    (x_lo, x_hi), _ = vb.viewRange()
    assert x_lo <= 6000.0 and x_hi >= 8000.0


def test_axis_labels() -> None:
    dollars = DollarAxis("left")
    assert dollars.tickStrings([-12000.0, 0.0, 5000.0], 1.0, 1000.0) == [
        f"{MINUS}$12,000",
        "$0",
        "$5,000",
    ]
    pct = MovePctAxis("top")
    pct.set_spot(8000.0)
    levels = pct.tickValues(7200.0, 8800.0, 600.0)
    major_step, major = levels[0]
    # Ticks land on round percentages of spot.
    assert all(
        abs(100.0 * (v / 8000.0 - 1.0) - round(100.0 * (v / 8000.0 - 1.0))) < 1e-9 for v in major
    )
    labels = pct.tickStrings([7600.0, 8000.0, 8400.0], 1.0, major_step)
    assert labels == [f"{MINUS}5%", "0%", "+5%"]


def test_no_crash_without_condor_or_legs(chart: PayoffChart) -> None:
    chart.set_report(synthetic_report(condor=False, hedge=False))
    chart.set_report(empty_report())
    x, _ = chart.curves[CurveKey.T0].getData()
    assert x is None or len(x) == 0
    chart._on_mouse_moved(_scene_point(chart, 7000.0, 0.0))
    assert chart.readout_at(7000.0) == "\u2014"
    assert not chart.preview_line.isVisible()


def test_grid_is_opaque_blend_of_background_and_behind_the_curves(chart: PayoffChart) -> None:
    """Translucent grid lines cost ~20 ms a repaint in Qt's raster engine: the axes draw them
    opaque, in the colour the translucent line would show on the plot background."""
    chart.set_report(synthetic_report())
    chart.plot_widget.grab()
    background = chart._theme.qcolor(chart._theme.background)
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        for name in ("left", "bottom", "top"):
            axis = chart.plot_item.getAxis(name)
            assert axis.grid is not False
            assert axis.zValue() < chart.plot_item.getViewBox().zValue()
            _, ours, _ = axis.generateDrawSpecs(painter)
            _, pyqtgraphs, _ = pg.AxisItem.generateDrawSpecs(axis, painter)
            assert len(ours) == len(pyqtgraphs) > 5
            assert any(pen.color().alpha() < 255 for pen, _, _ in pyqtgraphs)
            for (pen, start, stop), (original, start0, stop0) in zip(ours, pyqtgraphs, strict=True):
                assert (start, stop) == (start0, stop0)
                colour, alpha = original.color(), original.color().alphaF()
                assert pen.color().alpha() == 255
                for got, fg, bg in (
                    (pen.color().red(), colour.red(), background.red()),
                    (pen.color().green(), colour.green(), background.green()),
                    (pen.color().blue(), colour.blue(), background.blue()),
                ):
                    assert abs(got - (bg + (fg - bg) * alpha)) <= 0.5
    finally:
        painter.end()


def test_render_to_painter(chart: PayoffChart) -> None:
    chart.set_report(synthetic_report())
    image = QImage(800, 500, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    chart.render_to(painter, QRectF(0, 0, 800, 500), light_theme=True)
    painter.end()
    # Light theme: white paper with dark ink; the screen theme is restored afterwards.
    pixels = np.array(
        [[image.pixelColor(x, y).lightness() for x in range(0, 800, 4)] for y in range(0, 500, 4)]
    )
    assert np.median(pixels) > 200
    assert (pixels < 120).sum() > 100, "axes, labels and curves are drawn"
    assert chart._theme.name == "screen"


# ---------------------------------------------------------------- with the real engine


def test_realistic_plan_through_evaluate(chart: PayoffChart, plan: Plan) -> None:
    """The shared realistic plan (SPX 7450, VIX 16.4, contango, 5-lot condor, 4/4/2 VIX calls)
    evaluated by the engine: the chart shows the engine's arrays and markers."""
    report = evaluate(plan)
    chart.set_report(report)
    for key, row in CURVE_ROWS.items():
        source = {
            CurveKey.CONDOR: report.curves.condor_usd,
            CurveKey.HEDGE: report.curves.hedge_usd,
        }.get(key, report.curves.combined_usd)
        x, y = chart.curves[key].getData()
        np.testing.assert_array_equal(x, report.curves.spx)
        np.testing.assert_array_equal(y, source[row])
    shorts = sorted(
        leg.strike for leg in plan.legs if leg.group is Group.CONDOR and leg.quantity < 0
    )
    assert [line.value() for line in chart.short_strike_lines] == shorts
    assert chart.spot_line.value() == pytest.approx(plan.market.spx)
    drawn = sorted(line.value() for line in chart.break_even_lines)
    later = report.curves.horizons_days[1:]
    assert drawn == sorted(be.spx for be in report.break_evens if be.horizon_days in later)
    assert drawn, "a condor has break-evens at the horizon or at expiry"
    i = report.curves.spx.size // 3
    text = chart.readout_at(float(report.curves.spx[i]))
    assert fmt_usd(float(report.curves.combined_usd[1, i]), sign=True) in text


def test_render_to_fills_rect_for_a_never_shown_chart(qtbot: QtBot) -> None:
    """The headless renderer draws a chart that was never on screen: it must fill the target
    (no letterboxing) and restore the on-screen layout afterwards."""
    chart = PayoffChart()
    qtbot.addWidget(chart)
    chart.set_report(synthetic_report())
    before = chart.plot_item.geometry()
    image = QImage(1000, 400, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    chart.render_to(painter, QRectF(0, 0, 1000, 400), light_theme=True)
    painter.end()
    # The x axis labels sit near the bottom edge: dark pixels in the lowest 12 % of the image.
    bottom = [
        image.pixelColor(x, y).lightness() for x in range(0, 1000, 2) for y in range(352, 400)
    ]
    assert min(bottom) < 120
    assert chart.plot_item.geometry() == before


@pytest.mark.parametrize("width", [1200, 640])
def test_marker_labels_never_overlap(qtbot: QtBot, plan: Plan, width: int) -> None:
    widget = PayoffChart()
    qtbot.addWidget(widget)
    widget.resize(width, 500)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_report(evaluate(plan))
    qtbot.wait(10)
    labels = [
        line.label
        for line in (
            *widget.short_strike_lines,
            *widget.break_even_lines,
            widget.spot_line,
            widget.preview_line,
        )
        if line.isVisible() and line.label.toPlainText()
    ]
    assert len(labels) >= 3
    rects = [label.sceneBoundingRect() for label in labels]
    for i, a in enumerate(rects):
        for b in rects[i + 1 :]:
            assert not a.intersects(b), "two marker labels print over each other"


def test_first_report_packs_the_preview_label_with_its_text(qtbot: QtBot, plan: Plan) -> None:
    """The spot-preview label gets its text after the markers: it must still be packed."""
    widget = PayoffChart()
    qtbot.addWidget(widget)
    widget.resize(760, 420)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_report(evaluate(plan))
    preview = widget.preview_line.label
    assert preview.toPlainText()
    others = [ln.label for ln in widget.break_even_lines if ln.isVisible()]
    assert others
    for label in others:
        assert not preview.sceneBoundingRect().intersects(label.sceneBoundingRect())


def test_crosshair_readout_follows_a_new_report(chart: PayoffChart, plan: Plan) -> None:
    """#13.2: the cursor's read-out is rebuilt from each new report (a new condor, File ▸ New),
    never left showing the previous curve's P&L at the same price."""
    first = evaluate(plan)
    chart.set_report(first)
    i = first.curves.spx.size // 3
    price = float(first.curves.spx[i])
    chart._on_mouse_moved(_scene_point(chart, price, 0.0))
    old_text = fmt_usd(float(first.curves.combined_usd[1, i]), sign=True)
    assert old_text in chart.cursor_readout.text()

    bigger = plan.with_changes(
        legs=tuple(leg.with_changes(quantity=7 * leg.quantity) for leg in plan.legs)
    )
    second = evaluate(bigger)
    chart.set_report(second)
    j = int(np.argmin(np.abs(second.curves.spx - price)))
    expected = chart.readout_at(price)
    assert chart.cursor_readout.text() == expected
    assert (
        fmt_usd(
            float(np.interp(price, second.curves.spx, second.curves.combined_usd[1])), sign=True
        )
        in expected
    )
    assert old_text not in chart.cursor_readout.text()
    assert j >= 0

    empty = evaluate(plan.with_changes(legs=()))
    chart.set_report(empty)
    assert chart.cursor_readout.text() == chart.readout_at(price)
    assert old_text not in chart.cursor_readout.text()


def test_horizon_on_the_condor_expiry_labels_each_break_even_once(
    chart: PayoffChart, plan: Plan
) -> None:
    """#13.6: with the horizon at the condor's expiry the horizon and expiry curves coincide;
    their break-evens are one set of labels, not two printed over each other."""
    probe = evaluate(plan)
    end = probe.curves.horizons_days[2]
    report = evaluate(plan.with_changes(view=plan.view.with_changes(horizon_days=end)))
    assert report.curves.horizons_days[1] == report.curves.horizons_days[2]
    chart.set_report(report)
    values = [line.value() for line in chart.break_even_lines if line.isVisible()]
    assert values, "a condor has break-evens at expiry"
    assert len(values) == len(set(values))
    expected = {round(be.spx, 6) for be in report.break_evens if be.horizon_days == end}
    assert {round(v, 6) for v in values} == expected


def test_an_empty_plan_reads_round_dollars(chart: PayoffChart, plan: Plan) -> None:
    """#13.17: a flat zero curve gave the axis "$1, $0, $0, $0, −$1"."""
    chart.set_report(evaluate(plan.with_changes(legs=())))
    lo, hi = chart._view_box.viewRange()[1]
    assert hi - lo >= 1_000.0
    axis = DollarAxis()
    ticks = [-1.0, -0.5, 0.0, 0.5, 1.0]
    labels = axis.tickStrings(ticks, 1.0, 0.5)
    assert len(set(labels)) == len(labels)
    assert axis.tickStrings([-1000.0, 0.0, 1000.0], 1.0, 1000.0) == [
        f"{MINUS}$1,000",
        "$0",
        "$1,000",
    ]


@pytest.mark.parametrize("width", [1140, 716])
def test_dragged_marker_label_never_prints_over_a_break_even(
    qtbot: QtBot, plan: Plan, width: int
) -> None:
    """#13.10: the marker's label is re-packed as it is dragged onto a break-even's label."""
    widget = PayoffChart()
    qtbot.addWidget(widget)
    widget.resize(width, 460)
    widget.show()
    qtbot.waitExposed(widget)
    report = evaluate(plan)
    widget.set_report(report)
    evens = [line for line in widget.break_even_lines if line.isVisible()]
    assert evens
    for line in evens:
        widget.set_preview_price(float(line.value()) + 1.0)
        marker = widget.preview_line.label.sceneBoundingRect()
        for other in evens:
            assert not marker.intersects(other.label.sceneBoundingRect())


def test_expected_move_bands_and_floating_cursor_label(chart: PayoffChart, plan: Plan) -> None:
    """#13.14: ±1σ/±2σ bands at the horizon from the engine, and a label at the cursor."""
    from planner.engine.expected_move import expected_move

    report = evaluate(plan)
    chart.set_report(report)
    move = expected_move(plan, report.curves.horizons_days[1])
    chart.set_expected_move(move)
    shown = [r for r in chart.sigma_regions if r.isVisible()]
    assert len(shown) == 2
    for region, band in zip(shown, move.bands, strict=True):
        assert region.getRegion() == pytest.approx((band.low_spx, band.high_spx))
        assert f"±{band.sigmas:g}σ" in region.toolTip()
    chart.sigma_box.setChecked(False)
    assert not any(r.isVisible() for r in chart.sigma_regions)

    i = report.curves.spx.size // 2
    price = float(report.curves.spx[i])
    chart._on_mouse_moved(_scene_point(chart, price, 0.0))
    assert chart.cursor_label.isVisible()
    text = chart.cursor_label.textItem.toPlainText()
    assert fmt_usd(float(report.curves.combined_usd[1, i]), sign=True) in text
    assert chart.cursor_label.pos().x() == pytest.approx(price)


def test_a_horizon_only_report_gives_new_data_to_the_horizon_curves_only(
    chart: PayoffChart, plan: Plan
) -> None:
    # Issue 13 "Speed": on a horizon drag T+0 and the expiry curve stay as they were, and
    # pyqtgraph rebuilds (and repaints) a curve's path whenever it is given data.
    def at(days: int) -> Plan:
        return plan.with_changes(view=plan.view.with_changes(horizon_days=days))

    chart.set_report(evaluate(at(10)))
    given: list[CurveKey] = []
    for key, curve in chart.curves.items():
        curve.sigPlotChanged.connect(lambda *_a, key=key: given.append(key))
    fills: list[str] = []
    chart._profit_fill.sigPlotChanged.connect(lambda *_a: fills.append("profit"))
    report = evaluate(at(20))
    chart.set_report(report)
    assert set(given) == {CurveKey.HORIZON, CurveKey.CONDOR, CurveKey.HEDGE}
    assert fills == ["profit"]
    for key in CurveKey:
        source = {
            CurveKey.CONDOR: report.curves.condor_usd,
            CurveKey.HEDGE: report.curves.hedge_usd,
        }
        _, y_shown = chart.curves[key].getData()
        np.testing.assert_array_equal(
            y_shown, source.get(key, report.curves.combined_usd)[CURVE_ROWS[key]]
        )
    # The same report again: nothing is redrawn.
    given.clear()
    fills.clear()
    chart.set_report(report)
    assert given == [] and fills == []
