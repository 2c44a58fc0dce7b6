"""The batch kernel that values every leg at every scenario point.

A scenario point is an instant shock SPX S0 -> S and VIX V0 -> V, then `h` days passing with both
held there (DESIGN.md section 3). Points are columns, legs are rows: one numpy pass values a whole
(legs x points) block, so curves, heat map, stress rows and carry are priced together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

import numpy as np
from numpy.typing import ArrayLike, NDArray

from planner.engine.conventions import DAYS_PER_YEAR
from planner.engine.leg_book import LegBook, MarketState
from planner.engine.normal import per_thread
from planner.engine.pricing import PRICE_BLOCK, price_prepared
from planner.engine.spot_vol_map import curve_basis_over_spot, futures_beta, futures_from_betas
from planner.engine.types import (
    SpotVolParamsLike,
)
from planner.engine.vol import (
    VIX_VOL_FLOOR,
    spx_vol_shift_per_vix_pt,
    vix_vol_from_log_moneyness,
    vov_scale,
)

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
BetaTerms = tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]
"""Per-point futures-beta parameters: a, p, cap, reversion, basis sensitivity."""


@dataclass(frozen=True, slots=True)
class ScenarioPoints:
    """Columns of the valuation block: SPX, VIX and horizon per point, plus the futures betas."""

    spx: FloatArray
    vix: FloatArray
    horizon_days: FloatArray
    beta_a: FloatArray
    beta_p: FloatArray
    vix_levels: FloatArray | None = None
    """The distinct VIX levels when the points were built on a grid of them (the heat map)."""
    vix_level_index: NDArray[np.intp] | None = None
    """Index into `vix_levels` of each point's VIX."""
    one_preset: bool = False
    """True when every point has the same futures betas (one spot-vol preset); False means
    "not known", and the kernel checks."""
    beta_max: FloatArray | None = None
    """Per-point cap of the futures beta (None: 1, the turn-1 form)."""
    beta_reversion: FloatArray | None = None
    """Per-point mean reversion per year of the futures beta (None: 0)."""
    beta_basis: FloatArray | None = None
    """Per-point contango damping of the futures beta (None: 0)."""

    def beta_terms(self) -> BetaTerms:
        """(a, p, cap, reversion, basis sensitivity) per point, the last three filled in when
        not given."""
        size = self.beta_a.size
        cap = np.ones(size) if self.beta_max is None else self.beta_max
        kappa = np.zeros(size) if self.beta_reversion is None else self.beta_reversion
        basis = np.zeros(size) if self.beta_basis is None else self.beta_basis
        return self.beta_a, self.beta_p, cap, kappa, basis

    @property
    def size(self) -> int:
        return int(self.spx.size)

    @staticmethod
    def concat(parts: Sequence[ScenarioPoints]) -> ScenarioPoints:
        terms = [p.beta_terms() for p in parts]
        return ScenarioPoints(
            spx=np.concatenate([p.spx for p in parts]),
            vix=np.concatenate([p.vix for p in parts]),
            horizon_days=np.concatenate([p.horizon_days for p in parts]),
            beta_a=np.concatenate([t[0] for t in terms]),
            beta_p=np.concatenate([t[1] for t in terms]),
            beta_max=np.concatenate([t[2] for t in terms]),
            beta_reversion=np.concatenate([t[3] for t in terms]),
            beta_basis=np.concatenate([t[4] for t in terms]),
        )


