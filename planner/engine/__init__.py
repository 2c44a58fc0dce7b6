"""Pure-numpy pricing, scenario and risk engine. Public entry point: `evaluate(plan)`."""

from __future__ import annotations

from planner.engine.errors import EngineInputError
from planner.engine.evaluate import evaluate
from planner.engine.report import Report

__all__ = ["EngineInputError", "Report", "evaluate"]
