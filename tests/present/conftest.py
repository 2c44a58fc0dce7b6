"""The presentation tests reuse the plan-model tests' small complete plan."""

from __future__ import annotations

from tests.model.conftest import sample_plan

__all__ = ["sample_plan"]
