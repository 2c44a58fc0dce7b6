"""The VIX futures curve F(tau) and its term-structure state (DESIGN.md section 3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from planner.engine.errors import EngineInputError
from planner.engine.report import TermStructure
from planner.engine.types import AtmReference, FuturePointLike

# Average calendar days in a month, to quote the curve's slope in points per month.
DAYS_PER_MONTH = 365.25 / 12
# Below this slope (pts/month) the curve is called flat rather than contango/backwardation.
FLAT_SLOPE_PTS = 0.05


# Spot VIX is the market's expected vol over the next 30 calendar days (Cboe's VIX rule);
# VIX9D the same over the next 9.
VIX_WINDOW_DAYS = 30.0
VIX9D_WINDOW_DAYS = 9.0


def strip_midpoint_days(tau_days: ArrayLike) -> NDArray[np.float64]:
    """Where `term_vix` reads the futures strip for an option tau days out: the middle of the
    futures expiries [0, tau - 30] whose 30-day windows cover the option's life past 30 days."""
    tau = np.asarray(tau_days, dtype=np.float64)
    return np.maximum(tau - VIX_WINDOW_DAYS, 0.0) / 2.0


def term_vix(
    spot_vix: ArrayLike,
    strip_future: ArrayLike,
    tau_days: ArrayLike,
    vix9d: float | None = None,
) -> NDArray[np.float64]:
    """The VIX term structure's vol over an option's life [0, tau], VIX points.

    Spot VIX is the 30-day vol from today and a VIX future the 30-day vol from its expiry, so
    the variance to tau is spot VIX's for the first 30 days and, past them, the futures strip's,
    its level taken at `strip_midpoint_days` (`strip_future`). To 30 days it is spot VIX, or,
    with Cboe's 9-day VIX given, VIX9D to 9 days and between 9 and 30 days the variance
    interpolated in time (VIX9D's for 9 days, then the forward variance that makes 30 days add
    up to spot VIX). The SPX smile's ATM is a share of this (`AtmReference.TERM`): measured on
    nine Cboe chains the share varies less between chains (0.76-0.86 at ~30 days) than the
    share of the future at the expiry does (0.64-0.85), which is the vol from the expiry on, not
    up to it; at ~7 days VIX9D halves the miss of spot VIX (README).
    """
    tau = np.asarray(tau_days, dtype=np.float64)
    spot = np.asarray(spot_vix, dtype=np.float64)
    strip = np.asarray(strip_future, dtype=np.float64)
    past = np.maximum(tau - VIX_WINDOW_DAYS, 0.0)
    variance = (VIX_WINDOW_DAYS * spot * spot + past * strip * strip) / np.maximum(
        tau, VIX_WINDOW_DAYS
    )
    if vix9d is not None:
        short = VIX9D_WINDOW_DAYS * vix9d * vix9d
        # The 9-to-30-day forward variance; never negative (a VIX9D far above VIX).
        forward = np.maximum(
            (VIX_WINDOW_DAYS * spot * spot - short) / (VIX_WINDOW_DAYS - VIX9D_WINDOW_DAYS), 0.0
        )
        within = np.clip(tau, VIX9D_WINDOW_DAYS, VIX_WINDOW_DAYS)
        early = (short + (within - VIX9D_WINDOW_DAYS) * forward) / within
        variance = np.where(tau < VIX_WINDOW_DAYS, early, variance)
    return np.asarray(np.sqrt(variance), dtype=np.float64)


@dataclass(frozen=True, slots=True)
class FuturesCurve:
    """F(tau): linear in days between the entered futures, F(0) = spot VIX, flat past the last."""

    spot: float
    days: NDArray[np.float64]
    prices: NDArray[np.float64]
    vix9d: float | None = None
    """Cboe's 9-day VIX, if known: the short end of `smile_reference` (not of F)."""
    # Interpolation knots (spot VIX at tau = 0, then the futures), formed once: the scenario
    # kernel reads the curve for every block.
    _knot_days: NDArray[np.float64] = field(init=False, repr=False, compare=False)
    _knot_prices: NDArray[np.float64] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_knot_days", np.concatenate(([0.0], self.days)))
        object.__setattr__(self, "_knot_prices", np.concatenate(([self.spot], self.prices)))

    def future(self, tau_days: ArrayLike) -> NDArray[np.float64]:
        tau = np.maximum(np.asarray(tau_days, dtype=np.float64), 0.0)
        return np.interp(tau, self._knot_days, self._knot_prices)

    def basis(self, tau_days: ArrayLike) -> NDArray[np.float64]:
        """B(tau) = F(tau) - spot: today's basis, the roll-down a future earns as it ages."""
        return self.future(tau_days) - self.spot

    def smile_reference(self, tau_days: ArrayLike, reference: AtmReference) -> NDArray[np.float64]:
        """The VIX level the default SPX smile's ATM is a share of, for expiries tau away."""
        if reference is AtmReference.FUTURE:
            return self.future(tau_days)
        strip = self.future(strip_midpoint_days(tau_days))
        return term_vix(self.spot, strip, tau_days, self.vix9d)

    def term_structure(self) -> TermStructure:
        if self.days.size == 0:
            return TermStructure(
                state="flat",
                slope_pts_per_month=0.0,
                front_basis_pts=0.0,
                days=self.days.copy(),
                futures=self.prices.copy(),
            )
        # Least-squares slope through spot and every future: one number for the whole curve,
        # robust to a single kinked point.
        x = np.concatenate(([0.0], self.days))
        y = np.concatenate(([self.spot], self.prices))
        x_centred = x - x.mean()
        slope_per_day = float(np.dot(x_centred, y - y.mean()) / np.dot(x_centred, x_centred))
        slope = slope_per_day * DAYS_PER_MONTH
        if slope > FLAT_SLOPE_PTS:
            state = "contango"
        elif slope < -FLAT_SLOPE_PTS:
            state = "backwardation"
        else:
            state = "flat"
        return TermStructure(
            state=state,
            slope_pts_per_month=slope,
            front_basis_pts=float(self.prices[0] - self.spot),
            days=self.days.copy(),
            futures=self.prices.copy(),
        )


