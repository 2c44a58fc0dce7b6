"""The ALVH layer proposal as tables (issue #12 item 2): the layers with their totals and
hedge cost, each stress scenario with the proposed hedge, and the proposal's summary. Built
once for the layers panel, the printed page and the text report."""

from __future__ import annotations

import math
from dataclasses import replace

from planner.engine.report import AlvhReport, AlvhStressRow, LayerResult
from planner.engine.types import Group
from planner.present.formatting import (
    MISSING,
    fmt_expiry,
    fmt_greek,
    fmt_num,
    fmt_pct,
    fmt_ratio_pct,
    fmt_usd,
)
from planner.present.risk import group_label
from planner.present.table import (
    Align,
    Cell,
    Column,
    Table,
    Tone,
    compact_usd_cell,
    loss_cut_cell,
    text_cell,
    usd_cell,
)

__all__ = [
    "LAYERS",
    "LAYER_LABELS",
    "LAYER_STRESS_HEDGE_COLUMN",
    "alvh_summary_table",
    "cost_share",
    "layer_stress_table",
    "layers_table",
]

LAYERS: tuple[Group, ...] = (Group.NEAR, Group.MID, Group.TAIL, Group.OFFSET)
LAYER_LABELS: dict[Group, str] = {g: group_label(g) for g in LAYERS}


def cost_share(layer: LayerResult, total_usd: float) -> float | None:
    """The layer's share of the total yearly maintenance cost (None when there is no net cost
    to share)."""
    if not math.isfinite(total_usd) or total_usd <= 0:
        return None
    return layer.maintenance_cost_usd_per_year / total_usd


def _signed_usd(x: float, tooltip: str = "", bold: bool = False) -> Cell:
    cell = usd_cell(x, sign=True, toned=False, tooltip=tooltip)
    return Cell(cell.text, cell.number, cell.unit, cell.tone, cell.tooltip, bold)


def _carry_cell(pct: float, tooltip: str, bold: bool = False) -> Cell:
    tone = Tone.LOSS if pct < 0 else Tone.PLAIN
    return Cell(fmt_pct(pct, 2, sign=True), pct, "%", tone, tooltip, bold)


def _layer_row(layer: LayerResult, total_cost_usd: float) -> tuple[Cell, ...]:
    tip = layer.message or ""
    if layer.expiry is not None:
        expiry = Cell(
            fmt_expiry(layer.expiry, layer.days_to_expiry),
            float(layer.days_to_expiry or 0),
            "d",
            tooltip=tip,
        )
    else:
        expiry = Cell(MISSING, tooltip=tip or "not placed")
    share = cost_share(layer, total_cost_usd)
    return (
        expiry,
        Cell(fmt_num(layer.strike, 1), layer.strike, "pts", tooltip=tip),
        Cell(fmt_greek(layer.delta, 3), layer.delta, tooltip=tip),
        Cell(fmt_num(layer.forward, 2), layer.forward, "pts"),
        Cell(fmt_num(layer.price_pts, 2), layer.price_pts, "pts"),
        Cell(fmt_num(float(layer.contracts), 0, sign=layer.contracts < 0), float(layer.contracts)),
        Cell(fmt_usd(layer.premium_usd), layer.premium_usd, "$", tooltip="paid (+) / received (−)"),
        _signed_usd(layer.theta_usd_per_day),
        _carry_cell(
            layer.carry_annual_pct_capital,
            f"30-day carry {fmt_usd(layer.carry_30d_usd, sign=True)}, annualised",
        ),
        Cell(
            fmt_usd(layer.maintenance_cost_usd_per_year),
            layer.maintenance_cost_usd_per_year,
            "$",
            tooltip="yearly cost of rolling the layer in an unchanged market",
        ),
        Cell(fmt_pct(layer.maintenance_pct_capital, 2), layer.maintenance_pct_capital, "%"),
        Cell(
            fmt_ratio_pct(share) if share is not None else MISSING,
            share,
            tooltip="share of the total yearly maintenance cost",
        ),
    )


