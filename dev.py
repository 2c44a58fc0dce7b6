#!/usr/bin/env python3
"""One-command set-up and run for Hedge Planner (needs only Python >= 3.11 and git).

    python3 dev.py run      # create .venv, install the app, open it on the sample plan
    python3 dev.py test     # create .venv, install app + test tools, run the whole suite headless
    python3 dev.py bench    # ... and run only the benchmarks, printing their figures
    python3 dev.py check    # ruff, mypy and the import-layer contracts

Extra arguments after the command go to the app (run) or to pytest (test, bench).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def _ensure_venv(extras: str) -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"Hedge Planner needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not PYTHON.exists():
        print(f"Creating virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    # Re-install only when pyproject.toml or the requested extras changed.
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / f".installed-{extras or 'app'}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    print("Installing Hedge Planner and its dependencies ...", flush=True)
    spec = f".[{extras}]" if extras else "."
    subprocess.run(
        [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", spec],
        cwd=ROOT,
        check=True,
    )
    stamp.write_text(digest)


def _run(args: list[str], env: dict[str, str] | None = None) -> int:
    return subprocess.run(args, cwd=ROOT, env=env).returncode


def main(argv: list[str]) -> int:
    command, rest = (argv[0], argv[1:]) if argv else ("run", [])
    if command == "run":
        _ensure_venv("")
        return _run([str(BIN / "hedge-planner"), *rest])
    if command in ("test", "bench", "check"):
        _ensure_venv("test")
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        if command == "check":
            steps = [
                [str(PYTHON), "-m", "ruff", "check", "planner", "tests"],
                [str(PYTHON), "-m", "ruff", "format", "--check", "planner", "tests"],
                [str(PYTHON), "-m", "mypy"],
                [str(BIN / "lint-imports")],
            ]
            return max(_run(step, env) for step in steps)
        if command == "bench":
            return _run([str(PYTHON), "-m", "pytest", "tests/benchmarks", "-v", *rest], env)
        return _run([str(PYTHON), "-m", "pytest", *rest], env)
    sys.exit(f"unknown command {command!r}; use run, test, bench or check")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
