"""Fixtures for the plan model tests: a small but complete plan built here, not read from disk."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.engine.types import Group, Right, SpotVolPreset, VixMode
from planner.model import (
    FuturePoint,
    Market,
    Plan,
    StressScenario,
    ViewSettings,
)
from planner.model.plan import LEGACY_MODEL_PARAMS
from tests.legs import spx_leg, vix_call

VALUATION = dt.date(2025, 3, 3)
CONDOR_EXPIRY = dt.date(2025, 4, 17)


def build_sample_plan() -> Plan:
    """A condor hedged with three VIX layers; IVs, entry prices and a custom view set."""
    spx_legs = (
        spx_leg("sp", Right.PUT, -2, 5600, CONDOR_EXPIRY, entry=21.4, iv=0.205),
        spx_leg("lp", Right.PUT, 2, 5550, CONDOR_EXPIRY, entry=17.1),
        spx_leg("sc", Right.CALL, -2, 6150, CONDOR_EXPIRY),
        spx_leg("lc", Right.CALL, 2, 6200, CONDOR_EXPIRY),
    )
    vix_legs = (
        vix_call("near", Group.NEAR, 4, 21, dt.date(2025, 3, 12), entry=0.95),
        vix_call("mid", Group.MID, 4, 24, dt.date(2025, 4, 16), iv=0.95),
        vix_call("tail", Group.TAIL, 2, 30, dt.date(2025, 5, 21)),
    )
    return Plan(
        name="Condor + 4/4/2 hedge — März ✓",
        valuation_date=VALUATION,
        capital_usd=250_000,
        market=Market(
            spx=5849.72,
            rate=0.043,
            dividend_yield=0.0128,
            vix=19.4,
            futures=(
                FuturePoint(expiry=dt.date(2025, 3, 18), price=19.9),
                FuturePoint(expiry=dt.date(2025, 4, 16), price=20.6),
                FuturePoint(expiry=dt.date(2025, 5, 21), price=21.15),
            ),
        ),
        # The model tests' hand figures use the turn-1 model; plan version 3 changed the
        # defaults (README, "Real option chains and calibration"), so they are stated.
        model=LEGACY_MODEL_PARAMS.with_changes(curve_preset=SpotVolPreset.STRESS, vov30=0.95),
        legs=spx_legs + vix_legs,
        stress=(
            StressScenario(name="Crash", spx_move_pct=-10, vix_mode=VixMode.LEVEL, vix_value=45),
            StressScenario(name="Grind up", spx_move_pct=4, days=20, preset=SpotVolPreset.TYPICAL),
        ),
        view=ViewSettings(horizon_days=10, heat_vix_min=12, heat_vix_max=60, show_hedge=False),
        notes='Line one\nline "two" with a tab\tand a backslash \\',
    )


@pytest.fixture(scope="session")
def sample_plan() -> Plan:
    return build_sample_plan()
