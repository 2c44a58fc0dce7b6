"""Today's market as the kernel reads it (`MarketState`) and the legs as arrays (`LegBook`).

The leg book is where a leg without a user IV gets the default smile (planner.engine.vol).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

from planner.engine.conventions import DAYS_PER_YEAR
from planner.engine.curve import FuturesCurve
from planner.engine.errors import EngineInputError
from planner.engine.types import (
    Group,
    LegLike,
    ModelParamsLike,
    Right,
    Underlying,
)
from planner.engine.vol import model_spx_iv, model_vix_vol

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class MarketState:
    """Today's market and the model's parameters, as plain numbers the kernel needs."""

    valuation_date: dt.date
    spx0: float
    vix0: float
    rate: float
    div_yield: float
    curve: FuturesCurve
    model: ModelParamsLike
    """The model's parameters as the plan declares them (read, never copied)."""


def market_state(
    valuation_date: dt.date,
    spx: float,
    vix: float,
    rate: float,
    div_yield: float,
    curve: FuturesCurve,
    model: ModelParamsLike,
) -> MarketState:
    for label, value in (("SPX", spx), ("VIX", vix)):
        if not np.isfinite(value) or value <= 0:
            raise EngineInputError(f"{label} must be a positive number (got {value})")
    for label, value in (("rate", rate), ("dividend yield", div_yield)):
        if not np.isfinite(value):
            raise EngineInputError(f"{label} must be a finite number (got {value})")
    return MarketState(
        valuation_date=valuation_date,
        spx0=float(spx),
        vix0=float(vix),
        rate=float(rate),
        div_yield=float(div_yield),
        curve=curve,
        model=model,
    )


@dataclass(frozen=True, slots=True)
class LegBook:
    """Legs as column arrays. `base_iv` is each leg's vol today (user's or the default surface)."""

    ids: tuple[str, ...]
    groups: tuple[Group, ...]
    underlyings: tuple[Underlying, ...]
    rights: tuple[Right, ...]
    expiries: tuple[dt.date, ...]
    is_spx: BoolArray
    is_call: BoolArray
    quantity: FloatArray
    strike: FloatArray
    expiry_days: FloatArray
    base_iv: FloatArray
    vix_iv_ratio: FloatArray
    """User VIX IV / model VIX vol today (1 where no user IV): scales the VIX surface."""
    entry: FloatArray
    """User entry price, NaN where the model price is to be used."""

    @property
    def size(self) -> int:
        return len(self.ids)

    @property
    def is_vix(self) -> BoolArray:
        return ~self.is_spx

    @staticmethod
    def concat(books: Sequence[LegBook]) -> LegBook:
        """The legs of `books` in order, as one book."""
        columns: dict[str, Any] = {}
        for column in fields(LegBook):
            parts = [getattr(book, column.name) for book in books]
            if isinstance(parts[0], np.ndarray):
                columns[column.name] = np.concatenate(parts)
            else:
                columns[column.name] = tuple(item for part in parts for item in part)
        return LegBook(**columns)

    def group_mask(self, groups: frozenset[Group] | set[Group]) -> BoolArray:
        return np.array([g in groups for g in self.groups], dtype=bool)


def default_vol(
    is_spx: BoolArray,
    strike: FloatArray,
    spx: FloatArray | float,
    t_years: FloatArray,
    rate: float,
    div_yield: float,
    expiry_days: FloatArray,
    future_at_expiry: FloatArray,
    smile_reference: FloatArray,
    model: ModelParamsLike,
) -> tuple[FloatArray, FloatArray]:
    """(vol of each leg without a user IV, the model's VIX option vol): SPX legs at the default
    smile, whose ATM level is a share of `smile_reference` (the VIX level the model's
    `atm_reference` names, at each leg's expiry); VIX legs at the VIX option vol on the future
    at their expiry."""
    spx_iv = model_spx_iv(strike, spx, t_years, rate, div_yield, smile_reference, model)
    vix_vol = model_vix_vol(expiry_days, strike, future_at_expiry, model)
    return np.where(is_spx, spx_iv, vix_vol), vix_vol


def bsm_spot_carry(
    is_spx: BoolArray, spx: FloatArray | float, future: FloatArray, rate: float, div_yield: float
) -> tuple[FloatArray, FloatArray]:
    """(S, q) of each leg for one BSM pass: Black-76 on F discounted at r is BSM with S = F and
    q = r, so SPX and VIX legs price together (Black-76's delta comes out as dV/dF)."""
    return np.where(is_spx, spx, future), np.where(is_spx, div_yield, rate)


def build_leg_book(legs: Sequence[LegLike], market: MarketState) -> LegBook:
    model = market.model
    n = len(legs)
    is_spx = np.array([leg.underlying is Underlying.SPX for leg in legs], dtype=bool)
    is_call = np.array([leg.right is Right.CALL for leg in legs], dtype=bool)
    quantity = np.array([leg.quantity for leg in legs], dtype=np.float64)
    strike = np.array([leg.strike for leg in legs], dtype=np.float64)
    expiry_days = np.array(
        [(leg.expiry - market.valuation_date).days for leg in legs], dtype=np.float64
    )
    user_iv = np.array([np.nan if leg.iv is None else leg.iv for leg in legs], dtype=np.float64)
    entry = np.array(
        [np.nan if leg.entry_price is None else leg.entry_price for leg in legs], dtype=np.float64
    )
    if n and (not np.all(np.isfinite(strike)) or np.any(strike <= 0)):
        raise EngineInputError("every strike must be a positive number")
    if n and not np.all(np.isfinite(quantity)):
        raise EngineInputError("every quantity must be a whole number of contracts")

    t_years = np.maximum(expiry_days, 0.0) / DAYS_PER_YEAR
    vix_future_at_expiry = market.curve.future(expiry_days)
    model_vol, vix_model = default_vol(
        is_spx,
        strike,
        market.spx0,
        t_years,
        market.rate,
        market.div_yield,
        expiry_days,
        vix_future_at_expiry,
        market.curve.smile_reference(expiry_days, model.atm_reference),
        model,
    )
    has_user_iv = np.isfinite(user_iv)
    base_iv = np.where(has_user_iv, user_iv, model_vol)
    vix_iv_ratio = np.where(has_user_iv & ~is_spx, user_iv / vix_model, 1.0)
    return LegBook(
        ids=tuple(leg.id for leg in legs),
        groups=tuple(leg.group for leg in legs),
        underlyings=tuple(leg.underlying for leg in legs),
        rights=tuple(leg.right for leg in legs),
        expiries=tuple(leg.expiry for leg in legs),
        is_spx=is_spx,
        is_call=is_call,
        quantity=quantity,
        strike=strike,
        expiry_days=expiry_days,
        base_iv=base_iv,
        vix_iv_ratio=vix_iv_ratio,
        entry=entry,
    )
