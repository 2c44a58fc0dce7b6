"""Market edits that change more than one field: the rule lives here, not in a widget."""

from __future__ import annotations

from dataclasses import dataclass

from planner.engine.evaluate import spot_vol_params
from planner.engine.spot_vol_map import futures_after_spot_move
from planner.model.plan import FuturePoint, Plan

# Futures are quoted to the cent in the plan; a future never falls to zero or below.
_FUTURE_DECIMALS = 2
_LOWEST_FUTURE = 0.05


@dataclass(frozen=True, slots=True)
class SpotVixEdit:
    """A spot-VIX edit: the new plan and what happened to the futures curve."""

    plan: Plan
    futures_followed: bool
    front_change_pts: float
    """Change of the nearest future (0 when the curve stayed or is empty)."""
    back_change_pts: float
    """Change of the furthest future."""

    @property
    def description(self) -> str:
        """One line for the market panel: which of the two edits it was."""
        market = self.plan.market
        vix = market.vix
        if not self.futures_followed:
            held = (
                "futures and VIX9D unchanged" if market.vix9d is not None else "futures unchanged"
            )
            return f"Spot VIX {vix:.2f}; {held}"
        moved = []
        if market.futures:
            preset = self.plan.model.curve_preset.value
            moved.append(
                f"futures moved with the {preset} betas "
                f"(front {self.front_change_pts:+.2f}, back {self.back_change_pts:+.2f})"
            )
        if market.vix9d is not None:
            moved.append(f"VIX9D {market.vix9d:.2f} (moved point for point)")
        return f"Spot VIX {vix:.2f}; " + ("; ".join(moved) or "futures unchanged")


def with_spot_vix(plan: Plan, vix: float, futures_follow: bool = True) -> SpotVixEdit:
    """`plan` with spot VIX set to `vix`; with `futures_follow` the futures curve moves too.

    The curve moves as the model says today's futures respond to a spot move (DESIGN.md
    section 3, "Futures response"), with the betas of the curves' spot-vol preset. Raises
    pydantic's ValidationError for a VIX the plan refuses.
    """
    old = plan.market
    points = old.futures
    # The 9-day VIX, if entered, follows a spot move point for point: the short end moves at
    # least as much as the 30-day index (the futures' betas are 1 at expiry and fall with tenor).
    vix9d = old.vix9d
    if futures_follow and vix9d is not None:
        vix9d = max(_LOWEST_FUTURE, round(vix9d + vix - old.vix, _FUTURE_DECIMALS))
    if not futures_follow or not points:
        new_plan = plan.with_changes(market=old.with_changes(vix=vix, vix9d=vix9d))
        return SpotVixEdit(new_plan, futures_follow, 0.0, 0.0)
    params = spot_vol_params(plan, plan.model.curve_preset)
    tau_days = [(p.expiry - plan.valuation_date).days for p in points]
    moved = futures_after_spot_move(
        [p.price for p in points],
        tau_days,
        vix - old.vix,
        params.beta_a,
        params.beta_p,
        params.beta_max,
        params.beta_reversion_per_year,
        params.beta_basis_sensitivity,
        old.vix,
    )
    futures = tuple(
        FuturePoint(expiry=p.expiry, price=max(_LOWEST_FUTURE, round(float(f), _FUTURE_DECIMALS)))
        for p, f in zip(points, moved, strict=True)
    )
    new_plan = plan.with_changes(market=old.with_changes(vix=vix, vix9d=vix9d, futures=futures))
    return SpotVixEdit(
        new_plan,
        True,
        futures[0].price - points[0].price,
        futures[-1].price - points[-1].price,
    )
