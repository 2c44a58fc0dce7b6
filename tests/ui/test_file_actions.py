"""File menu: open/save/revert/new, the unsaved-changes prompt, bad files, save failures,
recent files, drag and drop, print/preview/export/copy. Dialogs are patched, never shown."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QMimeData,
    QPoint,
    QPointF,
    QSettings,
    Qt,
    QUrl,
)
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMenu, QMessageBox
from pytestqt.qtbot import QtBot

from planner.model.plan import ModelParams, Plan
from planner.model.planfile import load_plan, plan_to_json, save_plan
from planner.ui.document import PlanDocument
from planner.ui.file_actions import MAX_RECENT, FileActions
from planner.ui.main_window import MainWindow
from planner.ui.recovery import RecoveryStore

from .conftest import settle

Button = QMessageBox.StandardButton


@pytest.fixture
def window(
    qtbot: QtBot, document: PlanDocument, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[MainWindow]:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    win = MainWindow(document, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    win.file_actions.recovery = RecoveryStore(tmp_path / "recovery")
    qtbot.addWidget(win)
    win.show()
    yield win
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: Button.Discard)
    win.close()
    win.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


class Messages:
    """Records message boxes; `answer` is what `question` returns."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, answer: Button = Button.Cancel) -> None:
        self.answer = answer
        self.questions: list[str] = []
        self.errors: list[str] = []
        monkeypatch.setattr(QMessageBox, "question", self._question)
        for name in ("critical", "warning"):
            monkeypatch.setattr(QMessageBox, name, self._error)

    def _question(self, _p: object, _title: str, text: str, *_a: object) -> Button:
        self.questions.append(text)
        return self.answer

    def _error(self, _p: object, _title: str, text: str, *_a: object) -> Button:
        self.errors.append(text)
        return Button.Ok


def dialog_returns(monkeypatch: pytest.MonkeyPatch, name: str, path: Path | None) -> list[str]:
    calls: list[str] = []

    def fake(_parent: object, _caption: str, directory: str = "", _filter: str = "") -> Any:
        calls.append(directory)
        return (str(path) if path else "", "")

    monkeypatch.setattr(QFileDialog, name, fake)
    return calls


def edit(window: MainWindow, qtbot: QtBot, name: str = "Edited") -> Plan:
    doc = window.document
    doc.push_plan(doc.plan.with_changes(name=name), "rename")
    settle(qtbot, doc)
    assert doc.modified
    return doc.plan


def test_menu_has_every_action_with_standard_shortcuts(window: MainWindow) -> None:
    fa = window.file_actions
    file_menu = window.menuBar().actions()[0].menu()
    assert isinstance(file_menu, QMenu)
    texts = [a.text() for a in file_menu.actions() if not a.isSeparator()]
    for wanted in (
        "&New",
        "&Open…",
        "Open &Recent",
        "&Save",
        "Save &As…",
        "Re&vert to Saved",
        "&Print…",
        "Print Pre&view…",
        "&Export",
        "&Copy chart",
        "&Quit",
    ):
        assert wanted in texts
    assert texts[-1] == "&Quit"
    assert fa.open_action.shortcut().toString() == "Ctrl+O"
    assert fa.save_action.shortcut().toString() == "Ctrl+S"
    assert fa.new_action.shortcut().toString() == "Ctrl+N"
    assert not fa.save_as_action.shortcut().isEmpty()
    # The snapshot formats, then (issue #11) File > Export > Replay CSV.
    exports = [a.text() for a in fa.export_menu.actions() if not a.isSeparator()]
    assert exports == ["&PDF…", "P&NG…", "&SVG…", "&Replay CSV"]


