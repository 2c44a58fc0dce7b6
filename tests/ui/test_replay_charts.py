"""The replay charts' episode tags: readable at any zoom on any screen width (issue #11)."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from planner.cli import sample_plan_path
from planner.engine.replay_result import ReplayResult
from planner.model import load_plan
from planner.model.history import find_history_files, load_history
from planner.model.replay import replay_plan
from planner.present.replay_series import DAY_S, EpisodeSpan
from planner.ui.replay.charts import MAX_VIX_HEADROOM, ReplayCharts

EPOCH = dt.date(1970, 1, 1)


def _span(index: int, start: dt.date, days: int, tag: str) -> EpisodeSpan:
    end = start + dt.timedelta(days=days)
    return EpisodeSpan(
        index=index,
        name=f"{tag} episode",
        start=start,
        end=end,
        lo_s=(start - EPOCH).days * DAY_S,
        hi_s=((end - EPOCH).days + 1) * DAY_S,
        tag=tag,
    )


# Crowded like the shipped presets: three in 2018, two in 2020, two in 2024.
SPANS = tuple(
    _span(i, start, days, tag)
    for i, (start, days, tag) in enumerate(
        [
            (dt.date(2015, 8, 20), 10, "Aug 15"),
            (dt.date(2018, 1, 29), 12, "Feb 18"),
            (dt.date(2018, 10, 3), 20, "Oct 18"),
            (dt.date(2018, 12, 3), 20, "Dec 18"),
            (dt.date(2020, 2, 20), 30, "Feb 20"),
            (dt.date(2020, 3, 16), 5, "Mar 20"),
            (dt.date(2022, 6, 1), 20, "Jun 22"),
            (dt.date(2024, 8, 1), 5, "Aug 24"),
            (dt.date(2024, 12, 18), 3, "Dec 24"),
        ]
    )
)


def _charts(qtbot: QtBot, width_px: int) -> ReplayCharts:
    charts = ReplayCharts()
    qtbot.addWidget(charts)
    charts.resize(width_px, 520)
    charts.show()
    qtbot.waitExposed(charts)
    charts._set_episodes(SPANS)
    view_lo = (dt.date(2004, 1, 1) - EPOCH).days * DAY_S
    view_hi = (dt.date(2025, 1, 1) - EPOCH).days * DAY_S
    charts.plots[0].setXRange(view_lo, view_hi, padding=0.0)
    charts.plots[2].setYRange(0.0, 80.0, padding=0.0)
    qtbot.wait(20)
    return charts


def _overlapping(charts: ReplayCharts) -> list[tuple[str, str]]:
    tags = charts.visible_episode_tags()
    return [(a, b) for (a, ra), (b, rb) in itertools.combinations(tags, 2) if ra.intersects(rb)]


def test_tags_never_overprint_on_a_narrow_chart(qtbot: QtBot) -> None:
    charts = _charts(qtbot, 420)
    assert _overlapping(charts) == []
    shown = [tag for tag, _ in charts.visible_episode_tags()]
    assert "Aug 15" in shown  # an episode with room keeps its tag
    assert len(shown) < len(SPANS)  # 2018-2024 cannot all fit in 420 px: some wait for a zoom


def test_zooming_in_brings_every_tag_in_view_back(qtbot: QtBot) -> None:
    charts = _charts(qtbot, 420)
    charts.zoom_to_episode(4)  # Feb-Mar 2020: Feb 20 and Mar 20 sit in the window
    qtbot.wait(20)
    shown = {tag for tag, _ in charts.visible_episode_tags()}
    assert shown == {"Feb 20", "Mar 20"}  # and the episodes out of view have no tag
    assert _overlapping(charts) == []


def test_a_wide_chart_shows_every_tag(qtbot: QtBot) -> None:
    charts = _charts(qtbot, 2400)
    assert sorted(tag for tag, _ in charts.visible_episode_tags()) == sorted(s.tag for s in SPANS)
    assert _overlapping(charts) == []


def test_tags_stay_inside_the_plot(qtbot: QtBot) -> None:
    charts = _charts(qtbot, 420)
    view = charts.plots[2].getViewBox()
    plot_rect = view.sceneBoundingRect()
    for tag, rect in charts.visible_episode_tags():
        assert plot_rect.left() - 0.5 <= rect.left() and rect.right() <= plot_rect.right() + 0.5, (
            tag
        )


DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


@pytest.fixture(scope="module")
def real_result() -> ReplayResult:
    if not DATA.is_dir():
        pytest.skip("shared/data (real history) is absent")
    history = load_history(find_history_files(DATA), dt.date(2018, 1, 2), dt.date(2021, 6, 30))
    return replay_plan(load_plan(sample_plan_path()), history)


@pytest.mark.parametrize(("width_px", "height_px"), [(1366, 520), (900, 360), (2400, 420)])
def test_no_tag_sits_on_the_vix_line(
    qtbot: QtBot, real_result: ReplayResult, width_px: int, height_px: int
) -> None:
    """2018-2021 holds Feb 18, Dec 18, Feb 20 and Mar 20 (VIX 82.7): the top row clears the
    highest close (the plot's top rises by the tag height in pixels, within
    MAX_VIX_HEADROOM, which a VIX plot of 60 px or more stays within) and a tag pushed down a
    row clears the line under it."""
    charts = ReplayCharts()
    qtbot.addWidget(charts)
    charts.resize(width_px, height_px)
    charts.show()
    qtbot.waitExposed(charts)
    charts.set_result(real_result)
    qtbot.wait(20)
    series = charts.series
    assert series is not None
    view = charts.plots[2].getViewBox()
    top = view.viewRange()[1][1]
    assert series.vix_top <= top <= MAX_VIX_HEADROOM * series.vix_top
    shown = charts.visible_episode_tags()
    assert {"Dec 18", "Feb 20"} <= {tag for tag, _ in shown}
    for tag, rect in shown:
        box = view.mapSceneToView(rect).boundingRect()
        y_bottom = min(box.top(), box.bottom())
        inside = (series.x_s >= box.left() - DAY_S) & (series.x_s <= box.right() + DAY_S)
        assert y_bottom > float(np.max(series.vix[inside])), tag
    print(f"  {width_px}x{height_px}: {[tag for tag, _ in shown]}, VIX plot top {top:.1f}")
