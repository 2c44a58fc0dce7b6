"""The table-of-cells rules (planner.present.table, planner.present.text) for all inputs."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.present.formatting import MINUS, MISSING, fmt_loss_cut, fmt_usd
from planner.present.table import (
    Align,
    Cell,
    Column,
    Table,
    Tone,
    compact_usd_cell,
    loss_cut_cell,
    usd_cell,
)
from planner.present.text import table_lines

finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)
words = st.text(alphabet="abcdefgh XY-", min_size=1, max_size=12).map(str.strip).filter(bool)


@given(st.one_of(st.none(), finite, st.just(math.nan), st.just(math.inf)))
def test_loss_cut_cell_is_fmt_loss_cut_red_only_when_the_hedge_adds_loss(cut: float | None) -> None:
    cell = loss_cut_cell(cut)
    if cut is None or not math.isfinite(cut):
        assert cell.text == MISSING and cell.number is None and cell.tone is Tone.PLAIN
        return
    assert cell.text == fmt_loss_cut(cut)
    assert cell.tooltip == fmt_loss_cut(cut, long=True)
    assert cell.number == pytest.approx(100 * cut)
    assert (cell.tone is Tone.LOSS) == (cut < 0)


@given(finite)
def test_compact_dollars_keep_the_exact_figure(x: float) -> None:
    cell = compact_usd_cell(x, "note")
    assert cell.full_text == fmt_usd(x, sign=True) == cell.wide_text
    assert cell.tooltip == f"{cell.full_text} (note)"
    assert (cell.tone is Tone.LOSS) == (x < 0)
    assert usd_cell(x, toned=False).tone in (Tone.PLAIN, Tone.LOSS)
    assert (usd_cell(x, toned=False).tone is Tone.LOSS) == cell.full_text.startswith(MINUS)


def _table(headers: list[str], values: list[list[float]]) -> Table:
    return Table(
        "T",
        (Column("x"), Column("name", Align.LEFT)),
        tuple((Cell(f"{v[0]:g}", v[0]), Cell(f"n{i}")) for i, v in enumerate(values)),
        row_headers=tuple(Cell(h) for h in headers),
        row_header_title="Row",
        bold_rows=frozenset(i for i in range(len(values)) if i % 2),
    )


rows = st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), finite), min_size=1, max_size=12)


@given(rows)
def test_row_headers_become_a_first_column(data: list[tuple[str, float]]) -> None:
    table = _table([h for h, _ in data], [[v] for _, v in data])
    flat = table.with_row_headers_as_column()
    assert flat.headers == ("Row", "x", "name") and not flat.row_headers
    assert [r[0].text for r in flat.rows] == [h for h, _ in data]
    assert [r[1:] for r in flat.rows] == list(table.rows)
    assert flat.bold_rows == table.bold_rows


@given(st.lists(st.tuples(words, finite), min_size=0, max_size=8), st.booleans())
def test_text_lines_align_every_column(data: list[tuple[str, float]], note: bool) -> None:
    table = Table(
        "T",
        (Column("name", Align.LEFT), Column("value")),
        tuple((Cell(n), Cell(f"{v:,.2f}", v)) for n, v in data),
        note="a note" if note else "",
        empty_text="nothing",
    )
    lines = table_lines(table, indent="")
    assert lines[0].startswith("name") and lines[0].endswith("value")
    body = lines[2 : 2 + len(data)]
    width = len(lines[1])
    for line, (name, value) in zip(body, data, strict=True):
        assert line.startswith(name) and line.endswith(f"{value:,.2f}")
        assert len(line) == width  # numbers right-aligned to the rule's end
    tail = lines[2 + len(data) :]
    assert tail == (["nothing"] if not data else []) + (["a note"] if note else [])


def test_a_line_break_in_a_cell_is_escaped() -> None:
    table = Table("T", (Column("name", Align.LEFT),), ((Cell("a\n* forged"),),))
    assert table_lines(table) == ["  name", "  " + "-" * 11, "  a\\n* forged"]


def test_row_headers_must_match_the_rows() -> None:
    with pytest.raises(ValueError, match="row headers"):
        Table("T", (Column("x"),), ((Cell("1"),),), row_headers=(Cell("a"), Cell("b")))
