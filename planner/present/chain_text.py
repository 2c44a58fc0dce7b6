"""The "market vs model" section of the text report (`hedge-planner report --chain CSV`)."""

from __future__ import annotations

from planner.model.chain import ChainComparison
from planner.present.formatting import fmt_num, fmt_pct
from planner.present.table import Align, Cell, Column, Table, text_cell
from planner.present.text import table_lines

__all__ = ["comparison_table", "comparison_text_lines"]


def comparison_text_lines(comparison: ChainComparison) -> list[str]:
    chain = comparison.chain
    spx = "" if chain.spx is None else f"SPX close {fmt_num(chain.spx, 2)}, "
    lines = [
        "MARKET VS MODEL (option chain; the report above is the plan's own model)",
        f"  {chain.source}: quotes of {chain.session.isoformat()} "
        f"(header time {chain.quote_time:%Y-%m-%d %H:%M} ET), {spx}"
        f"SPX from parity {fmt_num(chain.parity_spx, 2)}",
    ]
    if comparison.stale:
        lines.append(
            f"  STALE CHAIN: quotes are from {chain.session.isoformat()}, the plan is valued "
            f"on {comparison.valuation_date.isoformat()}"
        )
    if not comparison.legs:
        lines.append("  The plan has no SPX legs.")
        return lines
    return [*lines, *table_lines(comparison_table(comparison))]


def _pts(value: float | None) -> Cell:
    return Cell("", None) if value is None else Cell(fmt_num(value, 2), value, "pts")


def _iv(value: float | None) -> Cell:
    return Cell("", None) if value is None else Cell(fmt_pct(100 * value), 100 * value, "%")


def comparison_table(comparison: ChainComparison) -> Table:
    """Each SPX leg of the plan: the chain's bid, ask, mid and implied vols beside the
    model's price and vol."""
    rows = []
    for row in comparison.legs:
        m = row.market
        gap = None if m.market_iv is None else 100 * (row.model_iv - m.market_iv)
        rows.append(
            (
                text_cell(m.leg_id),
                text_cell(m.root or ""),
                _pts(m.bid),
                _pts(m.ask),
                _pts(m.width),
                _pts(m.mid),
                _pts(row.model_price_pts),
                _iv(m.market_iv),
                _iv(m.smile_iv),
                _iv(row.model_iv),
                Cell("", None) if gap is None else Cell(fmt_num(gap, 2, True), gap, "vol pts"),
                text_cell(m.status),
            )
        )
    left = Align.LEFT
    return Table(
        "Market vs model",
        (
            Column("id", left),
            Column("root", left, "SPX or SPXW: the series the quote comes from"),
            Column("bid"),
            Column("ask"),
            Column("width"),
            Column("mid"),
            Column("model", tooltip="The plan's model price, index points"),
            Column("mkt IV", tooltip="Black-76 vol of the mid"),
            Column("smile IV", tooltip="The expiry's fitted smile at the strike"),
            Column("model IV"),
            Column("model-mkt", tooltip="Model IV minus market IV, vol points"),
            Column("status", left),
        ),
        tuple(rows),
    )
