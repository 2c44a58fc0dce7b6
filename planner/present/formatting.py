"""Number formatting shared by every view and by the printed snapshot.

Negative numbers use the typographic minus (U+2212), not a hyphen: it is the width of a plus
sign, so signed columns line up, and it reads as a minus in print. Missing values (None, NaN,
infinities) render as an em dash rather than "nan" so a table never shows a Python artefact.
"""

from __future__ import annotations

import datetime as dt
import math
import re

MINUS = "\u2212"
MISSING = "\u2014"
THIN_SPACE = "\u2009"

__all__ = [
    "MINUS",
    "MISSING",
    "fmt_days",
    "fmt_expiry",
    "fmt_greek",
    "fmt_num",
    "fmt_pct",
    "fmt_price",
    "fmt_pts",
    "fmt_ratio_pct",
    "fmt_usd",
    "fmt_usd_compact",
    "fmt_vix",
    "is_missing",
]


def is_missing(x: float | None) -> bool:
    """True for None, NaN and infinities: values a view shows as a dash."""
    return x is None or not math.isfinite(x)


def _sign(x: float, sign: bool) -> str:
    if x < 0:
        return MINUS
    if sign and x > 0:
        return "+"
    return ""


def _rounds_to_zero(x: float, decimals: int) -> bool:
    # "−$0" is noise: a value that rounds to zero is shown unsigned.
    return round(abs(x), decimals) == 0


def fmt_num(x: float | None, decimals: int = 0, sign: bool = False) -> str:
    """A plain number with thousands separators: `fmt_num(-1234.5, 1)` -> "−1,234.5"."""
    if x is None or not math.isfinite(x):
        return MISSING
    if _rounds_to_zero(x, decimals):
        return f"{0.0:,.{decimals}f}"
    return f"{_sign(x, sign)}{abs(x):,.{decimals}f}"


def fmt_usd(x: float | None, decimals: int = 0, sign: bool = False) -> str:
    """Dollars with separators: "−$1,234", or "+$560" with `sign=True`."""
    if x is None or not math.isfinite(x):
        return MISSING
    if _rounds_to_zero(x, decimals):
        return f"${0.0:,.{decimals}f}"
    return f"{_sign(x, sign)}${abs(x):,.{decimals}f}"


# (scale, suffix), smallest first: a value is shown in the largest scale it reaches.
_COMPACT_STEPS: tuple[tuple[float, str], ...] = ((1.0, ""), (1e3, "k"), (1e6, "M"), (1e9, "B"))


def fmt_usd_compact(x: float | None, sign: bool = False) -> str:
    """Short dollars for axis ticks and narrow cells: "−$12.5k", "$120k", "$1.2M", "$850".

    At most three significant figures under a suffix, and the value read back from the text is
    within half a unit of its last digit. A value that rounds up to 1,000 of one suffix moves to
    the next ("$1M", never "$1000k").
    """
    if x is None or not math.isfinite(x):
        return MISSING
    size = abs(x)
    index = 0
    while index + 1 < len(_COMPACT_STEPS) and size >= _COMPACT_STEPS[index + 1][0]:
        index += 1
    while True:
        step, suffix = _COMPACT_STEPS[index]
        scaled = size / step
        decimals = 0 if not suffix else 2 if scaled < 10 else 1 if scaled < 100 else 0
        rounded = round(scaled, decimals)
        if rounded < 1000 or index + 1 == len(_COMPACT_STEPS):
            break
        index += 1
    text = f"{rounded:,.{decimals}f}"
    if "." in text:
        # "1.50" -> "1.5", "2.00" -> "2"; only decimals are trimmed, never the zeros of "120".
        text = text.rstrip("0").rstrip(".")
    signed = "" if rounded == 0 else _sign(x, sign)
    return f"{signed}${text}{suffix}"


def fmt_pct(x: float | None, decimals: int = 1, sign: bool = False) -> str:
    """A number already in percent: `fmt_pct(-3.42)` -> "−3.4%"."""
    if x is None or not math.isfinite(x):
        return MISSING
    return f"{fmt_num(x, decimals, sign)}%"


