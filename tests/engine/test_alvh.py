"""ALVH layer engine: expiries, strikes, counts, sizing, regime bands, offset, maintenance cost."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import numpy as np
import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from planner.engine.alvh import band_index, band_label
from planner.engine.evaluate import evaluate
from planner.engine.pricing import black76, black76_price
from planner.engine.report import AlvhReport
from planner.engine.strikes import vix_strike_grid
from planner.engine.types import Group, RegimeRule, SizingMode, StrikeRule
from planner.engine.vol import vix_option_vol
from planner.model.allocation import (
    ALVH_REGIME,
    NO_REGIME,
    VXTH_REGIME,
    AllocationSettings,
    LayerSettings,
    OffsetSettings,
    RegimeSettings,
)
from planner.model.plan import FuturePoint, Plan
from planner.model.report_io import report_to_dict
from planner.present.report_text import report_to_text
from tests.engine.conftest import CONDOR, FUTURES, VALUATION, make_plan

CAPITAL = 250_000.0


def alloc_plan(
    vix: float = 16.4,
    futures: tuple[FuturePoint, ...] = FUTURES,
    valuation_shift_days: int = 0,
    **settings: Any,
) -> Plan:
    settings.setdefault("regime", NO_REGIME)
    plan = make_plan(legs=CONDOR, vix=vix, futures=futures)
    if valuation_shift_days:
        plan = plan.with_changes(valuation_date=VALUATION + dt.timedelta(days=valuation_shift_days))
    return plan.with_changes(allocation=AllocationSettings(**settings))


def alvh(plan: Plan) -> AlvhReport:
    report = evaluate(plan).alvh
    assert report is not None
    return report


def layer(report: AlvhReport, group: Group) -> Any:
    return next(x for x in report.layers if x.group is group)


def counts(report: AlvhReport) -> tuple[int, ...]:
    return tuple(x.contracts for x in report.layers)


# --- expiries -----------------------------------------------------------------------------------


def test_layer_expiries_are_listed_dates_nearest_the_window_middle() -> None:
    report = alvh(alloc_plan())
    # 2026-11-20: the 25 Nov weekly settles Tue 24 Nov (Christmas falls 30 days after the
    # Wednesday), 4 days out; mid 30-45 days: 23 Dec (33 d) vs 30 Dec (40 d) around 37.5 ->
    # 30 Dec; tail 60-120: 20 Jan (61), 17 Feb (89), 17 Mar (117) around 90 -> 17 Feb 2027.
    assert layer(report, Group.NEAR).expiry == dt.date(2026, 11, 24)
    assert layer(report, Group.MID).expiry == dt.date(2026, 12, 30)
    assert layer(report, Group.TAIL).expiry == dt.date(2027, 2, 17)
    for x in report.layers[:3]:
        assert x.min_days <= x.days_to_expiry <= x.max_days


def test_an_empty_window_is_reported_not_replaced() -> None:
    # Monday 23 Nov 2026: the next expiries are 1 day (24 Nov) and 8 days (1 Dec) out.
    report = alvh(alloc_plan(valuation_shift_days=3))
    near = layer(report, Group.NEAR)
    assert not near.placed and near.expiry is None and near.contracts == 0
    assert any("near layer" in m and "4–7 days" in m for m in report.messages)
    assert all(leg.group is not Group.NEAR for leg in report.legs)
    assert layer(report, Group.MID).placed


# --- strikes ------------------------------------------------------------------------------------


def test_delta_strike_is_the_listed_strike_with_the_nearest_delta() -> None:
    plan = alloc_plan()
    report = alvh(plan)
    model = plan.model
    grid = vix_strike_grid(5, 200)
    for x, target in zip(report.layers[:3], (0.35, 0.25, 0.12), strict=True):
        tau = float(x.days_to_expiry)
        vol = np.maximum(
            vix_option_vol(
                tau, grid, x.forward, model.vov30, model.vov_term_exponent, model.vov_skew, 0.10
            ),
            0.10,
        )
        deltas = black76(True, x.forward, grid, tau / 365.0, plan.market.rate, vol).delta
        assert x.strike == grid[np.argmin(np.abs(deltas - target))]
        chosen = grid == x.strike
        assert x.delta == pytest.approx(float(deltas[chosen][0]), rel=1e-9)
        # The neighbours on the listed grid are no nearer the target.
        i = int(np.flatnonzero(chosen)[0])
        for j in (i - 1, i + 1):
            assert abs(deltas[j] - target) >= abs(x.delta - target)


@pytest.mark.parametrize(
    ("rule", "value", "expected"),
    [
        (StrikeRule.FIXED, 22.3, 22.0),
        (StrikeRule.FIXED, 14.3, 14.5),
        (StrikeRule.FIXED, 14.2, 14.0),
        (StrikeRule.FIXED, 14.8, 15.0),
    ],
)
def test_fixed_strikes_snap_to_listed_vix_strikes(
    rule: StrikeRule, value: float, expected: float
) -> None:
    mid = LayerSettings(ratio=4, min_days=30, max_days=45, strike_rule=rule, strike_value=value)
    assert layer(alvh(alloc_plan(mid=mid)), Group.MID).strike == expected


def test_points_above_the_future_snap_to_listed_strikes() -> None:
    mid = LayerSettings(
        ratio=4, min_days=30, max_days=45, strike_rule=StrikeRule.POINTS, strike_value=3.3
    )
    x = layer(alvh(alloc_plan(mid=mid)), Group.MID)
    # 30 Dec 2026 is 40 days out: F = 17.6 + (18.3 - 17.6) * (40 - 26) / (61 - 26) = 17.88.
    assert x.forward == pytest.approx(17.88)
    assert x.strike == 21.0  # 21.18 -> 21 (whole points above 15)


# --- counts and sizing --------------------------------------------------------------------------


@pytest.mark.parametrize("units", [1, 2, 3])
def test_four_four_two_per_unit(units: int) -> None:
    report = alvh(alloc_plan(units=units))
    assert counts(report) == (4 * units, 4 * units, 2 * units, 0)
    assert report.totals.contracts_long == 10 * units
    assert {leg.group: leg.quantity for leg in report.legs} == {
        Group.NEAR: 4 * units,
        Group.MID: 4 * units,
        Group.TAIL: 2 * units,
    }


def test_figures_are_linear_in_contracts_and_add_up() -> None:
    one, three = alvh(alloc_plan(units=1)), alvh(alloc_plan(units=3))
    assert three.totals.premium_usd == pytest.approx(3 * one.totals.premium_usd)
    assert three.totals.maintenance_cost_usd_per_year == pytest.approx(
        3 * one.totals.maintenance_cost_usd_per_year
    )
    assert one.totals.premium_usd == pytest.approx(sum(x.premium_usd for x in one.layers))
    for x in one.layers[:3]:
        assert x.premium_usd == pytest.approx(x.contracts * x.price_pts * 100)


def test_budget_mode_buys_the_largest_whole_size_within_budget() -> None:
    unit = alvh(alloc_plan()).sizing.unit_maintenance_usd_per_year
    budget_pct = 100 * 2.5 * unit / CAPITAL
    report = alvh(alloc_plan(sizing=SizingMode.BUDGET, budget_pct_capital=budget_pct))
    assert report.sizing.base_units == 2 and report.sizing.feasible
    assert report.totals.maintenance_cost_usd_per_year <= budget_pct / 100 * CAPITAL
    assert 3 * unit > budget_pct / 100 * CAPITAL


def test_budget_mode_says_when_not_one_unit_fits() -> None:
    report = alvh(alloc_plan(sizing=SizingMode.BUDGET, budget_pct_capital=0.01))
    assert report.sizing.base_units == 0 and not report.sizing.feasible
    assert "not even one unit" in report.sizing.reason
    assert report.legs == ()


def test_budget_mode_stops_at_the_cap() -> None:
    report = alvh(alloc_plan(sizing=SizingMode.BUDGET, budget_pct_capital=100, max_units=5))
    assert report.sizing.base_units == 5
    assert "cap" in report.sizing.reason


def test_protection_mode_finds_the_cheapest_size_meeting_the_target() -> None:
    target = 60.0
    report = alvh(
        alloc_plan(
            sizing=SizingMode.PROTECTION, target_scenario="aug 24 2015", target_loss_cut_pct=target
        )
    )
    units = report.sizing.base_units
    assert report.sizing.feasible and units >= 1
    row = next(r for r in report.stress if r.name == "Aug 24 2015")
    assert row.loss_cut is not None and row.loss_cut >= target / 100
    # One unit fewer falls short: checked through the plain units mode.
    fewer = alvh(alloc_plan(units=units - 1))
    row_fewer = next(r for r in fewer.stress if r.name == "Aug 24 2015")
    assert row_fewer.loss_cut is not None and row_fewer.loss_cut < target / 100


def test_protection_mode_reports_an_impossible_target() -> None:
    # SPX +5 %: VIX falls, every VIX call loses, no size cuts the condor's loss.
    report = alvh(
        alloc_plan(
            sizing=SizingMode.PROTECTION,
            target_scenario="SPX +5 %",
            target_loss_cut_pct=10,
            max_units=20,
        )
    )
    assert not report.sizing.feasible and report.sizing.base_units == 0
    assert report.sizing.reason.startswith("No size up to 20 units cuts the loss of 'SPX +5 %'")


def test_protection_mode_names_an_unknown_scenario() -> None:
    report = alvh(alloc_plan(sizing=SizingMode.PROTECTION, target_scenario="Black Monday"))
    assert not report.sizing.feasible
    assert "No stress scenario is named 'Black Monday'" in report.sizing.reason


# --- regime bands -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("vix", "label", "value", "hold"),
    [
        (15.99, "< 16", 0.5, False),
        (16.0, "16–20", 1.0, False),
        (19.99, "16–20", 1.0, False),
        (20.0, "20–25", 1.5, False),
        (25.0, "25–30", 2.0, False),
        (29.99, "25–30", 2.0, False),
        (30.0, "≥ 30", 1.0, True),
    ],
)
def test_alvh_band_edges(vix: float, label: str, value: float, hold: bool) -> None:
    i = band_index(ALVH_REGIME, vix)
    assert band_label(ALVH_REGIME, i) == label
    assert ALVH_REGIME.bands[i].value == value
    assert ALVH_REGIME.bands[i].hold is hold


@pytest.mark.parametrize(
    ("future", "pct"),
    [(10.0, 0.0), (15.0, 0.0), (15.01, 1.0), (30.0, 1.0), (30.01, 0.5), (50.0, 0.5), (50.5, 0.0)],
)
def test_vxth_schedule(future: float, pct: float) -> None:
    assert VXTH_REGIME.bands[band_index(VXTH_REGIME, future)].value == pct


@pytest.mark.parametrize(
    ("vix", "expected"), [(14.0, (2, 2, 1, 0)), (16.0, (4, 4, 2, 0)), (22.0, (6, 6, 3, 0))]
)
def test_alvh_multiplier_scales_the_contracts(vix: float, expected: tuple[int, ...]) -> None:
    report = alvh(alloc_plan(vix=vix, regime=ALVH_REGIME))
    assert counts(report) == expected
    assert report.regime.rule is RegimeRule.MULTIPLIER
    assert f"VIX {vix:.2f} is in the ALVH band" in report.regime.reason


def test_alvh_hold_band_keeps_the_unscaled_size_and_says_why() -> None:
    report = alvh(alloc_plan(vix=32.0, regime=ALVH_REGIME))
    assert report.regime.hold and counts(report) == (4, 4, 2, 0)
    assert "hold" in report.regime.reason and "monetis" in report.regime.reason


def test_vxth_spends_its_band_premium() -> None:
    # Front future 17.6 -> the 15-30 band -> 1 % of capital = $2,500 of premium today.
    report = alvh(alloc_plan(regime=VXTH_REGIME, units=1))
    unit = report.sizing.unit_premium_usd
    units = int(report.sizing.units)
    assert report.regime.level == 17.6 and report.regime.band_value == 1.0
    assert units * unit <= 2_500 < (units + 1) * unit
    assert report.totals.premium_usd == pytest.approx(units * unit)


def test_custom_band_table_is_used() -> None:
    table = RegimeSettings.model_validate(
        {
            "name": "mine",
            "rule": "multiplier",
            "bands": [{"upper": 16.4, "value": 3}, {"upper": None, "value": 0.5}],
        }
    )
    # [lower, upper): 16.4 belongs to the second band.
    assert counts(alvh(alloc_plan(regime=table, units=2))) == (4, 4, 2, 0)


# --- theta offset -------------------------------------------------------------------------------


def test_offset_trims_cost_and_gives_up_protection_in_a_spike() -> None:
    offset = OffsetSettings(enabled=True, ratio=1.0, min_days=30, max_days=45, strike_value=0.05)
    without = alvh(alloc_plan(units=2))
    with_offset = alvh(alloc_plan(units=2, offset=offset))
    off = layer(with_offset, Group.OFFSET)
    assert off.contracts == -4  # one short call per tail contract
    assert off.strike > layer(with_offset, Group.TAIL).strike
    assert off.premium_usd < 0 and with_offset.offset_premium_recovered_usd_per_year > 0
    assert with_offset.totals.maintenance_cost_usd_per_year == pytest.approx(
        without.totals.maintenance_cost_usd_per_year
        - with_offset.offset_premium_recovered_usd_per_year
    )
    spike = next(r for r in with_offset.stress if r.name == "VIX 40")
    spike_without = next(r for r in without.stress if r.name == "VIX 40")
    assert spike.layer_pnl_usd[Group.OFFSET] < 0
    assert spike.hedge_pnl_usd < spike_without.hedge_pnl_usd
    assert spike.loss_cut is not None and spike.loss_cut_without_offset is not None
    assert spike.loss_cut < spike.loss_cut_without_offset
    assert spike.loss_cut_without_offset == pytest.approx(spike_without.loss_cut)


# --- maintenance cost ---------------------------------------------------------------------------


def test_maintenance_roll_cost_is_buy_at_max_days_minus_sell_at_min_days() -> None:
    tail = LayerSettings(
        ratio=2, min_days=60, max_days=120, strike_rule=StrikeRule.FIXED, strike_value=25
    )
    plan = alloc_plan(tail=tail)
    x = layer(alvh(plan), Group.TAIL)
    m = plan.model

    def price(days: float, fwd: float) -> float:
        vol = max(
            float(vix_option_vol(days, 25.0, fwd, m.vov30, m.vov_term_exponent, m.vov_skew, 0.1)),
            0.1,
        )
        return float(black76_price(True, fwd, 25.0, days / 365.0, plan.market.rate, vol))

    # Curve knots (days, price): (0, 16.4), (26, 17.6), (61, 18.3), (89, 18.9), (117, 19.4),
    # flat after: F(120) = 19.4, F(60) = 17.6 + 0.7 * 34 / 35.
    f60 = 17.6 + 0.7 * 34 / 35
    expected = price(120, 19.4) - price(60, f60)
    assert x.roll_cost_pts == pytest.approx(expected, rel=1e-9)
    assert x.rolls_per_year == pytest.approx(365 / 60)
    assert x.maintenance_cost_usd_per_year == pytest.approx(2 * 100 * expected * 365 / 60)


def test_maintenance_costs_more_in_contango_than_on_a_flat_curve() -> None:
    flat = tuple(FuturePoint(expiry=p.expiry, price=16.4) for p in FUTURES)
    fixed = {
        "near": LayerSettings(
            ratio=4, min_days=4, max_days=7, strike_rule=StrikeRule.FIXED, strike_value=19
        ),
        "mid": LayerSettings(
            ratio=4, min_days=30, max_days=45, strike_rule=StrikeRule.FIXED, strike_value=22
        ),
        "tail": LayerSettings(
            ratio=2, min_days=60, max_days=120, strike_rule=StrikeRule.FIXED, strike_value=26
        ),
    }
    contango = alvh(alloc_plan(**fixed))
    level = alvh(alloc_plan(futures=flat, **fixed))
    for group in (Group.MID, Group.TAIL):
        assert (
            layer(contango, group).maintenance_cost_usd_per_year
            > layer(level, group).maintenance_cost_usd_per_year
        )
    assert (
        contango.totals.maintenance_cost_usd_per_year > level.totals.maintenance_cost_usd_per_year
    )
    # Default (delta) strikes too.
    assert (
        alvh(alloc_plan()).totals.maintenance_cost_usd_per_year
        > alvh(alloc_plan(futures=flat)).totals.maintenance_cost_usd_per_year
    )


# --- stress by layer ----------------------------------------------------------------------------


def test_stress_rows_match_evaluate_with_the_proposed_legs_applied() -> None:
    from planner.model.hedge_legs import apply_proposal

    plan = alloc_plan(units=2)
    proposal = alvh(plan)
    applied = evaluate(apply_proposal(plan, proposal))
    for mine, theirs in zip(proposal.stress, applied.stress, strict=True):
        assert mine.hedge_pnl_usd == pytest.approx(theirs.hedge_pnl_usd, rel=1e-9)
        assert mine.net_pnl_usd == pytest.approx(theirs.net_pnl_usd, rel=1e-9)
        for group, pnl in theirs.layer_pnl_usd.items():
            assert mine.layer_pnl_usd[group] == pytest.approx(pnl, rel=1e-9)
    assert proposal.totals.theta_usd_per_day == pytest.approx(applied.hedge_cost.theta_usd_per_day)
    assert proposal.totals.carry_30d_usd == pytest.approx(applied.hedge_cost.carry_30d_usd)


def test_the_near_layer_pays_most_in_a_fast_shock() -> None:
    report = alvh(alloc_plan())
    shock = next(r for r in report.stress if r.name == "Aug 24 2015")
    assert shock.best_layer is Group.NEAR


# --- report -------------------------------------------------------------------------------------


def test_text_and_json_reports_carry_the_alvh_section() -> None:
    plan = alloc_plan(units=2)
    report = evaluate(plan)
    text = report_to_text(report)
    assert "ALVH LAYERS" in text and "maintenance/yr" in text and "Assumptions" in text
    data = json.loads(json.dumps(report_to_dict(report)))
    layers = data["alvh"]["layers"]
    assert [x["group"] for x in layers] == ["near", "mid", "tail", "offset"]
    assert layers[0]["contracts"] == 8
    assert data["alvh"]["regime"]["table"] == "off"
    assert math.isclose(
        data["alvh"]["totals"]["premium_usd"], report.alvh.totals.premium_usd if report.alvh else 0
    )


def test_analysis_benchmark(benchmark: BenchmarkFixture) -> None:
    """evaluate() with the ALVH analysis (the analysis adds about a millisecond)."""
    plan = alloc_plan(regime=ALVH_REGIME, offset=OffsetSettings(enabled=True))
    benchmark(evaluate, plan)
