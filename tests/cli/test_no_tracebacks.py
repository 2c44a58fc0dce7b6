"""Every user mistake ends with exit 2 and one line, never a traceback (issue #14, item 4)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.run import run

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "resources" / "sample.hplan"


def run_shell(command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", f"set -o pipefail; {command}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHON": sys.executable, "QT_QPA_PLATFORM": "offscreen"},
    )


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return run(*args, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})


def one_clean_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def plan_with(tmp_path: Path, **changes: object) -> Path:
    doc = json.loads(SAMPLE.read_text(encoding="utf-8"))
    doc.update(changes)
    path = tmp_path / "p.hplan"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


@pytest.mark.parametrize("date", ["0001-06-01", "1989-12-31", "2201-01-01", "9997-10-13"])
@pytest.mark.parametrize("command", ["report", "render"])
def test_valuation_dates_out_of_range_are_one_line(tmp_path: Path, date: str, command: str) -> None:
    path = plan_with(
        tmp_path,
        valuation_date=date,
        legs=[],
        market={**json.loads(SAMPLE.read_text(encoding="utf-8"))["market"], "futures": []},
    )
    extra = ["-o", str(tmp_path / "out.png")] if command == "render" else []
    line = one_clean_line(run_cli(command, str(path), *extra))
    assert "valuation_date" in line and "1990-01-01 to 2200-12-31" in line


def test_leg_expiry_out_of_range_is_named(tmp_path: Path) -> None:
    doc = json.loads(SAMPLE.read_text(encoding="utf-8"))
    doc["legs"][0]["expiry"] = "9999-12-31"
    path = tmp_path / "p.hplan"
    path.write_text(json.dumps(doc), encoding="utf-8")
    line = one_clean_line(run_cli("report", str(path)))
    assert "legs[0].expiry" in line and "2200-12-31" in line


def test_render_to_a_name_too_long_is_one_line(tmp_path: Path) -> None:
    target = tmp_path / ("x" * 300 + ".png")
    line = one_clean_line(run_cli("render", str(SAMPLE), "-o", str(target)))
    assert "file name is too long" in line


def test_report_into_a_closed_pipe_exits_quietly() -> None:
    result = run_shell('"$PYTHON" -m planner.cli report resources/sample.hplan | head -1')
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert len(result.stdout.splitlines()) == 1


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_report_to_a_full_disk_is_one_line(fmt: str) -> None:
    result = run_shell(
        f'"$PYTHON" -m planner.cli report resources/sample.hplan --format {fmt} > /dev/full'
    )
    line = one_clean_line(result)
    assert "no space left" in line


def test_render_through_a_link_replaces_the_linked_file_and_keeps_the_link(
    tmp_path: Path,
) -> None:
    # One writer for plans and snapshots (item 8): both follow a link.
    real = tmp_path / "real.png"
    real.write_bytes(b"old")
    link = tmp_path / "link.png"
    link.symlink_to(real)
    result = run_cli("render", str(SAMPLE), "-o", str(link), "--width", "1600")
    assert result.returncode == 0, result.stderr
    assert link.is_symlink()
    assert real.read_bytes().startswith(b"\x89PNG")


def test_replay_csv_with_a_name_too_long_is_one_line(tmp_path: Path) -> None:
    target = tmp_path / ("t" * 300 + ".csv")
    line = one_clean_line(
        run_cli("replay", str(SAMPLE), "--history", str(tmp_path), "--trades", str(target))
    )
    assert "--trades" in line and "file name is too long" in line
