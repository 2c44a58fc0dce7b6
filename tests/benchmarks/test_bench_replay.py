"""Speed of the replay on the real history (issue 9): 2009-2024 with the sample's hedge, a
9-size sweep, loading the three files, and how time grows with years and with legs.

Figures are printed by pytest-benchmark (and a scaling table on stdout); nothing asserts on
time. Targets: the 16-year replay <= 1 s median on the 2-core build VM; a 9-size sweep
<= 1.5 s.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from planner.cli import sample_plan_path
from planner.engine.replay_types import CondorCadence
from planner.model import Plan, load_plan
from planner.model.history import LoadedHistory, find_history_files, load_history
from planner.model.programme import CondorProgramme, ProgrammeSettings
from planner.model.replay import parse_sweep, replay_plan

pytest.importorskip("pytest_benchmark")

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason="shared/data (real history) is absent")
START, END = dt.date(2009, 1, 2), dt.date(2024, 12, 31)


@pytest.fixture(scope="module")
def sample() -> Plan:
    return load_plan(sample_plan_path())


@pytest.fixture(scope="module")
def history() -> LoadedHistory:
    return load_history(find_history_files(DATA), START, END)


def test_bench_replay_2009_2024(benchmark: Any, sample: Plan, history: LoadedHistory) -> None:
    result = benchmark(replay_plan, sample, history)
    assert result.summary.condors > 150


def test_bench_replay_sweep_9_sizes(benchmark: Any, sample: Plan, history: LoadedHistory) -> None:
    sizes = parse_sweep("0:4:0.5")
    assert len(sizes) == 9
    result = benchmark(replay_plan, sample, history, sweep=sizes)
    assert len(result.sweep) == 9


def test_bench_load_history(benchmark: Any) -> None:
    files = find_history_files(DATA)
    loaded = benchmark(load_history, files, START, END)
    assert loaded.market.size > 4000


def _median_s(call: Any, rounds: int = 5) -> float:
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        call()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def test_replay_scaling_with_years_and_legs(sample: Plan, history: LoadedHistory) -> None:
    print("\nreplay scaling (median of 5, seconds)")
    print(f"{'years':>6} {'cadence':>8} {'condors':>8} {'legs traded':>12} {'time':>8}")
    weekly = sample.with_changes(
        programme=ProgrammeSettings(condor=CondorProgramme(cadence=CondorCadence.WEEKLY))
    )
    for years in (2, 4, 8, 16):
        end = dt.date(2009 + years - 1, 12, 31)
        window = LoadedHistory(
            market=history.market.window(history.market.dates[0], np.datetime64(end)),
            files=history.files,
            issues=(),
        )
        for label, plan in (("monthly", sample), ("weekly", weekly)):
            result = replay_plan(plan, window)
            legs = 4 * result.summary.condors + result.summary.hedge_purchases
            seconds = _median_s(lambda plan=plan, window=window: replay_plan(plan, window))
            print(f"{years:>6} {label:>8} {result.summary.condors:>8} {legs:>12} {seconds:>8.3f}")
            assert result.summary.days > 0
