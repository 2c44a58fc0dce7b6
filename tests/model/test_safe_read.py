"""The one reader every user file goes through: regular files only, bounded, never a hang."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.model.safe_read import InputFileError, read_bounded, read_text_bounded
from planner.model.vix_history import VixHistoryError, load_vix_history


def test_reads_a_regular_file(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"\xef\xbb\xbfDATE,CLOSE\n")
    assert read_bounded(path, 100) == b"\xef\xbb\xbfDATE,CLOSE\n"
    assert read_text_bounded(path, 100) == "DATE,CLOSE\n"


@given(size=st.integers(min_value=0, max_value=300), limit=st.integers(min_value=0, max_value=300))
def test_size_bound_is_exact(
    tmp_path_factory: pytest.TempPathFactory, size: int, limit: int
) -> None:
    path = tmp_path_factory.mktemp("bound") / "f.bin"
    path.write_bytes(b"x" * size)
    if size <= limit:
        assert len(read_bounded(path, limit)) == size
    else:
        with pytest.raises(
            InputFileError, match=rf"f\.bin: too large to be a test \({size:,} bytes"
        ):
            read_bounded(path, limit, "a test")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(InputFileError, match=r"pipe\.csv: could not read the file: not a regular"):
        read_bounded(fifo, 1000)
    with pytest.raises(VixHistoryError, match=r"pipe\.csv: could not read the file: not a regular"):
        load_vix_history(fifo)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_device_and_link_to_device_are_refused(tmp_path: Path) -> None:
    link = tmp_path / "zero.csv"
    link.symlink_to("/dev/zero")
    for path in (Path("/dev/zero"), link):
        with pytest.raises(InputFileError, match="not a regular file"):
            read_bounded(path, 1000)
    with pytest.raises(VixHistoryError, match=r"zero\.csv: could not read the file: not a regular"):
        load_vix_history(link)


def test_folder_missing_and_bad_text(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="it is a folder, not a file"):
        read_bounded(tmp_path, 1000)
    with pytest.raises(InputFileError, match=r"gone\.csv: could not read the file: not found"):
        read_bounded(tmp_path / "gone.csv", 1000)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"DATE\xff\n")
    with pytest.raises(
        InputFileError, match=r"bad\.csv: not UTF-8 text \(invalid byte at offset 4\)"
    ):
        read_text_bounded(bad, 1000)
