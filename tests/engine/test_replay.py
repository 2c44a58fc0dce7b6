"""The replay engine on synthetic markets whose answers are known, and on the real history."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from planner.engine import evaluate
from planner.engine.replay import ReplayCalendar, run_replay
from planner.engine.replay_result import ReplayResult
from planner.engine.replay_types import CondorCadence, DailyMarket
from planner.engine.types import Group, Right, Underlying
from planner.model import load_plan
from planner.model.history import find_history_files, load_history, monthly_vix_expiries
from planner.model.plan import FuturePoint, Leg, Market, Plan
from planner.model.programme import ProgrammeSettings, TradingCosts
from planner.model.replay import replay_calendar, replay_plan

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample.hplan"
FREE = TradingCosts(
    spx_commission_usd=0, spx_half_spread_pts=0, vix_commission_usd=0, vix_half_spread_pts=0
)
START = dt.date(2021, 1, 7)  # a Thursday: next Wednesday's VIX weekly is 6 days out
CONTRACTS = 7


def _market(spx: np.ndarray, vix: np.ndarray, start: dt.date = START) -> DailyMarket:
    """Every calendar day a trading day; the futures curve flat at spot VIX."""
    dates = np.arange(
        np.datetime64(start, "D"), np.datetime64(start, "D") + spx.size, dtype="datetime64[D]"
    )
    last = start + dt.timedelta(days=int(spx.size))
    monthly = monthly_vix_expiries(start, last)
    first = np.searchsorted(monthly, dates, side="right")
    expiry = monthly[first[:, None] + np.arange(CONTRACTS)[None, :]]
    price = np.repeat(vix[:, None], CONTRACTS, axis=1).astype(np.float64)
    return DailyMarket(dates, spx.astype(np.float64), vix.astype(np.float64), expiry, price)


def _daily_vix_calendar(market: DailyMarket) -> ReplayCalendar:
    """A VIX expiry on every day: each layer rolls the moment its window closes."""
    first = dt.date.fromisoformat(str(market.dates[0]))
    last = dt.date.fromisoformat(str(market.dates[-1]))
    spx = replay_calendar(first, last, CondorCadence.MONTHLY).condor_expiries
    days = np.arange(market.dates[0], market.dates[-1] + 400, dtype="datetime64[D]")
    return ReplayCalendar(
        condor_expiries=spx,
        vix_expiries=days,
        vix_is_weekly=np.zeros(days.size, dtype=bool),
        weekly_vix_listed_from=np.datetime64("2100-01-01"),
    )


def _plan(
    market: DailyMarket, day: int = 0, legs: tuple[Leg, ...] = (), costs: TradingCosts = FREE
) -> Plan:
    """A plan on day `day` of `market` (what a user would build from that day's closes)."""
    date = dt.date.fromisoformat(str(market.dates[day]))
    futures = tuple(
        FuturePoint(expiry=dt.date.fromisoformat(str(e)), price=float(p))
        for e, p in zip(market.futures_expiry[day], market.futures_price[day], strict=True)
        if np.isfinite(p)
    )
    return Plan(
        valuation_date=date,
        capital_usd=250_000,
        market=Market(
            spx=float(market.spx[day]),
            rate=0.03,
            dividend_yield=0.015,
            vix=float(market.vix[day]),
            futures=futures,
        ),
        legs=legs,
        programme=ProgrammeSettings(costs=costs),
    )


def _run(plan: Plan, market: DailyMarket, calendar: ReplayCalendar, **kw: object) -> ReplayResult:
    return run_replay(plan, plan.programme, market, calendar, **kw)  # type: ignore[arg-type]


def test_flat_market_hedge_costs_the_engine_s_maintenance_figure() -> None:
    # 1200 days = 20 full 60-day tail cycles (and whole 15- and 3-day cycles): every layer
    # sells and rebuys on the last day, so the replay holds whole roll cycles only.
    n = 1201
    market = _market(np.full(n, 4000.0), np.full(n, 20.0))
    plan = _plan(market)
    result = _run(plan, market, _daily_vix_calendar(market))
    report = evaluate(plan)
    assert report.alvh is not None
    expected = report.alvh.totals.maintenance_cost_usd_per_year
    assert expected > 0
    measured = -result.summary.hedge_pnl_usd / result.summary.years
    assert measured == pytest.approx(expected, rel=0.01)
    assert result.summary.hedge_net_cost_pct_per_year == pytest.approx(
        report.alvh.totals.maintenance_pct_capital, rel=0.01
    )
    coverage = {c.layer: c.coverage_pct for c in result.coverage}
    assert coverage == pytest.approx({"near": 100.0, "mid": 100.0, "tail": 100.0}, abs=0.1)


def test_flat_market_condors_keep_their_credit_less_costs() -> None:
    costs = TradingCosts()
    n = 400
    market = _market(np.full(n, 4000.0), np.full(n, 18.0))
    plan = _plan(market, costs=costs)
    plan = plan.with_changes(allocation=plan.allocation.with_changes(units=0))
    result = _run(plan, market, _daily_vix_calendar(market))
    t = result.trades
    assert set(t.layer) == {"condor"}
    entries = [i for i in range(t.size) if t.reason[i] == "entry"]
    settles = [i for i in range(t.size) if t.action[i] == "settle"]
    marks = [i for i in range(t.size) if t.action[i] == "mark"]
    assert len(entries) == len(settles) + len(marks) == 4 * result.summary.condors
    assert len(settles) >= 4 * 11
    assert all(t.price_pts[i] == 0.0 for i in settles)  # every leg expires worthless
    # Each settled condor keeps its whole credit (at the model's mid) less the half-spreads
    # crossed and commissions paid at entry; settlement costs nothing.
    settled = {t.leg[i] for i in settles}
    lots = abs(t.quantity[entries[0]])
    per_condor_cost = 4 * lots * (costs.spx_commission_usd + 100 * costs.spx_half_spread_pts)
    credit: dict[str, float] = {}
    for i in entries:
        expiry = t.leg[i].split()[1]
        at_mid = t.price_pts[i] + costs.spx_half_spread_pts * (1 if t.quantity[i] < 0 else -1)
        credit[expiry] = credit.get(expiry, 0.0) - t.quantity[i] * at_mid * 100
    kept = {e: c - per_condor_cost for e, c in credit.items()}
    settled_expiries = {leg.split()[1] for leg in settled}
    assert all(credit[e] > 0 for e in credit)
    open_value = sum(-t.quantity[i] * t.price_pts[i] * 100 for i in marks)
    open_entry = sum(kept[e] for e in credit if e not in settled_expiries)
    # A condor still open at the end is marked: its P&L is its value now less its value at
    # entry (minus the credit) less the entry costs.
    expected = sum(kept[e] for e in settled_expiries) + open_entry + open_value
    assert result.summary.condor_pnl_usd == pytest.approx(expected, rel=1e-9)
    assert result.summary.hedge_pnl_usd == 0.0


def _held_on(result: ReplayResult, day: dt.date) -> list[Leg]:
    """Legs bought or sold before `day` and closed on or after it, from the trade log."""
    t = result.trades
    opened: dict[str, int] = {}
    meta: dict[str, tuple[str, str]] = {}
    closed: set[str] = set()
    for i in range(t.size):
        if t.date[i] < day and t.action[i] in ("buy", "sell") and t.leg[i] not in opened:
            opened[t.leg[i]] = t.quantity[i]
            meta[t.leg[i]] = (t.layer[i], t.leg[i])
        elif t.date[i] < day and t.leg[i] in opened:
            closed.add(t.leg[i])
    legs = []
    for name, qty in opened.items():
        if name in closed:
            continue
        parts = name.split()
        underlying = Underlying(parts[0])
        expiry = dt.date.fromisoformat(parts[1])
        strike = float(parts[2])
        right = Right.CALL if parts[-1] == "call" else Right.PUT
        legs.append(
            Leg(
                id=f"leg{len(legs)}",
                underlying=underlying,
                right=right,
                quantity=qty,
                strike=strike,
                expiry=expiry,
                group=Group(meta[name][0]),
            )
        )
    return legs


def test_single_crash_day_hedged_loss_is_condor_loss_minus_hedge_gain() -> None:
    n = 120
    spx = np.full(n, 4000.0)
    vix = np.full(n, 16.0)
    crash = 70
    spx[crash:] = 3600.0
    vix[crash:] = 40.0
    market = _market(spx, vix)
    plan = _plan(market)
    result = _run(plan, market, _daily_vix_calendar(market))
    day = dt.date.fromisoformat(str(market.dates[crash]))
    legs = tuple(_held_on(result, day))
    assert any(leg.group is Group.CONDOR for leg in legs)
    assert any(leg.group is not Group.CONDOR for leg in legs)
    before = evaluate(_plan(market, crash - 1, legs))
    after = evaluate(_plan(market, crash, legs))

    def change(groups: set[Group]) -> float:
        return sum(
            b.market_value_usd - a.market_value_usd
            for a, b in zip(before.legs, after.legs, strict=True)
            if a.group in groups
        )

    condor = change({Group.CONDOR})
    hedge = change({Group.NEAR, Group.MID, Group.TAIL})
    assert condor < 0 < hedge
    assert result.daily.condor_pnl_usd[crash] == pytest.approx(condor, rel=1e-9)
    assert result.daily.hedge_pnl_usd[crash] == pytest.approx(hedge, rel=1e-9)
    hedged = result.daily.condor_pnl_usd[crash] + result.daily.hedge_pnl_usd[crash]
    assert hedged == pytest.approx(condor + hedge, rel=1e-9)
    assert -hedged < -condor


def test_sweep_is_linear_in_contracts_and_zero_is_the_condor_alone() -> None:
    n = 300
    rng = np.random.default_rng(7)
    spx = 4000.0 * np.exp(np.cumsum(rng.normal(0, 0.01, n)))
    vix = np.clip(18.0 * np.exp(np.cumsum(rng.normal(0, 0.05, n))), 10, 80)
    market = _market(spx, vix)
    plan = _plan(market)
    result = _run(plan, market, _daily_vix_calendar(market), sweep_units=[0.0, 1.0, 2.0])
    zero, one, two = result.sweep
    assert zero.hedge_net_cost_pct_per_year == 0.0
    assert zero.hedged_max_drawdown_pct == pytest.approx(result.summary.condor_max_drawdown_pct)
    assert one.hedge_net_cost_pct_per_year == pytest.approx(
        result.summary.hedge_net_cost_pct_per_year, rel=1e-12
    )
    # Free trading and ratios 4/4/2: two units are exactly twice one unit's contracts.
    assert two.hedge_net_cost_pct_per_year == pytest.approx(
        2 * one.hedge_net_cost_pct_per_year, rel=1e-9
    )
    again = _run(plan, market, _daily_vix_calendar(market), sweep_units=[0.0, 1.0, 2.0])
    # Deterministic: the same inputs give identical outputs, bit for bit.
    assert again.trades == result.trades
    assert again.summary == result.summary and again.years == result.years
    for name in ("condor_pnl_usd", "hedge_pnl_usd", "hedged_equity_usd"):
        assert np.array_equal(getattr(again.daily, name), getattr(result.daily, name))


@pytest.fixture(scope="module")
def real_history():  # type: ignore[no-untyped-def]
    if not DATA.is_dir():
        pytest.skip("shared/data (real market history) is absent")
    return load_history(find_history_files(DATA), dt.date(2009, 1, 2), dt.date(2024, 12, 31))


def test_real_history_2009_2024_runs_and_mar_2020_hedge_cuts_the_loss(real_history) -> None:  # type: ignore[no-untyped-def]
    plan = load_plan(SAMPLE)
    result = replay_plan(plan, real_history, sweep=[0.0, 1.0])
    s = result.summary
    for value in (
        s.condor_cagr_pct,
        s.hedged_cagr_pct,
        s.condor_max_drawdown_pct,
        s.hedged_max_drawdown_pct,
        s.hedge_net_cost_pct_per_year,
        s.hedge_gross_premium_pct_per_year,
    ):
        assert np.isfinite(value)
    assert s.start == dt.date(2009, 1, 2) and s.end == dt.date(2024, 12, 31)
    assert 180 <= s.condors <= 200
    assert np.all(np.isfinite(result.daily.hedged_equity_usd))
    assert [y.year for y in result.years] == list(range(2009, 2025))
    march = next(e for e in result.episodes if e.name == "Feb-Mar 2020 episode")
    assert march.condor_pnl_usd < 0
    assert march.net_pnl_usd > march.condor_pnl_usd  # the hedged loss is smaller
    assert any("weekly VIX options" in note for note in result.notes)


@pytest.mark.parametrize("model", ["sample", "default"])
def test_real_replay_marks_equal_evaluate_of_that_day_s_plan(real_history, model: str) -> None:  # type: ignore[no-untyped-def]
    from planner.model.plan import ModelParams

    base = load_plan(SAMPLE)
    if model == "default":  # today's fitted smile (curvature, tenor and level terms)
        base = base.with_changes(model=ModelParams())
    plan = base.with_changes(programme=ProgrammeSettings(costs=FREE))
    market = real_history.market.window(np.datetime64("2019-06-01"), np.datetime64("2021-06-30"))
    first = dt.date.fromisoformat(str(market.dates[0]))
    last = dt.date.fromisoformat(str(market.dates[-1]))
    result = run_replay(
        plan, plan.programme, market, replay_calendar(first, last, CondorCadence.MONTHLY)
    )
    t = result.trades
    dates = market.dates.tolist()
    rng = np.random.default_rng(2024)
    # Random trades of both kinds, priced at the close (no half-spread): SPX condor legs and
    # VIX calls of every layer.
    condor = [i for i in range(t.size) if t.layer[i] == "condor" and t.action[i] != "settle"]
    hedge = [i for i in range(t.size) if t.layer[i] != "condor" and t.action[i] != "settle"]
    picks = np.concatenate(
        (rng.choice(condor, size=12, replace=False), rng.choice(hedge, size=12, replace=False))
    )
    checked = 0
    for i in picks.tolist():
        if t.action[i] == "settle":
            continue
        day = dates.index(t.date[i])
        parts = t.leg[i].split()
        leg = Leg(
            id="x",
            underlying=Underlying(parts[0]),
            right=Right.CALL if parts[-1] == "call" else Right.PUT,
            quantity=1,
            strike=float(parts[2]),
            expiry=dt.date.fromisoformat(parts[1]),
        )
        day_plan = _plan(market, day, (leg,)).with_changes(
            model=plan.model,
            market=_plan(market, day).market.with_changes(
                rate=plan.market.rate, dividend_yield=plan.market.dividend_yield
            ),
        )
        model_price = evaluate(day_plan).legs[0].model_price_pts
        assert t.price_pts[i] == pytest.approx(model_price, rel=1e-9, abs=1e-12), t.leg[i]
        checked += 1
    assert checked == 24


def test_curve_history_reads_each_day_as_its_own_futures_curve() -> None:
    from planner.engine.curve import CurveHistory, futures_curve

    rng = np.random.default_rng(11)
    days, m = 40, 6
    spot = rng.uniform(10, 60, days)
    knot_days = np.sort(rng.integers(1, 300, (days, m)), axis=1).astype(np.float64)
    knot_days += np.arange(m)[None, :]  # strictly increasing per day
    prices = rng.uniform(10, 60, (days, m))
    prices[rng.random((days, m)) < 0.2] = np.nan
    history = CurveHistory(spot=spot, knot_days=knot_days, knot_prices=prices)
    today = dt.date(2024, 1, 1)
    day = np.repeat(np.arange(days), 50)
    tau = rng.uniform(-5, 400, day.size)
    tau[::7] = knot_days[day[::7], 2]  # exactly on a knot
    got = history.future(day, tau)
    _, states = history.term_states()
    for d in range(days):
        points = [
            FuturePoint(expiry=today + dt.timedelta(days=int(k)), price=float(p))
            for k, p in zip(knot_days[d], prices[d], strict=True)
            if np.isfinite(p)
        ]
        curve = futures_curve(float(spot[d]), points, today)
        mine = day == d
        np.testing.assert_allclose(got[mine], curve.future(tau[mine]), rtol=1e-14, atol=0)
        assert states[d] == curve.term_structure().state


def test_monetise_sells_the_near_layer_on_the_signal_and_rebuys_when_it_clears() -> None:
    from planner.model.programme import MonetiseRule

    n = 150
    vix = np.full(n, 15.0)
    vix[60:80] = np.linspace(16.0, 45.0, 20)  # a steady climb: RSI(14) goes to 100
    vix[80:] = np.linspace(44.0, 15.0, n - 80)
    market = _market(np.full(n, 4000.0), vix)
    # Backwardation while VIX is high: every future 3 points under spot from day 62 to 100
    # (the near layer bought on day 60 is then still held).
    price = market.futures_price.copy()
    price[62:100] -= 3.0
    market = DailyMarket(market.dates, market.spx, market.vix, market.futures_expiry, price)
    plan = _plan(market)
    on = plan.with_changes(
        programme=plan.programme.with_changes(monetise=MonetiseRule(enabled=True))
    )
    calendar = _daily_vix_calendar(market)
    result = _run(on, market, calendar)
    plain = _run(plan, market, calendar)
    t = result.trades
    sold = [i for i in range(t.size) if t.reason[i].startswith("monetise")]
    assert sold and all(t.layer[i] == "near" for i in sold)
    assert not any(r.startswith("monetise") for r in plain.trades.reason)
    from planner.engine.curve import CurveHistory  # noqa: F401 - the signal's own inputs
    from planner.engine.replay import curve_history
    from planner.engine.signals import rsi_wilder

    _, term = curve_history(market).term_states()
    signal = (term == "backwardation") & np.nan_to_num(rsi_wilder(market.vix) > 70.0)
    dates = [dt.date.fromisoformat(str(d)) for d in market.dates]
    first_signal = dates[int(np.flatnonzero(signal)[0])]
    assert t.date[sold[0]] == first_signal
    # No near purchase on a signal close; the first close after it clears buys again.
    near_buys = [t.date[i] for i in range(t.size) if t.layer[i] == "near" and t.action[i] == "buy"]
    assert not any(signal[dates.index(d)] for d in near_buys)
    cleared = dates[int(np.flatnonzero(~signal & (np.arange(n) > dates.index(first_signal)))[0])]
    assert cleared in near_buys
    assert result.summary.hedge_pnl_usd != plain.summary.hedge_pnl_usd


def test_roll_deferral_holds_a_losing_condor_while_the_hedge_covers_it() -> None:
    from planner.model.plan import V4_MODEL_PARAMS
    from planner.model.programme import CondorProgramme, RollDeferral

    n = 120
    spx = np.full(n, 4000.0)
    vix = np.full(n, 16.0)
    spx[70:] = 3700.0
    vix[70:] = 38.0
    market = _market(spx, vix)
    # The scene is tuned to one smile's condor and hedge values (a stop one close before the
    # condor's expiry, deferred three closes): pin it, so a refit of the defaults keeps it.
    base = _plan(market).with_changes(model=V4_MODEL_PARAMS)
    stop = base.programme.with_changes(condor=CondorProgramme(stop_multiple=1.0))
    plan = base.with_changes(programme=stop)
    deferring = base.with_changes(
        programme=stop.with_changes(
            roll_deferral=RollDeferral(enabled=True, cover_pct=10.0, max_days=3)
        )
    )
    calendar = _daily_vix_calendar(market)
    plain = _run(plan, market, calendar)
    held = _run(deferring, market, calendar)

    def stops(result: ReplayResult) -> list[tuple[dt.date, str]]:
        t = result.trades
        return [(t.date[i], t.reason[i]) for i in range(t.size) if t.reason[i].startswith("stop")]

    first = stops(plain)
    later = stops(held)
    assert first and later
    assert first[0][0] == dt.date.fromisoformat(str(market.dates[70]))
    assert later[0][0] == first[0][0] + dt.timedelta(days=3)
    assert later[0][1] == "stop, deferred 3 closes"
    assert any("Roll deferral is on" in note for note in held.notes)


def _condor_exits(result: ReplayResult) -> dict[str, tuple[dt.date, str]]:
    """Each condor's (exit date, reason) by its expiry, from the short put's rows."""
    t = result.trades
    out = {}
    for i in range(t.size):
        if t.layer[i] == "condor" and "short put" in t.leg[i] and t.reason[i] != "entry":
            out[t.leg[i].split()[1]] = (t.date[i], t.reason[i])
    return out


def test_take_profit_and_days_left_exits_fire_on_the_first_close_they_hold() -> None:
    from planner.model.programme import CondorProgramme

    n = 300
    market = _market(np.full(n, 4000.0), np.full(n, 18.0))
    base = _plan(market).with_changes(allocation=_plan(market).allocation.with_changes(units=0))
    calendar = _daily_vix_calendar(market)
    dates = [dt.date.fromisoformat(str(d)) for d in market.dates]

    late = base.with_changes(
        programme=base.programme.with_changes(condor=CondorProgramme(close_days_left=21))
    )
    late_exits = _condor_exits(_run(late, market, calendar))
    assert sum(reason == "days left" for _, reason in late_exits.values()) >= 5
    for expiry, (day, reason) in late_exits.items():
        if reason == "end of range":
            continue
        assert reason == "days left"
        # Every calendar day is a close here, so the first close with <= 21 days has exactly 21.
        assert (dt.date.fromisoformat(expiry) - day).days == 21
        assert day in dates

    profit = base.with_changes(
        programme=base.programme.with_changes(condor=CondorProgramme(take_profit_pct=50))
    )
    result = _run(profit, market, calendar)
    exits = _condor_exits(result)
    assert {reason for _, reason in exits.values()} <= {"take profit", "end of range"}
    assert sum(reason == "take profit" for _, reason in exits.values()) >= 5
    # At the exit close the condor is worth at most half its entry value (costs are zero).
    t = result.trades
    for expiry, (_day, reason) in exits.items():
        if reason != "take profit":
            continue
        legs = [i for i in range(t.size) if t.leg[i].startswith(f"SPX {expiry} ")]
        entry = sum(-t.quantity[i] * t.price_pts[i] for i in legs if t.reason[i] == "entry")
        close = sum(t.quantity[i] * t.price_pts[i] for i in legs if t.reason[i] == "take profit")
        assert entry > 0
        assert entry - close >= 0.5 * entry - 1e-9  # P&L at the close reached 50 % of credit


def test_weekly_cadence_and_wing_delta_place_every_friday_condor() -> None:
    from planner.engine.replay_types import CondorCadence as Cadence
    from planner.engine.replay_types import WingRule
    from planner.model.programme import CondorProgramme

    n = 200
    market = _market(np.full(n, 4000.0), np.full(n, 18.0))
    base = _plan(market)
    plan = base.with_changes(
        programme=base.programme.with_changes(
            condor=CondorProgramme(
                cadence=Cadence.WEEKLY, wing_rule=WingRule.DELTA, wing_delta=0.04
            )
        )
    )
    first = dt.date.fromisoformat(str(market.dates[0]))
    last = dt.date.fromisoformat(str(market.dates[-1]))
    calendar = _daily_vix_calendar(market)
    weekly = replay_calendar(first, last, Cadence.WEEKLY)
    calendar = ReplayCalendar(
        weekly.condor_expiries,
        calendar.vix_expiries,
        calendar.vix_is_weekly,
        calendar.weekly_vix_listed_from,
    )
    result = _run(plan, market, calendar)
    t = result.trades
    entries = {t.leg[i].split()[1] for i in range(t.size) if t.reason[i] == "entry"}
    assert len(entries) == result.summary.condors >= 20
    assert all(dt.date.fromisoformat(e).weekday() in (3, 4) for e in entries)
    for expiry in entries:
        strikes = sorted(
            float(t.leg[i].split()[2])
            for i in range(t.size)
            if t.leg[i].startswith(f"SPX {expiry} ") and t.reason[i] == "entry"
        )
        long_put, short_put, short_call, long_call = strikes
        assert long_put < short_put < 4000 < short_call < long_call


def test_progress_hook_hears_rising_fractions_and_can_cancel_the_run() -> None:
    """The worker's hook: fractions rise to 1 and the result equals a run without the hook;
    raising ReplayCancelled from it stops the run there."""
    from planner.engine.replay import ReplayCancelled

    n = 200
    market = _market(np.linspace(4000.0, 3800.0, n), np.linspace(18.0, 24.0, n))
    plan = _plan(market)
    calendar = _daily_vix_calendar(market)
    heard: list[float] = []
    with_hook = _run(plan, market, calendar, progress=heard.append)
    assert heard and heard == sorted(heard) and heard[-1] == pytest.approx(1.0)
    assert all(0.0 <= f <= 1.0 for f in heard)
    plain = _run(plan, market, calendar)
    assert with_hook.summary == plain.summary

    calls: list[float] = []

    def cancel(fraction: float) -> None:
        calls.append(fraction)
        raise ReplayCancelled

    with pytest.raises(ReplayCancelled):
        _run(plan, market, calendar, progress=cancel)
    assert len(calls) == 1


def test_a_year_opening_with_no_equity_has_no_return_and_the_notes_say_so() -> None:
    """A crash that costs more than the capital: the following year's return is None (not a
    ratio of two negative numbers) and the notes name the day the capital was gone."""
    n = 520
    spx = np.full(n, 4000.0)
    spx[30:] = 2400.0  # -40 % on one day, held: every short put is deep in the money
    market = _market(spx, np.full(n, 20.0))
    plan = _plan(market)
    from planner.engine.replay_types import CondorSizing

    condor = plan.programme.condor.with_changes(sizing=CondorSizing.FIXED, fixed_lots=1)
    plan = plan.with_changes(
        capital_usd=2_000.0, programme=plan.programme.with_changes(condor=condor)
    )
    result = _run(plan, market, _daily_vix_calendar(market))
    equity = result.daily.hedged_equity_usd
    assert equity.min() <= 0, "the synthetic crash must exhaust the capital"
    broke_day = result.daily.dates[int(np.flatnonzero(equity <= 0)[0])]
    assert any(broke_day.isoformat() in note for note in result.notes)
    years_of_day = [d.year for d in result.daily.dates]
    checked = 0
    for row in result.years:
        first = years_of_day.index(row.year)
        if first > 0 and equity[first - 1] <= 0:
            assert row.return_pct is None
            checked += 1
        elif first > 0:
            assert row.return_pct is not None
    assert checked >= 1
