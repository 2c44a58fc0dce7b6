"""The default SPX smile against real Cboe chains: the fit table, in-sample and held out.

Run with `-s` to see the tables. What is printed (README, "Real option chains and calibration"):
market vs model vol, in vol points, at the 10/16/25-delta puts, ATM and the 16/10-delta calls of
the expiries nearest 7, 30, 45 and 90 days of each chain, with the mean absolute error; a
16-delta 50-wide iron condor's model credit against the market mid; and the mean absolute error
per delta bucket per tenor over all chains. Nine chains: the two in ../shared/data/chains
(2022-01-07, 2022-02-04) and the seven faithful subsets in tests/data/chains. Parameter sets:
the turn-1 smile, the shipped defaults (fitted in session 4 on four chains, each weighted alike:
the five added since are out of sample for them), and leave-one-chain-out refits (fitted on
eight, applied to the ninth).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest

from planner.engine.calibration import (
    FIT_DELTAS,
    SmileParams,
    SmileTargets,
    equal_group_weights,
    fit_smile,
    smile_model_iv,
)
from planner.engine.condor import iron_condor_strikes, model_vol_for_strike
from planner.engine.curve import FuturesCurve, futures_curve
from planner.engine.pricing import bsm
from planner.model.calendar import exchange_holidays
from planner.model.chain import OptionChain, load_chain, smile_targets
from planner.model.plan import (
    LEGACY_MODEL_PARAMS,
    V3_MODEL_PARAMS,
    FuturePoint,
    Market,
    ModelParams,
)

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
SUBSETS = Path(__file__).resolve().parents[1] / "data" / "chains"
CHAINS = {
    path.name.removeprefix("spx_quotedata_").removesuffix(".csv").removesuffix("_subset"): path
    for path in sorted(
        [*(DATA / "chains").glob("spx_quotedata_*.csv"), *SUBSETS.glob("spx_quotedata_*.csv")],
        key=lambda p: p.name,
    )
}
"""Every real chain on hand, by session: the full ones in ../shared/data/chains and the
faithful subsets in tests/data/chains (tests/data/chains/SOURCES.md)."""
pytestmark = [
    pytest.mark.shared_data,
    pytest.mark.skipif(not (DATA / "chains").is_dir(), reason="../shared/data/chains is absent"),
]
FITTED_ON = ("2022-01-07", "2022-02-04", "2023-02-07", "2023-12-08")
"""The chains the shipped default smile was fitted on (session 4)."""
TABLE_DAYS = (7, 30, 45, 90)
TABLE_LABELS = ("10p", "16p", "25p", "ATM", "16c", "10c")
SMILE_FIELDS = [f.name for f in fields(SmileParams)]
Chains = Mapping[str, tuple[OptionChain, FuturesCurve, Market]]


def vix_market(day: dt.date) -> tuple[float, tuple[FuturePoint, ...]]:
    """Spot VIX and the M1-M7 futures of `day`, each on its listed monthly expiry."""
    from planner.engine.expiries import vix_monthly_expiry

    with (DATA / "vix_daily.csv").open() as handle:
        spot = next(
            float(row["CLOSE"])
            for row in csv.DictReader(handle)
            if dt.datetime.strptime(row["DATE"], "%m/%d/%Y").date() == day
        )
    with (DATA / "vix_futures_m1_m7.csv").open() as handle:
        row = next(r for r in csv.DictReader(handle) if r["Date"] == day.isoformat())
    holidays = exchange_holidays(day, day + dt.timedelta(days=300))
    expiries = []
    year, month = day.year, day.month
    while len(expiries) < 7:
        expiry = vix_monthly_expiry(year, month, holidays)
        if expiry > day:  # on an expiry Wednesday the columns have already rolled
            expiries.append(expiry)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    points = tuple(
        FuturePoint(expiry=e, price=float(row[f"M{i + 1}"])) for i, e in enumerate(expiries)
    )
    return spot, points


def load_all() -> dict[str, tuple[OptionChain, FuturesCurve, Market]]:
    out = {}
    for name, path in CHAINS.items():
        chain = load_chain(path)
        spot, points = vix_market(chain.session)
        curve = futures_curve(spot, points, chain.session)
        market = Market(
            spx=chain.parity_spx, rate=0.0, dividend_yield=0.0, vix=spot, futures=points
        )
        out[name] = (chain, curve, market)
    return out


def params_of(model: ModelParams) -> SmileParams:
    return SmileParams(*(float(getattr(model, name)) for name in SMILE_FIELDS))


def model_of(params: SmileParams) -> ModelParams:
    return ModelParams().with_changes(**{n: getattr(params, n) for n in SMILE_FIELDS})


def table_slot(days: float) -> int | None:
    """The table tenor (7/30/45/90) an expiry of `days` stands for, if any: within
    max(3, 30 %) of it (the 2023 subsets list 21, 52 and 113 days where 2022 lists 24, 42, 84)."""
    best = min(TABLE_DAYS, key=lambda slot: abs(slot - days))
    return best if abs(best - days) <= max(3.0, 0.3 * best) else None


def table_targets(chain: OptionChain, curve: FuturesCurve, group: int) -> SmileTargets:
    targets = smile_targets(chain, curve, group, min_days=1, max_days=400)
    listed = np.unique(targets.days)
    keep = np.zeros(targets.days.size, dtype=bool)
    for days in TABLE_DAYS:
        nearest = listed[np.argmin(np.abs(listed - days))]
        if table_slot(float(nearest)) == days:
            keep |= targets.days == nearest
    return targets.take(keep)


def condor_credit(
    chain: OptionChain, market: Market, model: ModelParams, days: int
) -> tuple[int, float, float]:
    """(days, model credit, market mid credit) of a 16-delta, 50-wide condor at the expiry
    nearest `days` that lists its four strikes with two-sided quotes, the strikes picked by the
    model's deltas on the model's smile, on that expiry's strike grid near the money (5 points
    in the full chains, 25 in the subsets)."""
    for smile in sorted(chain.expiries, key=lambda s: abs(s.days - days)):
        vol_for = model_vol_for_strike(market, model, chain.session, smile.expiry)
        t = smile.t_years
        near = np.unique(smile.strike[np.abs(smile.strike / smile.forward - 1.0) < 0.05])
        step = float(np.min(np.diff(near)))
        # Spot = that expiry's parity forward, no carry: model and market see one forward.
        strikes = iron_condor_strikes(smile.forward, t, 0.0, 0.0, vol_for, strike_step_pts=step)
        legs = (
            (strikes.long_put, False, +1),
            (strikes.short_put, False, -1),
            (strikes.short_call, True, -1),
            (strikes.long_call, True, +1),
        )
        model_credit = market_credit = 0.0
        for strike, is_call, sign in legs:
            hit = np.flatnonzero(smile.strike == strike)
            mid = float(smile.mids(is_call)[hit[0]]) if hit.size else float("nan")
            if not np.isfinite(mid):
                break
            vol = float(vol_for(np.array([strike]))[0])
            price = float(bsm(is_call, smile.forward, strike, t, 0.0, 0.0, vol).price)
            model_credit -= sign * price
            market_credit -= sign * mid
        else:
            return smile.days, model_credit, market_credit
    raise AssertionError(f"no expiry near {days} days lists the condor's strikes")


def errors_of(params: SmileParams, name: str, data: Chains) -> dict[tuple[int, str], float]:
    """Model minus market vol, vol points, at each (tenor slot, delta label) of one chain."""
    group = list(data).index(name)
    chain, curve, _ = data[name]
    targets = table_targets(chain, curve, group)
    model = smile_model_iv(params, targets)
    out = {}
    for i, label in enumerate(targets.label):
        slot = table_slot(float(targets.days[i]))
        assert slot is not None
        out[(slot, label)] = 100.0 * float(model[i] - targets.market_iv[i])
    return out


def print_table(title: str, params: SmileParams, data: Chains) -> float:
    print(f"\n{title}")
    print("  " + ", ".join(f"{n}={getattr(params, n):.4g}" for n in SMILE_FIELDS))
    errors = []
    for group, (name, (chain, curve, _)) in enumerate(data.items()):
        targets = table_targets(chain, curve, group)
        model = smile_model_iv(params, targets)
        print(f"  chain {name} (VIX {curve.spot:.2f}) market / model / error, vol pts")
        print("    days  " + "  ".join(f"{lab:>17}" for lab in TABLE_LABELS))
        for days in np.unique(targets.days):
            cells = []
            for label in TABLE_LABELS:
                i = next(
                    j
                    for j in range(targets.days.size)
                    if targets.days[j] == days and targets.label[j] == label
                )
                m, f = 100 * targets.market_iv[i], 100 * model[i]
                errors.append(abs(f - m))
                cells.append(f"{m:5.2f}/{f:5.2f}/{f - m:+5.2f}")
            print(f"    {int(days):4d}  " + "  ".join(f"{c:>17}" for c in cells))
    mae = float(np.mean(errors))
    print(f"  MAE {mae:.2f} vol pts over {len(errors)} points")
    return mae


def print_condors(params: SmileParams, data: Chains) -> list[tuple[str, int, float]]:
    misses = []
    model = model_of(params)
    for name, (chain, _, market) in data.items():
        seen: set[int] = set()
        for days in (7, 30, 45):
            got_days, credit, mid = condor_credit(chain, market, model, days)
            if table_slot(got_days) != days or got_days in seen:
                continue
            seen.add(got_days)
            miss = credit / mid - 1.0
            misses.append((name, got_days, miss))
            print(
                f"  condor {name} {got_days:3d}d 16-delta 50-wide: model credit {credit:6.2f}, "
                f"market mid {mid:6.2f} ({100 * miss:+.1f} %)"
            )
    return misses


def print_buckets(title: str, errors: Mapping[str, Mapping[tuple[int, str], float]]) -> float:
    """Mean absolute error per tenor slot and delta bucket over the chains that have it."""
    print(f"\n{title}: mean |model - market|, vol pts (chains with that tenor)")
    print("    days  " + "  ".join(f"{lab:>5}" for lab in TABLE_LABELS) + "    all   chains")
    every = [abs(e) for chain in errors.values() for e in chain.values()]
    for slot in TABLE_DAYS:
        cells = []
        row = []
        for label in TABLE_LABELS:
            values = [abs(c[(slot, label)]) for c in errors.values() if (slot, label) in c]
            row += values
            cells.append(f"{np.mean(values):5.2f}" if values else "    -")
        count = sum(1 for c in errors.values() if (slot, TABLE_LABELS[0]) in c)
        print(f"    {slot:4d}  " + "  ".join(cells) + f"  {np.mean(row):5.2f}  {count:4d}")
    mae = float(np.mean(every))
    print(f"    all   MAE {mae:.2f} over {len(every)} points")
    return mae


def fit_targets(data: Chains) -> SmileTargets:
    return SmileTargets.concat(
        [
            smile_targets(chain, curve, group, deltas=FIT_DELTAS)
            for group, (chain, curve, _) in enumerate(data.values())
        ]
    )


def test_default_smile_fit_table() -> None:
    data = load_all()
    legacy = params_of(LEGACY_MODEL_PARAMS)
    mae_legacy = print_table("Turn-1 smile (plans saved before version 3)", legacy, data)
    print_condors(legacy, data)
    print_table("Version-3 smile (fitted on the two 2022 chains)", params_of(V3_MODEL_PARAMS), data)
    print_condors(params_of(V3_MODEL_PARAMS), data)
    shipped = params_of(ModelParams())
    mae = print_table(
        "Shipped default smile (fitted on the four chains of FITTED_ON)", shipped, data
    )
    print_condors(shipped, data)
    print_buckets("In-sample and out", {name: errors_of(shipped, name, data) for name in data})
    unseen = {name: errors_of(shipped, name, data) for name in data if name not in FITTED_ON}
    mae_unseen = print_buckets("Shipped smile on the chains it was not fitted on", unseen)
    fitted_on = {name: data[name] for name in FITTED_ON}
    targets = fit_targets(fitted_on)
    refit = fit_smile(targets, shipped)
    print(
        "  a refit on FITTED_ON from the shipped values: "
        + ", ".join(f"{n}={getattr(refit, n):.4g}" for n in SMILE_FIELDS)
    )
    every = fit_targets(data)
    refit_all = fit_smile(every, shipped)
    print(
        "  a refit on all chains: "
        + ", ".join(f"{n}={getattr(refit_all, n):.4g}" for n in SMILE_FIELDS)
    )
    # The shipped numbers are the fit on FITTED_ON, to the rounding they are stored with: a
    # refit does not price those points measurably better (chains weighted alike, as fit_smile).
    weight = equal_group_weights(targets.group)
    shipped_rms, refit_rms = (
        float(np.sqrt(np.mean((weight * (smile_model_iv(p, targets) - targets.market_iv)) ** 2)))
        for p in (shipped, refit)
    )
    assert shipped_rms <= 1.002 * refit_rms
    # The goal of 1.0 vol point is not met across chains of different regimes (README); the
    # fit must still be far closer to the market than the turn-1 smile, also where unseen.
    mae_legacy_unseen = float(
        np.mean([abs(e) for n in unseen for e in errors_of(legacy, n, data).values()])
    )
    print(f"  turn-1 smile on the same unseen chains: MAE {mae_legacy_unseen:.2f}")
    assert mae <= 1.5
    assert mae < 0.5 * mae_legacy
    assert mae_unseen < 0.6 * mae_legacy_unseen


def test_default_smile_hold_one_out() -> None:
    data = load_all()
    targets = fit_targets(data)
    shipped = params_of(ModelParams())
    legacy = params_of(LEGACY_MODEL_PARAMS)
    held_out: dict[str, dict[tuple[int, str], float]] = {}
    legacy_errors: list[float] = []
    for held, name in enumerate(data):
        # Fitted on every other chain, from the shipped structure: the five fitted numbers
        # free, the rest held (calibration.FITTED_SMILE_FIELDS).
        fitted = fit_smile(targets.take(targets.group != held), shipped)
        seen = {n: d for n, d in data.items() if n != name}
        print(f"\n=== fitted without chain {name} ===")
        print_table("  on the chains it saw", fitted, seen)
        mae_unseen = print_table("  on the held-out chain", fitted, {name: data[name]})
        print_condors(fitted, {name: data[name]})
        held_out[name] = errors_of(fitted, name, data)
        legacy_chain = [abs(e) for e in errors_of(legacy, name, data).values()]
        legacy_errors += legacy_chain
        assert np.isfinite(mae_unseen), name
        if mae_unseen >= np.mean(legacy_chain):
            # 2022-06-10, the day of a CPI shock: its one (7-day) expiry trades a flat smile
            # with ATM above spot VIX, which the turn-1 smile's 0.9 share happens to sit nearer.
            print(f"  the turn-1 smile is closer on {name}: MAE {np.mean(legacy_chain):.2f}")
    mae = print_buckets("Held out (each chain predicted by the fit on all the others)", held_out)
    print(f"  turn-1 smile on the same points: MAE {np.mean(legacy_errors):.2f}")
    # Held out, the fitted form prices the chains far closer than the turn-1 smile overall.
    assert mae < 0.6 * float(np.mean(legacy_errors))
