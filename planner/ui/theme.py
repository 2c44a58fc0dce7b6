"""Colours, pens and colour maps shared by the views, in one place.

Two variants: `SCREEN` (dark plot background, pyqtgraph's default look) and `PRINT` (white paper,
darker lines) for the printed/PDF snapshot. Curves differ by dash style and width as well as by
colour so the chart still reads in grey scale and for colour-blind users.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QPen

Rgb = tuple[int, int, int]
Rgba = tuple[int, int, int, int]


class CurveKey(StrEnum):
    """The payoff chart's curves. Values are the keys stored in the view settings."""

    T0 = "combined_t0"
    HORIZON = "combined_horizon"
    EXPIRY = "combined_expiry"
    CONDOR = "condor"
    HEDGE = "hedge"


@dataclass(frozen=True, slots=True)
class CurveStyle:
    colour: Rgb
    width: float
    dash: Qt.PenStyle
    alpha: int = 255

    def pen(self) -> QPen:
        pen = QPen(QColor(*self.colour, self.alpha))
        pen.setWidthF(self.width)
        pen.setStyle(self.dash)
        pen.setCosmetic(True)
        return pen


@dataclass(frozen=True, slots=True)
class Theme:
    name: str
    background: Rgb
    foreground: Rgb
    """Axis text and tick colour."""
    grid_alpha: float
    zero_line: Rgb
    curves: dict[CurveKey, CurveStyle]
    profit_fill: Rgba
    loss_fill: Rgba
    spot: Rgb
    spot_preview: Rgb
    short_strike: Rgb
    break_even: Rgb
    crosshair: Rgba
    map_line: Rgb
    """The spot-vol map line drawn over the heat map."""
    loss_text: Rgb
    """Table text for losses (ForegroundRole)."""
    profit_text: Rgb
    heat_stops: tuple[Rgb, Rgb, Rgb] = field(default=((165, 15, 21), (247, 247, 247), (0, 109, 44)))
    """Diverging heat-map colours: deepest loss, zero, highest profit."""

    def qcolor(self, rgb: Rgb | Rgba) -> QColor:
        return QColor(*rgb)

    def pen(
        self, rgb: Rgb | Rgba, width: float = 1.0, dash: Qt.PenStyle = Qt.PenStyle.SolidLine
    ) -> QPen:
        pen = QPen(QColor(*rgb))
        pen.setWidthF(width)
        pen.setStyle(dash)
        pen.setCosmetic(True)
        return pen

    def brush(self, rgba: Rgb | Rgba) -> QBrush:
        return QBrush(QColor(*rgba))

    def heat_colormap(self) -> pg.ColorMap:
        """Diverging map; the view sets symmetric levels so white is exactly zero P&L."""
        colours = np.array(self.heat_stops, dtype=np.ubyte)
        return pg.ColorMap(pos=np.array([0.0, 0.5, 1.0]), color=colours, name="pnl_diverging")


_SOLID = Qt.PenStyle.SolidLine
_DASH = Qt.PenStyle.DashLine
_DOT = Qt.PenStyle.DotLine
_DASHDOT = Qt.PenStyle.DashDotLine

SCREEN = Theme(
    name="screen",
    background=(24, 26, 30),
    foreground=(200, 204, 210),
    grid_alpha=0.18,
    zero_line=(150, 150, 150),
    curves={
        # The horizon curve is the heaviest: it is the shaded one and the heat map's date.
        CurveKey.T0: CurveStyle((86, 180, 233), 1.6, _DASH),
        CurveKey.HORIZON: CurveStyle((240, 228, 66), 2.6, _SOLID),
        CurveKey.EXPIRY: CurveStyle((230, 159, 0), 1.8, _DASHDOT),
        CurveKey.CONDOR: CurveStyle((204, 121, 167), 1.2, _DOT, alpha=200),
        CurveKey.HEDGE: CurveStyle((0, 200, 160), 1.2, _DOT, alpha=200),
    },
    profit_fill=(40, 170, 90, 60),
    loss_fill=(220, 60, 60, 60),
    spot=(255, 255, 255),
    spot_preview=(255, 140, 0),
    short_strike=(200, 120, 200),
    break_even=(170, 170, 170),
    crosshair=(220, 220, 220, 120),
    map_line=(20, 20, 20),
    loss_text=(200, 30, 30),
    profit_text=(20, 130, 60),
)

PRINT = Theme(
    name="print",
    background=(255, 255, 255),
    foreground=(20, 20, 20),
    grid_alpha=0.25,
    zero_line=(90, 90, 90),
    curves={
        CurveKey.T0: CurveStyle((0, 90, 181), 1.4, _DASH),
        CurveKey.HORIZON: CurveStyle((20, 20, 20), 2.4, _SOLID),
        CurveKey.EXPIRY: CurveStyle((180, 90, 0), 1.6, _DASHDOT),
        # Heavier and darker than on screen: a 1-point dotted line in mauve all but vanished
        # on paper next to the black horizon curve.
        CurveKey.CONDOR: CurveStyle((120, 20, 100), 1.8, _DOT),
        # Dash-dot-dot keeps the hedge apart from the dotted condor on a grey-scale printout.
        CurveKey.HEDGE: CurveStyle((0, 120, 100), 1.0, Qt.PenStyle.DashDotDotLine),
    },
    profit_fill=(40, 160, 80, 45),
    loss_fill=(210, 40, 40, 45),
    spot=(0, 0, 0),
    spot_preview=(200, 90, 0),
    short_strike=(130, 40, 110),
    break_even=(110, 110, 110),
    crosshair=(60, 60, 60, 120),
    map_line=(0, 0, 0),
    loss_text=(180, 0, 0),
    profit_text=(0, 110, 40),
)


def theme_for(light: bool) -> Theme:
    return PRINT if light else SCREEN
