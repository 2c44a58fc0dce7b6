"""The replay charts' episode tags: readable at any zoom on any screen width (issue #11)."""

from __future__ import annotations

import datetime as dt
import itertools

from pytestqt.qtbot import QtBot

from planner.present.replay_series import DAY_S, EpisodeSpan
from planner.ui.replay.charts import ReplayCharts

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
