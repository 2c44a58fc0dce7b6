"""Pure-numpy pricing, scenario and risk engine. Public entry point: `evaluate(plan)`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from planner.engine.errors import EngineInputError

if TYPE_CHECKING:
    from planner.engine.evaluate import evaluate
    from planner.engine.report import Report

__all__ = ["EngineInputError", "Report", "evaluate"]


def __getattr__(name: str) -> Any:
    # Lazy so that importing a small engine module (types, strikes) stays cheap.
    if name == "evaluate":
        from planner.engine.evaluate import evaluate

        return evaluate
    if name == "Report":
        from planner.engine.report import Report

        return Report
    raise AttributeError(name)