def layers_table(alvh: AlvhReport) -> Table:
    """A row per layer (near, mid, tail, offset) and the total: where each layer sits, what it
    costs today (premium, theta, carry) and to keep (yearly maintenance), and its share."""
    totals = alvh.totals
    total_cost = totals.maintenance_cost_usd_per_year
    contracts = f"{totals.contracts_long}"
    if totals.contracts_short:
        contracts += f" / {fmt_num(-float(totals.contracts_short))}"
    blank = Cell("")
    total_row = (
        blank,
        blank,
        blank,
        blank,
        blank,
        Cell(contracts, float(totals.contracts_long), tooltip="long / short contracts", bold=True),
        Cell(
            fmt_usd(totals.premium_usd),
            totals.premium_usd,
            "$",
            tooltip=f"{fmt_pct(totals.premium_pct_capital, 2)} of capital",
            bold=True,
        ),
        _signed_usd(totals.theta_usd_per_day, bold=True),
        _carry_cell(
            totals.carry_annual_pct_capital,
            f"{fmt_usd(totals.carry_annual_usd, sign=True)} a year",
            bold=True,
        ),
        Cell(fmt_usd(total_cost), total_cost, "$", bold=True),
        Cell(
            fmt_pct(totals.maintenance_pct_capital, 2),
            totals.maintenance_pct_capital,
            "%",
            bold=True,
        ),
        Cell("100%", 1.0) if total_cost > 0 else Cell(MISSING),
    )
    rows = (*(_layer_row(layer, total_cost) for layer in alvh.layers), total_row)
    return Table(
        "Hedge layers (ALVH proposal)",
        (
            Column("Expiry", Align.LEFT, "Listed VIX expiry in the layer's window (days left)"),
            Column("Strike"),
            Column("Delta", tooltip="Black-76 call delta per contract"),
            Column("Fwd", tooltip="VIX future at the layer's expiry", optional=True),
            Column("Price", tooltip="Model price, index points per contract", optional=True),
            Column("Contracts", tooltip="Signed: the offset is short", short_title="Qty"),
            Column("Premium", tooltip="Paid (+) or received (−) today"),
            Column("Theta / day", tooltip="Dollars a day", short_title="θ/day"),
            Column(
                "Carry % cap./yr",
                tooltip="30-day carry annualised, % of capital",
                short_title="Carry/yr",
            ),
            Column("Maint. $/yr", tooltip="Yearly cost of rolling the layer"),
            Column(
                "Maint. % cap.", tooltip="Yearly maintenance, % of capital", short_title="Maint. %"
            ),
            Column(
                "Share of cost",
                tooltip="Share of the total yearly maintenance cost",
                short_title="Share",
            ),
        ),
        rows,
        note="It would replace the plan's near / mid / tail / offset legs. Maintenance: rolling "
        "each layer a year in an unchanged market.",
        bold_rows=frozenset({len(rows) - 1}),
        row_headers=(
            *(text_cell(LAYER_LABELS[layer.group]) for layer in alvh.layers),
            text_cell("Total"),
        ),
        row_header_title="Layer",
    )


LAYER_STRESS_HEDGE_COLUMN = len(LAYERS)
"""The hedge P&L's column in `layer_stress_table` (after one column per layer)."""


def _stress_row(s: AlvhStressRow) -> tuple[Cell, ...]:
    layers = []
    for group in LAYERS:
        best = group is s.best_layer
        cell = compact_usd_cell(
            s.layer_pnl_usd.get(group, 0.0), "pays most in this scenario" if best else ""
        )
        layers.append(replace(cell, bold=best))
    cut_plain = s.loss_cut_without_offset
    # Compact dollars ("+$4.2k", exact in the tooltip and on paper): nine columns share a dock.
    return (
        *layers,
        compact_usd_cell(s.hedge_pnl_usd),
        compact_usd_cell(s.net_pnl_usd),
        loss_cut_cell(s.loss_cut),
        loss_cut_cell(cut_plain),
        text_cell(LAYER_LABELS[s.best_layer] if s.best_layer else MISSING),
    )


