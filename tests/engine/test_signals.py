"""RSI(14) (Wilder), MACD(12,26,9) and the monetising hint, against independent calculations."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planner.engine.signals import (
    base_signals,
    ema,
    exponential_smooth,
    macd,
    rsi_wilder,
    with_history,
)

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "vix_daily.csv"


def wilder_rsi_by_hand(close: list[float], period: int = 14) -> list[float]:
    """Wilder's textbook recursion written out plainly."""
    changes = [b - a for a, b in itertools.pairwise(close)]
    gains = [max(c, 0.0) for c in changes]
    losses = [max(-c, 0.0) for c in changes]
    avg_gain = sum(gains[:period]) / period
    avg_loss = sum(losses[:period]) / period
    out = [100 - 100 / (1 + avg_gain / avg_loss)]
    for g, loss in zip(gains[period:], losses[period:], strict=True):
        avg_gain = (avg_gain * (period - 1) + g) / period
        avg_loss = (avg_loss * (period - 1) + loss) / period
        out.append(100 - 100 / (1 + avg_gain / avg_loss))
    return out


def random_walk(n: int, seed: int = 7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return 20.0 * np.exp(np.cumsum(rng.normal(0, 0.05, n)))


def test_exponential_smooth_matches_the_recursion() -> None:
    x = random_walk(500)
    y, prev = [], 3.0
    for value in x:
        prev = 0.9 * prev + 0.1 * value
        y.append(prev)
    assert exponential_smooth(x, 0.1, 3.0) == pytest.approx(np.array(y), rel=1e-12)


def test_rsi_matches_wilder_by_hand() -> None:
    x = random_walk(400)
    rsi = rsi_wilder(x)
    assert np.isnan(rsi[:14]).all()
    assert rsi[14:] == pytest.approx(np.array(wilder_rsi_by_hand(list(x))), rel=1e-10)


def test_rsi_of_a_hand_checked_series() -> None:
    # 14 changes of +1 and -1 alternating (7 up, 7 down): avg gain = avg loss = 0.5 -> RSI 50;
    # a further +2: gain avg (0.5*13+2)/14, loss avg 0.5*13/14 -> RSI = 100 - 100/(1+8.5/6.5).
    x = [10.0] + [11.0, 10.0] * 7 + [12.0]
    rsi = rsi_wilder(x)
    assert rsi[14] == pytest.approx(50.0)
    assert rsi[15] == pytest.approx(100 - 100 / (1 + 8.5 / 6.5))
    assert rsi_wilder(np.arange(1.0, 30.0))[-1] == 100.0


def test_macd_matches_pandas_ewm() -> None:
    x = random_walk(800, seed=3)
    s = pd.Series(x)
    line = s.ewm(span=12, adjust=False).mean() - s.ewm(span=26, adjust=False).mean()
    signal = line.ewm(span=9, adjust=False).mean()
    m = macd(x)
    assert m.macd == pytest.approx(line.to_numpy(), rel=1e-10, abs=1e-12)
    assert m.signal == pytest.approx(signal.to_numpy(), rel=1e-10, abs=1e-12)
    assert m.histogram == pytest.approx((line - signal).to_numpy(), rel=1e-9, abs=1e-12)
    assert ema(x, 1) == pytest.approx(x)


def test_bad_series_is_refused() -> None:
    with pytest.raises(ValueError, match="finite"):
        rsi_wilder([1.0, float("nan"), 2.0])


def _history() -> pd.DataFrame:
    if not DATA.is_file():
        pytest.skip(f"real VIX history not found at {DATA} (../shared/data beside the project)")
    frame = pd.read_csv(DATA)
    frame["DATE"] = pd.to_datetime(frame["DATE"], format="%m/%d/%Y")
    return frame.set_index("DATE")


@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("day", "backwardation_hint"),
    [(dt.date(2020, 3, 16), True), (dt.date(2024, 8, 5), True), (dt.date(2024, 6, 14), False)],
)
def test_real_vix_spikes(day: dt.date, backwardation_hint: bool) -> None:
    frame = _history()
    close = frame.loc[: pd.Timestamp(day), "CLOSE"]
    # Independent RSI: pandas' Wilder smoothing (ewm alpha=1/14) seeded with the SMA.
    delta = close.diff().dropna()
    gain, loss = delta.clip(lower=0), -delta.clip(upper=0)
    seed_g, seed_l = gain.iloc[:14].mean(), loss.iloc[:14].mean()
    g = pd.concat([pd.Series([seed_g]), gain.iloc[14:]]).ewm(alpha=1 / 14, adjust=False).mean()
    lo = pd.concat([pd.Series([seed_l]), loss.iloc[14:]]).ewm(alpha=1 / 14, adjust=False).mean()
    expected = 100 - 100 / (1 + g.iloc[-1] / lo.iloc[-1])
    rsi = rsi_wilder(close.to_numpy())[-1]
    assert rsi == pytest.approx(expected, rel=1e-8)
    base = base_signals("backwardation", -3.0, float(close.iloc[-1]), "≥ 30")
    sig = with_history(base, close.index.to_numpy().astype("datetime64[D]"), close.to_numpy())
    assert sig.history_end == day
    if backwardation_hint:
        # VIX 82.69 on 16 Mar 2020 and 38.57 on 5 Aug 2024 after sharp rises.
        assert sig.rsi14 is not None and sig.rsi14 > 70
        assert sig.monetise_near
        assert sig.macd is not None and sig.macd > 0
        assert "consider monetising the near layer" in sig.notes[0]
    else:
        assert not sig.monetise_near


def test_no_hint_in_contango() -> None:
    x = np.concatenate((np.full(30, 15.0), np.linspace(15, 40, 10)))
    sig = with_history(base_signals("contango", 0.8, 40.0, "≥ 30"), None, x)
    assert sig.rsi14 is not None and sig.rsi14 > 70 and not sig.monetise_near


def test_evaluate_takes_vix_history_and_computes_the_signals() -> None:
    """`evaluate(plan, vix_history)` fills RSI / MACD itself (the window and the CLI pass the
    history in); the rest of the report is what `evaluate(plan)` gives."""
    import dataclasses

    from planner.engine import VixHistory, evaluate
    from tests.engine.conftest import CONDOR, make_plan

    plan = make_plan(legs=CONDOR)
    close = random_walk(60)
    dates = np.arange("2026-08-01", 60, dtype="datetime64[D]")
    history = VixHistory(dates=dates, close=close)
    without = evaluate(plan)
    with_it = evaluate(plan, vix_history=history)
    expected = with_history(without.alvh.signals, dates, close)
    assert with_it.alvh.signals == expected
    assert with_it.alvh.signals.rsi14 == pytest.approx(float(rsi_wilder(close)[-1]), rel=1e-12)
    assert with_it.alvh.signals.history_end == dt.date(2026, 9, 29)
    assert without.alvh.signals.rsi14 is None
    assert dataclasses.replace(with_it.alvh, signals=without.alvh.signals) == without.alvh
