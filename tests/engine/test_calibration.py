"""The calibration fitters: least squares and least absolute misses, and the smile fit."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.engine.calibration import (
    FITTED_SMILE_FIELDS,
    SmileParams,
    SmileTargets,
    fit_smile,
    least_misses,
    smile_model_iv,
)

LOWER = np.array([-1e3])
UPPER = np.array([1e3])

# Distinct values a quarter point apart or more (odd counts, so the median is one of them).
samples = (
    st.lists(st.integers(min_value=-200, max_value=200), min_size=3, max_size=15, unique=True)
    .filter(lambda v: len(v) % 2 == 1)
    .map(lambda v: [0.25 * i for i in v])
)


@settings(max_examples=40, deadline=None)
@given(samples)
def test_a_constant_fitted_by_least_squares_is_the_mean(values: list[float]) -> None:
    y = np.array(values)
    x = least_misses(lambda c: c[0] - y, np.array([0.0]), LOWER, UPPER, np.ones(y.size))
    assert abs(x[0] - y.mean()) < 1e-6 * max(1.0, float(np.abs(y).max()))


@settings(max_examples=40, deadline=None)
@given(samples)
def test_a_constant_fitted_by_least_absolute_misses_is_the_median(values: list[float]) -> None:
    y = np.array(values)
    x = least_misses(
        lambda c: c[0] - y, np.array([0.0]), LOWER, UPPER, np.ones(y.size), rounds=200, floor=1e-9
    )
    # The sum of |c - y| is flat nowhere near the median of an odd sample: within a small
    # fraction of the gap to the next value of it, c is the median.
    ordered = np.sort(y)
    gap = float(np.min(np.diff(ordered)))
    assert abs(x[0] - np.median(y)) < 0.05 * gap


def synthetic_targets(params: SmileParams, groups: int = 4) -> SmileTargets:
    """Model-exact smile points for `groups` chains at VIX 13-28 and tenors 7-90 days."""
    labels, days, strike, reference, group = [], [], [], [], []
    for g, vix in enumerate(np.linspace(13.0, 28.0, groups)):
        for tenor in (7.0, 30.0, 45.0, 90.0):
            for moneyness in (0.85, 0.9, 0.95, 0.98, 1.0, 1.02, 1.05):
                labels.append("ATM" if moneyness == 1.0 else "x")
                days.append(tenor)
                strike.append(4000.0 * moneyness)
                reference.append(vix)
                group.append(g)
    targets = SmileTargets(
        label=tuple(labels),
        days=np.array(days),
        forward=np.full(len(days), 4000.0),
        strike=np.array(strike),
        vix_reference=np.array(reference),
        market_iv=np.zeros(len(days)),
        group=np.array(group, dtype=np.intp),
    )
    return replace(targets, market_iv=smile_model_iv(params, targets))


TRUE = SmileParams(
    atm_iv_ratio=0.86,
    atm_level_exponent=0.0,
    put_skew=5.1,
    call_skew=6.2,
    put_curvature=0.0,
    call_curvature=0.0,
    skew_term_exponent=0.22,
    skew_level_exponent=1.4,
    call_wing_z=0.7,
    skew_level_cap_atm=0.2,
)
# Where the fits start: the version-5 numbers, every fitted field away from TRUE.
START = replace(
    TRUE,
    atm_iv_ratio=0.9,
    put_skew=4.5,
    call_skew=9.5,
    skew_term_exponent=0.28,
    skew_level_exponent=2.0,
    call_wing_z=0.48,
)


def test_fit_smile_recovers_the_parameters_of_model_exact_points() -> None:
    targets = synthetic_targets(TRUE)
    for absolute in (False, True):
        fitted = fit_smile(targets, START, absolute=absolute)
        for name in FITTED_SMILE_FIELDS:
            assert abs(getattr(fitted, name) - getattr(TRUE, name)) < 2e-3, (absolute, name)


def test_the_absolute_fit_is_pulled_less_by_a_chain_the_form_cannot_describe() -> None:
    clean = synthetic_targets(TRUE, groups=6)
    # The last chain trades 5 vol points over the form everywhere (an event-priced expiry).
    shock = np.where(clean.group == clean.group.max(), 0.05, 0.0)
    targets = replace(clean, market_iv=clean.market_iv + shock)
    others = targets.group != targets.group.max()

    def miss_elsewhere(params: SmileParams) -> float:
        model = smile_model_iv(params, targets)
        return float(np.mean(np.abs(model - clean.market_iv)[others])) * 100.0

    squares = miss_elsewhere(fit_smile(targets, START, absolute=False))
    absolute = miss_elsewhere(fit_smile(targets, START, absolute=True))
    assert squares > 0.3
    assert absolute < 0.25 * squares
