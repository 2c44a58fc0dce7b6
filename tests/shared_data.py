"""Where the tests find ../shared/data, and what SOURCES.md says about it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
FEB_2022_CHAIN = SHARED_DATA / "chains" / "spx_quotedata_2022-02-04.csv"
needs_chain = pytest.mark.skipif(
    not FEB_2022_CHAIN.is_file(), reason="../shared/data/chains is absent"
)

# Rows SOURCES.md lists as wrong in M1-M5 of the VIX futures file (disagreeing with Cboe's
# settlements or a second copy).
KNOWN_BAD_FUTURES_DATES = frozenset(
    dt.date.fromisoformat(day)
    for day in (
        "2020-08-18",
        "2020-08-19",
        "2020-08-24",
        "2020-12-22",
        "2021-01-25",
        "2021-02-04",
        "2021-02-18",
        "2021-03-29",
        "2021-04-01",
        "2021-04-16",
        "2021-04-22",
        "2021-05-06",
        "2021-09-01",
        "2021-10-26",
        "2021-11-15",
        "2021-12-03",
        "2021-12-07",
    )
)
