"""The table-of-cells value type every view renders: text to show, the number behind it (for
sorting and for reading back), its unit, whether it is a gain or a loss, and a tooltip."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

from planner.present.formatting import MISSING, fmt_num, fmt_pct, fmt_usd

__all__ = [
    "Align",
    "Cell",
    "Column",
    "Table",
    "Tone",
    "count_cell",
    "pct_cell",
    "text_cell",
    "usd_cell",
]


class Tone(StrEnum):
    """How a cell is coloured: a loss in red, a gain in green, plain otherwise."""

    PLAIN = "plain"
    GAIN = "gain"
    LOSS = "loss"


class Align(StrEnum):
    LEFT = "left"
    RIGHT = "right"


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    number: float | None = None
    """The value shown (sorting uses it); None for text and for missing values."""
    unit: str = ""
    """What `number` is in: "%", "$", "d", "pts", "" (a count or a label)."""
    tone: Tone = Tone.PLAIN
    tooltip: str = ""
    bold: bool = False

    @property
    def sort_key(self) -> float | str:
        return self.number if self.number is not None else self.text


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    align: Align = Align.RIGHT
    tooltip: str = ""


@dataclass(frozen=True, slots=True)
class Table:
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""
    bold_rows: frozenset[int] = field(default_factory=frozenset)
    empty_text: str = ""
    """What to say when there are no rows (a table never shows as a blank box)."""

    def __post_init__(self) -> None:
        width = len(self.columns)
        for i, row in enumerate(self.rows):
            if len(row) != width:
                raise ValueError(f"{self.title}: row {i} has {len(row)} cells for {width} columns")

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.title for c in self.columns)

    def column(self, title: str) -> tuple[Cell, ...]:
        index = self.headers.index(title)
        return tuple(row[index] for row in self.rows)


def _finite(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def _tone(x: float | None, decimals: int, gain_is_good: bool = True) -> Tone:
    if x is None or round(x, decimals) == 0:
        return Tone.PLAIN
    good = x > 0 if gain_is_good else x < 0
    return Tone.GAIN if good else Tone.LOSS


def text_cell(text: str, tooltip: str = "", bold: bool = False) -> Cell:
    return Cell(text, tooltip=tooltip, bold=bold)


def usd_cell(x: float | None, *, sign: bool = False, toned: bool = True, tooltip: str = "") -> Cell:
    """Dollars, red when it rounds to a loss (green for a gain when `toned`)."""
    value = _finite(x)
    tone = _tone(value, 0) if toned else Tone.PLAIN
    if not toned and value is not None and round(value) < 0:
        tone = Tone.LOSS
    return Cell(fmt_usd(value, sign=sign), value, "$", tone, tooltip)


def pct_cell(
    x: float | None,
    decimals: int = 2,
    *,
    sign: bool = False,
    loss_when: str = "",
    tooltip: str = "",
) -> Cell:
    """A number already in percent. `loss_when` "negative" / "positive" colours that side red
    (a return below zero; a cost or a drawdown above zero), "" leaves it plain."""
    value = _finite(x)
    tone = Tone.PLAIN
    if value is not None and round(value, decimals) != 0:
        if loss_when == "negative":
            tone = Tone.LOSS if value < 0 else Tone.GAIN
        elif loss_when == "positive" and value > 0:
            tone = Tone.LOSS
    text = fmt_pct(value, decimals, sign=sign) if value is not None else MISSING
    return Cell(text, value, "%", tone, tooltip)


def count_cell(n: int | float | None, unit: str = "", tooltip: str = "") -> Cell:
    value = _finite(None if n is None else float(n))
    return Cell(fmt_num(value, 0), value, unit, Tone.PLAIN, tooltip)
