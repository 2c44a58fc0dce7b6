"""`hedge-planner` command line: the window by default, headless reports as sub-commands.

    hedge-planner [PLAN]                              open the window (bundled sample if no PLAN)
    hedge-planner report PLAN [--format text|json]    print the full risk report

Exit 0 on success, 2 on bad input with one line on stderr: never a traceback for user mistakes.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import NoReturn

EXIT_BAD_INPUT = 2
SAMPLE_PLAN = "sample.hplan"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"hedge-planner: {message}\n")


def sample_plan_path() -> Path:
    return Path(str(resources.files("planner.resources").joinpath(SAMPLE_PLAN)))


def _report(args: argparse.Namespace) -> int:
    from planner.engine import EngineInputError, evaluate
    from planner.model import PlanFileError, load_plan
    from planner.model.report_io import report_to_dict, report_to_text

    try:
        plan = load_plan(Path(args.plan))
        report = evaluate(plan)
    except PlanFileError as exc:
        print(f"hedge-planner: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except EngineInputError as exc:
        print(f"hedge-planner: {args.plan}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.format == "json":
        print(json.dumps(report_to_dict(report), indent=2, allow_nan=False))
    else:
        sys.stdout.write(report_to_text(report))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    if args_in and args_in[0] == "report":
        parser = _Parser(prog="hedge-planner report", description="Print a plan's risk report.")
        parser.add_argument("plan", help="plan file (.hplan)")
        parser.add_argument("--format", choices=("text", "json"), default="text")
        return _report(parser.parse_args(args_in[1:]))
    parser = _Parser(
        prog="hedge-planner",
        description="Plan SPX iron condors hedged with layered VIX calls. "
        "Sub-commands: report PLAN [--format text|json].",
    )
    parser.add_argument("plan", nargs="?", help="plan file to open (default: the bundled sample)")
    args = parser.parse_args(args_in)
    from planner.ui.app import run_gui

    return run_gui(args.plan)


if __name__ == "__main__":
    sys.exit(main())
