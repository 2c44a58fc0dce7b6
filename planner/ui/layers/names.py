"""What the Layers dock calls the settings' choices, and where the settings live in the plan.
The layers' own names are the presentation layer's (planner.present.alvh)."""

from __future__ import annotations

from planner.engine.types import Group, RegimeMeasure, RegimeRule, SizingMode, StrikeRule
from planner.present.alvh import LAYER_LABELS, LAYERS
from planner.ui.fields import Path

__all__ = [
    "LAYERS",
    "LAYER_LABELS",
    "MEASURE_LABELS",
    "REGIME_RULE_LABELS",
    "SIZING_LABELS",
    "STRIKE_RULE_LABELS",
    "allocation_path",
    "layer_path",
]

STRIKE_RULE_LABELS: dict[StrikeRule, str] = {
    StrikeRule.DELTA: "Call delta",
    StrikeRule.POINTS: "Pts over fut.",
    StrikeRule.FIXED: "Fixed strike",
}
SIZING_LABELS: dict[SizingMode, str] = {
    SizingMode.UNITS: "Hedge units",
    SizingMode.BUDGET: "Budget, % of capital a year",
    SizingMode.PROTECTION: "Protection target",
}
REGIME_RULE_LABELS: dict[RegimeRule, str] = {
    RegimeRule.OFF: "Off",
    RegimeRule.MULTIPLIER: "Size multiplier",
    RegimeRule.PREMIUM_PCT: "Premium % of capital",
}
MEASURE_LABELS: dict[RegimeMeasure, str] = {
    RegimeMeasure.SPOT_VIX: "Spot VIX",
    RegimeMeasure.FRONT_FUTURE: "Front VIX future",
}


def allocation_path(*names: str) -> Path:
    """The plan path of an allocation setting."""
    return ("allocation", *names)


def layer_path(group: Group, *names: str) -> Path:
    """The plan path of one layer's setting (the layer's settings are named by its group)."""
    return allocation_path(group.value, *names)
