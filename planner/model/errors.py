"""One clear, one-line message for everything that can go wrong with a plan file.

DESIGN.md section 6: bad input "gives one clear message naming the file and the field". The
helpers here turn pydantic, JSON, OS and encoding errors into that line; the CLI prints it and
the GUI shows it in a message box.
"""

from __future__ import annotations

import errno
import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

__all__ = ["PlanFileError"]

_MAX_SHOWN_CHARS = 40


class PlanFileError(Exception):
    """A plan file could not be read or written.

    `str(error)` is the whole message, e.g. ``sample.hplan: legs[2].strike: must be greater
    than 0 (got -5)``. `path` is the file (or the text's source name), `field` the dotted field
    path when one is known, `detail` the message without the file and field.
    """

    def __init__(self, path: str | os.PathLike[str], detail: str, *, field: str | None = None):
        self.path: str | os.PathLike[str] = path
        self.field = field
        self.detail = detail
        self.message = (
            f"{source_name(path)}: {field}: {detail}"
            if field
            else (f"{source_name(path)}: {detail}")
        )
        super().__init__(self.message)

    @classmethod
    def from_validation(cls, path: str | os.PathLike[str], error: ValidationError) -> PlanFileError:
        """The first problem pydantic found, with a count of the others."""
        problems = error.errors(include_url=False)
        if not problems:  # pragma: no cover - pydantic always reports at least one
            return cls(path, "the plan is not valid")
        first = problems[0]
        detail = _describe(first)
        if len(problems) > 1:
            others = len(problems) - 1
            detail += f" (and {others} more problem{'s' if others > 1 else ''})"
        return cls(path, detail, field=field_path(first["loc"]))

    @classmethod
    def from_json(cls, path: str | os.PathLike[str], error: json.JSONDecodeError) -> PlanFileError:
        return cls(
            path,
            f"not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}",
        )

    @classmethod
    def from_os(
        cls, path: str | os.PathLike[str], error: OSError, *, doing: str = "could not read the file"
    ) -> PlanFileError:
        return cls(path, f"{doing}: {describe_os_error(error)}")

    @classmethod
    def from_unicode(cls, path: str | os.PathLike[str], error: UnicodeDecodeError) -> PlanFileError:
        bad = error.object[error.start : error.start + 1]
        shown = f"0x{bad[0]:02x}" if isinstance(bad, bytes) and bad else "a byte"
        return cls(
            path,
            f"not UTF-8 text (invalid byte {shown} at offset {error.start}); "
            "plan files are UTF-8 JSON",
        )


def source_name(path: str | os.PathLike[str]) -> str:
    """The file's name as the user knows it (the last path component), or the source label."""
    text = os.fspath(path)
    if text.startswith("<") and text.endswith(">"):
        return text
    name = Path(text).name
    return name or text


def field_path(loc: Sequence[int | str]) -> str:
    """('legs', 2, 'strike') -> 'legs[2].strike'; the empty location is the plan itself."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "plan"


_SHOULD = re.compile(r"^[A-Z][a-z]* should ")
_PREFIXES = ("Value error, ", "Assertion failed, ")


def _describe(problem: ErrorDetails) -> str:
    kind = problem["type"]
    if kind == "missing":
        return "missing (this field is required)"
    if kind == "extra_forbidden":
        return "unknown field (not part of the plan format)"
    message = problem["msg"]
    for prefix in _PREFIXES:
        if message.startswith(prefix):
            message = message[len(prefix) :]
    message = _SHOULD.sub("must ", message)
    shown = _show_input(problem.get("input"))
    if shown is not None and problem["loc"]:
        message += f" (got {shown})"
    return message


def _show_input(value: Any) -> str | None:
    """A short rendering of a scalar input; containers are left out (too long to be useful)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        text = repr(value)
    elif isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    else:
        return None
    if len(text) > _MAX_SHOWN_CHARS:
        text = text[: _MAX_SHOWN_CHARS - 1] + "…"
    return text


_OS_REASONS = {
    errno.ENOENT: "not found",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EISDIR: "it is a folder, not a file",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.ENOSPC: "no space left on the disk",
    errno.EROFS: "the disk is read-only",
    errno.ENAMETOOLONG: "the file name is too long",
}
if hasattr(errno, "EDQUOT"):  # not defined on Windows
    _OS_REASONS[errno.EDQUOT] = "disk quota exceeded"


def describe_os_error(error: OSError) -> str:
    """A short lower-case reason, e.g. 'permission denied'."""
    if error.errno is not None and error.errno in _OS_REASONS:
        return _OS_REASONS[error.errno]
    if error.strerror:
        return error.strerror[0].lower() + error.strerror[1:]
    return str(error) or type(error).__name__
