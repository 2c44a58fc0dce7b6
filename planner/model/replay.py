"""Running the replay for a plan: listed expiries, stress episodes, and the result as JSON and
CSV (DESIGN.md section 9, issue #9; the text is `planner.present.replay_text`). The engine
does the maths (`planner.engine.replay`); this module supplies what it may not compute itself
(exchange calendars, the shipped stress presets) and turns its result into files.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import math
import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from planner.engine.evaluate import evaluate
from planner.engine.expiries import spx_monthly_expiries, vix_expiries, vix_monthly_expiry
from planner.engine.replay import Episode, Progress, ReplayCalendar, run_replay
from planner.engine.replay_result import ReplayResult, RuleComparison, Summary
from planner.engine.replay_types import CondorCadence
from planner.model.atomic import write_bytes_atomic
from planner.model.calendar import exchange_holidays
from planner.model.history import LoadedHistory
from planner.model.plan import Plan, StressScenario
from planner.model.stress_presets import default_stress_scenarios, stress_preset_entries

__all__ = [
    "CLAIMED_COST_PCT",
    "CLAIMED_DRAWDOWN_CUT_PCT",
    "WEEKLY_VIX_OPTIONS_LISTED",
    "claim_holds",
    "daily_csv",
    "parse_sweep",
    "replay_calendar",
    "replay_claims",
    "replay_episodes",
    "replay_plan",
    "replay_to_dict",
    "trades_csv",
    "write_csv",
]

# "VIX Weeklys options began trading at CBOE on Thursday, October 8, 2015" (Cboe's VIX
# Weeklys product page, cboe.com/micro/vix-weeklys); before that only monthly expiries existed.
WEEKLY_VIX_OPTIONS_LISTED = dt.date(2015, 10, 8)
# The seed articles' claims the replay is held against.
CLAIMED_COST_PCT = (1.0, 2.0)
CLAIMED_DRAWDOWN_CUT_PCT = (35.0, 40.0)
# Condor expiries and VIX expiries are listed this far past the history's last day.
_AHEAD = dt.timedelta(days=500)
MAX_SWEEP_SIZES = 101


def replay_calendar(first: dt.date, last: dt.date, cadence: CondorCadence) -> ReplayCalendar:
    """Listed expiries for a replay over [first, last] under the real exchange holidays."""
    holidays = exchange_holidays(first - dt.timedelta(days=14), last + _AHEAD + dt.timedelta(45))
    end = last + _AHEAD
    if cadence is CondorCadence.MONTHLY:
        condor = spx_monthly_expiries(first, end, holidays)
    else:
        condor_days = []
        friday = first + dt.timedelta(days=(4 - first.weekday()) % 7)
        while friday <= end:
            day = friday
            while day.weekday() >= 5 or day in holidays:
                day -= dt.timedelta(days=1)
            condor_days.append(day)
            friday += dt.timedelta(days=7)
        condor = tuple(condor_days)
    every = vix_expiries(first, end, holidays)
    monthly = _monthly_set(first, end, holidays)
    return ReplayCalendar(
        condor_expiries=np.array(condor, dtype="datetime64[D]"),
        vix_expiries=np.array(every, dtype="datetime64[D]"),
        vix_is_weekly=np.array([d not in monthly for d in every], dtype=bool),
        weekly_vix_listed_from=np.datetime64(WEEKLY_VIX_OPTIONS_LISTED, "D"),
    )


def _monthly_set(first: dt.date, end: dt.date, holidays: frozenset[dt.date]) -> set[dt.date]:
    out = set()
    year, month = first.year, first.month
    while (year, month) <= (end.year, end.month):
        out.add(vix_monthly_expiry(year, month, holidays))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def replay_episodes(plan: Plan) -> tuple[Episode, ...]:
    """The shipped historical stress presets (each with its window of closes), with the loss
    cut the plan's stress table predicts for that row: the ALVH proposal's cut when the plan's
    own table has the row, else the preset row evaluated on the plan."""
    rows = [row for row in stress_preset_entries() if isinstance(row.get("window"), dict)]
    presets = {s.name: s for s in default_stress_scenarios()}
    names = {s.name for s in plan.stress}
    extra = tuple(presets[row["name"]] for row in rows if row["name"] not in names)
    scenarios: tuple[StressScenario, ...] = plan.stress + extra
    report = evaluate(plan.with_changes(stress=scenarios))
    cuts: dict[str, float | None] = {}
    if report.alvh is not None:
        for alvh_row in report.alvh.stress:
            cuts[alvh_row.name] = None if alvh_row.loss_cut is None else 100.0 * alvh_row.loss_cut
    episodes = []
    for row in rows:
        window = row["window"]
        episodes.append(
            Episode(
                name=str(row["name"]),
                start=dt.date.fromisoformat(str(window["start"])),
                end=dt.date.fromisoformat(str(window["end"])),
                predicted_loss_cut_pct=cuts.get(str(row["name"])),
            )
        )
    return tuple(episodes)


def parse_sweep(text: str) -> tuple[float, ...]:
    """ "0:4:0.5" -> (0, 0.5, ..., 4): hedge units from start to stop (inclusive) by step."""
    parts = text.split(":")
    if len(parts) != 3:
        raise ValueError(f"{text!r} is not START:STOP:STEP (e.g. 0:4:0.5)")
    try:
        start, stop, step = (float(p) for p in parts)
    except ValueError:
        raise ValueError(f"{text!r} is not START:STOP:STEP numbers (e.g. 0:4:0.5)") from None
    if not all(math.isfinite(v) for v in (start, stop, step)):
        raise ValueError(f"{text!r}: sizes must be finite numbers")
    if start < 0 or stop < start or step <= 0:
        raise ValueError(f"{text!r}: need 0 <= START <= STOP and STEP > 0")
    count = math.floor((stop - start) / step + 1e-9) + 1
    if count > MAX_SWEEP_SIZES:
        raise ValueError(f"{text!r} gives {count} sizes; at most {MAX_SWEEP_SIZES}")
    return tuple(round(start + i * step, 10) for i in range(count))


def replay_plan(
    plan: Plan,
    history: LoadedHistory,
    *,
    sweep: Sequence[float] = (),
    progress: Progress | None = None,
) -> ReplayResult:
    """Run the plan's programme over the loaded history (raises EngineInputError; `progress`
    as in `run_replay`, it may raise `ReplayCancelled`)."""
    market = history.market
    first = dt.date.fromisoformat(str(market.dates[0]))
    last = dt.date.fromisoformat(str(market.dates[-1]))
    programme = plan.programme
    calendar = replay_calendar(first, last, programme.condor.cadence)
    rules = [
        (label, field, rule)
        for label, field, rule in (
            ("monetise the near layer", "monetise", programme.monetise),
            ("roll deferral", "roll_deferral", programme.roll_deferral),
        )
        if rule.enabled
    ]
    runs = 1 + len(rules)

    def part(index: int) -> Progress | None:
        if progress is None:
            return None
        report = progress
        return lambda done: report((index + done) / runs)

    result = run_replay(
        plan,
        programme,
        market,
        calendar,
        episodes=replay_episodes(plan),
        sweep_units=sweep,
        progress=part(0),
    )
    # Each optional rule that is on is shown against the same programme without it.
    comparisons = []
    for index, (label, field, rule) in enumerate(rules, start=1):
        without = programme.with_changes(**{field: rule.with_changes(enabled=False)})
        other = run_replay(plan, without, market, calendar, progress=part(index))
        comparisons.append(RuleComparison(label, result.summary, other.summary))
    return dataclasses.replace(result, comparisons=tuple(comparisons))


# ---------------------------------------------------------------------------------------------
# Output


def _num(value: float | None, digits: int = 2) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)


def replay_to_dict(result: ReplayResult, history: LoadedHistory | None = None) -> dict[str, Any]:
    """Every figure the text shows, as JSON-ready values (no NaN)."""
    s = result.summary
    claims = replay_claims(result)
    return {
        "plan": result.plan_name,
        "history": None
        if history is None
        else {
            "spx": history.files.spx.name,
            "vix": history.files.vix.name,
            "futures": history.files.futures.name,
            "issues": list(history.issues),
        },
        "summary": {
            "start": s.start.isoformat(),
            "end": s.end.isoformat(),
            "days": s.days,
            "years": _num(s.years, 4),
            "capital_usd": s.capital_usd,
            "condor_cagr_pct": _num(s.condor_cagr_pct, 4),
            "hedged_cagr_pct": _num(s.hedged_cagr_pct, 4),
            "condor_max_drawdown_pct": _num(s.condor_max_drawdown_pct, 4),
            "hedged_max_drawdown_pct": _num(s.hedged_max_drawdown_pct, 4),
            "drawdown_cut_pct": _num(s.drawdown_cut_pct, 4),
            "condor_pnl_usd": _num(s.condor_pnl_usd),
            "hedge_pnl_usd": _num(s.hedge_pnl_usd),
            "hedge_net_cost_pct_per_year": _num(s.hedge_net_cost_pct_per_year, 4),
            "hedge_gross_premium_pct_per_year": _num(s.hedge_gross_premium_pct_per_year, 4),
            "condors": s.condors,
            "hedge_purchases": s.hedge_purchases,
        },
        "years": [
            {
                "year": y.year,
                "days": y.days,
                "return_pct": _num(y.return_pct, 4),
                "max_drawdown_pct": _num(y.max_drawdown_pct, 4),
                "condor_pnl_usd": _num(y.condor_pnl_usd),
                "hedge_pnl_usd": _num(y.hedge_pnl_usd),
                "hedge_net_cost_pct": _num(y.hedge_net_cost_pct, 4),
                "trades": y.trades,
            }
            for y in result.years
        ],
        "regimes": [
            {
                "state": r.state,
                "days": r.days,
                "condor_pnl_usd": _num(r.condor_pnl_usd),
                "hedge_pnl_usd": _num(r.hedge_pnl_usd),
                "condor_pct_per_year": _num(r.condor_pct_per_year, 4),
                "hedge_pct_per_year": _num(r.hedge_pct_per_year, 4),
            }
            for r in result.regimes
        ],
        "episodes": [
            {
                "name": e.name,
                "start": e.start.isoformat(),
                "end": e.end.isoformat(),
                "condor_pnl_usd": _num(e.condor_pnl_usd),
                "hedge_pnl_usd": _num(e.hedge_pnl_usd),
                "net_pnl_usd": _num(e.net_pnl_usd),
                "realised_loss_cut_pct": _num(e.realised_loss_cut_pct, 4),
                "predicted_loss_cut_pct": _num(e.predicted_loss_cut_pct, 4),
            }
            for e in result.episodes
        ],
        "coverage": [
            {
                "layer": c.layer,
                "purchases": c.purchases,
                "days_held": c.days_held,
                "coverage_pct": _num(c.coverage_pct, 4),
                "monthly_expiry_purchases": c.monthly_expiry_purchases,
            }
            for c in result.coverage
        ],
        "sweep": [
            {
                "units": w.units,
                "hedge_net_cost_pct_per_year": _num(w.hedge_net_cost_pct_per_year, 4),
                "hedged_max_drawdown_pct": _num(w.hedged_max_drawdown_pct, 4),
                "drawdown_cut_pct": _num(w.drawdown_cut_pct, 4),
                "hedged_cagr_pct": _num(w.hedged_cagr_pct, 4),
            }
            for w in result.sweep
        ],
        "rule_comparisons": [
            {
                "rule": c.rule,
                "with_rule": _summary_figures(c.with_rule),
                "without_rule": _summary_figures(c.without_rule),
            }
            for c in result.comparisons
        ],
        "claims": claims,
        "trades": result.trades.size,
        "notes": list(result.notes),
    }


def _summary_figures(s: Summary) -> dict[str, Any]:
    return {
        "condor_cagr_pct": _num(s.condor_cagr_pct, 4),
        "hedged_cagr_pct": _num(s.hedged_cagr_pct, 4),
        "condor_max_drawdown_pct": _num(s.condor_max_drawdown_pct, 4),
        "hedged_max_drawdown_pct": _num(s.hedged_max_drawdown_pct, 4),
        "drawdown_cut_pct": _num(s.drawdown_cut_pct, 4),
        "hedge_net_cost_pct_per_year": _num(s.hedge_net_cost_pct_per_year, 4),
    }


def claim_holds(measured: float | None, band: tuple[float, float]) -> bool | None:
    """Whether a measured figure lies in a claim's band (None: nothing was measured)."""
    if measured is None or not math.isfinite(measured):
        return None
    return bool(band[0] <= measured <= band[1])


