"""A plan that differs only in its view settings (a horizon drag) leaves the settings panels
alone; any other change, or a refused value on show, refreshes them (issue #13, speed)."""

from __future__ import annotations

import functools
from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from planner.model.plan import Plan
from planner.ui.document import PlanDocument
from planner.ui.fields import show_refusal
from planner.ui.layers.settings import LayerSettingsEditor
from planner.ui.market_panel import MarketPanel
from planner.ui.replay.programme_editor import ProgrammeEditor

from .conftest import settle

Panel = MarketPanel | LayerSettingsEditor | ProgrammeEditor


def _panels(qtbot: QtBot, document: PlanDocument) -> list[Panel]:
    panels: list[Panel] = [
        MarketPanel(document),
        LayerSettingsEditor(document),
        ProgrammeEditor(document),
    ]
    for panel in panels:
        qtbot.addWidget(panel)
    return panels


def _counting(seen: list[str], name: str, original: Callable[[Plan], None], plan: Plan) -> None:
    seen.append(name)
    original(plan)


def _count_refreshes(panels: list[Panel], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    for panel in panels:
        counted = functools.partial(_counting, seen, type(panel).__name__, panel.refresh)
        monkeypatch.setattr(panel, "refresh", counted)
    return seen


def test_a_horizon_change_refreshes_no_settings_panel(
    qtbot: QtBot, document: PlanDocument, monkeypatch: pytest.MonkeyPatch
) -> None:
    panels = _panels(qtbot, document)
    seen = _count_refreshes(panels, monkeypatch)
    plan = document.plan
    for days in (5, 6, 7):
        document.push_plan(
            plan.with_changes(view=plan.view.with_changes(horizon_days=days)), "Horizon"
        )
        settle(qtbot, document)
    assert seen == []
    document.push_plan(
        plan.with_changes(market=plan.market.with_changes(spx=plan.market.spx + 5)), "SPX"
    )
    settle(qtbot, document)
    assert sorted(seen) == ["LayerSettingsEditor", "MarketPanel", "ProgrammeEditor"]


def test_a_refused_value_on_show_is_still_replaced_by_the_next_plan(
    qtbot: QtBot, document: PlanDocument
) -> None:
    market = MarketPanel(document)
    qtbot.addWidget(market)
    spin = next(iter(market.spin_boxes.values()))
    shown = spin.value()
    spin.blockSignals(True)  # a value typed and refused: it never reached the plan
    spin.setValue(shown + 1.0)
    spin.blockSignals(False)
    show_refusal(spin, "refused for the test")
    plan = document.plan
    document.push_plan(plan.with_changes(view=plan.view.with_changes(horizon_days=9)), "Horizon")
    settle(qtbot, document)
    assert spin.value() == shown
    assert not spin.property("invalid")


def test_a_refused_editor_deleted_by_qt_does_not_break_the_next_plan(
    qtbot: QtBot, document: PlanDocument
) -> None:
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QDoubleSpinBox

    market = MarketPanel(document)
    qtbot.addWidget(market)
    gone = QDoubleSpinBox()
    show_refusal(gone, "refused, then its dialog closed")
    gone.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    plan = document.plan
    rate = plan.market.rate + 0.001
    document.push_plan(plan.with_changes(market=plan.market.with_changes(rate=rate)), "Rate")
    settle(qtbot, document)  # the panel's check skips the dead editor instead of raising
    assert market.spin_boxes["market.rate"].value() == pytest.approx(100 * rate)
