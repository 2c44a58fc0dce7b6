"""The proposal's figures as tables (planner.present.alvh, shown by the one CellTableModel):
per-layer results and stress P&L by layer, and the notes around them (the engine's messages,
what the theta offset recovers). Everything shown comes from `report.alvh`.

The dock is ~370 px wide at 1366x768: twelve layer figures or nine stress columns never fit
one table there, so each table is shown as a few views of the same model, each with a few of
its columns (one layer or scenario a row, so four expiry dates never sit side by side)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QIdentityProxyModel, QObject, Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QTableView, QVBoxLayout

from planner.engine.report import AlvhReport
from planner.engine.types import Group
from planner.present.alvh import LAYER_LABELS, LAYERS, layer_stress_table, layers_table
from planner.present.formatting import fmt_loss_cut, fmt_pct, fmt_usd, short_scenario_name
from planner.ui.cell_table import CellTableModel
from planner.ui.plain_text import plain_label, safe_text
from planner.ui.tables import figure_table

__all__ = ["LAYER_PARTS", "STRESS_PARTS", "ResultsBox"]

LAYER_PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Where each layer sits", ("Expiry", "Strike", "Delta", "Contracts")),
    ("Price and cost today", ("Fwd", "Price", "Premium", "Theta / day", "Carry % cap./yr")),
    ("Cost to keep, a year", ("Maint. $/yr", "Maint. % cap.", "Share of cost")),
)
"""The layers table's columns (by title), a view each, under a caption."""
LAYER_TITLES = tuple(LAYER_LABELS[g] for g in LAYERS)
STRESS_PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Stress P&L by layer (proposed hedge; bold: the layer that pays most)", LAYER_TITLES),
    ("Stress with the proposed hedge", ("Hedge", "Net", "Loss cut", "Cut w/o offset")),
)
"""The stress table's columns, a view each. The best layer's name (a column on paper) is the
bold figure of its row here: a fifth layer column did not fit beside the scenario names."""
# A scenario's short name is cut to this many characters ("Feb-Mar '20…"): the row header
# takes what the four figure columns leave in a 1366x768 dock. The whole name is its tooltip.
_SCENARIO_HEADER_CHARS = 12


class ShortScenarioNames(QIdentityProxyModel):
    """The stress table with each scenario's short name as its row header ("Aug 24 '15", as
    in the Risk dock); the whole name stays the model's and the header's tooltip."""

    def __init__(self, source: CellTableModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        shown = super().headerData(section, orientation, role)
        if (
            orientation == Qt.Orientation.Vertical
            and role == Qt.ItemDataRole.DisplayRole
            and isinstance(shown, str)
        ):
            return short_scenario_name(shown, _SCENARIO_HEADER_CHARS)
        return shown


class ResultsBox(QGroupBox):
    """ "Proposed layers": the engine's messages, the per-layer tables, the offset's trade-off
    and the stress tables."""

    def __init__(self) -> None:
        super().__init__("Proposed layers")
        column = QVBoxLayout(self)
        column.setContentsMargins(2, 4, 2, 4)
        self.messages_label = plain_label()
        self.messages_label.setObjectName("alvhMessages")
        self.messages_label.setWordWrap(True)
        self.messages_label.setStyleSheet("color: #c06000;")
        self.messages_label.hide()
        column.addWidget(self.messages_label)
        # One row per layer (and the total), its figures in three views.
        self.results_model = CellTableModel(parent=self)
        self.layer_views = _add_parts(column, self.results_model, LAYER_PARTS)
        self.offset_label = plain_label()
        self.offset_label.setWordWrap(True)
        column.addWidget(self.offset_label)
        self.stress_model = CellTableModel(parent=self)
        self.stress_by_short_name = ShortScenarioNames(self.stress_model, self)
        # No slack: compact dollars and loss cuts never grow wider than they are here.
        self.stress_views = _add_parts(
            column,
            self.stress_model,
            STRESS_PARTS,
            self.stress_by_short_name,
            slack_px=0,
        )
        self.views = (*self.layer_views, *self.stress_views)

    def show_alvh(self, alvh: AlvhReport) -> None:
        self.results_model.set_table(layers_table(alvh))
        self.stress_model.set_table(layer_stress_table(alvh))
        self.messages_label.setText("\n".join(alvh.messages))
        self.messages_label.setVisible(bool(alvh.messages))
        assumptions = safe_text("\n".join(alvh.assumptions))
        for view in self.layer_views:
            view.setToolTip(assumptions)
        self._show_offset(alvh)

    def _show_offset(self, alvh: AlvhReport) -> None:
        offset = alvh.layers[LAYERS.index(Group.OFFSET)]
        if not offset.placed:
            self.offset_label.setText(offset.message or "")
            return
        # Every scenario's cut with and without the offset is in the stress table below: the
        # sentence names only those the offset changes (twenty "net gain → net gain" said
        # nothing in a narrow dock).
        cuts = [
            (s.name, fmt_loss_cut(s.loss_cut_without_offset), fmt_loss_cut(s.loss_cut))
            for s in alvh.stress
            if s.loss_cut is not None and s.loss_cut_without_offset is not None
        ]
        given_up = "; ".join(f"{name}: {a} → {b}" for name, a, b in cuts if a != b)
        if given_up:
            given_up = f". Loss cut without → with offset: {given_up}"
        elif cuts:
            given_up = ". It changes no scenario's loss cut"
        self.offset_label.setText(
            "Offset recovers "
            f"{fmt_usd(alvh.offset_premium_recovered_usd_per_year, sign=True)} a year "
            f"({fmt_pct(alvh.offset_premium_recovered_pct_capital, 2, sign=True)} of capital)"
            + given_up
        )


def _add_parts(
    column: QVBoxLayout,
    model: CellTableModel,
    parts: tuple[tuple[str, tuple[str, ...]], ...],
    shown: QIdentityProxyModel | None = None,
    slack_px: int = 2,
) -> tuple[QTableView, ...]:
    """A caption and a view of `model` (through `shown`, if given) per part, each showing
    only the part's columns."""
    views = []
    for caption, titles in parts:
        label = QLabel(caption)
        label.setWordWrap(True)
        column.addWidget(label)
        view = figure_table(shown or model, stretch_last=True, slack_px=slack_px)
        _show_only(view, model, titles)
        # A new table resets the model, and a reset shows every column again.
        view.model().modelReset.connect(lambda v=view, t=titles: _show_only(v, model, t))
        column.addWidget(view)
        views.append(view)
    return tuple(views)


def _show_only(view: QTableView, model: CellTableModel, titles: tuple[str, ...]) -> None:
    table = model.table
    if table is None:
        return
    for index, title in enumerate(table.headers):
        hidden = title not in titles
        if view.isColumnHidden(index) != hidden:
            view.setColumnHidden(index, hidden)
