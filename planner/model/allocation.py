"""ALVH allocation settings stored in the plan and their presets (DESIGN.md section 4).

The settings satisfy the engine's Protocols (`planner.engine.types.AllocationSettingsLike`);
`planner.engine.alvh` does the maths and `planner.model.hedge_legs.apply_proposal` writes its
proposal into a plan.
"""

from __future__ import annotations

import itertools
from typing import Self

from pydantic import Field, model_validator

from planner.engine.strikes import VIX_MAX_STRIKE, VIX_MIN_STRIKE
from planner.engine.types import (
    AllocationSettingsLike,
    RegimeMeasure,
    RegimeRule,
    SizingMode,
    StrikeRule,
)
from planner.model.values import FrozenValue

__all__ = [
    "ALVH_REGIME",
    "NO_REGIME",
    "VXTH_REGIME",
    "AllocationSettings",
    "LayerSettings",
    "OffsetSettings",
    "RegimeBand",
    "RegimeSettings",
    "regime_preset",
]

# The longest layer window the settings allow; planner.model.calendar lists VIX expiries past it.
MAX_WINDOW_DAYS = 400
MAX_BANDS = 20
MAX_UNITS_CAP = 1000


def _check_strike(rule: StrikeRule, value: float, what: str) -> None:
    if rule is StrikeRule.DELTA and not 0.0 < value < 1.0:
        raise ValueError(f"{what}: a call delta must be between 0 and 1 (got {value:g})")
    if rule is StrikeRule.POINTS and not -50.0 <= value <= 150.0:
        raise ValueError(f"{what}: points above the future must be -50 to 150 (got {value:g})")
    if rule is StrikeRule.FIXED and not VIX_MIN_STRIKE <= value <= VIX_MAX_STRIKE:
        raise ValueError(
            f"{what}: a VIX strike must be {VIX_MIN_STRIKE:g} to {VIX_MAX_STRIKE:g} (got {value:g})"
        )


class LayerSettings(FrozenValue):
    """One ALVH layer: contracts per hedge unit, days-to-expiry window, strike rule."""

    ratio: int = Field(ge=0, le=100, description="contracts per hedge unit")
    min_days: int = Field(ge=0, le=MAX_WINDOW_DAYS)
    max_days: int = Field(ge=0, le=MAX_WINDOW_DAYS)
    strike_rule: StrikeRule = StrikeRule.DELTA
    strike_value: float = Field(description="delta, points above the future, or a strike")

    @model_validator(mode="after")
    def _valid(self) -> Self:
        if self.max_days <= self.min_days:
            raise ValueError(
                f"the expiry window is empty: {self.min_days} to {self.max_days} days "
                "(the second number must be larger)"
            )
        _check_strike(self.strike_rule, self.strike_value, "strike")
        return self


class OffsetSettings(FrozenValue):
    """The theta offset: short, shorter-dated, higher-strike VIX calls against the tail layer."""

    enabled: bool = False
    ratio: float = Field(default=1.0, ge=0, le=10, description="short calls per tail contract")
    min_days: int = Field(default=30, ge=0, le=MAX_WINDOW_DAYS)
    max_days: int = Field(default=45, ge=0, le=MAX_WINDOW_DAYS)
    strike_rule: StrikeRule = StrikeRule.DELTA
    strike_value: float = 0.05

    @model_validator(mode="after")
    def _valid(self) -> Self:
        if self.max_days <= self.min_days:
            raise ValueError(
                f"the offset's expiry window is empty: {self.min_days} to {self.max_days} days"
            )
        _check_strike(self.strike_rule, self.strike_value, "offset strike")
        return self


class RegimeBand(FrozenValue):
    upper: float | None = Field(default=None, gt=0, le=500, description="None = no upper edge")
    value: float = Field(ge=0, le=100, description="multiplier, or premium % of capital")
    hold: bool = False


