"""What the Layers dock calls the layers and the settings' choices (shown names only)."""

from __future__ import annotations

from planner.engine.types import Group, RegimeMeasure, RegimeRule, SizingMode, StrikeRule
from planner.ui.fields import Path

LAYERS: tuple[Group, ...] = (Group.NEAR, Group.MID, Group.TAIL, Group.OFFSET)
LAYER_LABELS: dict[Group, str] = {
    Group.NEAR: "Near",
    Group.MID: "Mid",
    Group.TAIL: "Tail",
    Group.OFFSET: "Offset",
}
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
