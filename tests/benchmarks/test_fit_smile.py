"""The default SPX smile against real Cboe chains: the fit table, in-sample and held out.

Run with `-s` to see the tables. What is printed (README, "Real option chains and calibration"):
market vs model vol, in vol points, at the 10/16/25-delta puts, ATM and the 16/10-delta calls of
the expiries nearest 7, 30, 45 and 90 days of each chain, with the mean absolute error; and a
16-delta 50-wide iron condor's model credit against the market mid. Three parameter sets:
the shipped defaults (fitted on both chains), and a refit on each chain alone applied to the
other (hold one out).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest

from planner.engine.calibration import (
    FIT_DELTAS,
    FITTED_SMILE_FIELDS,
    SmileParams,
    SmileTargets,
    fit_smile,
    smile_model_iv,
)
from planner.engine.condor import iron_condor_strikes, model_vol_for_strike
from planner.engine.curve import FuturesCurve, futures_curve
from planner.engine.pricing import bsm
from planner.model.calendar import exchange_holidays
from planner.model.chain import OptionChain, load_chain, smile_targets
from planner.model.plan import LEGACY_MODEL_PARAMS, FuturePoint, Market, ModelParams

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
CHAINS = {
    "2022-01-07": DATA / "chains" / "spx_quotedata_2022-01-07.csv",
    "2022-02-04": DATA / "chains" / "spx_quotedata_2022-02-04.csv",
}
pytestmark = [
    pytest.mark.shared_data,
    pytest.mark.skipif(
        not all(p.is_file() for p in CHAINS.values()), reason="../shared/data/chains is absent"
    ),
]
TABLE_DAYS = (7, 30, 45, 90)
SMILE_FIELDS = [f.name for f in fields(SmileParams)]


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


def table_targets(chain: OptionChain, curve: FuturesCurve, group: int) -> SmileTargets:
    targets = smile_targets(chain, curve, group, min_days=1, max_days=400)
    listed = np.unique(targets.days)
    keep = np.zeros(targets.days.size, dtype=bool)
    for days in TABLE_DAYS:
        nearest = listed[np.argmin(np.abs(listed - days))]
        if abs(nearest - days) <= max(3, 0.25 * days):
            keep |= targets.days == nearest
    return targets.take(keep)


def condor_credit(
    chain: OptionChain, market: Market, model: ModelParams, days: int
) -> tuple[int, float, float]:
    """(days, model credit, market mid credit) of a 16-delta, 50-wide condor at the expiry
    nearest `days` that lists its four strikes with two-sided quotes, the strikes picked by the
    model's deltas on the model's smile."""
    for smile in sorted(chain.expiries, key=lambda s: abs(s.days - days)):
        vol_for = model_vol_for_strike(market, model, chain.session, smile.expiry)
        t = smile.t_years
        # Spot = that expiry's parity forward, no carry: model and market see one forward.
        strikes = iron_condor_strikes(smile.forward, t, 0.0, 0.0, vol_for)
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


def print_table(
    title: str, params: SmileParams, data: dict[str, tuple[OptionChain, FuturesCurve, Market]]
) -> float:
    print(f"\n{title}")
    print("  " + ", ".join(f"{n}={getattr(params, n):.4g}" for n in SMILE_FIELDS))
    labels = ("10p", "16p", "25p", "ATM", "16c", "10c")
    errors = []
    for group, (name, (chain, curve, _)) in enumerate(data.items()):
        targets = table_targets(chain, curve, group)
        model = smile_model_iv(params, targets)
        print(f"  chain {name} (VIX {curve.spot:.2f}) market / model / error, vol pts")
        print("    days  " + "  ".join(f"{lab:>17}" for lab in labels))
        for days in np.unique(targets.days):
            cells = []
            for label in labels:
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


def print_condors(
    params: SmileParams, data: dict[str, tuple[OptionChain, FuturesCurve, Market]]
) -> list[float]:
    misses = []
    model = model_of(params)
    for name, (chain, _, market) in data.items():
        for days in (7, 30, 45):
            got_days, credit, mid = condor_credit(chain, market, model, days)
            if abs(got_days - days) > max(3, 0.25 * days):
                continue
            miss = credit / mid - 1.0
            misses.append((got_days, miss))
            print(
                f"  condor {name} {got_days:3d}d 16-delta 50-wide: model credit {credit:6.2f}, "
                f"market mid {mid:6.2f} ({100 * miss:+.1f} %)"
            )
    return misses


def fit_on(targets: SmileTargets, start: SmileParams, single_chain: bool) -> SmileParams:
    free = list(FITTED_SMILE_FIELDS)
    if single_chain:
        # One chain is one VIX level: the level exponents cannot be told apart from the ratio
        # and the skew scale, so a one-chain fit holds them at the start's values (the hold-out
        # test starts from the structural 0 and 1 -- ATM a fixed share of the VIX future, skew a
        # fixed share of ATM -- not from the shipped values, which saw both chains).
        free.remove("atm_level_exponent")
        free.remove("skew_level_exponent")
    return fit_smile(targets, start, free)


def fit_targets(data: dict[str, tuple[OptionChain, FuturesCurve, Market]]) -> SmileTargets:
    return SmileTargets.concat(
        [
            smile_targets(chain, curve, group, deltas=FIT_DELTAS)
            for group, (chain, curve, _) in enumerate(data.values())
        ]
    )


def test_default_smile_fit_table() -> None:
    data = load_all()
    print_table("Turn-1 smile (plans saved before version 3)", params_of(LEGACY_MODEL_PARAMS), data)
    print_condors(params_of(LEGACY_MODEL_PARAMS), data)
    shipped = params_of(ModelParams())
    mae = print_table("Shipped default smile (fitted on both chains)", shipped, data)
    misses = print_condors(shipped, data)
    refit = fit_on(fit_targets(data), shipped, single_chain=False)
    print(
        "  a refit from the shipped values: "
        + ", ".join(f"{n}={getattr(refit, n):.4g}" for n in SMILE_FIELDS)
    )
    assert mae <= 1.0
    # The goal (within 5 % of the mid) holds from three weeks out; the 7-day condors miss it
    # (README: the one-week ATM vol is the form's weak point) and are printed, not asserted.
    assert all(abs(miss) <= 0.05 for days, miss in misses if days >= 20)


def test_default_smile_hold_one_out() -> None:
    data = load_all()
    targets = fit_targets(data)
    names = list(data)
    shipped = params_of(ModelParams())
    start = SmileParams(
        **{
            **{n: getattr(shipped, n) for n in SMILE_FIELDS},
            "atm_level_exponent": 0.0,
            "skew_level_exponent": 1.0,
        }
    )
    results = {}
    for held, name in enumerate(names):
        fitted = fit_on(targets.take(targets.group != held), start, single_chain=True)
        seen = {n: d for n, d in data.items() if n != name}
        unseen = {name: data[name]}
        print(f"\n=== fitted without chain {name} ===")
        mae_seen = print_table("  on the chain it saw", fitted, seen)
        mae_unseen = print_table("  on the held-out chain", fitted, unseen)
        misses = print_condors(fitted, unseen)
        results[name] = (mae_seen, mae_unseen, misses)
    # The figures are the point (README); the test only checks they were formed.
    for mae_seen, mae_unseen, _ in results.values():
        assert np.isfinite(mae_seen) and np.isfinite(mae_unseen)
