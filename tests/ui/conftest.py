"""Shared fixtures for the Qt tests: a realistic plan built in code, isolated QSettings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QSettings
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from planner.engine.report import Report
from planner.engine.types import Group, Right, VixMode
from planner.model.plan import FuturePoint, Market, Plan, StressScenario, ViewSettings
from planner.ui.document import PlanDocument
from planner.ui.main_window import MainWindow
from tests.legs import CONDOR_EXPIRY as CONDOR_EXPIRY
from tests.legs import spx_leg, vix_call

VALUATION = dt.date(2026, 11, 20)


def realistic_plan() -> Plan:
    """SPX 7450 / VIX 16.4 in contango; a 5-lot ~16-delta condor and a 4/4/2 VIX call hedge."""
    futures = (
        FuturePoint(expiry=dt.date(2026, 12, 16), price=17.6),
        FuturePoint(expiry=dt.date(2027, 1, 20), price=18.3),
        FuturePoint(expiry=dt.date(2027, 2, 17), price=18.9),
        FuturePoint(expiry=dt.date(2027, 3, 17), price=19.4),
        FuturePoint(expiry=dt.date(2027, 4, 21), price=19.8),
    )

    legs = (
        spx_leg("long_put", Right.PUT, 5, 6900.0),
        spx_leg("short_put", Right.PUT, -5, 6950.0),
        spx_leg("short_call", Right.CALL, -5, 7840.0),
        spx_leg("long_call", Right.CALL, 5, 7890.0),
        vix_call("near_call", Group.NEAR, 4, 18.0, dt.date(2026, 11, 25)),
        vix_call("mid_call", Group.MID, 4, 22.0, dt.date(2026, 12, 30)),
        vix_call("tail_call", Group.TAIL, 2, 28.0, dt.date(2027, 2, 17)),
    )
    stress = (
        StressScenario(name="SPX -5 %", spx_move_pct=-5.0),
        StressScenario(
            name="Aug 24 2015",
            spx_move_pct=-3.9,
            vix_mode=VixMode.CHANGE,
            vix_value=27.7,
            days=1,
        ),
    )
    return Plan(
        name="Test condor + ALVH",
        valuation_date=VALUATION,
        capital_usd=250_000.0,
        market=Market(spx=7450.0, rate=0.04, dividend_yield=0.013, vix=16.4, futures=futures),
        legs=legs,
        stress=stress,
        view=ViewSettings(price_points=201, heat_price_points=31, heat_vix_points=21),
    )


@pytest.fixture
def plan() -> Plan:
    return realistic_plan()


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path) -> Iterator[Path]:
    """Keep window geometry and toggles written by tests out of the user's real settings."""
    settings_dir = tmp_path / "settings"
    settings_dir.mkdir()
    old_format = QSettings.defaultFormat()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(settings_dir))
    yield settings_dir
    QSettings.setDefaultFormat(old_format)


class CountingEvaluator:
    """The real `planner.engine.evaluate`, counting calls (to prove recalculation coalesces)."""

    def __init__(self) -> None:
        from planner.engine.evaluate import evaluate

        self._evaluate = evaluate
        self.calls = 0
        self.plans: list[Plan] = []

    def __call__(self, plan: Plan, **options: Any) -> Report:
        self.calls += 1
        self.plans.append(plan)
        return self._evaluate(plan, **options)


@pytest.fixture
def evaluator() -> CountingEvaluator:
    return CountingEvaluator()


@pytest.fixture
def document(qtbot: QtBot, plan: Plan, evaluator: CountingEvaluator) -> Iterator[PlanDocument]:
    """A document whose first report is already computed."""
    doc = PlanDocument(plan, evaluator)
    qtbot.waitUntil(lambda: doc.report is not None, timeout=5000)
    yield doc
    doc.stop()


def settle(qtbot: QtBot, doc: PlanDocument) -> None:
    """Let the pending coalesced recalculation run."""
    qtbot.waitUntil(lambda: not doc.recalc_pending, timeout=5000)


W = TypeVar("W", bound=QWidget)


def shown_at(qtbot: QtBot, widget: W, size: tuple[int, int]) -> W:
    """`widget` shown on screen at `size` (width, height), closed with the test."""
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def reopened_window(
    qtbot: QtBot,
    document: PlanDocument,
    settings: QSettings,
    size: tuple[int, int] = (1400, 900),
) -> MainWindow:
    """A window as the app opens one: what `settings` saved is restored."""
    return shown_at(qtbot, MainWindow(document, settings), size)


def shown_window(
    qtbot: QtBot, document: PlanDocument, settings: QSettings, size: tuple[int, int]
) -> MainWindow:
    """A window at `size` in the default dock layout, as on a first start."""
    win = reopened_window(qtbot, document, settings, size)
    win.apply_default_layout()
    qtbot.wait(50)
    return win


def close_and_delete(win: MainWindow) -> None:
    """Close and destroy now, so no window outlives its test."""
    win.close()
    win.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
