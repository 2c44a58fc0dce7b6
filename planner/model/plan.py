"""The plan document: immutable, validated values (pydantic v2, frozen).

Field names match the engine's Protocols (planner.engine.types) so a `Plan` can be handed to
`planner.engine.evaluate` directly. Every bound below exists to turn absurd input into a clear
message instead of a crash or a silent NaN further down.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import unicodedata
from typing import Annotated, Self

from pydantic import AfterValidator, Field, field_validator, model_validator

from planner.engine.types import (
    AtmReference,
    Group,
    PlanLike,
    Right,
    SpotVolPreset,
    Underlying,
    VixMode,
)
from planner.model.allocation import AllocationSettings
from planner.model.calendar import plan_vix_expiries
from planner.model.programme import ProgrammeSettings
from planner.model.values import FrozenValue

PLAN_FORMAT = "hedge-planner-plan"
PLAN_VERSION = 6

MAX_LEGS = 500
MAX_FUTURES = 60
MAX_STRESS = 100

# Every date in a plan: the listed-expiry calendars and day counts are defined over these years,
# and dates near 1 or 9999 overflow `date + timedelta` (a traceback instead of a message).
MIN_PLAN_DATE = dt.date(1990, 1, 1)
MAX_PLAN_DATE = dt.date(2200, 12, 31)


def _check_plan_date(value: dt.date) -> dt.date:
    if not MIN_PLAN_DATE <= value <= MAX_PLAN_DATE:
        raise ValueError(
            f"{value.isoformat()} is outside the supported dates "
            f"{MIN_PLAN_DATE.isoformat()} to {MAX_PLAN_DATE.isoformat()}"
        )
    return value


PlanDate = Annotated[dt.date, AfterValidator(_check_plan_date)]

# Bounded work, not only bounded sizes: 500 legs on a 1001 x 1001 heat map are each within
# their limits yet took 40-50 s per recalculation. About 40-80 ns per option valuation here, so
# the cap is a few tenths of a second for the whole report.
MAX_OPTION_VALUATIONS = 5_000_000


def option_valuations(legs: int, view: ViewSettings, stress_rows: int) -> int:
    """Option valuations one report needs: every leg at every curve point (three horizons),
    heat-map cell and stress row."""
    points = 3 * view.price_points + view.heat_price_points * view.heat_vix_points + stress_rows
    return legs * points


# Below this, "% of capital" figures lose meaning (1e-9 USD gave 64,490,722,708,409.91 %).
MIN_CAPITAL_USD = 1_000.0


def has_control_characters(text: str) -> bool:
    """Newlines, tabs, other control and format characters, line/paragraph separators."""
    return any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in text)


class FuturePoint(FrozenValue):
    expiry: PlanDate
    price: float = Field(gt=0, le=500, description="VIX future settlement, VIX points")


class Market(FrozenValue):
    spx: float = Field(gt=0, le=1_000_000, description="SPX index level")
    rate: float = Field(ge=-0.05, le=0.5, description="risk-free rate, decimal")
    dividend_yield: float = Field(ge=0, le=0.5, description="SPX dividend yield, decimal")
    vix: float = Field(gt=0, le=500, description="spot VIX")
    vix9d: float | None = Field(
        default=None, gt=0, le=500, description="Cboe 9-day VIX, optional (short-dated ATM)"
    )
    futures: tuple[FuturePoint, ...] = Field(default=(), max_length=MAX_FUTURES)

    @field_validator("futures")
    @classmethod
    def _sorted_unique(cls, points: tuple[FuturePoint, ...]) -> tuple[FuturePoint, ...]:
        ordered = tuple(sorted(points, key=lambda p: p.expiry))
        for a, b in itertools.pairwise(ordered):
            if a.expiry == b.expiry:
                raise ValueError(f"two VIX futures expire on {a.expiry.isoformat()}")
        return ordered


class SpotVolParams(FrozenValue):
    k_down: float = Field(ge=0, le=20, description="VIX points per 1 % SPX fall")
    k_up: float = Field(ge=0, le=20, description="VIX points per 1 % SPX rise")
    beta_a: float = Field(gt=0, le=2, description="futures beta at one week")
    beta_p: float = Field(ge=0, le=2, description="futures beta decay exponent")
    beta_max: float = Field(default=1.0, gt=0, le=1, description="futures beta cap before expiry")
    beta_reversion_per_year: float = Field(
        default=0.0, ge=0, le=100, description="mean reversion of a VIX spike, per year"
    )
    beta_basis_sensitivity: float = Field(
        default=0.0, ge=-10, le=10, description="contango damping of the futures response"
    )


# Fitted on ../shared/data (tests/benchmarks/test_fit_spot_vol.py prints the fit; README,
# "Real option chains and calibration"). Typical: the median VIX change per 1 % SPX move on
# days with moves of 0.5 % or more 2008-2026, and the futures betas fitted (least absolute
# error) to 28,000 daily contract moves 2009-2024 (no contango damping: on daily moves it fits
# to ~0). Stress: k_down the median over the six stress episodes of DESIGN.md section 3, k_up
# the median on days with VIX >= 25, and the betas fitted to the first three futures after
# those shocks: a share beta_max of a spike reaches even the front future, the rest decaying at
# kappa per year (half-life ~2 months), damped by 1 - c B(tau)/V0 where today's curve is in
# contango (a spike out of a calm, rising curve is believed less).
TYPICAL_SPOT_VOL = SpotVolParams(
    k_down=1.29, k_up=1.07, beta_a=0.779, beta_p=0.215, beta_max=0.912, beta_reversion_per_year=1.36
)
STRESS_SPOT_VOL = SpotVolParams(
    k_down=2.54,
    k_up=1.16,
    beta_a=1.0,
    beta_p=0.0,
    beta_max=0.873,
    beta_reversion_per_year=4.25,
    beta_basis_sensitivity=1.79,
)


class ModelParams(FrozenValue):
    curve_preset: SpotVolPreset = SpotVolPreset.TYPICAL
    # The ATM vol is a share of the VIX term vol over the option's life (version 5); plans saved
    # before keep the VIX future at the expiry (AtmReference.FUTURE) through the migrations.
    atm_reference: AtmReference = AtmReference.TERM
    typical: SpotVolParams = TYPICAL_SPOT_VOL
    stress: SpotVolParams = STRESS_SPOT_VOL
    vix_floor: float = Field(default=9.0, gt=0, le=100)
    spx_vol_response_exponent: float = Field(default=0.3, ge=0, le=2)
    spx_vol_floor: float = Field(default=0.05, gt=0, le=1)
    vov30: float = Field(default=0.90, gt=0, le=5, description="VIX option ATM vol at 30 days")
    vov_term_exponent: float = Field(default=0.35, ge=0, le=2)
    vov_skew: float = Field(default=0.25, ge=-2, le=2)
    vov_scale_exponent: float = Field(default=0.5, ge=0, le=3)
    vov_scale_cap: float = Field(default=2.0, ge=1, le=10)
    # The default SPX smile, fitted to the real Cboe chains on hand (the two in
    # ../shared/data/chains and the subsets in tests/data/chains, VIX 12.4-27.8) by least
    # absolute misses in vol, each chain weighted alike; tests/benchmarks/test_fit_smile.py
    # prints the fit and the leave-one-chain-out figures (README, "Real option chains and
    # calibration"). Six numbers are fitted (ratio, put and call skew, term and level exponents,
    # call wing); the rest are the form's structure: ATM a fixed share of the VIX term vol over
    # the option's life (atm_reference), the skew per unit of z growing with ATM as a power up to
    # 20 % ATM (skew_level_cap_atm), no curvature.
    # Plans saved before version 3 keep the turn-1 values (LEGACY_SMILE), version-3 plans the
    # two-chain fit (V3_SMILE), version-4 plans the four-chain fit off the VIX future (V4_SMILE),
    # version-5 plans the nine-chain least-squares fit (V5_SMILE), through the migrations.
    atm_iv_ratio: float = Field(default=0.853, gt=0, le=3)
    atm_level_exponent: float = Field(default=0.0, ge=-3, le=3)
    atm_ratio_floor: float = Field(default=0.0, ge=0, le=3)
    atm_ratio_cap: float = Field(default=3.0, gt=0, le=3)
    put_skew: float = Field(default=5.19, ge=0, le=50, description="vol pts per unit of z")
    call_skew: float = Field(default=5.95, ge=-20, le=20, description="vol pts per unit of z")
    put_curvature: float = Field(default=0.0, ge=-20, le=20, description="vol pts per z^2")
    call_curvature: float = Field(default=0.0, ge=-20, le=20, description="vol pts per z^2")
    skew_term_exponent: float = Field(default=0.236, ge=-2, le=2)
    skew_level_exponent: float = Field(default=1.47, ge=-3, le=3)
    # Fitted too: the call side falls call_skew vol pts (at 20 % ATM, 30 days) per unit of z
    # up to z = call_wing_z (about the 30-delta call) and is flat beyond it: from there to the
    # 5-delta call the chains' call wings are nearly flat.
    call_wing_z: float = Field(default=0.681, ge=0.1, le=4.0)
    skew_level_cap_atm: float = Field(default=0.20, gt=0, le=10.0)


# What every plan used before version 3 (turn-1 defaults): a version-2 file's model block is
# completed with these on load, so an old plan keeps pricing as it did (planfile.MIGRATIONS).
LEGACY_SMILE: dict[str, float] = {
    "atm_iv_ratio": 0.9,
    "atm_level_exponent": 0.0,
    "atm_ratio_floor": 0.0,
    "atm_ratio_cap": 3.0,
    "put_skew": 5.5,
    "call_skew": 1.8,
    "put_curvature": 0.0,
    "call_curvature": 0.0,
    "skew_term_exponent": 0.0,
    "skew_level_exponent": 0.0,
    "call_wing_z": 4.0,
    "skew_level_cap_atm": 10.0,
}
# What plans saved as version 3 used (the fit on the two 2022 chains, ATM share clamped to
# 0.62-0.90); a version-3 file stores all of these but the two version-4 fields, which the
# migration fills with the old formula's behaviour: call wing to z = 4, no skew-level cap.
V3_SMILE: dict[str, float] = {
    "atm_iv_ratio": 0.677,
    "atm_level_exponent": 0.808,
    "atm_ratio_floor": 0.62,
    "atm_ratio_cap": 0.90,
    "put_skew": 5.04,
    "call_skew": 8.49,
    "put_curvature": 0.0,
    "call_curvature": 3.48,
    "skew_term_exponent": 0.206,
    "skew_level_exponent": 0.625,
    "call_wing_z": 4.0,
    "skew_level_cap_atm": 10.0,
}
LEGACY_TYPICAL_SPOT_VOL = SpotVolParams(
    k_down=1.5, k_up=0.9, beta_a=0.75, beta_p=0.40, beta_max=1.0, beta_reversion_per_year=0.0
)
LEGACY_STRESS_SPOT_VOL = SpotVolParams(
    k_down=2.8, k_up=0.9, beta_a=0.85, beta_p=0.30, beta_max=1.0, beta_reversion_per_year=0.0
)
LEGACY_MODEL_PARAMS = ModelParams(
    typical=LEGACY_TYPICAL_SPOT_VOL,
    stress=LEGACY_STRESS_SPOT_VOL,
    atm_reference=AtmReference.FUTURE,
    **LEGACY_SMILE,
)
V3_TYPICAL_SPOT_VOL = SpotVolParams(
    k_down=1.29, k_up=1.07, beta_a=0.779, beta_p=0.215, beta_max=0.912, beta_reversion_per_year=1.36
)
V3_STRESS_SPOT_VOL = SpotVolParams(
    k_down=2.54, k_up=1.16, beta_a=1.0, beta_p=0.0, beta_max=0.869, beta_reversion_per_year=4.11
)
V3_MODEL_PARAMS = ModelParams(
    typical=V3_TYPICAL_SPOT_VOL,
    stress=V3_STRESS_SPOT_VOL,
    atm_reference=AtmReference.FUTURE,
    **V3_SMILE,
)
"""Every model default of version 3: what a version-3 file left out meant."""
# What plans saved as version 4 used: the fit on four chains with ATM a share of the VIX future
# at the expiry (version-4 spot-vol presets are today's).
V4_SMILE: dict[str, float] = {
    "atm_iv_ratio": 0.783,
    "atm_level_exponent": 0.0,
    "atm_ratio_floor": 0.0,
    "atm_ratio_cap": 3.0,
    "put_skew": 5.63,
    "call_skew": 7.40,
    "put_curvature": 0.0,
    "call_curvature": 0.0,
    "skew_term_exponent": 0.140,
    "skew_level_exponent": 2.0,
    "call_wing_z": 0.52,
    "skew_level_cap_atm": 0.20,
}
V4_MODEL_PARAMS = ModelParams(atm_reference=AtmReference.FUTURE, **V4_SMILE)
"""Every model default of version 4: what a version-4 file left out meant."""
# What plans saved as version 5 used: the least-squares fit on nine chains, ATM a share of the
# VIX term vol, the skew's level exponent held at 2 (version-5 spot-vol presets are today's).
V5_SMILE: dict[str, float] = {
    "atm_iv_ratio": 0.904,
    "atm_level_exponent": 0.0,
    "atm_ratio_floor": 0.0,
    "atm_ratio_cap": 3.0,
    "put_skew": 4.52,
    "call_skew": 9.51,
    "put_curvature": 0.0,
    "call_curvature": 0.0,
    "skew_term_exponent": 0.283,
    "skew_level_exponent": 2.0,
    "call_wing_z": 0.478,
    "skew_level_cap_atm": 0.20,
}
V5_MODEL_PARAMS = ModelParams(atm_reference=AtmReference.TERM, **V5_SMILE)
"""Every model default of version 5: what a version-5 file left out meant."""


class Leg(FrozenValue):
    id: str = Field(min_length=1, max_length=64)
    underlying: Underlying
    right: Right
    quantity: int = Field(ge=-100_000, le=100_000, description="signed contracts")
    strike: float = Field(gt=0, le=100_000)
    expiry: PlanDate
    group: Group = Group.OTHER
    entry_price: float | None = Field(default=None, ge=0, le=100_000)
    iv: float | None = Field(default=None, gt=0, le=10)

    @field_validator("id")
    @classmethod
    def _one_line_id(cls, leg_id: str) -> str:
        # An id is a key quoted in tables, warnings and reports: a newline would forge lines.
        if has_control_characters(leg_id):
            raise ValueError("must not contain newlines, tabs or other control characters")
        return leg_id

    @field_validator("quantity")
    @classmethod
    def _nonzero(cls, quantity: int) -> int:
        if quantity == 0:
            raise ValueError("quantity must not be zero (positive = long, negative = short)")
        return quantity


class StressScenario(FrozenValue):
    name: str = Field(min_length=1, max_length=80)
    spx_move_pct: float = Field(gt=-100, le=200)
    vix_mode: VixMode = VixMode.MAP
    vix_value: float = Field(default=0.0, ge=-200, le=500)
    days: int = Field(default=1, ge=0, le=3650)
    preset: SpotVolPreset = SpotVolPreset.STRESS
    note: str = Field(default="", max_length=400)

    @model_validator(mode="after")
    def _vix_level_positive(self) -> Self:
        if self.vix_mode is VixMode.LEVEL and self.vix_value <= 0:
            raise ValueError("a VIX level must be positive")
        return self


class ViewSettings(FrozenValue):
    horizon_days: int | None = Field(default=None, ge=0, le=3650)
    price_down_pct: float = Field(default=25.0, gt=0, lt=100)
    price_up_pct: float = Field(default=15.0, gt=0, le=200)
    price_points: int = Field(default=801, ge=11, le=20_001)
    heat_price_points: int = Field(default=61, ge=5, le=1001)
    heat_vix_points: int = Field(default=41, ge=5, le=1001)
    heat_vix_min: float | None = Field(default=None, gt=0, le=500)
    heat_vix_max: float | None = Field(default=None, gt=0, le=500)
    show_condor: bool = True
    show_hedge: bool = True

    @model_validator(mode="after")
    def _heat_range(self) -> Self:
        lo, hi = self.heat_vix_min, self.heat_vix_max
        if lo is not None and hi is not None and not lo < hi:
            raise ValueError("heat_vix_min must be below heat_vix_max")
        return self


class Plan(FrozenValue):
    format: str = PLAN_FORMAT
    version: int = PLAN_VERSION
    name: str = Field(default="Untitled plan", min_length=1, max_length=120)
    valuation_date: PlanDate
    capital_usd: float = Field(ge=MIN_CAPITAL_USD, le=1e12, description="account capital, USD")
    market: Market
    model: ModelParams = ModelParams()
    legs: tuple[Leg, ...] = Field(default=(), max_length=MAX_LEGS)
    stress: tuple[StressScenario, ...] = Field(default=(), max_length=MAX_STRESS)
    view: ViewSettings = ViewSettings()
    allocation: AllocationSettings = AllocationSettings()
    programme: ProgrammeSettings = ProgrammeSettings()
    notes: str = Field(default="", max_length=20_000)

    @field_validator("format")
    @classmethod
    def _format(cls, value: str) -> str:
        if value != PLAN_FORMAT:
            raise ValueError(f"not a Hedge Planner plan (format is {value!r})")
        return value

    @field_validator("version")
    @classmethod
    def _version(cls, value: int) -> int:
        # A plan in memory is always current; older files are migrated by planner.model.planfile.
        if value != PLAN_VERSION:
            raise ValueError(f"must be {PLAN_VERSION} (older plan files are upgraded on load)")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        work = option_valuations(len(self.legs), self.view, len(self.stress))
        if work > MAX_OPTION_VALUATIONS:
            raise ValueError(
                f"the report would need {work:,} option valuations ({len(self.legs)} legs x "
                f"{work // max(1, len(self.legs)):,} points); the limit is "
                f"{MAX_OPTION_VALUATIONS:,}: lower view.heat_price_points x "
                "view.heat_vix_points or view.price_points, or use fewer legs"
            )
        seen: set[str] = set()
        for leg in self.legs:
            if leg.id in seen:
                raise ValueError(f"two legs share the id {leg.id!r}")
            seen.add(leg.id)
        for point in self.market.futures:
            if point.expiry <= self.valuation_date:
                raise ValueError(
                    f"VIX future expiring {point.expiry.isoformat()} is not after the "
                    f"valuation date {self.valuation_date.isoformat()}"
                )
        if not math.isfinite(self.capital_usd):
            raise ValueError("capital must be a finite number")
        return self

    @property
    def listed_vix_expiries(self) -> tuple[dt.date, ...]:
        """Listed VIX option expiries from the valuation date on (cached per date)."""
        return plan_vix_expiries(self.valuation_date)

    def leg(self, leg_id: str) -> Leg:
        for leg in self.legs:
            if leg.id == leg_id:
                return leg
        raise KeyError(leg_id)


def _satisfies_engine_protocol(plan: Plan) -> PlanLike:
    # mypy checks here, once, that a Plan is what planner.engine.evaluate reads.
    return plan
