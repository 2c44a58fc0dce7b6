"""The default SPX smile against real Cboe chains: the fit table, in-sample and held out.

Run with `-s` to see the tables. What is printed (README, "Real option chains and calibration"):
market vs model vol, in vol points, at the 10/16/25-delta puts, ATM and the 16/10-delta calls of
the expiries nearest 7, 30, 45 and 90 days of each chain, with the mean absolute error; a
16-delta 50-wide iron condor's model credit against the market mid; and the mean absolute error
per delta bucket per tenor over all chains. Every chain on hand: the two in ../shared/data/chains
(2022-01-07, 2022-02-04) and the faithful subsets in tests/data/chains. Parameter sets: the
turn-1 smile, the version-3, -4 and -5 defaults (what older plans keep), the shipped defaults
(fitted on the eleven V6_FITTED_ON chains by least absolute misses, each chain weighted alike;
the chains added since are ones it never saw), leave-one-chain-out refits over every chain
(fitted on the others, applied to the one left out), by least absolute misses and, for
comparison, by least squares (version 5's fit), and a loaded chain's own smile.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, fields
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
from planner.engine.condor import VolForStrike, iron_condor_strikes, model_vol_for_strike
from planner.engine.curve import FuturesCurve, futures_curve
from planner.engine.pricing import bsm
from planner.engine.types import AtmReference
from planner.model.calendar import exchange_holidays
from planner.model.chain import ExpirySmile, OptionChain, load_chain, smile_targets
from planner.model.plan import (
    LEGACY_MODEL_PARAMS,
    V3_MODEL_PARAMS,
    V4_MODEL_PARAMS,
    V5_MODEL_PARAMS,
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
V4_FITTED_ON = ("2022-01-07", "2022-02-04", "2023-02-07", "2023-12-08")
"""The chains the version-4 smile was fitted on (session 4)."""
V6_FITTED_ON = (
    *V4_FITTED_ON,
    "2022-02-18",
    "2022-06-10",
    "2023-02-03",
    "2023-05-23",
    "2023-06-09",
    "2023-08-18",
    "2023-09-14",
)
"""The chains the shipped (version-6) smile was fitted on (session 6); the chains added since
are ones it never saw (`test_shipped_smile_on_chains_it_never_saw`)."""
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
    expiries: list[dt.date] = []
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


def vix9d_closes() -> dict[dt.date, float]:
    """Cboe's VIX9D close on each chain session (tests/data/chains/VIX9D_History_subset.csv)."""
    with (SUBSETS / "VIX9D_History_subset.csv").open() as handle:
        return {
            dt.datetime.strptime(row["DATE"], "%m/%d/%Y").date(): float(row["CLOSE"])
            for row in csv.DictReader(handle)
        }


def load_all(with_vix9d: bool = False) -> dict[str, tuple[OptionChain, FuturesCurve, Market]]:
    """Every chain with its day's VIX market (and, `with_vix9d`, that day's VIX9D entered)."""
    closes = vix9d_closes() if with_vix9d else {}
    out = {}
    for name, path in CHAINS.items():
        chain = load_chain(path)
        spot, points = vix_market(chain.session)
        vix9d = closes[chain.session] if with_vix9d else None
        curve = futures_curve(spot, points, chain.session, vix9d)
        market = Market(
            spx=chain.parity_spx,
            rate=0.0,
            dividend_yield=0.0,
            vix=spot,
            vix9d=vix9d,
            futures=points,
        )
        out[name] = (chain, curve, market)
    return out


@dataclass(frozen=True)
class Smile:
    """A default smile: its fitted numbers and the VIX level its ATM is a share of."""

    params: SmileParams
    reference: AtmReference


def smile_of(model: ModelParams) -> Smile:
    params = SmileParams(*(float(getattr(model, name)) for name in SMILE_FIELDS))
    return Smile(params, model.atm_reference)


def model_of(smile: Smile) -> ModelParams:
    return ModelParams().with_changes(
        atm_reference=smile.reference, **{n: getattr(smile.params, n) for n in SMILE_FIELDS}
    )


def refit(targets: SmileTargets, start: Smile, absolute: bool = True) -> Smile:
    """`fit_smile` from `start`, on targets formed with the same reference."""
    return Smile(fit_smile(targets, start.params, absolute=absolute), start.reference)


