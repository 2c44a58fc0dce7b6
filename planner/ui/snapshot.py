"""The payoff snapshot: one landscape page shared by Print, Print Preview, PDF, PNG, SVG and the
`hedge-planner render` command (DESIGN.md section 6).

The page is laid out in units of 1/`dpi` inch, `dpi` being the screen's logical resolution, and
every device is made to paint in those units: the PDF writer, printer and SVG generator get
their resolution set to `dpi`; a PNG is painted through a scale. pyqtgraph sizes its axis text
in points and its pens in device pixels, so a device at any other resolution would draw the
chart's axes at the wrong size (DESIGN.md section 7).

What is on the page: the plan's name, the as-of date and the time printed, the market
assumptions, the payoff chart (vectors, light print theme), the legs table, the risk summary
(key figures and dollar greeks by group) and the stress table. Tables that do not fit continue
on further pages, which are then numbered.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QLocale, QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)
from PySide6.QtSvg import QSvgGenerator

from planner.engine.replay_result import ReplayResult
from planner.engine.report import Report
from planner.model.atomic import write_bytes_atomic
from planner.model.plan import Plan
from planner.present.alvh import alvh_summary_table, layer_stress_table, layers_table
from planner.present.formatting import (
    fmt_num,
    fmt_price,
    fmt_pts,
    fmt_usd,
    fmt_vix,
)
from planner.present.replay import replay_tables
from planner.present.risk import (
    greeks_table,
    hedge_cost_table,
    legs_table,
    position_table,
    stress_table,
)
from planner.present.table import Align, Tone
from planner.present.table import Table as PresentTable
from planner.ui.payoff_chart import PayoffChart
from planner.ui.replay.charts import ReplayCharts, replay_legend
from planner.ui.theme import PRINT, CurveKey

__all__ = [
    "DEFAULT_PNG_WIDTH_PX",
    "MAX_PNG_WIDTH_PX",
    "MIN_PNG_WIDTH_PX",
    "Snapshot",
    "SnapshotFormat",
    "chart_image",
    "default_page_size",
    "ensure_application",
    "screen_dpi",
    "write_snapshot",
]

DEFAULT_PNG_WIDTH_PX = 2400
MIN_PNG_WIDTH_PX = 800
MAX_PNG_WIDTH_PX = 8000
_FALLBACK_DPI = 96.0

# Countries that use US Letter; everyone else prints on A4.
_LETTER_TERRITORIES = {
    QLocale.Country.UnitedStates,
    QLocale.Country.Canada,
    QLocale.Country.Mexico,
    QLocale.Country.Philippines,
    QLocale.Country.Chile,
    QLocale.Country.Colombia,
    QLocale.Country.Venezuela,
    QLocale.Country.PuertoRico,
}

_CHART_ZOOM = 1.3
_CELL_PAD_IN = 0.028
_INK = QColor(20, 20, 20)
_MUTED = QColor(90, 90, 90)
_RULE = QColor(150, 150, 150)
_STRIPE = QColor(242, 242, 242)
_LOSS = QColor(*PRINT.loss_text)


class SnapshotFormat(Enum):
    PDF = "pdf"
    PNG = "png"
    SVG = "svg"

    @classmethod
    def from_suffix(cls, suffix: str) -> SnapshotFormat:
        """`.pdf` / `PNG` / `svg` -> the format; ValueError naming the suffix otherwise."""
        text = suffix.lower().lstrip(".")
        for fmt in cls:
            if fmt.value == text:
                return fmt
        shown = f".{text}" if text else "no extension"
        raise ValueError(f"unknown output type {shown!r} (use .pdf, .png or .svg)")


def screen_dpi() -> float:
    """The primary screen's logical DPI (96 headless): the resolution pyqtgraph draws for."""
    screen = QGuiApplication.primaryScreen() if QGuiApplication.instance() else None
    dpi = screen.logicalDotsPerInch() if screen is not None else _FALLBACK_DPI
    return dpi if math.isfinite(dpi) and dpi > 0 else _FALLBACK_DPI


def default_page_size(locale: QLocale | None = None) -> QPageSize:
    """US Letter where the locale uses it (US customary units or a Letter country), else A4."""
    loc = locale if locale is not None else QLocale()
    if (
        loc.measurementSystem() == QLocale.MeasurementSystem.ImperialUSSystem
        or loc.territory() in _LETTER_TERRITORIES
    ):
        return QPageSize(QPageSize.PageSizeId.Letter)
    return QPageSize(QPageSize.PageSizeId.A4)


# -------------------------------------------------------------------------------------------
# Tables


class _Align(Enum):
    LEFT = Qt.AlignmentFlag.AlignLeft
    RIGHT = Qt.AlignmentFlag.AlignRight


@dataclass(frozen=True, slots=True)
class _Cell:
    text: str
    loss: bool = False
    bold: bool = False
    align: _Align | None = None
    """Where it differs from the column's (a word among numbers)."""


