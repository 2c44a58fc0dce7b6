"""The payoff chart: combined P&L against SPX price, read straight off the engine's `Report`.

What is drawn (DESIGN.md sections 3 and 5):

- combined P&L at T+0, at the horizon and at the condor's expiry (rows 0, 1, 2 of
  `report.curves.combined_usd`), each with its own colour *and* dash style;
- the condor alone and the hedge alone as lighter companions. They are drawn at the **horizon**
  (row 1), the same date as the shaded curve and the heat map, so condor + hedge add up to the
  curve the eye is drawn to;
- profit/loss shading under the **horizon** curve (green above zero, red below). The horizon is
  the date the trader plans to act on; the expiry curve ignores the hedge's remaining time value
  and would overstate how much of the loss the hedge leaves uncovered;
- a zero line, spot, the condor's short strikes and the break-evens as vertical markers;
- a top axis in % move from spot, a crosshair with a readout, and a draggable spot marker that
  previews the P&L at another price by reading the curves (no recalculation).

The view never computes P&L: every number shown is a value or a linear read-off of the report's
arrays. Curves are created once and updated with `setData`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from planner.engine.report import BreakEven, FloatArray, Report
from planner.engine.types import Group, Underlying
from planner.present.formatting import (
    MISSING,
    fmt_num,
    fmt_pct,
    fmt_price,
    fmt_usd,
    fmt_usd_compact,
    fmt_vix,
)
from planner.ui.theme import SCREEN, CurveKey, Theme, theme_for

if TYPE_CHECKING:
    from planner.engine.date_curves import DateCurves
    from planner.engine.expected_move import ExpectedMove

# The engine's limit (planner.engine.date_curves.MAX_DATES), without importing the engine here.
MAX_EXTRA_DATES = 8

__all__ = ["CURVE_ROWS", "DollarAxis", "MovePctAxis", "PayoffChart", "PriceAxis"]

# Which row of the report's (3, n) arrays each curve shows.
CURVE_ROWS: dict[CurveKey, int] = {
    CurveKey.T0: 0,
    CurveKey.HORIZON: 1,
    CurveKey.EXPIRY: 2,
    CurveKey.CONDOR: 1,
    CurveKey.HEDGE: 1,
}
_DRAW_ORDER = (CurveKey.CONDOR, CurveKey.HEDGE, CurveKey.T0, CurveKey.EXPIRY, CurveKey.HORIZON)
_EMPTY: FloatArray = np.zeros(0, dtype=np.float64)
_ROW_KEYS = (CurveKey.T0, CurveKey.HORIZON, CurveKey.EXPIRY)
# Marker label rows, as fractions of the line's height: short strikes from the top down,
# break-evens from the bottom up, one row per step where labels would overlap.
_SHORT_LABEL_TOP = 0.94
_BREAK_EVEN_LABEL_BOTTOM = 0.05
_LABEL_ROW_STEP = 0.07
_FLAT_RANGE_USD = 1_000.0


def _show_line(line: Any, on: bool) -> None:
    """Show/hide an InfiniteLine; one coming into view refreshes its label (a hidden label
    ignores setFormat). A shown label follows setFormat and moves by itself: re-laying it out
    again on every report was a good part of a drag frame."""
    was_shown = line.isVisible()
    line.setVisible(on)
    if on and not was_shown and line.label is not None:
        line.label.valueChanged()


def _set_label(line: Any, text: str) -> None:
    """A marker's label text, re-laid out only when it changed."""
    if line.label.format != text:
        line.label.setFormat(text)


def _set_tip(item: Any, text: str) -> None:
    if item.toolTip() != text:
        item.setToolTip(text)


def _set_steady_text(box: QCheckBox, text: str) -> None:
    """Set a check box's text at a fixed size that only ever grows.

    The horizon's box reads "T+24d", "T+25d"… on each frame of a horizon drag; a box whose
    size may change asks every layout up to the main window to re-lay out (and the window then
    repaints its docks' edges). Fixed in both directions, it asks none.
    """
    if box.text() == text:
        return
    box.setText(text)
    hint = box.sizeHint()
    width = max(hint.width(), box.minimumWidth() if box.minimumWidth() == box.maximumWidth() else 0)
    box.setFixedSize(width, hint.height())


# Narrow enough for the toggles to share the tab bar at 1366 px, long enough for one dash-dot.
_SWATCH_W, _SWATCH_H = 24, 14


