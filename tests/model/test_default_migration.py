"""Versions 3 to 6 changed the model defaults: old plans keep theirs, new plans get the fit."""

from __future__ import annotations

import json

import numpy as np

from planner.cli import sample_plan_path
from planner.engine import evaluate
from planner.engine.types import AtmReference
from planner.model import load_plan, plan_from_json, plan_to_json
from planner.model.plan import (
    LEGACY_MODEL_PARAMS,
    LEGACY_SMILE,
    PLAN_VERSION,
    V3_MODEL_PARAMS,
    V3_SMILE,
    V4_MODEL_PARAMS,
    V4_SMILE,
    V5_MODEL_PARAMS,
    V5_SMILE,
    ModelParams,
    Plan,
)


def _version2(plan: Plan) -> dict[str, object]:
    doc = json.loads(plan_to_json(plan))
    doc["version"] = 2
    del doc["model"]["atm_reference"]  # a version-5 field
    return doc


def test_new_plans_get_the_fitted_smile() -> None:
    fitted = ModelParams()
    assert PLAN_VERSION == 6
    assert fitted.atm_reference is AtmReference.TERM
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
    assert json.loads(plan_to_json(plan))["version"] == 6


def _version3(plan: Plan) -> dict[str, object]:
    # What a version-3 Hedge Planner wrote: every model field it knew, not the version-4 ones.
    doc = json.loads(plan_to_json(plan))
    doc["version"] = 3
    model = doc["model"]
    assert isinstance(model, dict)
    del model["call_wing_z"], model["skew_level_cap_atm"], model["atm_reference"]
    for preset in ("typical", "stress"):
        del model[preset]["beta_basis_sensitivity"]
    return doc


def test_version_3_plan_keeps_its_smile_and_the_old_call_wing(sample_plan: Plan) -> None:
    doc = _version3(sample_plan.with_changes(model=V3_MODEL_PARAMS))
    loaded = plan_from_json(json.dumps(doc), "v3.hplan")
    assert loaded.model == V3_MODEL_PARAMS
    assert loaded.model.call_wing_z == 4.0  # the version-3 formula's cap, not the new 0.52
    assert loaded.model.skew_level_cap_atm == 10.0
    assert loaded.model.stress.beta_basis_sensitivity == 0.0
    reference = sample_plan.with_changes(model=V3_MODEL_PARAMS)
    np.testing.assert_array_equal(
        evaluate(loaded).curves.combined_usd, evaluate(reference).curves.combined_usd
    )


def test_version_3_without_a_model_block_gets_the_version_3_defaults(sample_plan: Plan) -> None:
    doc = _version3(sample_plan)
    del doc["model"]
    assert plan_from_json(json.dumps(doc), "v3.hplan").model == V3_MODEL_PARAMS


def test_version_3_partial_model_is_completed_with_version_3_defaults(sample_plan: Plan) -> None:
    doc = _version3(sample_plan)
    doc["model"] = {"put_skew": 6.0, "stress": {"k_down": 3.0}}
    model = plan_from_json(json.dumps(doc), "v3.hplan").model
    assert model.put_skew == 6.0
    assert model.atm_iv_ratio == V3_SMILE["atm_iv_ratio"]
    assert model.call_wing_z == 4.0
    assert model.stress.k_down == 3.0
    assert model.stress.beta_max == V3_MODEL_PARAMS.stress.beta_max


def test_new_plans_differ_from_version_3() -> None:
    fitted = ModelParams()
    assert any(getattr(fitted, name) != value for name, value in V3_SMILE.items())
    for name, value in V3_SMILE.items():
        assert getattr(V3_MODEL_PARAMS, name) == value


def _version4(plan: Plan) -> dict[str, object]:
    # What a version-4 Hedge Planner wrote: every model field but the version-5 one.
    doc = json.loads(plan_to_json(plan))
    doc["version"] = 4
    model = doc["model"]
    assert isinstance(model, dict)
    del model["atm_reference"]
    return doc


