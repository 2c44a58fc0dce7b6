"""The one-page snapshot: PDF text and pages, PNG size and content, SVG curves, pagination."""

from __future__ import annotations

import io
import unicodedata
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from pypdf import PdfReader
from PySide6.QtCore import QLocale
from PySide6.QtGui import QImage, QPageSize
from pytestqt.qtbot import QtBot

from planner.cli import sample_plan_path
from planner.engine.evaluate import evaluate
from planner.engine.report import Report
from planner.model.plan import Plan, StressScenario
from planner.model.planfile import load_plan
from planner.present.formatting import fmt_usd
from planner.ui.snapshot import Snapshot, SnapshotFormat, default_page_size


@pytest.fixture
def sample(qtbot: QtBot) -> tuple[Plan, Report]:
    plan = load_plan(sample_plan_path())
    return plan, evaluate(plan)


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def squash(text: str) -> str:
    # NFKC folds the ligatures ("ﬂ", "ﬀ") a PDF text layer may hold back into letters.
    return "".join(unicodedata.normalize("NFKC", text).split())


def test_pdf_has_one_page_with_name_and_key_numbers(sample: tuple[Plan, Report]) -> None:
    plan, report = sample
    snapshot = Snapshot(plan, report)
    pages, text = pdf_text(snapshot.pdf_bytes())
    assert pages == snapshot.page_count == 1
    flat = squash(text)
    assert squash(plan.name) in flat
    assert squash(report.valuation_date.isoformat()) in flat
    # Key numbers as the formatter writes them (typographic minus included).
    for value in (report.net_credit_usd, report.condor_max_loss_usd, report.condor_max_profit_usd):
        assert fmt_usd(value) in flat
    for row in report.stress:
        assert squash(row.name) in flat
        assert fmt_usd(row.net_pnl_usd) in flat
    for leg in report.legs:
        assert leg.id in flat
    assert "Page1of" not in flat  # one page: no page numbers


def test_pdf_page_is_landscape_of_the_chosen_size(sample: tuple[Plan, Report]) -> None:
    plan, report = sample
    for size, (long_pt, short_pt) in (
        (QPageSize.PageSizeId.A4, (842, 595)),
        (QPageSize.PageSizeId.Letter, (792, 612)),
    ):
        data = Snapshot(plan, report, page_size=QPageSize(size)).pdf_bytes()
        box = PdfReader(io.BytesIO(data)).pages[0].mediabox
        assert float(box.width) == pytest.approx(long_pt, abs=2)
        assert float(box.height) == pytest.approx(short_pt, abs=2)


def test_page_size_follows_the_locale() -> None:
    assert default_page_size(QLocale("en_US")).id() == QPageSize.PageSizeId.Letter
    assert default_page_size(QLocale("en_CA")).id() == QPageSize.PageSizeId.Letter
    assert default_page_size(QLocale("de_DE")).id() == QPageSize.PageSizeId.A4
    assert default_page_size(QLocale("en_GB")).id() == QPageSize.PageSizeId.A4


def test_long_stress_table_spills_onto_numbered_pages(sample: tuple[Plan, Report]) -> None:
    plan, _ = sample
    many = tuple(
        StressScenario(name=f"Scenario {n:02d}", spx_move_pct=-0.5 * n) for n in range(1, 61)
    )
    long_plan = plan.with_changes(stress=many)
    report = evaluate(long_plan)
    snapshot = Snapshot(long_plan, report)
    pages, text = pdf_text(snapshot.pdf_bytes())
    assert pages == snapshot.page_count >= 2
    flat = squash(text)
    assert f"Page1of{pages}" in flat and f"Page{pages}of{pages}" in flat
    assert "(continued)" in text
    for n in (1, 30, 60):  # every row made it onto some page, none twice
        assert flat.count(f"Scenario{n:02d}") == 1


def test_png_has_the_requested_width_and_is_not_blank(sample: tuple[Plan, Report]) -> None:
    plan, report = sample
    snapshot = Snapshot(plan, report)
    data = snapshot.png_bytes(1600)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    image = QImage.fromData(data)
    assert image.width() == 1600
    ratio = snapshot.page_height / snapshot.page_width
    assert image.height() == pytest.approx(1600 * ratio, abs=1)
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    stride = grey.bytesPerLine()
    pixels = np.frombuffer(grey.constBits(), dtype=np.uint8, count=stride * grey.height())
    pixels = pixels.reshape(grey.height(), stride)[:, : grey.width()]
    assert pixels.std() > 10  # text, lines and fills, not a white sheet
    assert (pixels < 100).mean() > 0.005  # a fair amount of dark ink
    with pytest.raises(ValueError, match="PNG width"):
        snapshot.png_bytes(50)


def test_svg_parses_and_holds_the_curves(sample: tuple[Plan, Report]) -> None:
    plan, report = sample
    data = Snapshot(plan, report).svg_bytes()
    root = ET.fromstring(data)
    ns = "{http://www.w3.org/2000/svg}"
    paths = list(root.iter(f"{ns}path")) + list(root.iter(f"{ns}polyline"))
    # The payoff curves have hundreds of points each: look for long paths.
    long_paths = [p for p in paths if len(p.get("d", p.get("points", ""))) > 2000]
    assert len(long_paths) >= 3
    texts = "".join("".join(t.itertext()) for t in root.iter(f"{ns}text"))
    assert squash(plan.name) in squash(texts)


def test_format_from_suffix() -> None:
    assert SnapshotFormat.from_suffix(".PDF") is SnapshotFormat.PDF
    assert SnapshotFormat.from_suffix("svg") is SnapshotFormat.SVG
    with pytest.raises(ValueError, match=r"\.txt"):
        SnapshotFormat.from_suffix(".txt")


def test_print_keeps_positions_whole_and_reads_loss_cuts(sample: tuple[Plan, Report]) -> None:
    """#13.11: with a 7x position the legs' positions and ids print whole (the group column
    goes first); loss cuts past 0-100 % print in words; the condor line shows on paper."""
    from planner.present.formatting import fmt_loss_cut, fmt_num
    from planner.ui.theme import PRINT, CurveKey

    plan, _ = sample
    big = plan.with_changes(
        legs=tuple(leg.with_changes(quantity=7 * leg.quantity) for leg in plan.legs)
    )
    report = evaluate(big)
    pages, text = pdf_text(Snapshot(big, report).pdf_bytes())
    assert pages == 1
    flat = squash(text)
    for leg in report.legs:
        assert leg.id in flat
        strike = fmt_num(leg.strike, 0 if leg.strike >= 100 else 1)
        assert (
            squash(f"{fmt_num(leg.quantity, 0, sign=True)} {leg.underlying.value} {strike}") in flat
        )
    cuts = [row.loss_cut for row in report.stress if row.loss_cut is not None]
    assert any(cut > 1.0 for cut in cuts)
    for cut in cuts:
        assert squash(fmt_loss_cut(cut)) in flat
    assert "netgain" in flat
    condor = PRINT.curves[CurveKey.CONDOR]
    lightness = sum(condor.colour) / 3
    assert condor.width >= 1.5 and lightness < 100
