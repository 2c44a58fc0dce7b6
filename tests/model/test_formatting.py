"""Number formatting: separators, the typographic minus, signs, missing values."""

from __future__ import annotations

import math

import pytest

from planner.model.formatting import (
    MINUS,
    MISSING,
    fmt_days,
    fmt_greek,
    fmt_num,
    fmt_pct,
    fmt_price,
    fmt_pts,
    fmt_ratio_pct,
    fmt_usd,
    fmt_usd_compact,
    fmt_vix,
)


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        (-1234.0, {}, f"{MINUS}$1,234"),
        (560.0, {"sign": True}, "+$560"),
        (560.0, {}, "$560"),
        (1234567.891, {"decimals": 2}, "$1,234,567.89"),
        (-0.4, {}, "$0"),  # rounds to zero: no "−$0"
        (0.0, {"sign": True}, "$0"),
        (-999.5, {}, f"{MINUS}$1,000"),
        (-12.345, {"decimals": 2, "sign": True}, f"{MINUS}$12.35"),
    ],
)
def test_fmt_usd(value: float, kwargs: dict[str, object], expected: str) -> None:
    assert fmt_usd(value, **kwargs) == expected  # type: ignore[arg-type]


def test_minus_is_typographic_not_hyphen() -> None:
    text = fmt_usd(-5.0)
    assert "-" not in text
    assert text.startswith("\u2212")


@pytest.mark.parametrize("bad", [None, math.nan, math.inf, -math.inf])
def test_missing_values_render_as_dash(bad: float | None) -> None:
    for fn in (fmt_usd, fmt_usd_compact, fmt_pct, fmt_pts, fmt_num, fmt_greek, fmt_ratio_pct):
        assert fn(bad) == MISSING
    assert fmt_days(bad) == MISSING


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (850.0, "$850"),
        (-12_500.0, f"{MINUS}$12.5k"),
        (1_250_000.0, "$1.25M"),
        (125_000.0, "$125k"),
        (2_000.0, "$2k"),
        (3.2e9, "$3.2B"),
    ],
)
def test_fmt_usd_compact(value: float, expected: str) -> None:
    assert fmt_usd_compact(value) == expected


def test_percent_points_prices() -> None:
    assert fmt_pct(-3.456) == f"{MINUS}3.5%"
    assert fmt_pct(2.0, 0, sign=True) == "+2%"
    assert fmt_ratio_pct(0.372) == "37%"
    assert fmt_ratio_pct(-0.05, 1) == f"{MINUS}5.0%"
    assert fmt_pts(12.5, 1, sign=True) == "+12.5 pts"
    assert fmt_pts(-0.25, unit=False) == f"{MINUS}0.25"
    assert fmt_price(7450.0) == "7,450.00"
    assert fmt_vix(16.4) == "16.40"
    assert fmt_days(50) == "50 d"
    assert fmt_num(-1234.5, 1) == f"{MINUS}1,234.5"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.16234, "0.1623"),
        (-12.3456, f"{MINUS}12.35"),
        (0.00012346, "0.0001235"),  # gamma-sized: significant figures, not "0.0000"
        (1234.5678, "1,235"),
        (0.0, "0"),
        (3.0e-6, "3.000e-06"),
    ],
)
def test_fmt_greek_significant_figures(value: float, expected: str) -> None:
    assert fmt_greek(value) == expected
