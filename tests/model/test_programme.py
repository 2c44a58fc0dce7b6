"""Replay programme settings: defaults, bounds, and the plan file's version 2 -> 3 migration."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from planner.engine.replay_types import WingRule
from planner.model import PLAN_VERSION, Plan, plan_from_json, plan_to_json
from planner.model.plan import LEGACY_MODEL_PARAMS
from planner.model.programme import CondorProgramme, ProgrammeSettings, TradingCosts


def test_defaults_are_the_issue_s() -> None:
    condor = CondorProgramme()
    assert condor.target_days == 45
    assert condor.put_short_delta == condor.call_short_delta == 0.16
    assert condor.wing_width_pts == 50
    assert condor.take_profit_pct is None and condor.stop_multiple is None
    assert condor.close_days_left is None
    costs = TradingCosts()
    assert costs.spx_half_spread_pts == 0.25 and costs.vix_half_spread_pts == 0.05


def test_put_and_call_overrides() -> None:
    condor = CondorProgramme(short_delta=0.2, put_delta=0.1)
    assert condor.put_short_delta == 0.1
    assert condor.call_short_delta == 0.2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"short_delta": 0.6}, "less than 0.5"),
        ({"close_days_left": 45}, "close_days_left (45) must be below"),
        ({"wing_rule": WingRule.DELTA, "wing_delta": 0.2}, "wing delta 0.2 must be below"),
        ({"take_profit_pct": 0}, "greater than 0"),
    ],
)
def test_bad_settings_are_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        CondorProgramme(**changes)


def test_version_2_plan_migrates_to_default_programme(sample_plan: Plan) -> None:
    doc = json.loads(plan_to_json(sample_plan))
    assert doc["version"] == PLAN_VERSION == 6
    del doc["programme"]
    doc["version"] = 2
    loaded = plan_from_json(json.dumps(doc), "old.hplan")
    assert loaded.version == 6
    assert loaded.programme == ProgrammeSettings()
    assert loaded.allocation == sample_plan.allocation


def test_programme_round_trips_and_bad_values_name_the_field(sample_plan: Plan) -> None:
    plan = sample_plan.with_changes(
        programme=ProgrammeSettings(condor=CondorProgramme(take_profit_pct=50, fixed_lots=3))
    )
    assert plan_from_json(plan_to_json(plan)) == plan
    doc = json.loads(plan_to_json(plan))
    doc["programme"]["condor"]["stop_multiple"] = -1
    with pytest.raises(Exception, match=r"programme\.condor\.stop_multiple"):
        plan_from_json(json.dumps(doc), "x.hplan")


def test_version_2_model_block_is_pinned_to_the_turn_1_model(sample_plan: Plan) -> None:
    doc = json.loads(plan_to_json(sample_plan))
    del doc["programme"]
    doc["version"] = 2
    del doc["model"]
    assert plan_from_json(json.dumps(doc)).model == LEGACY_MODEL_PARAMS
    # Values the old file set are kept; the keys it could not have are the turn-1 ones.
    doc["model"] = {"vov30": 1.1, "put_skew": 7.0}
    model = plan_from_json(json.dumps(doc)).model
    assert (model.vov30, model.put_skew) == (1.1, 7.0)
    assert model.put_curvature == LEGACY_MODEL_PARAMS.put_curvature
    assert model.atm_iv_ratio == LEGACY_MODEL_PARAMS.atm_iv_ratio
    doc["model"] = "not a block"
    with pytest.raises(Exception, match="model"):
        plan_from_json(json.dumps(doc), "x.hplan")
