"""The plan schema: bad values are refused with the field named; plans are immutable values."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from planner.engine.types import Group, Right, Underlying, VixMode
from planner.model import (
    PLAN_VERSION,
    FuturePoint,
    Leg,
    Market,
    Plan,
    StressScenario,
    ViewSettings,
)

from .conftest import build_sample_plan


def _locs(error: ValidationError) -> list[tuple[int | str, ...]]:
    return [tuple(e["loc"]) for e in error.errors()]


def _leg(**changes: Any) -> dict[str, Any]:
    leg: dict[str, Any] = {
        "id": "x",
        "underlying": "SPX",
        "right": "put",
        "quantity": -1,
        "strike": 5000.0,
        "expiry": "2025-04-17",
    }
    leg.update(changes)
    return leg


class TestFieldValidation:
    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("strike", -5),
            ("strike", 0),
            ("strike", float("nan")),
            ("strike", float("inf")),
            ("quantity", 100_001),
            ("quantity", 2.5),
            ("id", ""),
            ("id", "x" * 65),
            ("underlying", "NDX"),
            ("right", "straddle"),
            ("expiry", "soon"),
            ("entry_price", -0.01),
            ("iv", 0),
            ("iv", 11),
            ("group", "hedge"),
        ],
    )
    def test_bad_leg_value_names_the_field(self, field: str, value: Any) -> None:
        with pytest.raises(ValidationError) as info:
            Leg.model_validate(_leg(**{field: value}))
        assert _locs(info.value) == [(field,)]

    def test_zero_quantity_is_refused_with_a_reason(self) -> None:
        with pytest.raises(ValidationError, match="quantity must not be zero") as info:
            Leg.model_validate(_leg(quantity=0))
        assert _locs(info.value) == [("quantity",)]

    def test_unknown_field_is_refused(self) -> None:
        with pytest.raises(ValidationError) as info:
            Leg.model_validate(_leg(colour="red"))
        assert info.value.errors()[0]["type"] == "extra_forbidden"

    def test_valid_leg_parses_enums_and_dates(self) -> None:
        leg = Leg.model_validate(_leg(group="near", underlying="VIX", right="call"))
        assert leg.group is Group.NEAR
        assert leg.underlying is Underlying.VIX and leg.right is Right.CALL
        assert leg.expiry == dt.date(2025, 4, 17)

    @pytest.mark.parametrize(
        ("field", "value"),
        [("spx", 0), ("vix", -1), ("rate", 0.6), ("rate", -0.06), ("dividend_yield", -0.01)],
    )
    def test_bad_market_value(self, field: str, value: float) -> None:
        data: dict[str, Any] = {"spx": 5000, "rate": 0.04, "dividend_yield": 0.01, "vix": 18}
        data[field] = value
        with pytest.raises(ValidationError) as info:
            Market.model_validate(data)
        assert _locs(info.value) == [(field,)]

    def test_vix_level_must_be_positive(self) -> None:
        with pytest.raises(ValidationError, match="a VIX level must be positive"):
            StressScenario(name="x", spx_move_pct=-5, vix_mode=VixMode.LEVEL, vix_value=0)
        # A change may be negative (VIX falling).
        assert StressScenario(
            name="x", spx_move_pct=5, vix_mode=VixMode.CHANGE, vix_value=-4
        ).vix_value == (-4)

    def test_spx_move_cannot_wipe_out_the_index(self) -> None:
        with pytest.raises(ValidationError) as info:
            StressScenario(name="x", spx_move_pct=-100)
        assert _locs(info.value) == [("spx_move_pct",)]

    def test_heat_map_range_must_be_ordered(self) -> None:
        with pytest.raises(ValidationError, match="heat_vix_min must be below heat_vix_max"):
            ViewSettings(heat_vix_min=40, heat_vix_max=20)

    def test_whitespace_is_stripped(self) -> None:
        assert Leg.model_validate(_leg(id="  sp  ")).id == "sp"


class TestFutures:
    def test_futures_are_sorted_by_expiry(self) -> None:
        market = Market(
            spx=5000,
            rate=0.04,
            dividend_yield=0.01,
            vix=18,
            futures=(
                FuturePoint(expiry=dt.date(2025, 6, 18), price=21),
                FuturePoint(expiry=dt.date(2025, 4, 16), price=19),
                FuturePoint(expiry=dt.date(2025, 5, 21), price=20),
            ),
        )
        assert [p.expiry.month for p in market.futures] == [4, 5, 6]
        assert [p.price for p in market.futures] == [19, 20, 21]

    def test_two_futures_on_one_date_are_refused(self) -> None:
        with pytest.raises(ValidationError, match="two VIX futures expire on 2025-04-16"):
            Market(
                spx=5000,
                rate=0.04,
                dividend_yield=0.01,
                vix=18,
                futures=(
                    FuturePoint(expiry=dt.date(2025, 4, 16), price=19),
                    FuturePoint(expiry=dt.date(2025, 4, 16), price=20),
                ),
            )

    def test_future_must_expire_after_the_valuation_date(self, sample_plan: Plan) -> None:
        with pytest.raises(ValidationError, match="is not after the valuation date"):
            sample_plan.with_changes(valuation_date=dt.date(2025, 3, 18))


class TestPlan:
    def test_leg_ids_must_be_unique(self, sample_plan: Plan) -> None:
        legs = (*sample_plan.legs, sample_plan.legs[0].with_changes(strike=5000))
        with pytest.raises(ValidationError, match="two legs share the id 'sp'"):
            sample_plan.with_changes(legs=legs)

    def test_leg_lookup(self, sample_plan: Plan) -> None:
        assert sample_plan.leg("tail").strike == 30
        with pytest.raises(KeyError):
            sample_plan.leg("missing")

    def test_format_and_version_are_fixed(self, sample_plan: Plan) -> None:
        with pytest.raises(ValidationError, match="not a Hedge Planner plan"):
            sample_plan.with_changes(format="other")
        with pytest.raises(ValidationError) as info:
            sample_plan.with_changes(version=PLAN_VERSION + 1)
        assert _locs(info.value) == [("version",)]

    def test_capital_must_be_positive_and_finite(self, sample_plan: Plan) -> None:
        for bad in (0, -1, float("inf"), float("nan")):
            with pytest.raises(ValidationError) as info:
                sample_plan.with_changes(capital_usd=bad)
            assert _locs(info.value) == [("capital_usd",)]

    def test_nested_error_location(self, sample_plan: Plan) -> None:
        data = sample_plan.model_dump()
        data["legs"][3]["strike"] = -1
        with pytest.raises(ValidationError) as info:
            Plan.model_validate(data)
        assert _locs(info.value) == [("legs", 3, "strike")]

    def test_plans_are_frozen(self, sample_plan: Plan) -> None:
        with pytest.raises(ValidationError):
            sample_plan.name = "changed"  # type: ignore[misc]
        with pytest.raises(ValidationError):
            sample_plan.market.vix = 40  # type: ignore[misc]


class TestWithChanges:
    def test_returns_a_new_plan_and_leaves_the_original(self, sample_plan: Plan) -> None:
        before = sample_plan.model_dump()
        changed = sample_plan.with_changes(name="Renamed", capital_usd=300_000)
        assert changed.name == "Renamed" and changed.capital_usd == 300_000
        assert changed.legs == sample_plan.legs
        assert sample_plan.model_dump() == before
        assert sample_plan.name != "Renamed"

    def test_revalidates(self, sample_plan: Plan) -> None:
        with pytest.raises(ValidationError) as info:
            sample_plan.with_changes(capital_usd=-5)
        assert _locs(info.value) == [("capital_usd",)]
        with pytest.raises(ValidationError):
            sample_plan.market.with_changes(vix=0)

    def test_accepts_model_values(self, sample_plan: Plan) -> None:
        market = sample_plan.market.with_changes(vix=30)
        changed = sample_plan.with_changes(market=market)
        assert changed.market == market
        assert sample_plan.market.vix == 19.4

    def test_nested_change_is_sorted_again(self, sample_plan: Plan) -> None:
        reversed_futures = tuple(reversed(sample_plan.market.futures))
        market = sample_plan.market.with_changes(futures=reversed_futures)
        assert market.futures == sample_plan.market.futures

    def test_unknown_field_is_refused(self, sample_plan: Plan) -> None:
        with pytest.raises(ValidationError):
            sample_plan.with_changes(colour="red")


class TestEquality:
    def test_equal_plans_are_equal(self) -> None:
        assert build_sample_plan() == build_sample_plan()
        assert build_sample_plan() is not build_sample_plan()

    def test_a_changed_value_breaks_equality(self, sample_plan: Plan) -> None:
        leg = sample_plan.legs[2].with_changes(strike=6155)
        legs = (*sample_plan.legs[:2], leg, *sample_plan.legs[3:])
        assert sample_plan.with_changes(legs=legs) != sample_plan
        assert sample_plan.with_changes(notes="") != sample_plan

    def test_int_and_float_inputs_give_equal_plans(self, sample_plan: Plan) -> None:
        as_float = sample_plan.with_changes(capital_usd=250_000.0)
        assert as_float == sample_plan
        assert isinstance(as_float.capital_usd, float)
