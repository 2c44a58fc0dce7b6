"""A `Table` as plain-text lines, for the text reports (`hedge-planner report`, `replay`).

Every cell prints its whole text (`Cell.wide_text`) on one line: control and line-separator
characters from a plan or a file are shown as escapes, so a name cannot start a line of its
own in the report.
"""

from __future__ import annotations

from planner.model.plan import has_control_characters
from planner.present.table import Align, Table

__all__ = ["one_line", "table_lines"]


def one_line(text: str) -> str:
    """`text` with every control, format or line-separator character shown as an escape
    (a newline as \\n): a name from a plan cannot start a line of its own in the report."""
    if not has_control_characters(text):
        return text
    return "".join(
        c.encode("unicode_escape").decode("ascii") if has_control_characters(c) else c for c in text
    )


def table_lines(table: Table, indent: str = "  ", title: bool = False) -> list[str]:
    """The table's header, a rule and its rows, columns padded to their widest cell; text
    columns left-aligned, numbers right-aligned. The note (or, with no rows, the empty text)
    follows; `title` puts the table's title first."""
    flat = table.with_row_headers_as_column()
    headers = [one_line(c.title) for c in flat.columns]
    rows = [[one_line(c.wide_text) for c in row] for row in flat.rows]
    aligns = [
        [c.align or column.align for c, column in zip(row, flat.columns, strict=True)]
        for row in flat.rows
    ]
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]

    def line(cells: list[str], row_aligns: list[Align]) -> str:
        return (
            indent
            + "  ".join(
                c.ljust(w) if a is Align.LEFT else c.rjust(w)
                for c, w, a in zip(cells, widths, row_aligns, strict=True)
            ).rstrip()
        )

    out = [one_line(table.title)] if title else []
    head_aligns = [c.align for c in flat.columns]
    if any(headers):
        out.append(line(headers, head_aligns))
    out.append(line(["-" * w for w in widths], head_aligns))
    out += [line(r, a) for r, a in zip(rows, aligns, strict=True)]
    if not rows and table.empty_text:
        out.append(f"{indent}{one_line(table.empty_text)}")
    if table.note:
        out.append(f"{indent}{one_line(table.note)}")
    return out
