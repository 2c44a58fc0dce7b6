"""Cost vs protection by layer: each layer's yearly cost to keep (drawn below zero) beside its
P&L in one stress scenario, both straight from `report.alvh`."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QGroupBox, QHBoxLayout, QLabel, QVBoxLayout

from planner.engine.report import AlvhReport
from planner.present.formatting import fmt_usd_compact
from planner.ui.layers.names import LAYER_LABELS, LAYERS
from planner.ui.payoff_chart import GRID_Z, DollarAxis
from planner.ui.plain_text import safe_text
from planner.ui.theme import SCREEN, Theme

__all__ = ["LayerChart"]

_COST_RGB = (230, 159, 0)
_BAR_WIDTH = 0.38
_BAR_OFFSET = 0.2
_Y_PAD = 0.08


class LayerChart(QGroupBox):
    def __init__(self, theme: Theme = SCREEN) -> None:
        super().__init__("Cost vs protection by layer")
        self._theme = theme
        self._alvh: AlvhReport | None = None
        column = QVBoxLayout(self)
        column.setContentsMargins(4, 4, 4, 4)
        row = QHBoxLayout()
        row.addWidget(QLabel("Scenario"))
        self.scenario_combo = QComboBox()
        self.scenario_combo.setToolTip("The stress scenario whose P&L the bars show")
        self.scenario_combo.currentIndexChanged.connect(self._update)
        row.addWidget(self.scenario_combo, 1)
        column.addLayout(row)
        self.plot = pg.PlotWidget(axisItems={"left": DollarAxis("left")})
        self.plot.setBackground(theme.qcolor(theme.background))
        self.plot.setMinimumHeight(190)
        self.plot.setMaximumHeight(230)
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.showGrid(y=True, alpha=theme.grid_alpha)
        # Opaque grid behind the bars, as on the payoff chart (see OpaqueGridAxis).
        dollar_axis = self.plot.getAxis("left")
        dollar_axis.set_grid_background(theme.qcolor(theme.background))
        dollar_axis.setZValue(GRID_Z)
        self.plot.getAxis("bottom").setTicks(
            [[(float(i), LAYER_LABELS[g]) for i, g in enumerate(LAYERS)]]
        )
        self.plot.setXRange(-0.6, len(LAYERS) - 0.4, padding=0)
        self.plot.addItem(pg.InfiniteLine(pos=0.0, angle=0, pen=theme.pen(theme.zero_line)))
        x = [float(i) for i in range(len(LAYERS))]
        self.cost_bars = pg.BarGraphItem(
            x=[v - _BAR_OFFSET for v in x],
            height=[0.0] * len(LAYERS),
            width=_BAR_WIDTH,
            brush=QColor(*_COST_RGB),
        )
        self.pnl_bars = pg.BarGraphItem(
            x=[v + _BAR_OFFSET for v in x],
            height=[0.0] * len(LAYERS),
            width=_BAR_WIDTH,
            brush=theme.qcolor(theme.profit_text),
        )
        self.plot.addItem(self.cost_bars)
        self.plot.addItem(self.pnl_bars)
        # The key is a label rather than a pyqtgraph legend: a legend anchored to the view box
        # outlives it while the window is being destroyed.
        profit, loss = theme.profit_text, theme.loss_text
        key = QLabel(
            f"<span style='color:rgb{_COST_RGB}'>■</span> cost to keep each layer a year "
            f"(drawn below zero) · <span style='color:rgb{profit}'>■</span> / "
            f"<span style='color:rgb{loss}'>■</span> P&amp;L in the scenario"
        )
        key.setWordWrap(True)
        column.addWidget(key)
        column.addWidget(self.plot)

    def show_alvh(self, alvh: AlvhReport) -> None:
        self._alvh = alvh
        names = [s.name for s in alvh.stress]
        combo = self.scenario_combo
        if [combo.itemText(i) for i in range(combo.count())] != names:
            current = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(names)
            combo.setCurrentIndex(names.index(current) if current in names else 0 if names else -1)
            combo.blockSignals(False)
        self._update()

    def scenario(self) -> str | None:
        """The stress scenario the P&L bars show."""
        return self.scenario_combo.currentText() or None

    def _update(self, _index: int | None = None) -> None:
        alvh = self._alvh
        if alvh is None:
            return
        cost = [-layer.maintenance_cost_usd_per_year for layer in alvh.layers]
        index = self.scenario_combo.currentIndex()
        if 0 <= index < len(alvh.stress):
            row = alvh.stress[index]
            pnl = [row.layer_pnl_usd.get(g, 0.0) for g in LAYERS]
        else:
            pnl = [0.0] * len(LAYERS)
        theme = self._theme
        profit = theme.qcolor(theme.profit_text)
        loss = theme.qcolor(theme.loss_text)
        x = [float(i) for i in range(len(LAYERS))]
        self.cost_bars.setOpts(x=[v - _BAR_OFFSET for v in x], height=cost)
        self.pnl_bars.setOpts(
            x=[v + _BAR_OFFSET for v in x],
            height=pnl,
            brushes=[pg.mkBrush(profit if v >= 0 else loss) for v in pnl],
        )
        low = min(0.0, *cost, *pnl)
        high = max(0.0, *cost, *pnl)
        pad = _Y_PAD * (high - low) if high > low else 1.0
        self.plot.setYRange(low - pad, high + pad, padding=0)
        self.plot.setToolTip(
            safe_text(
                "\n".join(
                    f"{LAYER_LABELS[g]}: costs {fmt_usd_compact(-c)} a year, "
                    f"{fmt_usd_compact(p, sign=True)} in {self.scenario() or '—'}"
                    for g, c, p in zip(LAYERS, cost, pnl, strict=True)
                )
            )
        )

    def bar_heights(self) -> tuple[list[float], list[float]]:
        """The bar heights on screen: (−yearly maintenance cost, stress P&L) per layer."""
        cost = [float(v) for v in self.cost_bars.opts["height"]]
        pnl = [float(v) for v in self.pnl_bars.opts["height"]]
        return cost, pnl
