"""Signals the ALVH panel shows and never acts on: term structure, VIX band, RSI and MACD of VIX.

RSI(14) is Wilder's: the first average gain/loss is the simple mean of the first 14 daily
changes, then each average is smoothed as avg = (13 * avg + today) / 14. MACD(12, 26, 9) uses
exponential averages with alpha = 2 / (span + 1) seeded with the first value (pandas'
`ewm(span, adjust=False)`, the convention most charting packages follow); the histogram is
MACD minus its 9-day signal line.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from planner.engine.errors import EngineInputError
from planner.engine.report import AlvhSignals

FloatArray = NDArray[np.float64]

RSI_PERIOD = 14
MACD_FAST = 12
MACD_SLOW = 26
MACD_SIGNAL = 9
# "Backwardation and VIX RSI(14) > 70 -> consider monetising the near layer" (DESIGN.md 4).
RSI_OVERBOUGHT = 70.0

# The exponential recursion is evaluated in closed form block by block; within a block the
# weights (1 - alpha)^-k stay far from overflow for any alpha used here.
_BLOCK = 64


def exponential_smooth(values: ArrayLike, alpha: float, start: float) -> FloatArray:
    """y_t = (1 - alpha) * y_{t-1} + alpha * x_t with y_{-1} = `start`, for every t.

    Uses y_t = w^(t+1) y_{-1} + alpha w^t sum_{k<=t} w^-k x_k (w = 1 - alpha) per block, so the
    recursion runs as a few numpy passes instead of a Python loop over days.
    """
    x = np.asarray(values, dtype=np.float64)
    if not 0.0 < alpha <= 1.0:
        raise ValueError(f"smoothing weight must be in (0, 1], got {alpha}")
    out = np.empty_like(x)
    w = 1.0 - alpha
    previous = float(start)
    for begin in range(0, x.size, _BLOCK):
        block = x[begin : begin + _BLOCK]
        k = np.arange(block.size, dtype=np.float64)
        if w == 0.0:
            smoothed = block.copy()
        else:
            w_k = w**k
            smoothed = w_k * w * previous + alpha * w_k * np.cumsum(block / w_k)
        out[begin : begin + block.size] = smoothed
        previous = float(smoothed[-1])
    return out


def ema(values: ArrayLike, span: int) -> FloatArray:
    """Exponential moving average with alpha = 2/(span+1), seeded with the first value."""
    x = np.asarray(values, dtype=np.float64)
    if span < 1:
        raise ValueError(f"span must be at least 1, got {span}")
    if x.size == 0:
        return x.copy()
    alpha = 2.0 / (span + 1.0)
    return np.concatenate(([x[0]], exponential_smooth(x[1:], alpha, float(x[0]))))


def rsi_wilder(close: ArrayLike, period: int = RSI_PERIOD) -> FloatArray:
    """Wilder's RSI for every close; NaN for the first `period` closes (not enough changes)."""
    x = _finite_series(close)
    out = np.full(x.size, np.nan)
    if period < 1:
        raise ValueError(f"RSI period must be at least 1, got {period}")
    if x.size <= period:
        return out
    change = np.diff(x)
    gain = np.maximum(change, 0.0)
    loss = np.maximum(-change, 0.0)
    alpha = 1.0 / period
    avg_gain = np.concatenate(
        ([gain[:period].mean()], exponential_smooth(gain[period:], alpha, gain[:period].mean()))
    )
    avg_loss = np.concatenate(
        ([loss[:period].mean()], exponential_smooth(loss[period:], alpha, loss[:period].mean()))
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        rsi = 100.0 - 100.0 / (1.0 + avg_gain / avg_loss)
    # No losses at all: RSI is 100 (and 50 when the series did not move either way).
    rsi = np.where(avg_loss == 0.0, np.where(avg_gain == 0.0, 50.0, 100.0), rsi)
    out[period:] = rsi
    return out


@dataclass(frozen=True, slots=True)
class Macd:
    macd: FloatArray
    signal: FloatArray
    histogram: FloatArray


def macd(
    close: ArrayLike, fast: int = MACD_FAST, slow: int = MACD_SLOW, signal: int = MACD_SIGNAL
) -> Macd:
    x = _finite_series(close)
    if not fast < slow:
        raise ValueError(f"MACD fast span {fast} must be shorter than the slow span {slow}")
    line = ema(x, fast) - ema(x, slow)
    signal_line = ema(line, signal)
    return Macd(macd=line, signal=signal_line, histogram=line - signal_line)


@dataclass(frozen=True, slots=True)
class VixHistory:
    """Daily spot VIX closes, oldest first, with their dates (or None when only closes are
    known): the optional input from which `evaluate` adds RSI(14) / MACD to the ALVH signals."""

    dates: NDArray[np.datetime64] | None
    close: FloatArray

    def signals(self, base: AlvhSignals) -> AlvhSignals:
        """`base` (e.g. `Report.alvh.signals` of a report made without history) with RSI / MACD
        of these closes."""
        return with_history(base, self.dates, self.close)


def base_signals(term_state: str, slope: float, vix: float, vix_band: str) -> AlvhSignals:
    return AlvhSignals(
        term_state=term_state,
        slope_pts_per_month=slope,
        vix=vix,
        vix_band=vix_band,
        notes=("Load a VIX history file (Cboe CSV) to see RSI(14) and MACD(12,26,9) of VIX.",),
    )


def with_history(
    signals: AlvhSignals, dates: NDArray[np.datetime64] | None, close: ArrayLike
) -> AlvhSignals:
    """`signals` with RSI / MACD of the VIX closes (oldest first) and the monetising hint.

    The history's last close is used as it is; the hint fires when the curve is in
    backwardation and RSI(14) is above 70 (shown, never acted on).
    """
    x = _finite_series(close)
    if x.size <= RSI_PERIOD:
        return dataclasses.replace(
            signals,
            notes=(f"The VIX history has {x.size} closes; RSI(14) needs at least 15.",),
        )
    rsi = float(rsi_wilder(x)[-1])
    m = macd(x)
    end = None
    if dates is not None and len(dates):
        end = dt.date.fromisoformat(str(np.datetime_as_string(dates[-1], unit="D")))
    monetise = signals.term_state == "backwardation" and rsi > RSI_OVERBOUGHT
    notes: list[str] = []
    if monetise:
        notes.append(
            f"Backwardation and VIX RSI(14) {rsi:.0f} > {RSI_OVERBOUGHT:.0f}: "
            "consider monetising the near layer."
        )
    elif rsi > RSI_OVERBOUGHT:
        notes.append(
            f"VIX RSI(14) {rsi:.0f} is above {RSI_OVERBOUGHT:.0f}, but the curve is "
            f"in {signals.term_state}: no monetising signal."
        )
    return dataclasses.replace(
        signals,
        history_end=end,
        history_close=float(x[-1]),
        rsi14=rsi,
        macd=float(m.macd[-1]),
        macd_signal=float(m.signal[-1]),
        macd_histogram=float(m.histogram[-1]),
        monetise_near=monetise,
        notes=tuple(notes),
    )


def _finite_series(close: ArrayLike) -> FloatArray:
    x = np.asarray(close, dtype=np.float64)
    if x.ndim != 1:
        raise EngineInputError("a price history must be one-dimensional")
    if not np.all(np.isfinite(x)):
        raise EngineInputError("a price history must hold finite numbers only")
    return x
