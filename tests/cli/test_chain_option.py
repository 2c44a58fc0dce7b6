"""`hedge-planner report/render --chain`: market vs model per SPX leg, stale flag, bad chains."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from planner.cli import main, sample_plan_path
from planner.engine.types import Right
from planner.model import save_plan
from planner.model.plan import Market, Plan
from tests.legs import spx_leg
from tests.shared_data import FEB_2022_CHAIN, needs_chain

CHAIN = FEB_2022_CHAIN


def feb_plan(path: Path, valuation: dt.date = dt.date(2022, 2, 4)) -> Path:
    expiry = dt.date(2022, 3, 18)
    legs = tuple(
        spx_leg(name, right, qty, strike, expiry)
        for name, right, qty, strike in (
            ("long_put", Right.PUT, 1, 4100.0),
            ("short_put", Right.PUT, -1, 4150.0),
            ("short_call", Right.CALL, -1, 4750.0),
            ("long_call", Right.CALL, 1, 4800.0),
            ("odd_put", Right.PUT, 1, 4152.0),
        )
    )
    plan = Plan(
        name="Feb 2022 condor",
        valuation_date=valuation,
        capital_usd=100_000.0,
        market=Market(spx=4500.53, rate=0.002, dividend_yield=0.014, vix=23.22),
        legs=legs,
    )
    out = path / "feb.hplan"
    save_plan(plan, out)
    return out


@needs_chain
@pytest.mark.shared_data
def test_report_shows_market_beside_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(feb_plan(tmp_path)), "--chain", str(CHAIN)]) == 0
    out = capsys.readouterr().out
    assert "MARKET VS MODEL" in out
    assert "quotes of 2022-02-04 (header time 2022-02-05 20:09 ET)" in out
    assert "SPX close 4,500.53" in out
    assert "STALE" not in out
    market_part = out[out.index("MARKET VS MODEL") :]
    short_put = next(
        line for line in market_part.splitlines() if line.strip().startswith("short_put")
    )
    assert "SPXW" in short_put and "quoted" in short_put
    odd = next(line for line in market_part.splitlines() if line.strip().startswith("odd_put"))
    assert "not listed" in odd


@needs_chain
@pytest.mark.shared_data
def test_json_report_has_the_chain(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    later = feb_plan(tmp_path, dt.date(2022, 2, 7))
    assert main(["report", str(later), "--chain", str(CHAIN), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    chain = data["chain"]
    assert chain["stale"] is True and chain["session"] == "2022-02-04"
    legs = {row["id"]: row for row in chain["legs"]}
    short_put = legs["short_put"]
    assert short_put["bid"] < short_put["mid"] < short_put["ask"]
    assert short_put["width"] == pytest.approx(short_put["ask"] - short_put["bid"])
    assert 0.1 < short_put["market_iv"] < 0.6
    assert short_put["model_iv"] == pytest.approx(
        next(leg["iv"] for leg in data["legs"] if leg["id"] == "short_put")
    )


@needs_chain
@pytest.mark.shared_data
def test_stale_chain_is_flagged_in_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(sample_plan_path()), "--chain", str(CHAIN)]) == 0
    out = capsys.readouterr().out
    assert "STALE CHAIN: quotes are from 2022-02-04, the plan is valued on 2026-11-20" in out
    assert "expiry not in the chain" in out


@pytest.mark.parametrize("command", ["report", "render"])
def test_bad_chain_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    bad = tmp_path / "chain.csv"
    bad.write_text("Expiration Date,Calls,Bid,Ask,Strike,Puts,Bid,Ask\n", encoding="utf-8")
    args = [command, str(sample_plan_path()), "--chain", str(bad)]
    if command == "render":
        args += ["-o", str(tmp_path / "out.svg")]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("hedge-planner: chain.csv: ")
    assert not (tmp_path / "out.svg").exists()


@needs_chain
@pytest.mark.shared_data
def test_render_with_chain_warns_when_stale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "page.svg"
    assert (
        main(
            [
                "render",
                str(feb_plan(tmp_path, dt.date(2022, 2, 7))),
                "-o",
                str(out),
                "--chain",
                str(CHAIN),
            ]
        )
        == 0
    )
    assert out.stat().st_size > 0
    assert "stale chain" in capsys.readouterr().err


DATA = CHAIN.parent.parent
JAN = CHAIN.parent / "spx_quotedata_2022-01-07.csv"


@needs_chain
@pytest.mark.shared_data
def test_replay_takes_its_spx_slippage_from_the_chain(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from planner.model.chain import load_chain, spx_half_spread_pts
    from planner.model.programme import DEFAULT_SPX_HALF_SPREAD_PTS

    # The programme's default slippage is this measure on the 2022-02-04 chain.
    assert spx_half_spread_pts(load_chain(CHAIN))[0] == pytest.approx(DEFAULT_SPX_HALF_SPREAD_PTS)
    base = ["replay", str(sample_plan_path()), "--history", str(DATA)]
    period = ["--start", "2020-01-02", "--end", "2020-06-30", "--format", "json"]
    assert main([*base, *period]) == 0
    plain = json.loads(capsys.readouterr().out)
    from planner.model import load_plan

    sample = load_plan(sample_plan_path())
    wide = sample.programme.costs.with_changes(spx_half_spread_pts=1.5)
    wide_path = tmp_path / "wide.hplan"
    save_plan(sample.with_changes(programme=sample.programme.with_changes(costs=wide)), wide_path)
    wide_base = ["replay", str(wide_path), "--history", str(DATA)]
    assert main([*wide_base, *period]) == 0
    assert json.loads(capsys.readouterr().out) != plain  # the wider spread costs something
    assert main([*wide_base, *period, "--chain", str(CHAIN)]) == 0
    with_chain = json.loads(capsys.readouterr().out)
    note = with_chain.pop("spx_half_spread_from_chain")
    assert note["file"] == CHAIN.name and note["session"] == "2022-02-04"
    assert (note["min_days"], note["max_days"]) == (30, 60)
    assert note["half_spread_pts"] == pytest.approx(DEFAULT_SPX_HALF_SPREAD_PTS)
    assert note["quotes"] > 100
    # The chain's slippage replaces the plan's 1.5: the default's replay, figure for figure.
    assert with_chain == plain


@needs_chain
@pytest.mark.shared_data
def test_replay_chain_without_condor_range_quotes_exits_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The Jan 2022 chain stops at 24 days: nothing 30-60 days out to measure.
    code = main(
        [
            "replay",
            str(sample_plan_path()),
            "--history",
            str(DATA),
            "--start",
            "2020-01-02",
            "--end",
            "2020-02-28",
            "--chain",
            str(JAN),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert "spx_quotedata_2022-01-07.csv: no two-sided quotes 30-60 days out" in err
