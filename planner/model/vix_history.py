"""Daily VIX history from a Cboe-format CSV (DATE,OPEN,HIGH,LOW,CLOSE), for the ALVH signals.

Cboe's `VIX_History.csv` writes dates as MM/DD/YYYY; ISO dates are accepted too. pandas is
imported only when a file is read, so loading the model stays light.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from planner.engine.signals import VixHistory
from planner.model.safe_read import InputFileError, read_text_bounded

__all__ = ["VixHistory", "VixHistoryError", "load_vix_history"]

REQUIRED_COLUMNS = ("DATE", "CLOSE")
# Cboe's full file since 1990 is ~0.5 MB; anything far larger is not a daily VIX history.
MAX_HISTORY_BYTES = 50 * 1024 * 1024


class VixHistoryError(ValueError):
    """A VIX history file that cannot be used; the message names the file and the problem."""

    def __init__(self, path: str | os.PathLike[str], problem: str) -> None:
        super().__init__(f"{Path(path).name}: {problem}")


def load_vix_history(path: str | os.PathLike[str]) -> VixHistory:
    """Read a Cboe-format VIX CSV; raise `VixHistoryError` naming the file and the problem."""
    try:
        text = read_text_bounded(path, MAX_HISTORY_BYTES, "a daily VIX history")
    except InputFileError as error:
        raise VixHistoryError(path, error.detail) from None
    import io

    import pandas as pd

    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
        raise VixHistoryError(path, f"not a readable CSV file ({error})") from None
    frame.columns = [str(c).strip().upper() for c in frame.columns]
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise VixHistoryError(
            path,
            f"missing column(s) {', '.join(missing)} (expected DATE,OPEN,HIGH,LOW,CLOSE)",
        )
    if frame.empty:
        raise VixHistoryError(path, "has a header but no rows")
    text_dates = frame["DATE"].astype(str).str.strip()
    dates = pd.to_datetime(text_dates, format="%m/%d/%Y", errors="coerce")
    iso = pd.to_datetime(text_dates, format="%Y-%m-%d", errors="coerce")
    dates = dates.fillna(iso)
    close = pd.to_numeric(frame["CLOSE"].str.strip(), errors="coerce")
    bad_date = dates.isna().to_numpy()
    if bad_date.any():
        row = int(np.flatnonzero(bad_date)[0])
        raise VixHistoryError(
            path, f"line {row + 2}: DATE {text_dates.iloc[row]!r} is not MM/DD/YYYY"
        )
    values = close.to_numpy(dtype=np.float64)
    bad_close = ~np.isfinite(values) | (values <= 0)
    if bad_close.any():
        row = int(np.flatnonzero(bad_close)[0])
        raise VixHistoryError(
            path, f"line {row + 2}: CLOSE {frame['CLOSE'].iloc[row]!r} is not a positive number"
        )
    days = dates.to_numpy(dtype="datetime64[D]")
    order = np.argsort(days, kind="stable")
    days, values = days[order], values[order]
    unique = np.flatnonzero(np.diff(days) == np.timedelta64(0, "D"))
    if unique.size:
        duplicate = str(days[unique[0]])
        raise VixHistoryError(path, f"the date {duplicate} appears twice")
    return VixHistory(dates=days, close=values)
