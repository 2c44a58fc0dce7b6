"""Version 3 changed the model's defaults: old plans keep theirs, new plans get the fitted ones."""

from __future__ import annotations

import json

import numpy as np

from planner.cli import sample_plan_path
from planner.engine import evaluate
from planner.model import load_plan, plan_from_json, plan_to_json
from planner.model.plan import LEGACY_MODEL_PARAMS, LEGACY_SMILE, PLAN_VERSION, ModelParams, Plan


def _version2(plan: Plan) -> dict[str, object]:
    doc = json.loads(plan_to_json(plan))
    doc["version"] = 2
    return doc


def test_new_plans_get_the_fitted_smile() -> None:
    fitted = ModelParams()
    assert PLAN_VERSION == 3
    assert any(getattr(fitted, name) != value for name, value in LEGACY_SMILE.items())
    for name, value in LEGACY_SMILE.items():
        assert getattr(LEGACY_MODEL_PARAMS, name) == value


def test_version_2_without_a_model_block_keeps_the_old_defaults(sample_plan: Plan) -> None:
    doc = _version2(sample_plan)
    del doc["model"]
    loaded = plan_from_json(json.dumps(doc), "old.hplan")
    assert loaded.model == LEGACY_MODEL_PARAMS
    legacy = sample_plan.with_changes(model=LEGACY_MODEL_PARAMS)
    np.testing.assert_array_equal(
        evaluate(loaded).curves.combined_usd, evaluate(legacy).curves.combined_usd
    )


def test_version_2_partial_model_is_completed_with_old_defaults(sample_plan: Plan) -> None:
    doc = _version2(sample_plan)
    doc["model"] = {"atm_iv_ratio": 0.85, "typical": {"k_down": 2.0}}
    loaded = plan_from_json(json.dumps(doc), "old.hplan")
    assert loaded.model.atm_iv_ratio == 0.85
    assert loaded.model.put_skew == LEGACY_SMILE["put_skew"]
    assert loaded.model.skew_level_exponent == 0.0
    assert loaded.model.typical.k_down == 2.0
    assert loaded.model.typical.beta_a == LEGACY_MODEL_PARAMS.typical.beta_a
    assert loaded.model.typical.beta_max == 1.0
    assert loaded.model.stress == LEGACY_MODEL_PARAMS.stress


def test_version_2_stored_values_win(sample_plan: Plan) -> None:
    doc = _version2(sample_plan.with_changes(model=ModelParams(put_skew=7.0)))
    loaded = plan_from_json(json.dumps(doc), "old.hplan")
    assert loaded.model.put_skew == 7.0


def test_bundled_sample_keeps_its_stored_parameters() -> None:
    raw = json.loads(sample_plan_path().read_text(encoding="utf-8"))
    sample = load_plan(sample_plan_path())
    for name, value in raw["model"].items():
        if not isinstance(value, dict):
            assert getattr(sample.model, name) == value, name
    if raw["version"] < 3:
        # Fields the v2 sample did not store are filled with the turn-1 values.
        assert sample.model == LEGACY_MODEL_PARAMS


def test_version_3_round_trips_the_fitted_defaults(sample_plan: Plan) -> None:
    plan = sample_plan.with_changes(model=ModelParams())
    again = plan_from_json(plan_to_json(plan))
    assert again.model == ModelParams()
    assert json.loads(plan_to_json(plan))["version"] == 3