@dataclass(slots=True)
class _Table:
    title: str
    headers: list[str]
    aligns: list[_Align]
    rows: list[list[_Cell]]
    note: str = ""
    bold_rows: set[int] = field(default_factory=set)
    give_way: tuple[int, ...] = ()
    """Text columns that are elided first, in this order, when the table is too wide."""
    optional: list[bool] = field(default_factory=list)
    """Columns the page may leave out (rightmost first) before cutting any text."""


_T = TypeVar("_T")


def _without_column(table: _Table, column: int) -> _Table:
    def keep(items: list[_T]) -> list[_T]:
        return [x for i, x in enumerate(items) if i != column]

    return _Table(
        table.title,
        keep(table.headers),
        keep(table.aligns),
        [keep(row) for row in table.rows],
        note=table.note,
        bold_rows=set(table.bold_rows),
        give_way=tuple(i - (i > column) for i in table.give_way if i != column),
        optional=keep(table.optional),
    )


_ALIGNS = {Align.LEFT: _Align.LEFT, Align.RIGHT: _Align.RIGHT}


def _from_present(table: PresentTable, give_way: tuple[int, ...] = ()) -> _Table:
    """A presentation table (planner.present) as the page paints it: row headers as a first
    column, every cell's whole text (full scenario names, exact dollars)."""
    flat = table.with_row_headers_as_column()
    return _Table(
        flat.title,
        list(flat.headers),
        [_ALIGNS[c.align] for c in flat.columns],
        [
            [
                _Cell(
                    c.wide_text,
                    loss=c.tone is Tone.LOSS,
                    bold=c.bold,
                    align=None if c.align is None else _ALIGNS[c.align],
                )
                for c in row
            ]
            for row in flat.rows
        ],
        note=flat.note if flat.rows or not flat.empty_text else flat.empty_text,
        bold_rows=set(flat.bold_rows),
        give_way=give_way,
        optional=[c.optional for c in flat.columns],
    )


# -------------------------------------------------------------------------------------------
# Layout


@dataclass(frozen=True, slots=True)
class _Fonts:
    title: QFont
    subtitle: QFont
    section: QFont
    body: QFont
    body_bold: QFont
    small: QFont


def _font(pixels: float, bold: bool = False) -> QFont:
    # Pixel sizes in page units (1/dpi inch): the same size on every device.
    font = QFont(QGuiApplication.font().family() if QGuiApplication.instance() else "Sans Serif")
    font.setPixelSize(max(1, round(pixels)))
    font.setBold(bold)
    return font


def _fonts(dpi: float) -> _Fonts:
    pt = dpi / 72.0  # units per typographic point
    return _Fonts(
        title=_font(15 * pt, bold=True),
        subtitle=_font(8.5 * pt),
        section=_font(9 * pt, bold=True),
        body=_font(7.5 * pt),
        body_bold=_font(7.5 * pt, bold=True),
        small=_font(6.8 * pt),
    )


Painter = Callable[[QPainter], None]


@dataclass(slots=True)
class _Region:
    rect: QRectF
    y: float = 0.0

    def __post_init__(self) -> None:
        self.y = self.rect.top()

    @property
    def remaining(self) -> float:
        return self.rect.bottom() - self.y


