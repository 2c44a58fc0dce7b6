"""Text from a plan file is never rendered as rich text (issue #14, item 1).

Every free-text field of a plan is HTML that Qt would act on if it rendered it: an image read
from a FIFO (which would block the GUI thread for ever), an image read from `/dev/zero`, a link
and a table. The window, its docks, its dialogs and its message boxes must show all of it
literally. A writer blocked on the FIFO proves that nothing opened it (and unblocks a reader
that did, so that a regression fails instead of hanging).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6 import QtGui
from PySide6.QtCore import QAbstractItemModel, QCoreApplication, QEvent, QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDockWidget,
    QGraphicsTextItem,
    QGraphicsView,
    QLabel,
    QMessageBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from planner.engine.types import SizingMode
from planner.model.plan import Plan
from planner.model.planfile import plan_to_json
from planner.ui import plain_text
from planner.ui.document import PlanDocument
from planner.ui.main_window import MainWindow
from planner.ui.recovery import RecoveryStore

from .conftest import settle

Button = QMessageBox.StandardButton
MARKERS = ("<img", "<a ", "<table")


# The writer runs in its own process: a GUI thread blocked inside Qt on the FIFO holds the GIL,
# so a Python thread could never answer it.
_WRITER = """
import os, sys
fifo, log, stop = sys.argv[1:4]
while True:
    fd = os.open(fifo, os.O_WRONLY)  # returns once a reader opens the FIFO
    if os.path.exists(stop):
        os.close(fd)
        break
    with open(log, "a") as out:
        out.write("opened\\n")
    os.close(fd)  # the reader sees end of file and goes on
"""


@dataclasses.dataclass
class FifoWatch:
    """A FIFO whose writer (another process) records every time someone opens it to read."""

    folder: Path

    def __post_init__(self) -> None:
        self.path = self.folder / "f"
        self._log = self.folder / "log"
        self._stop = self.folder / "stop"
        os.mkfifo(self.path)
        self._process = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(self.path), str(self._log), str(self._stop)]
        )

    @property
    def opened(self) -> bool:
        return self._log.exists()

    def stop(self) -> None:
        self._stop.touch()
        fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)  # lets the writer see `stop`
        try:
            self._process.wait(10)
        finally:
            os.close(fd)
            if self._process.poll() is None:
                self._process.kill()
                self._process.wait()


@pytest.fixture
def fifo() -> Iterator[FifoWatch]:
    # A short path: leg ids and regime names have length limits.
    folder = Path(tempfile.mkdtemp(prefix="hp", dir="/tmp"))
    watch = FifoWatch(folder)
    yield watch
    watch.stop()
    shutil.rmtree(folder, ignore_errors=True)


def payloads(fifo: Path) -> list[str]:
    return [
        f"<img src='{fifo}'>",
        "<img src='/dev/zero'>",
        "<a href='file:///etc/passwd'>link</a>",
        "<table><tr><td>cell</td></tr></table>",
    ]


def hostile_plan(plan: Plan, fifo: Path) -> Plan:
    html = payloads(fifo)
    # The last leg has expired: its id is quoted in the report's warnings (the Risk dock).
    expired = plan.legs[0].with_changes(
        id=f"{html[0]}x", expiry=plan.valuation_date - dt.timedelta(1)
    )
    legs = (*(leg.with_changes(id=f"{html[i % 4]}{i}") for i, leg in enumerate(plan.legs)), expired)
    stress = tuple(
        s.with_changes(name=f"{html[i % 4]} s{i}", note=html[(i + 1) % 4])
        for i, s in enumerate(plan.stress)
    )
    allocation = plan.allocation.with_changes(
        sizing=SizingMode.PROTECTION,
        target_scenario=stress[0].name,
        regime=plan.allocation.regime.with_changes(name=html[0]),
    )
    return plan.with_changes(
        name=f"{html[0]} plan",
        notes="\n".join(html),
        legs=legs,
        stress=stress,
        allocation=allocation,
    )


def _is_raw_rich(text: str) -> bool:
    return any(m in text for m in MARKERS) and QtGui.Qt.mightBeRichText(text)


class Boxes:
    """Message boxes: recorded, and rendered for real (non-modally) like the static ones."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, answer: Button) -> None:
        self.answer = answer
        self.texts: list[str] = []
        for name in ("critical", "warning", "information", "question"):
            monkeypatch.setattr(QMessageBox, name, self._box)

    def _box(self, parent: QWidget | None, title: str, text: str, *_a: Any, **_k: Any) -> Button:
        self.texts.append(text)
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, Button.Ok, parent)
        box.show()
        QApplication.processEvents()
        box.grab()
        box.close()
        box.deleteLater()
        return self.answer


