"""Combined P&L curves at extra dates (T+n lines), on the same SPX grid as `evaluate`'s curves.

The payoff chart's three fixed dates (today, the horizon, the condor's expiry) come with the
report; a trader comparing several dates at once (OptionNet Explorer's T+n lines) asks for a
list of days. Valued exactly like the report's curves: same grid, same spot-vol map, trade P&L
against the entry prices (blank entry = today's model price).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from planner.engine.evaluate import plan_market, spot_vol_params
from planner.engine.kernel import ValuationJob, scenario_points, value_jobs
from planner.engine.leg_book import build_leg_book
from planner.engine.report import FloatArray
from planner.engine.spot_vol_map import map_vix
from planner.engine.today import today_greeks
from planner.engine.types import SPX_MULTIPLIER_USD, LegLike, PlanLike

MAX_DATES = 8


@dataclass(frozen=True, slots=True)
class DateCurves:
    spx: FloatArray
    days: tuple[int, ...]
    combined_usd: FloatArray
    """(len(days), len(spx)) combined P&L, USD."""


def date_curves(plan: PlanLike, days: Sequence[int]) -> DateCurves:
    """Combined P&L at each of `days` (at most MAX_DATES, negative days dropped)."""
    wanted = tuple(dict.fromkeys(int(d) for d in days if int(d) >= 0))[:MAX_DATES]
    market = plan_market(plan)
    view = plan.view
    grid = market.spx0 * (
        1.0 + np.linspace(-view.price_down_pct, view.price_up_pct, view.price_points) / 100.0
    )
    if not wanted:
        return DateCurves(grid, (), np.zeros((0, grid.size)))
    live: list[LegLike] = [leg for leg in plan.legs if leg.expiry >= plan.valuation_date]
    book = build_leg_book(live, market)
    params = spot_vol_params(plan, plan.model.curve_preset)
    model_price = today_greeks(book, market, params).greeks.price
    entry = np.where(np.isfinite(book.entry), book.entry, model_price)
    vix = map_vix(grid, market.spx0, market.vix0, params, market.model.vix_floor)
    points = [scenario_points(grid, vix, d, params) for d in wanted]
    line_usd = book.quantity * SPX_MULTIPLIER_USD
    (sums,) = value_jobs([ValuationJob(book, points, line_usd[None, :])], market)
    pnl = (sums[0] - line_usd @ entry).reshape(len(wanted), grid.size)
    return DateCurves(grid, wanted, pnl)
