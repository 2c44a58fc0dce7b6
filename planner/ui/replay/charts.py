"""Replay charts on one shared date axis (issue #11): equity (hedged, condor alone, hedge
alone), drawdown below, VIX with the curve's contango / backwardation as background bands
below that. Zoom and pan are linked; a crosshair reads out the date and every series; the
stress episodes are marked and a click on one zooms to it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from planner.engine.replay_result import ReplayResult
from planner.present.formatting import MISSING, fmt_num, fmt_pct, fmt_usd
from planner.present.replay_series import DAY_S, EpisodeSpan, ReplaySeries, replay_series
from planner.ui.payoff_chart import GRID_Z, DollarAxis, OpaqueGridAxis, PriceAxis
from planner.ui.theme import SCREEN, CurveKey, Theme, theme_for

__all__ = ["ReplayCharts", "SweepChart", "replay_legend"]

FloatArray = NDArray[np.float64]
_EMPTY: FloatArray = np.zeros(0)
# Rows of episode tags on the VIX plot, and the clear space between two tags in a row.
EPISODE_TAG_ROWS = 3
# The VIX plot's top may rise to this many times its default (series.vix_top) to give the top
# row of tags room above the highest close; the line keeps most of the plot's height.
MAX_VIX_HEADROOM = 1.6
EPISODE_TAG_GAP_PX = 6.0
# Days shown either side of an episode when it is zoomed to.
EPISODE_MARGIN_DAYS = 20


class OpaqueDateAxis(OpaqueGridAxis, pg.DateAxisItem):  # type: ignore[misc]
    """pyqtgraph's date axis with the project's opaque grid lines."""

    def __init__(self, orientation: str = "bottom") -> None:
        super().__init__(orientation)


class PctAxis(PriceAxis):
    """A percentage axis, its decimals picked from the tick spacing as the price axis's are."""

    def __init__(self, orientation: str = "left") -> None:
        super().__init__(orientation)

    @staticmethod
    def _label(value: float, decimals: int) -> str:
        return fmt_pct(value, decimals)


class _EpisodeSpans(pg.GraphicsObject):  # type: ignore[misc]
    """Every stress episode's span on one plot, painted in one pass (a LinearRegionItem each,
    ~90 items over the three plots, cost ~10 ms of every repaint); a left click on a span
    zooms to it, and hovering one names it."""

    def __init__(self, on_click: Callable[[int], None]) -> None:
        super().__init__()
        self._on_click = on_click
        self._spans: tuple[EpisodeSpan, ...] = ()
        self._brush = QBrush()
        self._pen = QPen()
        self._bounds = QRectF()
        self.setAcceptHoverEvents(True)

    def set_spans(self, spans: tuple[EpisodeSpan, ...]) -> None:
        self.prepareGeometryChange()
        self._spans = spans
        self.update()

    def set_style(self, brush: QBrush, pen: QPen) -> None:
        self._brush = brush
        self._pen = pen
        self.update()

    def span_at(self, x_s: float) -> EpisodeSpan | None:
        for span in self._spans:
            if span.lo_s <= x_s <= span.hi_s:
                return span
        return None

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt override)
        view = self.viewRect()
        if view is None or not self._spans:
            bounds = QRectF()
        else:
            lo = min(s.lo_s for s in self._spans)
            hi = max(s.hi_s for s in self._spans)
            bounds = QRectF(lo, view.top(), hi - lo, view.height())
        if bounds != self._bounds:
            self._bounds = bounds
            self.prepareGeometryChange()
        return bounds

    def viewRangeChanged(self) -> None:  # noqa: N802 (pyqtgraph override)
        self.prepareGeometryChange()

    def paint(self, painter: QPainter, *_args: Any) -> None:
        view = self.viewRect()
        if view is None or not self._spans:
            return
        top, height = view.top(), view.height()
        rects = [QRectF(s.lo_s, top, s.hi_s - s.lo_s, height) for s in self._spans]
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._brush)
        painter.drawRects(rects)
        painter.setPen(self._pen)
        bottom = top + height
        edges = [x for s in self._spans for x in (s.lo_s, s.hi_s)]
        painter.drawLines([QLineF(x, top, x, bottom) for x in edges])

    def hoverEvent(self, event: Any) -> None:  # noqa: N802 (pyqtgraph override)
        span = None if event.isExit() else self.span_at(float(event.pos().x()))
        if span is None:
            self.unsetCursor()
            self.setToolTip("")
            return
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(
            f"{span.name} ({span.start.isoformat()} to {span.end.isoformat()}): click to zoom"
        )

    def mouseClickEvent(self, event: Any) -> None:  # noqa: N802 (pyqtgraph override)
        span = self.span_at(float(event.pos().x()))
        if event.button() == Qt.MouseButton.LeftButton and span is not None:
            event.accept()
            self._on_click(span.index)
        else:
            event.ignore()


