"""What the engine reads: small typed interfaces it declares itself.

The model's plan classes satisfy these Protocols structurally, so the engine never depends on
the file schema (DESIGN.md section 5). Only read access is required.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum
from typing import Protocol


class Underlying(StrEnum):
    SPX = "SPX"
    VIX = "VIX"


class Right(StrEnum):
    CALL = "call"
    PUT = "put"


class Group(StrEnum):
    """What a leg is for. The hedge groups are the ALVH layers plus the theta offset."""

    CONDOR = "condor"
    NEAR = "near"
    MID = "mid"
    TAIL = "tail"
    OFFSET = "offset"
    OTHER = "other"


HEDGE_GROUPS: frozenset[Group] = frozenset({Group.NEAR, Group.MID, Group.TAIL, Group.OFFSET})


class VixMode(StrEnum):
    """How a stress scenario sets VIX."""

    MAP = "map"  # from the spot-vol map of the scenario's preset
    LEVEL = "level"  # an absolute VIX level
    CHANGE = "change"  # a change in VIX points added to today's VIX (historical analogs)


class SpotVolPreset(StrEnum):
    TYPICAL = "typical"
    STRESS = "stress"


# Contract multipliers: SPX options $100, VIX options $100 (DESIGN.md section 2).
SPX_MULTIPLIER_USD = 100.0
VIX_OPTION_MULTIPLIER_USD = 100.0


class FuturePointLike(Protocol):
    @property
    def expiry(self) -> dt.date: ...
    @property
    def price(self) -> float: ...


class MarketLike(Protocol):
    @property
    def spx(self) -> float: ...
    @property
    def rate(self) -> float:
        """Continuously compounded risk-free rate, decimal (0.04 = 4 %)."""
        ...

    @property
    def dividend_yield(self) -> float: ...
    @property
    def vix(self) -> float: ...
    @property
    def futures(self) -> Sequence[FuturePointLike]: ...


class SpotVolParamsLike(Protocol):
    """One preset of the joint SPX/VIX response (DESIGN.md section 3)."""

    @property
    def k_down(self) -> float:
        """VIX points per 1 % SPX fall."""
        ...

    @property
    def k_up(self) -> float:
        """VIX points per 1 % SPX rise (VIX falls)."""
        ...

    @property
    def beta_a(self) -> float: ...
    @property
    def beta_p(self) -> float: ...


class ModelParamsLike(Protocol):
    @property
    def curve_preset(self) -> SpotVolPreset:
        """Preset used for payoff curves and greeks through the map."""
        ...

    @property
    def typical(self) -> SpotVolParamsLike: ...
    @property
    def stress(self) -> SpotVolParamsLike: ...
    @property
    def vix_floor(self) -> float: ...
    @property
    def spx_vol_response_exponent(self) -> float:
        """p in dsigma = dV/100 * (tau/30)^-p."""
        ...

    @property
    def spx_vol_floor(self) -> float: ...
    @property
    def vov30(self) -> float: ...
    @property
    def vov_term_exponent(self) -> float: ...
    @property
    def vov_skew(self) -> float: ...
    @property
    def vov_scale_exponent(self) -> float: ...
    @property
    def vov_scale_cap(self) -> float: ...
    @property
    def atm_iv_ratio(self) -> float:
        """sigma_atm(tau) = atm_iv_ratio * F_vix(tau) / 100."""
        ...

    @property
    def put_skew(self) -> float:
        """Vol points added per unit of -ln(K/F)/sqrt(T) on the put side (see engine.vol)."""
        ...

    @property
    def call_skew(self) -> float: ...


class LegLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def underlying(self) -> Underlying: ...
    @property
    def right(self) -> Right: ...
    @property
    def quantity(self) -> int:
        """Signed contracts: + long, - short."""
        ...

    @property
    def strike(self) -> float: ...
    @property
    def expiry(self) -> dt.date: ...
    @property
    def group(self) -> Group: ...
    @property
    def entry_price(self) -> float | None:
        """Per-contract premium in index points; None = today's model price."""
        ...

    @property
    def iv(self) -> float | None:
        """Implied vol as a decimal; None = the model's default surface."""
        ...


class StressScenarioLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def spx_move_pct(self) -> float: ...
    @property
    def vix_mode(self) -> VixMode: ...
    @property
    def vix_value(self) -> float:
        """Level for LEVEL, points for CHANGE, ignored for MAP."""
        ...

    @property
    def days(self) -> int: ...
    @property
    def preset(self) -> SpotVolPreset: ...


class ViewLike(Protocol):
    @property
    def horizon_days(self) -> int | None:
        """None = half way to the condor's expiry."""
        ...

    @property
    def price_down_pct(self) -> float: ...
    @property
    def price_up_pct(self) -> float: ...
    @property
    def price_points(self) -> int: ...
    @property
    def heat_price_points(self) -> int: ...
    @property
    def heat_vix_points(self) -> int: ...
    @property
    def heat_vix_min(self) -> float | None: ...
    @property
    def heat_vix_max(self) -> float | None: ...


class PlanLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def valuation_date(self) -> dt.date: ...
    @property
    def capital_usd(self) -> float: ...
    @property
    def market(self) -> MarketLike: ...
    @property
    def model(self) -> ModelParamsLike: ...
    @property
    def legs(self) -> Sequence[LegLike]: ...
    @property
    def stress(self) -> Sequence[StressScenarioLike]: ...
    @property
    def view(self) -> ViewLike: ...
