"""`evaluate(plan)`: consistency with hand-checked payoffs, finite differences and edge cases."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math

import numpy as np
import pytest

from planner.engine import EngineInputError, evaluate
from planner.engine.evaluate import plan_market
from planner.engine.kernel import leg_values, scenario_points
from planner.engine.leg_book import build_leg_book
from planner.engine.report import Report
from planner.engine.spot_vol_map import map_vix
from planner.engine.types import Group, Right
from planner.model.plan import FuturePoint, Plan
from planner.model.report_io import report_to_dict

from .conftest import CONDOR, CONDOR_EXPIRY, HEDGE, VALUATION, make_plan, spx_leg, vix_call


def _all_finite(report: Report) -> None:
    def walk(value: object) -> None:
        if isinstance(value, float):
            assert math.isfinite(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    # report_to_dict turns non-finite floats into None: so compare with a direct walk of arrays.
    for field in dataclasses.fields(report):
        value = getattr(report, field.name)
        if dataclasses.is_dataclass(value):
            for f in dataclasses.fields(value):
                inner = getattr(value, f.name)
                if isinstance(inner, np.ndarray):
                    assert np.all(np.isfinite(inner)), f"{field.name}.{f.name} has NaN/inf"
    walk(json.loads(json.dumps(report_to_dict(report))))


def test_curves_cover_a_crash_and_have_the_requested_shape(plan: Plan) -> None:
    report = evaluate(plan)
    curves = report.curves
    assert curves.spx.size == 801
    assert curves.combined_usd.shape == (3, 801)
    assert curves.move_pct[0] == pytest.approx(-25.0)
    assert curves.move_pct[-1] == pytest.approx(15.0)
    days_to_condor_expiry = (CONDOR_EXPIRY - VALUATION).days
    assert curves.horizons_days == (0, days_to_condor_expiry // 2, days_to_condor_expiry)
    assert report.heat.pnl_usd.shape == (41, 61)
    np.testing.assert_allclose(
        curves.combined_usd, curves.condor_usd + curves.hedge_usd, rtol=0, atol=1e-6
    )
    _all_finite(report)


def test_condor_payoff_at_expiry_is_its_intrinsic_value_less_entry(plan: Plan) -> None:
    report = evaluate(plan)
    spx = report.curves.spx
    expected = np.zeros_like(spx)
    for leg in CONDOR:
        intrinsic = (
            np.maximum(spx - leg.strike, 0)
            if leg.right is Right.CALL
            else np.maximum(leg.strike - spx, 0)
        )
        assert leg.entry_price is not None
        expected += leg.quantity * 100 * (intrinsic - leg.entry_price)
    np.testing.assert_allclose(report.curves.condor_usd[2], expected, atol=1e-6)

    credit_usd = 5 * 100 * (11.40 - 9.10 + 6.20 - 4.30)
    assert report.condor_max_profit_usd == pytest.approx(credit_usd)
    assert report.condor_max_loss_usd == pytest.approx(credit_usd - 5 * 100 * 50)


def test_break_evens_of_a_bare_condor_at_expiry() -> None:
    report = evaluate(make_plan(legs=CONDOR))
    credit_pts = 11.40 - 9.10 + 6.20 - 4.30
    at_expiry = sorted(
        b.spx for b in report.break_evens if b.horizon_days == report.curves.horizons_days[2]
    )
    assert at_expiry == pytest.approx([6950 - credit_pts, 7840 + credit_pts], abs=0.05)
    for be in report.break_evens:
        assert be.vix == pytest.approx(
            float(map_vix(be.spx, 7450.0, 16.4, make_plan().model.typical, 9.0)), abs=0.05
        )
    assert report.net_credit_usd == pytest.approx(credit_pts * 500)
    assert report.hedge_cost.premium_usd == 0
    assert Group.CONDOR in report.groups and Group.NEAR not in report.groups


def test_t0_curve_at_spot_is_todays_open_pnl(plan: Plan) -> None:
    report = evaluate(plan.with_changes(view={"price_points": 801}))
    spot_index = int(np.argmin(np.abs(report.curves.move_pct)))
    assert report.curves.move_pct[spot_index] == pytest.approx(0.0, abs=1e-9)
    assert report.curves.combined_usd[0, spot_index] == pytest.approx(
        report.total.pnl_usd, abs=1e-6
    )


def test_heat_map_on_the_map_line_matches_the_horizon_curve(plan: Plan) -> None:
    """Setting the heat map's VIX range to exactly one map level must reproduce the curve."""
    report = evaluate(plan)
    i = 200  # a price on the curve grid: -15 %
    spx, vix = report.curves.spx[i], report.curves.vix[i]
    one_level = plan.with_changes(
        view={
            **plan.view.model_dump(),
            "heat_vix_min": vix - 1.0,
            "heat_vix_max": vix + 1.0,
            "heat_vix_points": 5,
            "heat_price_points": 801,
        }
    )
    heat = evaluate(one_level).heat
    assert heat.vix[2] == pytest.approx(vix)
    assert heat.spx[i] == pytest.approx(spx)
    assert heat.pnl_usd[2, i] == pytest.approx(report.curves.combined_usd[1, i], rel=1e-9)