def test_save_as_then_open_round_trip(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edited = edit(window, qtbot)
    target = tmp_path / "mine"  # the suffix is added
    dialog_returns(monkeypatch, "getSaveFileName", target)
    window.file_actions.save_as_action.trigger()
    saved = tmp_path / "mine.hplan"
    assert load_plan(saved) == edited
    assert not window.document.modified and not window.isWindowModified()
    assert window.file_actions.current_path == saved
    # Last folder remembered and offered by the next Open dialog.
    seen = dialog_returns(monkeypatch, "getOpenFileName", saved)
    window.file_actions.open_action.trigger()
    assert seen == [str(tmp_path)]
    assert window.file_actions.recent_files()[0] == str(saved.resolve())


def test_save_writes_to_the_current_file(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, plan: Plan
) -> None:
    path = tmp_path / "p.hplan"
    save_plan(plan, path)
    assert window.file_actions.open_path(path)
    edited = edit(window, qtbot, "Renamed")
    window.file_actions.save_action.trigger()
    assert load_plan(path) == edited and not window.document.modified


@pytest.mark.parametrize("trigger", ["new", "open", "drop", "close"])
def test_cancel_keeps_everything(
    window: MainWindow,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    plan: Plan,
    trigger: str,
) -> None:
    other = tmp_path / "other.hplan"
    save_plan(plan.with_changes(name="Other plan"), other)
    edited = edit(window, qtbot)
    messages = Messages(monkeypatch, Button.Cancel)
    opened = dialog_returns(monkeypatch, "getOpenFileName", other)
    if trigger == "new":
        window.file_actions.new_action.trigger()
    elif trigger == "open":
        window.file_actions.open_action.trigger()
        assert opened == []  # the prompt comes before the file dialog
    elif trigger == "drop":
        window.file_actions.open_path(other)
    else:
        window.close()
        assert window.isVisible()
    assert len(messages.questions) == 1 and "Edited" in messages.questions[0]
    assert window.document.plan == edited and window.document.modified


def test_discard_goes_ahead_and_save_saves_first(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit(window, qtbot)
    Messages(monkeypatch, Button.Discard)
    window.file_actions.new_action.trigger()
    assert window.document.plan.name == "Untitled plan"
    assert window.document.plan.legs == () and not window.document.modified
    assert window.file_actions.current_path is None

    edited = edit(window, qtbot, "Keep me")
    Messages(monkeypatch, Button.Save)
    target = tmp_path / "kept.hplan"
    dialog_returns(monkeypatch, "getSaveFileName", target)
    window.file_actions.new_action.trigger()
    assert load_plan(target) == edited
    assert window.document.plan.name == "Untitled plan"


def test_new_plan_gets_the_current_model_defaults(window: MainWindow) -> None:
    """#10: the bundled sample keeps the (turn-1) smile it was saved with; File > New starts
    from the fitted defaults, with the sample's market and stress set."""
    window.file_actions.new_action.trigger()
    new = window.document.plan
    assert new.model == ModelParams()
    assert new.legs == ()
    assert new.stress and new.market.spx > 0


def test_save_cancelled_in_the_prompt_keeps_the_plan(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    edited = edit(window, qtbot)
    Messages(monkeypatch, Button.Save)
    dialog_returns(monkeypatch, "getSaveFileName", None)  # Save As cancelled
    assert not window.file_actions.new_plan()
    assert window.document.plan == edited


def corrupt_files(tmp_path: Path, plan: Plan) -> dict[str, Path]:
    good = json.loads(plan_to_json(plan))
    files = {
        "not json": b"{ this is not json",
        "truncated": plan_to_json(plan).encode()[:200],
        "not utf-8": b"\xff\xfe\x00garbage",
        "top-level list": b"[1, 2, 3]",
        "wrong type": json.dumps({**good, "capital_usd": "lots"}).encode(),
        "out of range": json.dumps({**good, "market": {**good["market"], "spx": -5}}).encode(),
        "missing field": json.dumps({k: v for k, v in good.items() if k != "market"}).encode(),
        "nan": plan_to_json(plan).replace('"capital_usd": 250000.0', '"capital_usd": NaN').encode(),
        "empty": b"",
    }
    out = {}
    for n, (kind, data) in enumerate(files.items()):
        path = tmp_path / f"bad{n}.hplan"
        path.write_bytes(data)
        out[kind] = path
    return out


def test_bad_files_show_one_message_and_leave_the_plan(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, plan: Plan
) -> None:
    edited = edit(window, qtbot)
    messages = Messages(monkeypatch, Button.Discard)
    for kind, path in corrupt_files(tmp_path, plan).items():
        messages.errors.clear()
        dialog_returns(monkeypatch, "getOpenFileName", path)
        assert not window.file_actions.open_dialog(), kind
        assert len(messages.errors) == 1, kind
        assert messages.errors[0].startswith(path.name), (kind, messages.errors[0])
        assert window.document.plan == edited, kind
    assert window.file_actions.current_path is None


def test_newer_version_says_so(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, plan: Plan
) -> None:
    doc = json.loads(plan_to_json(plan))
    doc["version"] = 99
    path = tmp_path / "future.hplan"
    path.write_text(json.dumps(doc), encoding="utf-8")
    messages = Messages(monkeypatch)
    assert not window.file_actions.open_path(path)
    assert len(messages.errors) == 1
    assert "future.hplan" in messages.errors[0] and "newer" in messages.errors[0]


def test_failed_save_keeps_old_file_and_open_plan(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, plan: Plan
) -> None:
    path = tmp_path / "p.hplan"
    save_plan(plan, path)
    before = path.read_bytes()
    window.file_actions.open_path(path)
    edited = edit(window, qtbot)
    messages = Messages(monkeypatch)

    def disk_full(*_a: object, **_k: object) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(os, "replace", disk_full)
        assert not window.file_actions.save()
    assert path.read_bytes() == before
    assert window.document.plan == edited and window.document.modified
    assert len(messages.errors) == 1
    assert "p.hplan" in messages.errors[0] and "no space left" in messages.errors[0]
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".tmp") == []
    # A folder that is gone.
    gone = tmp_path / "gone" / "x.hplan"
    dialog_returns(monkeypatch, "getSaveFileName", gone)
    assert not window.file_actions.save_as()
    assert "does not exist" in messages.errors[-1]
    assert window.file_actions.current_path == path and window.document.modified


def test_revert_reloads_the_saved_file(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, plan: Plan
) -> None:
    path = tmp_path / "p.hplan"
    save_plan(plan, path)
    window.file_actions.open_path(path)
    assert not window.file_actions.revert_action.isEnabled()
    edit(window, qtbot)
    assert window.file_actions.revert_action.isEnabled()
    Messages(monkeypatch, Button.Cancel)
    window.file_actions.revert_action.trigger()
    assert window.document.modified
    Messages(monkeypatch, Button.Discard)
    window.file_actions.revert_action.trigger()
    assert window.document.plan == plan and not window.document.modified


def test_recent_files_keep_ten_and_prune_missing(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, plan: Plan
) -> None:
    fa = window.file_actions
    paths = []
    for n in range(MAX_RECENT + 2):
        path = tmp_path / f"p{n}.hplan"
        save_plan(plan, path)
        fa.add_recent(path)
        paths.append(path)
    recent = fa.recent_files()
    assert len(recent) == MAX_RECENT and recent[0] == str(paths[-1].resolve())
    paths[-1].unlink()
    paths[-2].unlink()
    fa.rebuild_recent_menu()
    assert str(paths[-1].resolve()) not in fa.recent_files()
    assert len(fa.recent_files()) == MAX_RECENT - 2
    assert "p11.hplan" in window.statusBar().currentMessage()
    entries = [a for a in fa.recent_menu.actions() if a.text().startswith("&")]
    assert len(entries) == MAX_RECENT - 2
    entries[0].trigger()
    assert fa.current_path == paths[-3].resolve() or fa.current_path == paths[-3]
    # A file deleted after the menu was built: message and removal.
    messages = Messages(monkeypatch)
    paths[0].unlink(missing_ok=True)
    paths[2].unlink()
    assert not fa.open_recent(str(paths[2].resolve()))
    assert len(messages.errors) == 1 and "p2.hplan" in messages.errors[0]
    assert str(paths[2].resolve()) not in fa.recent_files()


def test_drop_a_plan_file_opens_it(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, plan: Plan
) -> None:
    path = tmp_path / "dropped.hplan"
    save_plan(plan.with_changes(name="Dropped plan"), path)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(50, 50), Qt.DropAction.CopyAction, mime, buttons, modifiers)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()  # the window takes .hplan files
    event = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, buttons, modifiers)
    QApplication.sendEvent(window, event)
    assert event.isAccepted()
    qtbot.waitUntil(lambda: window.document.plan.name == "Dropped plan", timeout=3000)
    assert window.file_actions.current_path == path
    # Anything else is not taken.
    other = QMimeData()
    other.setUrls([QUrl.fromLocalFile(str(tmp_path / "notes.txt"))])
    assert window.file_actions._dropped_plan(other) is None


