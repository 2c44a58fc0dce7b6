"""Allocation settings: presets, validation, migration 1 -> 2, listed expiries, Apply."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from pydantic import ValidationError

from planner.engine.evaluate import evaluate
from planner.engine.types import HEDGE_GROUPS, Group, SizingMode, Underlying
from planner.model.allocation import (
    ALVH_REGIME,
    VXTH_REGIME,
    AllocationSettings,
    LayerSettings,
    RegimeSettings,
    regime_preset,
)
from planner.model.calendar import plan_vix_expiries
from planner.model.errors import PlanFileError
from planner.model.hedge_legs import apply_proposal
from planner.model.plan import PLAN_VERSION, Plan
from planner.model.planfile import MIGRATIONS, plan_from_json, plan_to_json


def _apply(plan: Plan) -> Plan:
    """Apply as the Layers panel does: the proposal of the plan's own report."""
    return apply_proposal(plan, evaluate(plan).alvh)


def test_defaults_are_the_four_four_two() -> None:
    a = AllocationSettings()
    assert (a.near.ratio, a.mid.ratio, a.tail.ratio) == (4, 4, 2)
    assert (a.near.min_days, a.near.max_days) == (4, 7)
    assert (a.mid.min_days, a.mid.max_days) == (30, 45)
    assert (a.tail.min_days, a.tail.max_days) == (60, 120)
    assert (a.near.strike_value, a.mid.strike_value, a.tail.strike_value) == (0.35, 0.25, 0.12)
    assert a.regime == ALVH_REGIME and not a.offset.enabled


def test_presets_by_name() -> None:
    assert regime_preset("vxth") == VXTH_REGIME and regime_preset(" ALVH ") == ALVH_REGIME
    with pytest.raises(ValueError, match="unknown regime preset 'foo'"):
        regime_preset("foo")


@pytest.mark.parametrize(
    ("layer", "message"),
    [
        ({"ratio": 4, "min_days": 7, "max_days": 4, "strike_value": 0.3}, "window is empty"),
        ({"ratio": 4, "min_days": 4, "max_days": 7, "strike_value": 1.3}, "delta must be"),
        (
            {"ratio": 4, "min_days": 4, "max_days": 7, "strike_rule": "fixed", "strike_value": 2},
            "VIX strike must be 5 to 200",
        ),
        ({"ratio": -1, "min_days": 4, "max_days": 7, "strike_value": 0.3}, "ratio"),
    ],
)
def test_bad_layers_are_refused_with_a_message(layer: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        LayerSettings.model_validate(layer)


def test_band_table_must_be_ordered_and_open_ended() -> None:
    with pytest.raises(ValidationError, match="must increase"):
        RegimeSettings.model_validate(
            {"bands": [{"upper": 20, "value": 1}, {"upper": 16, "value": 1}, {"value": 1}]}
        )
    with pytest.raises(ValidationError, match="open-ended"):
        RegimeSettings.model_validate({"bands": [{"upper": 20, "value": 1}]})


def test_protection_needs_a_scenario() -> None:
    with pytest.raises(ValidationError, match="stress scenario"):
        AllocationSettings(sizing=SizingMode.PROTECTION)


@pytest.mark.parametrize(
    "monthly",
    [dt.date(2026, 12, 16), dt.date(2027, 1, 20), dt.date(2027, 2, 17), dt.date(2027, 3, 17)],
)
def test_listed_expiries_hold_the_monthlies(monthly: dt.date) -> None:
    assert monthly in plan_vix_expiries(dt.date(2026, 11, 20))


def test_listed_expiries_have_six_weeklies_then_monthlies() -> None:
    days = plan_vix_expiries(dt.date(2026, 11, 20))
    # Weeklies: Wed 25 Nov and Wed 2 Dec move to the Tuesday before (25 Dec and 1 Jan, the SPX
    # Fridays 30 days later, are holidays), then Wednesdays.
    assert days[:6] == (
        dt.date(2026, 11, 24),
        dt.date(2026, 12, 1),
        dt.date(2026, 12, 9),
        dt.date(2026, 12, 16),
        dt.date(2026, 12, 23),
        dt.date(2026, 12, 30),
    )
    assert dt.date(2027, 1, 6) not in days  # beyond the six listed weeklies
    assert all(d.weekday() in (1, 2) for d in days)


def test_version_1_plan_migrates_with_default_settings(sample_plan: Plan) -> None:
    doc = json.loads(plan_to_json(sample_plan))
    del doc["allocation"]
    doc["version"] = 1
    loaded = plan_from_json(json.dumps(doc), "old.hplan")
    assert loaded.version == PLAN_VERSION == 6
    assert loaded.allocation == AllocationSettings()
    assert set(MIGRATIONS) == {0, 1, 2, 3, 4, 5}


def test_settings_round_trip_and_bad_values_name_the_field(sample_plan: Plan) -> None:
    plan = sample_plan.with_changes(
        allocation=AllocationSettings(regime=VXTH_REGIME, sizing=SizingMode.BUDGET, units=3)
    )
    assert plan_from_json(plan_to_json(plan)).allocation == plan.allocation
    doc = json.loads(plan_to_json(plan))
    doc["allocation"]["mid"]["max_days"] = 10
    with pytest.raises(PlanFileError, match="allocation"):
        plan_from_json(json.dumps(doc), "bad.hplan")


def test_apply_replaces_hedge_legs_and_keeps_the_rest(sample_plan: Plan) -> None:
    plan = sample_plan.with_changes(allocation=AllocationSettings(units=2))
    proposal = evaluate(plan).alvh
    applied = _apply(plan)
    kept = [leg for leg in plan.legs if leg.group not in HEDGE_GROUPS]
    assert [leg for leg in applied.legs if leg.group not in HEDGE_GROUPS] == kept
    hedge = [leg for leg in applied.legs if leg.group in HEDGE_GROUPS]
    assert [(leg.group, leg.quantity, leg.strike, leg.expiry) for leg in hedge] == [
        (p.group, p.quantity, p.strike, p.expiry) for p in proposal.legs
    ]
    assert all(leg.underlying is Underlying.VIX and leg.entry_price is None for leg in hedge)
    assert {leg.group for leg in hedge} <= {Group.NEAR, Group.MID, Group.TAIL}
    # Applying again gives the same plan (nothing else changes, ids are stable).
    assert _apply(applied) == applied
    report = evaluate(applied)
    assert report.alvh is not None and report.alvh.legs == proposal.legs


def test_apply_avoids_id_clashes(sample_plan: Plan) -> None:
    renamed = tuple(
        leg.with_changes(id="alvh_mid") if leg.id == "sp" else leg for leg in sample_plan.legs
    )
    applied = _apply(sample_plan.with_changes(legs=renamed))
    ids = [leg.id for leg in applied.legs]
    assert len(ids) == len(set(ids)) and "alvh_mid_2" in ids