def table_slot(days: float) -> int | None:
    """The table tenor (7/30/45/90) an expiry of `days` stands for, if any: within
    max(3, 30 %) of it (the 2023 subsets list 21, 52 and 113 days where 2022 lists 24, 42, 84)."""
    best = min(TABLE_DAYS, key=lambda slot: abs(slot - days))
    return best if abs(best - days) <= max(3.0, 0.3 * best) else None


def table_targets(
    chain: OptionChain, curve: FuturesCurve, group: int, reference: AtmReference
) -> SmileTargets:
    targets = smile_targets(chain, curve, group, min_days=1, max_days=400, reference=reference)
    listed = np.unique(targets.days)
    keep = np.zeros(targets.days.size, dtype=bool)
    for days in TABLE_DAYS:
        nearest = listed[np.argmin(np.abs(listed - days))]
        if table_slot(float(nearest)) == days:
            keep |= targets.days == nearest
    return targets.take(keep)


def condor_at(smile: ExpirySmile, vol_for: VolForStrike) -> tuple[float, float] | None:
    """(credit at `vol_for`, market mid credit) of a 16-delta, 50-wide condor on `smile`'s
    expiry, the strikes picked by `vol_for`'s deltas on that expiry's strike grid near the
    money (5 points in the full chains, 25 in the subsets); None unless all four strikes have
    two-sided quotes. Spot = the expiry's parity forward, no carry: both see one forward."""
    t = smile.t_years
    near = np.unique(smile.strike[np.abs(smile.strike / smile.forward - 1.0) < 0.05])
    step = float(np.min(np.diff(near)))
    strikes = iron_condor_strikes(smile.forward, t, 0.0, 0.0, vol_for, strike_step_pts=step)
    legs = (
        (strikes.long_put, False, +1),
        (strikes.short_put, False, -1),
        (strikes.short_call, True, -1),
        (strikes.long_call, True, +1),
    )
    credit = market_credit = 0.0
    for strike, is_call, sign in legs:
        hit = np.flatnonzero(smile.strike == strike)
        mid = float(smile.mids(is_call)[hit[0]]) if hit.size else float("nan")
        if not np.isfinite(mid):
            return None
        vol = float(vol_for(np.array([strike]))[0])
        credit -= sign * float(bsm(is_call, smile.forward, strike, t, 0.0, 0.0, vol).price)
        market_credit -= sign * mid
    return credit, market_credit


def condor_credit(
    chain: OptionChain, market: Market, model: ModelParams, days: int
) -> tuple[int, float, float]:
    """(days, model credit, market mid credit) of the `condor_at` the model's default smile, at
    the expiry nearest `days` that quotes its four strikes."""
    for smile in sorted(chain.expiries, key=lambda s: abs(s.days - days)):
        priced = condor_at(smile, model_vol_for_strike(market, model, chain.session, smile.expiry))
        if priced is not None:
            return smile.days, *priced
    raise AssertionError(f"no expiry near {days} days lists the condor's strikes")


def errors_of(smile: Smile, name: str, data: Chains) -> dict[tuple[int, str], float]:
    """Model minus market vol, vol points, at each (tenor slot, delta label) of one chain."""
    group = list(data).index(name)
    chain, curve, _ = data[name]
    targets = table_targets(chain, curve, group, smile.reference)
    model = smile_model_iv(smile.params, targets)
    out = {}
    for i, label in enumerate(targets.label):
        slot = table_slot(float(targets.days[i]))
        assert slot is not None
        out[(slot, label)] = 100.0 * float(model[i] - targets.market_iv[i])
    return out


def describe(smile: Smile) -> str:
    numbers = ", ".join(f"{n}={getattr(smile.params, n):.4g}" for n in SMILE_FIELDS)
    return f"atm_reference={smile.reference.value}, {numbers}"


def print_table(title: str, smile: Smile, data: Chains) -> float:
    print(f"\n{title}")
    print("  " + describe(smile))
    errors = []
    for group, (name, (chain, curve, _)) in enumerate(data.items()):
        targets = table_targets(chain, curve, group, smile.reference)
        model = smile_model_iv(smile.params, targets)
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


def print_condors(smile: Smile, data: Chains) -> list[tuple[str, int, float]]:
    misses = []
    model = model_of(smile)
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