def test_exports_write_pdf_png_svg(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fa = window.file_actions
    dialog_returns(monkeypatch, "getSaveFileName", tmp_path / "snap.pdf")
    fa.export_pdf_action.trigger()
    # The plan is hedged: the ALVH layers page follows the payoff page (was == 1 before the
    # layers page was printed from the window).
    assert len(PdfReader(io.BytesIO((tmp_path / "snap.pdf").read_bytes())).pages) == 2
    monkeypatch.setattr(QInputDialog, "getInt", lambda *a, **k: (1700, True))
    dialog_returns(monkeypatch, "getSaveFileName", tmp_path / "snap")  # suffix added
    fa.export_png_action.trigger()
    assert QImage(str(tmp_path / "snap.png")).width() == 1700
    dialog_returns(monkeypatch, "getSaveFileName", tmp_path / "snap.svg")
    fa.export_svg_action.trigger()
    assert b"<svg" in (tmp_path / "snap.svg").read_bytes()[:2000]
    # PNG width dialog cancelled: nothing written, no file dialog.
    monkeypatch.setattr(QInputDialog, "getInt", lambda *a, **k: (2400, False))
    calls = dialog_returns(monkeypatch, "getSaveFileName", tmp_path / "never.png")
    assert not fa.export_png()
    assert calls == [] and not (tmp_path / "never.png").exists()


def _pdf_pages(path: Path) -> list[str]:
    return ["".join(page.extract_text().split()) for page in PdfReader(str(path)).pages]


def test_print_and_export_add_the_layers_page_of_a_hedged_plan(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hedged plan on paper has its ALVH layers page (as `render --layers`), unless the File
    menu's option is off; the option is remembered. A plan without hedge legs prints one page."""
    fa = window.file_actions
    file_menu = window.menuBar().actions()[0].menu()
    assert isinstance(file_menu, QMenu) and fa.layers_page_action in file_menu.actions()
    assert fa.layers_page_action.isCheckable() and fa.layers_page_action.isChecked()
    messages: list[str] = []
    fa.message.connect(messages.append)

    dialog_returns(monkeypatch, "getSaveFileName", tmp_path / "hedged.pdf")
    assert fa.export_pdf()
    pages = _pdf_pages(tmp_path / "hedged.pdf")
    assert len(pages) == 2
    assert "Hedgelayers(ALVHproposal)" in pages[1] and "Hedgelayers" not in pages[0]
    for layer in ("Near", "Mid", "Tail"):
        assert layer in pages[1]
    assert "Stresswiththeproposedhedge" in pages[1]
    assert "Page2of2" in pages[1]
    assert messages[-1] == "Exported hedged.pdf with the layers page"

    printed = tmp_path / "printed.pdf"

    def accept(dialog: QPrintDialog) -> int:
        dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        dialog.printer().setOutputFileName(str(printed))
        return int(QPrintDialog.DialogCode.Accepted)

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    assert fa.print_dialog()
    assert len(_pdf_pages(printed)) == 2

    # Off: one page, and still off in the next window's File menu.
    fa.layers_page_action.trigger()
    assert not fa.layers_page()
    dialog_returns(monkeypatch, "getSaveFileName", tmp_path / "plain.pdf")
    assert fa.export_pdf()
    assert len(_pdf_pages(tmp_path / "plain.pdf")) == 1
    assert messages[-1] == "Exported plain.pdf"
    again = FileActions(window, window.document, window.payoff_chart, fa.settings)
    assert not again.layers_page_action.isChecked()
    fa.layers_page_action.trigger()

    # On, but nothing hedged: no layers page for a plan without near/mid/tail/offset legs.
    doc = window.document
    doc.push_plan(
        doc.plan.with_changes(legs=tuple(leg for leg in doc.plan.legs if leg.group == "condor")),
        "unhedge",
    )
    settle(qtbot, doc)
    assert fa.layers_page_action.isChecked() and not fa.layers_page()
    dialog_returns(monkeypatch, "getSaveFileName", tmp_path / "condor.pdf")
    assert fa.export_pdf()
    assert len(_pdf_pages(tmp_path / "condor.pdf")) == 1


def test_export_failure_says_why(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    messages = Messages(monkeypatch)
    dialog_returns(monkeypatch, "getSaveFileName", tmp_path / "missing" / "x.pdf")
    assert not window.file_actions.export_pdf()
    assert len(messages.errors) == 1 and "does not exist" in messages.errors[0]


def test_print_and_preview_paint_the_snapshot(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "printed.pdf"

    def accept(dialog: QPrintDialog) -> int:
        printer = dialog.printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        return int(QPrintDialog.DialogCode.Accepted)

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    assert window.file_actions.print_dialog()
    text = "".join(PdfReader(str(out)).pages[0].extract_text().split())
    assert "".join(window.document.plan.name.split()) in text

    monkeypatch.setattr(QPrintDialog, "exec", lambda _d: int(QPrintDialog.DialogCode.Rejected))
    assert not window.file_actions.print_dialog()

    painted: list[int] = []

    def preview(dialog: QPrintPreviewDialog) -> int:
        printer = QPrinter()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp_path / "preview.pdf"))
        dialog.paintRequested.emit(printer)
        painted.append(1)
        return 0

    monkeypatch.setattr(QPrintPreviewDialog, "exec", preview)
    assert window.file_actions.print_preview() is not None
    assert painted and (tmp_path / "preview.pdf").stat().st_size > 1000


def test_copy_chart_puts_a_png_on_the_clipboard(window: MainWindow) -> None:
    assert window.file_actions.copy_chart()
    mime = QApplication.clipboard().mimeData()
    assert mime is not None and mime.hasImage()
    data = bytes(mime.data("image/png").data())
    assert data[:4] == b"\x89PNG"
    assert QImage.fromData(data).width() == 1600
    # The offscreen platform crashes at exit if the clipboard still owns data then.
    QApplication.clipboard().clear()


def test_file_actions_type(window: MainWindow) -> None:
    assert isinstance(window.file_actions, FileActions)


def test_preview_opens_at_page_width_and_png_title_is_whole(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """#13.17: Print Preview opens at a readable zoom; the PNG width dialog's title is not cut
    (its label is at least as wide as the title)."""
    from PySide6.QtPrintSupport import QPrintPreviewWidget

    seen: dict[str, object] = {}

    def preview(dialog: QPrintPreviewDialog) -> int:
        widget = dialog.findChild(QPrintPreviewWidget)
        seen["zoom"] = widget.zoomMode() if widget is not None else None
        seen["width"] = dialog.width()
        return 0

    monkeypatch.setattr(QPrintPreviewDialog, "exec", preview)
    assert window.file_actions.print_preview() is not None
    assert seen["zoom"] == QPrintPreviewWidget.ZoomMode.FitToWidth
    assert isinstance(seen["width"], int) and seen["width"] >= 600

    asked: list[tuple[str, str]] = []

    def get_int(
        _parent: object, title: str, label: str, *_a: object, **_k: object
    ) -> tuple[int, bool]:
        asked.append((title, label))
        return (2400, False)

    monkeypatch.setattr(QInputDialog, "getInt", get_int)
    assert not window.file_actions.export_png()
    title, label = asked[0]
    metrics = window.fontMetrics()
    assert metrics.horizontalAdvance(label) >= metrics.horizontalAdvance(title) + 60