def rich_offenders(root: QWidget) -> list[str]:
    """Every place under `root` where text containing HTML would be rendered as rich text."""
    found: list[str] = []
    widgets = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        where = f"{type(widget).__name__} {widget.objectName()!r}"
        if isinstance(widget, QLabel):
            text = widget.text()
            fmt = widget.textFormat()
            if any(m in text for m in MARKERS) and (
                fmt == Qt.TextFormat.RichText
                or (fmt == Qt.TextFormat.AutoText and QtGui.Qt.mightBeRichText(text))
            ):
                found.append(f"{where} text {text[:80]!r}")
        for kind, text in (
            ("tooltip", widget.toolTip()),
            ("status tip", widget.statusTip()),
            ("what's this", widget.whatsThis()),
        ):
            if _is_raw_rich(text):
                found.append(f"{where} {kind} {text[:80]!r}")
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            found.extend(f"{where} {m}" for m in _model_offenders(widget.model()))
        if isinstance(widget, QGraphicsView) and widget.scene() is not None:
            for item in widget.scene().items():
                if isinstance(item, QGraphicsTextItem):
                    doc_html = item.document().toHtml()
                    if any(m in doc_html for m in MARKERS):
                        found.append(f"{where} graphics text {item.toPlainText()[:80]!r}")
                tip = item.toolTip()
                if _is_raw_rich(tip):
                    found.append(f"{where} graphics item tooltip {tip[:80]!r}")
    for action in root.findChildren(QAction):
        for kind, text in (("tooltip", action.toolTip()), ("status tip", action.statusTip())):
            if _is_raw_rich(text):
                found.append(f"action {action.text()!r} {kind} {text[:80]!r}")
    return found


def _model_offenders(model: QAbstractItemModel) -> list[str]:
    found: list[str] = []
    tip = Qt.ItemDataRole.ToolTipRole
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            value = model.data(model.index(row, column), tip)
            if isinstance(value, str) and _is_raw_rich(value):
                found.append(f"cell ({row}, {column}) tooltip {value[:80]!r}")
    for orientation, count in (
        (Qt.Orientation.Horizontal, model.columnCount()),
        (Qt.Orientation.Vertical, model.rowCount()),
    ):
        for section in range(count):
            value = model.headerData(section, orientation, tip)
            if isinstance(value, str) and _is_raw_rich(value):
                found.append(f"header {section} tooltip {value[:80]!r}")
    return found


def show_everything(window: MainWindow, qtbot: QtBot) -> None:
    """Lay out and paint every tab and dock, as a user looking around would."""
    settle(qtbot, window.document)
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        window.grab()
    for dock in window.findChildren(QDockWidget):
        dock.show()
        dock.raise_()
        QApplication.processEvents()
        dock.grab()
    window.grab()


def test_every_free_text_field_is_shown_as_plain_text(
    qtbot: QtBot,
    plan: Plan,
    fifo: FifoWatch,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hostile = hostile_plan(plan, fifo.path)
    boxes = Boxes(monkeypatch, Button.Yes)
    document = PlanDocument(hostile)
    window = MainWindow(document, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    window.file_actions.recovery = RecoveryStore(tmp_path / "recovery")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: document.report is not None, timeout=20_000)
    show_everything(window, qtbot)
    assert document.last_error is None
    assert any(w.startswith("Leg <img") for w in document.report.warnings), (
        document.report.warnings
    )  # the dock shows it
    offenders = rich_offenders(window)
    assert not offenders, "\n".join(offenders)

    # The condor dialog (its preview quotes the plan's figures and messages).
    dialog = window.open_condor_dialog()
    QApplication.processEvents()
    dialog.grab()
    offenders = rich_offenders(dialog)
    assert not offenders, "\n".join(offenders)
    dialog.close()

    # The recovery prompt names the autosaved plan.
    crashed = RecoveryStore(tmp_path / "recovery")
    crashed.write(hostile.with_changes(name=f"{payloads(fifo.path)[1]} autosaved"), None)
    assert crashed._lock is not None
    crashed._lock.unlock()
    assert window.file_actions.offer_recovery()
    show_everything(window, qtbot)
    offenders = rich_offenders(window)
    assert not offenders, "\n".join(offenders)

    # The open-error box quotes the bad value ("got …"); the unsaved-changes prompt names the
    # plan; the save-error box names the file.
    bad = tmp_path / "bad.hplan"
    bad.write_text(json.dumps({"format": payloads(fifo.path)[0]}), encoding="utf-8")
    boxes.answer = Button.Discard
    assert not window.file_actions.open_path(bad)
    assert any("img src=" in t for t in boxes.texts)  # the hostile value reached a box
    window.file_actions.save_to(tmp_path / "missing" / "<img src='x'>.hplan")
    assert len(boxes.texts) >= 4

    assert not fifo.opened, "a widget opened the FIFO named in the plan"
    assert [t for t in boxes.texts if _is_raw_rich(t)] == []
    boxes.answer = Button.Discard
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_the_plan_file_text_round_trips(plan: Plan, fifo: FifoWatch) -> None:
    # The hostile plan is a valid plan: the test above exercises display, not validation.
    hostile = hostile_plan(plan, fifo.path)
    assert "<img" in plan_to_json(hostile)


def test_safe_text_leaves_ordinary_text_alone_and_escapes_html() -> None:
    assert plain_text.safe_text("p.hplan: could not save: no space left") == (
        "p.hplan: could not save: no space left"
    )
    shown = plain_text.safe_text("<img src='/dev/zero'> & more")
    assert "<img" not in shown and "&lt;img src='/dev/zero'&gt; &amp; more" in shown
    assert plain_text.escape("a <b>\nc") == "a &lt;b&gt;<br>c"