def scenario_points(
    spx: ArrayLike, vix: ArrayLike, horizon_days: ArrayLike, params: SpotVolParamsLike
) -> ScenarioPoints:
    """Points on the broadcast grid of spx x vix x horizon, all with the same spot-vol params."""
    vix_in = np.asarray(vix, dtype=np.float64)
    s, v, h = np.broadcast_arrays(
        np.asarray(spx, dtype=np.float64), vix_in, np.asarray(horizon_days, dtype=np.float64)
    )
    size = int(v.size)
    levels = index = None
    if vix_in.size * 2 <= size:
        # Few VIX levels repeated over many points: VIX legs are priced once per level.
        levels, inverse = np.unique(vix_in, return_inverse=True)
        index = np.broadcast_to(inverse.reshape(vix_in.shape), v.shape).ravel()
    return ScenarioPoints(
        spx=s.ravel().copy(),
        vix=v.ravel().copy(),
        horizon_days=h.ravel().copy(),
        beta_a=np.full(size, params.beta_a),
        beta_p=np.full(size, params.beta_p),
        vix_levels=levels,
        vix_level_index=index,
        one_preset=True,
        beta_max=np.full(size, params.beta_max),
        beta_reversion=np.full(size, params.beta_reversion_per_year),
        beta_basis=np.full(size, params.beta_basis_sensitivity),
    )


# Horizons shared by at least this many points get their own block (per-leg time terms, expired
# legs settled without pricing); scattered horizons (stress rows, carry) are pooled into one.
MIN_HORIZON_BLOCK = 64
# Options the kernel prices per call; the most options prepared at once (a block is cut into
# groups of legs no larger, written straight into the batch buffers); the most points valued as
# one block.
BATCH_SIZE = PRICE_BLOCK
GROUP_SIZE = PRICE_BLOCK
MAX_BLOCK_POINTS = PRICE_BLOCK // 2


@dataclass(frozen=True, slots=True)
class ValuationJob:
    """Legs to value at the points of `parts`, laid side by side in that order.

    Without `weights` the result is every leg's per-contract value, shape (legs, points). With
    `weights` (shape (k, legs)) it is `weights @ values`, shape (k, points), accumulated block by
    block so the (legs x points) matrix never exists: a 200-leg plan's would be ~8 MB, and fresh
    memory costs more in page faults than the arithmetic on it.
    """

    book: LegBook
    parts: Sequence[ScenarioPoints]
    weights: FloatArray | None = None


def leg_values(book: LegBook, points: ScenarioPoints, market: MarketState) -> FloatArray:
    """Per-contract value (index points) of every leg at every point: shape (legs, points)."""
    return value_jobs([ValuationJob(book, (points,))], market)[0]


def value_jobs(jobs: Sequence[ValuationJob], market: MarketState) -> list[FloatArray]:
    """The result of each job (see `ValuationJob`), every job priced in the same kernel calls.

    A plan's points use a handful of horizons (T+0, the horizon, the condor's expiry): within one
    horizon each leg's time to expiry is a single number, so its time terms are computed once
    per leg, and legs already expired there settle at intrinsic value at the point's SPX (SPX
    legs) or VIX (VIX legs) without pricing. Points on scattered horizons (stress rows, carry)
    are pooled in one block per part, where (leg, point) pairs past expiry settle the same way.
    Blocks of every job, SPX and VIX alike, are queued into fixed buffers and priced BATCH_SIZE
    options at a time: the sample plan is ~15 blocks of tens to thousands of options, and
    numpy's per-call overhead would otherwise cost more than the arithmetic.
    """
    buffers = _batch_buffers()
    batch = _Batch(buffers)
    results = [
        np.zeros(
            (
                job.book.size if job.weights is None else job.weights.shape[0],
                sum(part.size for part in job.parts),
            ),
            dtype=np.float64,
        )
        for job in jobs
    ]
    for members in _jobs_sharing_parts(jobs):
        # Jobs valued at the very same points (the plan's legs and the ALVH layers at the stress
        # and carry points) go through the kernel as one book: each block's Python overhead is
        # paid once, and _Sinks hands each job the rows of its own legs.
        books = [jobs[i].book for i in members]
        book = books[0] if len(books) == 1 else LegBook.concat(books)
        if book.size == 0:
            continue
        first_rows = [0, *accumulate(b.size for b in books[:-1])]
        scratch = buffers.summed_scratch(max(_sums(jobs[i]) for i in members))
        offset = 0
        for part in jobs[members[0]].parts:
            for start in range(0, part.size, MAX_BLOCK_POINTS):
                stop = min(start + MAX_BLOCK_POINTS, part.size)
                points = part if stop - start == part.size else _take(part, slice(start, stop))
                sinks = [
                    _Sink(results[i][:, offset + start : offset + stop], jobs[i].weights, scratch)
                    for i in members
                ]
                sink = sinks[0] if len(sinks) == 1 else _Sinks(first_rows, sinks)
                _value_part(book, points, market, sink, batch)
            offset += part.size
    batch.flush()
    return results


