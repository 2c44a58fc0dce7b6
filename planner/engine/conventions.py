"""Market conventions every engine module shares, each stated once (DESIGN.md sections 2 and 3)."""

from __future__ import annotations

from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from planner.engine.report import HedgeCost

_Net = TypeVar("_Net", float, NDArray[np.float64])

# Year fractions are calendar days / 365 from the valuation date (DESIGN.md section 2); theta is
# per calendar day on the same count.
DAYS_PER_YEAR = 365.0

# The hedge's carry is its P&L over 30 days with SPX and VIX unchanged, annualised x 365 / 30
# (DESIGN.md section 3, "Hedge cost"); the plan's hedge and the ALVH proposal use the same span.
CARRY_DAYS = 30


def loss_cut_of(condor_pnl_usd: float, net_pnl_usd: _Net) -> _Net:
    """1 − net / condor, for one net P&L or an array of them (every hedge size at once).

    Only meaningful where the condor loses; `loss_cut` is the guarded form reports show.
    """
    return 1.0 - net_pnl_usd / condor_pnl_usd


def loss_cut(condor_pnl_usd: float, net_pnl_usd: float) -> float | None:
    """The share of the condor's loss the rest of the position removes: 1 − net / condor.

    Defined only where the condor loses (DESIGN.md section 3, "Stress table"); None otherwise.
    Above 1 the hedge gains more than the condor loses; below 0 the rest adds to the loss.
    """
    if not condor_pnl_usd < 0:
        return None
    return loss_cut_of(condor_pnl_usd, net_pnl_usd)


def hedge_cost(
    premium_usd: float, theta_usd_per_day: float, carry_30d_usd: float, capital_usd: float
) -> HedgeCost:
    """A hedge's cost: premium, theta, and its carry (P&L over CARRY_DAYS with SPX and VIX
    unchanged) annualised x DAYS_PER_YEAR / CARRY_DAYS, with shares of capital in percent
    (DESIGN.md section 3, "Hedge cost"). The plan's hedge and the ALVH proposal use this."""
    carry_annual = carry_30d_usd * DAYS_PER_YEAR / CARRY_DAYS
    return HedgeCost(
        premium_usd=premium_usd,
        premium_pct_capital=100.0 * premium_usd / capital_usd,
        theta_usd_per_day=theta_usd_per_day,
        carry_30d_usd=carry_30d_usd,
        carry_annual_usd=carry_annual,
        carry_annual_pct_capital=100.0 * carry_annual / capital_usd,
    )
