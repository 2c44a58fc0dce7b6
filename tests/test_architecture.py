"""The layering rules of DESIGN.md section 5, checked on every test run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_hold() -> None:
    """import-linter contracts in pyproject.toml: ui -> model -> engine; engine/model Qt-free."""
    from importlinter.cli import lint_imports

    assert lint_imports(config_filename=str(ROOT / "pyproject.toml")) == 0


def test_engine_and_model_load_without_qt_or_pandas() -> None:
    """Also at run time (a lazy import inside a function would slip past static analysis)."""
    code = (
        "import sys, planner.engine, planner.model, planner.model.report_io, planner.present;"
        "import planner.present.report_text, planner.present.replay_text;"
        "import planner.present.chain_text;"
        "from planner.engine import evaluate;"
        "from planner.model import load_plan;"
        "evaluate(load_plan('resources/sample.hplan'));"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'pyqtgraph', 'shiboken6', 'pandas', 'exchange_calendars'));"
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_ruff_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "planner", "tests"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