def test_version_4_plan_keeps_its_smile_off_the_vix_future(sample_plan: Plan) -> None:
    doc = _version4(sample_plan.with_changes(model=V4_MODEL_PARAMS))
    loaded = plan_from_json(json.dumps(doc), "v4.hplan")
    assert loaded.model == V4_MODEL_PARAMS
    assert loaded.model.atm_reference is AtmReference.FUTURE
    reference = sample_plan.with_changes(model=V4_MODEL_PARAMS)
    np.testing.assert_array_equal(
        evaluate(loaded).curves.combined_usd, evaluate(reference).curves.combined_usd
    )
    # ... and the version-5 defaults would price it differently.
    new = sample_plan.with_changes(model=ModelParams())
    assert not np.allclose(evaluate(new).curves.combined_usd, evaluate(loaded).curves.combined_usd)


def test_version_4_without_a_model_block_gets_the_version_4_defaults(sample_plan: Plan) -> None:
    doc = _version4(sample_plan)
    del doc["model"]
    assert plan_from_json(json.dumps(doc), "v4.hplan").model == V4_MODEL_PARAMS


def test_version_4_partial_model_is_completed_with_version_4_defaults(sample_plan: Plan) -> None:
    doc = _version4(sample_plan)
    doc["model"] = {"put_skew": 6.0}
    model = plan_from_json(json.dumps(doc), "v4.hplan").model
    assert model.put_skew == 6.0
    assert model.atm_iv_ratio == V4_SMILE["atm_iv_ratio"]
    assert model.atm_reference is AtmReference.FUTURE


def test_new_plans_differ_from_version_4() -> None:
    fitted = ModelParams()
    assert any(getattr(fitted, name) != value for name, value in V4_SMILE.items())
    assert V4_MODEL_PARAMS.model_dump(exclude={"atm_reference", *V4_SMILE}) == fitted.model_dump(
        exclude={"atm_reference", *V4_SMILE}
    )


def _version5(plan: Plan) -> dict[str, object]:
    # A version-5 file stores the same fields as version 6: only the defaults changed.
    doc = json.loads(plan_to_json(plan))
    doc["version"] = 5
    return doc


def test_version_5_plan_keeps_its_smile(sample_plan: Plan) -> None:
    doc = _version5(sample_plan.with_changes(model=V5_MODEL_PARAMS))
    loaded = plan_from_json(json.dumps(doc), "v5.hplan")
    assert loaded.model == V5_MODEL_PARAMS
    reference = sample_plan.with_changes(model=V5_MODEL_PARAMS)
    np.testing.assert_array_equal(
        evaluate(loaded).curves.combined_usd, evaluate(reference).curves.combined_usd
    )
    new = sample_plan.with_changes(model=ModelParams())
    assert not np.allclose(evaluate(new).curves.combined_usd, evaluate(loaded).curves.combined_usd)


def test_version_5_without_a_model_block_gets_the_version_5_defaults(sample_plan: Plan) -> None:
    doc = _version5(sample_plan)
    del doc["model"]
    assert plan_from_json(json.dumps(doc), "v5.hplan").model == V5_MODEL_PARAMS


def test_version_5_partial_model_is_completed_with_version_5_defaults(sample_plan: Plan) -> None:
    doc = _version5(sample_plan)
    doc["model"] = {"call_skew": 8.0, "typical": {"k_down": 1.7}}
    model = plan_from_json(json.dumps(doc), "v5.hplan").model
    assert model.call_skew == 8.0
    assert model.atm_iv_ratio == V5_SMILE["atm_iv_ratio"]
    assert model.skew_level_exponent == V5_SMILE["skew_level_exponent"]
    assert model.atm_reference is AtmReference.TERM
    assert model.typical.k_down == 1.7
    assert model.typical.beta_a == V5_MODEL_PARAMS.typical.beta_a


def test_new_plans_differ_from_version_5() -> None:
    fitted = ModelParams()
    assert any(getattr(fitted, name) != value for name, value in V5_SMILE.items())
    assert V5_MODEL_PARAMS.model_dump(exclude=set(V5_SMILE)) == fitted.model_dump(
        exclude=set(V5_SMILE)
    )
