"""`hedge-planner report`: text and JSON on the sample; exit 2 and one line for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.cli import main, sample_plan_path
from tests.cli.run import run as run_cli


def test_sample_is_shipped_as_package_data() -> None:
    assert sample_plan_path().is_file()


def test_text_report_has_every_section() -> None:
    result = run_cli("report", "resources/sample.hplan")
    assert result.returncode == 0, result.stderr
    for heading in ("MARKET", "LEGS", "GREEKS IN DOLLARS", "POSITION", "HEDGE COST", "STRESS"):
        assert heading in result.stdout
    assert "Aug 24 2015" in result.stdout
    assert "loss cut" in result.stdout
    assert result.stderr == ""


def test_json_report_holds_the_same_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    from planner.engine import evaluate
    from planner.model import load_plan

    assert main(["report", str(sample_plan_path()), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    report = evaluate(load_plan(sample_plan_path()))
    assert len(data["legs"]) == len(report.legs)
    required = {
        "id",
        "underlying",
        "right",
        "strike",
        "expiry",
        "quantity",
        "years_to_expiry",
        "iv",
        "forward",
        "model_price_pts",
        "delta",
        "gamma",
        "vega",
        "theta",
    }
    for leg_json, leg in zip(data["legs"], report.legs, strict=True):
        assert required <= leg_json.keys()
        assert leg_json["id"] == leg.id
        assert leg_json["model_price_pts"] == pytest.approx(leg.model_price_pts)
        assert leg_json["delta"] == pytest.approx(leg.delta)
        assert (leg_json["forward"] is None) == (leg.underlying.value == "SPX")
    assert data["hedge_cost"]["carry_annual_pct_capital"] == pytest.approx(
        report.hedge_cost.carry_annual_pct_capital
    )
    assert len(data["stress"]) == len(report.stress)
    assert len(data["curves"]["combined_usd"]) == 3


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "not found"),
        ("{not json", "not valid JSON"),
        ('{"format": "hedge-planner-plan", "version": 99}', "newer"),
        ("[1, 2, 3]", "object"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    tmp_path: Path, content: str | None, expected: str
) -> None:
    path = tmp_path / "bad.hplan"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = run_cli("report", str(path))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert expected.lower() in lines[0].lower()
    assert "bad.hplan" in lines[0]


def test_out_of_range_field_is_named(tmp_path: Path) -> None:
    data = json.loads(sample_plan_path().read_text(encoding="utf-8"))
    data["legs"][1]["strike"] = -5
    path = tmp_path / "neg.hplan"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = run_cli("report", str(path))
    assert result.returncode == 2
    assert "legs[1].strike" in result.stderr or "legs.1.strike" in result.stderr


def test_usage_errors_exit_2() -> None:
    result = run_cli("report", "resources/sample.hplan", "--format", "xml")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_vix_history_adds_rsi_and_macd(tmp_path: Path) -> None:
    # 40 rising closes then a spike: RSI must be high and the text must show it.
    closes = [15.0 + 0.1 * i for i in range(40)] + [30.0]
    lines = ["DATE,OPEN,HIGH,LOW,CLOSE"] + [
        f"{(i // 28) + 1:02d}/{(i % 28) + 1:02d}/2026,{c},{c},{c},{c}" for i, c in enumerate(closes)
    ]
    csv = tmp_path / "vix.csv"
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli(
        "report", "resources/sample.hplan", "--vix-history", str(csv), "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    signals = json.loads(result.stdout)["alvh"]["signals"]
    rsi = next(v for k, v in signals.items() if "rsi" in k.lower() and isinstance(v, float))
    assert rsi > 70


def test_bad_vix_history_exits_2_naming_the_file(tmp_path: Path) -> None:
    csv = tmp_path / "notvix.csv"
    csv.write_text("x,y\n1,2\n", encoding="utf-8")
    result = run_cli("report", "resources/sample.hplan", "--vix-history", str(csv))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "notvix.csv" in result.stderr
