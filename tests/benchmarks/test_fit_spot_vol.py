"""The spot-vol presets against real VIX, SPX and VIX futures history (run with `-s`).

Printed (README, "Real option chains and calibration"): per stress episode, the mean absolute
error of the first three monthly futures after the shock, each matched to the same contract
(by its listed expiry, never by M-slot) on the day before, predicted with
`planner.engine.spot_vol_map.scenario_futures` from that day's curve and the actual later VIX close;
for the turn-1 presets, the shipped (fitted) presets and, for the stress preset, a fit that left
each episode out. Also the typical preset's betas on daily changes 2009-2024 and both presets'
k (VIX points per 1 % SPX).
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from dataclasses import fields
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

from planner.engine.calibration import (
    BetaParams,
    FuturesTargets,
    fit_futures_betas,
    predicted_futures,
    spot_vol_slopes,
)
from planner.engine.curve import futures_curve
from planner.engine.expiries import vix_monthly_expiry
from planner.engine.spot_vol_map import scenario_futures
from planner.model.calendar import exchange_holidays
from planner.model.plan import (
    LEGACY_STRESS_SPOT_VOL,
    LEGACY_TYPICAL_SPOT_VOL,
    STRESS_SPOT_VOL,
    TYPICAL_SPOT_VOL,
    V3_STRESS_SPOT_VOL,
    FuturePoint,
    SpotVolParams,
)
from tests.shared_data import KNOWN_BAD_FUTURES_DATES

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
FILES = ("vix_daily.csv", "spx_daily.csv", "vix_futures_m1_m7.csv")
pytestmark = [
    pytest.mark.shared_data,
    pytest.mark.skipif(
        not all((DATA / f).is_file() for f in FILES), reason="../shared/data is absent"
    ),
]

# (name, the close before, the shock's close): DESIGN.md section 3's analogs, VIX before -> peak.
EPISODES = (
    ("Aug 2015", dt.date(2015, 8, 17), dt.date(2015, 8, 24)),
    ("Feb 2018", dt.date(2018, 2, 2), dt.date(2018, 2, 5)),
    ("Dec 2018", dt.date(2018, 11, 30), dt.date(2018, 12, 24)),
    ("Mar 2020", dt.date(2020, 2, 20), dt.date(2020, 3, 16)),
    ("Jun 2022", dt.date(2022, 6, 10), dt.date(2022, 6, 13)),
    ("Aug 2024", dt.date(2024, 8, 2), dt.date(2024, 8, 5)),
)
# SOURCES.md: days whose futures disagree with Cboe's settlements, and one off-curve M5.
BAD_DAYS = KNOWN_BAD_FUTURES_DATES | {dt.date(2023, 6, 8)}
BETA_FIELDS = [f.name for f in fields(BetaParams)]


def _closes(name: str, date_format: str) -> dict[dt.date, float]:
    with (DATA / name).open() as handle:
        return {
            dt.datetime.strptime(row["DATE"], date_format).date(): round(float(row["CLOSE"]), 2)
            for row in csv.DictReader(handle)
        }


@lru_cache(maxsize=1)
def history() -> tuple[
    dict[dt.date, float], dict[dt.date, float], dict[dt.date, tuple[FuturePoint, ...]]
]:
    """(VIX closes, SPX closes, futures curve by day with each M-slot on its listed expiry)."""
    vix = _closes("vix_daily.csv", "%m/%d/%Y")
    spx = _closes("spx_daily.csv", "%m/%d/%Y")
    holidays = exchange_holidays(dt.date(2004, 1, 1), dt.date(2026, 12, 31))
    monthly = sorted(
        vix_monthly_expiry(year, month, holidays)
        for year in range(2004, 2027)
        for month in range(1, 13)
    )
    curves: dict[dt.date, tuple[FuturePoint, ...]] = {}
    with (DATA / "vix_futures_m1_m7.csv").open() as handle:
        for row in csv.DictReader(handle):
            day = dt.date.fromisoformat(row["Date"])
            if day.year < 2009 or day in BAD_DAYS:  # SOURCES.md: prefer data from 2009 on
                continue
            # On an expiry Wednesday the columns have already rolled: M1 is the next contract.
            first = next(i for i, e in enumerate(monthly) if e > day)
            curves[day] = tuple(
                FuturePoint(expiry=monthly[first + i], price=float(row[f"M{i + 1}"]))
                for i in range(7)
                if row[f"M{i + 1}"]
            )
    return vix, spx, curves


def targets_between(pairs: list[tuple[dt.date, dt.date]], first_n: int) -> FuturesTargets:
    """For each (before, after), the first `first_n` contracts listed on `after`, matched by
    expiry to the curve of `before`."""
    vix, _, curves = history()
    columns: list[list[float]] = [[], [], [], [], []]
    group = []
    for index, (before, after) in enumerate(pairs):
        curve = futures_curve(vix[before], curves[before], before)
        horizon = (after - before).days
        for point in curves[after][:first_n]:
            tau = (point.expiry - before).days - horizon
            for column, value in zip(
                columns,
                (tau, vix[before], vix[after], float(curve.basis(float(tau))), point.price),
                strict=True,
            ):
                column.append(float(value))
            group.append(index)
    tau, vix0, vix1, basis, actual = (np.array(c) for c in columns)
    return FuturesTargets(tau, vix0, vix1, basis, actual, np.array(group, dtype=np.intp))


def episode_targets() -> FuturesTargets:
    return targets_between([(before, after) for _, before, after in EPISODES], 3)


def daily_targets() -> FuturesTargets:
    vix, _, curves = history()
    days = sorted(d for d in curves if d in vix)
    pairs = [(a, b) for a, b in itertools.pairwise(days) if (b - a).days <= 4]
    return targets_between(pairs, 7)


def beta_params(preset: SpotVolParams) -> BetaParams:
    return BetaParams(*(float(getattr(preset, n)) for n in BETA_FIELDS))


def episode_errors(params: BetaParams, targets: FuturesTargets) -> list[float]:
    miss = np.abs(predicted_futures(params, targets) - targets.actual)
    return [float(np.mean(miss[targets.group == i])) for i in range(len(EPISODES))]


def print_episodes(label: str, params: BetaParams, targets: FuturesTargets) -> float:
    errors = episode_errors(params, targets)
    cells = "  ".join(f"{name} {e:5.2f}" for (name, _, _), e in zip(EPISODES, errors, strict=True))
    overall = float(np.mean(np.abs(predicted_futures(params, targets) - targets.actual)))
    print(f"  {label:<34} {cells}   all {overall:.2f} pts")
    return overall


def test_scenario_futures_match_an_episode_by_hand() -> None:
    """The public engine function on Feb 2018: the Feb-14 future, 12 days out on Feb 2."""
    vix, _, curves = history()
    before, after = dt.date(2018, 2, 2), dt.date(2018, 2, 5)
    curve = futures_curve(vix[before], curves[before], before)
    tau = (dt.date(2018, 2, 14) - before).days - (after - before).days
    got = scenario_futures(curve, tau, vix[after], LEGACY_STRESS_SPOT_VOL)
    beta = min(1.0, 0.85 * (tau / 7.0) ** -0.30)
    expected = vix[before] + float(curve.basis(float(tau))) + beta * (vix[after] - vix[before])
    assert float(got) == pytest.approx(expected, rel=1e-12)


def test_spot_vol_presets_fit_table() -> None:
    episodes = episode_targets()
    print("\nFirst three futures after each shock, matched by contract: mean |model - market|")
    legacy_stress = print_episodes(
        "turn-1 stress preset", beta_params(LEGACY_STRESS_SPOT_VOL), episodes
    )
    print_episodes("turn-1 typical preset", beta_params(LEGACY_TYPICAL_SPOT_VOL), episodes)
    v3_stress = print_episodes("version-3 stress preset", beta_params(V3_STRESS_SPOT_VOL), episodes)
    shipped_stress = print_episodes("shipped stress preset", beta_params(STRESS_SPOT_VOL), episodes)
    print_episodes("shipped typical preset", beta_params(TYPICAL_SPOT_VOL), episodes)
    refit = fit_futures_betas(episodes, beta_params(STRESS_SPOT_VOL), absolute=True)
    refit_mae = print_episodes("stress refit on all six", refit, episodes)
    print("  refit: " + ", ".join(f"{n}={getattr(refit, n):.4g}" for n in BETA_FIELDS))
    held_out = []
    for i, (name, _, _) in enumerate(EPISODES):
        fitted = fit_futures_betas(
            episodes.take(episodes.group != i), beta_params(STRESS_SPOT_VOL), absolute=True
        )
        held_out.append(episode_errors(fitted, episodes)[i])
        print(
            f"  stress fitted without {name}: {name} {held_out[-1]:.2f} pts ("
            + ", ".join(f"{n}={getattr(fitted, n):.3g}" for n in BETA_FIELDS)
            + ")"
        )
    print(f"  leave-one-episode-out mean {np.mean(held_out):.2f} pts")
    # The shipped preset is the fit (rounded), and beats turn-1 and the version-3 preset (no
    # contango damping: 2.09 pts); the goal of 2.0 pts is met.
    assert shipped_stress < legacy_stress
    assert shipped_stress <= refit_mae + 0.01
    assert shipped_stress < v3_stress
    assert shipped_stress <= 2.0


def test_typical_preset_daily_fit() -> None:
    daily = daily_targets()
    legacy = beta_params(LEGACY_TYPICAL_SPOT_VOL)
    shipped = beta_params(TYPICAL_SPOT_VOL)

    def mae(params: BetaParams) -> float:
        return float(np.mean(np.abs(predicted_futures(params, daily) - daily.actual)))

    # The typical preset has no contango damping (fitted on daily moves it is ~0): four terms.
    free = [n for n in BETA_FIELDS if n != "beta_basis_sensitivity"]
    refit = fit_futures_betas(daily, shipped, free, absolute=True)
    print(f"\nDaily futures 2009-2024, {daily.actual.size} contract-days, matched by contract:")
    print(f"  turn-1 typical betas MAE {mae(legacy):.3f} pts; shipped {mae(shipped):.3f} pts")
    print("  refit: " + ", ".join(f"{n}={getattr(refit, n):.4g}" for n in BETA_FIELDS))
    assert mae(shipped) < mae(legacy)
    assert mae(shipped) <= mae(refit) + 0.001


def test_spot_vol_slopes_from_history() -> None:
    vix, spx, _ = history()
    days = sorted(d for d in spx if d in vix and d >= dt.date(2008, 1, 1))
    v = np.array([vix[d] for d in days])
    s = np.array([spx[d] for d in days])
    move = 100.0 * (s[1:] / s[:-1] - 1.0)
    change = np.diff(v)
    k_down, k_up = spot_vol_slopes(move, change, 0.5)
    high = v[:-1] >= 25.0
    k_down_high, k_up_high = spot_vol_slopes(move[high], change[high], 1.0)
    episode_k = [
        (vix[after] - vix[before]) / -(100.0 * (spx[after] / spx[before] - 1.0))
        for _, before, after in EPISODES
    ]
    print(
        f"\nVIX points per 1 % SPX, daily 2008-2026, moves >= 0.5 %: k_down {k_down:.2f}, "
        f"k_up {k_up:.2f}; on days with VIX >= 25 and moves >= 1 %: k_down {k_down_high:.2f}, "
        f"k_up {k_up_high:.2f}"
    )
    print(
        "  episodes (VIX before -> shock over the SPX move): "
        + ", ".join(f"{n} {k:.2f}" for (n, _, _), k in zip(EPISODES, episode_k, strict=True))
        + f"; median {np.median(episode_k):.2f}"
    )
    print(
        f"  shipped: typical {TYPICAL_SPOT_VOL.k_down:g} / {TYPICAL_SPOT_VOL.k_up:g}, "
        f"stress {STRESS_SPOT_VOL.k_down:g} / {STRESS_SPOT_VOL.k_up:g}"
    )
    assert TYPICAL_SPOT_VOL.k_down == pytest.approx(k_down, abs=0.005)
    assert TYPICAL_SPOT_VOL.k_up == pytest.approx(k_up, abs=0.005)
    assert STRESS_SPOT_VOL.k_down == pytest.approx(float(np.median(episode_k)), abs=0.005)
    assert STRESS_SPOT_VOL.k_up == pytest.approx(k_up_high, abs=0.005)
