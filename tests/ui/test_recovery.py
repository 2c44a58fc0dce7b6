"""Autosave and recovery: timer writes, clean save/discard/close remove, a killed process's
autosave is offered at the next start and restored as an unsaved edit."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QSettings
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from planner.model.plan import Plan
from planner.model.planfile import load_plan, save_plan
from planner.ui.document import PlanDocument
from planner.ui.main_window import MainWindow
from planner.ui.recovery import RecoveryStore

from .conftest import CountingEvaluator, settle

ROOT = Path(__file__).resolve().parents[2]
Button = QMessageBox.StandardButton


def make_window(qtbot: QtBot, plan: Plan, folder: Path, settings_path: Path) -> MainWindow:
    doc = PlanDocument(plan, CountingEvaluator())
    qtbot.waitUntil(lambda: doc.report is not None, timeout=5000)
    win = MainWindow(doc, QSettings(str(settings_path), QSettings.Format.IniFormat))
    win.file_actions.recovery = RecoveryStore(folder)
    return win  # disposed by `dispose`, not by qtbot (it would close a deleted window)


def dispose(win: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: Button.Discard)
    win.close()
    win.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "recovery"


@pytest.fixture
def window(
    qtbot: QtBot, plan: Plan, folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[MainWindow]:
    win = make_window(qtbot, plan, folder, tmp_path / "a.ini")
    yield win
    dispose(win, monkeypatch)


def test_autosave_timer_writes_only_when_modified(
    window: MainWindow, qtbot: QtBot, folder: Path
) -> None:
    fa = window.file_actions
    assert fa.autosave_timer.interval() == 60_000  # the default
    fa.set_autosave_seconds(1)
    assert fa.autosave_timer.interval() == 1000
    fa.autosave()
    assert not fa.recovery.path.exists()
    doc = window.document
    doc.push_plan(doc.plan.with_changes(name="Autosaved"), "rename")
    settle(qtbot, doc)
    qtbot.waitUntil(fa.recovery.path.exists, timeout=3000)
    assert load_plan(fa.recovery.path).name == "Autosaved"
    fa.set_autosave_seconds(0)
    assert not fa.autosave_timer.isActive()


def test_clean_save_and_discard_remove_the_autosave(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fa, doc = window.file_actions, window.document
    doc.push_plan(doc.plan.with_changes(name="One"), "rename")
    fa.autosave()
    assert fa.recovery.path.exists()
    assert fa.save_to(tmp_path / "saved.hplan")
    assert not fa.recovery.path.exists()
    doc.push_plan(doc.plan.with_changes(name="Two"), "rename")
    fa.autosave()
    assert fa.recovery.path.exists()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: Button.Discard)
    assert fa.new_plan()
    assert not fa.recovery.path.exists()


def test_recovery_after_a_simulated_crash(
    qtbot: QtBot, plan: Plan, folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "trade.hplan"
    save_plan(plan, source)
    crashed = RecoveryStore(folder)
    crashed.write(plan.with_changes(name="Unsaved work"), source)
    # The session "dies": its lock goes, its files stay (no remove()).
    assert crashed._lock is not None
    crashed._lock.unlock()

    win = make_window(qtbot, plan, folder, tmp_path / "b.ini")
    asked: list[str] = []

    def answer(_p: object, _t: str, text: str, *_a: object) -> Button:
        asked.append(text)
        return Button.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    assert win.file_actions.offer_recovery()
    assert len(asked) == 1 and "Unsaved work" in asked[0] and "trade.hplan" in asked[0]
    doc = win.document
    assert doc.plan.name == "Unsaved work"
    assert doc.modified  # restored changes still need saving
    assert win.file_actions.current_path == source
    doc.undo_stack.undo()  # the restore is one undo step on top of the saved file
    assert doc.plan == plan
    assert list(folder.glob(f"{crashed.session}*")) == []
    assert not win.file_actions.offer_recovery()  # offered once only
    dispose(win, monkeypatch)


def test_declined_recovery_is_deleted(
    qtbot: QtBot, plan: Plan, folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    crashed = RecoveryStore(folder)
    crashed.write(plan.with_changes(name="Unwanted"), None)
    assert crashed._lock is not None
    crashed._lock.unlock()
    win = make_window(qtbot, plan, folder, tmp_path / "c.ini")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: Button.Discard)
    assert not win.file_actions.offer_recovery()
    assert win.document.plan == plan and not win.document.modified
    assert list(folder.glob("*.hplan")) == []
    dispose(win, monkeypatch)


def test_a_live_session_is_not_offered(plan: Plan, folder: Path) -> None:
    live = RecoveryStore(folder)
    live.write(plan, None)
    assert RecoveryStore(folder).orphans() == []
    live.remove()


def test_killed_process_leaves_an_autosave_that_is_offered(
    plan: Plan, folder: Path, tmp_path: Path
) -> None:
    plan_path = tmp_path / "p.hplan"
    save_plan(plan.with_changes(name="Killed mid-edit"), plan_path)
    script = textwrap.dedent(
        f"""
        import os, sys
        from pathlib import Path
        from PySide6.QtCore import QCoreApplication
        app = QCoreApplication([])
        from planner.model.planfile import load_plan
        from planner.ui.recovery import RecoveryStore
        store = RecoveryStore(Path({str(folder)!r}))
        store.write(load_plan({str(plan_path)!r}), Path({str(plan_path)!r}))
        os.kill(os.getpid(), 9)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0  # killed, no clean shutdown
    orphans = RecoveryStore(folder).orphans()
    assert len(orphans) == 1
    assert orphans[0].plan.name == "Killed mid-edit"
    assert orphans[0].source == plan_path


