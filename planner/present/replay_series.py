"""The replay's chart series, ready to hand to a plot (issue #11): dates as the seconds a date
axis reads, drawdowns as the negative numbers drawn below zero, the curve's contango and
backwardation runs as bands and the stress episodes as spans.

Qt-free and built on the replay's worker thread, so showing a result only passes arrays to
the plots (turning ~5,000 dates into seconds alone held the GUI thread ~10 ms).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from planner.engine.replay_result import ReplayResult

__all__ = ["DAY_S", "EpisodeSpan", "ReplaySeries", "date_seconds", "day_seconds", "replay_series"]

FloatArray = NDArray[np.float64]
DAY_S = 86_400.0
_EMPTY: FloatArray = np.zeros(0)
_EPOCH = dt.date(1970, 1, 1)
# The VIX plot's top sits this far above the highest close (room for the episode tags).
VIX_HEADROOM = 1.08


def day_seconds(days: Sequence[dt.date]) -> FloatArray:
    """Dates as UTC seconds since 1970 (what pyqtgraph's DateAxisItem reads)."""
    as_days = np.array(days, dtype="datetime64[D]").astype(np.int64)
    return as_days.astype(np.float64) * DAY_S


def date_seconds(day: dt.date) -> float:
    return float((day - _EPOCH).days) * DAY_S


@dataclass(frozen=True, slots=True)
class EpisodeSpan:
    """A stress episode on the date axis: from its first day to the end of its last."""

    index: int
    """Its row in the result's episodes (what a click zooms to)."""
    name: str
    start: dt.date
    end: dt.date
    lo_s: float
    hi_s: float
    tag: str | None
    """The short label on the VIX plot ("Mar 20"); None for a second episode of one month."""


@dataclass(frozen=True, slots=True)
class ReplaySeries:
    x_s: FloatArray
    hedged_equity_usd: FloatArray
    condor_equity_usd: FloatArray
    hedge_equity_usd: FloatArray
    hedged_drawdown_neg_pct: FloatArray
    condor_drawdown_neg_pct: FloatArray
    vix: FloatArray
    vix_top: float
    backwardation_x0_s: FloatArray
    backwardation_width_s: FloatArray
    contango_x0_s: FloatArray
    contango_width_s: FloatArray
    episodes: tuple[EpisodeSpan, ...]

    @property
    def days(self) -> int:
        return int(self.x_s.size)


def _bands(states: Sequence[str], x: FloatArray, wanted: str) -> tuple[FloatArray, FloatArray]:
    """(start, width) of each run of days in state `wanted`, each day reaching to the next."""
    if not states:
        return _EMPTY, _EMPTY
    mask = np.array([s == wanted for s in states], dtype=bool)
    edges = np.diff(np.concatenate(([False], mask, [False])).astype(np.int8))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)  # exclusive
    right = np.append(x[1:], x[-1] + DAY_S)
    return x[starts], right[ends - 1] - x[starts]


def replay_series(result: ReplayResult) -> ReplaySeries:
    d = result.daily
    x = day_seconds(d.dates)
    back_x0, back_width = _bands(d.term_state, x, "backwardation")
    cont_x0, cont_width = _bands(d.term_state, x, "contango")
    spans: list[EpisodeSpan] = []
    tags: set[str] = set()
    for i, episode in enumerate(result.episodes):
        tag: str | None = f"{episode.start:%b %y}"
        if tag in tags:
            tag = None  # two presets of one month (a day and its weeks): one tag is enough
        else:
            tags.add(str(tag))
        spans.append(
            EpisodeSpan(
                i,
                episode.name,
                episode.start,
                episode.end,
                date_seconds(episode.start),
                date_seconds(episode.end) + DAY_S,
                tag,
            )
        )
    top = float(np.nanmax(d.vix)) * VIX_HEADROOM if d.vix.size else 1.0
    return ReplaySeries(
        x_s=x,
        hedged_equity_usd=d.hedged_equity_usd,
        condor_equity_usd=d.condor_equity_usd,
        hedge_equity_usd=d.hedge_equity_usd,
        hedged_drawdown_neg_pct=-d.hedged_drawdown_pct,
        condor_drawdown_neg_pct=-d.condor_drawdown_pct,
        vix=d.vix,
        vix_top=top,
        backwardation_x0_s=back_x0,
        backwardation_width_s=back_width,
        contango_x0_s=cont_x0,
        contango_width_s=cont_width,
        episodes=tuple(spans),
    )
