"""The ALVH proposal's tables (planner.present.alvh): built from the report, one loss-cut
format, the total row matching the report's totals."""

from __future__ import annotations

import pytest

from planner.engine import evaluate
from planner.model.plan import Plan
from planner.present.alvh import (
    LAYER_STRESS_HEDGE_COLUMN,
    LAYERS,
    alvh_summary_table,
    layer_stress_table,
    layers_table,
)
from planner.present.formatting import MISSING, fmt_loss_cut, fmt_usd
from planner.present.table import Tone


def test_layers_table_has_a_row_per_layer_and_the_total(sample_plan: Plan) -> None:
    alvh = evaluate(sample_plan).alvh
    table = layers_table(alvh)
    assert table.row_names == ("Near", "Mid", "Tail", "Offset", "Total")
    assert table.bold_rows == frozenset({len(LAYERS)})
    premium = table.column("Premium")
    for layer, cell in zip(alvh.layers, premium, strict=False):
        assert cell.text == fmt_usd(layer.premium_usd)
    assert premium[-1].number == pytest.approx(alvh.totals.premium_usd)
    shares = [c.number for c in table.column("Share of cost")[:-1] if c.number is not None]
    if alvh.totals.maintenance_cost_usd_per_year > 0:
        assert sum(shares) == pytest.approx(1.0)
    for layer, cell in zip(alvh.layers, table.column("Expiry"), strict=False):
        assert (cell.text == MISSING) == (layer.expiry is None)


def test_layer_stress_table_reads_the_report(sample_plan: Plan) -> None:
    alvh = evaluate(sample_plan).alvh
    table = layer_stress_table(alvh)
    assert table.row_names == tuple(s.name for s in alvh.stress)
    assert table.headers[LAYER_STRESS_HEDGE_COLUMN] == "Hedge"
    for row, cells in zip(alvh.stress, table.rows, strict=True):
        assert cells[LAYER_STRESS_HEDGE_COLUMN].number == row.hedge_pnl_usd
        cut = table.headers.index("Loss cut")
        assert cells[cut].text == fmt_loss_cut(row.loss_cut)
        assert (cells[cut].tone is Tone.LOSS) == (row.loss_cut is not None and row.loss_cut < 0)
        for i, group in enumerate(LAYERS):
            assert cells[i].bold == (group is row.best_layer)


def test_summary_names_the_yearly_maintenance(sample_plan: Plan) -> None:
    report = evaluate(sample_plan)
    table = alvh_summary_table(report.alvh, report.capital_usd)
    assert "Layer maintenance/yr" in table.row_names
    row = table.row_names.index("Layer maintenance/yr")
    assert table.rows[row][0].number == report.alvh.totals.maintenance_cost_usd_per_year
