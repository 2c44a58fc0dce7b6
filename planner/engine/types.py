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


class AtmReference(StrEnum):
    """What VIX level the default SPX smile's ATM vol is a share of, for an expiry tau away."""

    TERM = "term"
    """The VIX term vol over the option's life: spot VIX to 30 days, the futures strip after
    (`curve.term_vix`; plans from version 5)."""
    FUTURE = "future"
    """The VIX future at the option's expiry (plans saved before version 5)."""


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
    def vix9d(self) -> float | None:
        """Cboe's 9-day VIX (VIX9D), if entered: the default smile's short-dated ATM level."""
        ...

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
    @property
    def beta_max(self) -> float:
        """Cap of the futures beta before expiry (1: the turn-1 form)."""
        ...

    @property
    def beta_reversion_per_year(self) -> float:
        """kappa: a spot spike is expected to decay as exp(-kappa tau) by a future's expiry."""
        ...

    @property
    def beta_basis_sensitivity(self) -> float:
        """c: the futures beta is scaled by 1 - c B(tau) / V0 (0: no curve dependence)."""
        ...


class SmileParamsLike(Protocol):
    """The default SPX smile's parameters (planner.engine.vol.default_spx_iv)."""

    @property
    def atm_iv_ratio(self) -> float:
        """sigma_atm(tau) = atm_iv_ratio * V_ref(tau) / 100 (V_ref: see `atm_reference`)."""
        ...

    @property
    def put_skew(self) -> float:
        """Vol points added per unit of -ln(K/F)/sqrt(T) on the put side (see engine.vol)."""
        ...

    @property
    def call_skew(self) -> float: ...
    @property
    def atm_level_exponent(self) -> float:
        """e in sigma_atm = ratio * V_ref / 100 * (V_ref / 20)^e (0: ATM a fixed share of V_ref)."""
        ...

    @property
    def atm_ratio_floor(self) -> float:
        """Lowest ATM share of the VIX level the level term may give (0: none)."""
        ...

    @property
    def atm_ratio_cap(self) -> float:
        """Highest ATM share of the VIX level the level term may give."""
        ...

    @property
    def put_curvature(self) -> float:
        """Vol points per unit of z^2 on the put side (0: linear skew)."""
        ...

    @property
    def call_curvature(self) -> float: ...
    @property
    def skew_term_exponent(self) -> float:
        """The skew scales with (T / 30 days)^this."""
        ...

    @property
    def skew_level_exponent(self) -> float:
        """The skew scales with (ATM vol / 20 %)^this (0: fixed vol points, 1: share of ATM)."""
        ...

    @property
    def skew_level_cap_atm(self) -> float:
        """ATM vol (decimal) past which the skew stops growing faster than ATM (inf: never)."""
        ...

    @property
    def call_wing_z(self) -> float:
        """Standardised moneyness beyond which the call side of the smile stays flat."""
        ...


class ModelParamsLike(SmileParamsLike, Protocol):
    @property
    def atm_reference(self) -> AtmReference:
        """Which VIX level V_ref(tau) the smile's ATM vol is a share of (the smile functions
        take V_ref itself: `FuturesCurve.smile_reference` forms it)."""
        ...

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
    @property
    def allocation(self) -> AllocationSettingsLike: ...
    @property
    def listed_vix_expiries(self) -> Sequence[dt.date]:
        """Listed VIX option expiries from the valuation date on (the model computes them from
        the exchange calendar; the engine does no calendar I/O)."""
        ...


# ---------------------------------------------------------------------------------------------
# ALVH allocation settings (DESIGN.md section 4): what `planner.engine.alvh` reads.


class StrikeRule(StrEnum):
    """How a layer's strike is chosen before it is snapped to a listed VIX strike."""

    DELTA = "delta"  # the listed strike whose Black-76 call delta is nearest the target
    POINTS = "points"  # the layer's VIX future plus this many points
    FIXED = "fixed"  # this strike


class SizingMode(StrEnum):
    UNITS = "units"  # hedge units entered directly
    BUDGET = "budget"  # largest whole units whose yearly maintenance cost fits a % of capital
    PROTECTION = "protection"  # cheapest whole units cutting a stress scenario's loss by >= Y %


class RegimeRule(StrEnum):
    """What the regime table's band values mean."""

    OFF = "off"  # no regime scaling
    MULTIPLIER = "multiplier"  # the band scales the sized hedge units (ALVH)
    PREMIUM_PCT = "premium_pct"  # the band sets today's premium as % of capital (VXTH)


class RegimeMeasure(StrEnum):
    """Which VIX number selects the band."""

    SPOT_VIX = "spot_vix"
    FRONT_FUTURE = "front_future"  # the first VIX future on the curve (VXTH uses it)


class LayerSettingsLike(Protocol):
    @property
    def ratio(self) -> int:
        """Contracts per hedge unit (4 / 4 / 2 by default)."""
        ...

    @property
    def min_days(self) -> int: ...
    @property
    def max_days(self) -> int: ...
    @property
    def strike_rule(self) -> StrikeRule: ...
    @property
    def strike_value(self) -> float:
        """Call delta (0-1) for DELTA, VIX points above the future for POINTS, the strike for
        FIXED."""
        ...


class OffsetSettingsLike(Protocol):
    @property
    def enabled(self) -> bool: ...
    @property
    def ratio(self) -> float:
        """Short calls per tail-layer contract."""
        ...

    @property
    def min_days(self) -> int: ...
    @property
    def max_days(self) -> int: ...
    @property
    def strike_rule(self) -> StrikeRule: ...
    @property
    def strike_value(self) -> float: ...


class RegimeBandLike(Protocol):
    @property
    def upper(self) -> float | None:
        """The band's upper edge; None for the last, open-ended band. The lower edge is the
        previous band's upper edge (0 for the first)."""
        ...

    @property
    def value(self) -> float:
        """Size multiplier (MULTIPLIER) or premium as % of capital (PREMIUM_PCT)."""
        ...

    @property
    def hold(self) -> bool:
        """Hold the existing hedge / consider monetising instead of sizing a new one."""
        ...


class RegimeSettingsLike(Protocol):
    @property
    def name(self) -> str:
        """The table's label, e.g. "ALVH", "VXTH" or "custom"."""
        ...

    @property
    def rule(self) -> RegimeRule: ...
    @property
    def measure(self) -> RegimeMeasure: ...
    @property
    def upper_inclusive(self) -> bool:
        """True: bands are (lower, upper] (VXTH: "future <= 15"); False: [lower, upper) (ALVH:
        "16-20" includes 16)."""
        ...

    @property
    def bands(self) -> Sequence[RegimeBandLike]: ...


class AllocationSettingsLike(Protocol):
    @property
    def near(self) -> LayerSettingsLike: ...
    @property
    def mid(self) -> LayerSettingsLike: ...
    @property
    def tail(self) -> LayerSettingsLike: ...
    @property
    def offset(self) -> OffsetSettingsLike: ...
    @property
    def sizing(self) -> SizingMode: ...
    @property
    def units(self) -> int:
        """Hedge units for SizingMode.UNITS."""
        ...

    @property
    def budget_pct_capital(self) -> float:
        """Yearly maintenance budget, % of capital, for SizingMode.BUDGET."""
        ...

    @property
    def target_scenario(self) -> str:
        """Name of the stress scenario whose loss SizingMode.PROTECTION cuts."""
        ...

    @property
    def target_loss_cut_pct(self) -> float: ...
    @property
    def max_units(self) -> int:
        """The solvers' cap on hedge units."""
        ...

    @property
    def regime(self) -> RegimeSettingsLike: ...