def test_unreadable_autosave_is_dropped(folder: Path) -> None:
    folder.mkdir(parents=True)
    (folder / "dead.hplan").write_text("{broken", encoding="utf-8")
    assert RecoveryStore(folder).orphans() == []
    assert not (folder / "dead.hplan").exists()


def test_a_restored_edit_survives_a_second_crash_before_any_autosave(
    qtbot: QtBot, plan: Plan, folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Crash, restore, crash again before the autosave timer fires: still offered."""
    source = tmp_path / "trade.hplan"
    save_plan(plan, source)
    first = RecoveryStore(folder)
    first.write(plan.with_changes(name="Work after crash one"), source)
    assert first._lock is not None
    first._lock.unlock()  # killed: the lock's owner is gone, its files stay

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: Button.Yes)
    second = make_window(qtbot, plan, folder, tmp_path / "b.ini")
    second.file_actions.set_autosave_seconds(0)  # no tick can save it in between
    assert second.file_actions.offer_recovery()
    assert second.document.plan.name == "Work after crash one"
    assert list(folder.glob(f"{first.session}*")) == []  # the first session's files are gone
    # The second session is killed too: its lock goes, nothing is removed.
    store = second.file_actions.recovery
    assert store._lock is not None
    store._lock.unlock()
    store._lock = None
    second.file_actions.recovery = RecoveryStore(tmp_path / "elsewhere")  # its close is moot
    dispose(second, monkeypatch)

    orphans = RecoveryStore(folder).orphans()
    assert [o.plan.name for o in orphans] == ["Work after crash one"]
    assert orphans[0].source == source

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: Button.Yes)
    third = make_window(qtbot, plan, folder, tmp_path / "c.ini")
    assert third.file_actions.offer_recovery()
    assert third.document.plan.name == "Work after crash one" and third.document.modified
    assert third.file_actions.current_path == source
    dispose(third, monkeypatch)


def test_recovery_info_is_read_safely(plan: Plan, folder: Path) -> None:
    """The small info file beside an autosave goes through the safe reader: a FIFO or a huge
    file in its place is ignored (no hang), the autosave is still offered."""
    import os

    crashed = RecoveryStore(folder)
    crashed.write(plan.with_changes(name="Info gone odd"), None)
    assert crashed._lock is not None
    crashed._lock.unlock()
    info = folder / f"{crashed.session}.json"
    info.unlink()
    os.mkfifo(info)
    orphans = RecoveryStore(folder).orphans()
    assert [o.plan.name for o in orphans] == ["Info gone odd"]
    assert orphans[0].source is None and orphans[0].saved_at is None
