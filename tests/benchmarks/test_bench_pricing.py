"""Speed of the pricing hot path: 200 legs x 5000 scenario points (1e6 options), float64."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from planner.engine.normal import norm_cdf
from planner.engine.pricing import black76_price, bsm, bsm_price

LEGS = 200
POINTS = 5000


@pytest.fixture(scope="module")
def grid() -> dict[str, Any]:
    rng = np.random.default_rng(2025)
    spot0 = 5500.0
    return {
        "is_call": rng.random((LEGS, 1)) < 0.5,
        "strike": np.round(spot0 * rng.uniform(0.8, 1.2, (LEGS, 1)) / 5.0) * 5.0,
        "t_years": rng.integers(1, 120, (LEGS, 1)) / 365.0,
        "spot": np.linspace(0.7 * spot0, 1.3 * spot0, POINTS)[None, :],
        # Scenario-shifted implied vol: a different vol per leg and point.
        "vol": rng.uniform(0.1, 0.6, (LEGS, POINTS)),
        "forward": np.linspace(12.0, 80.0, POINTS)[None, :],
        "vix_strike": rng.uniform(15.0, 40.0, (LEGS, 1)),
        "vix_vol": rng.uniform(0.6, 1.6, (LEGS, POINTS)),
    }


def test_bench_bsm_price_200_legs_x_5000_points(benchmark: Any, grid: dict[str, Any]) -> None:
    g = grid
    result = benchmark(
        bsm_price, g["is_call"], g["spot"], g["strike"], g["t_years"], 0.043, 0.013, g["vol"]
    )
    assert result.shape == (LEGS, POINTS) and np.all(np.isfinite(result))


def test_bench_black76_price_200_legs_x_5000_points(benchmark: Any, grid: dict[str, Any]) -> None:
    g = grid
    result = benchmark(
        black76_price,
        g["is_call"],
        g["forward"],
        g["vix_strike"],
        g["t_years"],
        0.043,
        g["vix_vol"],
    )
    assert result.shape == (LEGS, POINTS) and np.all(np.isfinite(result))


def test_bench_bsm_greeks_200_legs_x_5000_points(benchmark: Any, grid: dict[str, Any]) -> None:
    g = grid
    result = benchmark(
        bsm, g["is_call"], g["spot"], g["strike"], g["t_years"], 0.043, 0.013, g["vol"]
    )
    assert result.theta.shape == (LEGS, POINTS)


def test_bench_norm_cdf_1e6(benchmark: Any) -> None:
    x = np.random.default_rng(1).normal(0.0, 3.0, 1_000_000)
    result = benchmark(norm_cdf, x)
    assert result.shape == x.shape
