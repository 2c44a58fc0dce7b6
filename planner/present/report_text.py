"""The risk report as readable text (`hedge-planner report`): the same tables the risk dock,
the layers panel and the printed page show, printed as plain text."""

from __future__ import annotations

from planner.engine.report import AlvhReport, Report
from planner.present.alvh import alvh_summary_table, layer_stress_table, layers_table
from planner.present.formatting import fmt_num, fmt_usd
from planner.present.risk import (
    greeks_table,
    hedge_cost_table,
    horizons_text,
    legs_table,
    position_table,
    stress_table,
)
from planner.present.text import one_line, table_lines

__all__ = ["alvh_text_lines", "one_line", "report_to_text"]


def _market_lines(report: Report) -> list[str]:
    ts = report.term_structure
    out = [
        "MARKET",
        f"  SPX {fmt_num(report.spx, 2)}   VIX {fmt_num(report.vix, 2)}   "
        + ("" if report.vix9d is None else f"VIX9D {fmt_num(report.vix9d, 2)}   ")
        + f"capital {fmt_usd(report.capital_usd)}",
        f"  VIX futures curve: {ts.state}, slope {fmt_num(ts.slope_pts_per_month, 2, True)} "
        f"pts/month, front basis {fmt_num(ts.front_basis_pts, 2, True)} pts",
    ]
    if ts.days.size:
        out.append(
            "  "
            + "   ".join(
                f"{int(d)}d {fmt_num(float(f), 2)}"
                for d, f in zip(ts.days, ts.futures, strict=True)
            )
        )
    return out


def report_to_text(report: Report) -> str:
    out: list[str] = [
        f"Hedge Planner risk report — {one_line(report.plan_name)}",
        f"As of {report.valuation_date.isoformat()}",
        "",
        *_market_lines(report),
        "",
        "LEGS (prices in index points per contract; greeks per contract)",
        *table_lines(legs_table(report)),
        "",
        "GREEKS IN DOLLARS (delta $/pt, VIX delta $/VIX pt, vega $/vol pt, theta $/day)",
        *table_lines(greeks_table(report)),
        "",
        "POSITION",
        *table_lines(position_table(report)),
        f"  {horizons_text(report)}",
        "",
        "HEDGE COST",
        *table_lines(hedge_cost_table(report)),
        "",
        "STRESS (P&L from today's value; loss cut = 1 − net / condor where the condor loses)",
        *table_lines(stress_table(report)),
        "",
        *alvh_text_lines(report.alvh, report.capital_usd),
    ]
    if report.warnings:
        out += ["", "NOTES", *(f"  * {one_line(w)}" for w in report.warnings)]
    return "\n".join(out) + "\n"


def alvh_text_lines(alvh: AlvhReport, capital_usd: float) -> list[str]:
    """The "ALVH LAYERS" section: proposal, sizing, regime, cost, stress by layer, signals."""
    out = [
        "ALVH LAYERS (proposed hedge from the plan's allocation settings; "
        "it would replace the near / mid / tail / offset legs)",
        *table_lines(alvh_summary_table(alvh, capital_usd)),
        "",
        *table_lines(layers_table(alvh)),
        "",
        "  Stress with the proposed hedge (P&L from today's value)",
        *table_lines(layer_stress_table(alvh)),
    ]
    sig = alvh.signals
    out += [
        "",
        "  Signals (shown, never acted on)",
        f"    Term structure {sig.term_state}, slope {fmt_num(sig.slope_pts_per_month, 2, True)} "
        f"pts/month; VIX {fmt_num(sig.vix, 2)} in band {sig.vix_band}",
    ]
    if sig.rsi14 is not None:
        out.append(
            f"    VIX history to {sig.history_end.isoformat() if sig.history_end else '—'}: "
            f"RSI(14) {fmt_num(sig.rsi14, 1)}, MACD {fmt_num(sig.macd, 2)} / signal "
            f"{fmt_num(sig.macd_signal, 2)} / histogram {fmt_num(sig.macd_histogram, 2)}"
        )
    out += [f"    {one_line(note)}" for note in sig.notes]
    if alvh.messages:
        out += ["  Messages", *(f"    * {one_line(m)}" for m in alvh.messages)]
    out += ["  Assumptions", *(f"    * {one_line(a)}" for a in alvh.assumptions)]
    return out
