"""Autosave recovery files (DESIGN.md section 6).

Each running window autosaves its modified plan to `<user data>/recovery/<session>.hplan`, with a
small `<session>.json` beside it naming the plan file it came from. A clean save, a discard or a
normal close removes both. Files still there at the next start belong to a session that died;
they are offered back.

A running session holds `<session>.lock` (a `QLockFile`, which notices when its owner's process
is gone), so a second window never offers the live autosave of the first.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QLockFile, QStandardPaths

from planner.model.atomic import write_bytes_atomic
from planner.model.errors import PlanFileError
from planner.model.plan import Plan
from planner.model.planfile import load_plan, save_plan
from planner.model.safe_read import read_text_bounded

__all__ = ["RecoveredPlan", "RecoveryStore", "default_recovery_folder"]

_SUFFIX = ".hplan"
_INFO_SUFFIX = ".json"
_LOCK_SUFFIX = ".lock"
_MAX_INFO_BYTES = 64 * 1024  # a few hundred bytes are written; anything larger is not ours


def default_recovery_folder() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base) / "recovery"


@dataclass(frozen=True, slots=True)
class RecoveredPlan:
    """An autosave left behind by a session that did not close cleanly."""

    session: str
    plan: Plan
    source: Path | None
    """The plan file it was an unsaved edit of (None for a never-saved plan)."""
    saved_at: dt.datetime | None


class RecoveryStore:
    """This session's recovery file, and the ones dead sessions left behind."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder if folder is not None else default_recovery_folder()
        self.session = uuid.uuid4().hex
        self._lock: QLockFile | None = None

    @property
    def path(self) -> Path:
        return self.folder / f"{self.session}{_SUFFIX}"

    def _info_path(self, session: str) -> Path:
        return self.folder / f"{session}{_INFO_SUFFIX}"

    def _lock_path(self, session: str) -> Path:
        return self.folder / f"{session}{_LOCK_SUFFIX}"

    def write(self, plan: Plan, source: Path | None) -> None:
        """Autosave `plan` (atomically); raises PlanFileError/OSError if it cannot."""
        self.folder.mkdir(parents=True, exist_ok=True)
        if self._lock is None:
            lock = QLockFile(str(self._lock_path(self.session)))
            lock.tryLock(0)
            self._lock = lock
        save_plan(plan, self.path)
        info = {
            "source": None if source is None else str(source),
            "saved_at": dt.datetime.now().isoformat(timespec="seconds"),
            "pid": os.getpid(),
        }
        write_bytes_atomic(self._info_path(self.session), json.dumps(info).encode("utf-8"))

    def remove(self) -> None:
        """Drop this session's autosave (after a clean save, a discard or a normal close)."""
        self._remove_files(self.session)
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None

    def _remove_files(self, session: str) -> None:
        for path in (
            self.folder / f"{session}{_SUFFIX}",
            self._info_path(session),
        ):
            with contextlib.suppress(OSError):
                path.unlink()

    def orphans(self) -> list[RecoveredPlan]:
        """Autosaves of sessions that are no longer running, newest first.

        An unreadable autosave is deleted: there is nothing to offer, and it would otherwise
        come back at every start.
        """
        if not self.folder.is_dir():
            return []
        found: list[RecoveredPlan] = []
        for path in sorted(self.folder.glob(f"*{_SUFFIX}")):
            session = path.name[: -len(_SUFFIX)]
            if session == self.session or self._is_alive(session):
                continue
            try:
                plan = load_plan(path)
            except PlanFileError:
                self.discard(session)
                continue
            source, saved_at = self._read_info(session)
            found.append(RecoveredPlan(session, plan, source, saved_at))
        found.sort(key=lambda r: r.saved_at or dt.datetime.min, reverse=True)
        return found

    def discard(self, session: str) -> None:
        """Delete a dead session's autosave (restored or declined)."""
        self._remove_files(session)
        with contextlib.suppress(OSError):
            self._lock_path(session).unlink()

    def _is_alive(self, session: str) -> bool:
        lock_path = self._lock_path(session)
        if not lock_path.exists():
            return False
        lock = QLockFile(str(lock_path))
        # A lock whose process is gone is stale and can be taken: that session crashed.
        if lock.tryLock(0):
            lock.unlock()
            return False
        return True

    def _read_info(self, session: str) -> tuple[Path | None, dt.datetime | None]:
        try:
            text = read_text_bounded(self._info_path(session), _MAX_INFO_BYTES, "recovery info")
            info = json.loads(text)
        except (OSError, ValueError):  # InputFileError is a ValueError
            return None, None
        if not isinstance(info, dict):
            return None, None
        source = info.get("source")
        saved = info.get("saved_at")
        try:
            saved_at = dt.datetime.fromisoformat(saved) if isinstance(saved, str) else None
        except ValueError:
            saved_at = None
        return (Path(source) if isinstance(source, str) and source else None), saved_at
