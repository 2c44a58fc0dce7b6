"""Leg edits that change more than the field typed: the rule lives here, not in the table."""

from __future__ import annotations

import math
from dataclasses import dataclass

from planner.engine.evaluate import model_prices_pts
from planner.model.plan import Leg, Plan

# Entry prices are kept to the cent of an index point, as typed in the table.
_ENTRY_DECIMALS = 2


def same_contract(a: Leg, b: Leg) -> bool:
    """Whether two legs are the same listed option (quantity, group, IV and price aside)."""
    return (a.underlying, a.right, a.strike, a.expiry) == (
        b.underlying,
        b.right,
        b.strike,
        b.expiry,
    )


@dataclass(frozen=True, slots=True)
class LegEdit:
    plan: Plan
    entry_reset_from: float | None
    """The old entry price when the edit replaced it by the new contract's model price."""

    @property
    def entry_reset(self) -> bool:
        return self.entry_reset_from is not None


def with_leg(plan: Plan, new_leg: Leg) -> LegEdit:
    """`plan` with the leg of `new_leg.id` replaced by `new_leg`.

    When the contract itself changes (strike, expiry, right or underlying) an entry price typed
    for the old contract means nothing for the new one: kept, it showed a phantom P&L at spot
    (the 6,900 put's 57.60 against the 6,875 put's model 59.99). It is reset to the new
    contract's model price today, so the leg starts at zero P&L like a freshly priced trade.
    A leg without an entry price already follows the model and is left so. Raises pydantic's
    ValidationError (or ValueError) when the plan refuses the leg.
    """
    old_leg = plan.leg(new_leg.id)
    reset_from: float | None = None
    typed_entry_kept = (
        old_leg.entry_price is not None and new_leg.entry_price == old_leg.entry_price
    )
    if (
        typed_entry_kept
        and not same_contract(old_leg, new_leg)
        and new_leg.expiry >= plan.valuation_date
    ):
        price = float(model_prices_pts(_replace(plan, new_leg), [new_leg])[0])
        if math.isfinite(price) and price >= 0.0:
            reset_from = old_leg.entry_price
            new_leg = new_leg.with_changes(entry_price=round(price, _ENTRY_DECIMALS))
    return LegEdit(_replace(plan, new_leg), reset_from)


def _replace(plan: Plan, new_leg: Leg) -> Plan:
    return plan.with_changes(
        legs=tuple(new_leg if leg.id == new_leg.id else leg for leg in plan.legs)
    )
