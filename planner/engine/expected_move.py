"""The market's expected SPX move to a horizon, from the model's ATM vol (±1σ / ±2σ bands).

One standard deviation is `S · σ_atm(h) · √(h / 365)`, the trader's "expected move" (what an
ATM straddle prices, near enough), with σ_atm the model's SPX ATM vol at the horizon's tenor:
`atm_iv_ratio · V(h) / 100` with V the plan's smile reference (`FuturesCurve.smile_reference`),
scaled by the level term (vol.model_atm_vol). Bands are spot
± k standard deviations.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from planner.engine.conventions import DAYS_PER_YEAR
from planner.engine.evaluate import plan_market
from planner.engine.types import PlanLike
from planner.engine.vol import model_atm_vol

STANDARD_SIGMAS = (1.0, 2.0)


@dataclass(frozen=True, slots=True)
class MoveBand:
    sigmas: float
    low_spx: float
    high_spx: float


@dataclass(frozen=True, slots=True)
class ExpectedMove:
    horizon_days: int
    atm_vol: float
    """SPX ATM implied vol at the horizon's tenor, decimal."""
    one_sigma_pts: float
    """One standard deviation of SPX over the horizon, index points."""
    bands: tuple[MoveBand, ...]


def expected_move(
    plan: PlanLike, horizon_days: int, sigmas: tuple[float, ...] = STANDARD_SIGMAS
) -> ExpectedMove:
    """Spot ± k·σ bands at `horizon_days` (none for a horizon of today)."""
    market = plan_market(plan)
    days = max(int(horizon_days), 0)
    reference = float(market.curve.smile_reference(float(days), plan.model.atm_reference))
    atm = float(model_atm_vol(reference, plan.model))
    one_sigma = market.spx0 * atm * math.sqrt(days / DAYS_PER_YEAR)
    bands = tuple(
        MoveBand(k, market.spx0 - k * one_sigma, market.spx0 + k * one_sigma)
        for k in sigmas
        if days > 0
    )
    return ExpectedMove(days, atm, one_sigma, bands)
