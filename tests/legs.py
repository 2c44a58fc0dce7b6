"""Leg builders the test plans share (each conftest states its own plan with them)."""

from __future__ import annotations

import datetime as dt

from planner.engine.types import Group, Right, Underlying
from planner.model.plan import Leg

# The SPXW Friday the engine's and the window's test condors expire on (49 days after the
# 20 Nov 2026 valuation date both plans use).
CONDOR_EXPIRY = dt.date(2027, 1, 8)


def spx_leg(
    leg_id: str,
    right: Right,
    qty: int,
    strike: float,
    expiry: dt.date = CONDOR_EXPIRY,
    group: Group = Group.CONDOR,
    entry: float | None = None,
    iv: float | None = None,
) -> Leg:
    return _leg(leg_id, Underlying.SPX, right, qty, strike, expiry, group, entry, iv)


def vix_call(
    leg_id: str,
    group: Group,
    qty: int,
    strike: float,
    expiry: dt.date,
    iv: float | None = None,
    entry: float | None = None,
) -> Leg:
    return _leg(leg_id, Underlying.VIX, Right.CALL, qty, strike, expiry, group, entry, iv)


def _leg(
    leg_id: str,
    underlying: Underlying,
    right: Right,
    qty: int,
    strike: float,
    expiry: dt.date,
    group: Group,
    entry: float | None,
    iv: float | None,
) -> Leg:
    return Leg(
        id=leg_id,
        underlying=underlying,
        right=right,
        quantity=qty,
        strike=strike,
        expiry=expiry,
        group=group,
        entry_price=entry,
        iv=iv,
    )
