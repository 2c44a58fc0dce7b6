"""The default stress set, with every historical figure checked against real SPX/VIX closes."""

from __future__ import annotations

import datetime as dt
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from planner.engine.types import SpotVolPreset, VixMode
from planner.model import StressScenario, default_stress_scenarios
from planner.model.stress_presets import stress_preset_entries

# <repo>/../shared/data (DESIGN.md section 8).
SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
_NOTE_VIX = re.compile(r"VIX (\d+\.\d) -> (\d+\.\d)")

MOVE_TOLERANCE_PCT = 0.3
VIX_TOLERANCE_PTS = 0.5


def _historical() -> list[dict[str, Any]]:
    return [row for row in stress_preset_entries() if "window" in row]


def _ids() -> list[str]:
    return [row["name"] for row in _historical()]


# ---------------------------------------------------------------------------------------------
# The set itself (no data needed)


def test_shipped_file_is_found_as_a_package_resource() -> None:
    assert resources.files("planner.resources").joinpath("stress_presets.json").is_file()


def test_scenarios_are_valid_and_named_uniquely() -> None:
    scenarios = default_stress_scenarios()
    assert all(isinstance(s, StressScenario) for s in scenarios)
    names = [s.name for s in scenarios]
    assert len(names) == len(set(names))
    assert all(s.preset is SpotVolPreset.STRESS for s in scenarios)


def test_every_design_episode_is_present() -> None:
    # DESIGN.md section 3 names these events; each needs at least one row.
    names = " | ".join(s.name for s in default_stress_scenarios())
    for event in ("Aug 24 2015", "Feb 5 2018", "Dec 2018", "Mar 16 2020", "Jun 13 2022"):
        assert event in names
    for event in ("Aug 5 2024", "Apr 3 2025", "Apr 4 2025", "Apr 2025 episode"):
        assert event in names


def test_historical_rows_are_vix_changes_that_match_their_notes() -> None:
    rows = _historical()
    assert len(rows) >= 10
    by_name = {s.name: s for s in default_stress_scenarios()}
    for row in rows:
        scenario = by_name[row["name"]]
        assert scenario.vix_mode is VixMode.CHANGE
        assert scenario.spx_move_pct < 0
        match = _NOTE_VIX.search(scenario.note)
        assert match, scenario.note
        before, peak = float(match.group(1)), float(match.group(2))
        # The note rounds to 0.1; the change is the difference of the unrounded closes.
        assert scenario.vix_value == pytest.approx(peak - before, abs=0.1)


def test_generic_shocks() -> None:
    generic = {s.spx_move_pct: s for s in default_stress_scenarios() if s.vix_mode is VixMode.MAP}
    assert sorted(generic) == [-10, -5, -3, 3, 5, 10]
    assert all(s.days == 1 for s in generic.values())


def test_vix_spike_with_spx_flat() -> None:
    (spike,) = [s for s in default_stress_scenarios() if s.name == "VIX spike, SPX flat"]
    assert spike.spx_move_pct == 0
    assert spike.vix_mode is VixMode.CHANGE and spike.vix_value == 10
    assert spike.days == 1


def test_scenarios_are_cached_values() -> None:
    assert default_stress_scenarios() is default_stress_scenarios()


# ---------------------------------------------------------------------------------------------
# Against the real history


def _closes(name: str) -> pd.Series:
    frame = pd.read_csv(SHARED_DATA / name)
    frame.index = pd.to_datetime(frame["DATE"], format="%m/%d/%Y")
    # SPX carries float32 noise (2386.1298828125): compare at the published 2 dp.
    return frame["CLOSE"].astype(float).round(2)


@pytest.fixture(scope="module")
def history() -> pd.DataFrame:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real market data not found at {SHARED_DATA} (shared/data beside the repo)")
    spx = _closes("spx_daily.csv")
    # The VIX file has global-trading-hours rows on exchange holidays: align on SPX's calendar.
    vix = _closes("vix_daily.csv").reindex(spx.index)
    return pd.DataFrame({"spx": spx, "vix": vix})


