"""The signals the engine reports (shown, never acted on) and the action that loads a VIX
history for RSI / MACD.

A loaded history is market data beside the plan, like an imported option chain: it is held by
the document (not saved, no undo step) and given to the engine with the plan, so loading one is
one recalculation and the window shows the same signals as `hedge-planner report
--vix-history`.
"""

from __future__ import annotations

import os
from typing import cast

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from planner.engine.report import AlvhSignals
from planner.engine.signals import VixHistory
from planner.model.vix_history import VixHistoryError, load_vix_history
from planner.present.formatting import fmt_num
from planner.ui.document import PlanDocument
from planner.ui.plain_text import escape, plain_label

__all__ = ["SignalsBox", "VixHistoryLoader"]

_MONETISE_COLOUR = "#d0312d"
_NOTE_COLOUR = "#909090"
ERROR_TITLE = "Could not load the VIX history"


class VixHistoryLoader(QObject):
    """Load VIX history…: a file chosen, read through the safe reader, handed to the document.

    A file that cannot be used opens one plain-text message box naming it and leaves the
    history already loaded (if any) in place.
    """

    rejected = Signal(str)

    def __init__(self, document: PlanDocument, parent: QWidget) -> None:
        super().__init__(parent)
        self._document = document
        self.error_box: QMessageBox | None = None

    def choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self._window(), "Load VIX history", "", "CSV files (*.csv);;All files (*)"
        )
        if path:
            self.load(path)

    def load(self, path: str | os.PathLike[str]) -> bool:
        try:
            history = load_vix_history(path)
        except VixHistoryError as exc:
            self._show_error(str(exc))
            return False
        self._document.set_vix_history(history, os.path.basename(os.fspath(path)))
        return True

    def _show_error(self, text: str) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            ERROR_TITLE,
            text,
            QMessageBox.StandardButton.Ok,
            self._window(),
        )
        box.setTextFormat(Qt.TextFormat.PlainText)  # the text quotes the file's name and lines
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _r: self._forget_box(box))
        self.error_box = box
        self.rejected.emit(text)
        box.open()

    def _window(self) -> QWidget:
        # The Qt parent, not a Python attribute: the box holding the loader would otherwise
        # be in a reference cycle with it.
        return cast(QWidget, self.parent())

    def _forget_box(self, box: QMessageBox) -> None:
        if self.error_box is box:
            self.error_box = None


class SignalsBox(QGroupBox):
    """Term structure, VIX band, and RSI(14) / MACD of VIX when a history is loaded."""

    def __init__(self, document: PlanDocument) -> None:
        super().__init__("Signals (shown, never acted on)")
        self.loader = VixHistoryLoader(document, self)
        column = QVBoxLayout(self)
        column.setContentsMargins(4, 4, 4, 4)
        self.signals_label = QLabel()
        self.signals_label.setObjectName("alvhSignals")
        self.signals_label.setWordWrap(True)
        self.signals_label.setTextFormat(Qt.TextFormat.RichText)
        column.addWidget(self.signals_label)
        row = QHBoxLayout()
        self.load_button = QPushButton("Load VIX history…")
        self.load_button.setToolTip(
            "A Cboe-format CSV (DATE,OPEN,HIGH,LOW,CLOSE) for RSI(14) and MACD(12,26,9) of VIX"
        )
        self.load_button.clicked.connect(self.loader.choose_file)
        self.history_label = plain_label("No VIX history loaded")
        row.addWidget(self.load_button)
        row.addWidget(self.history_label, 1)
        column.addLayout(row)
        self._document = document
        document.vix_history_changed.connect(self._show_history)
        self._show_history(document.vix_history)

    def _show_history(self, history: VixHistory | None) -> None:
        if history is None:
            self.history_label.setText("No VIX history loaded")
            return
        name = self._document.vix_history_name
        self.history_label.setText(f"{name} · {len(history.close):,} closes")

    def show_signals(self, signals: AlvhSignals) -> None:
        lines = [
            f"Term structure <b>{escape(signals.term_state)}</b>, slope "
            f"{fmt_num(signals.slope_pts_per_month, 2, sign=True)} pts/month",
            f"VIX {fmt_num(signals.vix, 2)} · band <b>{escape(signals.vix_band)}</b>",
        ]
        if signals.rsi14 is not None:
            end = f" on {signals.history_end.isoformat()}" if signals.history_end else ""
            lines.append(
                f"VIX close {fmt_num(signals.history_close, 2)}{end} · RSI(14) "
                f"<b>{fmt_num(signals.rsi14, 1)}</b> · MACD {fmt_num(signals.macd, 2, sign=True)}"
                f" / signal {fmt_num(signals.macd_signal, 2, sign=True)}"
                f" / hist. {fmt_num(signals.macd_histogram, 2, sign=True)}"
            )
        colour = _MONETISE_COLOUR if signals.monetise_near else _NOTE_COLOUR
        for note in signals.notes:
            lines.append(f"<span style='color:{colour}'>{escape(note)}</span>")
        self.signals_label.setText("<br>".join(lines))
