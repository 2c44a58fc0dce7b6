"""The one atomic writer every save goes through (issue #14, items 7 and 8)."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from planner.model.atomic import STALE_TEMP_SECONDS, AtomicWriteError, write_bytes_atomic


def test_replaces_the_file_a_link_points_to_and_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_bytes(b"old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    write_bytes_atomic(link, b"new")
    assert link.is_symlink()
    assert real.read_bytes() == b"new"


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_keeps_an_existing_files_mode_and_gives_new_files_0644(tmp_path: Path) -> None:
    old = tmp_path / "old.hplan"
    old.write_bytes(b"x")
    old.chmod(0o600)
    write_bytes_atomic(old, b"y")
    assert stat.S_IMODE(old.stat().st_mode) == 0o600
    new = tmp_path / "new.hplan"
    write_bytes_atomic(new, b"z")
    assert stat.S_IMODE(new.stat().st_mode) == 0o644


def test_every_failure_is_one_reason_and_nothing_is_left(tmp_path: Path) -> None:
    cases = {
        tmp_path / ("x" * 300): "the file name is too long",
        tmp_path / "missing" / "f": "does not exist",
        tmp_path: "it is a folder, not a file",
    }
    for path, reason in cases.items():
        with pytest.raises(AtomicWriteError) as info:
            write_bytes_atomic(path, b"data")
        assert reason in info.value.reason
        assert isinstance(info.value, OSError)  # callers catching OSError see it too
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_stale_temp_files_of_our_naming_are_cleaned_on_the_next_save(tmp_path: Path) -> None:
    target = tmp_path / "plan.hplan"
    old = time.time() - STALE_TEMP_SECONDS - 5
    stale = [tmp_path / f".plan.hplan.{tag}.tmp" for tag in ("abcd1234", "zz_9y8x7")]
    fresh = tmp_path / ".plan.hplan.fresh123.tmp"  # another window may be saving right now
    others = [
        tmp_path / ".other.hplan.abcd1234.tmp",  # another file's
        tmp_path / ".plan.hplan.toolongtag.tmp",  # not mkstemp's eight characters
        tmp_path / "plan.hplan.abcd1234.tmp",  # not hidden: not ours
    ]
    for path in [*stale, fresh, *others]:
        path.write_bytes(b"half a plan")
        if path is not fresh:
            os.utime(path, (old, old))
    write_bytes_atomic(target, b"{}")
    assert target.read_bytes() == b"{}"
    left = {p.name for p in tmp_path.iterdir()}
    assert not any(p.name in left for p in stale)
    assert {fresh.name, *(p.name for p in others)} <= left
