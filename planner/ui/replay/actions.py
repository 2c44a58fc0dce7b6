"""File ▸ Load History… and File ▸ Export ▸ Replay CSV: the history folder is read off the GUI
thread (remembered in the settings), a bad file is one dialog naming the file and the line and
leaves the plan and any history already loaded untouched."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import cast

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from planner.model.history import LoadedHistory, find_history_files, load_history
from planner.model.replay import daily_csv, trades_csv, write_csv
from planner.ui.replay.tab import ReplayTab
from planner.ui.replay.worker import BackgroundJob

__all__ = ["HISTORY_FOLDER_KEY", "ReplayActions"]

HISTORY_FOLDER_KEY = "replay/history_folder"


class ReplayActions(QObject):
    message = Signal(str)
    history_loaded = Signal(object)

    def __init__(self, window: QWidget, tab: ReplayTab, settings: QSettings) -> None:
        super().__init__(window)
        self._tab = tab
        self._settings = settings
        self._job: BackgroundJob | None = None
        self.last_dialog: QMessageBox | None = None
        self.load_history_action = QAction("Load &History…", window)
        self.load_history_action.setToolTip(
            "Choose the folder with the S&P 500, VIX and VIX futures daily CSV files"
        )
        self.load_history_action.triggered.connect(lambda _c=False: self.load_history_dialog())
        # Beside File ▸ Export (the snapshot's formats): the replay's own CSV files.
        self.export_menu = QMenu("&Replay CSV", window)
        self.export_daily_action = QAction("&Daily series…", window)
        self.export_daily_action.triggered.connect(lambda _c=False: self.export_dialog("daily"))
        self.export_trades_action = QAction("&Trades…", window)
        self.export_trades_action.triggered.connect(lambda _c=False: self.export_dialog("trades"))
        self.export_menu.addAction(self.export_daily_action)
        self.export_menu.addAction(self.export_trades_action)
        tab.load_requested.connect(self.load_history_dialog)
        tab.results_shown.connect(lambda _o: self._update_actions())
        self._update_actions()

    @property
    def window(self) -> QWidget:
        return cast("QWidget", self.parent())

    @property
    def remembered_folder(self) -> str:
        value = self._settings.value(HISTORY_FOLDER_KEY, "", str)
        return value if isinstance(value, str) else ""

    def _update_actions(self) -> None:
        has = self._tab.shown_result is not None
        self.export_daily_action.setEnabled(has)
        self.export_trades_action.setEnabled(has)
        self.export_menu.setEnabled(has)

    # -- loading -------------------------------------------------------------------------

    def load_history_dialog(self) -> bool:
        folder = QFileDialog.getExistingDirectory(
            self.window,
            "Load History: the folder with the three daily CSV files",
            self.remembered_folder,
        )
        if not folder:
            return False
        self.load_folder(folder)
        return True

    def load_folder(self, folder: str | Path, *, quiet: bool = False) -> None:
        """Read the history in `folder` on a worker thread; `quiet` (the remembered folder at
        start-up) says what went wrong on the tab instead of a dialog."""
        if self._job is not None:
            self._job.cancel()
            self._job.join()
            self._job = None
        path = Path(folder)

        def work(_check: Callable[[float], None]) -> LoadedHistory:
            return load_history(find_history_files(path))

        job = BackgroundJob(work, self)
        job.done.connect(
            lambda value, error, cancelled: self._on_loaded(path, value, error, cancelled, quiet)
        )
        self._job = job
        self.message.emit(f"Loading history from {path.name}…")
        job.start_job()

    def wait(self) -> None:
        """Block until a load under way is done (tests, and shutdown)."""
        if self._job is not None:
            self._job.join()

    def _on_loaded(
        self, path: Path, value: object, error: object, cancelled: bool, quiet: bool
    ) -> None:
        job = self._job
        if job is not None:
            job.join()
            job.deleteLater()
            self._job = None
        if cancelled:
            return
        if error is not None or not isinstance(value, LoadedHistory):
            text = str(error) if error is not None else f"{path}: could not be read"
            self.message.emit(f"History not loaded: {text}")
            if quiet:
                self._tab.show_history_error(f"The history folder could not be loaded: {text}")
            else:
                self._error_dialog(text)
            return
        self._settings.setValue(HISTORY_FOLDER_KEY, str(path))
        self._tab.set_history(value)
        market = value.market
        repaired = len(value.issues)
        extra = (
            f"; {repaired} repair(s) and left-out day(s), listed under Notes" if repaired else ""
        )
        self.message.emit(
            f"History loaded: {market.dates[0]} to {market.dates[-1]}, {market.size} days{extra}"
        )
        self.history_loaded.emit(value)

    def _error_dialog(self, text: str) -> None:
        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("History not loaded")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(text)
        box.setInformativeText("The plan and any history already loaded are unchanged.")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_dialog = box
        box.open()

    def restore(self) -> None:
        """Reload the folder remembered from the last session, if it is still there."""
        folder = self.remembered_folder
        if folder and Path(folder).is_dir():
            self.load_folder(folder, quiet=True)

    def shutdown(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self._job.join()
            self._job = None

    # -- export --------------------------------------------------------------------------

    def export_dialog(self, what: str) -> bool:
        result = self._tab.shown_result
        if result is None:
            return False
        stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in result.plan_name)
        suggested = str(Path(self.remembered_folder or ".") / f"{stem}_replay_{what}.csv")
        path, _ = QFileDialog.getSaveFileName(
            self.window, f"Export replay {what} as CSV", suggested, "CSV (*.csv)"
        )
        if not path:
            return False
        return self.export(what, Path(path))

    def export(self, what: str, target: Path) -> bool:
        result = self._tab.shown_result
        if result is None:
            return False
        if target.suffix.lower() != ".csv":
            target = target.with_name(target.name + ".csv")
        text = daily_csv(result) if what == "daily" else trades_csv(result)
        try:
            write_csv(target, text)
        except (OSError, ValueError) as exc:
            box = QMessageBox(self.window)
            box.setIcon(QMessageBox.Icon.Critical)
            box.setWindowTitle("Export failed")
            box.setTextFormat(Qt.TextFormat.PlainText)
            box.setText(f"{target.name}: {exc}")
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.last_dialog = box
            box.open()
            return False
        self.message.emit(f"Exported {target.name}")
        return True
