"""Plans built in code for engine tests (the engine reads them through its own Protocols)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest

from planner.engine.types import Group, Right, VixMode
from planner.model.plan import (
    LEGACY_MODEL_PARAMS,
    FuturePoint,
    Leg,
    Market,
    Plan,
    StressScenario,
    ViewSettings,
)
from tests.legs import CONDOR_EXPIRY as CONDOR_EXPIRY
from tests.legs import spx_leg, vix_call

VALUATION = dt.date(2026, 11, 20)

FUTURES = (
    FuturePoint(expiry=dt.date(2026, 12, 16), price=17.6),
    FuturePoint(expiry=dt.date(2027, 1, 20), price=18.3),
    FuturePoint(expiry=dt.date(2027, 2, 17), price=18.9),
    FuturePoint(expiry=dt.date(2027, 3, 17), price=19.4),
)


CONDOR = (
    spx_leg("long_put", Right.PUT, 5, 6900.0, entry=9.10),
    spx_leg("short_put", Right.PUT, -5, 6950.0, entry=11.40),
    spx_leg("short_call", Right.CALL, -5, 7840.0, entry=6.20),
    spx_leg("long_call", Right.CALL, 5, 7890.0, entry=4.30),
)
HEDGE = (
    vix_call("near_call", Group.NEAR, 4, 18.0, dt.date(2026, 11, 25)),
    vix_call("mid_call", Group.MID, 4, 22.0, dt.date(2026, 12, 30)),
    vix_call("tail_call", Group.TAIL, 2, 28.0, dt.date(2027, 2, 17)),
)
STRESS = (
    StressScenario(name="SPX -5 %", spx_move_pct=-5.0),
    StressScenario(name="SPX +5 %", spx_move_pct=5.0),
    StressScenario(
        name="Aug 24 2015", spx_move_pct=-3.9, vix_mode=VixMode.CHANGE, vix_value=27.7, days=1
    ),
    StressScenario(name="VIX 40", spx_move_pct=-10.0, vix_mode=VixMode.LEVEL, vix_value=40.0),
)


def make_plan(
    legs: Sequence[Leg] = CONDOR + HEDGE,
    futures: Sequence[FuturePoint] = FUTURES,
    vix: float = 16.4,
    spx: float = 7450.0,
    rate: float = 0.04,
    div: float = 0.013,
    **view: object,
) -> Plan:
    return Plan(
        name="engine test plan",
        valuation_date=VALUATION,
        capital_usd=250_000.0,
        market=Market(spx=spx, rate=rate, dividend_yield=div, vix=vix, futures=tuple(futures)),
        legs=tuple(legs),
        stress=STRESS,
        view=ViewSettings.model_validate(view),
        # The engine tests' figures were worked out with the turn-1 model (DESIGN.md section 3
        # as first written); plan file version 3 changed the defaults, so they are stated.
        model=LEGACY_MODEL_PARAMS,
    )


@pytest.fixture
def plan() -> Plan:
    return make_plan()
