"""The replay programme stored in the plan (DESIGN.md section 9, issue #9): how the condor is
traded over the years, and what every trade costs.

The hedge side of the programme is the plan's ALVH `allocation` (layers, windows, strike rules,
sizing, regime table, theta offset); these settings cover the condor and the costs. They satisfy
`planner.engine.replay_types.ProgrammeLike`.
"""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator

from planner.engine.replay_types import CondorCadence, CondorSizing, ProgrammeLike, WingRule
from planner.model.values import FrozenValue

__all__ = [
    "DEFAULT_SPX_HALF_SPREAD_PTS",
    "DEFAULT_VIX_HALF_SPREAD_PTS",
    "CondorProgramme",
    "MonetiseRule",
    "ProgrammeSettings",
    "RollDeferral",
    "TradingCosts",
]

# Median half of the bid/ask width of SPX options with 3-25 delta and 30-60 days left in the
# real Cboe chain of 2022-02-04 (shared/data/chains, 682 quotes; quartiles 0.20 / 0.30).
DEFAULT_SPX_HALF_SPREAD_PTS = 0.25
# VIX calls under $3 quote in 0.05 ticks, typically 0.05-0.10 wide at the money and in the
# 20-40 delta wings (Cboe VIX options specifications; no VIX chain with bid/ask ships here).
DEFAULT_VIX_HALF_SPREAD_PTS = 0.05
# A typical retail broker's $0.65 per contract plus Cboe's index-option exchange fees.
DEFAULT_COMMISSION_USD = 1.00


class CondorProgramme(FrozenValue):
    """Which iron condor is sold, when, how many, and when it is closed."""

    cadence: CondorCadence = CondorCadence.MONTHLY
    target_days: int = Field(default=45, ge=2, le=365, description="calendar days to expiry")
    short_delta: float = Field(default=0.16, gt=0, lt=0.5, description="both short strikes")
    put_delta: float | None = Field(default=None, gt=0, lt=0.5, description="short put override")
    call_delta: float | None = Field(default=None, gt=0, lt=0.5, description="short call override")
    wing_rule: WingRule = WingRule.POINTS
    wing_width_pts: float = Field(default=50.0, ge=5, le=2000)
    wing_delta: float = Field(default=0.05, gt=0, lt=0.5, description="long strikes' delta")
    sizing: CondorSizing = CondorSizing.PER_CAPITAL
    lots_per_100k_usd: float = Field(default=1.0, gt=0, le=1000, description="lots per $100k")
    fixed_lots: int = Field(default=1, ge=1, le=100_000)
    take_profit_pct: float | None = Field(default=None, gt=0, le=100, description="% of credit")
    stop_multiple: float | None = Field(default=None, gt=0, le=100, description="x credit lost")
    close_days_left: int | None = Field(default=None, ge=0, le=364)

    @property
    def put_short_delta(self) -> float:
        return self.short_delta if self.put_delta is None else self.put_delta

    @property
    def call_short_delta(self) -> float:
        return self.short_delta if self.call_delta is None else self.call_delta

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.close_days_left is not None and self.close_days_left >= self.target_days:
            raise ValueError(
                f"close_days_left ({self.close_days_left}) must be below the target days to "
                f"expiry at entry ({self.target_days}), or the condor closes the day it opens"
            )
        if self.wing_rule is WingRule.DELTA:
            for side, short in (("put", self.put_short_delta), ("call", self.call_short_delta)):
                if not self.wing_delta < short:
                    raise ValueError(
                        f"the wing delta {self.wing_delta:g} must be below the short {side}'s "
                        f"delta {short:g} (the long strikes sit further out)"
                    )
        return self


class TradingCosts(FrozenValue):
    """Costs per option contract, SPX and VIX separately. Every trade pays the commission and
    crosses half the bid/ask spread; cash settlement at expiry pays neither."""

    spx_commission_usd: float = Field(default=DEFAULT_COMMISSION_USD, ge=0, le=100)
    spx_half_spread_pts: float = Field(default=DEFAULT_SPX_HALF_SPREAD_PTS, ge=0, le=50)
    vix_commission_usd: float = Field(default=DEFAULT_COMMISSION_USD, ge=0, le=100)
    vix_half_spread_pts: float = Field(default=DEFAULT_VIX_HALF_SPREAD_PTS, ge=0, le=10)


class MonetiseRule(FrozenValue):
    """Optional, off by default: sell the near layer when the VIX futures curve is in
    backwardation and VIX RSI(14) is above `rsi_above` (DESIGN.md section 4's signal), and buy
    it again when the signal clears."""

    enabled: bool = False
    rsi_above: float = Field(default=70.0, gt=0, lt=100)


class RollDeferral(FrozenValue):
    """Optional, off by default: when a condor exit fires on a losing condor, hold it while the
    hedge's gain since the condor's entry covers at least `cover_pct` % of its loss, for at most
    `max_days` closes."""

    enabled: bool = False
    cover_pct: float = Field(default=50.0, gt=0, le=1000)
    max_days: int = Field(default=5, ge=1, le=60)


class ProgrammeSettings(FrozenValue):
    """The replay's condor programme, costs and optional rules (the hedge is the plan's
    `allocation`)."""

    condor: CondorProgramme = CondorProgramme()
    costs: TradingCosts = TradingCosts()
    monetise: MonetiseRule = MonetiseRule()
    roll_deferral: RollDeferral = RollDeferral()


def _satisfies_engine_protocol(settings: ProgrammeSettings) -> ProgrammeLike:
    # mypy checks here, once, that the settings are what planner.engine.replay reads.
    return settings