def _position_value(plan: Plan, spx: float, vix: float, days: float) -> float:
    market = plan_market(plan)
    book = build_leg_book(plan.legs, market)
    values = leg_values(book, scenario_points(spx, vix, days, plan.model.typical), market)
    return float((book.quantity * 100 @ values)[0])


def test_dollar_greeks_match_finite_differences_of_the_scenario_engine(plan: Plan) -> None:
    report = evaluate(plan)
    s0, v0 = plan.market.spx, plan.market.vix
    eps_s, eps_v = 0.5, 0.01
    up = _position_value(plan, s0 + eps_s, v0, 0)
    down = _position_value(plan, s0 - eps_s, v0, 0)
    fd_delta = (up - down) / (2 * eps_s)
    assert report.total.spx_delta_usd == pytest.approx(fd_delta, rel=1e-4)

    fd_vix = (
        _position_value(plan, s0, v0 + eps_v, 0) - _position_value(plan, s0, v0 - eps_v, 0)
    ) / (2 * eps_v)
    assert report.total.vix_delta_usd == pytest.approx(fd_vix, rel=2e-3)

    # SPX-equivalent delta: a small fall with VIX following the map (k_down).
    k = plan.model.typical.k_down
    ds = 0.5
    v_after = v0 + k * 100 * ds / s0
    fd_equiv = (_position_value(plan, s0, v0, 0) - _position_value(plan, s0 - ds, v_after, 0)) / ds
    assert report.total.spx_equiv_delta_usd == pytest.approx(fd_equiv, rel=5e-3)

    one_day = _position_value(plan, s0, v0, 1) - _position_value(plan, s0, v0, 0)
    assert report.groups[Group.CONDOR].theta_usd == pytest.approx(
        sum(r.theta_usd for r in report.legs if r.group is Group.CONDOR)
    )
    condor_only = make_plan(legs=CONDOR)
    condor_day = _position_value(condor_only, s0, v0, 1) - _position_value(condor_only, s0, v0, 0)
    assert evaluate(condor_only).total.theta_usd == pytest.approx(condor_day, rel=0.05)
    assert one_day != 0.0


def test_hedge_carry_is_the_hedge_pnl_over_30_days_unchanged(plan: Plan) -> None:
    report = evaluate(plan)
    hedge_only = make_plan(legs=HEDGE)
    expected = _position_value(hedge_only, 7450.0, 16.4, 30) - _position_value(
        hedge_only, 7450.0, 16.4, 0
    )
    hc = report.hedge_cost
    assert hc.carry_30d_usd == pytest.approx(expected, rel=1e-9)
    assert hc.carry_annual_usd == pytest.approx(expected * 365 / 30)
    assert hc.carry_annual_pct_capital == pytest.approx(100 * expected * 365 / 30 / 250_000)
    assert hc.carry_30d_usd < 0  # long calls lose in a quiet month
    premium = sum(
        r.entry_price_pts * r.quantity * 100 for r in report.legs if r.group is not Group.CONDOR
    )
    assert hc.premium_usd == pytest.approx(premium)


def test_carry_costs_more_in_contango_than_on_a_flat_curve(plan: Plan) -> None:
    contango = evaluate(plan).hedge_cost.carry_30d_usd
    flat_futures = tuple(FuturePoint(expiry=p.expiry, price=16.4) for p in plan.market.futures)
    flat = evaluate(make_plan(futures=flat_futures)).hedge_cost.carry_30d_usd
    assert contango < flat


def test_stress_rows_and_loss_cut(plan: Plan) -> None:
    report = evaluate(plan)
    rows = {r.name: r for r in report.stress}
    crash = rows["SPX -5 %"]
    assert crash.spx == pytest.approx(7450 * 0.95)
    assert crash.vix == pytest.approx(16.4 + 2.8 * 5)  # stress preset
    assert crash.net_pnl_usd == pytest.approx(
        crash.condor_pnl_usd + crash.hedge_pnl_usd + crash.other_pnl_usd
    )
    assert crash.condor_pnl_usd < 0 < crash.hedge_pnl_usd
    assert crash.loss_cut == pytest.approx(1 - crash.net_pnl_usd / crash.condor_pnl_usd)
    assert sum(crash.layer_pnl_usd.values()) == pytest.approx(crash.hedge_pnl_usd)
    assert rows["Aug 24 2015"].vix == pytest.approx(16.4 + 27.7)
    assert rows["VIX 40"].vix == pytest.approx(40.0)
    rally = rows["SPX +5 %"]
    if rally.condor_pnl_usd >= 0:
        assert rally.loss_cut is None
    # A fast one-day shock pays the near layer (5 days left) more per contract than the tail.
    near = crash.layer_pnl_usd[Group.NEAR] / 4
    tail = crash.layer_pnl_usd[Group.TAIL] / 2
    assert near > tail


