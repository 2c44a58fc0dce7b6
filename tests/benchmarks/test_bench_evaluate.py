"""Speed of `evaluate`: the sample plan, a 200-leg plan, scaling, and optionlab for reference.

Figures are printed by pytest-benchmark (and a scaling table on stdout); nothing here asserts on
time, so a busy machine cannot make the suite flaky. Targets (issue 2): sample <= 5 ms median,
200 legs <= 40 ms median, and faster than optionlab's single-date evaluation of the condor alone.
"""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
import time
from collections.abc import Callable

import pytest

from planner.cli import sample_plan_path
from planner.engine import Report, evaluate
from planner.engine.evaluate import forget_last_plan
from planner.engine.types import Group, Right, Underlying
from planner.model import Leg, Plan, load_plan

pytest.importorskip("pytest_benchmark")


@pytest.fixture(scope="module")
def sample() -> Plan:
    return load_plan(sample_plan_path())


def big_plan(
    sample: Plan, n_legs: int, price_points: int = 801, heat: tuple[int, int] = (61, 41)
) -> Plan:
    """`n_legs` distinct contracts: SPX puts and calls laddered over four SPXW expiries, one VIX
    call in five over three VIX expiries. No two legs share a contract, so nothing could be
    priced once for several legs."""
    legs: list[Leg] = []
    expiries = [
        dt.date(2026, 12, 18),
        dt.date(2027, 1, 8),
        dt.date(2027, 1, 15),
        dt.date(2027, 2, 19),
    ]
    vix_expiries = [dt.date(2026, 11, 24), dt.date(2026, 12, 30), dt.date(2027, 2, 17)]
    n_spx = n_vix = 0
    for i in range(n_legs):
        if i % 5 == 4:
            legs.append(
                Leg(
                    id=f"v{i}",
                    underlying=Underlying.VIX,
                    right=Right.CALL,
                    quantity=2,
                    strike=15.0 + n_vix // 3,
                    expiry=vix_expiries[n_vix % 3],
                    group=Group.MID,
                )
            )
            n_vix += 1
        else:
            # Eight (expiry, right) ladders, each stepping out 50 points a rung from 150 away.
            right = Right.PUT if n_spx % 2 else Right.CALL
            offset = 150 + 50 * (n_spx // 8)
            strike = 7450 - offset if right is Right.PUT else 7450 + offset
            legs.append(
                Leg(
                    id=f"s{i}",
                    underlying=Underlying.SPX,
                    right=right,
                    quantity=-1 if n_spx % 3 else 1,
                    strike=float(strike),
                    expiry=expiries[(n_spx // 2) % 4],
                    group=Group.CONDOR,
                )
            )
            n_spx += 1
    contracts = {(leg.underlying, leg.right, leg.strike, leg.expiry) for leg in legs}
    assert len(contracts) == n_legs, "benchmark legs must be distinct contracts"
    view = sample.view.with_changes(
        price_points=price_points, heat_price_points=heat[0], heat_vix_points=heat[1]
    )
    return sample.with_changes(legs=tuple(legs), view=view)


def _median_ms(fn: Callable[[], object], rounds: int = 15) -> float:
    fn()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def first_evaluation(plan: Plan) -> Report:
    """`evaluate` with nothing kept from the previous call (which was of the same plan)."""
    forget_last_plan()
    return evaluate(plan)


def test_bench_evaluate_sample(benchmark: pytest.FixtureRequest, sample: Plan) -> None:
    report = benchmark(first_evaluation, sample)
    assert report.curves.combined_usd.shape == (3, 801)
    assert report.heat.pnl_usd.shape == (41, 61)
    assert len(report.stress) == len(sample.stress)


def test_bench_evaluate_200_legs(benchmark: pytest.FixtureRequest, sample: Plan) -> None:
    plan = big_plan(sample, 200)
    report = benchmark(first_evaluation, plan)
    assert len(report.legs) == 200


def test_bench_evaluate_sample_horizon_only(benchmark: pytest.FixtureRequest, sample: Plan) -> None:
    """A horizon-slider drag: each call's plan differs from the last only in the horizon."""
    plans = itertools.cycle(
        [sample.with_changes(view=sample.view.with_changes(horizon_days=d)) for d in range(5, 45)]
    )
    evaluate(sample)
    report = benchmark(lambda: evaluate(next(plans)))
    assert report.curves.combined_usd.shape == (3, 801)


def test_scaling_with_legs_and_grid(sample: Plan, capsys: pytest.CaptureFixture[str]) -> None:
    rows = []
    for n_legs in (10, 50, 100, 200):
        plan = big_plan(sample, n_legs)
        ms = _median_ms(lambda: first_evaluation(plan))  # noqa: B023 - runs before the loop moves on
        rows.append(f"  {n_legs:>4} legs, 801 x 3 + 61 x 41 grid: {ms:7.2f} ms")
    for points, heat in ((401, (31, 21)), (1601, (121, 81)), (3201, (241, 161))):
        plan = big_plan(sample, 50, points, heat)
        ms = _median_ms(lambda: first_evaluation(plan))  # noqa: B023 - runs before the loop moves on
        rows.append(f"    50 legs, {points} x 3 + {heat[0]} x {heat[1]} grid: {ms:7.2f} ms")
    with capsys.disabled():
        print("\nevaluate() median time:\n" + "\n".join(rows))
    assert len(rows) == 7


def test_bench_against_optionlab(sample: Plan, capsys: pytest.CaptureFixture[str]) -> None:
    """optionlab's run_strategy on the sample's four condor legs at one date vs our whole plan.

    Two optionlab runs over the same SPX range (-25 % to +15 %): on our 801-point grid (like for
    like), and with optionlab's own default price step of one cent (298,001 points), which is
    what its single-date evaluation does unless told otherwise.
    """
    optionlab = pytest.importorskip("optionlab")
    condor = [leg for leg in sample.legs if leg.group is Group.CONDOR]
    assert len(condor) == 4
    report = evaluate(sample)
    by_id = {r.id: r for r in report.legs}
    strategy = [
        {
            "type": leg.right.value,
            "strike": leg.strike,
            "premium": by_id[leg.id].entry_price_pts,
            "n": abs(leg.quantity),
            "action": "buy" if leg.quantity > 0 else "sell",
        }
        for leg in condor
    ]
    spx = sample.market.spx
    common = {
        "stock_price": spx,
        "volatility": by_id[condor[1].id].iv,
        "interest_rate": sample.market.rate,
        "dividend_yield": sample.market.dividend_yield,
        "min_stock": spx * 0.75,
        "max_stock": spx * 1.15,
        "strategy": strategy,
        "start_date": sample.valuation_date,
        "target_date": condor[0].expiry,
        "discard_nonbusiness_days": False,
    }
    same_grid = optionlab.Inputs(**common, price_step=spx * 0.40 / 800)
    default_step = optionlab.Inputs(**common)
    ours = _median_ms(lambda: first_evaluation(sample), rounds=30)
    theirs_same = _median_ms(lambda: optionlab.run_strategy(same_grid), rounds=30)
    theirs_default = _median_ms(lambda: optionlab.run_strategy(default_step), rounds=10)
    points = optionlab.run_strategy(default_step).data.stock_price_array.size
    with capsys.disabled():
        print(
            f"\nour evaluate(sample): {ours:.2f} ms (whole plan, 3 horizons x 801 points, "
            "61 x 41 heat map, stress, ALVH)\n"
            f"optionlab run_strategy, condor only, one date, same 801-point grid: "
            f"{theirs_same:.2f} ms -> ours/theirs = {ours / theirs_same:.2f}\n"
            f"optionlab run_strategy, condor only, one date, its default 1-cent step "
            f"({points:,} points): {theirs_default:.2f} ms -> ours/theirs = "
            f"{ours / theirs_default:.2f}"
        )
    assert points > 100_000 and ours > 0 and theirs_same > 0
