"""What the replay reads: the programme settings' Protocols and the daily market history.

The model's `ProgrammeSettings` satisfy these Protocols structurally (as the plan satisfies
`PlanLike`); the history is handed over as plain numpy arrays (the engine reads no files).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from planner.engine.errors import EngineInputError

FloatArray = NDArray[np.float64]
DateArray = NDArray[np.datetime64]


class CondorCadence(StrEnum):
    MONTHLY = "monthly"  # one condor per standard (3rd Friday) SPX expiry
    WEEKLY = "weekly"  # one condor per weekly (Friday) SPX expiry


class WingRule(StrEnum):
    POINTS = "points"  # long strikes a fixed number of points beyond the shorts
    DELTA = "delta"  # long strikes at a target delta


class CondorSizing(StrEnum):
    PER_CAPITAL = "per_capital"  # lots per $100k of the plan's capital
    FIXED = "fixed"  # a fixed number of lots


class CondorProgrammeLike(Protocol):
    @property
    def cadence(self) -> CondorCadence: ...
    @property
    def target_days(self) -> int: ...
    @property
    def put_short_delta(self) -> float: ...
    @property
    def call_short_delta(self) -> float: ...
    @property
    def wing_rule(self) -> WingRule: ...
    @property
    def wing_width_pts(self) -> float: ...
    @property
    def wing_delta(self) -> float: ...
    @property
    def sizing(self) -> CondorSizing: ...
    @property
    def lots_per_100k_usd(self) -> float: ...
    @property
    def fixed_lots(self) -> int: ...
    @property
    def take_profit_pct(self) -> float | None:
        """Close when the P&L reaches this % of the credit; None = off."""
        ...

    @property
    def stop_multiple(self) -> float | None:
        """Close when the loss reaches this many times the credit; None = off."""
        ...

    @property
    def close_days_left(self) -> int | None:
        """Close at the first close with at most this many calendar days left; None = off."""
        ...


class TradingCostsLike(Protocol):
    @property
    def spx_commission_usd(self) -> float: ...
    @property
    def spx_half_spread_pts(self) -> float: ...
    @property
    def vix_commission_usd(self) -> float: ...
    @property
    def vix_half_spread_pts(self) -> float: ...


class MonetiseLike(Protocol):
    """Sell the near layer when the curve is in backwardation and VIX RSI(14) is above
    `rsi_above`; buy again when the signal clears (the signal `signals.with_history` shows)."""

    @property
    def enabled(self) -> bool: ...
    @property
    def rsi_above(self) -> float: ...


class RollDeferralLike(Protocol):
    """When a condor exit rule fires on a losing condor, hold it while the hedge's gain since
    the condor's entry covers at least `cover_pct` % of the condor's loss, up to `max_days`
    closes."""

    @property
    def enabled(self) -> bool: ...
    @property
    def cover_pct(self) -> float: ...
    @property
    def max_days(self) -> int: ...


class ProgrammeLike(Protocol):
    @property
    def condor(self) -> CondorProgrammeLike: ...
    @property
    def costs(self) -> TradingCostsLike: ...
    @property
    def monetise(self) -> MonetiseLike: ...
    @property
    def roll_deferral(self) -> RollDeferralLike: ...


@dataclass(frozen=True, slots=True)
class DailyMarket:
    """Daily closes on one calendar (oldest first, unique): SPX, spot VIX and the VIX futures
    curve, each future given by its contract's expiry and settlement (NaN = not usable that day).
    """

    dates: DateArray
    """datetime64[D], strictly increasing."""
    spx: FloatArray
    vix: FloatArray
    futures_expiry: DateArray
    """(days, contracts) datetime64[D]: the expiry of each column's contract on each day."""
    futures_price: FloatArray
    """(days, contracts) settlements in VIX points, NaN where missing or set aside."""

    def __post_init__(self) -> None:
        n = self.dates.shape[0]
        if self.dates.ndim != 1 or n == 0:
            raise EngineInputError("the history holds no days")
        if np.any(np.diff(self.dates.astype(np.int64)) <= 0):
            raise EngineInputError("the history's dates must be strictly increasing")
        for name, values in (("SPX", self.spx), ("VIX", self.vix)):
            if values.shape != (n,):
                raise EngineInputError(f"{name} history must have one close per day")
            if not np.all(np.isfinite(values) & (values > 0)):
                raise EngineInputError(f"every {name} close must be a positive number")
        if self.futures_price.ndim != 2 or self.futures_price.shape[0] != n:
            raise EngineInputError("the futures table must have one row per day")
        if self.futures_expiry.shape != self.futures_price.shape:
            raise EngineInputError("every futures price needs its contract's expiry")
        price = self.futures_price
        if np.any(np.isfinite(price) & (price <= 0)) or np.any(np.isinf(price)):
            raise EngineInputError("every VIX future price must be a positive number")
        after = self.futures_expiry > self.dates[:, None]
        if not np.all(after | ~np.isfinite(price)):
            raise EngineInputError("a VIX future in the history has already expired on its day")

    @property
    def size(self) -> int:
        return int(self.dates.shape[0])

    def window(self, start: np.datetime64, end: np.datetime64) -> DailyMarket:
        """The days in [start, end]."""
        keep = (self.dates >= start) & (self.dates <= end)
        if not keep.any():
            raise EngineInputError(f"the history has no days from {start} to {end}")
        return DailyMarket(
            dates=self.dates[keep],
            spx=self.spx[keep],
            vix=self.vix[keep],
            futures_expiry=self.futures_expiry[keep],
            futures_price=self.futures_price[keep],
        )
