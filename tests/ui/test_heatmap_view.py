"""HeatMapView shows report.heat as is: orientation, placement, symmetric levels, readout."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from pytestqt.qtbot import QtBot

from planner.engine.evaluate import evaluate
from planner.engine.report import HeatMap
from planner.model.plan import Plan
from planner.present.formatting import MINUS, fmt_usd
from planner.ui.heatmap_view import HeatMapView, cell_rect, symmetric_levels

from .test_payoff_chart import SPOT, empty_report, synthetic_report


def _image_shape(view: HeatMapView) -> tuple[int, ...]:
    return tuple(view.image.image.shape)


@pytest.fixture
def view(qtbot: QtBot) -> HeatMapView:
    widget = HeatMapView()
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_image_is_report_grid_rows_are_vix(view: HeatMapView) -> None:
    report = synthetic_report()
    view.set_report(report)
    pnl = report.heat.pnl_usd
    assert pnl.shape == (7, 13)
    np.testing.assert_array_equal(view.image.image, pnl)
    # Row-major: image row i is VIX level i, column j is SPX price j.
    assert view.image.axisOrder == "row-major"
    assert view.image.width() == report.heat.spx.size
    assert view.image.height() == report.heat.vix.size


def test_image_placed_on_grid_nodes(view: HeatMapView) -> None:
    report = synthetic_report()
    view.set_report(report)
    spx, vix = report.heat.spx, report.heat.vix
    # The pixel (row 2, column 5) must be centred on (spx[5], vix[2]) in plot coordinates.
    centre = view.image.mapToParent(QPointF(5.5, 2.5))
    assert centre.x() == pytest.approx(spx[5])
    assert centre.y() == pytest.approx(vix[2])
    rect = cell_rect(spx, vix)
    step = spx[1] - spx[0]
    assert rect.left() == pytest.approx(spx[0] - step / 2)
    assert rect.right() == pytest.approx(spx[-1] + step / 2)


def test_descending_axes_are_flipped_consistently(view: HeatMapView) -> None:
    report = synthetic_report()
    heat = report.heat
    reversed_heat = HeatMap(
        spx=heat.spx[::-1],
        vix=heat.vix[::-1],
        pnl_usd=heat.pnl_usd[::-1, ::-1],
        horizon_days=heat.horizon_days,
        map_vix=heat.map_vix[::-1],
    )
    view.set_report(dataclasses.replace(report, heat=reversed_heat))
    np.testing.assert_array_equal(view.image.image, heat.pnl_usd)


def test_levels_symmetric_around_zero(view: HeatMapView) -> None:
    report = synthetic_report()
    view.set_report(report)
    low, high = view.levels()
    top = float(np.abs(report.heat.pnl_usd).max())
    assert (low, high) == pytest.approx((-top, top))
    image_low, image_high = view.image.getLevels()
    assert (image_low, image_high) == pytest.approx((-top, top))
    # Zero P&L maps to the middle of the colour map: the neutral colour.
    cmap = view.color_bar.colorMap()
    mid = cmap.map(0.5, mode="qcolor")
    assert mid.lightness() > 230


def test_symmetric_levels_edge_cases() -> None:
    assert symmetric_levels(np.array([[-5.0, 2.0], [np.nan, 1.0]])) == (-5.0, 5.0)
    assert symmetric_levels(np.zeros((2, 2))) == (-1.0, 1.0)
    assert symmetric_levels(np.zeros((0, 0))) == (-1.0, 1.0)


def test_map_line_and_spot_marker(view: HeatMapView) -> None:
    report = synthetic_report()
    view.set_report(report)
    x, y = view.map_line.getData()
    np.testing.assert_array_equal(x, report.heat.spx)
    np.testing.assert_array_equal(y, report.heat.map_vix)
    assert view.spot_line.value() == pytest.approx(SPOT)
    assert view.vix_line.value() == pytest.approx(report.vix)


def test_hover_readout_shows_cell_value(view: HeatMapView) -> None:
    report = synthetic_report()
    view.set_report(report)
    spx, vix, pnl = report.heat.spx, report.heat.vix, report.heat.pnl_usd
    # Slightly off the node: the readout is the containing cell's value from the report.
    price, level = spx[3] + 10.0, vix[5] - 0.5
    scene = view.plot_item.getViewBox().mapViewToScene(QPointF(price, level))
    view._on_mouse_moved(scene)
    text = view.readout.text()
    assert fmt_usd(float(pnl[5, 3]), sign=True) in text
    assert f"VIX {vix[5]:.1f}" in text
    assert f"SPX {spx[3]:,.2f}" in text
    move = 100.0 * (spx[3] / SPOT - 1.0)
    assert f"({MINUS}{abs(move):.2f}%)" in text
    assert view.readout_at(spx[0] - 1000.0, vix[0]) == "\u2014"


def test_empty_heat_map_does_not_crash(view: HeatMapView) -> None:
    view.set_report(synthetic_report())
    view.set_report(empty_report())
    assert view.image.image is None
    assert not view.spot_line.isVisible()
    view._on_mouse_moved(QPointF(10.0, 10.0))
    assert view.readout_at(7000.0, 20.0) == "\u2014"
    # Recovers when data comes back.
    view.set_report(synthetic_report(n_heat_spx=5, n_heat_vix=5))
    assert _image_shape(view) == (5, 5)


def test_realistic_plan_through_evaluate(view: HeatMapView, plan: Plan) -> None:
    report = evaluate(plan)
    view.set_report(report)
    heat = report.heat
    assert heat.pnl_usd.shape == (heat.vix.size, heat.spx.size)
    np.testing.assert_array_equal(view.image.image, heat.pnl_usd)
    top = float(np.abs(heat.pnl_usd).max())
    assert view.levels() == pytest.approx((-top, top))
    _, y = view.map_line.getData()
    np.testing.assert_array_equal(y, heat.map_vix)
    row, col = heat.vix.size // 2, heat.spx.size // 2
    text = view.readout_at(float(heat.spx[col]), float(heat.vix[row]))
    assert fmt_usd(float(heat.pnl_usd[row, col]), sign=True) in text