def _pen_swatch(theme: Theme, key: CurveKey) -> QIcon:
    """A short line in the curve's pen on the plot's background, for its check box."""
    pixmap = QPixmap(_SWATCH_W, _SWATCH_H)
    pixmap.fill(theme.qcolor(theme.background))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(theme.curves[key].pen())
    painter.drawLine(3, _SWATCH_H // 2, _SWATCH_W - 3, _SWATCH_H // 2)
    painter.end()
    return QIcon(pixmap)


# Below the view box (pyqtgraph puts it at -100), so the grid is drawn under the curves.
GRID_Z = -200.0


class OpaqueGridAxis(pg.AxisItem):  # type: ignore[misc]
    """Axis whose grid lines are drawn opaque, in colours pre-blended with the plot background.

    pyqtgraph draws its grid as translucent tick lines, and Qt's raster engine draws translucent
    lines 10-20x slower than opaque ones (measured here: 150 full-height lines at alpha 40 on a
    1200 x 700 image take 20-30 ms, opaque ones 2 ms). That made every chart repaint ~20 ms
    slower. On the solid plot background the blended colour looks the same.
    """

    def __init__(self, orientation: str) -> None:
        super().__init__(orientation)
        self._grid_background: QColor | None = None
        self._opaque_pens: dict[tuple[int, float], QPen] = {}

    def set_grid_background(self, colour: QColor) -> None:
        self._grid_background = QColor(colour)
        self._opaque_pens.clear()
        self.picture = None
        self.update()

    def generateDrawSpecs(self, p: QPainter) -> Any:  # noqa: N802 (pyqtgraph override)
        specs = super().generateDrawSpecs(p)
        if specs is None or self._grid_background is None:
            return specs
        axis_spec, tick_specs, text_specs = specs
        return axis_spec, [(self._opaque(pen), a, b) for pen, a, b in tick_specs], text_specs

    def _opaque(self, pen: QPen) -> QPen:
        colour = pen.color()
        background = self._grid_background
        if colour.alpha() == 255 or background is None:
            return pen
        key = (colour.rgba(), pen.widthF())
        opaque = self._opaque_pens.get(key)
        if opaque is None:
            alpha = colour.alphaF()

            def blend(fg: int, bg: int) -> int:
                return round(bg + (fg - bg) * alpha)

            opaque = QPen(pen)
            opaque.setColor(
                QColor(
                    blend(colour.red(), background.red()),
                    blend(colour.green(), background.green()),
                    blend(colour.blue(), background.blue()),
                )
            )
            self._opaque_pens[key] = opaque
        return opaque


class DollarAxis(OpaqueGridAxis):
    """P&L axis: "−$12,000" rather than pyqtgraph's "-1.2e4" / SI prefixes."""

    def __init__(self, orientation: str = "left") -> None:
        super().__init__(orientation)
        self.enableAutoSIPrefix(False)

    def tickStrings(  # noqa: N802 (pyqtgraph override)
        self, values: list[float], scale: float, spacing: float
    ) -> list[str]:
        if any(abs(v * scale) >= 1e6 for v in values):
            return [fmt_usd_compact(v * scale) for v in values]
        # Cents when the ticks are closer than a dollar, so no two ticks read the same.
        decimals = 2 if 0 < spacing * scale < 1 else 0
        return [fmt_usd(v * scale, decimals) for v in values]


class PriceAxis(OpaqueGridAxis):
    """A level axis with thousands separators: SPX "7,450", VIX "40", hedge units "2.5"."""

    def __init__(self, orientation: str = "bottom") -> None:
        super().__init__(orientation)
        self.enableAutoSIPrefix(False)

    def tickStrings(  # noqa: N802 (pyqtgraph override)
        self, values: list[float], scale: float, spacing: float
    ) -> list[str]:
        decimals = 0 if spacing >= 1 else 1
        return [self._label(v * scale, decimals) for v in values]

    @staticmethod
    def _label(value: float, decimals: int) -> str:
        return fmt_num(value, decimals)


class MovePctAxis(OpaqueGridAxis):
    """Top axis over the price axis, labelled in % move from spot.

    Ticks are chosen at round percentages (−10 %, −5 % …) and placed at the matching price,
    rather than labelling round prices with awkward percentages.
    """

    def __init__(self, orientation: str = "top") -> None:
        super().__init__(orientation)
        self.enableAutoSIPrefix(False)
        self.spot: float | None = None

    def set_spot(self, spot: float | None) -> None:
        spot = spot if spot is not None and math.isfinite(spot) and spot > 0 else None
        if spot == self.spot:
            return  # a drag of the horizon keeps spot: no new ticks to lay out
        self.spot = spot
        self.picture = None
        self.update()

    def tickValues(  # noqa: N802 (pyqtgraph override)
        self,
        minVal: float,  # noqa: N803
        maxVal: float,  # noqa: N803
        size: float,
    ) -> list[tuple[float, list[float]]]:
        spot = self.spot
        if spot is None:
            return []
        lo_pct = 100.0 * (minVal / spot - 1.0)
        hi_pct = 100.0 * (maxVal / spot - 1.0)
        levels: list[tuple[float, list[float]]] = super().tickValues(lo_pct, hi_pct, size)
        return [
            (step * spot / 100.0, [spot * (1.0 + v / 100.0) for v in values])
            for step, values in levels
        ]

    def tickStrings(  # noqa: N802 (pyqtgraph override)
        self, values: list[float], scale: float, spacing: float
    ) -> list[str]:
        spot = self.spot
        if spot is None:
            return ["" for _ in values]
        step_pct = spacing * 100.0 / spot
        decimals = max(0, -math.floor(math.log10(step_pct) + 1e-9)) if step_pct > 0 else 0
        return [fmt_pct(100.0 * (v / spot - 1.0), decimals, sign=True) for v in values]


class ReadoutLine(QLineEdit):
    """One line of read-out text that can be selected and copied, like a label.

    Not a QLabel: a label asks its parent layouts to re-lay out on every new text, and that
    request climbs to the main window, which then re-lays out and repaints its docks and
    separators on each frame of a drag. A read-only line edit's size never depends on its text.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setReadOnly(True)
        self.setFrame(False)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        # The window's colour behind the text, as under a label.
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Base, palette.color(QPalette.ColorRole.Window))
        self.setPalette(palette)

    def setText(self, text: str | None) -> None:  # noqa: N802 (Qt override)
        text = text or ""
        if text == self.text():
            return  # a line edit repaints on every setText, even with the same text
        super().setText(text)
        # The start of a line longer than the chart is the part to read, not its end.
        self.setCursorPosition(0)
        tip = text if self.fontMetrics().horizontalAdvance(text) > self.width() else ""
        if tip != self.toolTip():
            self.setToolTip(tip)


def _row(values: FloatArray, row: int, n: int) -> FloatArray:
    """Row `row` of a (3, n) curve array, tolerating 1-D arrays and missing rows."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim == 2 and arr.shape[0] > row and arr.shape[1] == n:
        out: FloatArray = arr[row]
        return out
    if arr.ndim == 1 and arr.shape[0] == n:
        return arr
    return np.full(n, np.nan)


class PayoffChart(QWidget):
    """P&L-against-price chart. Call `set_report` with each new `Report`."""

    spot_preview = Signal(float)
    """The draggable spot marker moved to this SPX price."""
    extra_days_changed = Signal(tuple)
    """The T+n days typed in the chart's date box changed (the window recomputes them)."""
    curve_visibility_changed = Signal(dict)
    """`{curve key: visible}` after the user toggled a curve (for the view settings)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._theme: Theme = SCREEN
        self._report: Report | None = None
        self._x: FloatArray = _EMPTY
        self._x_drawn: FloatArray = _EMPTY  # the x the curves and the shading were given
        self._filled: FloatArray = _EMPTY  # the horizon curve the shading was split from
        self._y: dict[CurveKey, FloatArray] = {key: _EMPTY for key in CurveKey}
        self._visible: dict[CurveKey, bool] = {key: True for key in CurveKey}
        self._user_moved_view = False
        self._view_held = False
        self._fitting = False
        self._last_spot: float | None = None
        self._named_horizons: tuple[int, int, int] | None = None
        # Where the crosshair last was (SPX): its read-out is rebuilt from every new report.
        self._cursor_price: float | None = None

        self._price_axis = PriceAxis("bottom")
        self._move_axis = MovePctAxis("top")
        self._dollar_axis = DollarAxis("left")
        self.plot_widget = pg.PlotWidget(
            axisItems={
                "bottom": self._price_axis,
                "top": self._move_axis,
                "left": self._dollar_axis,
            }
        )
        self.plot_item: Any = self.plot_widget.getPlotItem()
        self.plot_item.showAxis("top")
        self.plot_item.setLabel("bottom", "SPX")
        self.plot_item.setLabel("left", "P&L")
        # A fixed width that fits "−$888,888" (larger values switch to "$1.2M"): labels are
        # never dropped, also when rendering a widget that was never shown, and the plot does
        # not shift sideways when the P&L range changes.
        label_px = self.fontMetrics().horizontalAdvance(f"{fmt_usd(-888_888.0)}") + 8
        self._dollar_axis.setWidth(label_px + 28)
        self.plot_item.setLabel("top", "move from spot")
        self.plot_item.showGrid(x=True, y=True, alpha=SCREEN.grid_alpha)
        # pyqtgraph stacks axes (and so their grid lines) above the view box, where translucent
        # lines were a faint veil over curves and labels; opaque ones (see OpaqueGridAxis) go
        # behind the plot's contents instead, like a chart's grid on paper.
        for axis in (self._price_axis, self._move_axis, self._dollar_axis):
            axis.setZValue(GRID_Z)
        self.plot_item.setMenuEnabled(False)
        self._view_box: Any = self.plot_item.getViewBox()
        self._view_box.disableAutoRange()
        self._view_box.sigRangeChangedManually.connect(self._on_manual_range)
        # Label widths are in pixels: re-pack when the x range or the plot's size changes.
        self._view_box.sigXRangeChanged.connect(lambda *_: self._place_labels())
        self._view_box.sigResized.connect(lambda *_: self._place_labels())
        self.legend: Any = self.plot_item.addLegend(offset=(10, 10))

        # Shading first so the curves draw over it.
        self._profit_fill: Any = pg.PlotDataItem(_EMPTY, _EMPTY, pen=None, fillLevel=0.0)
        self._loss_fill: Any = pg.PlotDataItem(_EMPTY, _EMPTY, pen=None, fillLevel=0.0)
        for fill in (self._profit_fill, self._loss_fill):
            self.plot_item.addItem(fill)

        self.curves: dict[CurveKey, Any] = {}
        for key in _DRAW_ORDER:
            curve = pg.PlotDataItem(_EMPTY, _EMPTY, name=key.value, connect="finite")
            self.plot_item.addItem(curve)
            # clipToView must be set after the item is added (pyqtgraph 0.14, DESIGN.md 7).
            curve.setClipToView(True)
            curve.visibleChanged.connect(lambda k=key: self._on_item_visibility(k))
            self.curves[key] = curve

        self.zero_line: Any = pg.InfiniteLine(pos=0.0, angle=0, movable=False)
        self.spot_line: Any = pg.InfiniteLine(
            pos=0.0, angle=90, movable=False, label="", labelOpts={"position": 0.75}
        )
        self.preview_line: Any = pg.InfiniteLine(
            pos=0.0, angle=90, movable=True, label="", labelOpts={"position": 0.05}
        )
        self.preview_line.setToolTip("Drag to preview the P&L at another SPX price")
        self.preview_line.sigPositionChanged.connect(self._on_preview_moved)
        self.crosshair_v: Any = pg.InfiniteLine(angle=90, movable=False)
        self.crosshair_h: Any = pg.InfiniteLine(angle=0, movable=False)
        for line in (self.zero_line, self.spot_line, self.crosshair_v, self.crosshair_h):
            self.plot_item.addItem(line, ignoreBounds=True)
        self.plot_item.addItem(self.preview_line, ignoreBounds=True)
        self.crosshair_v.hide()
        self.crosshair_h.hide()
        self.preview_line.hide()
        # The read-out at the cursor itself, so the eye need not leave the curves.
        self.cursor_label: Any = pg.TextItem("", anchor=(0.0, 1.0))
        self.cursor_label.setZValue(20)
        self.plot_item.addItem(self.cursor_label, ignoreBounds=True)
        self.cursor_label.hide()
        # Expected-move bands (±1σ, ±2σ to the horizon), behind everything else.
        self.sigma_regions: list[Any] = []
        for _ in range(2):
            region = pg.LinearRegionItem(movable=False)
            region.setZValue(-50)
            for line in region.lines:
                line.setPen(pg.mkPen(None))
            self.plot_item.addItem(region, ignoreBounds=True)
            region.hide()
            self.sigma_regions.append(region)
        self._expected_move: ExpectedMove | None = None
        self.spot_line.hide()
        # Pools of markers whose number varies between reports.
        self.short_strike_lines: list[Any] = []
        self.break_even_lines: list[Any] = []
        self._spare_lines: list[Any] = []
        self._short_strikes: list[float] = []
        self._break_even_rows: list[int] = []

        self.plot_widget.scene().sigMouseMoved.connect(self._on_mouse_moved)

        self.checkboxes: dict[CurveKey, QCheckBox] = {}
        # The curve toggles, T+n dates, ±σ and Reset view: a bar above the plot, which the
        # window moves into its tab bar's free corner (the plot gains the bar's height).
        self.toolbar = QWidget()
        self.toolbar.setObjectName("chartToolbar")
        toggles = QHBoxLayout(self.toolbar)
        toggles.setContentsMargins(0, 0, 0, 0)
        toggles.setSpacing(4)
        for key in (
            CurveKey.T0,
            CurveKey.HORIZON,
            CurveKey.EXPIRY,
            CurveKey.CONDOR,
            CurveKey.HEDGE,
        ):
            box = QCheckBox(key.value)
            box.setChecked(True)
            box.toggled.connect(lambda on, k=key: self._set_visible(k, on, notify=True))
            self.checkboxes[key] = box
            toggles.addWidget(box)
        self.dates_edit = QLineEdit()
        self.dates_edit.setObjectName("extraDates")
        self.dates_edit.setPlaceholderText("T+ days")
        self.dates_edit.setToolTip(
            "More combined P&L curves at these days from the valuation date (comma-separated, "
            f"up to {MAX_EXTRA_DATES}), drawn as thin grey lines"
        )
        self.dates_edit.setMaximumWidth(self.fontMetrics().horizontalAdvance("7, 14, 21") + 16)
        self.dates_edit.setMinimumWidth(48)
        self.dates_edit.editingFinished.connect(self._on_dates_edited)
        toggles.addWidget(self.dates_edit)
        self.date_curve_items: list[Any] = []
        self._date_curves: DateCurves | None = None
        self.sigma_box = QCheckBox("±σ")
        self.sigma_box.setToolTip(
            "Expected-move bands to the horizon: spot ± 1 and 2 standard deviations from the "
            "model's SPX ATM vol at that tenor (S·σ·√(days/365))"
        )
        self.sigma_box.setChecked(True)
        self.sigma_box.toggled.connect(lambda _on: self._show_expected_move())
        toggles.addWidget(self.sigma_box)
        toggles.addStretch(1)
        self.reset_button = QPushButton("Reset view")
        self.reset_button.setToolTip("Fit the chart to the curves again")
        self.reset_button.clicked.connect(self.reset_view)
        toggles.addWidget(self.reset_button)

        self.cursor_readout = ReadoutLine(MISSING)
        self.marker_readout = ReadoutLine("")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.plot_widget, 1)
        layout.addWidget(self.cursor_readout)
        layout.addWidget(self.marker_readout)

        self._update_names(None)
        self.apply_theme(SCREEN)

    # ----------------------------------------------------------------- public API

    @property
    def report(self) -> Report | None:
        return self._report

    def set_report(self, report: Report) -> None:
        curves = report.curves
        x = np.asarray(curves.spx, dtype=np.float64)
        n = x.shape[0]
        self._report = report
        self._x = x
        sources = {
            CurveKey.T0: curves.combined_usd,
            CurveKey.HORIZON: curves.combined_usd,
            CurveKey.EXPIRY: curves.combined_usd,
            CurveKey.CONDOR: curves.condor_usd,
            CurveKey.HEDGE: curves.hedge_usd,
        }
        same_x = np.array_equal(x, self._x_drawn)
        self._x_drawn = x
        for key, source in sources.items():
            y = _row(source, CURVE_ROWS[key], n)
            unchanged = same_x and np.array_equal(y, self._y[key], equal_nan=True)
            self._y[key] = y
            if not unchanged:
                # A horizon drag leaves T+0 and the expiry curve as they were: given the same
                # data again, pyqtgraph would rebuild and repaint their paths on every frame.
                self.curves[key].setData(x, y)
        horizon = self._y[CurveKey.HORIZON]
        if not (same_x and np.array_equal(horizon, self._filled, equal_nan=True)):
            self._filled = horizon
            # Shading only: split the horizon curve at zero (presentation, not P&L maths).
            self._profit_fill.setData(x, np.where(horizon > 0.0, horizon, 0.0))
            self._loss_fill.setData(x, np.where(horizon < 0.0, horizon, 0.0))
        self._update_fill_visibility()

        self._move_axis.set_spot(report.spx)
        if curves.horizons_days != self._named_horizons:
            # Legend labels are rich text and slow to set: only when the dates change.
            self._named_horizons = curves.horizons_days
            self._update_names(report)
        self._update_markers(report)
        if not self._user_moved_view and not self._view_held:
            self._fit_view()
        self._refresh_marker_readout()
        self._refresh_cursor_readout()
        # Again now that the preview marker's label has its text (and so its width).
        self._place_labels()

    def curve_visibility(self) -> dict[str, bool]:
        """Which curves are shown, keyed by `CurveKey` value, for the view settings."""
        return {key.value: self._visible[key] for key in CurveKey}

    def set_curve_visibility(self, visibility: Mapping[str, bool]) -> None:
        """Restore toggles saved by `curve_visibility`; unknown keys are ignored."""
        for name, on in visibility.items():
            try:
                key = CurveKey(name)
            except ValueError:
                continue
            self._set_visible(key, bool(on), notify=False)

    def hold_view(self, held: bool) -> None:
        """Keep the view range while the user drags (the horizon slider); fit again after.

        A range that follows every frame of a drag makes the curves jump under the cursor and
        re-lays every axis each frame, the costliest part of the repaint (DESIGN.md section 5:
        fix the view range while the user drags).
        """
        self._view_held = held
        if not held and not self._user_moved_view:
            self._fit_view()

    def reset_view(self) -> None:
        """Fit the view to the curves and follow future reports again."""
        self._user_moved_view = False
        self._fit_view()

    def preview_price(self) -> float:
        return float(self.preview_line.value())

    def set_preview_price(self, price: float) -> None:
        """Move the draggable marker (as a drag would): emits `spot_preview`."""
        self.preview_line.setValue(price)

    def step_preview_pct(self, pct_of_spot: float) -> None:
        """Move the marker by `pct_of_spot` % of spot (keyboard), inside the curves' range."""
        report = self._report
        if report is None or self._x.shape[0] == 0:
            return
        price = self.preview_price() + report.spx * pct_of_spot / 100.0
        self.set_preview_price(min(max(price, float(self._x[0])), float(self._x[-1])))

    def preview_to_spot(self) -> None:
        if self._report is not None:
            self.set_preview_price(self._report.spx)

    def values_at(self, price: float) -> dict[CurveKey, float]:
        """Each visible curve's P&L at `price`, read off the curve (linear between points)."""
        out: dict[CurveKey, float] = {}
        x = self._x
        if x.shape[0] == 0 or not math.isfinite(price) or not x[0] <= price <= x[-1]:
            return {key: math.nan for key in CurveKey if self._visible[key]}
        for key in CurveKey:
            if self._visible[key]:
                out[key] = float(np.interp(price, x, self._y[key]))
        return out

    def readout_at(self, price: float) -> str:
        """The text shown for `price`: price, % move, VIX on the map, each visible curve."""
        report = self._report
        if report is None or self._x.shape[0] == 0:
            return MISSING
        curves = report.curves
        parts = [f"SPX {fmt_price(price)}"]
        if report.spx > 0:
            parts[0] += f" ({fmt_pct(100.0 * (price / report.spx - 1.0), 2, sign=True)})"
        x = self._x
        vix = np.asarray(curves.vix, dtype=np.float64)
        if vix.shape == x.shape and x[0] <= price <= x[-1]:
            parts.append(f"VIX {fmt_vix(float(np.interp(price, x, vix)), 1)}")
        else:
            parts.append(f"VIX {MISSING}")
        for key, value in self.values_at(price).items():
            parts.append(f"{self._short_name(key)} {fmt_usd(value, sign=True)}")
        return " · ".join(parts)

    def apply_theme(self, theme: Theme) -> None:
        """Switch pens and brushes (the print renderer uses the light variant)."""
        self._theme = theme
        self.plot_widget.setBackground(theme.qcolor(theme.background))
        fg = theme.qcolor(theme.foreground)
        for name in ("left", "bottom", "top"):
            axis = self.plot_item.getAxis(name)
            axis.setPen(fg)
            axis.setTextPen(fg)
            if isinstance(axis, OpaqueGridAxis):
                axis.set_grid_background(theme.qcolor(theme.background))
        self.plot_item.showGrid(x=True, y=True, alpha=theme.grid_alpha)
        for key, curve in self.curves.items():
            curve.setPen(theme.curves[key].pen())
        self._profit_fill.setFillBrush(theme.brush(theme.profit_fill))
        self._loss_fill.setFillBrush(theme.brush(theme.loss_fill))
        self.zero_line.setPen(theme.pen(theme.zero_line, 1.0))
        self.spot_line.setPen(theme.pen(theme.spot, 1.2, Qt.PenStyle.DashLine))
        self.spot_line.label.setColor(theme.qcolor(theme.spot))
        self.preview_line.setPen(theme.pen(theme.spot_preview, 2.0))
        self.preview_line.setHoverPen(theme.pen(theme.spot_preview, 3.5))
        self.preview_line.label.setColor(theme.qcolor(theme.spot_preview))
        for line in (self.crosshair_v, self.crosshair_h):
            line.setPen(theme.pen(theme.crosshair, 1.0))
        for line in self.short_strike_lines:
            self._style_short_strike(line)
        for line, row in zip(self.break_even_lines, self._break_even_rows, strict=True):
            self._style_break_even(line, row)
            line._styled_row = row
        self.legend.setLabelTextColor(fg)
        for _, label in self.legend.items:
            label.setText(label.text, color=fg)
        self.legend.setBrush(theme.brush((*theme.background, 200)))
        # The check boxes above the plot are the on-screen key (a swatch of each curve's pen):
        # a legend inside the plot hid the curves and marker labels on smaller screens.
        self.legend.setVisible(False)
        for key, box in self.checkboxes.items():
            box.setIcon(_pen_swatch(theme, key))
            box.setIconSize(QSize(_SWATCH_W, _SWATCH_H))

    def render_to(self, painter: QPainter, rect: QRectF, light_theme: bool) -> None:
        """Draw the plot (axes, curves, markers, legend) into `rect` as vector graphics.

        For the printed/PDF snapshot: the theme is switched for the duration of the call and
        the interactive crosshair and preview marker are left out.
        """
        previous = self._theme
        hidden = [
            item
            for item in (self.crosshair_v, self.crosshair_h, self.preview_line)
            if item.isVisible()
        ]
        for item in hidden:
            item.hide()
        theme = theme_for(light_theme)
        self.apply_theme(theme)
        # Lay the plot out at the target's size (works for a widget never shown, as in the
        # headless renderer) so it fills `rect` without letterboxing or stretched text.
        old_geometry = self.plot_item.geometry()
        self.plot_item.setGeometry(QRectF(0.0, 0.0, rect.width(), rect.height()))
        self.plot_item.layout.activate()
        try:
            # The background belongs to the view widget, not the scene: paint it explicitly.
            painter.fillRect(rect, theme.qcolor(theme.background))
            source = self.plot_item.sceneBoundingRect()
            self.plot_widget.scene().render(painter, rect, source)
        finally:
            self.plot_item.setGeometry(old_geometry)
            self.plot_item.layout.activate()
            self.apply_theme(previous)
            for item in hidden:
                item.show()

    # -------------------------------------------------------------- internals

    def _short_name(self, key: CurveKey) -> str:
        h = self._report.curves.horizons_days if self._report is not None else None
        if key is CurveKey.T0:
            return "T+0"
        if key is CurveKey.HORIZON:
            return f"T+{h[1]}d" if h is not None else "Horizon"
        if key is CurveKey.EXPIRY:
            return f"Exp T+{h[2]}d" if h is not None else "Expiry"
        if key is CurveKey.CONDOR:
            return "Condor"
        return "Hedge"

    def _long_name(self, key: CurveKey) -> str:
        h = self._report.curves.horizons_days if self._report is not None else None
        days = f" T+{h[1]}d" if h is not None else ""
        return {
            CurveKey.T0: "Combined T+0 (today)",
            CurveKey.HORIZON: f"Combined at horizon{days}",
            CurveKey.EXPIRY: (
                f"Combined at condor expiry T+{h[2]}d" if h is not None else "At condor expiry"
            ),
            CurveKey.CONDOR: f"Condor alone{days}",
            CurveKey.HEDGE: f"Hedge alone{days}",
        }[key]

    def _update_names(self, report: Report | None) -> None:
        for key, curve in self.curves.items():
            name = self._long_name(key) if report is not None else key.value
            _set_steady_text(self.checkboxes[key], self._short_name(key) if report else name)
            _set_tip(self.checkboxes[key], self._long_name(key))
            # The in-plot legend stays hidden (the check boxes are the key): its rich-text
            # labels cost ~1 ms each to set, on every frame of a horizon drag.
            label = self.legend.getLabel(curve) if self.legend.isVisible() else None
            if label is not None:
                label.setText(name)
            curve.opts["name"] = name

    def _set_visible(self, key: CurveKey, on: bool, notify: bool) -> None:
        changed = self._visible[key] != on
        self._visible[key] = on
        curve = self.curves[key]
        if curve.isVisible() != on:
            curve.setVisible(on)
        box = self.checkboxes[key]
        if box.isChecked() != on:
            box.blockSignals(True)
            box.setChecked(on)
            box.blockSignals(False)
        if key is CurveKey.HORIZON:
            self._update_fill_visibility()
        if key in (CurveKey.HORIZON, CurveKey.EXPIRY):
            self._update_break_even_visibility()
            self._place_labels()
        if changed and notify:
            self.curve_visibility_changed.emit(self.curve_visibility())

    def _on_item_visibility(self, key: CurveKey) -> None:
        # A click on the legend toggles the item directly; mirror it in the check box.
        on = bool(self.curves[key].isVisible())
        if on != self._visible[key]:
            self._set_visible(key, on, notify=True)

    def _update_fill_visibility(self) -> None:
        on = self._visible[CurveKey.HORIZON]
        self._profit_fill.setVisible(on)
        self._loss_fill.setVisible(on)

    def _update_markers(self, report: Report) -> None:
        spot = report.spx
        if self.spot_line.value() != spot:
            self.spot_line.setValue(spot)
        _set_label(self.spot_line, f"spot {fmt_price(spot, 0)}")
        _show_line(self.spot_line, math.isfinite(spot))
        x = self._x
        if x.shape[0] > 0:
            bounds = [float(x[0]), float(x[-1])]
            if self.preview_line.bounds() != bounds:
                self.preview_line.setBounds(bounds)
        if self._last_spot != spot or not self.preview_line.isVisible():
            self.preview_line.blockSignals(True)
            self.preview_line.setValue(spot)
            self.preview_line.blockSignals(False)
        self._last_spot = spot
        _show_line(self.preview_line, x.shape[0] > 0 and math.isfinite(spot))

        shorts = sorted(
            {
                leg.strike
                for leg in report.legs
                if leg.group is Group.CONDOR
                and leg.quantity < 0
                and leg.underlying is Underlying.SPX
            }
        )
        self._short_strikes = shorts
        self._resize_pool(self.short_strike_lines, len(shorts))
        for line, strike in zip(self.short_strike_lines, shorts, strict=True):
            side = "put" if strike < spot else "call"
            text = f"short {side} {fmt_num(strike, 0)}"
            if line.value() != strike or line.label.format != text or not line.isVisible():
                # Re-laying out a label is the chart's costliest update: only when it changed.
                line.setValue(strike)
                line.label.setFormat(text)
                self._style_short_strike(line)
                _show_line(line, True)

        # Break-evens of the horizon and expiry curves only: at T+0 the P&L is ~0 around spot,
        # which yields trivial break-evens there (all break-evens are listed in the risk panel).
        horizons = report.curves.horizons_days
        evens: list[tuple[int, BreakEven]] = []
        seen: set[tuple[int, float]] = set()
        for be in sorted(report.break_evens, key=lambda b: b.spx):
            row = next((r for r in (1, 2) if horizons[r] == be.horizon_days), None)
            # With the horizon on the condor's expiry both curves are one: each break-even once.
            key = (be.horizon_days, round(be.spx, 6))
            if row is not None and math.isfinite(be.spx) and key not in seen:
                seen.add(key)
                evens.append((row, be))
        self._resize_pool(self.break_even_lines, len(evens))
        self._break_even_rows = [row for row, _ in evens]
        for line, (row, be) in zip(self.break_even_lines, evens, strict=True):
            line.setValue(be.spx)
            # Price only on the chart (the % move is on the top axis and in the tooltip): the
            # longer labels stacked in a staircase across the curves on a 1366-pixel screen.
            _set_label(line, f"BE {fmt_num(be.spx, 0)}")
            _set_tip(
                line,
                f"Break-even at T+{be.horizon_days}d: SPX {fmt_price(be.spx)}, "
                f"{fmt_pct(be.move_pct, 2, sign=True)}, VIX {fmt_vix(be.vix, 1)}",
            )
            if getattr(line, "_styled_row", None) != row:
                self._style_break_even(line, row)
                line._styled_row = row
        self._update_break_even_visibility()

    def _place_labels(self) -> None:
        """Stack marker labels in rows so that neighbours never print over each other.

        Greedy interval packing in data units: each label (sorted by price) goes into the first
        row whose last label ends left of it. Short strikes stack down from the top, break-evens
        up from the bottom. Re-run when the x range changes, since widths are in pixels.
        """
        data_per_px = self._view_box.viewPixelSize()[0]
        if not math.isfinite(data_per_px) or data_per_px <= 0:
            return

        def pack(lines: list[Any], first: float, step: float) -> None:
            row_ends: list[float] = []
            for line in sorted((ln for ln in lines if ln.isVisible()), key=lambda ln: ln.value()):
                # pyqtgraph hangs a vertical line's label to its right or left (whichever keeps
                # it in view): its anchor's x says which share of the text lies left of the line.
                width = (line.label.boundingRect().width() + 8) * data_per_px
                left = float(line.value()) - width * float(line.label.anchor[0])
                row = next((i for i, end in enumerate(row_ends) if end < left), len(row_ends))
                if row == len(row_ends):
                    row_ends.append(-math.inf)
                row_ends[row] = left + width
                position = min(max(first + step * row, 0.02), 0.98)
                if line.label.orthoPos != position:
                    line.label.setPosition(position)

        # A row is at least one label high, however short the plot is.
        plot_height_px = float(self._view_box.height())
        label_height_px = self.spot_line.label.boundingRect().height() + 2.0
        step = _LABEL_ROW_STEP
        if plot_height_px > 0:
            step = max(step, label_height_px / plot_height_px)
        pack([*self.short_strike_lines, self.spot_line], _SHORT_LABEL_TOP, -step)
        pack([*self.break_even_lines, self.preview_line], _BREAK_EVEN_LABEL_BOTTOM, step)

    def _update_break_even_visibility(self) -> None:
        for line, row in zip(self.break_even_lines, self._break_even_rows, strict=True):
            _show_line(line, self._visible[_ROW_KEYS[row]])

    def _resize_pool(self, pool: list[Any], n: int) -> None:
        # The number of break-evens changes as the horizon is dragged: lines no longer needed
        # wait hidden for the next frame instead of being removed from the plot and made again.
        while len(pool) < n:
            if self._spare_lines:
                line = self._spare_lines.pop()
            else:
                line = pg.InfiniteLine(angle=90, movable=False, label="")
                self.plot_item.addItem(line, ignoreBounds=True)
            pool.append(line)
        while len(pool) > n:
            line = pool.pop()
            line.hide()
            line._styled_row = None
            self._spare_lines.append(line)

    def _style_short_strike(self, line: Any) -> None:
        theme = self._theme
        line.setPen(theme.pen(theme.short_strike, 1.0, Qt.PenStyle.DotLine))
        line.label.setColor(theme.qcolor(theme.short_strike))

    def _style_break_even(self, line: Any, row: int) -> None:
        theme = self._theme
        colour = theme.curves[_ROW_KEYS[row]].colour
        line.setPen(theme.pen(colour, 1.0, Qt.PenStyle.DashLine))
        line.label.setColor(theme.qcolor(colour))

    def _fit_view(self) -> None:
        x = self._x
        if x.shape[0] == 0:
            return
        shown = [self._y[k] for k in CurveKey if self._visible[k]] or [self._y[CurveKey.HORIZON]]
        stacked = np.concatenate([*shown, np.zeros(1)])
        finite = stacked[np.isfinite(stacked)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
        if hi - lo <= 0:
            # A flat curve (an empty plan): a round dollar range around it, not ±$1 in cents.
            lo, hi = lo - _FLAT_RANGE_USD, hi + _FLAT_RANGE_USD
        self._fitting = True
        try:
            self._view_box.setRange(
                xRange=(float(x[0]), float(x[-1])), yRange=(lo, hi), padding=0.04
            )
        finally:
            self._fitting = False

    def _on_manual_range(self, *_: object) -> None:
        if not self._fitting:
            self._user_moved_view = True

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        if self._report is None or not self._view_box.sceneBoundingRect().contains(scene_pos):
            self.crosshair_v.hide()
            self.crosshair_h.hide()
            self.cursor_label.hide()
            return
        point = self._view_box.mapSceneToView(scene_pos)
        self.crosshair_v.setValue(point.x())
        self.crosshair_h.setValue(point.y())
        self.crosshair_v.show()
        self.crosshair_h.show()
        self._cursor_price = float(point.x())
        self._refresh_cursor_readout()
        self._place_cursor_label(float(point.x()), float(point.y()))

    def _place_cursor_label(self, price: float, y: float) -> None:
        text = self.cursor_label_text(price)
        if not text:
            self.cursor_label.hide()
            return
        theme = self._theme
        self.cursor_label.setText(text, color=theme.qcolor(theme.foreground))
        self.cursor_label.fill = theme.brush((*theme.background, 215))
        # To the left of the cursor in the right half, so the label stays inside the plot.
        (x_lo, x_hi), _ = self._view_box.viewRange()
        right_half = price > 0.5 * (x_lo + x_hi)
        self.cursor_label.setAnchor((1.0 if right_half else 0.0, 1.0))
        self.cursor_label.setPos(price, y)
        self.cursor_label.show()

    def cursor_label_text(self, price: float) -> str:
        """The floating label's text: price, % move and the horizon curve's P&L."""
        report = self._report
        if report is None or self._x.shape[0] == 0:
            return ""
        values = self.values_at(price)
        lines = [f"SPX {fmt_price(price, 0)}"]
        if report.spx > 0:
            lines[0] += f" ({fmt_pct(100.0 * (price / report.spx - 1.0), 1, sign=True)})"
        for key in (CurveKey.HORIZON, CurveKey.T0, CurveKey.EXPIRY):
            value = values.get(key)
            if value is not None and math.isfinite(value):
                lines.append(f"{self._short_name(key)} {fmt_usd(value, sign=True)}")
        return "\n".join(lines)

    def extra_days(self) -> tuple[int, ...]:
        """The T+n days typed in the chart's date box (bad entries are left out)."""
        days: list[int] = []
        for part in self.dates_edit.text().replace(";", ",").split(","):
            text = part.strip().removeprefix("T+").removeprefix("t+").removesuffix("d").strip()
            if text.isdigit() and int(text) not in days:
                days.append(int(text))
        return tuple(days[:MAX_EXTRA_DATES])

    def set_extra_days_text(self, text: str) -> None:
        self.dates_edit.setText(text)

    def _on_dates_edited(self) -> None:
        days = self.extra_days()
        self.dates_edit.setText(", ".join(str(d) for d in days))
        self.extra_days_changed.emit(days)

    def set_date_curves(self, curves: DateCurves | None) -> None:
        """Draw the engine's T+n curves (`date_curves`) as thin lines; None removes them."""
        self._date_curves = curves
        n = len(curves.days) if curves is not None else 0
        while len(self.date_curve_items) < n:
            item = pg.PlotDataItem(_EMPTY, _EMPTY, connect="finite")
            item.setZValue(-10)
            self.plot_item.addItem(item)
            item.setClipToView(True)
            self.date_curve_items.append(item)
        while len(self.date_curve_items) > n:
            self.plot_item.removeItem(self.date_curve_items.pop())
        if curves is None:
            return
        theme = self._theme
        for i, (item, day) in enumerate(zip(self.date_curve_items, curves.days, strict=True)):
            # Lighter the later the date, so the fan of dates reads in order.
            alpha = max(90, 220 - 30 * i)
            item.setPen(pg.mkPen(theme.qcolor((*theme.foreground, alpha)), width=1.0))
            item.setData(curves.spx, curves.combined_usd[i])
            item.opts["name"] = f"T+{day}d"

    def set_expected_move(self, move: ExpectedMove | None) -> None:
        """Show ±1σ and ±2σ bands (the engine's `expected_move` at the report's horizon)."""
        self._expected_move = move
        self._show_expected_move()

    def _show_expected_move(self) -> None:
        move = self._expected_move
        bands = sorted(move.bands, key=lambda b: b.sigmas) if move is not None else []
        on = self.sigma_box.isChecked()
        theme = self._theme
        for i, region in enumerate(self.sigma_regions):
            if not on or i >= len(bands) or move is None:
                region.hide()
                continue
            band = bands[i]
            region.setRegion((band.low_spx, band.high_spx))
            alpha = 34 if i == 0 else 18
            region.setBrush(theme.brush((*theme.foreground, alpha)))
            _set_tip(
                region,
                f"±{band.sigmas:g}σ by T+{move.horizon_days}d: SPX {fmt_price(band.low_spx, 0)}"
                f" to {fmt_price(band.high_spx, 0)} (1σ = {fmt_num(move.one_sigma_pts, 0)} pts,"
                f" ATM vol {fmt_pct(100.0 * move.atm_vol, 1)})",
            )
            region.show()

    def _refresh_cursor_readout(self) -> None:
        price = self._cursor_price
        if self._report is None or price is None:
            self.cursor_readout.setText(MISSING)
            return
        self.cursor_readout.setText(self.readout_at(price))

    def _on_preview_moved(self) -> None:
        price = self.preview_price()
        self._refresh_marker_readout()
        # The marker's label moves with it: find it a row where it prints over no other label.
        self._place_labels()
        self.spot_preview.emit(price)

    def _refresh_marker_readout(self) -> None:
        if self._report is None or not self.preview_line.isVisible():
            self.marker_readout.setText("")
            return
        price = self.preview_price()
        _set_label(self.preview_line, fmt_price(price, 0))
        self.marker_readout.setText(f"Marker: {self.readout_at(price)}")
