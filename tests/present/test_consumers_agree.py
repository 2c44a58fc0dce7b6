"""Every consumer of a report shows the same table (issue #12 item 2): the risk dock, the
layers' tables, the printed page and the text report read the loss cut, the greeks (with VIX
Δ) and the stress P&L from one builder, so they cannot drift apart."""

from __future__ import annotations

import io
import re
import unicodedata

import pytest
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from planner.cli import sample_plan_path
from planner.engine import evaluate
from planner.engine.report import Report
from planner.model.plan import Plan
from planner.model.planfile import load_plan
from planner.present.alvh import layer_stress_table
from planner.present.formatting import fmt_loss_cut, fmt_usd
from planner.present.report_text import report_to_text
from planner.present.risk import GREEK_COLUMNS, greeks_table, stress_table
from planner.ui.risk_panel import RiskPanel
from planner.ui.snapshot import Snapshot


def _squash(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


@pytest.fixture(scope="module")
def big() -> tuple[Plan, Report]:
    """The sample at 7x: loss cuts in all three regimes (a share, "net gain", "adds loss")."""
    plan = load_plan(sample_plan_path())
    plan = plan.with_changes(
        legs=tuple(leg.with_changes(quantity=7 * leg.quantity) for leg in plan.legs)
    )
    return plan, evaluate(plan)


def _text_row(text: str, name: str) -> str:
    return next(line for line in text.splitlines() if line.strip().startswith(name))


def test_every_consumer_shows_the_same_loss_cut(qtbot: QtBot, big: tuple[Plan, Report]) -> None:
    plan, report = big
    cuts = [s.loss_cut for s in report.stress]
    words = {fmt_loss_cut(c) for c in cuts if c is not None}
    assert {"net gain", "adds loss"} <= words and any(w.endswith("%") for w in words)

    panel = RiskPanel()
    qtbot.addWidget(panel)
    panel.set_report(report)
    model = panel.stress_model
    cut_column = model.table.headers.index("Loss cut") if model.table else -1
    text = report_to_text(report)
    stress_part = text[text.index("STRESS") : text.index("ALVH LAYERS")]
    page = _squash(
        "\n".join(
            p.extract_text()
            for p in PdfReader(io.BytesIO(Snapshot(plan, report).pdf_bytes())).pages
        )
    )
    table = stress_table(report)
    for r, row in enumerate(report.stress):
        shown = fmt_loss_cut(row.loss_cut)
        assert model.data(model.index(r, cut_column)) == shown
        assert table.rows[r][cut_column].text == shown
        assert _text_row(stress_part, row.name).rstrip().endswith(shown)
        # On paper: the full name, then the market, P&L, net and the loss cut on one row.
        assert _squash(f"{row.name}") in page
        assert _squash(f"{fmt_usd(row.net_pnl_usd, sign=True)}{shown}") in page

    layer_table = layer_stress_table(report.alvh)
    cut = layer_table.headers.index("Loss cut")
    alvh_part = text[text.index("Stress with the proposed hedge") :]
    for r, row in enumerate(report.alvh.stress):
        assert layer_table.rows[r][cut].text == fmt_loss_cut(row.loss_cut)
        assert f"  {fmt_loss_cut(row.loss_cut)}  " in _text_row(alvh_part, row.name) + "  "


def test_the_printed_and_text_greeks_have_vix_delta(qtbot: QtBot, big: tuple[Plan, Report]) -> None:
    plan, report = big
    table = greeks_table(report)
    assert table.headers == tuple(c[0] for c in GREEK_COLUMNS)
    vix = table.headers.index("VIX Δ")
    page = _squash(
        "\n".join(
            p.extract_text()
            for p in PdfReader(io.BytesIO(Snapshot(plan, report).pdf_bytes())).pages
        )
    )
    assert "VIXΔ" in page
    text = report_to_text(report)
    header = _text_row(text, "Group   SPX Δ")
    assert "VIX Δ" in header
    for name, row in zip(table.row_names, table.rows, strict=True):
        shown = row[vix].text
        assert _squash(f"{name}") in page and _squash(shown) in page
        # The text report's row for the group has the same cells in the same order.
        cells = re.split(r"\s{2,}", _text_row(text[text.index("GREEKS") :], name).strip())
        assert cells == [name, *(c.text for c in row)]


def test_the_dock_and_the_page_read_one_stress_table(
    qtbot: QtBot, big: tuple[Plan, Report]
) -> None:
    _plan, report = big
    panel = RiskPanel()
    qtbot.addWidget(panel)
    panel.set_report(report)
    assert panel.stress_model.table == stress_table(report)
    assert panel.greeks_model.table == greeks_table(report)