def _sums(job: ValuationJob) -> int:
    """How many weighted sums the job asks for (0: per-leg values)."""
    return 0 if job.weights is None else int(job.weights.shape[0])


def _jobs_sharing_parts(jobs: Sequence[ValuationJob]) -> list[list[int]]:
    """Indices of the jobs, grouped by the very same parts (the same objects, in order)."""
    groups: dict[tuple[int, ...], list[int]] = {}
    for i, job in enumerate(jobs):
        groups.setdefault(tuple(id(part) for part in job.parts), []).append(i)
    return list(groups.values())


def _take(points: ScenarioPoints, cols: NDArray[np.intp] | slice) -> ScenarioPoints:
    index = points.vix_level_index
    return ScenarioPoints(
        spx=points.spx[cols],
        vix=points.vix[cols],
        horizon_days=points.horizon_days[cols],
        beta_a=points.beta_a[cols],
        beta_p=points.beta_p[cols],
        vix_levels=points.vix_levels,
        vix_level_index=None if index is None else index[cols],
        one_preset=points.one_preset,
        beta_max=None if points.beta_max is None else points.beta_max[cols],
        beta_reversion=None if points.beta_reversion is None else points.beta_reversion[cols],
        beta_basis=None if points.beta_basis is None else points.beta_basis[cols],
    )


@dataclass(frozen=True, slots=True)
class _Sink:
    """Where a part's values go: dest[legs, points], or dest += weights[:, legs] @ values."""

    dest: FloatArray
    weights: FloatArray | None
    scratch: FloatArray
    """Reused memory for the weighted sums of one piece."""

    def put(self, rows: NDArray[np.intp], cols: NDArray[np.intp] | None, piece: FloatArray) -> None:
        if self.weights is not None:
            k, n = self.weights.shape[0], piece.shape[1]
            summed = np.matmul(
                self.weights[:, rows], piece, out=self.scratch[: k * n].reshape(k, n)
            )
            if cols is None:
                np.add(self.dest, summed, out=self.dest)
            else:
                self.dest[:, cols] += summed
        elif cols is None:
            self.dest[rows] = piece
        else:
            self.dest[rows[:, None], cols[None, :]] = piece


@dataclass(frozen=True, slots=True)
class _Sinks:
    """Several jobs' sinks behind one book made of their books in order: a piece's rows (sorted,
    as the kernel forms them) are cut at each job's first row and passed on renumbered."""

    first_rows: Sequence[int]
    sinks: Sequence[_Sink]

    def put(self, rows: NDArray[np.intp], cols: NDArray[np.intp] | None, piece: FloatArray) -> None:
        cuts = [*rows.searchsorted(self.first_rows).tolist(), rows.size]
        for k, sink in enumerate(self.sinks):
            begin, end = cuts[k], cuts[k + 1]
            if begin < end:
                sink.put(rows[begin:end] - self.first_rows[k], cols, piece[begin:end])


def _value_part(
    book: LegBook,
    points: ScenarioPoints,
    market: MarketState,
    sink: _Sink | _Sinks,
    batch: _Batch,
) -> None:
    horizon = points.horizon_days
    if np.ptp(horizon) == 0.0:
        _value_columns(book, points, None, market, sink, batch, True)
        return
    pooled = np.ones(points.size, dtype=bool)
    horizons, counts = np.unique(horizon, return_counts=True)
    for day, count in zip(horizons, counts, strict=True):
        if count >= MIN_HORIZON_BLOCK:
            same = horizon == day
            cols = np.flatnonzero(same)
            _value_columns(book, _take(points, cols), cols, market, sink, batch, True)
            pooled &= ~same
    if pooled.any():
        cols = np.flatnonzero(pooled)
        _value_columns(book, _take(points, cols), cols, market, sink, batch, False)


