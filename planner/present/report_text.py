"""The risk report as readable text (`hedge-planner report`)."""

from __future__ import annotations

from planner.engine.report import AlvhReport, GreeksTotals, Report
from planner.model.plan import has_control_characters
from planner.present.formatting import fmt_expiry, fmt_num, fmt_pct, fmt_usd

__all__ = ["alvh_text_lines", "one_line", "report_to_text", "text_table"]


def text_table(headers: list[str], rows: list[list[str]], left: int = 1) -> list[str]:
    """Plain-text table: the first `left` columns left-aligned, numbers right-aligned."""
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)
    ]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i < left else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return [line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def _greeks_row(label: str, g: GreeksTotals) -> list[str]:
    return [
        label,
        fmt_usd(g.spx_delta_usd),
        fmt_usd(g.spx_gamma_usd, 2),
        fmt_usd(g.vix_delta_usd),
        fmt_usd(g.spx_vega_usd),
        fmt_usd(g.vix_vega_usd),
        fmt_usd(g.theta_usd),
        fmt_usd(g.spx_equiv_delta_usd),
        fmt_usd(g.market_value_usd),
    ]


def one_line(text: str) -> str:
    """`text` with every control, format or line-separator character shown as an escape
    (a newline as \\n): a name from a plan cannot start a line of its own in the report."""
    if not has_control_characters(text):
        return text
    return "".join(
        c.encode("unicode_escape").decode("ascii") if has_control_characters(c) else c for c in text
    )


def _horizons_line(report: Report) -> str:
    _today, horizon, end = report.curves.horizons_days
    if report.condor_expiry_days is not None:
        return f"  Horizons: today, {horizon} days, condor expiry ({end} days)"
    why = "no legs" if not report.legs else "the last leg's expiry"
    return f"  Horizons: today, {horizon} days, {end} days (no condor in the plan; {why})"


def report_to_text(report: Report) -> str:
    out: list[str] = []
    ts = report.term_structure
    out += [
        f"Hedge Planner risk report — {one_line(report.plan_name)}",
        f"As of {report.valuation_date.isoformat()}",
        "",
        "MARKET",
        f"  SPX {fmt_num(report.spx, 2)}   VIX {fmt_num(report.vix, 2)}   "
        f"capital {fmt_usd(report.capital_usd)}",
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
    out += ["", "LEGS (prices in index points per contract; greeks per contract)"]
    leg_rows = [
        [
            r.id,
            r.group.value,
            f"{r.quantity:+d}",
            f"{r.underlying.value} {fmt_num(r.strike, 1)} {r.right.value}",
            fmt_expiry(r.expiry, r.days_to_expiry),
            fmt_pct(100 * r.iv),
            "" if r.forward is None else fmt_num(r.forward, 2),
            fmt_num(r.model_price_pts, 2),
            fmt_num(r.entry_price_pts, 2),
            fmt_num(r.delta, 3),
            fmt_num(r.gamma, 5),
            fmt_num(r.vega, 3),
            fmt_num(r.theta, 3),
        ]
        for r in report.legs
    ]
    out += text_table(
        [
            "id",
            "group",
            "qty",
            "option",
            "expiry",
            "IV",
            "fwd",
            "model",
            "entry",
            "delta",
            "gamma",
            "vega",
            "theta",
        ],
        leg_rows,
        left=5,
    )
    out += ["", "GREEKS IN DOLLARS (delta $/pt, vega $/vol pt, theta $/day)"]
    greek_rows = [_greeks_row(g.value, t) for g, t in report.groups.items()]
    greek_rows.append(_greeks_row("total", report.total))
    out += text_table(
        [
            "group",
            "SPX delta",
            "SPX gamma",
            "VIX delta",
            "SPX vega",
            "VIX vega",
            "theta",
            "SPX-eq delta",
            "value",
        ],
        greek_rows,
    )
    out += [
        "",
        "POSITION",
        f"  Net credit {fmt_usd(report.net_credit_usd)}   open P&L {fmt_usd(report.total.pnl_usd)}",
        f"  Condor max profit {fmt_usd(report.condor_max_profit_usd)}   "
        f"max loss {fmt_usd(report.condor_max_loss_usd)}",
        _horizons_line(report),
    ]
    if report.break_evens:
        for be in report.break_evens:
            out.append(
                f"  Break-even at {be.horizon_days:>3}d: SPX {fmt_num(be.spx, 0)} "
                f"({fmt_pct(be.move_pct, 1, True)}), VIX {fmt_num(be.vix, 1)}"
            )
    else:
        out.append("  No break-even inside the price range.")
    hc = report.hedge_cost
    out += [
        "",
        "HEDGE COST",
        f"  Premium {fmt_usd(hc.premium_usd)} ({fmt_pct(hc.premium_pct_capital, 2)} of capital)"
        f"   theta {fmt_usd(hc.theta_usd_per_day)}/day",
        f"  30-day carry (SPX and VIX unchanged) {fmt_usd(hc.carry_30d_usd)}  → "
        f"{fmt_usd(hc.carry_annual_usd)}/year = {fmt_pct(hc.carry_annual_pct_capital, 2)} "
        "of capital",
        "",
        "STRESS (P&L from today's value; loss cut = 1 − net / condor where the condor loses)",
    ]
    stress_rows = [
        [
            one_line(s.name),
            fmt_pct(s.spx_move_pct, 1, True),
            fmt_num(s.vix, 1),
            str(s.days),
            fmt_usd(s.condor_pnl_usd),
            fmt_usd(s.hedge_pnl_usd),
            fmt_usd(s.net_pnl_usd),
            "" if s.loss_cut is None else fmt_pct(100 * s.loss_cut, 0),
        ]
        for s in report.stress
    ]
    out += text_table(
        ["scenario", "SPX", "VIX", "days", "condor", "hedge", "net", "loss cut"], stress_rows
    )
    if report.alvh is not None:
        out += ["", *alvh_text_lines(report.alvh, report.capital_usd)]
    if report.warnings:
        out += ["", "NOTES", *(f"  * {one_line(w)}" for w in report.warnings)]
    return "\n".join(out) + "\n"


def alvh_text_lines(alvh: AlvhReport, capital_usd: float) -> list[str]:
    """The "ALVH LAYERS" section: proposal, sizing, regime, cost, stress by layer, signals."""
    out = [
        "ALVH LAYERS (proposed hedge from the plan's allocation settings; "
        "it would replace the near / mid / tail / offset legs)",
        f"  Sizing ({alvh.sizing.mode.value}): {one_line(alvh.sizing.reason)}",
        f"  Regime: {one_line(alvh.regime.reason)}",
        f"  Size: {fmt_num(alvh.sizing.units, 2)} units "
        f"(one unscaled unit: premium {fmt_usd(alvh.sizing.unit_premium_usd)}, maintenance "
        f"{fmt_usd(alvh.sizing.unit_maintenance_usd_per_year)}/year)",
    ]
    layer_rows = []
    for layer in alvh.layers:
        if not layer.placed:
            layer_rows.append([layer.group.value, "—", "", "", "", "", "", "", "", "", ""])
            continue
        layer_rows.append(
            [
                layer.group.value,
                f"{layer.contracts:+d}",
                fmt_num(layer.strike, 1),
                fmt_expiry(layer.expiry, layer.days_to_expiry) if layer.expiry else "—",
                fmt_num(layer.forward, 2),
                fmt_num(layer.delta, 2),
                fmt_num(layer.price_pts, 2),
                fmt_usd(layer.premium_usd),
                fmt_usd(layer.theta_usd_per_day),
                fmt_pct(layer.carry_annual_pct_capital, 2),
                f"{fmt_usd(layer.maintenance_cost_usd_per_year)} "
                f"({fmt_pct(layer.maintenance_pct_capital, 2)})",
            ]
        )
    t = alvh.totals
    layer_rows.append(
        [
            "total",
            f"+{t.contracts_long}/−{t.contracts_short}",
            "",
            "",
            "",
            "",
            "",
            fmt_usd(t.premium_usd),
            fmt_usd(t.theta_usd_per_day),
            fmt_pct(t.carry_annual_pct_capital, 2),
            f"{fmt_usd(t.maintenance_cost_usd_per_year)} ({fmt_pct(t.maintenance_pct_capital, 2)})",
        ]
    )
    out += text_table(
        [
            "layer",
            "qty",
            "strike",
            "expiry",
            "fwd",
            "delta",
            "price",
            "premium",
            "theta/day",
            "carry/yr",
            "maintenance/yr",
        ],
        layer_rows,
        left=1,
    )
    out.append(
        f"  Premium {fmt_pct(t.premium_pct_capital, 2)} of capital; 30-day carry "
        f"{fmt_usd(t.carry_30d_usd)} → {fmt_usd(t.carry_annual_usd)}/year; maintenance "
        f"{fmt_usd(t.maintenance_cost_usd_per_year)}/year of {fmt_usd(capital_usd)} capital."
    )
    offset = alvh.layers[-1]
    if offset.placed and offset.contracts:
        out.append(
            f"  Theta offset recovers {fmt_usd(alvh.offset_premium_recovered_usd_per_year)}/year "
            f"({fmt_pct(alvh.offset_premium_recovered_pct_capital, 2)} of capital)."
        )
    groups = [layer.group for layer in alvh.layers]
    stress_rows = []
    for row in alvh.stress:
        stress_rows.append(
            [
                one_line(row.name),
                fmt_usd(row.condor_pnl_usd),
                *(fmt_usd(row.layer_pnl_usd.get(g, 0.0)) for g in groups),
                fmt_usd(row.hedge_pnl_usd),
                fmt_usd(row.net_pnl_usd),
                "" if row.loss_cut is None else fmt_pct(100 * row.loss_cut, 0),
                ""
                if row.loss_cut is None or row.loss_cut_without_offset is None
                else fmt_pct(100 * (row.loss_cut_without_offset - row.loss_cut), 0),
                "" if row.best_layer is None else row.best_layer.value,
            ]
        )
    out += ["", "  Stress with the proposed hedge (P&L from today's value)"]
    out += text_table(
        [
            "scenario",
            "condor",
            *(g.value for g in groups),
            "hedge",
            "net",
            "loss cut",
            "offset gives up",
            "pays most",
        ],
        stress_rows,
    )
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
    out += [f"    {note}" for note in sig.notes]
    if alvh.messages:
        out += ["  Messages", *(f"    * {one_line(m)}" for m in alvh.messages)]
    out += ["  Assumptions", *(f"    * {a}" for a in alvh.assumptions)]
    return out
