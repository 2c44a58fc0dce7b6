"""One atomic file writer for everything the app saves: plans, replay CSVs.

A temporary file in the target's folder is written, flushed and fsynced, then renamed over the
target (and the folder fsynced), so a failed write leaves the old file intact and a reader
never sees half a file. A symlink is followed (the file it points to is replaced); a new file
gets the usual document permissions, an existing one keeps its own.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from planner.model.errors import describe_os_error

__all__ = ["AtomicWriteError", "write_bytes_atomic"]

# New files are readable by others like any document; mkstemp's 0600 would surprise users.
_NEW_FILE_MODE = 0o644


class AtomicWriteError(Exception):
    """The target cannot be written; `reason` says why in plain words."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace `path` with `data` atomically.

    Raises `AtomicWriteError` (the target is a folder, its folder is missing or refuses a new
    file, or the write failed for a reason other than the OS's) or the `OSError` of the write
    or rename itself; either way nothing is left behind and the old file is intact.
    """
    target = Path(path)
    with contextlib.suppress(OSError, RuntimeError):
        if target.is_symlink():
            # Replace the file the link points to, not the link itself.
            target = target.resolve()
    if target.is_dir():
        raise AtomicWriteError("it is a folder, not a file")
    folder = target.parent
    try:
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        reason = describe_os_error(error)
        if not folder.is_dir():
            reason = f"the folder {str(folder)!r} does not exist"
        raise AtomicWriteError(reason) from error
    try:
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)
        except OSError:
            mode = _NEW_FILE_MODE
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(OSError):
            os.chmod(tmp_name, mode)
        os.replace(tmp_name, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        if isinstance(error, OSError):
            raise
        if isinstance(error, Exception):
            raise AtomicWriteError(str(error)) from error
        raise
    _fsync_folder(folder)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable; not every platform can open a folder (Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
