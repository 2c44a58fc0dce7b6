"""The replay result as tables and headline figures (issue #11): one set of builders for the
window's Replay tab, the printed replay page and the text report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from planner.engine.replay_result import ReplayResult
from planner.model.replay import CLAIMED_COST_PCT, CLAIMED_DRAWDOWN_CUT_PCT, claim_holds
from planner.present.formatting import (
    MISSING,
    fmt_num,
    fmt_pct,
    short_scenario_name,
)
from planner.present.table import (
    Align,
    Cell,
    Column,
    Table,
    Tone,
    count_cell,
    loss_cut_cell,
    pct_cell,
    text_cell,
    usd_cell,
)

__all__ = [
    "HeadlineFigure",
    "ReplayTables",
    "Verdict",
    "comparisons_table",
    "coverage_table",
    "episodes_table",
    "headline",
    "regimes_table",
    "replay_tables",
    "sweep_table",
    "trade_groups",
    "trades_table",
    "years_table",
]

_LEFT = Align.LEFT


class Verdict(StrEnum):
    WITHIN = "within the claim"
    BELOW = "outside the claim (below)"
    ABOVE = "outside the claim (above)"
    UNKNOWN = "cannot tell"
    NO_CLAIM = "no claim"


@dataclass(frozen=True, slots=True)
class HeadlineFigure:
    key: str
    label: str
    value: str
    """The measured figure as shown ("1.26 %/yr", "8.9 % → 6.1 %")."""
    number: float | None
    claim: str
    """The seeds' claim it is held against ("1–2 %/yr"), or "" when there is none."""
    verdict: Verdict
    tooltip: str

    @property
    def verdict_text(self) -> str:
        return "" if self.verdict is Verdict.NO_CLAIM else self.verdict.value


def _range_text(band: tuple[float, float], unit: str) -> str:
    return f"{band[0]:g}–{band[1]:g}{unit}"


def _verdict(value: float | None, band: tuple[float, float]) -> Verdict:
    holds = claim_holds(value, band)
    if holds is None or value is None:
        return Verdict.UNKNOWN
    if holds:
        return Verdict.WITHIN
    return Verdict.BELOW if value < band[0] else Verdict.ABOVE


def headline(result: ReplayResult) -> tuple[HeadlineFigure, ...]:
    """The top row of the Replay tab and of the printed page, each figure beside its claim."""
    s = result.summary
    cost_claim = _range_text(CLAIMED_COST_PCT, "%/yr")
    cut_claim = _range_text(CLAIMED_DRAWDOWN_CUT_PCT, "%")
    return (
        HeadlineFigure(
            "net_cost",
            "Hedge net cost",
            f"{fmt_pct(s.hedge_net_cost_pct_per_year, 2)}/yr",
            s.hedge_net_cost_pct_per_year,
            cost_claim,
            _verdict(s.hedge_net_cost_pct_per_year, CLAIMED_COST_PCT),
            "Premium paid − proceeds − settlements, with commissions and half-spreads, "
            "open positions marked at the last close; % of capital a year.",
        ),
        HeadlineFigure(
            "gross_premium",
            "Gross premium",
            f"{fmt_pct(s.hedge_gross_premium_pct_per_year, 2)}/yr",
            s.hedge_gross_premium_pct_per_year,
            cost_claim,
            _verdict(s.hedge_gross_premium_pct_per_year, CLAIMED_COST_PCT),
            "Premium paid on every hedge purchase (at the ask), % of capital a year, before "
            "anything is sold back: the outlay, if the seeds' claim means that.",
        ),
        HeadlineFigure(
            "max_drawdown",
            "Max drawdown",
            f"{fmt_pct(s.condor_max_drawdown_pct, 1)} → {fmt_pct(s.hedged_max_drawdown_pct, 1)}",
            s.hedged_max_drawdown_pct,
            "",
            Verdict.NO_CLAIM,
            "Deepest fall from a peak: condor alone → condor + hedge.",
        ),
        HeadlineFigure(
            "drawdown_cut",
            "Drawdown cut",
            fmt_pct(s.drawdown_cut_pct, 1),
            s.drawdown_cut_pct,
            cut_claim,
            _verdict(s.drawdown_cut_pct, CLAIMED_DRAWDOWN_CUT_PCT),
            "1 − hedged / unhedged maximum drawdown.",
        ),
        HeadlineFigure(
            "cagr",
            "CAGR",
            f"{fmt_pct(s.condor_cagr_pct, 2)} → {fmt_pct(s.hedged_cagr_pct, 2)}",
            s.hedged_cagr_pct,
            "",
            Verdict.NO_CLAIM,
            "Compound yearly growth of the capital: condor alone → condor + hedge.",
        ),
    )


