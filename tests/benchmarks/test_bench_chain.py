"""Speed of reading a Cboe chain (parse, 40 parity forwards and SVI fits): printed, not asserted.

The window reads chains off the GUI thread, so this is how long File > Import > Option chain
takes before the market columns fill in.
"""

from __future__ import annotations

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from planner.model.chain import load_chain
from tests.shared_data import FEB_2022_CHAIN, needs_chain

CHAIN = FEB_2022_CHAIN
pytest.importorskip("pytest_benchmark")
pytestmark = needs_chain


def test_load_all_expiries_chain(benchmark: BenchmarkFixture) -> None:
    """1.55 MB, 10,258 rows, 40 expiries (SPX and SPXW)."""
    chain = benchmark(load_chain, CHAIN)
    assert len(chain.expiries) == 40