def fit_targets(data: Chains, reference: AtmReference = AtmReference.TERM) -> SmileTargets:
    return SmileTargets.concat(
        [
            smile_targets(chain, curve, group, deltas=FIT_DELTAS, reference=reference)
            for group, (chain, curve, _) in enumerate(data.values())
        ]
    )


def test_default_smile_fit_table() -> None:
    data = load_all()
    legacy = smile_of(LEGACY_MODEL_PARAMS)
    print_table("Turn-1 smile (plans saved before version 3)", legacy, data)
    print_condors(legacy, data)
    v3 = smile_of(V3_MODEL_PARAMS)
    print_table("Version-3 smile (fitted on the two 2022 chains)", v3, data)
    print_condors(v3, data)
    v4 = smile_of(V4_MODEL_PARAMS)
    print_table("Version-4 smile (ATM off the future; fitted on the four V4_FITTED_ON)", v4, data)
    print_condors(v4, data)
    v5 = smile_of(V5_MODEL_PARAMS)
    print_table("Version-5 smile (least squares on nine chains, level exponent 2)", v5, data)
    print_condors(v5, data)
    v4_unseen = {name: errors_of(v4, name, data) for name in data if name not in V4_FITTED_ON}
    print_buckets("Version-4 smile on the five chains it was not fitted on", v4_unseen)
    shipped = smile_of(ModelParams())
    fitted_on = {name: data[name] for name in V6_FITTED_ON}
    mae = print_table("Shipped default smile on the chains it was fitted on", shipped, fitted_on)
    print_condors(shipped, fitted_on)
    print_buckets("In-sample", {name: errors_of(shipped, name, data) for name in fitted_on})
    targets = fit_targets(fitted_on, shipped.reference)
    again = refit(targets, shipped)
    print("  a refit from the shipped values: " + describe(again))
    # The shipped numbers are the fit, to the rounding they are stored with: a refit does not
    # price the fitted points measurably better (the mean absolute miss with chains weighted
    # alike, what fit_smile minimises).
    weight = equal_group_weights(targets.group) ** 2
    shipped_miss, refit_miss = (
        float(np.sum(weight * np.abs(smile_model_iv(p, targets) - targets.market_iv)))
        for p in (shipped.params, again.params)
    )
    print(f"  weighted absolute miss: shipped {shipped_miss:.6f}, refit {refit_miss:.6f}")
    assert shipped_miss <= 1.002 * refit_miss
    # In sample the goal of 1.0 vol point is met (0.91 on the eleven chains fitted on), and the
    # fit is far closer to the market than the turn-1 smile.
    assert mae <= 1.0
    assert mae < 0.5 * mae_of(legacy, fitted_on)


def mae_of(smile: Smile, data: Chains) -> float:
    return float(np.mean([abs(e) for name in data for e in errors_of(smile, name, data).values()]))


def test_shipped_smile_on_chains_it_never_saw() -> None:
    """The shipped smile, fitted on V6_FITTED_ON, on every chain added after it was fitted: a
    test on data no fit has seen, beside the turn-1 smile and the held-out refits."""
    data = load_all()
    unseen = {name: chain for name, chain in data.items() if name not in V6_FITTED_ON}
    assert unseen, "every chain on hand was fitted on"
    shipped = smile_of(ModelParams())
    print_table("Shipped default smile on chains it never saw", shipped, unseen)
    misses = print_condors(shipped, unseen)
    mae = print_buckets(
        "Shipped smile on chains it never saw",
        {name: errors_of(shipped, name, data) for name in unseen},
    )
    summarise_condors("never seen", misses)
    mae_legacy = mae_of(smile_of(LEGACY_MODEL_PARAMS), unseen)
    print(f"  turn-1 smile on the same points: MAE {mae_legacy:.2f}")
    bias = float(np.mean([m for _, days, m in misses if days >= 20]))
    print(f"  mean credit miss from 20 days: {100 * bias:+.1f} %")
    # The goal of 1.0 vol point, on chains no fit saw: measured 0.77 on the four added in
    # session 7 (the turn-1 smile: 4.20).
    assert mae <= 1.0
    assert mae < 0.6 * mae_legacy


HeldOut = dict[str, dict[tuple[int, str], float]]


