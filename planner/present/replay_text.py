"""The replay as readable text (`hedge-planner replay`)."""

from __future__ import annotations

import io

from planner.engine.replay_result import ReplayResult
from planner.model.history import LoadedHistory
from planner.model.replay import replay_claims

__all__ = ["replay_to_text"]


def _pct(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f} %"


def _usd(value: float) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.0f}"


def replay_to_text(result: ReplayResult, history: LoadedHistory | None = None) -> str:
    s = result.summary
    out = io.StringIO()

    def line(text: str = "") -> None:
        out.write(text + "\n")

    line(f"Replay: {result.plan_name}")
    line(
        f"{s.start.isoformat()} to {s.end.isoformat()}: {s.days} days ({s.years:.2f} years), "
        f"capital {_usd(s.capital_usd)}, {s.condors} condors, {s.hedge_purchases} hedge purchases"
    )
    if history is not None:
        line(
            f"History: {history.files.spx.name}, {history.files.vix.name}, "
            f"{history.files.futures.name}"
        )
    line()
    line(f"{'':28}{'condor alone':>14}{'condor + hedge':>16}")
    line(f"{'CAGR':28}{_pct(s.condor_cagr_pct):>14}{_pct(s.hedged_cagr_pct):>16}")
    line(
        f"{'Max drawdown':28}{_pct(s.condor_max_drawdown_pct):>14}"
        f"{_pct(s.hedged_max_drawdown_pct):>16}"
    )
    line(f"{'P&L':28}{_usd(s.condor_pnl_usd):>14}{_usd(s.condor_pnl_usd + s.hedge_pnl_usd):>16}")
    line(f"Drawdown cut (1 - hedged / unhedged max drawdown): {_pct(s.drawdown_cut_pct, 1)}")
    line(
        f"Hedge net cost: {_pct(s.hedge_net_cost_pct_per_year)} of capital a year "
        f"(P&L {_usd(s.hedge_pnl_usd)}); gross premium outlay "
        f"{_pct(s.hedge_gross_premium_pct_per_year)} a year"
    )
    line()
    line("Per year")
    line(
        f"{'year':<6}{'days':>5}{'return':>10}{'max DD':>10}{'condor P&L':>13}"
        f"{'hedge P&L':>12}{'hedge cost':>12}{'trades':>8}"
    )
    for y in result.years:
        line(
            f"{y.year:<6}{y.days:>5}{_pct(y.return_pct):>10}{_pct(y.max_drawdown_pct):>10}"
            f"{_usd(y.condor_pnl_usd):>13}{_usd(y.hedge_pnl_usd):>12}"
            f"{_pct(y.hedge_net_cost_pct):>12}{y.trades:>8}"
        )
    line()
    line("Curve regime (the previous close's VIX futures curve), P&L annualised per 252 days")
    line(
        f"{'state':<15}{'days':>6}{'condor P&L':>13}{'hedge P&L':>12}"
        f"{'condor/yr':>11}{'hedge/yr':>10}"
    )
    for r in result.regimes:
        line(
            f"{r.state:<15}{r.days:>6}{_usd(r.condor_pnl_usd):>13}{_usd(r.hedge_pnl_usd):>12}"
            f"{_pct(r.condor_pct_per_year):>11}{_pct(r.hedge_pct_per_year):>10}"
        )
    line()
    line("Stress episodes in range (realised loss cut beside the plan's stress-table prediction)")
    if not result.episodes:
        line("  none of the preset episodes falls in this range")
    for e in result.episodes:
        line(
            f"  {e.name:<24} {e.start.isoformat()}..{e.end.isoformat()}  condor "
            f"{_usd(e.condor_pnl_usd):>10}  hedge {_usd(e.hedge_pnl_usd):>10}  cut "
            f"{_pct(e.realised_loss_cut_pct, 1):>8} (predicted {_pct(e.predicted_loss_cut_pct, 1)})"
        )
    line()
    line("Layer coverage (days with a position at the close)")
    for c in result.coverage:
        line(
            f"  {c.layer:<7} {c.purchases:>5} purchases, {c.days_held:>5} days held, "
            f"coverage {_pct(c.coverage_pct, 1)}; {c.monthly_expiry_purchases} on monthly expiries"
        )
    if result.sweep:
        line()
        line("Hedge size sweep")
        line(f"{'units':>6}{'cost/yr':>10}{'max DD':>10}{'DD cut':>10}{'CAGR':>10}")
        for w in result.sweep:
            line(
                f"{w.units:>6g}{_pct(w.hedge_net_cost_pct_per_year):>10}"
                f"{_pct(w.hedged_max_drawdown_pct):>10}{_pct(w.drawdown_cut_pct, 1):>10}"
                f"{_pct(w.hedged_cagr_pct):>10}"
            )
    for comparison in result.comparisons:
        line()
        line(
            f"Optional rule: {comparison.rule} (on, as set, beside the same programme with it off)"
        )
        line(f"{'':28}{'rule on':>12}{'rule off':>12}")
        for label, name in (
            ("Condor CAGR", "condor_cagr_pct"),
            ("Hedged CAGR", "hedged_cagr_pct"),
            ("Condor max drawdown", "condor_max_drawdown_pct"),
            ("Hedged max drawdown", "hedged_max_drawdown_pct"),
            ("Drawdown cut", "drawdown_cut_pct"),
            ("Hedge net cost a year", "hedge_net_cost_pct_per_year"),
        ):
            on = getattr(comparison.with_rule, name)
            off = getattr(comparison.without_rule, name)
            line(f"{label:28}{_pct(on):>12}{_pct(off):>12}")
    line()
    line("Claims")
    for claim in replay_claims(result):
        measured = "n/a" if claim["measured"] is None else f"{claim['measured']:.2f}"
        verdict = {True: "holds", False: "does not hold", None: "cannot tell"}[claim["holds"]]
        line(f'  "{claim["claim"]}": measured {measured} ({claim["unit"]}) - {verdict}')
    line()
    line("Notes")
    for note in result.notes:
        line(f"  - {note}")
    if history is not None and history.issues:
        line()
        line("History checks")
        for issue in history.issues:
            line(f"  - {issue}")
    return out.getvalue()
