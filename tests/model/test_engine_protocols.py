"""The plan's model block declares every parameter the engine reads, with the same name.

The engine reads model parameters through `types.ModelParamsLike` (and `MarketState.model`
keeps the plan's object rather than copying fields), so the schema in `plan.ModelParams` is
their one declaration; this test fails if the Protocol names a parameter the schema lacks.
"""

from __future__ import annotations

import inspect

from planner.engine.types import ModelParamsLike, SmileParamsLike, SpotVolParamsLike
from planner.model.plan import ModelParams, SpotVolParams


def _protocol_properties(protocol: type) -> set[str]:
    return {
        name
        for klass in inspect.getmro(protocol)
        for name, member in vars(klass).items()
        if isinstance(member, property)
    }


def test_model_params_declare_what_the_engine_reads() -> None:
    read = _protocol_properties(ModelParamsLike)
    assert _protocol_properties(SmileParamsLike) <= read
    assert {"vov30", "vix_floor", "spx_vol_response_exponent", "atm_iv_ratio"} <= read
    assert read <= set(ModelParams.model_fields)


def test_spot_vol_params_declare_what_the_engine_reads() -> None:
    read = _protocol_properties(SpotVolParamsLike)
    assert {"k_down", "beta_a"} <= read
    assert read <= set(SpotVolParams.model_fields)
