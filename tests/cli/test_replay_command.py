"""`hedge-planner replay`: text, JSON and CSVs; exit 2 and one line for every bad input."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from planner.cli import main, sample_plan_path

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def _synthetic_history(folder: Path, days: int = 200) -> Path:
    """Calm, slightly rising synthetic history (weekdays, no holidays in 2021-H1 handled)."""
    rows = []
    day = dt.date(2021, 3, 1)
    while len(rows) < days:
        if day.weekday() < 5 and day not in (dt.date(2021, 4, 2), dt.date(2021, 5, 31)):
            rows.append(day)
        day += dt.timedelta(days=1)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "spx_daily.csv").write_text(
        "Date,Close\n" + "".join(f"{d.isoformat()},{3900 + i:.2f}\n" for i, d in enumerate(rows))
    )
    (folder / "VIX_History.csv").write_text(
        "DATE,OPEN,HIGH,LOW,CLOSE\n" + "".join(f"{d:%m/%d/%Y},18,18,18,18\n" for d in rows)
    )
    (folder / "vix_futures.csv").write_text(
        "Date,M1,M2,M3,M4\n" + "".join(f"{d.isoformat()},19,20,21,21.5\n" for d in rows)
    )
    return folder


def test_text_json_and_csv_outputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    history = _synthetic_history(tmp_path / "history")
    trades, daily = tmp_path / "trades.csv", tmp_path / "daily.csv"
    code = main(
        [
            "replay",
            str(sample_plan_path()),
            "--history",
            str(history),
            "--trades",
            str(trades),
            "--daily",
            str(daily),
            "--sweep",
            "0:2:1",
        ]
    )
    out = capsys.readouterr()
    assert code == 0, out.err
    assert out.err == ""
    for heading in (
        "CAGR",
        "Max drawdown",
        "Per year",
        "Curve regime",
        "Claims",
        "Hedge size sweep",
    ):
        assert heading in out.out
    assert "Model-priced" in out.out
    with trades.open() as handle:
        rows = list(csv.DictReader(handle))
    assert rows and set(rows[0]) == {
        "date",
        "leg",
        "layer",
        "action",
        "quantity",
        "price_pts",
        "fees_usd",
        "reason",
    }
    assert {r["layer"] for r in rows} >= {"condor", "near", "mid", "tail"}
    with daily.open() as handle:
        days = list(csv.DictReader(handle))
    assert len(days) == 200
    assert not list(tmp_path.glob(".*.tmp"))  # atomic writes leave no temporary files

    code = main(["replay", str(sample_plan_path()), "--history", str(history), "--format", "json"])
    out = capsys.readouterr()
    assert code == 0
    doc = json.loads(out.out)
    assert doc["summary"]["days"] == 200
    assert doc["summary"]["condors"] >= 2
    assert doc["trades"] == len(rows)
    assert {c["claim"] for c in doc["claims"]} == {
        "the hedge costs 1-2 % of capital a year",
        "the hedge cuts drawdowns 35-40 %",
    }


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--start", "2021-13-01"], "--start: '2021-13-01' is not a date"),
        (["--start", "2021-06-01", "--end", "2021-05-01"], "--end 2021-05-01 is before --start"),
        (["--sweep", "0:4"], "--sweep: '0:4' is not START:STOP:STEP"),
        (["--sweep", "4:0:1"], "--sweep: '4:0:1': need 0 <= START <= STOP"),
        (["--start", "2030-01-01"], "no days in common"),
        (["--trades", "/nonexistent-folder/t.csv"], "does not exist"),
    ],
)
def test_bad_options_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    history = _synthetic_history(tmp_path / "history", days=80)
    code = main(["replay", str(sample_plan_path()), "--history", str(history), *extra])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert err.count("\n") == 1 and err.startswith("hedge-planner: ")


def test_malformed_history_names_the_file_and_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    history = _synthetic_history(tmp_path / "history", days=80)
    path = history / "VIX_History.csv"
    lines = path.read_text().splitlines()
    lines[5] = lines[5].rsplit(",", 1)[0] + ",oops"
    path.write_text("\n".join(lines) + "\n")
    code = main(["replay", str(sample_plan_path()), "--history", str(history)])
    err = capsys.readouterr().err
    assert code == 2
    assert err == "hedge-planner: VIX_History.csv: line 6: CLOSE 'oops' is not a number\n"
    code = main(["replay", str(sample_plan_path()), "--history", str(tmp_path / "missing")])
    assert code == 2
    assert "is not a folder" in capsys.readouterr().err


@pytest.mark.skipif(not DATA.is_dir(), reason="shared/data (real market history) is absent")
def test_real_history_2020(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "replay",
            str(sample_plan_path()),
            "--history",
            str(DATA),
            "--start",
            "2020-01-02",
            "--end",
            "2020-12-31",
            "--format",
            "json",
        ]
    )
    out = capsys.readouterr()
    assert code == 0, out.err
    doc = json.loads(out.out)
    names = [e["name"] for e in doc["episodes"]]
    assert "Mar 16 2020, one day" in names and "Feb-Mar 2020 episode" in names
    assert any("2020-03-18" in issue for issue in doc["history"]["issues"])


def test_optional_rules_are_each_shown_against_the_programme_without_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from planner.model import load_plan, save_plan
    from planner.model.programme import MonetiseRule, RollDeferral

    plan = load_plan(sample_plan_path())
    programme = plan.programme.with_changes(
        monetise=MonetiseRule(enabled=True), roll_deferral=RollDeferral(enabled=True)
    )
    path = tmp_path / "rules.hplan"
    save_plan(plan.with_changes(programme=programme), path)
    history = _synthetic_history(tmp_path / "history")
    code = main(["replay", str(path), "--history", str(history), "--format", "json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    rules = json.loads(out.out)["rule_comparisons"]
    assert [r["rule"] for r in rules] == ["monetise the near layer", "roll deferral"]
    assert all(set(r) == {"rule", "with_rule", "without_rule"} for r in rules)
    code = main(["replay", str(path), "--history", str(history)])
    text = capsys.readouterr().out
    assert "Optional rule: monetise the near layer" in text
    assert "Optional rule: roll deferral" in text
