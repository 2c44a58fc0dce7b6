"""Issue 13's speed goal: a drag of the horizon slider or the spot marker repaints at >= 50 fps.

A frame is everything between two mouse moves of a drag: the edit, `evaluate` (horizon only;
the marker reads the curves), every view taking the new report, and the repaint of what
changed (`processEvents` paints the offscreen window's dirty widgets). Goal: median <= 20 ms.
Figures are printed by pytest-benchmark, with a split of the horizon frame; nothing asserts on
time (a busy CI machine must not fail the suite).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QApplication
from pytest_benchmark.fixture import BenchmarkFixture
from pytestqt.qtbot import QtBot

from planner.cli import sample_plan_path
from planner.model import load_plan
from planner.ui.document import PlanDocument
from planner.ui.main_window import MainWindow

SIZES = {"1920x1080": (1920, 1080), "1366x768": (1366, 768)}


@pytest.fixture(params=list(SIZES))
def window(qtbot: QtBot, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[MainWindow]:
    settings = QSettings(str(tmp_path / "bench.ini"), QSettings.Format.IniFormat)
    document = PlanDocument(load_plan(sample_plan_path()))
    win = MainWindow(document, settings=settings)
    qtbot.addWidget(win)
    win.resize(*SIZES[request.param])
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: document.report is not None)
    win.apply_default_layout()
    qtbot.wait(50)
    yield win
    # The benchmark's edits are not the user's work: no "save changes?" prompt on close.
    document.mark_saved()
    win.close()


def test_bench_horizon_drag_frame(window: MainWindow, benchmark: BenchmarkFixture) -> None:
    document = window.document
    slider = window.horizon.slider
    slider.setSliderDown(True)  # a mouse drag: the chart holds its view range meanwhile
    days = iter(list(range(5, 45)) * 100)
    app = QApplication.instance()
    assert app is not None
    split: dict[str, list[float]] = {"edit": [], "evaluate+views": [], "paint": []}

    def frame() -> None:
        evaluations = document.evaluations
        started = time.perf_counter()
        slider.setValue(next(days))
        edited = time.perf_counter()
        QCoreApplication.sendPostedEvents(document)
        computed = time.perf_counter()
        app.processEvents()
        painted = time.perf_counter()
        assert document.evaluations == evaluations + 1
        split["edit"].append(edited - started)
        split["evaluate+views"].append(computed - edited)
        split["paint"].append(painted - computed)

    benchmark.pedantic(frame, rounds=60, warmup_rounds=5)
    slider.setSliderDown(False)
    assert window.payoff_chart.report is document.report
    medians = {k: round(1000 * statistics.median(v), 2) for k, v in split.items()}
    print(f"\nhorizon drag frame split (median ms): {medians}")


def test_bench_spot_marker_drag_frame(window: MainWindow, benchmark: BenchmarkFixture) -> None:
    chart = window.payoff_chart
    spot = window.document.plan.market.spx
    prices = iter([spot * (1.0 - 0.002 * (i % 60)) for i in range(10_000)])
    app = QApplication.instance()
    assert app is not None

    def frame() -> None:
        chart.set_preview_price(next(prices))
        app.processEvents()

    benchmark.pedantic(frame, rounds=100, warmup_rounds=5)
    assert "Marker:" in chart.marker_readout.text()
