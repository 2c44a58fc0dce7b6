"""The plan file (`.hplan`): load, save, migrate (DESIGN.md section 6).

Format: UTF-8 JSON, indent 2, a trailing newline, ISO dates. Top-level keys are always written
in the order of `TOP_LEVEL_KEYS`; nested objects keep the schema's field order, so saving the
same plan twice gives the same bytes and diffs stay readable.

Loading never lets anything but `PlanFileError` escape: oversized, non-UTF-8, non-JSON,
NaN/Infinity, deeply nested, wrong-typed and out-of-range input all become one line naming the
file and the field. Saving is atomic: a temporary file in the target's folder is written,
flushed and fsynced, then renamed over the target, so a failed save leaves the old file intact.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from planner.model.allocation import AllocationSettings
from planner.model.atomic import AtomicWriteError, write_bytes_atomic
from planner.model.errors import PlanFileError
from planner.model.plan import (
    LEGACY_MODEL_PARAMS,
    PLAN_FORMAT,
    PLAN_VERSION,
    V3_MODEL_PARAMS,
    V4_MODEL_PARAMS,
    V5_MODEL_PARAMS,
    Plan,
)
from planner.model.programme import ProgrammeSettings
from planner.model.safe_read import InputFileError, read_bounded, too_large

__all__ = [
    "MAX_PLAN_BYTES",
    "MIGRATIONS",
    "TOP_LEVEL_KEYS",
    "load_plan",
    "plan_from_json",
    "plan_to_json",
    "save_plan",
]

# A real plan is a few kilobytes (500 legs is ~150 kB); anything this large is not a plan.
MAX_PLAN_BYTES = 5 * 1024 * 1024

TOP_LEVEL_KEYS: tuple[str, ...] = (
    "format",
    "version",
    "name",
    "valuation_date",
    "capital_usd",
    "market",
    "model",
    "legs",
    "allocation",
    "programme",
    "stress",
    "view",
    "notes",
)

Migration = Callable[[dict[str, Any]], dict[str, Any]]


def _migrate_0_to_1(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 0 stored `capital` (USD) and leg IVs in percent under `iv_pct`.

    Values of the wrong type are carried over untouched so that validation names the field.
    """
    out = dict(doc)
    if "capital" in out and "capital_usd" not in out:
        out["capital_usd"] = out.pop("capital")
    legs = out.get("legs")
    if isinstance(legs, list):
        new_legs: list[Any] = []
        for leg in legs:
            if isinstance(leg, dict) and "iv_pct" in leg and "iv" not in leg:
                leg = dict(leg)
                iv_pct = leg.pop("iv_pct")
                is_number = isinstance(iv_pct, int | float) and not isinstance(iv_pct, bool)
                leg["iv"] = iv_pct / 100.0 if is_number else iv_pct
            new_legs.append(leg)
        out["legs"] = new_legs
    out["version"] = 1
    return out


