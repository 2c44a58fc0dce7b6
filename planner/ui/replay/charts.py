"""Replay charts on one shared date axis (issue #11): equity (hedged, condor alone, hedge
alone), drawdown below, VIX with the curve's contango / backwardation as background bands
below that. Zoom and pan are linked; a crosshair reads out the date and every series; the
stress episodes are marked and a click on one zooms to it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from planner.engine.replay_result import EpisodeRow, ReplayResult
from planner.present.formatting import MISSING, fmt_num, fmt_pct, fmt_usd
from planner.ui.payoff_chart import GRID_Z, DollarAxis, OpaqueGridAxis, PriceAxis
from planner.ui.theme import SCREEN, CurveKey, Theme, theme_for

__all__ = ["ReplayCharts", "SweepChart", "day_seconds", "replay_legend"]

FloatArray = NDArray[np.float64]
_EMPTY: FloatArray = np.zeros(0)
_DAY_S = 86_400.0
# Days shown either side of an episode when it is zoomed to.
EPISODE_MARGIN_DAYS = 20


def day_seconds(days: tuple[dt.date, ...] | list[dt.date]) -> FloatArray:
    """Dates as UTC seconds since 1970 (what pyqtgraph's DateAxisItem reads)."""
    as_days = np.array(days, dtype="datetime64[D]").astype(np.int64)
    return as_days.astype(np.float64) * _DAY_S


def _seconds(day: dt.date) -> float:
    return float((day - dt.date(1970, 1, 1)).days) * _DAY_S


class OpaqueDateAxis(OpaqueGridAxis, pg.DateAxisItem):  # type: ignore[misc]
    """pyqtgraph's date axis with the project's opaque grid lines."""

    def __init__(self, orientation: str = "bottom") -> None:
        super().__init__(orientation)


class PctAxis(OpaqueGridAxis):
    def __init__(self, orientation: str = "left") -> None:
        super().__init__(orientation)
        self.enableAutoSIPrefix(False)

    def tickStrings(  # noqa: N802 (pyqtgraph override)
        self, values: list[float], scale: float, spacing: float
    ) -> list[str]:
        decimals = 0 if spacing >= 1 else 1
        return [fmt_pct(v * scale, decimals) for v in values]


class _EpisodeRegion(pg.LinearRegionItem):  # type: ignore[misc]
    """An episode's span; a left click zooms to it."""

    def __init__(self, index: int, on_click: Callable[[int], None]) -> None:
        super().__init__(movable=False)
        self._index = index
        self._on_click = on_click
        for line in self.lines:
            line.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mouseClickEvent(self, event: Any) -> None:  # noqa: N802 (pyqtgraph override)
        if event.button() == Qt.MouseButton.LeftButton:
            event.accept()
            self._on_click(self._index)
        else:
            super().mouseClickEvent(event)


class _EpisodeLabel(pg.TextItem):  # type: ignore[misc]
    def __init__(self, text: str, index: int, on_click: Callable[[int], None]) -> None:
        super().__init__(text, anchor=(0.0, 0.0))
        self._index = index
        self._on_click = on_click
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(f"{text}: click to zoom to the episode")

    def mouseClickEvent(self, event: Any) -> None:  # noqa: N802 (pyqtgraph override)
        if event.button() == Qt.MouseButton.LeftButton:
            event.accept()
            self._on_click(self._index)


@dataclass(frozen=True, slots=True)
class _Series:
    name: str
    colour_key: CurveKey
    width: float
    dash: Qt.PenStyle


_EQUITY_SERIES = (
    _Series("Condor + hedge", CurveKey.HORIZON, 2.0, Qt.PenStyle.SolidLine),
    _Series("Condor alone", CurveKey.CONDOR, 1.4, Qt.PenStyle.SolidLine),
    _Series("Hedge alone", CurveKey.HEDGE, 1.2, Qt.PenStyle.SolidLine),
)
_DD_SERIES = _EQUITY_SERIES[:2]


def _pen(theme: Theme, series: _Series) -> QPen:
    colour = theme.curves[series.colour_key].colour
    return theme.pen(colour, series.width, series.dash)


def replay_legend(theme: Theme) -> list[tuple[str, QPen]]:
    """The equity and drawdown series' names and pens (the printed page's key)."""
    return [(series.name, _pen(theme, series)) for series in _EQUITY_SERIES]


def _bands(states: tuple[str, ...], x: FloatArray, wanted: str) -> tuple[FloatArray, FloatArray]:
    """(start, width) of each run of days in state `wanted`, each day reaching to the next."""
    if not states:
        return _EMPTY, _EMPTY
    mask = np.array([s == wanted for s in states], dtype=bool)
    edges = np.diff(np.concatenate(([False], mask, [False])).astype(np.int8))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)  # exclusive
    right = np.append(x[1:], x[-1] + _DAY_S)
    return x[starts], right[ends - 1] - x[starts]