def layer_stress_table(alvh: AlvhReport) -> Table:
    """Each stress scenario with the proposed hedge: P&L per layer, hedge, net, the loss cut
    with and without the offset, and the layer that pays most."""
    headers = tuple(
        Cell(
            s.name,
            tooltip=f"{s.name}: condor {fmt_usd(s.condor_pnl_usd, sign=True)}"
            + (f", other legs {fmt_usd(s.other_pnl_usd, sign=True)}" if s.other_pnl_usd else ""),
        )
        for s in alvh.stress
    )
    return Table(
        "Stress with the proposed hedge",
        (
            *(Column(LAYER_LABELS[g]) for g in LAYERS),
            Column("Hedge", tooltip="All layers together"),
            Column("Net", tooltip="Condor, other legs and the proposed hedge"),
            Column("Loss cut", tooltip="1 − net/condor where the condor loses"),
            Column(
                "Cut w/o offset",
                tooltip="The loss cut without the theta offset",
                short_title="w/o offset",
            ),
            Column(
                "Best layer",
                Align.LEFT,
                "The layer that gains most in the scenario",
                short_title="Best",
            ),
        ),
        tuple(_stress_row(s) for s in alvh.stress),
        note="P&L from today's value with the proposed layers in place of the plan's hedge.",
        empty_text="No stress scenarios in the plan.",
        row_headers=headers,
        row_header_title="Scenario",
    )


def alvh_summary_table(alvh: AlvhReport, capital_usd: float) -> Table:
    """How the proposal was sized and what it costs as a whole."""
    s, t = alvh.sizing, alvh.totals
    rows: list[tuple[str, Cell]] = [
        ("Sizing", text_cell(f"{s.mode.value}: {s.reason}")),
        ("Regime", text_cell(alvh.regime.reason)),
        (
            "Size",
            Cell(
                f"{fmt_num(s.units, 2)} units (one unscaled unit: premium "
                f"{fmt_usd(s.unit_premium_usd)}, maintenance "
                f"{fmt_usd(s.unit_maintenance_usd_per_year)}/yr)",
                s.units,
            ),
        ),
        (
            "Premium",
            Cell(
                f"{fmt_usd(t.premium_usd)} ({fmt_pct(t.premium_pct_capital, 2)} of capital)",
                t.premium_usd,
                "$",
            ),
        ),
        (
            "30-day carry",
            Cell(
                f"{fmt_usd(t.carry_30d_usd, sign=True)} → "
                f"{fmt_usd(t.carry_annual_usd, sign=True)}/yr "
                f"({fmt_pct(t.carry_annual_pct_capital, 2, sign=True)} of capital)",
                t.carry_annual_usd,
                "$",
                Tone.LOSS if round(t.carry_annual_usd) < 0 else Tone.PLAIN,
            ),
        ),
        (
            "Layer maintenance/yr",
            Cell(
                f"{fmt_usd(t.maintenance_cost_usd_per_year)} "
                f"({fmt_pct(t.maintenance_pct_capital, 2)} of {fmt_usd(capital_usd)} capital)",
                t.maintenance_cost_usd_per_year,
                "$",
            ),
        ),
    ]
    offset = next((layer for layer in alvh.layers if layer.group is Group.OFFSET), None)
    if offset is not None and offset.placed and offset.contracts:
        rows.append(
            (
                "Offset recovers",
                Cell(
                    f"{fmt_usd(alvh.offset_premium_recovered_usd_per_year, sign=True)}/yr "
                    f"({fmt_pct(alvh.offset_premium_recovered_pct_capital, 2, sign=True)} "
                    "of capital)",
                    alvh.offset_premium_recovered_usd_per_year,
                    "$",
                ),
            )
        )
    return Table(
        "Hedge proposal",
        (Column("", Align.LEFT),),
        tuple((cell,) for _, cell in rows),
        row_headers=tuple(text_cell(name) for name, _ in rows),
    )
