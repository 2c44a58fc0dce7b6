"""T+n curves equal the report's own curves at the same days (#13.14)."""

from __future__ import annotations

import numpy as np

from planner.cli import sample_plan_path
from planner.engine.date_curves import MAX_DATES, date_curves
from planner.engine.evaluate import evaluate
from planner.model import load_plan


def test_matches_the_reports_three_curves_and_scales_with_size() -> None:
    plan = load_plan(sample_plan_path())
    report = evaluate(plan)
    days = report.curves.horizons_days
    curves = date_curves(plan, days)
    assert curves.days == tuple(dict.fromkeys(days))
    np.testing.assert_array_equal(curves.spx, report.curves.spx)
    for i, day in enumerate(curves.days):
        row = days.index(day)
        np.testing.assert_allclose(
            curves.combined_usd[i], report.curves.combined_usd[row], atol=1e-6
        )
    bigger = plan.with_changes(
        legs=tuple(leg.with_changes(quantity=7 * leg.quantity) for leg in plan.legs)
    )
    np.testing.assert_allclose(
        date_curves(bigger, [10]).combined_usd,
        7 * date_curves(plan, [10]).combined_usd,
        rtol=1e-9,
        atol=1e-6,
    )


def test_dates_are_deduplicated_capped_and_never_negative() -> None:
    plan = load_plan(sample_plan_path())
    curves = date_curves(plan, [5, 5, -3, *range(20)])
    assert curves.days[0] == 5 and -3 not in curves.days
    assert len(curves.days) == MAX_DATES
    assert date_curves(plan, []).combined_usd.shape == (0, curves.spx.size)
