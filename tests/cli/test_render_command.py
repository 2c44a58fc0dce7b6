"""`hedge-planner render`: PDF/PNG/SVG of the sample headless; exit 2 with one line otherwise."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtGui import QImage

from planner.cli import sample_plan_path
from tests.cli.run import run

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)  # the command must find its own way without a display
    return run(*args, env=env, timeout_s=180)


def test_render_pdf_png_svg_without_a_display(tmp_path: Path) -> None:
    sample = str(sample_plan_path())
    pdf, png, svg = tmp_path / "a.pdf", tmp_path / "a.png", tmp_path / "a.svg"
    for out in (pdf, svg):
        result = run_cli("render", sample, "-o", str(out))
        assert result.returncode == 0, result.stderr
    result = run_cli("render", sample, "-o", str(png), "--width", "1800", "--horizon", "10")
    assert result.returncode == 0, result.stderr
    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    assert len(reader.pages) == 1
    assert "ironcondor" in "".join(reader.pages[0].extract_text().split())
    assert QImage(str(png)).width() == 1800
    assert b"<svg" in svg.read_bytes()[:2000]


def test_horizon_option_changes_the_page(tmp_path: Path) -> None:
    out = tmp_path / "h.pdf"
    result = run_cli("render", str(sample_plan_path()), "-o", str(out), "--horizon", "7")
    assert result.returncode == 0, result.stderr
    text = PdfReader(io.BytesIO(out.read_bytes())).pages[0].extract_text()
    assert "T+7d" in "".join(text.split())


def test_bad_input_exits_2_with_one_line(tmp_path: Path) -> None:
    sample = str(sample_plan_path())
    broken = tmp_path / "broken.hplan"
    broken.write_text("{not json", encoding="utf-8")
    cases = [
        (("render", str(tmp_path / "missing.hplan"), "-o", str(tmp_path / "x.pdf")), "missing"),
        (("render", str(broken), "-o", str(tmp_path / "x.pdf")), "broken.hplan"),
        (("render", sample, "-o", str(tmp_path / "x.txt")), ".txt"),
        (("render", sample, "-o", str(tmp_path / "nofolder" / "x.pdf")), "does not exist"),
        (("render", sample, "-o", str(tmp_path)), "unknown output type"),
        (("render", sample, "-o", str(tmp_path / "x.png"), "--width", "5"), "--width"),
        (("render", sample, "-o", str(tmp_path / "x.pdf"), "--horizon", "-3"), "--horizon"),
        (("render", sample), "-o"),
    ]
    for args, expected in cases:
        result = run_cli(*args)
        assert result.returncode == 2, (args, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("hedge-planner")
        assert expected in lines[0], lines[0]
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_unwritable_output_keeps_the_old_file(tmp_path: Path, monkeypatch: object) -> None:
    """A write failure (injected: tests may run as root) says why and leaves the old file."""
    from planner.cli import main

    out = tmp_path / "keep.pdf"
    out.write_bytes(b"old")

    def failing_replace(*_a: object, **_k: object) -> None:
        raise OSError(28, "No space left on device")

    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setattr(os, "replace", failing_replace)
    code = main(["render", str(sample_plan_path()), "-o", str(out)])
    assert code == 2
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.pdf"]  # no temp file left behind
