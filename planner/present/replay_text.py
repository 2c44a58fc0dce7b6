"""The replay as readable text (`hedge-planner replay`): the Replay tab's tables
(`planner.present.replay`), printed as plain text."""

from __future__ import annotations

from dataclasses import replace

from planner.engine.replay_result import ReplayResult
from planner.model.history import LoadedHistory
from planner.present.formatting import fmt_usd
from planner.present.replay import replay_tables
from planner.present.text import one_line, table_lines

__all__ = ["replay_to_text"]


def replay_to_text(result: ReplayResult, history: LoadedHistory | None = None) -> str:
    s = result.summary
    tables = replay_tables(result)
    out = [
        f"Replay: {one_line(result.plan_name)}",
        f"{s.start.isoformat()} to {s.end.isoformat()}: {s.days} days ({s.years:.2f} years), "
        f"capital {fmt_usd(s.capital_usd)}, {s.condors} condors, "
        f"{s.hedge_purchases} hedge purchases",
    ]
    if history is not None:
        out.append(
            "History: "
            + ", ".join(
                one_line(f.name)
                for f in (history.files.spx, history.files.vix, history.files.futures)
            )
        )
    out += [
        "",
        "Claims: the headline figures beside the seeds' claims",
        *table_lines(tables.summary),
        f"  P&L: condor alone {fmt_usd(s.condor_pnl_usd, sign=True)}, condor + hedge "
        f"{fmt_usd(s.condor_pnl_usd + s.hedge_pnl_usd, sign=True)} "
        f"(hedge {fmt_usd(s.hedge_pnl_usd, sign=True)})",
        "",
        "Per year",
        *table_lines(tables.years),
        "",
        "Curve regime (the previous close's VIX futures curve), P&L annualised per 252 days",
        *table_lines(tables.regimes),
        "",
        "Stress episodes in range (realised loss cut beside the plan's stress-table prediction)",
        *table_lines(tables.episodes),
        "",
        "Layer coverage (days with a position at the close)",
        *table_lines(tables.coverage),
    ]
    if result.sweep:
        out += ["", "Hedge size sweep", *table_lines(tables.sweep)]
    # The comparisons table has two rows per rule (with it, without it), in the rules' order.
    rows = tables.comparisons.rows
    for i, comparison in enumerate(result.comparisons):
        one_rule = replace(tables.comparisons, rows=rows[2 * i : 2 * i + 2], note="")
        out += [
            "",
            f"Optional rule: {one_line(comparison.rule)} (on, as set, beside the same programme "
            "with it off)",
            *table_lines(one_rule),
        ]
    out += ["", "Notes", *(f"  - {one_line(note)}" for note in result.notes)]
    if history is not None and history.issues:
        out += ["", "History checks", *(f"  - {one_line(issue)}" for issue in history.issues)]
    return "\n".join(out) + "\n"