def fmt_ratio_pct(x: float | None, decimals: int = 0, sign: bool = False) -> str:
    """A decimal fraction shown as percent: `fmt_ratio_pct(0.37)` -> "37%" (loss cut)."""
    if x is None or not math.isfinite(x):
        return MISSING
    return fmt_pct(100.0 * x, decimals, sign)


def fmt_pts(x: float | None, decimals: int = 2, sign: bool = False, unit: bool = True) -> str:
    """Index points: `fmt_pts(12.5, 1, sign=True)` -> "+12.5 pts"."""
    text = fmt_num(x, decimals, sign)
    if unit and text != MISSING:
        return f"{text} pts"
    return text


def fmt_price(x: float | None, decimals: int = 2) -> str:
    """An SPX level: "7,450.00"."""
    return fmt_num(x, decimals)


def fmt_vix(x: float | None, decimals: int = 2) -> str:
    """A VIX level or future: "16.40"."""
    return fmt_num(x, decimals)


def fmt_days(n: int | float | None) -> str:
    """A day count: "50 d", "1 d"."""
    if n is None or not math.isfinite(n):
        return MISSING
    return f"{fmt_num(float(n), 0)} d"


def fmt_expiry(expiry: dt.date, days: int | None) -> str:
    """An expiry and the days left to it, one form in every table: "2027-01-08 (49d)".

    ISO dates sort as text and read the same in every locale; the day count is what a trader
    scans for.
    """
    if days is None:
        return expiry.isoformat()
    return f"{expiry.isoformat()} ({days}d)"


def fmt_greek(x: float | None, significant: int = 4, sign: bool = False) -> str:
    """A raw per-contract greek to `significant` figures: 0.16234 -> "0.1623", −12.3456 -> "−12.35".

    Greeks span many magnitudes (gamma ~1e-4, theta ~1), so a fixed decimal count would print
    "0.0000" for gamma; significant figures keep the information. Below 1e-4 scientific notation.
    """
    if x is None or not math.isfinite(x):
        return MISSING
    size = abs(x)
    if size == 0:
        return "0"
    if size < 1e-4:
        mantissa = f"{size:.{max(significant - 1, 0)}e}"
        return f"{_sign(x, sign)}{mantissa}"
    digits_before = math.floor(math.log10(size)) + 1
    decimals = max(significant - digits_before, 0)
    return fmt_num(x, decimals, sign)


def fmt_loss_cut(cut: float | None, long: bool = False) -> str:
    """Loss cut (1 − net/condor) in words where a bare percentage misleads.

    Between 0 and 100 % it is the share of the condor's loss the hedge removes ("37%"). Above
    100 % the hedge gains more than the condor loses: "1,712%" reads as a typo, so it says
    "net gain". Below 0 the hedge lost as well ("adds loss"). `long` gives the sentence for
    a tooltip or a printed table, with the exact percentage.
    """
    if cut is None or not math.isfinite(cut):
        return MISSING
    exact = fmt_ratio_pct(cut)
    if cut > 1.0:
        return f"hedge gains more than the condor loses ({exact})" if long else "net gain"
    if cut < 0.0:
        return f"the hedge adds to the loss ({exact})" if long else "adds loss"
    return f"the hedge removes {exact} of the condor's loss" if long else exact


_YEAR = re.compile(r"\b(?:19|20)(\d\d)\b")


def short_scenario_name(name: str, limit: int = 15) -> str:
    """A stress scenario's name for a narrow column: "Aug 24 2015, one day" -> "Aug 24 '15".

    The part before the first comma, years as 'yy, "episode" as "ep."; cut with an ellipsis
    past `limit` characters. The full name belongs in the tooltip.
    """
    head = name.split(",", 1)[0].strip() or name.strip()
    short = _YEAR.sub(lambda m: f"'{m.group(1)}", head).replace(" episode", " ep.")
    if len(short) > limit:
        short = short[: limit - 1].rstrip() + "…"
    return short