def hold_one_out(
    data: Chains, start: Smile, absolute: bool = True
) -> tuple[HeldOut, list[tuple[str, int, float]]]:
    """Each chain's errors, and its condors' credit misses, under `start`'s form refitted on
    all the other chains (calibration.FITTED_SMILE_FIELDS free, the rest held)."""
    targets = fit_targets(data, start.reference)
    held_out = {}
    misses = []
    for held, name in enumerate(data):
        fitted = refit(targets.take(targets.group != held), start, absolute)
        print(f"\n=== {start.reference.value}: fitted without chain {name} ===")
        print_table("  on the held-out chain", fitted, {name: data[name]})
        misses += print_condors(fitted, {name: data[name]})
        held_out[name] = errors_of(fitted, name, data)
    return held_out, misses


def summarise_condors(title: str, misses: list[tuple[str, int, float]]) -> float:
    """Print and return the median |credit miss| of held-out condors."""
    size = np.array([abs(m) for _, _, m in misses])
    median = float(np.median(size))
    print(
        f"  {title}: {size.size} condors, median |miss| {100 * median:.1f} %, "
        f"{int(np.sum(size <= 0.05))} within 5 %, range {100 * min(m for *_, m in misses):+.0f} "
        f"to {100 * max(m for *_, m in misses):+.0f} %"
    )
    return median


def with_known_levels(data: Chains, start: Smile) -> None:
    """How much of the held-out miss is the level no input explains: each chain's smile
    fitted on the other chains, then its ATM share alone refitted on the held-out chain itself
    (all its expiries together, then each condor's expiry alone). Printed only: what a default
    built from VIX and the futures could reach at best if it knew each chain's vol level."""
    targets = fit_targets(data, start.reference)
    per_chain: HeldOut = {}
    chain_level: list[tuple[str, int, float]] = []
    expiry_level: list[tuple[str, int, float]] = []
    for held, name in enumerate(data):
        chain, _, market = data[name]
        fitted = refit(targets.take(targets.group != held), start)
        own = targets.take(targets.group == held)
        level = Smile(fit_smile(own, fitted.params, free=["atm_iv_ratio"]), start.reference)
        per_chain[name] = errors_of(level, name, data)
        misses = print_condors(level, {name: data[name]})
        chain_level += misses
        for _, got_days, _ in misses:
            expiry = own.take(own.days == got_days)
            if expiry.days.size == 0:
                continue
            exact = Smile(fit_smile(expiry, fitted.params, free=["atm_iv_ratio"]), start.reference)
            smile = next(s for s in chain.expiries if s.days == got_days)
            vol_for = model_vol_for_strike(market, model_of(exact), chain.session, smile.expiry)
            priced = condor_at(smile, vol_for)
            if priced is not None:
                expiry_level.append((name, got_days, priced[0] / priced[1] - 1.0))
    print_buckets("Held out, each chain's own ATM share (known level)", per_chain)
    summarise_condors("held out, each chain's own ATM share", chain_level)
    summarise_condors("held out, each condor expiry's own ATM share", expiry_level)


def test_default_smile_hold_one_out() -> None:
    data = load_all()
    legacy = smile_of(LEGACY_MODEL_PARAMS)
    shipped = smile_of(ModelParams())
    held_out, misses = hold_one_out(data, shipped)
    # The same form fitted by least squares (how version 5 was fitted), held out the same way.
    held_out_squares, misses_squares = hold_one_out(data, shipped, absolute=False)
    # The version-4 form (ATM a share of the VIX future at the expiry), held out the same way.
    held_out_v4, _ = hold_one_out(data, smile_of(V4_MODEL_PARAMS))
    legacy_errors: list[float] = []
    for name in data:
        legacy_chain = [abs(e) for e in errors_of(legacy, name, data).values()]
        legacy_errors += legacy_chain
        mae_chain = float(np.mean(np.abs(list(held_out[name].values()))))
        assert np.isfinite(mae_chain), name
        if mae_chain >= np.mean(legacy_chain):
            # 2022-06-10, the day of a CPI shock: its one (7-day) expiry trades a flat smile
            # with ATM above spot VIX, which the turn-1 smile's 0.9 share happens to sit nearer.
            print(f"  the turn-1 smile is closer on {name}: MAE {np.mean(legacy_chain):.2f}")
    mae_v4 = print_buckets("Version-4 form held out (ATM off the VIX future)", held_out_v4)
    mae_squares = print_buckets("Shipped form fitted by least squares, held out", held_out_squares)
    mae = print_buckets("Shipped form held out (least absolute misses)", held_out)
    print(f"  turn-1 smile on the same points: MAE {np.mean(legacy_errors):.2f}")
    summarise_condors("least squares, held out", misses_squares)
    summarise_condors("least absolute misses, held out", misses)
    with_known_levels(data, shipped)
    # Held out, the fitted form prices the chains far closer than the turn-1 smile overall, the
    # term-vol reference predicts unseen chains better than the future at the expiry, and least
    # absolute misses better than least squares (one event-priced chain pulls it less).
    assert mae < 0.6 * float(np.mean(legacy_errors))
    assert mae < mae_v4
    assert mae < mae_squares
    # The goal of 1.0 vol point held out is met over all tenors (0.91 on fifteen chains; 1.02
    # on the eleven of session 6) and at every tenor from ~30 days on; the one-week expiries,
    # priced by their events, are the weakest (1.59; README).
    assert mae <= 1.0
    for slot in TABLE_DAYS[1:]:
        errors = [abs(e) for c in held_out.values() for (d, _), e in c.items() if d == slot]
        assert float(np.mean(errors)) <= 1.0, slot