def replay_claims(result: ReplayResult) -> list[dict[str, Any]]:
    s = result.summary
    low, high = CLAIMED_COST_PCT
    cut_low, cut_high = CLAIMED_DRAWDOWN_CUT_PCT
    cost = s.hedge_net_cost_pct_per_year
    cut = s.drawdown_cut_pct
    return [
        {
            "claim": f"the hedge costs {low:g}-{high:g} % of capital a year",
            "measured": _num(cost, 4),
            "unit": "% of capital a year (net cost)",
            "holds": claim_holds(cost, CLAIMED_COST_PCT),
        },
        {
            "claim": f"the hedge cuts drawdowns {cut_low:g}-{cut_high:g} %",
            "measured": _num(cut, 4),
            "unit": "% cut of the condor's maximum drawdown",
            "holds": claim_holds(cut, CLAIMED_DRAWDOWN_CUT_PCT),
        },
    ]


def trades_csv(result: ReplayResult) -> str:
    t = result.trades
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["date", "leg", "layer", "action", "quantity", "price_pts", "fees_usd", "reason"]
    )
    for row in zip(
        t.date, t.leg, t.layer, t.action, t.quantity, t.price_pts, t.fees_usd, t.reason, strict=True
    ):
        date, leg, layer, action, qty, price, fees, reason = row
        writer.writerow(
            [date.isoformat(), leg, layer, action, qty, f"{price:.4f}", f"{fees:.2f}", reason]
        )
    return out.getvalue()