@dataclass(frozen=True, slots=True)
class _Placement:
    """Where one priced (legs x points) piece goes, and how to finish it."""

    sink: _Sink | _Sinks
    rows: NDArray[np.intp]
    cols: NDArray[np.intp] | None
    """Columns of the sink's part (None = all of them)."""
    shape: tuple[int, int]
    spread: NDArray[np.intp] | None
    """Column of the piece for each point (VIX legs priced once per VIX level)."""
    expired: BoolArray | None
    """Pairs past expiry in a pooled block, replaced by `intrinsic`."""
    intrinsic: FloatArray | None

    def put(self, piece: FloatArray) -> None:
        if self.spread is not None:
            piece = piece[:, self.spread]
        if self.expired is not None and self.intrinsic is not None:
            piece = np.where(self.expired, self.intrinsic, piece)
        self.sink.put(self.rows, self.cols, piece)


class _BatchBuffers:
    """The five `price_prepared` terms and its output, BATCH_SIZE options each."""

    def __init__(self) -> None:
        self.terms = [np.empty(BATCH_SIZE, dtype=np.float64) for _ in range(5)]
        self.out = np.empty(BATCH_SIZE, dtype=np.float64)
        self.summed = np.empty(0, dtype=np.float64)

    def summed_scratch(self, sums: int) -> FloatArray:
        """Room for `sums` weighted sums over a block's points (grown when a job needs more)."""
        size = sums * MAX_BLOCK_POINTS
        if self.summed.size < size:
            self.summed = np.empty(size, dtype=np.float64)
        return self.summed


def _batch_buffers() -> _BatchBuffers:
    return per_thread("batch_buffers", _BatchBuffers)


class _Batch:
    """Blocks queued into the batch buffers; priced whenever the buffers are full."""

    def __init__(self, buffers: _BatchBuffers) -> None:
        self.buffers = buffers
        self.used = 0
        self.placements: list[tuple[_Placement, int]] = []

    def reserve(self, placement: _Placement) -> list[FloatArray]:
        """Room for at most BATCH_SIZE options: five views of placement.shape to fill with the
        `price_prepared` terms before the next call (filled in place, they need no copy)."""
        shape = placement.shape
        size = shape[0] * shape[1]
        if self.used + size > BATCH_SIZE:
            self.flush()
        views = [term[self.used : self.used + size].reshape(shape) for term in self.buffers.terms]
        self.placements.append((placement, self.used))
        self.used += size
        return views

    def add(self, placement: _Placement, *terms: FloatArray) -> None:
        """Queue options whose five terms broadcast to placement.shape."""
        for view, term in zip(self.reserve(placement), terms, strict=True):
            np.copyto(view, term)

    def flush(self) -> None:
        if not self.placements:
            return
        n = self.used
        sign, moneyness, std_dev, spot_value, strike_value = (t[:n] for t in self.buffers.terms)
        priced = price_prepared(
            sign, moneyness, std_dev, spot_value, strike_value, out=self.buffers.out
        )
        for placement, start in self.placements:
            rows, cols = placement.shape
            placement.put(priced[start : start + rows * cols].reshape(placement.shape))
        self.placements = []
        self.used = 0


