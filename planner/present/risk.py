"""The risk report as tables (issue #12 item 2): legs, greeks, position, hedge cost, stress and
horizons, built once for the risk dock, the printed page and the text report."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace

from planner.engine.report import BreakEven, GreeksTotals, Report
from planner.engine.types import Group
from planner.present.formatting import (
    fmt_expiry,
    fmt_greek,
    fmt_num,
    fmt_pct,
    fmt_price,
    fmt_usd,
    fmt_vix,
    short_scenario_name,
)
from planner.present.table import (
    Align,
    Cell,
    Column,
    Table,
    Tone,
    compact_usd_cell,
    loss_cut_cell,
    pct_cell,
    text_cell,
    usd_cell,
)

__all__ = [
    "GREEK_COLUMNS",
    "GROUP_LABELS",
    "GROUP_ORDER",
    "STRESS_MARKET_COLUMNS",
    "break_evens_by_horizon",
    "break_evens_cell",
    "greeks_table",
    "group_label",
    "hedge_cost_table",
    "horizons_text",
    "legs_table",
    "position_table",
    "stress_table",
]

_LEFT = Align.LEFT

GROUP_LABELS: dict[Group, str] = {
    Group.CONDOR: "Condor",
    Group.NEAR: "Near",
    Group.MID: "Mid",
    Group.TAIL: "Tail",
    Group.OFFSET: "Offset",
    Group.OTHER: "Other",
}
GROUP_ORDER = (Group.CONDOR, Group.NEAR, Group.MID, Group.TAIL, Group.OFFSET, Group.OTHER)


def group_label(group: Group) -> str:
    return GROUP_LABELS.get(group, str(group))


# (header, tooltip, GreeksTotals getter, decimals)
GREEK_COLUMNS: tuple[tuple[str, str, Callable[[GreeksTotals], float], int], ...] = (
    ("SPX Δ", "SPX delta: dollars per 1 SPX point", lambda g: g.spx_delta_usd, 0),
    ("Γ", "SPX gamma: change of the $ delta per 1 SPX point", lambda g: g.spx_gamma_usd, 2),
    (
        "VIX Δ",
        "Dollars per 1 point of spot VIX (VIX legs through the futures betas)",
        lambda g: g.vix_delta_usd,
        0,
    ),
    ("SPX vega", "Dollars per 1 vol point of SPX implied vol", lambda g: g.spx_vega_usd, 0),
    ("VIX vega", "Dollars per 1 vol point of VIX option implied vol", lambda g: g.vix_vega_usd, 0),
    ("θ/day", "Theta: dollars per calendar day", lambda g: g.theta_usd, 0),
    (
        "SPX-eq Δ",
        "SPX-equivalent delta: dollars per 1 SPX point including VIX's reaction through the "
        "spot-vol map",
        lambda g: g.spx_equiv_delta_usd,
        0,
    ),
)


def legs_table(report: Report) -> Table:
    """One row per leg: what it is, its model price against the entry, its greeks per
    contract and its market value. Forward, gamma, vega and theta are details a narrow page
    leaves out; so is the group (the greeks table has it)."""
    rows = []
    for leg in report.legs:
        strike = fmt_num(leg.strike, 0 if leg.strike >= 100 else 1)
        right = "C" if leg.right.value.lower().startswith("c") else "P"
        position = f"{fmt_num(leg.quantity, 0, sign=True)} {leg.underlying.value} {strike} {right}"
        rows.append(
            (
                text_cell(leg.id),
                text_cell(leg.group.value),
                Cell(position, float(leg.quantity), tooltip=f"{leg.right.value} {leg.strike:g}"),
                Cell(fmt_expiry(leg.expiry, leg.days_to_expiry), float(leg.days_to_expiry)),
                pct_cell(100.0 * leg.iv, 1),
                Cell(fmt_num(leg.forward, 2), leg.forward, "pts")
                if leg.forward is not None
                else Cell(""),
                Cell(fmt_num(leg.model_price_pts, 2), leg.model_price_pts, "pts"),
                Cell(fmt_num(leg.entry_price_pts, 2), leg.entry_price_pts, "pts"),
                Cell(fmt_greek(leg.delta, 3, sign=True), leg.delta),
                Cell(fmt_greek(leg.gamma, 3), leg.gamma),
                Cell(fmt_greek(leg.vega, 3), leg.vega),
                Cell(fmt_greek(leg.theta, 3, sign=True), leg.theta),
                usd_cell(leg.market_value_usd, toned=False),
            )
        )
    return Table(
        "Legs",
        (
            Column("Leg", _LEFT),
            Column("Group", _LEFT, optional=True),
            Column("Position", _LEFT, "Signed contracts, underlying, strike, call or put"),
            Column("Expiry", _LEFT, "Expiry date (days to expiry)"),
            Column("IV", tooltip="Implied vol the leg is priced at"),
            Column("Fwd", tooltip="VIX future at the leg's expiry", optional=True),
            Column("Model", tooltip="Model price, index points per contract"),
            Column("Entry", tooltip="Entry price, index points per contract"),
            Column("Δ", tooltip="Delta per contract"),
            Column("Γ", tooltip="Gamma per contract", optional=True),
            Column("Vega", tooltip="Vega per contract, points per vol point", optional=True),
            Column("θ", tooltip="Theta per contract, points per day", optional=True),
            Column("Value", tooltip="Market value of the leg, US dollars"),
        ),
        tuple(rows),
        note="Prices in index points and greeks per contract; value in $.",
        empty_text="No legs in the plan.",
    )


def greeks_table(report: Report) -> Table:
    """Dollar greeks: a row per group present in the report (condor, near, mid, tail, offset,
    other) and the total."""
    present = [g for g in GROUP_ORDER if g in report.groups]
    present += [g for g in report.groups if g not in present]
    totals = [report.groups[g] for g in present] + [report.total]

    def cells(g: GreeksTotals) -> tuple[Cell, ...]:
        return tuple(usd_cell(get(g), toned=False, decimals=d) for _, _, get, d in GREEK_COLUMNS)

    labels = [group_label(g) for g in present] + ["Total"]
    return Table(
        "Greeks in dollars",
        tuple(Column(title, tooltip=tip) for title, tip, _, _ in GREEK_COLUMNS),
        tuple(cells(g) for g in totals),
        note="Δ, Γ per SPX point; VIX Δ per VIX point; SPX-eq Δ includes the VIX response; "
        "vega per vol point; θ per day.",
        bold_rows=frozenset({len(totals) - 1}),
        row_headers=tuple(text_cell(label) for label in labels),
        row_header_title="Group",
    )


def _net_credit_cell(x: float) -> Cell:
    cell = usd_cell(x, toned=False)
    if cell.number is None:
        return cell
    if x >= 0:
        return Cell(f"{fmt_usd(x)} credit", x, "$")
    return Cell(f"{fmt_usd(-x)} debit", x, "$")


def position_table(report: Report) -> Table:
    """Net credit, the condor's best and worst case, today's P&L, capital, the break-evens."""
    max_loss = report.condor_max_loss_usd
    names = ["Net credit", "Condor max profit", "Condor max loss", "Open P&L today", "Capital"]
    rows: list[tuple[Cell, ...]] = [
        (_net_credit_cell(report.net_credit_usd),),
        (usd_cell(report.condor_max_profit_usd, toned=False),),
        (
            usd_cell(max_loss, toned=False)
            if max_loss is not None
            else Cell("unbounded / no condor", align=_LEFT),
        ),
        (usd_cell(report.total.pnl_usd, toned=False),),
        (usd_cell(report.capital_usd, toned=False),),
    ]
    headers = [text_cell(n) for n in names]
    if not report.break_evens:
        headers.append(text_cell("Break-even"))
        rows.append((Cell("none in range", align=_LEFT),))
    for horizon, evens in break_evens_by_horizon(report.break_evens).items():
        headers.append(
            text_cell(
                f"Break-even T+{horizon}d",
                tooltip=f"SPX levels where the whole position's P&L at T+{horizon} days is zero",
            )
        )
        rows.append((break_evens_cell(evens),))
    return Table(
        "Position",
        (Column("Value"),),
        tuple(rows),
        row_headers=tuple(headers),
        row_header_title="",
    )


def break_evens_by_horizon(evens: Sequence[BreakEven]) -> dict[int, tuple[BreakEven, ...]]:
    """The break-evens of each horizon, in the report's order; a level found twice at one
    horizon (the horizon on the condor's expiry: two curves that are one) once."""
    by_horizon: dict[int, list[BreakEven]] = {}
    for be in evens:
        same = by_horizon.setdefault(be.horizon_days, [])
        if not any(round(b.spx) == round(be.spx) for b in same):
            same.append(be)
    return {h: tuple(v) for h, v in by_horizon.items()}


def break_evens_cell(evens: Sequence[BreakEven]) -> Cell:
    """One horizon's break-evens on one line: the levels for a narrow dock ("6,617 · 7,062"),
    each with its move from spot and VIX as the whole text (the page and the text report) and
    in the tooltip."""
    levels = [fmt_price(be.spx, 0) for be in evens]
    details = [
        f"{level} ({fmt_pct(be.move_pct, 1, sign=True)}, VIX {fmt_vix(be.vix, 1)})"
        for level, be in zip(levels, evens, strict=True)
    ]
    tooltip = "\n".join(
        f"SPX {level}: {fmt_pct(be.move_pct, 1, sign=True)} from spot, VIX {fmt_vix(be.vix, 1)}"
        for level, be in zip(levels, evens, strict=True)
    )
    # A single level sorts and reads back as a number; several are text.
    number, unit = (evens[0].spx, "pts") if len(evens) == 1 else (None, "")
    return Cell(" · ".join(levels), number, unit, tooltip=tooltip, full_text="  ".join(details))


def _red_below_zero(cell: Cell) -> Cell:
    # A carry above zero is no gain to colour green: only the loss side is marked.
    if cell.number is None or round(cell.number, 2) >= 0:
        return cell
    return replace(cell, tone=Tone.LOSS)


def hedge_cost_table(report: Report) -> Table:
    """Premium, theta and the 30-day carry annualised: the figure against "1–2 % a year"."""
    cost = report.hedge_cost
    blank = Cell("")
    rows = (
        (usd_cell(cost.premium_usd, toned=False), pct_cell(cost.premium_pct_capital, 2)),
        (usd_cell(cost.theta_usd_per_day, sign=True, toned=False), blank),
        (usd_cell(cost.carry_30d_usd, sign=True, toned=False), blank),
        (
            usd_cell(cost.carry_annual_usd, sign=True, toned=False),
            _red_below_zero(pct_cell(cost.carry_annual_pct_capital, 2, sign=True)),
        ),
    )
    return Table(
        "Hedge cost",
        (
            Column("$", tooltip="Whole position, US dollars"),
            Column("% capital", tooltip="As a percentage of account capital"),
        ),
        rows,
        note="Carry: the hedge's P&L over 30 days with SPX and VIX unchanged, annualised.",
        row_headers=tuple(
            text_cell(n) for n in ("Premium paid", "θ per day", "30-day carry", "Annual carry")
        ),
    )


STRESS_MARKET_COLUMNS = (0, 1, 2)
"""SPX, VIX and days: the stress table's market columns, also in its row headers' tooltips
(the narrow dock hides them)."""


def stress_table(report: Report) -> Table:
    """One row per scenario: the market, condor, hedge and net P&L and the loss cut. The row
    header is a short name ("Aug 24 '15"); the full name and the market are in its tooltip."""
    rows = []
    headers = []
    for s in report.stress:
        days = "day" if s.days == 1 else "days"
        headers.append(
            Cell(
                short_scenario_name(s.name),
                tooltip=f"{s.name}\nSPX {fmt_pct(s.spx_move_pct, 1, sign=True)} to "
                f"{fmt_price(s.spx, 0)}, VIX {fmt_vix(s.vix, 1)}, {fmt_num(float(s.days))} {days}",
                full_text=s.name,
            )
        )
        layers = ", ".join(
            f"{group_label(g)} {fmt_usd(v, sign=True)}" for g, v in s.layer_pnl_usd.items()
        )
        other = ""
        if math.isfinite(s.other_pnl_usd) and s.other_pnl_usd != 0:
            other = f"includes other legs {fmt_usd(s.other_pnl_usd, sign=True)}"
        rows.append(
            (
                pct_cell(s.spx_move_pct, 1, sign=True, tooltip=f"SPX {fmt_price(s.spx)}"),
                Cell(fmt_vix(s.vix, 1), s.vix),
                Cell(fmt_num(float(s.days)), float(s.days), "d"),
                compact_usd_cell(s.condor_pnl_usd),
                compact_usd_cell(s.hedge_pnl_usd, layers),
                compact_usd_cell(s.net_pnl_usd, other),
                loss_cut_cell(s.loss_cut),
            )
        )
    return Table(
        "Stress scenarios",
        (
            Column("SPX", tooltip="SPX move, % (scenario SPX level in the tooltip)"),
            Column("VIX", tooltip="VIX level in the scenario"),
            Column("Days", tooltip="Days held at the scenario before valuing (calendar days)"),
            Column("Condor", tooltip="Condor P&L"),
            Column("Hedge", tooltip="Hedge P&L (all ALVH layers and the theta offset)"),
            Column("Net", tooltip="Net P&L of the whole position"),
            Column(
                "Loss cut",
                tooltip="1 − net/condor where the condor loses: the share of the condor's "
                "loss the hedge removes",
            ),
        ),
        tuple(rows),
        note="P&L from today's value. Loss cut = 1 − net/condor; net gain: over 100 %; "
        "adds loss: below 0.",
        empty_text="No stress scenarios in the plan.",
        row_headers=tuple(headers),
        row_header_title="Scenario",
    )


def horizons_text(report: Report) -> str:
    """The three horizons the payoff curves and the break-evens are drawn at, in words."""
    _today, horizon, end = report.curves.horizons_days
    if report.condor_expiry_days is not None:
        return f"Horizons: today, {horizon} days, condor expiry ({end} days)"
    why = "no legs" if not report.legs else "the last leg's expiry"
    return f"Horizons: today, {horizon} days, {end} days (no condor in the plan; {why})"