class ReplayCharts(QWidget):
    """Three linked plots over the replay's days. `set_result` with each new result."""

    episode_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._theme = SCREEN
        self._result: ReplayResult | None = None
        self._x: FloatArray = _EMPTY
        self._episodes: tuple[EpisodeRow, ...] = ()
        self._episode_items: list[Any] = []
        self.paints = 0

        self.layout_widget = pg.GraphicsLayoutWidget()
        self.layout_widget.ci.setSpacing(2)
        self.plots: list[Any] = []
        axes_left = (DollarAxis("left"), PctAxis("left"), PriceAxis("left"))
        titles = ("Equity", "Drawdown", "VIX")
        label_px = self.fontMetrics().horizontalAdvance(fmt_usd(-888_888.0)) + 8
        for row, (axis, title) in enumerate(zip(axes_left, titles, strict=True)):
            bottom = OpaqueDateAxis("bottom")
            plot = self.layout_widget.addPlot(
                row=row, col=0, axisItems={"left": axis, "bottom": bottom}
            )
            plot.setLabel("left", title)
            axis.setWidth(label_px + 20)
            plot.showGrid(x=True, y=True, alpha=SCREEN.grid_alpha)
            for name in ("left", "bottom"):
                plot.getAxis(name).setZValue(GRID_Z)
            plot.setMenuEnabled(False)
            plot.setMouseEnabled(x=True, y=False)
            plot.getViewBox().setAutoVisible(y=True)
            plot.hideButtons()
            if row:
                plot.setXLink(self.plots[0])
            self.plots.append(plot)
        self.layout_widget.ci.layout.setRowStretchFactor(0, 5)
        self.layout_widget.ci.layout.setRowStretchFactor(1, 3)
        self.layout_widget.ci.layout.setRowStretchFactor(2, 3)
        equity, drawdown, vix = self.plots

        # Bands first so the VIX line draws over them.
        self.backwardation_bands: Any = pg.BarGraphItem(x0=[], width=[], y0=[], height=[])
        self.contango_bands: Any = pg.BarGraphItem(x0=[], width=[], y0=[], height=[])
        for item in (self.contango_bands, self.backwardation_bands):
            item.setZValue(-50)
            vix.addItem(item)

        self.equity_curves = [equity.plot(_EMPTY, _EMPTY, name=s.name) for s in _EQUITY_SERIES]
        self.drawdown_curves = [drawdown.plot(_EMPTY, _EMPTY, name=s.name) for s in _DD_SERIES]
        self.vix_curve: Any = vix.plot(_EMPTY, _EMPTY, name="VIX")
        for curve in (*self.equity_curves, *self.drawdown_curves, self.vix_curve):
            curve.setClipToView(True)
            curve.setDownsampling(auto=True, method="peak")
        self.capital_line: Any = pg.InfiniteLine(angle=0, movable=False)
        equity.addItem(self.capital_line)

        self.crosshairs = [pg.InfiniteLine(angle=90, movable=False) for _ in self.plots]
        for plot, line in zip(self.plots, self.crosshairs, strict=True):
            line.hide()
            plot.addItem(line, ignoreBounds=True)

        self.readout = QLabel(MISSING)
        self.readout.setObjectName("replayReadout")
        self.readout.setTextFormat(Qt.TextFormat.PlainText)
        self.readout.setToolTip("The crosshair's day: every series at that close")
        self.key_label = QLabel()
        self.key_label.setTextFormat(Qt.TextFormat.RichText)  # our own fixed text only
        # Long texts wrap rather than set the tab's minimum width (the docks need it); the
        # read-out keeps two lines' height so the charts do not jump as it changes.
        for label in (self.readout, self.key_label):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            label.setWordWrap(True)
        self.readout.setMinimumHeight(2 * self.fontMetrics().lineSpacing() + 4)
        self.reset_button = QPushButton("Whole range")
        self.reset_button.setToolTip("Zoom out to the whole replay (Ctrl+0 on the chart)")
        self.reset_button.clicked.connect(self.reset_view)

        top = QHBoxLayout()
        top.setContentsMargins(4, 0, 4, 0)
        top.addWidget(self.key_label, 1)
        top.addWidget(self.reset_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.layout_widget, 1)
        layout.addWidget(self.readout)

        self.layout_widget.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.episode_clicked.connect(self.zoom_to_episode)
        self.apply_theme(SCREEN)

    # -- data ----------------------------------------------------------------------------

    def set_result(self, result: ReplayResult | None) -> None:
        first = self._result is None
        self._result = result
        if result is None:
            self._x = _EMPTY
            for curve in (*self.equity_curves, *self.drawdown_curves, self.vix_curve):
                curve.setData(_EMPTY, _EMPTY)
            self._set_episodes(())
            return
        d = result.daily
        x = day_seconds(d.dates)
        self._x = x
        equity = (d.hedged_equity_usd, d.condor_equity_usd, d.hedge_equity_usd)
        for curve, y in zip(self.equity_curves, equity, strict=True):
            curve.setData(x, y)
        for curve, y in zip(
            self.drawdown_curves, (-d.hedged_drawdown_pct, -d.condor_drawdown_pct), strict=True
        ):
            curve.setData(x, y)
        self.vix_curve.setData(x, d.vix)
        self.capital_line.setValue(result.summary.capital_usd)
        top = float(np.nanmax(d.vix)) * 1.08 if d.vix.size else 1.0
        for item, state in (
            (self.backwardation_bands, "backwardation"),
            (self.contango_bands, "contango"),
        ):
            x0, width = _bands(d.term_state, x, state)
            item.setOpts(x0=x0, width=width, y0=np.zeros(x0.size), height=np.full(x0.size, top))
        self.plots[2].setYRange(0.0, top, padding=0.0)
        self._set_episodes(result.episodes)
        if first or not self._x_range_inside():
            self.reset_view()
        else:
            for plot in self.plots[:2]:
                plot.enableAutoRange(axis="y")
        self.paints += 1

    def _x_range_inside(self) -> bool:
        if self._x.size == 0:
            return False
        lo, hi = self.plots[0].getViewBox().viewRange()[0]
        return bool(lo >= self._x[0] - 60 * _DAY_S and hi <= self._x[-1] + 60 * _DAY_S)

    def reset_view(self) -> None:
        if self._x.size == 0:
            return
        self.plots[0].setXRange(float(self._x[0]), float(self._x[-1]), padding=0.01)
        for plot in self.plots[:2]:
            plot.enableAutoRange(axis="y")

    def x_range(self) -> tuple[float, float]:
        lo, hi = self.plots[0].getViewBox().viewRange()[0]
        return float(lo), float(hi)

    def zoom_to_episode(self, index: int) -> None:
        if not 0 <= index < len(self._episodes):
            return
        episode = self._episodes[index]
        margin = EPISODE_MARGIN_DAYS * _DAY_S
        self.plots[0].setXRange(
            _seconds(episode.start) - margin, _seconds(episode.end) + margin, padding=0.0
        )
        for plot in self.plots[:2]:
            plot.enableAutoRange(axis="y")

    def _set_episodes(self, episodes: tuple[EpisodeRow, ...]) -> None:
        def spans(rows: tuple[EpisodeRow, ...]) -> list[tuple[str, dt.date, dt.date]]:
            return [(e.name, e.start, e.end) for e in rows]

        if self._episode_items and spans(episodes) == spans(self._episodes):
            # The same episodes (an edit changes their P&L, not their dates): keep the marks;
            # making ~30 pyqtgraph items again cost ~90 ms of the GUI thread per replay.
            self._episodes = episodes
            return
        for plot_index, item in self._episode_items:
            self.plots[plot_index].removeItem(item)
        self._episode_items = []
        self._episodes = episodes
        theme = self._theme
        tags: set[str] = set()
        for i, episode in enumerate(episodes):
            lo, hi = _seconds(episode.start), _seconds(episode.end) + _DAY_S
            for plot_index in range(len(self.plots)):
                region = _EpisodeRegion(i, self.episode_clicked.emit)
                region.setRegion((lo, hi))
                region.setToolTip(
                    f"{episode.name} ({episode.start.isoformat()} to {episode.end.isoformat()}): "
                    "click to zoom"
                )
                region.setZValue(-40)
                self._style_region(region, theme)
                self.plots[plot_index].addItem(region, ignoreBounds=True)
                self._episode_items.append((plot_index, region))
            # A short tag on the VIX plot (the full name is in its tooltip and the table),
            # in staggered rows so neighbouring episodes do not overlap.
            tag = f"{episode.start:%b %y}"
            if tag in tags:
                continue  # two presets of one month (a day and its weeks): one tag is enough
            tags.add(tag)
            label = _EpisodeLabel(tag, i, self.episode_clicked.emit)
            label.setToolTip(f"{episode.name}: click to zoom to the episode")
            label.setColor(theme.qcolor(theme.foreground))
            self.plots[2].addItem(label, ignoreBounds=True)
            top = self.plots[2].getViewBox().viewRange()[1][1]
            label.setPos(lo, top * (1.0 - 0.16 * (len(tags) % 3)))
            self._episode_items.append((2, label))

    def _style_region(self, region: Any, theme: Theme) -> None:
        colour = (*theme.spot_preview, 40)
        region.setBrush(theme.brush(colour))
        region.setHoverBrush(theme.brush((*theme.spot_preview, 80)))
        for line in region.lines:
            line.setPen(theme.pen((*theme.spot_preview, 120), 1.0))

    # -- crosshair -----------------------------------------------------------------------

    def day_index_at(self, seconds: float) -> int | None:
        if self._x.size == 0:
            return None
        i = int(np.searchsorted(self._x, seconds))
        if i >= self._x.size:
            i = self._x.size - 1
        elif i > 0 and seconds - self._x[i - 1] < self._x[i] - seconds:
            i -= 1
        return i

    def readout_at(self, index: int) -> str:
        result = self._result
        if result is None:
            return MISSING
        d = result.daily
        capital = result.summary.capital_usd
        parts = [
            d.dates[index].isoformat(),
            f"condor + hedge {fmt_usd(float(d.hedged_equity_usd[index]))}",
            f"condor alone {fmt_usd(float(d.condor_equity_usd[index]))}",
            f"hedge P&L {fmt_usd(float(d.hedge_equity_usd[index]) - capital, sign=True)}",
            f"drawdown {fmt_pct(-float(d.hedged_drawdown_pct[index]), 1)} hedged / "
            f"{fmt_pct(-float(d.condor_drawdown_pct[index]), 1)} alone",
            f"VIX {fmt_num(float(d.vix[index]), 2)} ({d.term_state[index]})",
            f"SPX {fmt_num(float(d.spx[index]), 2)}",
        ]
        return "  ·  ".join(parts)

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        inside = None
        for plot in self.plots:
            if plot.getViewBox().sceneBoundingRect().contains(scene_pos):
                inside = plot
                break
        if inside is None or self._result is None:
            for line in self.crosshairs:
                line.hide()
            return
        seconds = float(inside.getViewBox().mapSceneToView(scene_pos).x())
        self.show_crosshair_at(seconds)

    def show_crosshair_at(self, seconds: float) -> None:
        index = self.day_index_at(seconds)
        if index is None:
            return
        for line in self.crosshairs:
            line.setValue(float(self._x[index]))
            line.show()
        self.readout.setText(self.readout_at(index))

    # -- look ----------------------------------------------------------------------------

    def apply_theme(self, theme: Theme) -> None:
        self._theme = theme
        self.layout_widget.setBackground(theme.qcolor(theme.background))
        fg = theme.qcolor(theme.foreground)
        for plot in self.plots:
            for name in ("left", "bottom"):
                axis = plot.getAxis(name)
                axis.setPen(fg)
                axis.setTextPen(fg)
                if isinstance(axis, OpaqueGridAxis):
                    axis.set_grid_background(theme.qcolor(theme.background))
            plot.showGrid(x=True, y=True, alpha=theme.grid_alpha)
        for curve, series in zip(self.equity_curves, _EQUITY_SERIES, strict=True):
            curve.setPen(_pen(theme, series))
        for curve, series in zip(self.drawdown_curves, _DD_SERIES, strict=True):
            curve.setPen(_pen(theme, series))
        self.vix_curve.setPen(theme.pen(theme.foreground, 1.2))
        self.capital_line.setPen(theme.pen(theme.zero_line, 1.0, Qt.PenStyle.DashLine))
        self.backwardation_bands.setOpts(brush=theme.brush((*theme.loss_fill[:3], 70)), pen=None)
        self.contango_bands.setOpts(brush=theme.brush((*theme.profit_fill[:3], 28)), pen=None)
        for line in self.crosshairs:
            line.setPen(theme.pen(theme.crosshair, 1.0))
        for _, item in self._episode_items:
            if isinstance(item, _EpisodeRegion):
                self._style_region(item, theme)
            else:
                item.setColor(theme.qcolor(theme.foreground))
        self.key_label.setText(self._key_html(theme))

    def _key_html(self, theme: Theme) -> str:
        parts = []
        for series in _EQUITY_SERIES:
            r, g, b = theme.curves[series.colour_key].colour
            parts.append(f"<span style='color:rgb({r},{g},{b})'>━</span> {series.name}")
        lr, lg, lb = theme.loss_fill[:3]
        parts.append(f"<span style='color:rgb({lr},{lg},{lb})'>▮</span> backwardation")
        parts.append("<span style='color:rgb(230,140,0)'>▮</span> stress episode (click)")
        return " &nbsp; ".join(parts)

    def render_to(self, painter: QPainter, rect: QRectF, light_theme: bool) -> None:
        """Draw the three plots into `rect` (the printed page), crosshair left out."""
        previous = self._theme
        shown = [line for line in self.crosshairs if line.isVisible()]
        for line in shown:
            line.hide()
        theme = theme_for(light_theme)
        self.apply_theme(theme)
        ci = self.layout_widget.ci
        old = ci.geometry()
        ci.setGeometry(QRectF(0.0, 0.0, rect.width(), rect.height()))
        ci.layout.activate()
        try:
            painter.fillRect(rect, QColor(theme.qcolor(theme.background)))
            self.layout_widget.scene().render(painter, rect, ci.sceneBoundingRect())
        finally:
            ci.setGeometry(old)
            ci.layout.activate()
            self.apply_theme(previous)
            for line in shown:
                line.show()


