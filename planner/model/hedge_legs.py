""" "Apply": the ALVH proposal on screen becomes ordinary plan legs tagged with their layer.

The proposal is the one `evaluate(plan).alvh` already produced for the plan on screen, so Apply
costs no second evaluation; the document's recalculation after the edit is the only one.
"""

from __future__ import annotations

import itertools

from planner.engine.report import AlvhReport
from planner.engine.types import HEDGE_GROUPS
from planner.model.plan import Leg, Plan

__all__ = ["apply_proposal"]


def apply_proposal(plan: Plan, proposal: AlvhReport) -> Plan:
    """A new plan whose near / mid / tail / offset legs are the proposal's, other legs untouched.

    A layer the proposal could not place (no listed expiry in its window, or zero contracts
    because of a zero ratio or size) leaves no leg; its reason is in `proposal.messages`. Leg
    ids are "alvh_near", "alvh_mid", ... (suffixed if another leg already uses the id).
    """
    kept = tuple(leg for leg in plan.legs if leg.group not in HEDGE_GROUPS)
    taken = {leg.id for leg in kept}
    new_legs: list[Leg] = []
    for leg in proposal.legs:
        leg_id = leg.id
        for n in itertools.count(2):
            if leg_id not in taken:
                break
            leg_id = f"{leg.id}_{n}"
        taken.add(leg_id)
        new_legs.append(
            Leg(
                id=leg_id,
                underlying=leg.underlying,
                right=leg.right,
                quantity=leg.quantity,
                strike=leg.strike,
                expiry=leg.expiry,
                group=leg.group,
            )
        )
    return plan.with_changes(legs=kept + tuple(new_legs))
