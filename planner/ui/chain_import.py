"""File > Import > Option chain...: a Cboe SPX chain beside the plan (DESIGN.md section 8).

The chain is read off the GUI thread (a 1.5 MB all-expiries file is ~1 s of parsing and 40 SVI
fits); the newest request wins and an older one finishing late is dropped. A bad file is one
dialog naming the file and the line, in plain text; the open plan and any chain already loaded
stay as they were. With a chain loaded the market panel shows its time and SPX (flagged when the
quotes are not from the plan's valuation date), the position table shows market mid and IV
beside the model's, and "Set entry prices to market mid" writes the mids as one undo step.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox, QWidget

from planner.model.chain import (
    ChainFileError,
    OptionChain,
    load_chain,
    with_chain_smile,
    with_market_entry_prices,
)
from planner.present.formatting import fmt_num
from planner.ui.document import PlanDocument

CHAIN_FILTER = "Cboe SPX option chain (*.csv);;All files (*)"


class _Relay(QObject):
    """Carries a worker's result to the GUI thread (queued: the relay lives there)."""

    done = Signal(int, object, str)
    """(request number, OptionChain or None, error message)."""


def _read(path: Path) -> tuple[OptionChain | None, str]:
    """The worker's job: the chain, or None and the one-line reason."""
    try:
        return load_chain(path), ""
    except ChainFileError as error:
        return None, str(error)
    except Exception as error:  # last line of defence: a worker must never die silently
        return None, f"{path.name}: could not read the chain ({error})"


class ChainImporter(QObject):
    """Loads chains for `document` and acts on the plan with the loaded one."""

    message = Signal(str)
    """A status-bar line (loaded, entry prices set, ...)."""
    failed = Signal(str)
    """The one-line error of a chain that could not be used (also shown in a dialog)."""

    def __init__(self, document: PlanDocument, parent_widget: QWidget | None = None) -> None:
        super().__init__(parent_widget)
        self._document = document
        self._relay = _Relay(self)
        self._relay.done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)
        self._request = 0
        # A plain Python worker thread (no Qt object owned across threads); its result comes
        # back through the relay's queued signal.
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chain-import")
        self._pending: list[Future[tuple[OptionChain | None, str]]] = []
        self.show_dialogs = True
        self.last_folder = ""

    @property
    def loading(self) -> bool:
        return any(not job.done() for job in self._pending)

    def _window(self) -> QWidget | None:
        # Looked up, not stored: a Python reference to the window would keep it alive.
        parent = self.parent()
        return parent if isinstance(parent, QWidget) else None

    def import_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self._window(), "Import option chain", self.last_folder, CHAIN_FILTER
        )
        if path:
            self.load_path(Path(path))

    def load_path(self, path: Path) -> None:
        """Read `path` in the background; the result replaces the document's chain."""
        self._request += 1
        request = self._request
        self.last_folder = str(path.parent)
        self.message.emit(f"Reading option chain {path.name}…")
        relay = self._relay
        job = self._pool.submit(_read, path)
        job.add_done_callback(lambda done: relay.done.emit(request, *done.result()))
        self._pending = [j for j in self._pending if not j.done()] + [job]

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until the background reads are done (tests, shutdown)."""
        from concurrent.futures import wait

        _, not_done = wait(self._pending, timeout=msecs / 1000.0)
        return not not_done

    def _on_done(self, request: int, chain: OptionChain | None, error: str) -> None:
        if request != self._request:
            return  # a newer import was asked for meanwhile: the last request wins
        if chain is None:
            self.failed.emit(error)
            if self.show_dialogs:
                box = QMessageBox(
                    QMessageBox.Icon.Warning,
                    "Option chain not imported",
                    error,
                    QMessageBox.StandardButton.Ok,
                    self._window(),
                )
                box.setTextFormat(Qt.TextFormat.PlainText)
                box.exec()
                box.deleteLater()
            return
        self._document.set_chain(chain)
        self.message.emit(
            f"Option chain {chain.source}: quotes of {chain.session.isoformat()}, "
            f"{len(chain.expiries)} expiries"
        )

    def set_entry_prices_to_mid(self) -> bool:
        """Every SPX leg's entry price to the chain's mid, as one undo step."""
        chain = self._document.chain
        if chain is None:
            return False
        plan, skipped = with_market_entry_prices(self._document.plan, chain)
        changed = self._document.push_plan(plan, "Set entry prices to market mid")
        note = f"; no two-sided quote for {', '.join(skipped)}" if skipped else ""
        if changed:
            self.message.emit(f"Entry prices set to the market mid{note}")
        else:
            self.message.emit(f"Entry prices already at the market mid{note}")
        return changed

    def price_at_chain_smile(self) -> bool:
        """Every SPX leg without a user IV at the chain's fitted smile (its expiry's SVI at
        the strike), as one undo step; legs whose expiry the chain lacks keep the model's."""
        chain = self._document.chain
        if chain is None:
            return False
        plan = self._document.plan
        repriced = with_chain_smile(plan, chain)
        count = sum(1 for a, b in zip(plan.legs, repriced.legs, strict=True) if a != b)
        changed = self._document.push_plan(repriced, "Price SPX legs at the chain's smile")
        self.message.emit(
            f"{count} SPX leg(s) priced at the chain's smile"
            if changed
            else "No SPX leg without its own IV has an expiry in the chain"
        )
        return changed

    def shutdown(self) -> None:
        """Drop any read in flight and join the worker (the window is closing)."""
        self._request += 1
        self._pool.shutdown(wait=True, cancel_futures=True)


class ChainInfoLabel(QLabel):
    """The market panel's line about the loaded chain: file, quote time, SPX, stale flag."""

    def __init__(self, document: PlanDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chainInfo")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self._document = document
        document.chain_changed.connect(self.refresh)
        document.plan_changed.connect(self.refresh)
        self.refresh()

    @property
    def stale(self) -> bool:
        chain = self._document.chain
        return chain is not None and chain.is_stale(self._document.plan.valuation_date)

    def refresh(self, *_: object) -> None:
        chain = self._document.chain
        if chain is None:
            self.hide()
            self.setText("")
            return
        spx = "" if chain.spx is None else f"SPX {fmt_num(chain.spx, 2)} (close), "
        text = (
            f"Option chain {chain.source}: quotes of {chain.session.isoformat()} "
            f"({chain.quote_time:%Y-%m-%d %H:%M} ET), {spx}"
            f"{fmt_num(chain.parity_spx, 2)} from parity"
        )
        if self.stale:
            text += (
                f"\nSTALE: the plan is valued on {self._document.plan.valuation_date.isoformat()}"
            )
            self.setStyleSheet("color: #d0312d;")
        else:
            self.setStyleSheet("")
        self.setText(text)
        self.setToolTip(
            "Market IV and mid in the position table come from this chain; SPX and the "
            "valuation date stay the plan's own."
        )
        self.show()
