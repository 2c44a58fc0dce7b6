"""One safe way to read any file a user hands the app: plans, VIX history, replay history, chains.

Every file is untrusted input. Before a byte is read the path must name a regular file (not a
folder, FIFO, socket or device such as `/dev/zero`, which would block or never end) no larger
than the caller's bound; the file is opened non-blocking and checked again on the open handle,
so a file swapped for a FIFO between the two checks cannot hang the reader either. Every failure
is one `InputFileError` whose text names the file and the problem in plain words.
"""

from __future__ import annotations

import os
import stat

from planner.model.errors import describe_os_error, source_name

__all__ = ["InputFileError", "read_bounded", "read_text_bounded"]


class InputFileError(ValueError):
    """A user file that cannot be read; `str(error)` is "NAME: problem"."""

    def __init__(self, path: str | os.PathLike[str], detail: str) -> None:
        self.path = path
        self.detail = detail
        super().__init__(f"{source_name(path)}: {detail}")


def _check_kind(
    path: str | os.PathLike[str], info: os.stat_result, max_bytes: int, what: str
) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise InputFileError(path, "could not read the file: it is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise InputFileError(path, "could not read the file: not a regular file")
    if info.st_size > max_bytes:
        raise InputFileError(path, too_large(info.st_size, max_bytes, what))


def too_large(size: int, max_bytes: int, what: str) -> str:
    """'too large to be a plan (7,340,032 bytes; the limit is 5 MB)'."""
    limit_mb = max_bytes / (1024 * 1024)
    return f"too large to be {what} ({size:,} bytes; the limit is {limit_mb:g} MB)"


def read_bounded(path: str | os.PathLike[str], max_bytes: int, what: str = "read here") -> bytes:
    """The bytes of a regular file of at most `max_bytes`; else `InputFileError`.

    `what` names the kind of file in the size message: "a plan", "a daily VIX history".
    """
    try:
        info = os.stat(path)
    except OSError as error:
        raise InputFileError(path, f"could not read the file: {describe_os_error(error)}") from None
    except ValueError as error:  # an embedded NUL in the path
        raise InputFileError(path, f"could not read the file: {error}") from None
    _check_kind(path, info, max_bytes, what)
    try:
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(path, flags)
    except OSError as error:
        raise InputFileError(path, f"could not read the file: {describe_os_error(error)}") from None
    try:
        _check_kind(path, os.fstat(fd), max_bytes, what)
        with open(fd, "rb", closefd=True) as handle:
            fd = -1
            data = handle.read(max_bytes + 1)
    except OSError as error:
        raise InputFileError(path, f"could not read the file: {describe_os_error(error)}") from None
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > max_bytes:  # the file grew after it was checked
        raise InputFileError(path, too_large(len(data), max_bytes, what))
    return data


def read_text_bounded(path: str | os.PathLike[str], max_bytes: int, what: str = "read here") -> str:
    """`read_bounded` decoded as UTF-8 (a byte-order mark tolerated), else `InputFileError`."""
    data = read_bounded(path, max_bytes, what)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputFileError(
            path, f"not UTF-8 text (invalid byte at offset {error.start})"
        ) from None