def _peak(x_s: FloatArray, y: FloatArray, lo_s: float, width_s: float) -> float:
    """The highest point of the line (x_s, y) between lo_s and lo_s + width_s, the days either
    side included (the line is drawn through them); -inf where there is none."""
    if y.size == 0:
        return -np.inf
    first, last = np.searchsorted(x_s, (lo_s, lo_s + width_s))
    under = y[max(int(first) - 1, 0) : int(last) + 1]
    return float(np.nanmax(under)) if under.size and np.isfinite(under).any() else -np.inf


def _free_row(
    placed: list[list[tuple[float, float]]], left_px: float, right_px: float, allowed: set[int]
) -> int | None:
    """The first allowed row whose tags (pixel spans) leave EPISODE_TAG_GAP_PX either side of
    left_px..right_px, if any."""
    for row, taken in enumerate(placed):
        if row in allowed and all(
            right_px + EPISODE_TAG_GAP_PX <= a or b + EPISODE_TAG_GAP_PX <= left_px
            for a, b in taken
        ):
            return row
    return None


class _EpisodeLabel(pg.TextItem):  # type: ignore[misc]
    def __init__(self, text: str, index: int, on_click: Callable[[int], None]) -> None:
        super().__init__(text, anchor=(0.0, 0.0))
        self._index = index
        self.span_lo_s = 0.0
        self.span_hi_s = 0.0
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


# Only the hedged line is wide: Qt strokes a pen wider than 1 px as a polygon, and the two
# 1.2-1.4 px lines (1-2 px unevenly, without antialiasing) took ~60 % of a charts repaint.
_EQUITY_SERIES = (
    _Series("Condor + hedge", CurveKey.HORIZON, 2.0, Qt.PenStyle.SolidLine),
    _Series("Condor alone", CurveKey.CONDOR, 1.0, Qt.PenStyle.SolidLine),
    _Series("Hedge alone", CurveKey.HEDGE, 1.0, Qt.PenStyle.SolidLine),
)
_DD_SERIES = _EQUITY_SERIES[:2]


def _pen(theme: Theme, series: _Series) -> QPen:
    colour = theme.curves[series.colour_key].colour
    return theme.pen(colour, series.width, series.dash)


def replay_legend(theme: Theme) -> list[tuple[str, QPen]]:
    """The equity and drawdown series' names and pens (the printed page's key)."""
    return [(series.name, _pen(theme, series)) for series in _EQUITY_SERIES]


def _same_market(old: ReplaySeries | None, new: ReplaySeries) -> bool:
    """Whether two results ran over the same days, VIX closes and curve states."""
    if old is None:
        return False
    return bool(
        np.array_equal(old.x_s, new.x_s)
        and np.array_equal(old.vix, new.vix, equal_nan=True)
        and np.array_equal(old.backwardation_x0_s, new.backwardation_x0_s)
        and np.array_equal(old.backwardation_width_s, new.backwardation_width_s)
        and np.array_equal(old.contango_x0_s, new.contango_x0_s)
        and np.array_equal(old.contango_width_s, new.contango_width_s)
    )


