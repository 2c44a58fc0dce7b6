"""The table-of-cells value type every view renders: text to show, the number behind it (for
sorting and for reading back), its unit, whether it is a gain or a loss, and a tooltip."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from enum import StrEnum

from planner.present.formatting import (
    MISSING,
    fmt_loss_cut,
    fmt_num,
    fmt_pct,
    fmt_usd,
    fmt_usd_compact,
)

__all__ = [
    "Align",
    "Cell",
    "Column",
    "Table",
    "Tone",
    "compact_usd_cell",
    "count_cell",
    "loss_cut_cell",
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
    full_text: str = ""
    """The whole text where `text` is shortened for a narrow view (a short scenario name, a
    compact "−$12.3k"); the page and the text report print it. "" when `text` is whole."""
    align: Align | None = None
    """This cell's alignment where it differs from its column's (a word among numbers)."""

    @property
    def sort_key(self) -> float | str:
        return self.number if self.number is not None else self.text

    @property
    def wide_text(self) -> str:
        """What a renderer with room prints: the whole text."""
        return self.full_text or self.text


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    align: Align = Align.RIGHT
    tooltip: str = ""
    optional: bool = False
    """A detail a narrow page may leave out (rightmost first) rather than cut a number."""
    short_title: str = ""
    """What a narrow view (a dock) heads the column with ("Qty" for "Contracts"), the whole
    title going into its tooltip; "" when the title is short already. The page and the text
    report print `title`."""

    @property
    def narrow_title(self) -> str:
        return self.short_title or self.title


@dataclass(frozen=True, slots=True)
class Table:
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""
    bold_rows: frozenset[int] = field(default_factory=frozenset)
    empty_text: str = ""
    """What to say when there are no rows (a table never shows as a blank box)."""
    row_headers: tuple[Cell, ...] = ()
    """One label per row (a group, a scenario), shown as the view's row header; () for none."""
    row_header_title: str = ""
    """The row headers' column title where a renderer prints them as a first column."""

    def __post_init__(self) -> None:
        width = len(self.columns)
        for i, row in enumerate(self.rows):
            if len(row) != width:
                raise ValueError(f"{self.title}: row {i} has {len(row)} cells for {width} columns")
        if self.row_headers and len(self.row_headers) != len(self.rows):
            raise ValueError(
                f"{self.title}: {len(self.row_headers)} row headers for {len(self.rows)} rows"
            )

    def with_row_headers_as_column(self) -> Table:
        """The same table with its row headers as a first, left-aligned column (for the page
        and the text report, which have no row-header strip); itself when it has none."""
        if not self.row_headers:
            return self
        return replace(
            self,
            columns=(Column(self.row_header_title, Align.LEFT), *self.columns),
            rows=tuple(
                (header, *row) for header, row in zip(self.row_headers, self.rows, strict=True)
            ),
            row_headers=(),
            row_header_title="",
        )

    @property
    def row_names(self) -> tuple[str, ...]:
        """Each row header's whole text (a scenario's full name)."""
        return tuple(h.wide_text for h in self.row_headers)

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


def usd_cell(
    x: float | None,
    *,
    sign: bool = False,
    toned: bool = True,
    tooltip: str = "",
    decimals: int = 0,
) -> Cell:
    """Dollars, red when it rounds to a loss (green for a gain when `toned`)."""
    value = _finite(x)
    tone = _tone(value, decimals) if toned else Tone.PLAIN
    if not toned and value is not None and round(value, decimals) < 0:
        tone = Tone.LOSS
    return Cell(fmt_usd(value, decimals, sign=sign), value, "$", tone, tooltip)


def compact_usd_cell(x: float | None, note: str = "") -> Cell:
    """ "−$12.3k" for a narrow column, the exact dollars as its whole text and in the tooltip
    (with `note` after them); red for a loss."""
    value = _finite(x)
    exact = fmt_usd(value, sign=True)
    tone = Tone.LOSS if value is not None and value < 0 else Tone.PLAIN
    tooltip = f"{exact} ({note})" if note else exact
    return Cell(fmt_usd_compact(value, sign=True), value, "$", tone, tooltip, full_text=exact)


def loss_cut_cell(cut: float | None) -> Cell:
    """A loss cut (1 − net / condor, a fraction) as every table shows it: `fmt_loss_cut`'s
    words past 0–100 %, the sentence with the exact figure in the tooltip, red when the hedge
    adds to the loss; the percentage behind the cell for sorting."""
    value = _finite(cut)
    if value is None:
        return Cell(MISSING, tooltip="the condor does not lose here")
    tone = Tone.LOSS if value < 0 else Tone.PLAIN
    return Cell(fmt_loss_cut(value), 100.0 * value, "%", tone, fmt_loss_cut(value, long=True))


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