def daily_csv(result: ReplayResult) -> str:
    d = result.daily
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "date",
            "spx",
            "vix",
            "curve",
            "condor_pnl_usd",
            "hedge_pnl_usd",
            "condor_equity_usd",
            "hedge_equity_usd",
            "hedged_equity_usd",
            "condor_drawdown_pct",
            "hedged_drawdown_pct",
        ]
    )
    columns = [
        d.spx.tolist(),
        d.vix.tolist(),
        d.condor_pnl_usd.tolist(),
        d.hedge_pnl_usd.tolist(),
        d.condor_equity_usd.tolist(),
        d.hedge_equity_usd.tolist(),
        d.hedged_equity_usd.tolist(),
        d.condor_drawdown_pct.tolist(),
        d.hedged_drawdown_pct.tolist(),
    ]
    for i, day in enumerate(d.dates):
        spx, vix, cp, hp, ce, he, we, cd, wd = (c[i] for c in columns)
        writer.writerow(
            [
                day.isoformat(),
                f"{spx:.2f}",
                f"{vix:.2f}",
                d.term_state[i],
                f"{cp:.2f}",
                f"{hp:.2f}",
                f"{ce:.2f}",
                f"{he:.2f}",
                f"{we:.2f}",
                f"{cd:.4f}",
                f"{wd:.4f}",
            ]
        )
    return out.getvalue()


def write_csv(path: str | os.PathLike[str], text: str) -> None:
    """Write a CSV atomically (raises OSError / ValueError with a reason)."""
    write_bytes_atomic(path, text.encode("utf-8"))