def headline_table(result: ReplayResult) -> Table:
    rows = []
    for figure in headline(result):
        tone = {
            Verdict.WITHIN: Tone.GAIN,
            Verdict.BELOW: Tone.LOSS,
            Verdict.ABOVE: Tone.LOSS,
        }.get(figure.verdict, Tone.PLAIN)
        rows.append(
            (
                text_cell(figure.label, figure.tooltip),
                Cell(figure.value, figure.number, "%", tooltip=figure.tooltip),
                text_cell(figure.claim or MISSING),
                Cell(figure.verdict_text or MISSING, tone=tone),
            )
        )
    s = result.summary
    return Table(
        "Headline and the seeds' claims",
        (Column("Figure", _LEFT), Column("Measured"), Column("Claim"), Column("Verdict", _LEFT)),
        tuple(rows),
        note=f"{s.start.isoformat()} to {s.end.isoformat()}: {s.days} days "
        f"({s.years:.2f} years), {s.condors} condors, {s.hedge_purchases} hedge purchases.",
    )


def years_table(result: ReplayResult) -> Table:
    rows = tuple(
        (
            Cell(str(y.year), float(y.year)),
            count_cell(y.days, "d"),
            pct_cell(y.return_pct, 2, sign=True, loss_when="negative"),
            pct_cell(y.max_drawdown_pct, 2, loss_when="positive"),
            usd_cell(y.condor_pnl_usd, sign=True),
            usd_cell(y.hedge_pnl_usd, sign=True),
            pct_cell(y.hedge_net_cost_pct, 2, sign=True),
            count_cell(y.trades),
        )
        for y in result.years
    )
    return Table(
        "Per year",
        (
            Column("Year", _LEFT),
            Column("Days", tooltip="Trading days in the replay that year"),
            Column("Return", tooltip="Hedged equity's change over the year"),
            Column("Max DD", tooltip="Hedged equity's deepest fall inside the year"),
            Column("Condor P&L"),
            Column("Hedge P&L"),
            Column("Hedge cost", tooltip="−(hedge P&L in the year) / capital"),
            Column("Trades", tooltip="Legs traded (entries, exits, settlements)"),
        ),
        rows,
        note="Return and drawdown of condor + hedge; hedge cost in % of capital.",
    )


_STATE_NAMES = {"contango": "Contango", "backwardation": "Backwardation", "flat": "Flat"}


def regimes_table(result: ReplayResult) -> Table:
    rows = tuple(
        (
            text_cell(_STATE_NAMES.get(r.state, r.state)),
            count_cell(r.days, "d"),
            usd_cell(r.condor_pnl_usd, sign=True),
            usd_cell(r.hedge_pnl_usd, sign=True),
            pct_cell(r.condor_pct_per_year, 2, sign=True, loss_when="negative"),
            pct_cell(r.hedge_pct_per_year, 2, sign=True, loss_when="negative"),
        )
        for r in result.regimes
    )
    return Table(
        "Contango vs backwardation",
        (
            Column("Curve", _LEFT, "The previous close's VIX futures curve"),
            Column("Days"),
            Column("Condor P&L"),
            Column("Hedge P&L"),
            Column("Condor /yr", tooltip="P&L per 252 such days, % of capital"),
            Column("Hedge /yr", tooltip="P&L per 252 such days, % of capital"),
        ),
        rows,
        note="Each day's P&L under the curve of the close before; % of capital per 252 days.",
    )


def _fraction(pct: float | None) -> float | None:
    return None if pct is None else pct / 100.0


def _span(start: dt.date, end: dt.date) -> str:
    """ "2020-02-19 → 03-23": the end without what it shares with the start."""
    if start.year != end.year:
        return f"{start.isoformat()} → {end.isoformat()}"
    return f"{start.isoformat()} → {end:%m-%d}"


def episodes_table(result: ReplayResult) -> Table:
    rows = tuple(
        (
            text_cell(short_scenario_name(e.name), f"{e.name}: {_span(e.start, e.end)}"),
            Cell(_span(e.start, e.end), float(e.start.toordinal())),
            usd_cell(e.condor_pnl_usd, sign=True),
            usd_cell(e.hedge_pnl_usd, sign=True),
            usd_cell(e.net_pnl_usd, sign=True),
            loss_cut_cell(_fraction(e.realised_loss_cut_pct)),
            loss_cut_cell(_fraction(e.predicted_loss_cut_pct)),
        )
        for e in result.episodes
    )
    return Table(
        "Stress episodes",
        (
            Column("Episode", _LEFT),
            Column("Closes", _LEFT, "First and last close of the episode"),
            Column("Condor"),
            Column("Hedge"),
            Column("Net"),
            Column(
                "Realised", tooltip="Realised loss cut: 1 − net / condor, where the condor lost"
            ),
            Column("Predicted", tooltip="Loss cut the plan's stress table predicts for this row"),
        ),
        rows,
        note="Realised loss cut = 1 − net / condor loss; predicted: the plan's stress table.",
        empty_text="None of the preset stress episodes falls in the replay's range.",
    )