def test_expired_hedge_settles_at_intrinsic_at_scenario_vix(plan: Plan) -> None:
    """The near layer expires in 5 days: at a 30-day horizon it is worth max(V - K, 0)."""
    near = HEDGE[0]
    report_plan = make_plan(legs=(near,))
    value_high = _position_value(report_plan, 7450.0, 30.0, 30)
    assert value_high == pytest.approx(4 * 100 * (30.0 - 18.0))
    assert _position_value(report_plan, 7450.0, 16.0, 30) == pytest.approx(0.0)


def test_edge_cases_give_defined_values() -> None:
    empty = evaluate(make_plan(legs=()))
    assert np.all(empty.curves.combined_usd == 0)
    assert empty.condor_max_profit_usd is None and empty.condor_max_loss_usd is None
    assert any("no live legs" in w for w in empty.warnings)
    _all_finite(empty)

    hedge_only = evaluate(make_plan(legs=HEDGE))
    assert hedge_only.condor_max_loss_usd is None
    assert all(r.loss_cut is None for r in hedge_only.stress)
    _all_finite(hedge_only)

    low_vix = evaluate(make_plan(vix=8.0, futures=()))
    assert any("below the spot-vol map's floor" in w for w in low_vix.warnings)
    assert any("flat" in w for w in low_vix.warnings)
    _all_finite(low_vix)

    one_point = evaluate(
        make_plan(futures=(FuturePoint(expiry=dt.date(2026, 12, 16), price=17.6),))
    )
    assert one_point.term_structure.state == "contango"
    _all_finite(one_point)

    expired = spx_leg(
        "old_put", Right.PUT, 1, 7000.0, expiry=dt.date(2026, 11, 13), group=Group.OTHER
    )
    with_expired = evaluate(make_plan(legs=(*CONDOR, expired)))
    assert "old_put" not in {r.id for r in with_expired.legs}
    assert any("old_put" in w for w in with_expired.warnings)

    today = spx_leg("today_call", Right.CALL, 1, 7400.0, expiry=VALUATION, group=Group.OTHER)
    expiring = evaluate(make_plan(legs=(today,)))
    assert expiring.legs[0].model_price_pts == pytest.approx(50.0)
    assert expiring.legs[0].years_to_expiry == 0.0


def test_unbounded_condor_reports_no_max_loss() -> None:
    naked = (spx_leg("short_call", Right.CALL, -1, 7800.0, entry=5.0),)
    report = evaluate(make_plan(legs=naked))
    assert report.condor_max_loss_usd is None
    assert report.condor_max_profit_usd == pytest.approx(500.0)


def test_vix_legs_use_black76_on_the_interpolated_future(plan: Plan) -> None:
    report = evaluate(plan)
    mid = next(r for r in report.legs if r.id == "mid_call")
    # Dec 30 is 40 days out: between Dec 16 (26d, 17.6) and Jan 20 (61d, 18.3).
    assert mid.forward == pytest.approx(17.6 + 0.7 * 14 / 35)
    assert mid.iv == pytest.approx(
        0.9 * (40 / 30) ** -0.35 * (1 + 0.25 * math.log(22.0 / mid.forward))
    )
    t = 40 / 365
    d1 = (math.log(mid.forward / 22.0) + 0.5 * mid.iv**2 * t) / (mid.iv * math.sqrt(t))
    d2 = d1 - mid.iv * math.sqrt(t)
    n = lambda x: 0.5 * math.erfc(-x / math.sqrt(2))  # noqa: E731
    expected = math.exp(-0.04 * t) * (mid.forward * n(d1) - 22.0 * n(d2))
    assert mid.model_price_pts == pytest.approx(expected, rel=1e-10)


def test_user_iv_overrides_the_surface() -> None:
    leg = spx_leg("p", Right.PUT, -1, 7000.0, iv=0.30, group=Group.OTHER)
    report = evaluate(make_plan(legs=(leg,)))
    assert report.legs[0].iv == pytest.approx(0.30)
    vix_leg = vix_call("v", Group.TAIL, 1, 25.0, dt.date(2027, 2, 17), iv=1.2)
    assert evaluate(make_plan(legs=(vix_leg,))).legs[0].iv == pytest.approx(1.2)


def test_bad_market_input_is_refused_with_a_message() -> None:
    class BadMarket:
        spx = -1.0
        rate = 0.04
        dividend_yield = 0.01
        vix = 16.0
        vix9d = None
        futures = ()

    plan = make_plan()

    class BadPlan:
        name = plan.name
        valuation_date = plan.valuation_date
        capital_usd = plan.capital_usd
        market = BadMarket()
        model = plan.model
        legs = plan.legs
        stress = plan.stress
        view = plan.view
        allocation = plan.allocation
        listed_vix_expiries = plan.listed_vix_expiries

    with pytest.raises(EngineInputError, match="SPX must be a positive number"):
        evaluate(BadPlan())  # type: ignore[arg-type]
