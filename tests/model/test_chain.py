"""Loading Cboe delayed-quote SPX chains (planner.model.chain)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import numpy as np
import pytest

from planner.engine.pricing import black76_price
from planner.engine.types import Group, Right, Underlying
from planner.model.chain import ChainFileError, load_chain, parse_chain
from planner.model.plan import Leg

CHAINS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "chains"
FEB = CHAINS / "spx_quotedata_2022-02-04.csv"
JAN = CHAINS / "spx_quotedata_2022-01-07.csv"
needs_chains = pytest.mark.skipif(not FEB.is_file(), reason="../shared/data/chains is absent")
# Faithful subsets of two more public Cboe chains, kept in the repo (tests/data/chains/SOURCES.md).
SUBSETS = Path(__file__).resolve().parents[1] / "data" / "chains"

HEADER = (
    "Expiration Date,Calls,Last Sale,Net,Bid,Ask,Volume,IV,Delta,Gamma,Open Interest,"
    "Strike,Puts,Last Sale,Net,Bid,Ask,Volume,IV,Delta,Gamma,Open Interest"
)


def synthetic_chain(
    date_line: str = '"Date: March 4, 2022, 4:20 PM EST",Bid: 1,Ask: 2,Size: 1*1,Volume: 0',
    forward: float = 4400.0,
    days: int = 14,
    trailing: str = "",
) -> str:
    expiry = dt.date(2022, 3, 4) + dt.timedelta(days=days)
    t = days / 365.0
    lines = ["", "Standard & Poors 500 Index,Last: 4401.25,Change:  3.5" + trailing]
    lines += [date_line + trailing, HEADER + trailing]
    for strike in np.arange(4000.0, 4800.0, 25.0):
        vol = 0.22 - 0.5 * np.log(strike / forward)
        call = float(black76_price(True, forward, strike, t, 0.0, vol))
        put = float(black76_price(False, forward, strike, t, 0.0, vol))
        code = f"{expiry:%y%m%d}"
        strike_code = f"{int(strike * 1000):08d}"
        cells = [
            f"{expiry:%a %b %d %Y}",
            f"SPXW{code}C{strike_code}",
            "0",
            "0",
            f"{max(call - 0.1, 0):.2f}",
            f"{call + 0.1:.2f}",
            "0",
            "0.2",
            "0.5",
            "0",
            "0",
            f"{strike:.2f}",
            f"SPXW{code}P{strike_code}",
            "0",
            "0",
            f"{max(put - 0.1, 0):.2f}",
            f"{put + 0.1:.2f}",
            "0",
            "0.2",
            "-0.5",
            "0",
            "0",
        ]
        lines.append(",".join(cells) + trailing)
    return "\n".join(lines) + "\n"


def test_synthetic_chain_forward_and_smile() -> None:
    chain = parse_chain(synthetic_chain(), "synthetic.csv")
    assert chain.session == dt.date(2022, 3, 4)
    assert chain.spx == pytest.approx(4401.25)
    (smile,) = chain.expiries
    assert smile.root == "SPXW" and smile.days == 14
    assert smile.forward == pytest.approx(4400.0, abs=0.05)
    strikes = np.array([4200.0, 4400.0, 4600.0])
    expected = 0.22 - 0.5 * np.log(strikes / 4400.0)
    assert np.max(np.abs(smile.smile_iv(strikes) - expected)) < 0.003
    assert smile.fit_rmse_vol_pts < 0.5


def test_trailing_commas_and_date_variants_read_the_same() -> None:
    plain = parse_chain(synthetic_chain(), "a.csv")
    trailing = parse_chain(synthetic_chain(trailing=",,,"), "b.csv")
    assert trailing.expiries[0].forward == pytest.approx(plain.expiries[0].forward)
    for line, session in (
        ('"Date: March 4 2022, 8:09 PM EST"', dt.date(2022, 3, 4)),
        ('"Date: March 5, 2022, 3:11 AM EST"', dt.date(2022, 3, 4)),  # Saturday
        ('"Date: March 4, 2022 at 4:15 PM ET"', dt.date(2022, 3, 4)),
        ('"Date: 4 March 2022, 16:15"', dt.date(2022, 3, 4)),
        ("Date: 2022-03-04 16:15", dt.date(2022, 3, 4)),
        ('"Date: March 7, 2022, 8:00 AM EST"', dt.date(2022, 3, 4)),  # Monday before the open
        ("Date: 5 марта 2022 г. в 13:49 GMT-5", dt.date(2022, 3, 4)),  # Russian locale, Saturday
        # Unquoted, so split at its comma: the time is the next cell (8:51 am Monday is before
        # the open: the quotes are Friday's; read as 4:15 pm they would be Monday's).
        ("Date: 7 March 2022, 08:51 UTC−4,Bid: 4097.54,Ask: 4125.51", dt.date(2022, 3, 4)),
    ):
        assert parse_chain(synthetic_chain(date_line=line), "c.csv").session == session, line


def test_stale_flag() -> None:
    chain = parse_chain(synthetic_chain(), "a.csv")
    assert not chain.is_stale(dt.date(2022, 3, 4))
    assert chain.is_stale(dt.date(2022, 3, 7))


def spx_leg(strike: float, right: Right, expiry: dt.date) -> Leg:
    return Leg(
        id=f"{right}{strike:g}",
        underlying=Underlying.SPX,
        right=right,
        quantity=-1,
        strike=strike,
        expiry=expiry,
        group=Group.CONDOR,
    )


def test_leg_market_quote() -> None:
    chain = parse_chain(synthetic_chain(), "a.csv")
    expiry = dt.date(2022, 3, 18)
    quoted = chain.leg_market(spx_leg(4300.0, Right.PUT, expiry))
    assert quoted.status == "quoted" and quoted.root == "SPXW"
    assert quoted.bid is not None and quoted.ask is not None and quoted.mid is not None
    assert quoted.width == pytest.approx(0.2, abs=0.011)
    assert quoted.market_iv == pytest.approx(0.22 - 0.5 * np.log(4300 / 4400), abs=0.002)
    unlisted = chain.leg_market(spx_leg(4310.0, Right.PUT, expiry))
    assert unlisted.status == "not listed" and unlisted.mid is None
    assert unlisted.smile_iv is not None
    missing = chain.leg_market(spx_leg(4300.0, Right.PUT, dt.date(2022, 4, 1)))
    assert missing.status == "expiry not in the chain"


def _replace_line(text: str, index: int, new: str) -> str:
    lines = text.split("\n")
    lines[index] = new
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda t: "hello,world\n", "no column header starting with 'Expiration Date'"),
        (lambda t: t.replace("Date: March 4, 2022, 4:20 PM EST", "Datum: gestern"), "no 'Date:"),
        (
            lambda t: t.replace("Date: March 4, 2022, 4:20 PM EST", "Date: sometime soon"),
            "line 3: could not read the quote date",
        ),
        (lambda t: _replace_line(t, 6, "Fri Mar 18 2022,SPXW,1"), "line 7: 3 fields"),
        (
            lambda t: _replace_line(t, 5, t.split("\n")[5].replace("Fri Mar 18 2022", "Friday")),
            "line 6: Expiration Date 'Friday'",
        ),
        (
            lambda t: _replace_line(t, 5, t.split("\n")[5].replace("SPXW220318C04025000", "XYZ")),
            "line 6: call symbol 'XYZ'",
        ),
        (lambda t: t.replace(",4000.00,", ",abc,"), "line 5: Strike 'abc' is not a number"),
        (lambda t: t.split("\n")[:4] and "\n".join(t.split("\n")[:4]) + "\n", "no option rows"),
        (
            lambda t: t + t.split("\n")[4] + "\n",
            "strike 4000 is listed twice (first on line 5)",
        ),
    ],
)
def test_bad_chains_name_the_line(mutate: object, message: str) -> None:
    text = mutate(synthetic_chain())  # type: ignore[operator]
    with pytest.raises(ChainFileError) as caught:
        parse_chain(text, "bad.csv")
    assert str(caught.value).startswith("bad.csv: ")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_refuses_a_fifo_and_a_folder(tmp_path: Path) -> None:
    with pytest.raises(ChainFileError, match="folder"):
        load_chain(tmp_path)
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "chain.csv"
        os.mkfifo(fifo)
        with pytest.raises(ChainFileError, match="not a regular file"):
            load_chain(fifo)


@needs_chains
@pytest.mark.shared_data
def test_real_chains_load() -> None:
    feb = load_chain(FEB)
    assert feb.session == dt.date(2022, 2, 4)
    assert feb.quote_time == dt.datetime(2022, 2, 5, 20, 9)
    assert feb.spx == pytest.approx(4500.5298)
    assert len(feb.expiries) == 40
    # Monthly Mar 18 lists SPX and SPXW: the PM-settled SPXW series is used.
    assert feb.expiry(dt.date(2022, 3, 18)).root == "SPXW"  # type: ignore[union-attr]
    assert feb.expiry(dt.date(2022, 7, 15)).root == "SPX"  # type: ignore[union-attr]
    # Quotes after the close: parity puts SPX a few points under the 4:00 pm print.
    assert 4480 < feb.parity_spx < 4500
    for smile in feb.expiries[:24]:  # the liquid ones, up to ~5 months
        assert smile.fit_rmse_vol_pts < 1.0, smile.expiry
    jan = load_chain(JAN)  # every line ends in trailing commas
    assert jan.session == dt.date(2022, 1, 7)
    assert [s.expiry for s in jan.expiries][-1] == dt.date(2022, 1, 31)
    assert all(s.fit_rmse_vol_pts < 1.0 for s in jan.expiries)


def test_repo_chain_subsets_load() -> None:
    dec = load_chain(SUBSETS / "spx_quotedata_2023-12-08_subset.csv")  # Russian date line
    assert dec.session == dt.date(2023, 12, 8)
    assert dec.quote_time == dt.datetime(2023, 12, 9, 13, 49)
    assert [(s.expiry, s.days) for s in dec.expiries] == [
        (dt.date(2023, 12, 15), 7),
        (dt.date(2023, 12, 29), 21),
    ]
    feb = load_chain(SUBSETS / "spx_quotedata_2023-02-07_subset.csv")
    assert feb.session == dt.date(2023, 2, 7)
    assert [s.days for s in feb.expiries] == [8, 28, 52, 113]
    for smile in (*dec.expiries, *feb.expiries):
        assert smile.root == "SPXW"
        assert smile.fit_rmse_vol_pts < 0.5, smile.expiry
    # An unquoted 'Date: 10 April 2023, 20:51 UTC−4' line: the time is in the next cell.
    apr = load_chain(SUBSETS / "spx_quotedata_2023-04-10_subset.csv")
    assert apr.quote_time == dt.datetime(2023, 4, 10, 20, 51)


# Session and listed days of every repo subset (tests/data/chains/SOURCES.md).
SUBSET_EXPIRY_DAYS = {
    "2022-02-18": [7, 31, 42, 102],
    "2022-06-10": [7],
    "2023-02-03": [7, 25],
    "2023-02-07": [8, 28, 52, 113],
    "2023-04-10": [7, 30, 46, 81],
    "2023-04-14": [6, 31, 47, 77],
    "2023-05-23": [7, 31, 45, 87],
    "2023-05-26": [7, 31, 42, 97],
    "2023-06-09": [7, 31, 49, 83],
    "2023-08-18": [7, 31, 42, 91],
    "2023-09-14": [7, 29, 43, 77],
    "2023-12-08": [7, 21],
    "2024-01-05": [7, 31, 49, 83],
}


def test_every_subset_on_disk_is_checked() -> None:
    on_disk = {
        path.name.removeprefix("spx_quotedata_").removesuffix("_subset.csv")
        for path in SUBSETS.glob("spx_quotedata_*_subset.csv")
    }
    assert on_disk == set(SUBSET_EXPIRY_DAYS)


@pytest.mark.parametrize("session", sorted(SUBSET_EXPIRY_DAYS))
def test_every_repo_subset_loads_and_each_expiry_is_fitted(session: str) -> None:
    chain = load_chain(SUBSETS / f"spx_quotedata_{session}_subset.csv")
    assert chain.session == dt.date.fromisoformat(session)
    assert [s.days for s in chain.expiries] == SUBSET_EXPIRY_DAYS[session]
    assert not chain.notes
    for smile in chain.expiries:
        assert smile.root == "SPXW"
        assert smile.svi is not None
        # A steep 7-day skew (2022-02-18) was fitted flat, 5 vol points off, before the SVI
        # fit solved on the |rho| boundary.
        assert smile.fit_rmse_vol_pts < 0.6, smile.expiry
        assert smile.svi.b > 0.0, smile.expiry