class Snapshot:
    """The laid-out snapshot of one plan and its report, ready to paint on any device.

    `chart` is the payoff chart to draw (the window's, so the printed curves are the ones shown
    on screen); without one a fresh chart is made from `report`.
    """

    def __init__(
        self,
        plan: Plan,
        report: Report,
        chart: PayoffChart | None = None,
        page_size: QPageSize | None = None,
        printed_at: dt.datetime | None = None,
        dpi: float | None = None,
        replay: ReplayResult | None = None,
        replay_charts: ReplayCharts | None = None,
        layers: bool = False,
    ) -> None:
        self.plan = plan
        self.report = report
        # With `layers` the snapshot gains the ALVH layer proposal's page.
        self.layers = layers
        # With a replay result the snapshot gains the replay page (issue #11); `replay_charts`
        # is the window's (what is on screen), else one is made for the page.
        self.replay = replay
        self._own_replay_charts: ReplayCharts | None = None
        if replay is not None and replay_charts is None:
            replay_charts = ReplayCharts()
            replay_charts.set_result(replay)
            self._own_replay_charts = replay_charts
        self.replay_charts = replay_charts
        self.dpi = dpi if dpi is not None else screen_dpi()
        self.page_size = page_size if page_size is not None else default_page_size()
        self.printed_at = printed_at if printed_at is not None else dt.datetime.now()
        if chart is None:
            chart = PayoffChart()
            chart.set_report(report)
            self._own_chart: PayoffChart | None = chart
        else:
            self._own_chart = None
        self.chart = chart
        size_pt = self.page_size.sizePoints()
        # Landscape: the long side across.
        long_pt, short_pt = (
            max(size_pt.width(), size_pt.height()),
            min(size_pt.width(), size_pt.height()),
        )
        self.page_width = long_pt / 72.0 * self.dpi
        self.page_height = short_pt / 72.0 * self.dpi
        self.fonts = _fonts(self.dpi)
        self.margin = 0.4 * self.dpi
        self._pages: list[list[Painter]] = []
        self._layout()

    # -- public --------------------------------------------------------------------------

    @property
    def page_count(self) -> int:
        return len(self._pages)

    def page_layout(self) -> QPageLayout:
        return QPageLayout(self.page_size, QPageLayout.Orientation.Landscape, QMarginsF(0, 0, 0, 0))

    def paint_page(self, painter: QPainter, index: int) -> None:
        """Paint page `index` with the painter's coordinates in page units."""
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        painter.fillRect(QRectF(0, 0, self.page_width, self.page_height), QColor("white"))
        for op in self._pages[index]:
            painter.save()
            op(painter)
            painter.restore()
        painter.restore()

    def print_to(self, device: QPagedPaintDevice) -> None:
        """Paint every page on a printer or PDF writer (its resolution set to `dpi` first)."""
        device.setPageLayout(self.page_layout())
        set_resolution = getattr(device, "setResolution", None)
        if callable(set_resolution):
            set_resolution(round(self.dpi))
        if hasattr(device, "setFullPage"):
            device.setFullPage(True)
        painter = QPainter()
        if not painter.begin(device):
            raise OSError("could not start painting on the output device")
        try:
            # A driver may refuse the resolution; scale so the page still fills the sheet.
            scale = device.width() / self.page_width if device.width() > 0 else 1.0
            for index in range(self.page_count):
                if index:
                    device.newPage()
                painter.save()
                painter.scale(scale, scale)
                self.paint_page(painter, index)
                painter.restore()
        finally:
            painter.end()

    def pdf_bytes(self) -> bytes:
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        writer = QPdfWriter(buffer)
        writer.setTitle(f"{self.plan.name} — Hedge Planner snapshot")
        writer.setCreator("Hedge Planner")
        self.print_to(writer)
        del writer  # flushes the PDF trailer into the buffer
        return bytes(buffer.data().data())

    def image(self, width_px: int = DEFAULT_PNG_WIDTH_PX) -> QImage:
        """All pages stacked top to bottom, `width_px` wide, on white."""
        if not MIN_PNG_WIDTH_PX <= width_px <= MAX_PNG_WIDTH_PX:
            raise ValueError(
                f"PNG width must be {MIN_PNG_WIDTH_PX}–{MAX_PNG_WIDTH_PX} px (got {width_px})"
            )
        scale = width_px / self.page_width
        page_px = self.page_height * scale
        height_px = round(page_px * self.page_count)
        image = QImage(width_px, height_px, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(QColor("white"))
        painter = QPainter(image)
        try:
            painter.scale(scale, scale)
            self._paint_stacked(painter)
        finally:
            painter.end()
        # Tag the file with its print resolution (the page's real size) once painting is done:
        # pyqtgraph's point-sized axis text must be laid out at the screen's resolution.
        dots_per_metre = round(width_px / (self.page_width / self.dpi) / 0.0254)
        image.setDotsPerMeterX(dots_per_metre)
        image.setDotsPerMeterY(dots_per_metre)
        return image

    def png_bytes(self, width_px: int = DEFAULT_PNG_WIDTH_PX) -> bytes:
        return _image_to_png(self.image(width_px))

    def svg_bytes(self) -> bytes:
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        generator = QSvgGenerator()
        generator.setOutputDevice(buffer)
        generator.setResolution(round(self.dpi))
        height = self.page_height * self.page_count
        generator.setSize(QRectF(0, 0, self.page_width, height).size().toSize())
        generator.setViewBox(QRectF(0, 0, self.page_width, height))
        generator.setTitle(self.plan.name)
        generator.setDescription("Hedge Planner payoff snapshot")
        painter = QPainter()
        if not painter.begin(generator):
            raise OSError("could not start the SVG generator")
        try:
            self._paint_stacked(painter)
        finally:
            painter.end()
        return bytes(buffer.data().data())

    def render(self, fmt: SnapshotFormat, width_px: int = DEFAULT_PNG_WIDTH_PX) -> bytes:
        if fmt is SnapshotFormat.PDF:
            return self.pdf_bytes()
        if fmt is SnapshotFormat.PNG:
            return self.png_bytes(width_px)
        return self.svg_bytes()

    def close(self) -> None:
        """Free the chart this snapshot made for itself (not a chart it was given)."""
        if self._own_chart is not None:
            self._own_chart.deleteLater()
            self._own_chart = None
        if self._own_replay_charts is not None:
            self._own_replay_charts.deleteLater()
            self._own_replay_charts = None

    # -- painting helpers ----------------------------------------------------------------

    def _paint_stacked(self, painter: QPainter) -> None:
        for index in range(self.page_count):
            painter.save()
            painter.translate(0, index * self.page_height)
            self.paint_page(painter, index)
            if index:
                painter.setPen(QPen(_RULE, 1.0, Qt.PenStyle.DashLine))
                painter.drawLine(QPointF(0, 0), QPointF(self.page_width, 0))
            painter.restore()

    # -- layout --------------------------------------------------------------------------

    def _layout(self) -> None:
        m = self.margin
        width = self.page_width - 2 * m
        fonts = self.fonts
        header_h = self._header_height()
        footer_h = QFontMetricsF(fonts.small).height() + 6
        top = m + header_h
        bottom = self.page_height - m - footer_h
        gap = 0.16 * self.dpi

        # The position ("−10 SPX 7,900 C") is what a reader needs whole: the leg's id gives way
        # first on a narrow page, after the optional columns (the group, the greeks' details)
        # have gone.
        legs = _from_present(legs_table(self.report), give_way=(0,))
        stress = _from_present(stress_table(self.report))
        position = _from_present(position_table(self.report))
        hedge_cost = _from_present(hedge_cost_table(self.report))
        greeks = _from_present(greeks_table(self.report))
        right_tables = [position, greeks, stress]

        # Two columns: the chart with the legs and the hedge cost under it on the left; the
        # risk figures and the stress table, the other half of the story, on the right.
        right_w = max(self._natural_width(t) for t in right_tables)
        right_w = min(max(right_w, width * 0.36), width * 0.5)
        right_tables = [self._fitted(t, right_w) for t in right_tables]
        left_w = width - right_w - gap
        left_tables = [self._fitted(legs, left_w), self._fitted(hedge_cost, left_w)]
        body_h = bottom - top
        below_chart = sum(self._table_height(t) for t in left_tables)
        chart_h = min(max(body_h - below_chart - gap, body_h * 0.5), body_h * 0.75)

        page: list[Painter] = []
        chart_rect = QRectF(m, top, left_w, chart_h)
        page.append(lambda p: self._paint_chart(p, chart_rect))
        regions_and_tables = (
            (
                _Region(QRectF(m, top + chart_h + gap, left_w, body_h - chart_h - gap)),
                left_tables,
            ),
            (_Region(QRectF(m + left_w + gap, top, right_w, body_h)), right_tables),
        )
        # What does not fit continues on further pages, in reading order.
        pending = self._fill(page, regions_and_tables)
        pages = [page, *self._continuation_pages(pending, top, bottom)]
        if self.layers:
            pages += self._layers_pages(top, bottom)
        if self.replay is not None:
            pages += self._replay_pages(top, bottom)
        total = len(pages)
        for index, ops in enumerate(pages):
            ops.insert(0, self._header_painter())
            ops.append(self._footer_painter(index, total))
        self._pages = pages

    def _fill(
        self, page: list[Painter], regions: Sequence[tuple[_Region, Sequence[_Table]]]
    ) -> list[_Table]:
        """Place each region's tables in it, in order; return what did not fit (a table's
        rest and every table after it in that region), for the continuation pages. Within a
        region nothing jumps ahead of a table that had to be continued."""
        pending: list[_Table] = []
        for region, tables in regions:
            overflowed = False
            for table in tables:
                if overflowed:
                    pending.append(table)
                    continue
                rest = self._place(page, region, table)
                if rest is not None:
                    pending.append(rest)
                    overflowed = True
        return pending

    def _continuation_pages(
        self, pending: list[_Table], top: float, bottom: float
    ) -> list[list[Painter]]:
        """Pages of two columns holding the tables (or their rest) that did not fit."""
        m = self.margin
        width = self.page_width - 2 * m
        gap = 0.16 * self.dpi
        pages: list[list[Painter]] = []
        while pending:
            page: list[Painter] = []
            column_w = (width - gap) / 2
            columns = [
                _Region(QRectF(m, top, column_w, bottom - top)),
                _Region(QRectF(m + column_w + gap, top, column_w, bottom - top)),
            ]
            placed_any = False
            for region in columns:
                while pending:
                    before = len(pending[0].rows)
                    rest = self._place(page, region, pending[0])
                    if rest is None:
                        pending.pop(0)
                        placed_any = True
                        continue
                    if len(rest.rows) < before:
                        placed_any = True
                    pending[0] = rest
                    break
            if not placed_any:  # a row taller than a page: drop it rather than loop forever
                pending[0].rows.pop(0)
            pages.append(page)
        return pages

    def _replay_pages(self, top: float, bottom: float) -> list[list[Painter]]:
        """The replay page: the charts with the headline and claims under them on the left,
        the per-year and episode tables on the right (the same tables the window shows)."""
        assert self.replay is not None
        tables = replay_tables(self.replay)
        m = self.margin
        width = self.page_width - 2 * m
        gap = 0.16 * self.dpi
        body_h = bottom - top
        summary = _from_present(tables.summary)
        years = _from_present(tables.years)
        episodes = _from_present(tables.episodes)
        right_w = max(self._natural_width(years), self._natural_width(episodes))
        right_w = min(max(right_w, width * 0.38), width * 0.52)
        left_w = width - right_w - gap
        chart_h = max(body_h - self._table_height(summary) - gap, body_h * 0.5)
        page: list[Painter] = []
        chart_rect = QRectF(m, top, left_w, chart_h)
        page.append(lambda p: self._paint_replay_chart(p, chart_rect))
        pending = self._fill(
            page,
            [
                (
                    _Region(QRectF(m, top + chart_h + gap, left_w, body_h - chart_h - gap)),
                    [summary],
                ),
                (_Region(QRectF(m + left_w + gap, top, right_w, body_h)), [years, episodes]),
            ],
        )
        return [page, *self._continuation_pages(pending, top, bottom)]

    def _paint_replay_chart(self, p: QPainter, rect: QRectF) -> None:
        assert self.replay is not None and self.replay_charts is not None
        f = self.fonts
        s = self.replay.summary
        title_h = self._title_height()
        row_h = self._row_height()
        p.setFont(f.section)
        p.setPen(_INK)
        title_rect = QRectF(rect.left(), rect.top(), rect.width(), title_h)
        p.drawText(
            title_rect,
            int(Qt.AlignmentFlag.AlignLeft),
            f"Replay {s.start.isoformat()} to {s.end.isoformat()} (model-priced)",
        )
        metrics = QFontMetricsF(f.body)
        sample_w = 0.32 * self.dpi
        x = rect.left()
        y = rect.top() + title_h
        p.setFont(f.body)
        for name, pen in replay_legend(PRINT):
            p.setPen(pen)
            p.drawLine(QPointF(x, y + row_h / 2), QPointF(x + sample_w, y + row_h / 2))
            x += sample_w + 0.05 * self.dpi
            p.setPen(_INK)
            text_w = metrics.horizontalAdvance(name) + 2
            p.drawText(
                QRectF(x, y, text_w, row_h),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                name,
            )
            x += text_w + 0.16 * self.dpi
        bands = "red: backwardation · orange: stress episodes"
        if x + QFontMetricsF(f.small).horizontalAdvance(bands) <= rect.right():
            p.setFont(f.small)
            p.setPen(_MUTED)
            p.drawText(
                QRectF(x, y, rect.right() - x, row_h),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                bands,
            )
        area = rect.adjusted(0, title_h + row_h + 2, 0, 0)
        _paint_framed_chart(p, area, self.replay_charts.render_to)

    def _row_height(self) -> float:
        return QFontMetricsF(self.fonts.body).height() * 1.2

    def _title_height(self) -> float:
        return QFontMetricsF(self.fonts.section).height() + 4

    def _table_height(self, table: _Table, rows: int | None = None) -> float:
        n = len(table.rows) if rows is None else rows
        note = QFontMetricsF(self.fonts.small).height() + 2 if table.note else 0.0
        header = 1 if any(table.headers) else 0
        return self._title_height() + self._row_height() * (n + header) + note + 0.12 * self.dpi

    def _column_widths(self, table: _Table) -> list[float]:
        # Measured in the font each cell is painted in (headers and bold rows in bold).
        bold = QFontMetricsF(self.fonts.body_bold)
        plain = QFontMetricsF(self.fonts.body)
        pad = 2 * _CELL_PAD_IN * self.dpi + 1.0
        widths = [bold.horizontalAdvance(h) + pad for h in table.headers]
        for r, row in enumerate(table.rows):
            for i, cell in enumerate(row):
                metrics = bold if cell.bold or r in table.bold_rows else plain
                widths[i] = max(widths[i], metrics.horizontalAdvance(cell.text) + pad)
        return [w + self._lead(table, i) for i, w in enumerate(widths)]

    def _lead(self, table: _Table, column: int) -> float:
        """Extra space before a text column that follows a number column: right-aligned
        figures and left-aligned words otherwise meet at the border ("net gainNear")."""
        follows_number = column > 0 and table.aligns[column - 1] is not _Align.LEFT
        return (
            2 * _CELL_PAD_IN * self.dpi
            if table.aligns[column] is _Align.LEFT and follows_number
            else 0.0
        )

    def fitted_widths(self, table: _Table, width: float) -> list[float]:
        """Column widths filling `width`: spare room shared out; when too wide the table's
        chosen text columns give way (their text is elided) in order, then the widest text
        column; never a number."""
        widths = self._column_widths(table)
        extra = width - sum(widths)
        if extra >= 0:
            return [w + extra / len(widths) for w in widths]
        text_columns = [i for i, a in enumerate(table.aligns) if a is _Align.LEFT]
        widest = max(text_columns or [0], key=lambda i: widths[i])
        narrowest = 0.3 * self.dpi
        for i in (*table.give_way, widest):
            if extra >= 0:
                break
            shrunk = max(widths[i] + extra, min(narrowest, widths[i]))
            extra += widths[i] - shrunk
            widths[i] = shrunk
        return widths

    def _natural_width(self, table: _Table) -> float:
        title = QFontMetricsF(self.fonts.section).horizontalAdvance(table.title)
        return max(sum(self._column_widths(table)), title)

    def _place(self, page: list[Painter], region: _Region, table: _Table) -> _Table | None:
        """Draw as many rows of `table` as fit in `region`; the rest (or None) is returned."""
        fixed = self._table_height(table, 0)
        fit = math.floor((region.remaining - fixed) / self._row_height() + 1e-6)
        fit = max(0, min(fit, len(table.rows)))
        if fit == 0 and table.rows:
            return table
        head = replace(
            table,
            rows=table.rows[:fit],
            note=table.note if fit == len(table.rows) else "",
            bold_rows={i for i in table.bold_rows if i < fit},
        )
        rect = QRectF(region.rect.left(), region.y, region.rect.width(), self._table_height(head))
        page.append(lambda p: self._paint_table(p, rect, head))
        region.y += rect.height()
        if fit == len(table.rows):
            return None
        title = table.title if table.title.endswith("(continued)") else f"{table.title} (continued)"
        return replace(
            table,
            title=title,
            rows=table.rows[fit:],
            bold_rows={i - fit for i in table.bold_rows if i >= fit},
        )

    # -- content -------------------------------------------------------------------------

    def _header_height(self) -> float:
        f = self.fonts
        return (
            QFontMetricsF(f.title).height()
            + 2 * QFontMetricsF(f.subtitle).height()
            + 0.16 * self.dpi
        )

    def _market_line(self) -> str:
        r, plan = self.report, self.plan
        ts = r.term_structure
        horizon_date = r.valuation_date + dt.timedelta(days=r.horizon_days)
        parts = [
            f"SPX {fmt_price(r.spx)}",
            f"VIX {fmt_vix(r.vix)}" + ("" if r.vix9d is None else f", VIX9D {fmt_vix(r.vix9d)}"),
            f"VIX futures {ts.state}, slope {fmt_pts(ts.slope_pts_per_month, 2, sign=True)}/month"
            f", front basis {fmt_pts(ts.front_basis_pts, 2, sign=True)}",
            f"spot-vol map: {plan.model.curve_preset.value}",
            f"capital {fmt_usd(r.capital_usd)}",
            f"horizon T+{r.horizon_days}d ({horizon_date.isoformat()})",
        ]
        return "  ·  ".join(parts)

    def _header_painter(self) -> Painter:
        f = self.fonts
        m = self.margin
        width = self.page_width - 2 * m
        title_h = QFontMetricsF(f.title).height()
        sub_h = QFontMetricsF(f.subtitle).height()
        as_of = (
            f"As of {self.report.valuation_date.isoformat()}  ·  "
            f"printed {self.printed_at.strftime('%Y-%m-%d %H:%M')}"
        )
        market = self._market_line()

        def paint(p: QPainter) -> None:
            p.setPen(_INK)
            p.setFont(f.subtitle)
            as_of_w = QFontMetricsF(f.subtitle).horizontalAdvance(as_of)
            p.setFont(f.title)
            title = QFontMetricsF(f.title).elidedText(
                self.plan.name, Qt.TextElideMode.ElideRight, width - as_of_w - 0.3 * self.dpi
            )
            p.drawText(QRectF(m, m, width, title_h), int(Qt.AlignmentFlag.AlignLeft), title)
            p.setFont(f.subtitle)
            p.setPen(_MUTED)
            p.drawText(
                QRectF(m, m, width, title_h),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom),
                as_of,
            )
            p.setPen(_INK)
            line = QFontMetricsF(f.subtitle).elidedText(market, Qt.TextElideMode.ElideRight, width)
            y = m + title_h + 0.04 * self.dpi
            p.drawText(QRectF(m, y, width, sub_h), int(Qt.AlignmentFlag.AlignLeft), line)
            rule_y = y + sub_h + 0.05 * self.dpi
            p.setPen(QPen(_RULE, 0.8))
            p.drawLine(QPointF(m, rule_y), QPointF(m + width, rule_y))

        return paint

    def _footer_painter(self, index: int, total: int) -> Painter:
        f = self.fonts
        m = self.margin
        width = self.page_width - 2 * m
        h = QFontMetricsF(f.small).height()
        left = (
            "Hedge Planner payoff snapshot — model values from the plan's market assumptions, "
            "not quotes. P&L in US dollars for the whole position."
        )
        right = f"Page {index + 1} of {total}" if total > 1 else ""

        def paint(p: QPainter) -> None:
            p.setFont(f.small)
            p.setPen(_MUTED)
            rect = QRectF(m, self.page_height - m - h, width, h)
            p.drawText(rect, int(Qt.AlignmentFlag.AlignLeft), left)
            if right:
                p.drawText(rect, int(Qt.AlignmentFlag.AlignRight), right)

        return paint

    def _legend_entries(self) -> list[tuple[CurveKey, str]]:
        h = self.report.curves.horizons_days
        names = {
            CurveKey.HORIZON: f"Combined T+{h[1]}d (shaded)",
            CurveKey.T0: "Combined today (T+0)",
            CurveKey.EXPIRY: f"Combined at condor expiry T+{h[2]}d",
            CurveKey.CONDOR: f"Condor alone T+{h[1]}d",
            CurveKey.HEDGE: f"Hedge alone T+{h[1]}d",
        }
        shown = self.chart.curve_visibility()
        return [(key, name) for key, name in names.items() if shown.get(key.value, True)]

    def _legend_rows(self, width: float) -> list[list[tuple[CurveKey, str, float]]]:
        """Legend entries (key, name, x offset) wrapped into rows that fit `width`."""
        metrics = QFontMetricsF(self.fonts.body)
        sample_w = 0.32 * self.dpi
        rows: list[list[tuple[CurveKey, str, float]]] = [[]]
        x = 0.0
        for key, name in self._legend_entries():
            entry_w = sample_w + 0.05 * self.dpi + metrics.horizontalAdvance(name)
            if rows[-1] and x + entry_w > width:
                rows.append([])
                x = 0.0
            rows[-1].append((key, name, x))
            x += entry_w + 0.16 * self.dpi
        return rows

    def _paint_legend(self, p: QPainter, rect: QRectF) -> None:
        """The chart's key above the plot, where it cannot hide a curve."""
        f = self.fonts
        metrics = QFontMetricsF(f.body)
        sample_w = 0.32 * self.dpi
        row_h = self._row_height()
        p.setFont(f.body)
        for n, row in enumerate(self._legend_rows(rect.width())):
            top = rect.top() + n * row_h
            y = top + row_h / 2
            for key, name, offset in row:
                x = rect.left() + offset
                style = PRINT.curves[key]
                pen = QPen(QColor(*style.colour, style.alpha))
                pen.setWidthF(style.width)
                pen.setStyle(style.dash)
                pen.setCosmetic(True)
                p.setPen(pen)
                p.drawLine(QPointF(x, y), QPointF(x + sample_w, y))
                x += sample_w + 0.05 * self.dpi
                p.setPen(_INK)
                p.drawText(
                    QRectF(x, top, metrics.horizontalAdvance(name) + 2, row_h),
                    int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                    name,
                )

    def _paint_chart(self, p: QPainter, rect: QRectF) -> None:
        f = self.fonts
        title_h = self._title_height()
        legend_h = self._row_height() * len(self._legend_rows(rect.width()))
        r = self.report
        spot_note = (
            f"dotted verticals: short strikes; dashed: spot {fmt_num(r.spx, 0)} and break-evens"
        )
        p.setFont(f.section)
        p.setPen(_INK)
        title_rect = QRectF(rect.left(), rect.top(), rect.width(), title_h)
        p.drawText(title_rect, int(Qt.AlignmentFlag.AlignLeft), "Payoff: P&L against SPX")
        p.setFont(f.small)
        p.setPen(_MUTED)
        p.drawText(
            title_rect, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom), spot_note
        )
        self._paint_legend(p, QRectF(rect.left(), rect.top() + title_h, rect.width(), legend_h))
        area = rect.adjusted(0, title_h + legend_h + 2, 0, 0)
        legend = self.chart.legend
        legend_was_visible = bool(legend.isVisible())
        legend.setVisible(False)
        try:
            _paint_framed_chart(p, area, self.chart.render_to)
        finally:
            legend.setVisible(legend_was_visible)

    def _paint_table(self, p: QPainter, rect: QRectF, table: _Table) -> None:
        f = self.fonts
        widths = self.fitted_widths(table, rect.width())
        pad = _CELL_PAD_IN * self.dpi
        row_h = self._row_height()
        title_h = self._title_height()
        p.setFont(f.section)
        p.setPen(_INK)
        p.drawText(
            QRectF(rect.left(), rect.top(), rect.width(), title_h),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
            table.title,
        )
        y = rect.top() + title_h

        def draw_row(cells: Sequence[_Cell], y: float, header: bool, bold_row: bool) -> None:
            x = rect.left()
            for i, cell in enumerate(cells):
                w = widths[i]
                font = f.body_bold if header or bold_row or cell.bold else f.body
                metrics = QFontMetricsF(font)
                p.setFont(font)
                p.setPen(_LOSS if cell.loss else _INK)
                text = metrics.elidedText(
                    cell.text, Qt.TextElideMode.ElideRight, w - 2 * pad - self._lead(table, i)
                )
                align = (cell.align or table.aligns[i]).value | Qt.AlignmentFlag.AlignVCenter
                lead = self._lead(table, i)
                p.drawText(QRectF(x + pad + lead, y, w - 2 * pad - lead, row_h), int(align), text)
                x += w

        if any(table.headers):
            draw_row([_Cell(h) for h in table.headers], y, header=True, bold_row=False)
            y += row_h
        p.setPen(QPen(_INK, 0.8))
        p.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
        for i, row in enumerate(table.rows):
            if i % 2 == 1:
                p.fillRect(QRectF(rect.left(), y, rect.width(), row_h), _STRIPE)
            bold_row = i in table.bold_rows
            if bold_row:
                p.setPen(QPen(_RULE, 0.6))
                p.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
            draw_row(row, y, header=False, bold_row=bold_row)
            y += row_h
        if table.note:
            p.setFont(f.small)
            p.setPen(_MUTED)
            note_h = QFontMetricsF(f.small).height() + 2
            p.drawText(
                QRectF(rect.left(), y + 2, rect.width(), note_h),
                int(Qt.AlignmentFlag.AlignLeft),
                QFontMetricsF(f.small).elidedText(
                    table.note, Qt.TextElideMode.ElideRight, rect.width()
                ),
            )

    def _fitted(self, table: _Table, width: float) -> _Table:
        """`table` without its optional columns, rightmost first, while it is wider than
        `width`: a detail goes before any text is cut (never a number)."""
        while self._natural_width(table) > width and any(table.optional):
            last = max(i for i, optional in enumerate(table.optional) if optional)
            table = _without_column(table, last)
        return table

    def _layers_pages(self, top: float, bottom: float) -> list[list[Painter]]:
        """The ALVH layer proposal across the page: its summary, the layers with their totals
        and each stress scenario with the proposed hedge (the layers panel's tables)."""
        alvh = self.report.alvh
        m = self.margin
        width = self.page_width - 2 * m
        tables = [
            _from_present(alvh_summary_table(alvh, self.report.capital_usd)),
            _from_present(layers_table(alvh)),
            _from_present(layer_stress_table(alvh)),
        ]
        tables = [self._fitted(t, width) for t in tables]
        page: list[Painter] = []
        pending = self._fill(page, [(_Region(QRectF(m, top, width, bottom - top)), tables)])
        return [page, *self._continuation_pages(pending, top, bottom)]