def _value_columns(
    book: LegBook,
    points: ScenarioPoints,
    cols: NDArray[np.intp] | None,
    market: MarketState,
    sink: _Sink | _Sinks,
    batch: _Batch,
    one_horizon: bool,
) -> None:
    """Value every leg at `points` into the sink's columns `cols` (all of them when None)."""
    spx, vix = points.spx, points.vix
    if one_horizon:
        tau_legs = book.expiry_days - points.horizon_days[0]
        tau = tau_legs[:, None]
        alive = tau_legs > 0.0
        spx_live = np.flatnonzero(book.is_spx & alive)
        vix_live = np.flatnonzero(book.is_vix & alive)
        settled = np.flatnonzero(~alive)
    else:
        tau = book.expiry_days[:, None] - points.horizon_days[None, :]
        spx_live = np.flatnonzero(book.is_spx)
        vix_live = np.flatnonzero(book.is_vix)
        settled = np.empty(0, dtype=np.intp)
    legs_per_group = max(1, GROUP_SIZE // points.size)
    for first in range(0, spx_live.size, legs_per_group):
        rows = spx_live[first : first + legs_per_group]
        _spx_block(book, rows, cols, tau[rows], spx, vix, market, sink, batch)
    if vix_live.size:
        spread = None
        levels = vix
        betas = points.beta_terms()
        constant_beta = points.one_preset or all(bool(np.ptp(term) == 0.0) for term in betas)
        if constant_beta:
            betas = (betas[0][:1], betas[1][:1], betas[2][:1], betas[3][:1], betas[4][:1])
            if one_horizon and points.vix_levels is not None and points.vix_level_index is not None:
                # VIX legs see only VIX, not SPX: the heat map's thousands of points hold a few
                # dozen VIX levels, so price each level once and spread the values back.
                levels, spread = points.vix_levels, points.vix_level_index
        legs_per_group = max(1, GROUP_SIZE // levels.size)
        for first in range(0, vix_live.size, legs_per_group):
            rows = vix_live[first : first + legs_per_group]
            _vix_block(book, rows, cols, tau[rows], levels, betas, spread, market, sink, batch)
    legs_per_group = max(1, GROUP_SIZE // points.size)
    for first in range(0, settled.size, legs_per_group):
        rows = settled[first : first + legs_per_group]
        sink.put(rows, cols, _intrinsic(book, rows, spx, vix))


def _intrinsic(
    book: LegBook, rows: NDArray[np.intp], spx: FloatArray, vix: FloatArray
) -> FloatArray:
    """Settlement value of legs `rows` at each point's SPX (SPX legs) or VIX (VIX legs)."""
    underlying = np.where(book.is_spx[rows, None], spx[None, :], vix[None, :])
    payoff = underlying - book.strike[rows, None]
    return np.maximum(np.where(book.is_call[rows, None], payoff, -payoff), 0.0)


def _time_terms(tau: FloatArray) -> tuple[FloatArray, FloatArray, BoolArray | None]:
    """(T in years, sqrt T, expired pairs or None): expired pairs get T = 1 as a placeholder."""
    expired = tau <= 0.0
    if expired.any():
        t_years = np.where(expired, DAYS_PER_YEAR, tau) / DAYS_PER_YEAR
        return t_years, np.sqrt(t_years), expired
    t_years = tau / DAYS_PER_YEAR
    return t_years, np.sqrt(t_years), None


def _open_block(
    book: LegBook,
    rows: NDArray[np.intp],
    cols: NDArray[np.intp] | None,
    tau: FloatArray,
    settle_at: FloatArray,
    n_cols: int,
    spread: NDArray[np.intp] | None,
    market: MarketState,
    sink: _Sink | _Sinks,
    batch: _Batch,
) -> tuple[FloatArray, FloatArray, list[FloatArray]]:
    """Reserve a (rows x n_cols) block in the batch and fill what SPX and VIX legs share: the
    call/put sign and the discounted strike K e^{-rT}. Returns (T in years, sqrt T, the five
    term views); the caller fills moneyness, std_dev and the discounted spot or future.
    `settle_at` is the underlying each point settles on (pairs past expiry, pooled blocks only)."""
    t_years, sqrt_t, expired = _time_terms(tau)
    intrinsic = None if expired is None else _intrinsic(book, rows, settle_at, settle_at)
    placement = _Placement(sink, rows, cols, (rows.size, n_cols), spread, expired, intrinsic)
    terms = batch.reserve(placement)
    np.copyto(terms[0], np.where(book.is_call[rows, None], 1.0, -1.0))
    np.multiply(book.strike[rows, None], np.exp(-market.rate * t_years), out=terms[4])
    return t_years, sqrt_t, terms


def _spx_block(
    book: LegBook,
    rows: NDArray[np.intp],
    cols: NDArray[np.intp] | None,
    tau: FloatArray,
    spx: FloatArray,
    vix: FloatArray,
    market: MarketState,
    sink: _Sink | _Sinks,
    batch: _Batch,
) -> None:
    """Queue SPX legs `rows` at the points: BSM with the leg's vol shifted by the VIX move."""
    t_years, sqrt_t, terms = _open_block(
        book, rows, cols, tau, spx, spx.size, None, market, sink, batch
    )
    _, moneyness, std_dev, spot_value, _ = terms
    np.multiply(
        (vix - market.vix0)[None, :],
        spx_vol_shift_per_vix_pt(tau, market.model.spx_vol_response_exponent),
        out=std_dev,
    )
    std_dev += book.base_iv[rows, None]
    np.maximum(std_dev, market.model.spx_vol_floor, out=std_dev)
    std_dev *= sqrt_t
    np.subtract(np.log(spx)[None, :], np.log(book.strike[rows, None]), out=moneyness)
    moneyness += (market.rate - market.div_yield) * t_years
    np.multiply(spx[None, :], np.exp(-market.div_yield * t_years), out=spot_value)


def _vix_block(
    book: LegBook,
    rows: NDArray[np.intp],
    cols: NDArray[np.intp] | None,
    tau: FloatArray,
    vix: FloatArray,
    betas: BetaTerms,
    spread: NDArray[np.intp] | None,
    market: MarketState,
    sink: _Sink | _Sinks,
    batch: _Batch,
) -> None:
    """Queue VIX legs `rows` at VIX levels `vix`: Black-76 on the scenario's future.

    With `spread`, `vix` holds the distinct levels and spread maps the points onto them. The
    terms are written straight into the batch buffers, as in `_spx_block`.
    """
    # Pairs past expiry only occur in pooled blocks, which are never spread over VIX levels.
    t_years, sqrt_t, terms = _open_block(
        book, rows, cols, tau, vix, vix.size, spread, market, sink, batch
    )
    _, moneyness, std_dev, forward, _ = terms  # F first, F e^{-rT} once the vol is formed
    # Each future rolls down today's curve as it ages and takes beta of the spot move
    # (`scenario_futures`); the betas are per point (as long as vix) only when stress rows with
    # different presets are pooled, otherwise one set for all points.
    # The stress preset's contango damping reads today's basis at each future's tenor.
    basis = curve_basis_over_spot(market.curve, tau) if np.any(betas[4] != 0.0) else 0.0
    a, p, cap, kappa, damping = (
        (float(term[0]) for term in betas) if betas[0].size == 1 else (t[None, :] for t in betas)
    )
    beta = futures_beta(tau, a, p, cap, kappa, damping, basis)
    futures_from_betas(market.curve, market.vix0, tau, vix[None, :], beta, out=forward)
    np.divide(book.strike[rows, None], forward, out=moneyness)
    np.log(moneyness, out=moneyness)  # ln(K/F)
    # The model's VIX option vol (floored), scaled by the user's IV ratio and (V/V0)^e and
    # floored again.
    vix_vol_from_log_moneyness(
        tau,
        moneyness,
        market.model.vov30,
        market.model.vov_term_exponent,
        market.model.vov_skew,
        VIX_VOL_FLOOR,
        out=std_dev,
    )
    std_dev *= book.vix_iv_ratio[rows, None]
    std_dev *= vov_scale(
        vix[None, :], market.vix0, market.model.vov_scale_exponent, market.model.vov_scale_cap
    )
    np.maximum(std_dev, VIX_VOL_FLOOR, out=std_dev)
    std_dev *= sqrt_t
    np.negative(moneyness, out=moneyness)  # ln(F/K): Black-76 has no drift term
    forward *= np.exp(-market.rate * t_years)
