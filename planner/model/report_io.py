"""The risk report as JSON-ready data (for `hedge-planner report --format json`); the text
report is built in `planner.present.report_text`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from enum import Enum
from typing import Any

import numpy as np

from planner.engine.report import Report


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(_jsonable(k)): _jsonable(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float | np.floating):
        number = float(value)
        # JSON has no NaN/Infinity; null says "not defined" honestly.
        return number if math.isfinite(number) else None
    if isinstance(value, np.integer):
        return int(value)
    return value


def report_to_dict(report: Report) -> dict[str, Any]:
    """Every number of the report, grids as nested lists; legs keep their engine field names."""
    data: dict[str, Any] = _jsonable(report)
    data["format"] = "hedge-planner-report"
    return data