def _paint_framed_chart(p: QPainter, area: QRectF, render_to: Callable[..., None]) -> None:
    """A chart drawn into `area` with a thin frame, in the print theme.

    The plot is laid out larger than the box and shrunk: the axis and marker labels come out at
    ~7 pt, small enough not to run into each other on a half-page chart.
    """
    zoom = _CHART_ZOOM
    p.save()
    try:
        p.translate(area.topLeft())
        p.scale(1.0 / zoom, 1.0 / zoom)
        render_to(p, QRectF(0.0, 0.0, area.width() * zoom, area.height() * zoom), light_theme=True)
    finally:
        p.restore()
    p.setPen(QPen(_RULE, 0.8))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(area)


def _image_to_png(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):  # type: ignore[call-overload]  # stub says bytes
        raise OSError("could not encode the PNG")
    buffer.close()
    return bytes(data.data())


def chart_image(chart: PayoffChart, width_px: int = 1600, height_px: int = 900) -> QImage:
    """The payoff chart alone in the light print theme (for "Copy chart")."""
    dpi = screen_dpi()
    # Lay the chart out at a screen-sized box and scale it up, so text and lines keep the
    # proportions they have on screen.
    scale = max(1.0, width_px / 1200.0)
    image = QImage(width_px, height_px, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.scale(scale, scale)
        chart.render_to(painter, QRectF(0, 0, width_px / scale, height_px / scale), True)
    finally:
        painter.end()
    dots_per_metre = round(dpi * scale / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    return image


def chart_png_bytes(chart: PayoffChart, width_px: int = 1600, height_px: int = 900) -> bytes:
    return _image_to_png(chart_image(chart, width_px, height_px))


def ensure_application() -> None:
    """A QApplication for headless rendering (the chart is a widget); no-op inside the GUI."""
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        QApplication(["hedge-planner"])


def write_snapshot(
    plan: Plan,
    report: Report,
    path: str | os.PathLike[str],
    width_px: int = DEFAULT_PNG_WIDTH_PX,
    chart: PayoffChart | None = None,
    page_size: QPageSize | None = None,
    replay: ReplayResult | None = None,
    replay_charts: ReplayCharts | None = None,
    layers: bool = False,
) -> None:
    """Render the snapshot in the format named by `path`'s extension and write it atomically
    (with the replay page when `replay` is given, the ALVH layers page with `layers`).

    Raises ValueError for an unknown extension or PNG width, OSError (with a short reason) when
    the file cannot be written; an existing file is left as it was in that case.
    """
    target = Path(path)
    fmt = SnapshotFormat.from_suffix(target.suffix)
    ensure_application()
    snapshot = Snapshot(
        plan,
        report,
        chart=chart,
        page_size=page_size,
        replay=replay,
        replay_charts=replay_charts,
        layers=layers,
    )
    try:
        data = snapshot.render(fmt, width_px)
    finally:
        snapshot.close()
    # One writer for every file the app saves: follows a link, keeps the mode, fsyncs.
    write_bytes_atomic(target, data)