class ReplayCharts(QWidget):
    """Three linked plots over the replay's days. `set_result` with each new result."""

    episode_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._theme = SCREEN
        self._result: ReplayResult | None = None
        self._x: FloatArray = _EMPTY
        self._series: ReplaySeries | None = None
        self._episodes: tuple[EpisodeSpan, ...] = ()
        self._episode_labels: list[_EpisodeLabel] = []
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
            # About one day per pixel is drawn (a min and a max per pixel's days): pyqtgraph's
            # default keeps up to five, and 5,000 days' wide lines cost ~25 ms a repaint.
            curve.opts["autoDownsampleFactor"] = 1.0
            curve.setDownsampling(auto=True, method="peak")
        self.episode_spans = [_EpisodeSpans(self.episode_clicked.emit) for _ in self.plots]
        for plot, spans in zip(self.plots, self.episode_spans, strict=True):
            spans.setZValue(-40)
            plot.addItem(spans, ignoreBounds=True)
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
        vix.getViewBox().sigRangeChanged.connect(self._lay_out_episode_labels)
        vix.getViewBox().sigResized.connect(self._lay_out_episode_labels)
        self.episode_clicked.connect(self.zoom_to_episode)
        self.apply_theme(SCREEN)

    # -- data ----------------------------------------------------------------------------

    def set_result(self, result: ReplayResult | None, series: ReplaySeries | None = None) -> None:
        """Show `result`; `series` are its chart series when already built (the replay's
        worker builds them, so the GUI thread only hands arrays to the plots)."""
        first = self._result is None
        self._result = result
        if result is None:
            self._x = _EMPTY
            self._series = None
            for curve in (*self.equity_curves, *self.drawdown_curves, self.vix_curve):
                curve.setData(_EMPTY, _EMPTY)
            self._set_episodes(())
            return
        if series is None:
            series = replay_series(result)
        previous = self._series
        self._series = series
        x = series.x_s
        self._x = x
        equity = (series.hedged_equity_usd, series.condor_equity_usd, series.hedge_equity_usd)
        for curve, y in zip(self.equity_curves, equity, strict=True):
            curve.setData(x, y)
        drawdown = (series.hedged_drawdown_neg_pct, series.condor_drawdown_neg_pct)
        for curve, y in zip(self.drawdown_curves, drawdown, strict=True):
            curve.setData(x, y)
        self.capital_line.setValue(result.summary.capital_usd)
        if not _same_market(previous, series):
            # The VIX plot shows the history alone: after a plan edit it is left as it is, so
            # it is not repainted (its translucent bands fill the whole plot).
            self.vix_curve.setData(x, series.vix)
            top = series.vix_top
            # Bands taller than any top the tag headroom sets (the plot clips them).
            band = MAX_VIX_HEADROOM * top
            for item, x0, width in (
                (self.backwardation_bands, series.backwardation_x0_s, series.backwardation_width_s),
                (self.contango_bands, series.contango_x0_s, series.contango_width_s),
            ):
                heights = np.full(x0.size, band)
                item.setOpts(x0=x0, width=width, y0=np.zeros(x0.size), height=heights)
            self.plots[2].setYRange(0.0, top, padding=0.0)
        self._set_episodes(series.episodes)
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
        return bool(lo >= self._x[0] - 60 * DAY_S and hi <= self._x[-1] + 60 * DAY_S)

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
        spans = self._episodes
        if not 0 <= index < len(spans):
            return
        span = spans[index]
        margin = EPISODE_MARGIN_DAYS * DAY_S
        self.plots[0].setXRange(span.lo_s - margin, span.hi_s - DAY_S + margin, padding=0.0)
        for plot in self.plots[:2]:
            plot.enableAutoRange(axis="y")

    def _set_episodes(self, spans: tuple[EpisodeSpan, ...]) -> None:
        same = [(e.name, e.start, e.end) for e in spans] == [
            (e.name, e.start, e.end) for e in self._episodes
        ]
        self._episodes = spans
        if same:
            # The same episodes (an edit changes their P&L, not their dates): keep the marks.
            return
        for item in self.episode_spans:
            item.set_spans(spans)
        for label in self._episode_labels:
            self.plots[2].removeItem(label)
        self._episode_labels = []
        theme = self._theme
        # A short tag on the VIX plot (the full name is in its tooltip and the table).
        for span in spans:
            if span.tag is None:
                continue
            label = _EpisodeLabel(span.tag, span.index, self.episode_clicked.emit)
            label.setToolTip(f"{span.name}: click to zoom to the episode")
            label.setColor(theme.qcolor(theme.foreground))
            self.plots[2].addItem(label, ignoreBounds=True)
            label.span_lo_s, label.span_hi_s = span.lo_s, span.hi_s
            self._episode_labels.append(label)
        self._lay_out_episode_labels()

    def _lay_out_episode_labels(self, *_: object) -> None:
        """Put each episode tag in one of EPISODE_TAG_ROWS rows where it clears the tags
        already there, in pixels at the current zoom: the top row, or a lower one only where
        the tag also clears the VIX line under it. Tags over the highest VIX are placed first,
        so a crisis peak (Mar 2020) keeps the top row and a neighbour that fits nowhere else
        waits; a tag that fits in no row is hidden until the user zooms in (its span stays
        shaded and clickable, and the table lists it). Fixed staggering overprinted the tags of
        2018-2022 on a 1366-px screen, and a row below the top crossed the line at a spike.
        The plot's top is raised (up to MAX_VIX_HEADROOM) until the top row clears the highest
        close at the plot's height in pixels."""
        view = self.plots[2].getViewBox()
        (lo_s, hi_s), (bottom, top) = view.viewRange()
        width_px, height_px = view.width(), view.height()
        if hi_s <= lo_s or top <= bottom or width_px <= 0 or height_px <= 0:
            return
        px_per_s = width_px / (hi_s - lo_s)
        # Rows a tag's height apart in pixels, whatever the plot's height and VIX scale.
        tag_height_px = max(
            (label.textItem.boundingRect().height() for label in self._episode_labels), default=0.0
        )
        row_units = (top - bottom) / height_px * (tag_height_px + 1.0)
        series = self._series
        vix = series.vix if series is not None else _EMPTY
        if series is not None and np.isfinite(vix).any() and tag_height_px > 0.0:
            # The top row of tags above the highest close, in pixels at this height (a fixed
            # share of the range left it on the line at a crisis peak in a short plot).
            default_top = series.vix_top
            share = 1.0 - row_units / (top - bottom)
            wanted = MAX_VIX_HEADROOM * default_top
            if share > 0.0:
                wanted = min(wanted, max(default_top, float(np.nanmax(vix)) / share))
            if abs(wanted - top) > 1e-3 * top:
                view.setYRange(0.0, wanted, padding=0.0)  # lays the tags out again
                return
        placed: list[list[tuple[float, float]]] = [[] for _ in range(EPISODE_TAG_ROWS)]
        boxes = []
        for label in self._episode_labels:
            tag_px = label.textItem.boundingRect().width()
            # Kept inside the plot: a tag at either edge would be clipped to a few letters.
            left_px = min(max((label.span_lo_s - lo_s) * px_per_s, 0.0), width_px - tag_px)
            peak = _peak(self._x, vix, lo_s + left_px / px_per_s, (tag_px + 1.0) / px_per_s)
            boxes.append((label, left_px, left_px + tag_px, peak))
        for label, left_px, right_px, peak in sorted(boxes, key=lambda b: (-b[3], b[0].span_lo_s)):
            in_view = label.span_hi_s > lo_s and label.span_lo_s < hi_s
            clear_rows = [r for r in range(EPISODE_TAG_ROWS) if top - (r + 1) * row_units > peak]
            row = _free_row(placed, left_px, right_px, {0, *clear_rows})
            label.setVisible(in_view and row is not None)
            if not in_view or row is None:
                continue
            placed[row].append((left_px, right_px))
            label.setPos(lo_s + left_px / px_per_s, top - row * row_units)

    def visible_episode_tags(self) -> list[tuple[str, QRectF]]:
        """The tags on screen and where they are (scene pixels), for checks."""
        return [
            (label.textItem.toPlainText(), label.sceneBoundingRect())
            for label in self._episode_labels
            if label.isVisible()
        ]

    @property
    def episodes(self) -> tuple[EpisodeSpan, ...]:
        return self._episodes

    @property
    def series(self) -> ReplaySeries | None:
        """The series on screen."""
        return self._series

    def _style_spans(self, theme: Theme) -> None:
        for item in self.episode_spans:
            item.set_style(
                theme.brush((*theme.spot_preview, 40)), theme.pen((*theme.spot_preview, 120), 1.0)
            )

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
        self._style_spans(theme)
        for label in self._episode_labels:
            label.setColor(theme.qcolor(theme.foreground))
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
