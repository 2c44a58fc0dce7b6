"""Plan document (Qt-free): the validated plan, its file format and the default stress set."""

from planner.model.errors import PlanFileError
from planner.model.plan import (
    PLAN_VERSION,
    FuturePoint,
    Leg,
    Market,
    ModelParams,
    Plan,
    SpotVolParams,
    StressScenario,
    ViewSettings,
)
from planner.model.planfile import load_plan, plan_from_json, plan_to_json, save_plan
from planner.model.stress_presets import default_stress_scenarios

__all__ = [
    "PLAN_VERSION",
    "FuturePoint",
    "Leg",
    "Market",
    "ModelParams",
    "Plan",
    "PlanFileError",
    "SpotVolParams",
    "StressScenario",
    "ViewSettings",
    "default_stress_scenarios",
    "load_plan",
    "plan_from_json",
    "plan_to_json",
    "save_plan",
]
