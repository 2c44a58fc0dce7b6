"""The batched scenario kernel (`value_jobs`) against a point-by-point reference.

The kernel cuts blocks into leg groups, splits wide parts, pools scattered horizons, prices VIX
legs once per VIX level and gathers everything into fixed-size batches. None of that may change
a number: here every (leg, point) value is recomputed one point at a time with the public
pricing functions and the model formulas of DESIGN.md section 3, with the kernel's limits at
their defaults and shrunk so that every split and flush happens on a small plan.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from planner.engine import kernel
from planner.engine.conventions import DAYS_PER_YEAR
from planner.engine.evaluate import plan_market
from planner.engine.kernel import (
    ScenarioPoints,
    ValuationJob,
    leg_values,
    scenario_points,
    value_jobs,
)
from planner.engine.leg_book import LegBook, MarketState, build_leg_book
from planner.engine.pricing import black76_price, bsm_price
from planner.engine.spot_vol_map import futures_beta
from planner.engine.types import Group, Right
from planner.engine.vol import VIX_VOL_FLOOR, spx_vol_shift, vix_option_vol, vov_scale
from planner.model.plan import Plan

from .conftest import make_plan, spx_leg, vix_call

FloatArray = np.ndarray


def _mixed_plan() -> Plan:
    """SPX puts and calls on three expiries, VIX calls on three (one with a user IV); valued on
    2026-11-20, so some legs expire inside the scattered horizons below."""
    legs = [
        spx_leg("p1", Right.PUT, 3, 6600.0, dt.date(2026, 12, 4)),
        spx_leg("p2", Right.PUT, -2, 7000.0, dt.date(2026, 12, 18)),
        spx_leg("c1", Right.CALL, -1, 7700.0, dt.date(2026, 12, 18)),
        spx_leg("c2", Right.CALL, 4, 7350.0, dt.date(2027, 1, 15), iv=0.19),
        spx_leg("p3", Right.PUT, 1, 5900.0, dt.date(2027, 1, 15)),
        vix_call("v1", Group.NEAR, 4, 17.0, dt.date(2026, 11, 25)),
        vix_call("v2", Group.MID, 3, 21.0, dt.date(2026, 12, 30), iv=1.05),
        vix_call("v3", Group.TAIL, 2, 30.0, dt.date(2027, 2, 17)),
        vix_call("v4", Group.MID, -1, 26.0, dt.date(2026, 12, 30)),
    ]
    return make_plan(legs=tuple(legs))


def _reference(book: LegBook, points: ScenarioPoints, market: MarketState) -> FloatArray:
    """Each point on its own, legs vectorised, through bsm_price / black76_price."""
    out = np.empty((book.size, points.size))
    strike, call, spx_leg_mask = book.strike, book.is_call, book.is_spx
    for j in range(points.size):
        s, v, h = points.spx[j], points.vix[j], points.horizon_days[j]
        tau = book.expiry_days - h
        t_years = np.maximum(tau, 0.0) / DAYS_PER_YEAR
        spx_vol = np.maximum(
            book.base_iv
            + spx_vol_shift(v - market.vix0, tau, market.model.spx_vol_response_exponent),
            market.model.spx_vol_floor,
        )
        spx_value = bsm_price(
            call, s, strike, t_years, market.rate, market.div_yield, np.where(tau > 0, spx_vol, 0)
        )
        a, p, cap, kappa, damping = (term[j] for term in points.beta_terms())
        beta = futures_beta(tau, a, p, cap, kappa, damping, market.curve.basis(tau) / market.vix0)
        forward = np.maximum(market.vix0 + market.curve.basis(tau) + beta * (v - market.vix0), 1e-6)
        vix_vol = np.maximum(
            vix_option_vol(
                tau,
                strike,
                forward,
                market.model.vov30,
                market.model.vov_term_exponent,
                market.model.vov_skew,
                VIX_VOL_FLOOR,
            )
            * book.vix_iv_ratio
            * vov_scale(
                v, market.vix0, market.model.vov_scale_exponent, market.model.vov_scale_cap
            ),
            VIX_VOL_FLOOR,
        )
        vix_value = black76_price(call, forward, strike, t_years, market.rate, vix_vol)
        # Past expiry a VIX leg settles on spot VIX itself (the future has converged to it).
        vix_settled = np.maximum(np.where(call, v - strike, strike - v), 0.0)
        vix_value = np.where(tau > 0, vix_value, vix_settled)
        out[:, j] = np.where(spx_leg_mask, spx_value, vix_value)
    return out


def _parts(plan: Plan, market: MarketState) -> tuple[ScenarioPoints, ...]:
    params, stress = plan.model.typical, plan.model.stress
    spx0, vix0 = market.spx0, market.vix0
    heat = scenario_points(
        spx0 * np.linspace(0.78, 1.12, 23)[None, :],
        np.linspace(11.0, 55.0, 9)[:, None],
        24.0,
        params,
    )
    grid = spx0 * np.linspace(0.75, 1.15, 101)
    curve = scenario_points(grid, vix0 + 0.3 * (spx0 - grid) / spx0 * 100, 0.0, params)
    # Scattered horizons, some past some legs' expiries, and two spot-vol presets mixed.
    rng = np.random.default_rng(7)
    n = 41
    days = rng.choice([0.0, 1.0, 5.0, 14.0, 30.0, 40.0, 63.0, 90.0], n)
    days[:12] = 14.0  # a horizon with enough points for its own block under shrunk limits
    use_stress = rng.random(n) < 0.5
    scattered = ScenarioPoints(
        spx=spx0 * rng.uniform(0.7, 1.2, n),
        vix=rng.uniform(9.0, 70.0, n),
        horizon_days=days,
        beta_a=np.where(use_stress, stress.beta_a, params.beta_a),
        beta_p=np.where(use_stress, stress.beta_p, params.beta_p),
    )
    return heat, curve, scattered


@pytest.fixture(params=["default limits", "tiny limits"])
def limits(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "tiny limits":
        # Every block is cut into leg groups, wide parts are split, and batches flush often.
        monkeypatch.setattr(kernel, "BATCH_SIZE", 97)
        monkeypatch.setattr(kernel, "GROUP_SIZE", 40)
        monkeypatch.setattr(kernel, "MAX_BLOCK_POINTS", 30)
        monkeypatch.setattr(kernel, "MIN_HORIZON_BLOCK", 8)
    return str(request.param)


def test_leg_values_match_the_point_by_point_reference(limits: str) -> None:
    plan = _mixed_plan()
    market = plan_market(plan)
    book = build_leg_book(plan.legs, market)
    for part in _parts(plan, market):
        got = leg_values(book, part, market)
        expected = _reference(book, part, market)
        assert np.all(np.isfinite(got))
        np.testing.assert_allclose(got, expected, rtol=1e-11, atol=1e-11, err_msg=limits)


def test_jobs_side_by_side_and_weighted_sums_match_separate_values(limits: str) -> None:
    plan = _mixed_plan()
    market = plan_market(plan)
    book = build_leg_book(plan.legs, market)
    parts = _parts(plan, market)
    other = build_leg_book(plan.legs[5:7], market)
    rng = np.random.default_rng(3)
    weights = rng.normal(size=(3, book.size))
    together, summed, small = value_jobs(
        [
            ValuationJob(book, parts),
            ValuationJob(book, parts, weights),
            ValuationJob(other, parts[2:]),
        ],
        market,
    )
    separate = np.hstack([_reference(book, part, market) for part in parts])
    np.testing.assert_allclose(together, separate, rtol=1e-11, atol=1e-11, err_msg=limits)
    np.testing.assert_allclose(summed, weights @ separate, rtol=1e-10, atol=1e-9, err_msg=limits)
    np.testing.assert_allclose(small, separate[5:7, -parts[2].size :], rtol=1e-11, atol=1e-11)


def test_jobs_at_the_same_points_are_valued_as_one_book_with_the_same_results(
    limits: str,
) -> None:
    """Jobs sharing their parts (the plan's legs and the ALVH layers at the stress points) go
    through the kernel together; each still gets its own legs' values or sums."""
    plan = _mixed_plan()
    market = plan_market(plan)
    book = build_leg_book(plan.legs, market)
    few = build_leg_book(plan.legs[3:8], market)
    empty = build_leg_book((), market)
    parts = _parts(plan, market)
    rng = np.random.default_rng(11)
    weights = rng.normal(size=(4, book.size))
    summed, none, each, again = value_jobs(
        [
            ValuationJob(book, parts, weights),
            ValuationJob(empty, parts),
            ValuationJob(few, parts),
            ValuationJob(book, parts),
        ],
        market,
    )
    separate = np.hstack([_reference(book, part, market) for part in parts])
    assert none.shape == (0, separate.shape[1])
    np.testing.assert_allclose(again, separate, rtol=1e-11, atol=1e-11, err_msg=limits)
    np.testing.assert_allclose(each, separate[3:8], rtol=1e-11, atol=1e-11, err_msg=limits)
    np.testing.assert_allclose(summed, weights @ separate, rtol=1e-10, atol=1e-9, err_msg=limits)


def test_empty_book_and_empty_parts_give_empty_results() -> None:
    plan = make_plan(legs=())
    market = plan_market(plan)
    book = build_leg_book((), market)
    points = scenario_points(market.spx0, market.vix0, 0.0, plan.model.typical)
    (values,) = value_jobs([ValuationJob(book, (points,))], market)
    assert values.shape == (0, 1)
    full = build_leg_book(_mixed_plan().legs, market)
    (no_points,) = value_jobs([ValuationJob(full, ())], market)
    assert no_points.shape == (full.size, 0)
