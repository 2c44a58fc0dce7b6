"""Number formatting: separators, the typographic minus, signs, missing values."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.present.formatting import (
    MINUS,
    MISSING,
    fmt_days,
    fmt_expiry,
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
        # Issue #13: trailing zeros of the integer part were stripped ("$12k" for $119,690).
        (-119_690.0, f"{MINUS}$120k"),
        (100_000.0, "$100k"),
        (200_000.0, "$200k"),
        (150_000.0, "$150k"),
        (10_000.0, "$10k"),
        (1_000_000_000_000.0, "$1,000B"),
        # Rounding up across a suffix moves to the next one.
        (999_950.0, "$1M"),
        (999.6, "$1k"),
        (999_999_999.0, "$1B"),
        (-0.4, "$0"),
    ],
)
def test_fmt_usd_compact(value: float, expected: str) -> None:
    assert fmt_usd_compact(value) == expected


_SUFFIX_SCALE = {"": 1.0, "k": 1e3, "M": 1e6, "B": 1e9}


def _parse_compact(text: str) -> tuple[float, float]:
    """The value a reader takes from compact dollars, and the unit of its last digit."""
    negative = text.startswith(MINUS)
    body = text.lstrip(MINUS + "+")
    assert body.startswith("$"), text
    body = body[1:].replace(",", "")
    suffix = body[-1] if body[-1] in "kMB" else ""
    digits = body[: len(body) - len(suffix)]
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    scale = _SUFFIX_SCALE[suffix]
    value = float(digits) * scale
    return (-value if negative else value), scale * 10.0**-decimals


@given(st.floats(min_value=-5e12, max_value=5e12, allow_nan=False))
def test_fmt_usd_compact_reads_back_within_half_a_last_digit(value: float) -> None:
    text = fmt_usd_compact(value)
    parsed, unit = _parse_compact(text)
    assert abs(parsed - value) <= 0.5 * unit * (1 + 1e-9), (value, text)
    # Never "$1000k": below the largest suffix the number is under 1,000.
    number = text.lstrip(MINUS + "+$").rstrip("kMB").replace(",", "")
    if not text.endswith("B"):
        assert float(number) < 1000, text
    # At most three significant figures once a suffix is used.
    if text[-1] in "kM":
        assert len(number.replace(".", "").lstrip("0")) <= 3, text


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


def test_loss_cut_in_words_past_the_ends() -> None:
    from planner.present.formatting import fmt_loss_cut

    assert fmt_loss_cut(0.37) == "37%"
    assert fmt_loss_cut(17.12) == "net gain"
    assert fmt_loss_cut(17.12, long=True) == "hedge gains more than the condor loses (1,712%)"
    assert fmt_loss_cut(-5.94) == "adds loss"
    assert "adds to the loss" in fmt_loss_cut(-5.94, long=True)
    assert fmt_loss_cut(None) == MISSING
    assert fmt_loss_cut(1.0) == "100%"


@given(st.text(min_size=1, max_size=80))
def test_short_scenario_names_are_short(name: str) -> None:
    from planner.present.formatting import short_scenario_name

    assert len(short_scenario_name(name)) <= 15


def test_short_scenario_names_read_well() -> None:
    from planner.present.formatting import short_scenario_name

    assert short_scenario_name("Aug 24 2015, one day") == "Aug 24 '15"
    assert short_scenario_name("Feb-Mar 2020 episode") == "Feb-Mar '20 ep."
    assert short_scenario_name("SPX -10 %, VIX from map") == "SPX -10 %"


@given(
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2200, 12, 31)),
    st.integers(min_value=0, max_value=5000),
)
def test_fmt_expiry_is_the_iso_date_and_days(expiry: dt.date, days: int) -> None:
    text = fmt_expiry(expiry, days)
    date_text, rest = text.split(" (")
    assert dt.date.fromisoformat(date_text) == expiry
    assert rest == f"{days}d)"
    assert fmt_expiry(expiry, None) == expiry.isoformat()