def coverage_table(result: ReplayResult) -> Table:
    rows = tuple(
        (
            text_cell(c.layer),
            count_cell(c.purchases),
            count_cell(c.days_held, "d"),
            pct_cell(c.coverage_pct, 1),
            count_cell(c.monthly_expiry_purchases),
        )
        for c in result.coverage
    )
    return Table(
        "Layer coverage",
        (
            Column("Layer", _LEFT),
            Column("Purchases"),
            Column("Days held"),
            Column("Coverage", tooltip="Days with a position at the close / days in the replay"),
            Column("On monthlies", tooltip="Purchases of a monthly VIX expiry"),
        ),
        rows,
        note="Listed expiries are sparse: a layer holds a contract only while one is in its "
        "window.",
    )


def sweep_table(result: ReplayResult) -> Table:
    rows = tuple(
        (
            Cell(f"{w.units:g}", w.units),
            pct_cell(w.hedge_net_cost_pct_per_year, 2, loss_when="positive"),
            pct_cell(w.hedged_max_drawdown_pct, 2),
            pct_cell(w.drawdown_cut_pct, 1),
            pct_cell(w.hedged_cagr_pct, 2, loss_when="negative"),
        )
        for w in result.sweep
    )
    return Table(
        "Hedge size sweep",
        (
            Column("Units"),
            Column("Cost /yr"),
            Column("Max DD"),
            Column("DD cut"),
            Column("CAGR"),
        ),
        rows,
        empty_text="No sweep run yet.",
    )


def comparisons_table(result: ReplayResult) -> Table:
    """Each optional rule that is on, beside the same programme with only that rule off."""
    rows = []
    for c in result.comparisons:
        for label, summary in (("with the rule", c.with_rule), ("without it", c.without_rule)):
            rows.append(
                (
                    text_cell(f"{c.rule}: {label}"),
                    pct_cell(summary.hedge_net_cost_pct_per_year, 2, loss_when="positive"),
                    pct_cell(summary.condor_max_drawdown_pct, 2),
                    pct_cell(summary.hedged_max_drawdown_pct, 2),
                    pct_cell(summary.drawdown_cut_pct, 1),
                    pct_cell(summary.hedged_cagr_pct, 2, loss_when="negative"),
                )
            )
    return Table(
        "Optional rules",
        (
            Column("Programme", _LEFT),
            Column("Cost /yr", tooltip="Hedge net cost, % of capital a year"),
            Column("Max DD alone"),
            Column("Max DD hedged"),
            Column("DD cut"),
            Column("CAGR hedged"),
        ),
        tuple(rows),
        note="Each rule that is on, against the same programme with only that rule off.",
        empty_text="The optional rules (monetise, roll deferral) are off; switch them on in "
        "Programme to see what each changes.",
    )


def trade_groups(result: ReplayResult) -> tuple[str, ...]:
    """The leg groups in the trade log, in the order the programme names them."""
    order = ("condor", "near", "mid", "tail", "offset")
    present = set(result.trades.layer)
    return tuple(g for g in order if g in present) + tuple(sorted(present - set(order)))


def trades_table(result: ReplayResult) -> Table:
    t = result.trades
    rows = []
    for date, leg, layer, action, qty, price, fees, reason in zip(
        t.date, t.leg, t.layer, t.action, t.quantity, t.price_pts, t.fees_usd, t.reason, strict=True
    ):
        rows.append(
            (
                Cell(date.isoformat(), float(date.toordinal())),
                text_cell(leg),
                text_cell(layer),
                text_cell(action),
                Cell(fmt_num(qty, 0, sign=True), float(qty)),
                Cell(fmt_num(price, 2), price, "pts"),
                usd_cell(fees, toned=False),
                text_cell(reason),
            )
        )
    return Table(
        "Trade log",
        (
            Column("Date", _LEFT),
            Column("Leg", _LEFT),
            Column("Group", _LEFT),
            Column("Action", _LEFT),
            Column("Qty", tooltip="Signed contracts: + bought, − sold"),
            Column("Price", tooltip="Per contract, index points, incl. the half-spread crossed"),
            Column("Fees", tooltip="Commissions"),
            Column("Reason", _LEFT),
        ),
        tuple(rows),
        note="Settle: cash-settled at expiry; mark: still open at the range's end.",
    )


@dataclass(frozen=True, slots=True)
class ReplayTables:
    """Every table of one replay, built once (off the GUI thread in the window)."""

    headline: tuple[HeadlineFigure, ...]
    summary: Table
    years: Table
    regimes: Table
    episodes: Table
    coverage: Table
    sweep: Table
    trades: Table
    comparisons: Table
    groups: tuple[str, ...]

    def all(self) -> Sequence[Table]:
        return (
            self.years,
            self.regimes,
            self.episodes,
            self.coverage,
            self.comparisons,
            self.sweep,
            self.trades,
        )


def replay_tables(result: ReplayResult) -> ReplayTables:
    return ReplayTables(
        headline=headline(result),
        summary=headline_table(result),
        years=years_table(result),
        regimes=regimes_table(result),
        episodes=episodes_table(result),
        coverage=coverage_table(result),
        sweep=sweep_table(result),
        trades=trades_table(result),
        comparisons=comparisons_table(result),
        groups=trade_groups(result),
    )