def _migrate_1_to_2(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 2 added the ALVH `allocation` settings; older plans get the defaults."""
    out = dict(doc)
    if "allocation" not in out:
        out["allocation"] = AllocationSettings().model_dump(mode="json")
    out["version"] = 2
    return out


def _migrate_2_to_3(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 3 changed the model's defaults: the SPX smile was fitted to real chains and
    gained fields (#10). A version-2 plan priced with the turn-1 defaults wherever its `model`
    block (or the whole block) was left out, so those are written in explicitly: the plan keeps
    its numbers, and only new plans get the fitted defaults. Version 3 also added the replay
    `programme` (condor cadence, strikes, size, exits, costs, #9); older plans get its
    defaults."""
    out = _with_model_defaults(doc, LEGACY_MODEL_PARAMS.model_dump(mode="json"))
    if "programme" not in out:
        out["programme"] = ProgrammeSettings().model_dump(mode="json")
    out["version"] = 3
    return out


def _migrate_3_to_4(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 4 refitted the defaults (#10): the SPX smile on four chains, with two new
    fields (`call_wing_z`, `skew_level_cap_atm`), and the stress preset's futures response
    with a third (`beta_basis_sensitivity`). A version-3 plan priced with the version-3
    defaults wherever it stored nothing, with the call wing capped only at z = 4, no skew-level
    cap and no contango damping, so those are written in: it keeps its numbers."""
    out = _with_model_defaults(doc, V3_MODEL_PARAMS.model_dump(mode="json"))
    out["version"] = 4
    return out


def _migrate_4_to_5(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 5 ties the default smile's ATM to the VIX term vol over an option's life
    (`atm_reference` "term") and refitted the smile on nine chains (#10). A version-4 plan
    priced its ATM off the VIX future at the expiry, with the version-4 defaults wherever it
    stored nothing, so those are written in: it keeps its numbers."""
    out = _with_model_defaults(doc, V4_MODEL_PARAMS.model_dump(mode="json"))
    out["version"] = 5
    return out


def _migrate_5_to_6(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 6 refitted the default smile by least absolute misses, with the skew's level
    exponent fitted too (#10). A version-5 plan priced with the version-5 defaults wherever it
    stored nothing, so those are written in: it keeps its numbers."""
    out = _with_model_defaults(doc, V5_MODEL_PARAMS.model_dump(mode="json"))
    out["version"] = 6
    return out


def _with_model_defaults(doc: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """`doc` with every model field it left out (also inside the two spot-vol presets) taken
    from `defaults`: the values that the version which wrote it meant by leaving them out."""
    out = dict(doc)
    model = out.get("model", defaults)
    if isinstance(model, dict):
        model = {**defaults, **model}
        for preset in ("typical", "stress"):
            if isinstance(model.get(preset), dict):
                model[preset] = {**defaults[preset], **model[preset]}
    out["model"] = model
    return out


# Version N -> N+1, applied in turn on load until the document is at PLAN_VERSION.
MIGRATIONS: dict[int, Migration] = {
    0: _migrate_0_to_1,
    1: _migrate_1_to_2,
    2: _migrate_2_to_3,
    3: _migrate_3_to_4,
    4: _migrate_4_to_5,
    5: _migrate_5_to_6,
}
_OLDEST_VERSION = min(MIGRATIONS, default=PLAN_VERSION)


# ---------------------------------------------------------------------------------------------
# Writing


def _plan_document(plan: Plan) -> dict[str, Any]:
    dumped = plan.model_dump(mode="json")
    dumped["format"] = PLAN_FORMAT
    dumped["version"] = PLAN_VERSION
    if set(dumped) != set(TOP_LEVEL_KEYS):  # pragma: no cover - guards schema drift
        raise AssertionError(f"plan fields {sorted(dumped)} differ from TOP_LEVEL_KEYS")
    return {key: dumped[key] for key in TOP_LEVEL_KEYS}


def plan_to_json(plan: Plan) -> str:
    """The plan as `.hplan` text (stable key order, indent 2, trailing newline)."""
    return json.dumps(_plan_document(plan), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def save_plan(plan: Plan, path: str | os.PathLike[str]) -> None:
    """Write `plan` to `path` atomically; raise `PlanFileError` (old file intact) on failure."""
    data = plan_to_json(plan).encode("utf-8")
    try:
        write_bytes_atomic(path, data)
    except AtomicWriteError as error:
        raise PlanFileError(path, f"could not save: {error.reason}") from error
    except OSError as error:
        raise PlanFileError.from_os(path, error, doing="could not save") from error


# ---------------------------------------------------------------------------------------------
# Reading


def load_plan(path: str | os.PathLike[str]) -> Plan:
    """Read and validate a `.hplan` file; every failure is a `PlanFileError`."""
    try:
        data = read_bounded(path, MAX_PLAN_BYTES, "a plan")
    except InputFileError as error:
        raise PlanFileError(path, error.detail) from None
    return _plan_from_bytes(data, path)


def plan_from_json(text: str, source: str | os.PathLike[str] = "<text>") -> Plan:
    """Parse and validate `.hplan` text; `source` names it in error messages."""
    if not isinstance(text, str):
        raise PlanFileError(source, f"expected text, got {type(text).__name__}")
    if len(text) > MAX_PLAN_BYTES:
        raise PlanFileError(source, _too_large(len(text)))
    return _guarded(source, lambda: _plan_from_text(text, source))


def _plan_from_bytes(data: bytes, source: str | os.PathLike[str]) -> Plan:
    def parse() -> Plan:
        try:
            # utf-8-sig: tolerate the byte-order mark some Windows editors add.
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise PlanFileError.from_unicode(source, error) from None
        return _plan_from_text(text, source)

    return _guarded(source, parse)


def _guarded(source: str | os.PathLike[str], parse: Callable[[], Plan]) -> Plan:
    try:
        return parse()
    except PlanFileError:
        raise
    except RecursionError:
        raise PlanFileError(source, "nested too deeply to be a plan") from None
    except MemoryError:
        raise PlanFileError(source, "too large to read") from None
    except Exception as error:  # last line of defence: loading must never crash the app
        raise PlanFileError(
            source, f"could not read the plan ({type(error).__name__}: {error})"
        ) from None


def _too_large(size: int) -> str:
    return too_large(size, MAX_PLAN_BYTES, "a plan")


_MAX_INT_DIGITS = 400


class _RefusedJsonError(ValueError):
    """Raised inside the JSON parser's hooks."""


def _refuse_constant(name: str) -> Any:
    raise _RefusedJsonError(f"{name} is not allowed; numbers must be finite")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999 parses to inf
        raise _RefusedJsonError(f"the number {text[:20]} is too large")
    return value


def _bounded_int(text: str) -> int:
    # Python refuses to convert integers of more than 4300 digits, with a confusing message.
    if len(text.lstrip("-")) > _MAX_INT_DIGITS:
        raise _RefusedJsonError(f"the number {text[:12]}... has too many digits")
    return int(text)


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _RefusedJsonError(f"the key {key!r} appears twice in one object")
        out[key] = value
    return out


def _plan_from_text(text: str, source: str | os.PathLike[str]) -> Plan:
    try:
        doc = json.loads(
            text,
            parse_constant=_refuse_constant,
            parse_float=_finite_float,
            parse_int=_bounded_int,
            object_pairs_hook=_object_without_duplicates,
        )
    except json.JSONDecodeError as error:
        raise PlanFileError.from_json(source, error) from None
    except _RefusedJsonError as error:
        raise PlanFileError(source, f"not a valid plan file: {error}") from None
    except ValueError as error:  # e.g. an integer with more digits than Python will convert
        raise PlanFileError(source, f"not a valid plan file: {error}") from None
    return _plan_from_document(doc, source)


def _plan_from_document(doc: Any, source: str | os.PathLike[str]) -> Plan:
    if not isinstance(doc, dict):
        raise PlanFileError(
            source, f"not a Hedge Planner plan (the top level is {_json_kind(doc)}, not an object)"
        )
    if "format" not in doc:
        raise PlanFileError(source, "missing (not a Hedge Planner plan file)", field="format")
    if doc["format"] != PLAN_FORMAT:
        shown = json.dumps(doc["format"], ensure_ascii=False)[:40]
        raise PlanFileError(
            source,
            f"not a Hedge Planner plan (expected {PLAN_FORMAT!r}, got {shown})",
            field="format",
        )
    version = doc.get("version")
    if "version" not in doc:
        raise PlanFileError(
            source, "missing (a plan file says which version wrote it)", field="version"
        )
    if not isinstance(version, int) or isinstance(version, bool):
        raise PlanFileError(
            source, f"must be a whole number (got {json.dumps(version)[:40]})", field="version"
        )
    if version > PLAN_VERSION:
        raise PlanFileError(
            source,
            f"written by a newer Hedge Planner (version {version}); "
            f"this one reads up to {PLAN_VERSION}",
        )
    if version < _OLDEST_VERSION:
        raise PlanFileError(
            source,
            f"unknown plan version {version} (the oldest is {_OLDEST_VERSION})",
            field="version",
        )
    for step in range(version, PLAN_VERSION):
        try:
            doc = MIGRATIONS[step](doc)
        except Exception as error:
            raise PlanFileError(
                source, f"could not upgrade the plan from version {step}: {error}"
            ) from None
    try:
        plan = Plan.model_validate(doc)
        # Then strictly, as JSON: a number must be a JSON number (not true, not "7450"), a
        # whole number a JSON integer; dates and choices are still read from JSON strings. The
        # lax pass first names problems the JSON re-encoding would hide (a lone surrogate).
        Plan.model_validate_json(json.dumps(doc, allow_nan=False), strict=True)
    except ValidationError as error:
        raise PlanFileError.from_validation(source, error) from None
    return plan


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if value is None:
        return "null"
    return type(value).__name__
