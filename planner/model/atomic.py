"""One atomic file writer for everything the app saves: plans, autosaves, snapshots, replay CSVs.

A temporary file in the target's folder is written, flushed and fsynced, then renamed over the
target (and the folder fsynced), so a failed write leaves the old file intact and a reader
never sees half a file. A symlink is followed (the file it points to is replaced, the link
stays); a new file gets the usual document permissions, an existing one keeps its own.

A process killed between creating its temporary file and the rename leaves the temporary file
behind. Ours are named `.NAME.XXXXXXXX.tmp` (mkstemp's eight random characters); the next write
of NAME deletes those that have not been touched for a while (`STALE_TEMP_SECONDS`, so that a
save still running in another window keeps its file).
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import time
from pathlib import Path

from planner.model.errors import describe_os_error

__all__ = ["STALE_TEMP_SECONDS", "AtomicWriteError", "write_bytes_atomic"]

# New files are readable by others like any document; mkstemp's 0600 would surprise users.
_NEW_FILE_MODE = 0o644
STALE_TEMP_SECONDS = 60.0
_TEMP_SUFFIX = ".tmp"


class AtomicWriteError(OSError):
    """The target cannot be written; `reason` says why in plain words ("permission denied").

    An `OSError`, so callers that catch `OSError` see it too; `errno` is the OS's when there
    was one.
    """

    def __init__(self, reason: str, errno: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.errno = errno


def _failed(error: OSError) -> AtomicWriteError:
    return AtomicWriteError(describe_os_error(error), error.errno)


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace `path` with `data` atomically; any failure is one `AtomicWriteError`.

    Nothing is left behind on failure and the old file is intact.
    """
    try:
        target = Path(path)
        with contextlib.suppress(OSError, RuntimeError):
            if target.is_symlink():
                # Replace the file the link points to, not the link itself.
                target = target.resolve()
        if target.is_dir():
            raise AtomicWriteError("it is a folder, not a file")
        folder = target.parent
    except ValueError as error:  # an embedded NUL
        raise AtomicWriteError(str(error)) from error
    except AtomicWriteError:
        raise
    except OSError as error:  # e.g. a file name longer than the file system allows
        raise _failed(error) from error
    _remove_stale_temps(folder, target.name)
    try:
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=_TEMP_SUFFIX)
    except OSError as error:
        if not folder.is_dir():
            raise AtomicWriteError(
                f"the folder {str(folder)!r} does not exist", error.errno
            ) from error
        raise _failed(error) from error
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
            raise _failed(error) from error
        if isinstance(error, Exception):
            raise AtomicWriteError(str(error)) from error
        raise
    _fsync_folder(folder)


def _remove_stale_temps(folder: Path, name: str) -> None:
    """Delete `.NAME.XXXXXXXX.tmp` files a killed writer left beside NAME (best effort)."""
    pattern = re.compile(rf"\.{re.escape(name)}\.[a-z0-9_]{{8}}{re.escape(_TEMP_SUFFIX)}")
    cutoff = time.time() - STALE_TEMP_SECONDS
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if not pattern.fullmatch(entry.name):
            continue
        with contextlib.suppress(OSError):
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and info.st_mtime < cutoff:
                os.unlink(entry.path)


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