class SweepChart(QWidget):
    """Hedge cost %/yr and drawdown cut % against hedge units (after a sweep)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layout_widget = pg.GraphicsLayoutWidget()
        self.cost_plot: Any = self.layout_widget.addPlot(
            row=0, col=0, axisItems={"left": PctAxis("left"), "bottom": PriceAxis("bottom")}
        )
        self.cut_plot: Any = self.layout_widget.addPlot(
            row=0, col=1, axisItems={"left": PctAxis("left"), "bottom": PriceAxis("bottom")}
        )
        for plot, title in ((self.cost_plot, "Hedge net cost /yr"), (self.cut_plot, "DD cut")):
            plot.setTitle(title)
            plot.setLabel("bottom", "hedge units")
            plot.showGrid(x=True, y=True, alpha=SCREEN.grid_alpha)
            plot.setMenuEnabled(False)
            plot.hideButtons()
            for name in ("left", "bottom"):
                axis = plot.getAxis(name)
                axis.setZValue(GRID_Z)
                axis.set_grid_background(SCREEN.qcolor(SCREEN.background))
        self.layout_widget.setBackground(SCREEN.qcolor(SCREEN.background))
        pen = SCREEN.pen(SCREEN.curves[CurveKey.HORIZON].colour, 2.0)
        brush = SCREEN.brush(SCREEN.curves[CurveKey.HORIZON].colour)
        self.cost_curve: Any = self.cost_plot.plot(
            _EMPTY, _EMPTY, pen=pen, symbol="o", symbolSize=6, symbolBrush=brush
        )
        self.cut_curve: Any = self.cut_plot.plot(
            _EMPTY, _EMPTY, pen=pen, symbol="o", symbolSize=6, symbolBrush=brush
        )
        self.current_lines = [pg.InfiniteLine(angle=90, movable=False) for _ in range(2)]
        for plot, line in zip((self.cost_plot, self.cut_plot), self.current_lines, strict=True):
            line.setPen(SCREEN.pen(SCREEN.spot_preview, 1.0, Qt.PenStyle.DashLine))
            line.setToolTip("The plan's hedge units")
            plot.addItem(line, ignoreBounds=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.layout_widget)

    def set_result(self, result: ReplayResult | None, plan_units: float | None) -> None:
        rows = () if result is None else result.sweep
        units = np.array([w.units for w in rows], dtype=np.float64)
        cost = np.array([w.hedge_net_cost_pct_per_year for w in rows], dtype=np.float64)
        cut = np.array(
            [np.nan if w.drawdown_cut_pct is None else w.drawdown_cut_pct for w in rows],
            dtype=np.float64,
        )
        self.cost_curve.setData(units, cost)
        self.cut_curve.setData(units, cut, connect="finite")
        for line in self.current_lines:
            line.setVisible(plan_units is not None and bool(rows))
            if plan_units is not None:
                line.setValue(plan_units)