def futures_curve(
    vix_spot: float,
    points: Sequence[FuturePointLike],
    valuation_date: dt.date,
    vix9d: float | None = None,
) -> FuturesCurve:
    if not np.isfinite(vix_spot) or vix_spot <= 0:
        raise EngineInputError(f"VIX must be a positive number (got {vix_spot})")
    if vix9d is not None and not (np.isfinite(vix9d) and vix9d > 0):
        raise EngineInputError(f"VIX9D must be a positive number (got {vix9d})")
    live = sorted((p for p in points if p.expiry > valuation_date), key=lambda p: p.expiry)
    days = np.array([(p.expiry - valuation_date).days for p in live], dtype=np.float64)
    prices = np.array([p.price for p in live], dtype=np.float64)
    if prices.size and (not np.all(np.isfinite(prices)) or np.any(prices <= 0)):
        raise EngineInputError("every VIX future price must be a positive number")
    if np.any(np.diff(days) == 0.0):  # sorted by expiry: a repeat sits next to its twin
        raise EngineInputError("two VIX futures share an expiry")
    return FuturesCurve(
        spot=float(vix_spot),
        days=days,
        prices=prices,
        vix9d=None if vix9d is None else float(vix9d),
    )


@dataclass(frozen=True, slots=True)
class CurveHistory:
    """One `FuturesCurve` per day of a history, read for many (day, tenor) pairs at once.

    Day i's curve is what `futures_curve(spot[i], futures of day i, day i)` builds: F(0) = spot
    VIX, linear in days between the day's futures that have a price, flat past the last one.
    `future` gives the same numbers as that curve's `future` for every pair in one numpy pass.
    """

    spot: NDArray[np.float64]
    """(days,) spot VIX."""
    knot_days: NDArray[np.float64]
    """(days, contracts) calendar days from each day to each contract's expiry."""
    knot_prices: NDArray[np.float64]
    """(days, contracts) settlements, NaN where a contract has no usable price that day."""

    def future(self, day: NDArray[np.intp], tau_days: ArrayLike) -> NDArray[np.float64]:
        """F(tau) on day `day[k]` for each pair k (tau clipped at 0, as `FuturesCurve`)."""
        tau = np.maximum(np.asarray(tau_days, dtype=np.float64), 0.0)
        kd = self.knot_days[day]
        kp = self.knot_prices[day]
        valid = np.isfinite(kp) & (kd > 0.0)
        below = valid & (kd <= tau[:, None])
        above = valid & (kd > tau[:, None])
        has_below = below.any(axis=1)
        has_above = above.any(axis=1)
        rows = np.arange(tau.size)
        j_below = np.argmax(np.where(below, kd, -np.inf), axis=1)
        j_above = np.argmin(np.where(above, kd, np.inf), axis=1)
        x0 = np.where(has_below, kd[rows, j_below], 0.0)
        y0 = np.where(has_below, kp[rows, j_below], self.spot[day])
        x1 = np.where(has_above, kd[rows, j_above], x0 + 1.0)
        y1 = np.where(has_above, kp[rows, j_above], y0)
        # np.interp's own arithmetic: slope * (x - x_j) + y_j.
        slope = (y1 - y0) / (x1 - x0)
        return np.asarray(np.where(has_above, slope * (tau - x0) + y0, y0), dtype=np.float64)

    def smile_reference(
        self, day: NDArray[np.intp], tau_days: ArrayLike, reference: AtmReference
    ) -> NDArray[np.float64]:
        """`FuturesCurve.smile_reference` on day `day[k]` for each pair k."""
        if reference is AtmReference.FUTURE:
            return self.future(day, tau_days)
        strip = self.future(day, strip_midpoint_days(tau_days))
        return term_vix(self.spot[day], strip, tau_days)

    def term_states(self) -> tuple[NDArray[np.float64], NDArray[np.str_]]:
        """Each day's least-squares slope (pts/month) through spot and its futures, and the state
        `FuturesCurve.term_structure` names from it ("contango", "backwardation", "flat")."""
        valid = np.isfinite(self.knot_prices) & (self.knot_days > 0.0)
        x = np.concatenate((np.zeros((self.spot.size, 1)), self.knot_days), axis=1)
        y = np.concatenate((self.spot[:, None], self.knot_prices), axis=1)
        w = np.concatenate((np.ones((self.spot.size, 1), dtype=bool), valid), axis=1)
        x = np.where(w, x, 0.0)
        y = np.where(w, y, 0.0)
        count = w.sum(axis=1)
        x_centred = np.where(w, x - (x.sum(axis=1) / count)[:, None], 0.0)
        y_centred = np.where(w, y - (y.sum(axis=1) / count)[:, None], 0.0)
        spread = (x_centred * x_centred).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            per_day = (x_centred * y_centred).sum(axis=1) / spread
        slope = np.where(spread > 0.0, per_day, 0.0) * DAYS_PER_MONTH
        state = np.where(
            slope > FLAT_SLOPE_PTS,
            "contango",
            np.where(slope < -FLAT_SLOPE_PTS, "backwardation", "flat"),
        )
        return slope, state
