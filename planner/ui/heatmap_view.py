"""Heat map of the combined P&L over SPX price (x) and VIX level (y) at the horizon.

The picture is `report.heat.pnl_usd` as is: one pixel per grid cell, centred on its (price, VIX)
node. The colour map is diverging and its levels are symmetric (±max |P&L|) so that the neutral
colour is exactly zero P&L and equal colours mean equal dollars on either side. The spot-vol map
line (`report.heat.map_vix`) shows where VIX goes on the curves' preset; everywhere off that line
is the "VIX decoupled" case the heat map exists for.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from planner.engine.report import FloatArray, Report
from planner.present.formatting import (
    MISSING,
    fmt_pct,
    fmt_price,
    fmt_usd,
    fmt_usd_compact,
    fmt_vix,
)
from planner.ui.payoff_chart import PriceAxis
from planner.ui.theme import SCREEN, Theme

__all__ = ["HeatMapView", "cell_rect", "symmetric_levels"]

_EMPTY: FloatArray = np.zeros(0, dtype=np.float64)


def symmetric_levels(pnl_usd: FloatArray) -> tuple[float, float]:
    """(−m, +m) with m = max |finite P&L| (1 if there is none) so zero sits mid-scale."""
    values = np.asarray(pnl_usd, dtype=np.float64)
    finite = np.abs(values[np.isfinite(values)])
    top = float(finite.max()) if finite.size else 0.0
    if top <= 0.0:
        top = 1.0
    return -top, top


def _edges(centres: FloatArray) -> tuple[float, float]:
    """Outer edges of cells centred on evenly spaced `centres` (half a step beyond each end)."""
    if centres.shape[0] == 1:
        c = float(centres[0])
        return c - 0.5, c + 0.5
    step = (float(centres[-1]) - float(centres[0])) / (centres.shape[0] - 1)
    return float(centres[0]) - step / 2.0, float(centres[-1]) + step / 2.0


def cell_rect(spx: FloatArray, vix: FloatArray) -> QRectF:
    """Where the image goes in (price, VIX) coordinates so each pixel centres on its node."""
    x0, x1 = _edges(spx)
    y0, y1 = _edges(vix)
    return QRectF(x0, y0, x1 - x0, y1 - y0)


def _dollar_ticks(axis: Any) -> None:
    # The colour bar builds its own narrow AxisItem, which would print "-1.5e4" and drops labels
    # wider than the bar's axis: short dollars ("−$7.5k") fit.
    axis.enableAutoSIPrefix(False)
    axis.tickStrings = lambda values, scale, spacing: [fmt_usd_compact(v * scale) for v in values]


class _VixAxis(pg.AxisItem):  # type: ignore[misc]
    def __init__(self, orientation: str = "left") -> None:
        super().__init__(orientation)
        self.enableAutoSIPrefix(False)


class HeatMapView(QWidget):
    """P&L heat map with colour bar, hover readout, spot-vol map line and spot marker."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._theme: Theme = SCREEN
        self._report: Report | None = None
        self._spx: FloatArray = _EMPTY
        self._vix: FloatArray = _EMPTY
        self._pnl: FloatArray = np.zeros((0, 0), dtype=np.float64)
        self._flip_x = False
        self._flip_y = False

        self.plot_widget = pg.PlotWidget(
            axisItems={"bottom": PriceAxis("bottom"), "left": _VixAxis("left")}
        )
        self.plot_item: Any = self.plot_widget.getPlotItem()
        self.plot_item.setLabel("bottom", "SPX")
        self.plot_item.setLabel("left", "VIX")
        self.plot_item.setMenuEnabled(False)
        self.plot_item.setTitle("Combined P&L at horizon")
        self._view_box: Any = self.plot_item.getViewBox()

        # row-major: image[row, col] = pnl[vix index, spx index], the report's own layout.
        self.image: Any = pg.ImageItem(axisOrder="row-major")
        self.plot_item.addItem(self.image)
        self.color_bar: Any = pg.ColorBarItem(
            values=(-1.0, 1.0),
            colorMap=SCREEN.heat_colormap(),
            interactive=False,
            width=16,
            colorMapMenu=False,
        )
        _dollar_ticks(self.color_bar.axis)
        self.color_bar.setImageItem(self.image, insert_in=self.plot_item)

        self.map_line: Any = pg.PlotDataItem(_EMPTY, _EMPTY, connect="finite")
        self.plot_item.addItem(self.map_line)
        self.spot_line: Any = pg.InfiniteLine(
            angle=90, movable=False, label="", labelOpts={"position": 0.95}
        )
        self.vix_line: Any = pg.InfiniteLine(angle=0, movable=False)
        self.plot_item.addItem(self.spot_line, ignoreBounds=True)
        self.plot_item.addItem(self.vix_line, ignoreBounds=True)
        self.spot_line.hide()
        self.vix_line.hide()

        self.readout = QLabel(MISSING)
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.readout.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.plot_widget.scene().sigMouseMoved.connect(self._on_mouse_moved)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.plot_widget, 1)
        layout.addWidget(self.readout)
        self.apply_theme(SCREEN)

    @property
    def report(self) -> Report | None:
        return self._report

    def levels(self) -> tuple[float, float]:
        low, high = self.color_bar.levels()
        return float(low), float(high)

    def set_report(self, report: Report) -> None:
        heat = report.heat
        spx = np.asarray(heat.spx, dtype=np.float64)
        vix = np.asarray(heat.vix, dtype=np.float64)
        pnl = np.asarray(heat.pnl_usd, dtype=np.float64)
        self._report = report
        title = f"Combined P&L at T+{heat.horizon_days}d (SPX × VIX, VIX off the map)"
        self.plot_item.setTitle(title)
        if spx.size == 0 or vix.size == 0 or pnl.shape != (vix.size, spx.size):
            self._spx, self._vix = _EMPTY, _EMPTY
            self._pnl = np.zeros((0, 0), dtype=np.float64)
            self.image.clear()
            self.map_line.setData(_EMPTY, _EMPTY)
            self.spot_line.hide()
            self.vix_line.hide()
            return
        # Display ascending axes whatever order the engine used (presentation only).
        self._flip_x = bool(spx.size > 1 and spx[0] > spx[-1])
        self._flip_y = bool(vix.size > 1 and vix[0] > vix[-1])
        if self._flip_x:
            spx, pnl = spx[::-1], pnl[:, ::-1]
        if self._flip_y:
            vix, pnl = vix[::-1], pnl[::-1, :]
        self._spx, self._vix, self._pnl = spx, vix, pnl

        levels = symmetric_levels(pnl)
        self.image.setImage(pnl, autoLevels=False, levels=levels)
        self.image.setRect(cell_rect(spx, vix))
        self.color_bar.setLevels(levels)

        map_vix = np.asarray(heat.map_vix, dtype=np.float64)
        if map_vix.shape == np.asarray(heat.spx).shape:
            self.map_line.setData(np.asarray(heat.spx, dtype=np.float64), map_vix)
        else:
            self.map_line.setData(_EMPTY, _EMPTY)
        self.spot_line.setValue(report.spx)
        self.spot_line.label.setFormat(f"spot {fmt_price(report.spx, 0)}")
        self.spot_line.setVisible(math.isfinite(report.spx))
        self.spot_line.label.valueChanged()  # a label hidden until now ignored setFormat
        self.vix_line.setValue(report.vix)
        self.vix_line.setVisible(math.isfinite(report.vix))
        rect = cell_rect(spx, vix)
        self._view_box.setRange(rect=rect, padding=0.0)

    def cell_at(self, price: float, vix: float) -> tuple[int, int] | None:
        """(VIX row, price column) of the displayed cell containing (price, vix), or None."""
        if self._spx.size == 0:
            return None
        rect = cell_rect(self._spx, self._vix)
        if not (rect.left() <= price <= rect.right() and rect.top() <= vix <= rect.bottom()):
            return None
        col = int(np.argmin(np.abs(self._spx - price)))
        row = int(np.argmin(np.abs(self._vix - vix)))
        return row, col

    def readout_at(self, price: float, vix: float) -> str:
        """Price, % move, VIX and the P&L of the cell under (price, vix), as the report says."""
        report = self._report
        cell = self.cell_at(price, vix)
        if report is None or cell is None:
            return MISSING
        row, col = cell
        node_price = float(self._spx[col])
        node_vix = float(self._vix[row])
        move = 100.0 * (node_price / report.spx - 1.0) if report.spx > 0 else math.nan
        pnl = float(self._pnl[row, col])
        return (
            f"SPX {fmt_price(node_price)} ({fmt_pct(move, 2, sign=True)})  ·  "
            f"VIX {fmt_vix(node_vix, 1)}  ·  P&L {fmt_usd(pnl, sign=True)}"
        )

    def apply_theme(self, theme: Theme) -> None:
        self._theme = theme
        self.plot_widget.setBackground(theme.qcolor(theme.background))
        fg = theme.qcolor(theme.foreground)
        for name in ("left", "bottom"):
            axis = self.plot_item.getAxis(name)
            axis.setPen(fg)
            axis.setTextPen(fg)
        self.color_bar.axis.setPen(fg)
        self.color_bar.axis.setTextPen(fg)
        self.plot_item.titleLabel.setText(self.plot_item.titleLabel.text, color=fg)
        self.color_bar.setColorMap(theme.heat_colormap())
        self.map_line.setPen(theme.pen(theme.map_line, 2.0, Qt.PenStyle.DashLine))
        self.spot_line.setPen(theme.pen(theme.map_line, 1.2))
        self.spot_line.label.setColor(theme.qcolor(theme.map_line))
        self.vix_line.setPen(theme.pen(theme.map_line, 0.8, Qt.PenStyle.DotLine))

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        if self._report is None or not self._view_box.sceneBoundingRect().contains(scene_pos):
            return
        point = self._view_box.mapSceneToView(scene_pos)
        self.readout.setText(self.readout_at(float(point.x()), float(point.y())))
