"""Pure-numpy pricing, scenario and risk engine. Public entry point: `evaluate(plan)`
(optionally `evaluate(plan, vix_history)` for the ALVH signals' RSI / MACD)."""

from __future__ import annotations

from planner.engine.errors import EngineInputError
from planner.engine.evaluate import evaluate
from planner.engine.report import Report
from planner.engine.signals import VixHistory

__all__ = ["EngineInputError", "Report", "VixHistory", "evaluate"]