class RegimeSettings(FrozenValue):
    """VIX bands -> size multiplier (ALVH) or premium % of capital (VXTH)."""

    name: str = Field(default="ALVH", min_length=1, max_length=40)
    rule: RegimeRule = RegimeRule.MULTIPLIER
    measure: RegimeMeasure = RegimeMeasure.SPOT_VIX
    upper_inclusive: bool = False
    bands: tuple[RegimeBand, ...] = Field(min_length=1, max_length=MAX_BANDS)

    @model_validator(mode="after")
    def _edges(self) -> Self:
        *inner, last = self.bands
        if last.upper is not None:
            raise ValueError("the last VIX band must be open-ended (no upper edge)")
        for band in inner:
            if band.upper is None:
                raise ValueError("only the last VIX band may be open-ended")
        edges = [band.upper for band in inner]
        for low, high in itertools.pairwise(edges):
            if low is not None and high is not None and not low < high:
                raise ValueError(f"VIX band edges must increase ({low:g} then {high:g})")
        return self


# The seeds' "Layer 2": <16 -> 0.5, 16-20 -> 1, 20-25 -> 1.5, 25-30 -> 2, >=30 -> hold/monetise.
ALVH_REGIME = RegimeSettings(
    name="ALVH",
    rule=RegimeRule.MULTIPLIER,
    measure=RegimeMeasure.SPOT_VIX,
    upper_inclusive=False,
    bands=(
        RegimeBand(upper=16, value=0.5),
        RegimeBand(upper=20, value=1.0),
        RegimeBand(upper=25, value=1.5),
        RegimeBand(upper=30, value=2.0),
        RegimeBand(upper=None, value=1.0, hold=True),
    ),
)
# Cboe VIX Tail Hedge index (VXTH) rules: VIX-call weight by the front VIX future's level:
# 0 % if F <= 15, 1 % if 15 < F <= 30, 0.5 % if 30 < F <= 50, 0 % above 50.
VXTH_REGIME = RegimeSettings(
    name="VXTH",
    rule=RegimeRule.PREMIUM_PCT,
    measure=RegimeMeasure.FRONT_FUTURE,
    upper_inclusive=True,
    bands=(
        RegimeBand(upper=15, value=0.0),
        RegimeBand(upper=30, value=1.0),
        RegimeBand(upper=50, value=0.5),
        RegimeBand(upper=None, value=0.0),
    ),
)
NO_REGIME = RegimeSettings(
    name="off", rule=RegimeRule.OFF, bands=(RegimeBand(upper=None, value=1.0),)
)
_PRESETS = {"alvh": ALVH_REGIME, "vxth": VXTH_REGIME, "off": NO_REGIME}


def regime_preset(name: str) -> RegimeSettings:
    """The regime table named "ALVH", "VXTH" or "off" (case-insensitive)."""
    try:
        return _PRESETS[name.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown regime preset {name!r} (choose ALVH, VXTH or off)") from None


DEFAULT_NEAR = LayerSettings(ratio=4, min_days=4, max_days=7, strike_value=0.35)
DEFAULT_MID = LayerSettings(ratio=4, min_days=30, max_days=45, strike_value=0.25)
DEFAULT_TAIL = LayerSettings(ratio=2, min_days=60, max_days=120, strike_value=0.12)


class AllocationSettings(FrozenValue):
    """Everything the layer-allocation panel edits; defaults are the 4/4/2 ALVH."""

    near: LayerSettings = DEFAULT_NEAR
    mid: LayerSettings = DEFAULT_MID
    tail: LayerSettings = DEFAULT_TAIL
    offset: OffsetSettings = OffsetSettings()
    sizing: SizingMode = SizingMode.UNITS
    units: int = Field(default=1, ge=0, le=MAX_UNITS_CAP)
    budget_pct_capital: float = Field(default=2.0, ge=0, le=100)
    target_scenario: str = Field(default="", max_length=80)
    target_loss_cut_pct: float = Field(default=35.0, gt=0, le=100)
    max_units: int = Field(default=50, ge=1, le=MAX_UNITS_CAP)
    regime: RegimeSettings = ALVH_REGIME

    @model_validator(mode="after")
    def _target(self) -> Self:
        if self.sizing is SizingMode.PROTECTION and not self.target_scenario:
            raise ValueError("protection sizing needs the name of a stress scenario to protect")
        return self


def _satisfies_engine_protocol(settings: AllocationSettings) -> AllocationSettingsLike:
    # mypy checks here, once, that the settings are what planner.engine.alvh reads.
    return settings
