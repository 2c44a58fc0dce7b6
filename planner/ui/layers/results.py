"""The proposal's figures as tables (planner.present.alvh, shown by the one CellTableModel):
per-layer results and stress P&L by layer, and the notes around them (the engine's messages,
what the theta offset recovers). Everything shown comes from `report.alvh`."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout

from planner.engine.report import AlvhReport
from planner.engine.types import Group
from planner.present.alvh import LAYERS, layer_stress_table, layers_table
from planner.present.formatting import fmt_loss_cut, fmt_pct, fmt_usd
from planner.ui.cell_table import CellTableModel
from planner.ui.plain_text import plain_label, safe_text
from planner.ui.tables import figure_table

__all__ = ["ResultsBox"]


class ResultsBox(QGroupBox):
    """ "Proposed layers": the engine's messages, the per-layer table, the offset's trade-off
    and the stress table."""

    def __init__(self) -> None:
        super().__init__("Proposed layers")
        column = QVBoxLayout(self)
        column.setContentsMargins(4, 4, 4, 4)
        self.messages_label = plain_label()
        self.messages_label.setObjectName("alvhMessages")
        self.messages_label.setWordWrap(True)
        self.messages_label.setStyleSheet("color: #c06000;")
        self.messages_label.hide()
        column.addWidget(self.messages_label)
        # One column per layer and the figures down the side: the dock is narrow.
        self.results_model = CellTableModel(parent=self, transposed=True)
        self.results_view = figure_table(self.results_model)
        column.addWidget(self.results_view)
        self.offset_label = plain_label()
        self.offset_label.setWordWrap(True)
        column.addWidget(self.offset_label)
        column.addWidget(QLabel("Stress P&L by layer (proposed hedge)"))
        self.stress_model = CellTableModel(parent=self)
        self.stress_view = figure_table(self.stress_model)
        self.stress_view.verticalHeader().setTextElideMode(Qt.TextElideMode.ElideRight)
        self.stress_view.verticalHeader().setMaximumWidth(
            self.fontMetrics().horizontalAdvance("Aug 24 2015 …")
        )
        column.addWidget(self.stress_view)

    def show_alvh(self, alvh: AlvhReport) -> None:
        self.results_model.set_table(layers_table(alvh))
        self.stress_model.set_table(layer_stress_table(alvh))
        self.messages_label.setText("\n".join(alvh.messages))
        self.messages_label.setVisible(bool(alvh.messages))
        self.results_view.setToolTip(safe_text("\n".join(alvh.assumptions)))
        self._show_offset(alvh)

    def _show_offset(self, alvh: AlvhReport) -> None:
        offset = alvh.layers[LAYERS.index(Group.OFFSET)]
        if not offset.placed:
            self.offset_label.setText(offset.message or "")
            return
        given_up = "; ".join(
            f"{s.name}: {fmt_loss_cut(s.loss_cut_without_offset)} → {fmt_loss_cut(s.loss_cut)}"
            for s in alvh.stress
            if s.loss_cut is not None and s.loss_cut_without_offset is not None
        )
        self.offset_label.setText(
            "Offset recovers "
            f"{fmt_usd(alvh.offset_premium_recovered_usd_per_year, sign=True)} a year "
            f"({fmt_pct(alvh.offset_premium_recovered_pct_capital, 2, sign=True)} of capital)"
            + (f". Loss cut without → with offset: {given_up}" if given_up else "")
        )
