"""The "market vs model" section of the text report (`hedge-planner report --chain CSV`)."""

from __future__ import annotations

from planner.model.chain import ChainComparison
from planner.present.formatting import fmt_num, fmt_pct
from planner.present.report_text import text_table

__all__ = ["comparison_text_lines"]


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

    def iv(value: float | None) -> str:
        return "" if value is None else fmt_pct(100 * value)

    def pts(value: float | None) -> str:
        return "" if value is None else fmt_num(value, 2)

    rows = [
        [
            row.market.leg_id,
            row.market.root or "",
            pts(row.market.bid),
            pts(row.market.ask),
            pts(row.market.width),
            pts(row.market.mid),
            pts(row.model_price_pts),
            iv(row.market.market_iv),
            iv(row.market.smile_iv),
            iv(row.model_iv),
            ""
            if row.market.market_iv is None
            else fmt_num(100 * (row.model_iv - row.market.market_iv), 2, True),
            row.market.status,
        ]
        for row in comparison.legs
    ]
    headers = [
        "id",
        "root",
        "bid",
        "ask",
        "width",
        "mid",
        "model",
        "mkt IV",
        "smile IV",
        "model IV",
        "model-mkt",
        "status",
    ]
    lines += ["  " + line for line in text_table(headers, rows, left=2)]
    return lines
