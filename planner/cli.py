"""`hedge-planner` command line: the window by default, headless reports as sub-commands.

    hedge-planner [PLAN]                              open the window (bundled sample if no PLAN)
    hedge-planner report PLAN [--format text|json] [--vix-history CSV] [--chain CSV]
                                                      print the full risk report (with VIX
                                                      RSI/MACD signals from a Cboe VIX CSV;
                                                      market vs model per SPX leg from a Cboe
                                                      SPX option chain)
    hedge-planner render PLAN -o OUT.pdf|png|svg [--horizon DAYS] [--width PX] [--chain CSV]
                         [--history DIR [--start DATE] [--end DATE]] [--layers]
                                                      the one-page payoff snapshot, headless
                                                      (SPX legs at the chain's fitted smile;
                                                      a replay page with --history, the ALVH
                                                      layer proposal's page with --layers)
    hedge-planner replay PLAN --history DIR [--start DATE] [--end DATE] [--format text|json]
                         [--trades CSV] [--daily CSV] [--sweep START:STOP:STEP] [--chain CSV]
                                                      run the plan's condor + ALVH programme
                                                      on real daily history (SPX slippage
                                                      from a chain's bid/ask with --chain)

Exit 0 on success, 2 on bad input with one line on stderr: never a traceback for user mistakes.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    import datetime as dt

    from planner.engine.replay_result import ReplayResult
    from planner.model.plan import Plan

EXIT_BAD_INPUT = 2
SAMPLE_PLAN = "sample.hplan"


def _fail(message: str) -> int:
    print(f"hedge-planner: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"hedge-planner: {message}\n")


def sample_plan_path() -> Path:
    return Path(str(resources.files("planner.resources").joinpath(SAMPLE_PLAN)))


def _write_stdout(text: str) -> int:
    """Print a command's result; a closed pipe (`| head`) ends quietly, a full disk says so."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader has gone, which is how `| head -1` ends: nothing to say.
        _detach_stdout()
        return 0
    except OSError as exc:
        from planner.model.errors import describe_os_error

        _detach_stdout()
        print(
            f"hedge-planner: could not write the output: {describe_os_error(exc)}",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    return 0


def _detach_stdout() -> None:
    """Point stdout at the null device, so the interpreter's flush at exit cannot fail again."""
    with contextlib.suppress(OSError, ValueError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)


def _report(args: argparse.Namespace) -> int:
    from planner.engine import EngineInputError, evaluate
    from planner.model import PlanFileError, load_plan
    from planner.model.report_io import report_to_dict
    from planner.present.report_text import report_to_text

    try:
        plan = load_plan(Path(args.plan))
    except PlanFileError as exc:
        return _fail(str(exc))
    history = None
    if args.vix_history is not None:
        from planner.model.vix_history import VixHistoryError, load_vix_history

        try:
            history = load_vix_history(args.vix_history)
        except VixHistoryError as exc:
            return _fail(str(exc))
    try:
        # The history is an input of the engine, which derives the RSI / MACD signals from it.
        report = evaluate(plan, vix_history=history)
    except EngineInputError as exc:
        return _fail(f"{args.plan}: {exc}")
    comparison = None
    if args.chain is not None:
        from planner.model.chain import ChainFileError, compare_plan, load_chain

        try:
            comparison = compare_plan(plan, report, load_chain(args.chain))
        except ChainFileError as exc:
            return _fail(str(exc))
    if args.format == "json":
        data = report_to_dict(report)
        if comparison is not None:
            from planner.model.chain import comparison_to_dict

            data["chain"] = comparison_to_dict(comparison)
        return _write_stdout(json.dumps(data, indent=2, allow_nan=False) + "\n")
    text = report_to_text(report)
    if comparison is not None:
        from planner.present.chain_text import comparison_text_lines

        text += "\n" + "\n".join(comparison_text_lines(comparison)) + "\n"
    return _write_stdout(text)


def _render(args: argparse.Namespace) -> int:
    from planner.engine import EngineInputError, evaluate
    from planner.model import PlanFileError, load_plan
    from planner.model.chain import ChainFileError

    out = Path(args.output)
    suffix = out.suffix.lower().lstrip(".")
    if suffix not in ("pdf", "png", "svg"):
        shown = f".{suffix}" if suffix else "no extension"
        return _fail(f"{args.output}: unknown output type ({shown}); use .pdf, .png or .svg")
    problem = _output_problem(args.output, out)
    if problem is not None:
        return _fail(problem)
    if args.horizon is not None and not 0 <= args.horizon <= 3650:
        return _fail(f"--horizon: must be 0-3650 days (got {args.horizon})")
    try:
        plan = load_plan(Path(args.plan))
        if args.chain is not None:
            from planner.model.chain import load_chain, with_chain_smile

            chain = load_chain(args.chain)
            plan = with_chain_smile(plan, chain)
            if chain.is_stale(plan.valuation_date):
                print(
                    f"hedge-planner: warning: {chain.source} quotes "
                    f"{chain.session.isoformat()}, the plan is valued on "
                    f"{plan.valuation_date.isoformat()} (stale chain)",
                    file=sys.stderr,
                )
        if args.horizon is not None:
            plan = plan.with_changes(view=plan.view.with_changes(horizon_days=args.horizon))
        report = evaluate(plan)
        replay = None
        if args.history is not None:
            replay = _render_replay(plan, args)
    except (_OptionError, PlanFileError, ChainFileError) as exc:
        return _fail(str(exc))
    except (EngineInputError, ValueError) as exc:
        return _fail(f"{args.plan}: {exc}")
    # No display (a server, CI, ssh): draw with Qt's offscreen platform.
    if (
        sys.platform.startswith("linux")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from planner.ui.snapshot import MAX_PNG_WIDTH_PX, MIN_PNG_WIDTH_PX, write_snapshot

    if not MIN_PNG_WIDTH_PX <= args.width <= MAX_PNG_WIDTH_PX:
        return _fail(
            f"--width: must be {MIN_PNG_WIDTH_PX}-{MAX_PNG_WIDTH_PX} px (got {args.width})"
        )
    try:
        write_snapshot(plan, report, out, width_px=args.width, replay=replay, layers=args.layers)
    except OSError as exc:
        return _fail(f"{args.output}: could not write: {_os_reason(exc)}")
    return 0


class _OptionError(ValueError):
    """A bad option value (its message is the one line to print)."""


def _date_range(args: argparse.Namespace) -> tuple[dt.date | None, dt.date | None]:
    """(--start, --end) as dates, None where not given."""
    import datetime as dt

    dates: dict[str, dt.date | None] = {}
    for name in ("start", "end"):
        text = getattr(args, name)
        try:
            dates[name] = None if text is None else dt.date.fromisoformat(text)
        except ValueError:
            raise _OptionError(f"--{name}: {text!r} is not a date (YYYY-MM-DD)") from None
    start, end = dates["start"], dates["end"]
    if start is not None and end is not None and end < start:
        raise _OptionError(f"--end {end.isoformat()} is before --start {start.isoformat()}")
    return start, end


def _output_problem(label: str, out: Path) -> str | None:
    """Why `out` cannot be written (a folder, a missing folder, a bad name), or None."""
    try:
        if out.is_dir():
            return f"{label}: is a folder, not a file"
        if not out.parent.is_dir():
            return f"{label}: the folder {str(out.parent)!r} does not exist"
    except (OSError, ValueError) as exc:  # a name too long for the file system, a NUL
        return f"{label}: cannot write here: {_os_reason(exc)}"
    return None


def _render_replay(plan: Plan, args: argparse.Namespace) -> ReplayResult:
    """The replay for `render --history DIR` (the snapshot's replay page)."""
    from planner.engine import EngineInputError
    from planner.model.history import HistoryError, find_history_files, load_history
    from planner.model.replay import replay_plan

    start, end = _date_range(args)
    try:
        history = load_history(find_history_files(args.history), start, end)
        return replay_plan(plan, history)
    except HistoryError as exc:
        raise _OptionError(str(exc)) from None
    except EngineInputError as exc:
        raise _OptionError(f"{args.plan}: replay: {exc}") from None


def _replay(args: argparse.Namespace) -> int:
    from planner.engine import EngineInputError
    from planner.model import PlanFileError, load_plan
    from planner.model.atomic import AtomicWriteError
    from planner.model.chain import ChainFileError
    from planner.model.history import HistoryError, find_history_files, load_history
    from planner.model.replay import (
        daily_csv,
        parse_sweep,
        replay_plan,
        replay_to_dict,
        trades_csv,
        write_csv,
    )
    from planner.present.replay_text import replay_to_text

    try:
        start, end = _date_range(args)
    except _OptionError as exc:
        return _fail(str(exc))
    sweep: tuple[float, ...] = ()
    if args.sweep is not None:
        try:
            sweep = parse_sweep(args.sweep)
        except ValueError as exc:
            return _fail(f"--sweep: {exc}")
    for option in ("trades", "daily"):
        target = getattr(args, option)
        if target is not None:
            problem = _output_problem(f"--{option} {target}", Path(target))
            if problem is not None:
                return _fail(problem)
    slippage_note = None
    try:
        plan = load_plan(Path(args.plan))
        if args.chain is not None:
            plan, slippage_note = _chain_slippage(plan, args.chain)
        files = find_history_files(args.history, spx=args.spx, vix=args.vix, futures=args.futures)
        history = load_history(files, start, end)
        result = replay_plan(plan, history, sweep=sweep)
    except (PlanFileError, HistoryError, ChainFileError) as exc:
        return _fail(str(exc))
    except EngineInputError as exc:
        return _fail(f"{args.plan}: {exc}")
    for option, to_csv in (("trades", trades_csv), ("daily", daily_csv)):
        target = getattr(args, option)
        if target is None:
            continue
        try:
            write_csv(target, to_csv(result))
        except AtomicWriteError as exc:
            return _fail(f"{target}: could not write: {exc.reason}")
        except OSError as exc:
            return _fail(f"{target}: could not write: {exc.strerror or exc}")
    if args.format == "json":
        data = replay_to_dict(result, history)
        if slippage_note is not None:
            data["spx_half_spread_from_chain"] = slippage_note
        return _write_stdout(json.dumps(data, indent=2, allow_nan=False) + "\n")
    text = replay_to_text(result, history)
    if slippage_note is not None:
        text = (
            f"SPX slippage from {slippage_note['file']}: half spread "
            f"{slippage_note['half_spread_pts']:.3f} pts (median of {slippage_note['quotes']} "
            f"quotes, {slippage_note['min_days']}-{slippage_note['max_days']} days, "
            f"3-25 delta)\n\n" + text
        )
    return _write_stdout(text)


def _chain_slippage(plan: Plan, path: str) -> tuple[Plan, dict[str, object]]:
    """The plan with its programme's SPX half spread measured on a chain (DESIGN.md section 8:
    the chain's bid/ask widths give the replay its slippage), around the programme's days."""
    from planner.model.chain import load_chain, spx_half_spread_pts

    chain = load_chain(path)
    target = plan.programme.condor.target_days
    min_days, max_days = max(1, round(target * 2 / 3)), max(2, round(target * 4 / 3))
    half_spread, quotes = spx_half_spread_pts(chain, min_days, max_days)
    costs = plan.programme.costs.with_changes(spx_half_spread_pts=round(half_spread, 3))
    plan = plan.with_changes(programme=plan.programme.with_changes(costs=costs))
    note: dict[str, object] = {
        "file": chain.source,
        "session": chain.session.isoformat(),
        "half_spread_pts": round(half_spread, 3),
        "quotes": quotes,
        "min_days": min_days,
        "max_days": max_days,
    }
    return plan, note


def _os_reason(exc: Exception) -> str:
    from planner.model.atomic import AtomicWriteError
    from planner.model.errors import describe_os_error

    if isinstance(exc, AtomicWriteError):
        return exc.reason
    if isinstance(exc, OSError):
        return describe_os_error(exc)
    return str(exc)


def main(argv: Sequence[str] | None = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    if args_in and args_in[0] == "report":
        parser = _Parser(prog="hedge-planner report", description="Print a plan's risk report.")
        parser.add_argument("plan", help="plan file (.hplan)")
        parser.add_argument("--format", choices=("text", "json"), default="text")
        parser.add_argument(
            "--vix-history",
            metavar="CSV",
            help="Cboe VIX history (DATE,OPEN,HIGH,LOW,CLOSE) for the RSI/MACD signals",
        )
        parser.add_argument(
            "--chain",
            metavar="CSV",
            help="Cboe delayed-quote SPX option chain: market bid/ask/mid/IV beside the model",
        )
        return _report(parser.parse_args(args_in[1:]))
    if args_in and args_in[0] == "render":
        parser = _Parser(
            prog="hedge-planner render",
            description="Draw a plan's one-page payoff snapshot to PDF, PNG or SVG.",
        )
        parser.add_argument("plan", help="plan file (.hplan)")
        parser.add_argument("-o", "--output", required=True, help="OUT.pdf, OUT.png or OUT.svg")
        parser.add_argument("--horizon", type=int, help="days to the middle payoff curve")
        parser.add_argument("--width", type=int, default=2400, help="PNG width in pixels")
        parser.add_argument(
            "--chain",
            metavar="CSV",
            help="Cboe delayed-quote SPX option chain: SPX legs without a user IV at its smile",
        )
        parser.add_argument(
            "--history",
            metavar="DIR",
            help="folder with S&P 500, VIX and VIX futures daily CSVs: adds the replay page",
        )
        parser.add_argument("--start", help="first day of the replay page (YYYY-MM-DD)")
        parser.add_argument("--end", help="last day of the replay page (YYYY-MM-DD)")
        parser.add_argument(
            "--layers",
            action="store_true",
            help="add the ALVH layer proposal's page (layers, totals, stress by layer)",
        )
        return _render(parser.parse_args(args_in[1:]))
    if args_in and args_in[0] == "replay":
        parser = _Parser(
            prog="hedge-planner replay",
            description="Run the plan's condor + ALVH programme on real daily history "
            "(model-priced) and report what the hedge cost and cut.",
        )
        parser.add_argument("plan", help="plan file (.hplan)")
        parser.add_argument(
            "--history",
            required=True,
            metavar="DIR",
            help="folder with the S&P 500, Cboe VIX and VIX futures daily CSVs",
        )
        parser.add_argument("--start", metavar="DATE", help="first day (YYYY-MM-DD)")
        parser.add_argument("--end", metavar="DATE", help="last day (YYYY-MM-DD)")
        parser.add_argument("--format", choices=("text", "json"), default="text")
        parser.add_argument("--trades", metavar="CSV", help="write every trade to this CSV")
        parser.add_argument("--daily", metavar="CSV", help="write the daily series to this CSV")
        parser.add_argument(
            "--sweep", metavar="START:STOP:STEP", help="hedge sizes to compare, e.g. 0:4:0.5"
        )
        parser.add_argument("--spx", metavar="CSV", help="the S&P 500 file, if not found by name")
        parser.add_argument("--vix", metavar="CSV", help="the VIX file, if not found by name")
        parser.add_argument("--futures", metavar="CSV", help="the futures file, if not by name")
        parser.add_argument(
            "--chain",
            metavar="CSV",
            help="Cboe SPX option chain: the SPX slippage is its median half bid/ask width",
        )
        return _replay(parser.parse_args(args_in[1:]))
    parser = _Parser(
        prog="hedge-planner",
        description="Plan SPX iron condors hedged with layered VIX calls. "
        "Sub-commands: report PLAN [--format text|json]; "
        "render PLAN -o OUT.pdf|png|svg [--horizon DAYS] [--width PX]; "
        "replay PLAN --history DIR [--start DATE] [--end DATE] [--format text|json] "
        "[--trades CSV] [--daily CSV] [--sweep START:STOP:STEP].",
    )
    parser.add_argument("plan", nargs="?", help="plan file to open (default: the bundled sample)")
    args = parser.parse_args(args_in)
    from planner.ui.app import run_gui

    return run_gui(args.plan)


if __name__ == "__main__":
    sys.exit(main())
