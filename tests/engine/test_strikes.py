"""Listed strike grids and snapping onto them."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.engine.strikes import (
    nearest_delta_index,
    snap_spx_strike,
    snap_vix_strike,
    vix_strike_grid,
)


@pytest.mark.parametrize(
    ("strike", "expected"),
    [
        (14.74, 14.5),
        (14.76, 15.0),
        (14.75, 15.0),  # tie between 14.5 and 15 goes up
        (15.4, 15.0),
        (15.5, 16.0),  # tie goes up
        (15.6, 16.0),
        (14.25, 14.5),  # half-point tie goes up
        (14.24, 14.0),
        (12.3, 12.5),
        (27.49, 27.0),
        (5.0, 5.0),
        (200.0, 200.0),
    ],
)
def test_snap_vix_strike(strike: float, expected: float) -> None:
    snapped = snap_vix_strike(strike)
    assert isinstance(snapped, float)
    assert snapped == expected


@pytest.mark.parametrize(("strike", "expected"), [(3.0, 5.0), (-1.0, 5.0), (250.0, 200.0)])
def test_snap_vix_strike_clamps(strike: float, expected: float) -> None:
    assert snap_vix_strike(strike) == expected


def test_snap_vix_strike_array_keeps_shape() -> None:
    strikes = np.array([[14.74, 14.76], [15.4, 15.6], [3.0, 999.0]])
    snapped = snap_vix_strike(strikes)
    assert snapped.shape == (3, 2)
    np.testing.assert_array_equal(snapped, [[14.5, 15.0], [15.0, 16.0], [5.0, 200.0]])
    np.testing.assert_array_equal(snap_vix_strike([10.26, 40.5]), [10.5, 41.0])


def test_snap_vix_strike_matches_brute_force_nearest_listed() -> None:
    rng = np.random.default_rng(7)
    strikes = rng.uniform(5.0, 200.0, 5000)
    grid = vix_strike_grid(0.0, 1000.0)
    distance = np.abs(strikes[:, None] - grid[None, :])
    # Nearest grid point; on an exact tie the larger strike (argmin of reversed grid).
    nearest = grid[::-1][np.argmin(distance[:, ::-1], axis=1)]
    np.testing.assert_array_equal(snap_vix_strike(strikes), nearest)


def test_snap_vix_strike_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="finite"):
        snap_vix_strike(float("nan"))
    with pytest.raises(ValueError, match="finite"):
        snap_vix_strike(np.array([20.0, np.inf]))
    with pytest.raises(ValueError, match="number"):
        snap_vix_strike("twenty")  # type: ignore[call-overload]


def test_vix_strike_grid() -> None:
    grid = vix_strike_grid(10.0, 20.0)
    expected = [10.0 + 0.5 * i for i in range(10)] + [15.0 + i for i in range(6)]
    np.testing.assert_array_equal(grid, expected)
    full = vix_strike_grid(0.0, 1000.0)
    assert full[0] == 5.0 and full[-1] == 200.0
    assert len(full) == 20 + 186  # 5.0..14.5 by 0.5, 15..200 by 1
    assert np.all(np.diff(full) > 0)
    assert vix_strike_grid(15.2, 15.8).size == 0
    np.testing.assert_array_equal(vix_strike_grid(14.5, 15.0), [14.5, 15.0])
    with pytest.raises(ValueError, match="reversed"):
        vix_strike_grid(20.0, 10.0)


def test_grid_points_snap_to_themselves() -> None:
    grid = vix_strike_grid(0.0, 1000.0)
    np.testing.assert_array_equal(snap_vix_strike(grid), grid)


@pytest.mark.parametrize(
    ("strike", "step", "expected"),
    [
        (4512.4, 5.0, 4510.0),
        (4512.5, 5.0, 4515.0),  # tie goes up
        (4517.6, 5.0, 4520.0),
        (4512.4, 25.0, 4500.0),
        (4537.5, 25.0, 4550.0),
        (1.0, 5.0, 5.0),  # never below one step
    ],
)
def test_snap_spx_strike(strike: float, step: float, expected: float) -> None:
    snapped = snap_spx_strike(strike, step)
    assert isinstance(snapped, float)
    assert snapped == expected


def test_snap_spx_strike_array_and_errors() -> None:
    np.testing.assert_array_equal(
        snap_spx_strike(np.array([5401.0, 5403.0, 5398.0])), [5400.0, 5405.0, 5400.0]
    )
    with pytest.raises(ValueError, match="step"):
        snap_spx_strike(5400.0, 0.0)
    with pytest.raises(ValueError, match="finite"):
        snap_spx_strike(np.array([5400.0, np.nan]))


@given(
    deltas=st.lists(st.floats(-1.0, 1.0), min_size=1, max_size=40),
    target=st.floats(-1.0, 1.0),
    eligible_bits=st.lists(st.booleans(), min_size=40, max_size=40),
)
def test_nearest_delta_index_picks_an_eligible_strike_no_other_beats(
    deltas: list[float], target: float, eligible_bits: list[bool]
) -> None:
    d = np.array(deltas)
    eligible = np.array(eligible_bits[: d.size])
    eligible[0] = eligible[0] or not eligible.any()
    i = int(nearest_delta_index(d, target, eligible))
    assert eligible[i]
    gaps = np.abs(d - target)
    assert gaps[i] == gaps[eligible].min()
    # The first of equally near candidates.
    assert i == int(np.flatnonzero(eligible & (gaps == gaps[i]))[0])


def test_nearest_delta_index_runs_row_by_row() -> None:
    deltas = np.array([[0.9, 0.5, 0.3, 0.1], [0.8, 0.6, 0.4, 0.2]])
    assert nearest_delta_index(deltas, np.array([0.32, 0.75])).tolist() == [2, 0]