def _window(row: dict[str, Any]) -> tuple[pd.Timestamp, pd.Timestamp, str]:
    window = row["window"]
    return pd.Timestamp(window["start"]), pd.Timestamp(window["end"]), window["kind"]


@pytest.mark.shared_data
@pytest.mark.parametrize("row", _historical(), ids=_ids())
def test_spx_move_matches_history(history: pd.DataFrame, row: dict[str, Any]) -> None:
    start, end, _ = _window(row)
    move_pct = 100 * (history.spx[end] / history.spx[start] - 1)
    assert row["spx_move_pct"] == pytest.approx(move_pct, abs=MOVE_TOLERANCE_PCT)


@pytest.mark.shared_data
@pytest.mark.parametrize("row", _historical(), ids=_ids())
def test_vix_before_and_peak_match_history(history: pd.DataFrame, row: dict[str, Any]) -> None:
    start, end, _ = _window(row)
    before = history.vix[start]
    peak = history.vix[start:end].iloc[1:].max()
    match = _NOTE_VIX.search(row["note"])
    assert match
    assert float(match.group(1)) == pytest.approx(before, abs=VIX_TOLERANCE_PTS)
    assert float(match.group(2)) == pytest.approx(peak, abs=VIX_TOLERANCE_PTS)
    assert row["vix_value"] == pytest.approx(peak - before, abs=VIX_TOLERANCE_PTS)


@pytest.mark.shared_data
@pytest.mark.parametrize("row", _historical(), ids=_ids())
def test_days_match_the_window(history: pd.DataFrame, row: dict[str, Any]) -> None:
    start, end, kind = _window(row)
    sessions = history.index[(history.index >= start) & (history.index <= end)]
    if kind == "one_day":
        # One session: the close before the day and the day's own close.
        assert list(sessions) == [start, end]
        assert row["days"] == 1
    else:
        assert kind == "episode"
        assert row["days"] == (end - start).days


@pytest.mark.shared_data
@pytest.mark.parametrize(
    "row", [r for r in _historical() if r["window"]["kind"] == "episode"], ids=lambda r: r["name"]
)
def test_episode_runs_from_the_high_close_to_the_low_close(
    history: pd.DataFrame, row: dict[str, Any]
) -> None:
    start, end, _ = _window(row)
    spx = history.spx
    inside = spx[start:end]
    assert inside.idxmax() == start, "the episode starts at its highest close"
    assert inside.idxmin() == end, "the episode ends at its lowest close"
    # ... and the low is the trough: the next sessions close higher.
    after = spx[end + dt.timedelta(days=1) :].iloc[:3]
    assert (after > spx[end]).all()
    # ... and the high is where the fall began: the session before closed lower.
    assert spx[:start].iloc[-2] < spx[start]


@pytest.mark.parametrize(
    ("name", "move_pct", "vix_before", "vix_peak"),
    [
        # DESIGN.md section 3's figures, reproduced by the row measured over the same closes.
        ("Aug 24 2015, one day", -3.9, None, None),
        ("Aug 2015 episode", -11.2, 13.0, 40.7),
        ("Feb 5 2018, one day", -4.1, 17.3, 37.3),
        ("Feb 2018 episode", -10.2, None, None),
        ("Mar 16 2020, one day", -12.0, None, None),
        ("Feb-Mar 2020 episode", -33.9, 14.4, 82.7),
        ("Jun 13 2022, one day", -3.9, 27.8, 34.0),
        ("Aug 5 2024, one day", -3.0, 23.4, 38.6),
        ("Jul-Aug 2024 episode", -8.5, None, None),
        ("Apr 3 2025, one day", -4.8, None, None),
        ("Apr 4 2025, one day", -6.0, None, None),
        ("Apr 2025 episode", -12.1, 21.5, 52.3),
    ],
)
def test_design_figures(
    name: str, move_pct: float, vix_before: float | None, vix_peak: float | None
) -> None:
    (scenario,) = [s for s in default_stress_scenarios() if s.name == name]
    assert scenario.spx_move_pct == pytest.approx(move_pct, abs=0.05)
    if vix_before is not None and vix_peak is not None:
        assert f"VIX {vix_before:.1f} -> {vix_peak:.1f}" in scenario.note
