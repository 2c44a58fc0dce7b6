"""The default stress set (DESIGN.md section 3, "Stress table").

The rows live in `stress_presets.json`, shipped in the wheel as `planner.resources`. Historical
rows carry a `window` (start/end dates of the closes they were measured between) that documents
their provenance and lets the tests check every figure against the real SPX and VIX history; it
is not part of a `StressScenario` and is dropped here.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from pydantic import ValidationError

from planner.model.plan import StressScenario

__all__ = ["PRESETS_FORMAT", "default_stress_scenarios", "stress_preset_entries"]

PRESETS_FORMAT = "hedge-planner-stress-presets"
_RESOURCE = "stress_presets.json"


def stress_preset_entries() -> list[dict[str, Any]]:
    """The raw rows of the shipped file, including each historical row's `window`."""
    text = resources.files("planner.resources").joinpath(_RESOURCE).read_text(encoding="utf-8")
    doc = json.loads(text)
    if not isinstance(doc, dict) or doc.get("format") != PRESETS_FORMAT:
        raise RuntimeError(f"{_RESOURCE} is not a stress preset file (packaging error)")
    rows = doc.get("scenarios")
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise RuntimeError(f"{_RESOURCE}: 'scenarios' must be a list of objects")
    return rows


@cache
def default_stress_scenarios() -> tuple[StressScenario, ...]:
    """Historical analogs, generic +/-3/5/10 % shocks and a pure VIX spike, in display order."""
    scenarios: list[StressScenario] = []
    for index, row in enumerate(stress_preset_entries()):
        fields = {key: value for key, value in row.items() if key != "window"}
        try:
            scenarios.append(StressScenario.model_validate(fields))
        except ValidationError as error:
            # A broken shipped file is a packaging bug, not user input: fail loudly.
            raise RuntimeError(f"{_RESOURCE}: scenarios[{index}] is invalid: {error}") from error
    return tuple(scenarios)