def test_vix9d_sharpens_the_short_end() -> None:
    """With each session's VIX9D entered (Market.vix9d), the shipped smile, fitted without it,
    prices the one-week expiries closer, in sample and held out (fitted on the other chains
    without VIX9D, predicting the held-out one with it)."""
    plain = load_all()
    entered = load_all(with_vix9d=True)
    shipped = smile_of(ModelParams())
    mae_in = print_buckets(
        "Shipped smile, VIX9D entered", {n: errors_of(shipped, n, entered) for n in entered}
    )
    targets = fit_targets(plain, shipped.reference)
    held_plain: dict[str, dict[tuple[int, str], float]] = {}
    held_entered: dict[str, dict[tuple[int, str], float]] = {}
    misses = []
    for held, name in enumerate(plain):
        fitted = refit(targets.take(targets.group != held), shipped)
        held_plain[name] = errors_of(fitted, name, plain)
        held_entered[name] = errors_of(fitted, name, entered)
        misses += print_condors(fitted, {name: entered[name]})
    mae_plain = print_buckets("Held out, no VIX9D", held_plain)
    mae_entered = print_buckets("Held out, VIX9D entered", held_entered)
    summarise_condors("held out, VIX9D entered", misses)

    def week(errors: dict[str, dict[tuple[int, str], float]]) -> float:
        return float(
            np.mean([abs(e) for c in errors.values() for (d, _), e in c.items() if d == 7])
        )

    print(f"  one-week expiries held out: {week(held_plain):.2f} -> {week(held_entered):.2f}")
    assert mae_in < 1.2
    assert mae_entered < mae_plain
    # With VIX9D entered the held-out miss is lower still (0.78 on fifteen chains).
    assert mae_entered <= 1.0
    # Measured 1.59 -> 1.14 on fifteen chains (1.60 -> 1.31 on eleven; version 5 on nine,
    # 1.86 -> 1.20): VIX9D takes a quarter off the one-week miss.
    assert week(held_entered) < 0.9 * week(held_plain)


def test_a_loaded_chain_prices_condors_at_the_mid() -> None:
    """With the chain loaded, SPX legs are priced at the chain's fitted smile (Edit > Price SPX
    legs at the chain's smile, `with_chain_smile`): there a 16-delta 50-wide condor, its
    strikes picked by the chain's own deltas (the New iron condor dialog with a chain), is
    priced within 5 % of the market mid at every expiry to 120 days that quotes its strikes.
    This is where the issue's 5 % credit goal is met; the default smile, held out, cannot
    (README, "Real option chains and calibration")."""
    misses = []
    for name, (chain, _, _) in load_all().items():
        for smile in chain.expiries:
            priced = condor_at(smile, smile.smile_iv) if smile.days <= 120 else None
            if priced is None:
                continue
            credit, mid = priced
            misses.append(credit / mid - 1.0)
            print(
                f"  {name} {smile.days:3d}d condor at the chain's smile {credit:6.2f}, "
                f"mid {mid:6.2f} ({100 * misses[-1]:+.1f} %)"
            )
    size = np.abs(misses)
    print(
        f"  {size.size} condors: median |miss| {100 * np.median(size):.1f} %, "
        f"largest {100 * size.max():.1f} %"
    )
    assert size.size >= 40
    assert size.max() <= 0.05
