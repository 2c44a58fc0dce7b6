"""The File menu: plans as files, autosave/recovery, printing and snapshot export.

New, Open…, Open Recent, Save, Save As…, Revert, Print…, Print Preview…, Export ▸ PDF/PNG/SVG,
Copy chart; "Layers Page in Print and Export" (remembered) adds the ALVH layers page to what is
printed and exported when the plan holds hedge layers.

Every way of leaving the current plan (New, Open, a dropped file, closing the window) asks
Save / Discard / Cancel first when it has unsaved changes; Cancel changes nothing. Dialogs are
the static Qt ones (`QFileDialog.getOpenFileName`, `QMessageBox.question` …), so tests can
replace them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QEvent, QMimeData, QObject, QSettings, QTimer, Signal
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QInputDialog,
    QMainWindow,
    QMenu,
    QMessageBox,
)

from planner.engine.types import HEDGE_GROUPS
from planner.model.errors import PlanFileError
from planner.model.plan import ModelParams, Plan
from planner.model.planfile import load_plan, plan_from_json, save_plan
from planner.ui import plain_text
from planner.ui.recovery import RecoveredPlan, RecoveryStore

if TYPE_CHECKING:
    from collections.abc import Callable

    from planner.engine.replay_result import ReplayResult
    from planner.ui.document import PlanDocument
    from planner.ui.payoff_chart import PayoffChart
    from planner.ui.replay.charts import ReplayCharts
    from planner.ui.snapshot import Snapshot

__all__ = [
    "AUTOSAVE_SECONDS_DEFAULT",
    "MAX_RECENT",
    "PLAN_FILTER",
    "FileActions",
    "new_plan_template",
]

PLAN_SUFFIX = ".hplan"
PLAN_FILTER = "Hedge Planner plans (*.hplan);;All files (*)"
MAX_RECENT = 10
AUTOSAVE_SECONDS_DEFAULT = 60
PNG_WIDTH_RANGE_PX = (1600, 4000)
_RECENT_KEY = "files/recent"
_FOLDER_KEY = "files/last_folder"
_AUTOSAVE_KEY = "files/autosave_seconds"
_PNG_WIDTH_KEY = "files/png_width"
_LAYERS_PAGE_KEY = "files/print_layers_page"


def new_plan_template() -> Plan:
    """A blank plan: the bundled sample's market and stress set, no legs, and the current model
    defaults (the sample keeps the parameters it was saved with; new plans get the fitted ones).
    """
    from importlib.resources import files

    text = files("planner.resources").joinpath("sample.hplan").read_text(encoding="utf-8")
    sample = plan_from_json(text, "sample.hplan")
    return sample.with_changes(name="Untitled plan", legs=(), notes="", model=ModelParams())


def _safe_file_stem(name: str) -> str:
    stem = re.sub(r'[\\/:*?"<>|\s]+', "_", name).strip("._")
    return stem[:80] or "plan"


class FileActions(QObject):
    """Owns the current file path, the File menu actions and the autosave timer of a window.

    It knows the window only as the parent of its dialogs and the target of dropped files, the
    document it opens and saves, and the chart it prints; status text goes out on `message`.
    """

    message = Signal(str)

    def __init__(
        self,
        window: QMainWindow,
        document: PlanDocument,
        chart: PayoffChart,
        settings: QSettings,
        recovery: RecoveryStore | None = None,
    ) -> None:
        super().__init__(window)
        self.document = document
        self._chart = chart
        self.settings = settings
        self.recovery = recovery if recovery is not None else RecoveryStore()
        self.current_path: Path | None = None
        # The window's replay on screen (result, charts) for the snapshot's replay page.
        self.replay_page: Callable[[], tuple[ReplayResult | None, ReplayCharts | None]] | None = (
            None
        )

        self.new_action = self._action("&New", self.new_plan, QKeySequence.StandardKey.New)
        self.open_action = self._action("&Open…", self.open_dialog, QKeySequence.StandardKey.Open)
        self.recent_menu = QMenu("Open &Recent", window)
        self.recent_menu.aboutToShow.connect(self.rebuild_recent_menu)
        self.save_action = self._action("&Save", self.save, QKeySequence.StandardKey.Save)
        self.save_as_action = self._action(
            "Save &As…", self.save_as, QKeySequence.StandardKey.SaveAs
        )
        if self.save_as_action.shortcut().isEmpty():
            self.save_as_action.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.revert_action = self._action("Re&vert to Saved", self.revert)
        self.print_action = self._action(
            "&Print…", self.print_dialog, QKeySequence.StandardKey.Print
        )
        self.preview_action = self._action("Print Pre&view…", self.print_preview)
        # A hedged plan on paper without its layers leaves out half the plan: on by default.
        self.layers_page_action = QAction("&Layers Page in Print and Export", self.window)
        self.layers_page_action.setCheckable(True)
        stored_layers: object = self.settings.value(_LAYERS_PAGE_KEY, True, bool)
        self.layers_page_action.setChecked(stored_layers is not False)
        self.layers_page_action.setToolTip(
            "Print, preview and export add the ALVH layers page (the layers, their totals and "
            "the stress by layer) when the plan holds near, mid, tail or offset legs"
        )
        self.layers_page_action.setStatusTip(self.layers_page_action.toolTip())
        self.layers_page_action.toggled.connect(
            lambda on: self.settings.setValue(_LAYERS_PAGE_KEY, on)
        )
        self.export_menu = QMenu("&Export", window)
        self.export_pdf_action = self._action("&PDF…", self.export_pdf)
        self.export_png_action = self._action("P&NG…", self.export_png)
        self.export_svg_action = self._action("&SVG…", self.export_svg)
        for action in (self.export_pdf_action, self.export_png_action, self.export_svg_action):
            self.export_menu.addAction(action)
        self.copy_chart_action = self._action("&Copy chart", self.copy_chart)

        self.autosave_timer = QTimer(self)
        self.autosave_timer.timeout.connect(self.autosave)
        self.set_autosave_seconds(self._autosave_seconds_setting())

        self.document.modified_changed.connect(self._update_actions)
        window.setAcceptDrops(True)
        window.installEventFilter(self)
        self._update_actions()

    @property
    def window(self) -> QMainWindow:
        # Through Qt's parent link, not a Python attribute: a strong reference here would keep a
        # closed window's Python wrapper alive after Qt deleted the window.
        return cast("QMainWindow", self.parent())

    # -- menu ----------------------------------------------------------------------------

    def _action(
        self,
        text: str,
        slot: object,
        shortcut: QKeySequence.StandardKey | None = None,
    ) -> QAction:
        action = QAction(text, self.window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())  # type: ignore[operator]
        return action

    def populate_menu(self, menu: QMenu, before: QAction | None = None) -> None:
        """Add the file actions to `menu`, ahead of `before` (the window's Quit)."""

        def add(action: QAction) -> None:
            menu.insertAction(before, action) if before is not None else menu.addAction(action)

        def separator() -> None:
            menu.insertSeparator(before) if before is not None else menu.addSeparator()

        for action in (self.new_action, self.open_action):
            add(action)
        add(self.recent_menu.menuAction())
        separator()
        for action in (self.save_action, self.save_as_action, self.revert_action):
            add(action)
        separator()
        for action in (self.print_action, self.preview_action, self.layers_page_action):
            add(action)
        add(self.export_menu.menuAction())
        add(self.copy_chart_action)
        separator()
        self.rebuild_recent_menu()

    def set_current_path(self, path: Path | None) -> None:
        """The file the open plan was loaded from (the command line's PLAN)."""
        self.current_path = path
        if path is not None:
            self._remember_folder(path)
            self.add_recent(path)
        self._update_actions()

    def _update_actions(self, *_: object) -> None:
        self.revert_action.setEnabled(self.current_path is not None and self.document.modified)
        self.window.setWindowFilePath(str(self.current_path) if self.current_path else "")

    # -- recent files --------------------------------------------------------------------

    def recent_files(self) -> list[str]:
        value = self.settings.value(_RECENT_KEY, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            return []
        return [str(v) for v in value if isinstance(v, str) and v][:MAX_RECENT]

    def _set_recent(self, paths: list[str]) -> None:
        self.settings.setValue(_RECENT_KEY, paths[:MAX_RECENT])

    def add_recent(self, path: Path) -> None:
        text = str(path.resolve())
        self._set_recent([text, *[p for p in self.recent_files() if p != text]])

    def prune_recent(self) -> list[str]:
        """Forget recent files that no longer exist; their names, for the message."""
        kept: list[str] = []
        gone: list[str] = []
        for p in self.recent_files():
            (kept if Path(p).is_file() else gone).append(p)
        if gone:
            self._set_recent(kept)
            names = ", ".join(Path(p).name for p in gone)
            self.message.emit(f"Removed from Open Recent (no longer found): {names}")
        return gone

    def rebuild_recent_menu(self) -> None:
        self.prune_recent()
        self.recent_menu.clear()
        recent = self.recent_files()
        for n, path in enumerate(recent, start=1):
            action = self.recent_menu.addAction(f"&{n % 10} {Path(path).name}")
            action.setToolTip(plain_text.safe_text(path))
            action.setStatusTip(path)
            action.triggered.connect(lambda _c=False, p=path: self.open_recent(p))
        if recent:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear list").triggered.connect(lambda: self._set_recent([]))
        self.recent_menu.setEnabled(bool(recent))

    def open_recent(self, path: str) -> bool:
        if not Path(path).is_file():
            self._set_recent([p for p in self.recent_files() if p != path])
            plain_text.warning(
                self.window,
                "Open Recent",
                f"{Path(path).name}: no longer found at {path}; removed from Open Recent.",
            )
            return False
        return self.open_path(Path(path))

    # -- folders -------------------------------------------------------------------------

    def last_folder(self) -> str:
        value = self.settings.value(_FOLDER_KEY, "")
        folder = value if isinstance(value, str) else ""
        if folder and Path(folder).is_dir():
            return folder
        return str(Path.home())

    def _remember_folder(self, path: Path) -> None:
        self.settings.setValue(_FOLDER_KEY, str(path.resolve().parent))

    def _suggested_path(self, suffix: str) -> str:
        if self.current_path is not None:
            return str(self.current_path.with_suffix(suffix))
        return str(Path(self.last_folder()) / f"{_safe_file_stem(self.document.plan.name)}{suffix}")

    # -- unsaved changes -----------------------------------------------------------------

    def maybe_save(self) -> bool:
        """True when it is fine to leave the current plan (saved, discarded or unmodified)."""
        if not self.document.modified:
            return True
        name = self.current_path.name if self.current_path else self.document.plan.name
        answer = plain_text.question(
            self.window,
            "Unsaved changes",
            f"Save the changes to “{name}” before closing it?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            self.recovery.remove()
            return True
        return False

    # -- New / Open / Save / Revert ------------------------------------------------------

    def new_plan(self) -> bool:
        if not self.maybe_save():
            return False
        self._load_document(new_plan_template(), None)
        return True

    def open_dialog(self) -> bool:
        if not self.maybe_save():
            return False
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Open plan", self.last_folder(), PLAN_FILTER
        )
        if not path:
            return False
        return self._open_checked(Path(path))

    def open_path(self, path: Path) -> bool:
        """Open `path` after the unsaved-changes prompt (drag and drop, Open Recent)."""
        if not self.maybe_save():
            return False
        return self._open_checked(path)

    def _open_checked(self, path: Path) -> bool:
        try:
            plan = load_plan(path)
        except PlanFileError as exc:
            # One message naming the file and the problem; the open plan stays as it was.
            plain_text.critical(self.window, "Could not open the plan", str(exc))
            return False
        self._remember_folder(path)
        self.add_recent(path)
        self._load_document(plan, path)
        self.message.emit(f"Opened {path.name}")
        return True

    def _load_document(self, plan: Plan, path: Path | None) -> None:
        self.recovery.remove()
        self.current_path = path
        self.document.replace_document(plan)
        self._update_actions()

    def save(self) -> bool:
        if self.current_path is None:
            return self.save_as()
        return self.save_to(self.current_path)

    def save_as(self) -> bool:
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Save plan as", self._suggested_path(PLAN_SUFFIX), PLAN_FILTER
        )
        if not path:
            return False
        target = Path(path)
        if target.suffix.lower() != PLAN_SUFFIX:
            target = target.with_name(target.name + PLAN_SUFFIX)
        return self.save_to(target)

    def save_to(self, path: Path) -> bool:
        """Write the plan atomically; on failure say why and change nothing."""
        try:
            save_plan(self.document.plan, path)
        except (PlanFileError, OSError) as exc:  # save_plan says why; OSError is a backstop
            plain_text.critical(
                self.window,
                "Could not save the plan",
                f"{exc}\n\nThe plan is still open with all its changes, and any earlier "
                "version of the file is unchanged.",
            )
            return False
        self.current_path = path
        self.document.mark_saved()
        self.recovery.remove()
        self._remember_folder(path)
        self.add_recent(path)
        self._update_actions()
        self.message.emit(f"Saved {path.name}")
        return True

    def revert(self) -> bool:
        if self.current_path is None or not self.document.modified:
            return False
        answer = plain_text.question(
            self.window,
            "Revert to saved",
            f"Discard all changes since “{self.current_path.name}” was last saved?",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Discard:
            return False
        return self._open_checked(self.current_path)

    # -- autosave and recovery -----------------------------------------------------------

    def _autosave_seconds_setting(self) -> int:
        value: object = self.settings.value(_AUTOSAVE_KEY, AUTOSAVE_SECONDS_DEFAULT)
        try:
            seconds = int(str(value))
        except ValueError:
            return AUTOSAVE_SECONDS_DEFAULT
        return max(0, seconds)

    def set_autosave_seconds(self, seconds: int) -> None:
        """Autosave interval; 0 turns autosave off."""
        self.settings.setValue(_AUTOSAVE_KEY, seconds)
        self.autosave_timer.stop()
        if seconds > 0:
            self.autosave_timer.start(seconds * 1000)

    def autosave(self) -> bool:
        """Write (or, when unmodified, drop) this session's recovery file; False if it failed."""
        if not self.document.modified:
            self.recovery.remove()
            return True
        try:
            self.recovery.write(self.document.plan, self.current_path)
        except (PlanFileError, OSError) as exc:
            self.message.emit(f"Autosave failed: {exc}")
            return False
        return True

    def offer_recovery(self) -> bool:
        """After a crash: offer the newest autosave left behind; True if one was restored."""
        orphans = self.recovery.orphans()
        if not orphans:
            return False
        newest = orphans[0]
        when = newest.saved_at.strftime("%Y-%m-%d %H:%M") if newest.saved_at else "earlier"
        source = newest.source.name if newest.source else "a plan never saved"
        answer = plain_text.question(
            self.window,
            "Restore unsaved changes?",
            f"Hedge Planner did not close normally. Unsaved changes to “{newest.plan.name}” "
            f"({source}) were autosaved at {when}.\n\nRestore them?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Discard,
            QMessageBox.StandardButton.Yes,
        )
        restored = answer == QMessageBox.StandardButton.Yes
        kept: set[str] = set()
        if restored:
            self.restore(newest)
            # The restored edit is unsaved: it becomes this session's recovery file at once,
            # not at the next autosave tick, so a second crash right after cannot lose it. If
            # that write fails, the dead session's file stays to be offered again.
            if not self.autosave():
                kept.add(newest.session)
        for orphan in orphans:
            if orphan.session not in kept:
                self.recovery.discard(orphan.session)
        return restored

    def restore(self, recovered: RecoveredPlan) -> None:
        """Open the saved file (if still there) and apply the autosave as one unsaved edit."""
        base: Plan | None = None
        path = recovered.source
        if path is not None:
            try:
                base = load_plan(path)
            except PlanFileError:
                base, path = None, None
        self._load_document(base if base is not None else new_plan_template(), path)
        if not self.document.push_plan(recovered.plan, "Restore autosaved changes"):
            return
        self.message.emit("Restored autosaved changes; save to keep them")

    def shutdown(self) -> None:
        """The window closes normally (after the prompt): no recovery is needed."""
        self.autosave_timer.stop()
        self.recovery.remove()

    # -- drag and drop -------------------------------------------------------------------

    @staticmethod
    def _dropped_plan(mime: QMimeData | None) -> Path | None:
        if mime is None or not mime.hasUrls():
            return None
        for url in mime.urls():
            if url.isLocalFile() and url.toLocalFile().lower().endswith(PLAN_SUFFIX):
                return Path(url.toLocalFile())
        return None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.window:
            if event.type() in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
                if isinstance(event, QDragEnterEvent | QDropEvent) and self._dropped_plan(
                    event.mimeData()
                ):
                    event.acceptProposedAction()
                    return True
            elif event.type() == QEvent.Type.Drop and isinstance(event, QDropEvent):
                path = self._dropped_plan(event.mimeData())
                if path is not None:
                    event.acceptProposedAction()
                    # Open after the drop returns: a modal prompt inside a drop handler
                    # would block the source application's drag.
                    QTimer.singleShot(0, lambda: self.open_path(path))
                    return True
        return super().eventFilter(watched, event)

    # -- snapshot: print, preview, export, copy ------------------------------------------

    def layers_page(self) -> bool:
        """Whether printing and export add the ALVH layers page: the option is on and the plan
        holds hedge layer legs."""
        plan = self.document.plan
        return self.layers_page_action.isChecked() and any(
            leg.group in HEDGE_GROUPS for leg in plan.legs
        )

    def snapshot(self) -> Snapshot | None:
        from planner.ui.snapshot import Snapshot

        report = self.document.report
        if report is None or self.document.last_error is not None:
            reason = self.document.last_error or "the plan has not been evaluated yet"
            plain_text.warning(self.window, "Nothing to print", f"No snapshot: {reason}")
            return None
        replay, replay_charts = self.replay_page() if self.replay_page is not None else (None, None)
        return Snapshot(
            self.document.plan,
            report,
            chart=self._chart,
            replay=replay,
            replay_charts=replay_charts,
            layers=self.layers_page(),
        )

    def print_dialog(self) -> bool:
        snapshot = self.snapshot()
        if snapshot is None:
            return False
        printer = _printer_for(snapshot)
        dialog = QPrintDialog(printer, self.window)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return False
        snapshot.print_to(printer)
        return True

    def print_preview(self) -> QPrintPreviewDialog | None:
        snapshot = self.snapshot()
        if snapshot is None:
            return None
        printer = _printer_for(snapshot)
        dialog = QPrintPreviewDialog(printer, self.window)
        dialog.setWindowTitle(f"Print Preview — {snapshot.plan.name}")
        dialog.paintRequested.connect(snapshot.print_to)
        # Open large and at the page's width: the default opened a postage stamp of the page.
        screen = self.window.screen().availableGeometry()
        dialog.resize(round(0.8 * screen.width()), round(0.9 * screen.height()))
        preview = dialog.findChild(QPrintPreviewWidget)
        if preview is not None:
            preview.fitToWidth()
        dialog.exec()
        return dialog

    def _export(self, suffix: str, title: str, file_filter: str, width_px: int = 2400) -> bool:
        path, _ = QFileDialog.getSaveFileName(
            self.window, title, self._suggested_path(suffix), file_filter
        )
        if not path:
            return False
        target = Path(path)
        if target.suffix.lower() != suffix:
            target = target.with_name(target.name + suffix)
        report = self.document.report
        if report is None or self.document.last_error is not None:
            self.snapshot()  # says why
            return False
        from planner.ui.snapshot import write_snapshot

        try:
            replay, replay_charts = (
                self.replay_page() if self.replay_page is not None else (None, None)
            )
            layers = self.layers_page()
            write_snapshot(
                self.document.plan,
                report,
                target,
                width_px,
                chart=self._chart,
                replay=replay,
                replay_charts=replay_charts,
                layers=layers,
            )
        except (OSError, ValueError) as exc:
            plain_text.critical(self.window, "Export failed", f"{target.name}: {exc}")
            return False
        self._remember_folder(target)
        self.message.emit(f"Exported {target.name}" + (" with the layers page" if layers else ""))
        return True

    def export_pdf(self) -> bool:
        return self._export(".pdf", "Export snapshot as PDF", "PDF (*.pdf)")

    def export_svg(self) -> bool:
        return self._export(".svg", "Export snapshot as SVG", "SVG (*.svg)")

    def export_png(self) -> bool:
        lo, hi = PNG_WIDTH_RANGE_PX
        stored: object = self.settings.value(_PNG_WIDTH_KEY, 2400)
        try:
            default = min(max(int(str(stored)), lo), hi)
        except ValueError:
            default = 2400
        # The label sets the dialog's width: a short one cut the title bar's text.
        width, ok = QInputDialog.getInt(
            self.window,
            "Export PNG",
            f"Width of the snapshot image in pixels ({lo:,}–{hi:,}):",
            default,
            lo,
            hi,
            100,
        )
        if not ok:
            return False
        self.settings.setValue(_PNG_WIDTH_KEY, width)
        return self._export(".png", "Export snapshot as PNG", "PNG image (*.png)", width)

    def copy_chart(self) -> bool:
        from planner.ui.snapshot import chart_image, chart_png_bytes

        if self.document.report is None:
            self.snapshot()
            return False
        chart = self._chart
        mime = QMimeData()
        mime.setImageData(chart_image(chart))
        mime.setData("image/png", chart_png_bytes(chart))
        QApplication.clipboard().setMimeData(mime)
        self.message.emit("Chart copied to the clipboard")
        return True

    def describe(self) -> str:
        """The file shown in the title bar (for tests and the status bar)."""
        return self.current_path.name if self.current_path else "(not saved)"


def _printer_for(snapshot: Snapshot) -> QPrinter:
    """A high-resolution printer on the snapshot's page, named after the plan (the print
    dialog and the preview start from the same one)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(snapshot.page_layout())
    printer.setDocName(snapshot.plan.name)
    return printer
