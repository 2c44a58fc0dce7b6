"""The `.hplan` file: format, migrations, refusal of bad input, atomic saving."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import errno
import json
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.engine.types import Group, Right, SpotVolPreset, Underlying, VixMode
from planner.model import (
    PLAN_VERSION,
    FuturePoint,
    Leg,
    Market,
    ModelParams,
    Plan,
    PlanFileError,
    SpotVolParams,
    StressScenario,
    ViewSettings,
    load_plan,
    plan_from_json,
    plan_to_json,
    safe_read,
    save_plan,
)
from planner.model.plan import MIN_CAPITAL_USD
from planner.model.planfile import MAX_PLAN_BYTES, MIGRATIONS, TOP_LEVEL_KEYS


def _permissions_enforced() -> bool:
    """False where chmod does not stop us (root, or a file system without modes)."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name, "ro")
        folder.mkdir()
        folder.chmod(0o555)
        try:
            (folder / "probe").write_bytes(b"")
        except OSError:
            return True
        finally:
            folder.chmod(0o755)
        return False


PERMISSIONS_IGNORED = not _permissions_enforced()


def _doc(plan: Plan) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(plan_to_json(plan))
    return loaded


def _error(text: str, source: str = "sample.hplan") -> PlanFileError:
    with pytest.raises(PlanFileError) as info:
        plan_from_json(text, source)
    return info.value


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# ---------------------------------------------------------------------------------------------
# Format


class TestFormat:
    def test_text_round_trip_gives_an_equal_plan(self, sample_plan: Plan) -> None:
        assert plan_from_json(plan_to_json(sample_plan)) == sample_plan

    def test_file_round_trip_and_stable_bytes(self, sample_plan: Plan, tmp_path: Path) -> None:
        first = tmp_path / "a.hplan"
        save_plan(sample_plan, first)
        loaded = load_plan(first)
        assert loaded == sample_plan
        second = tmp_path / "b.hplan"
        save_plan(loaded, second)
        assert first.read_bytes() == second.read_bytes()

    def test_layout(self, sample_plan: Plan) -> None:
        text = plan_to_json(sample_plan)
        assert text.endswith("}\n") and not text.endswith("\n\n")
        lines = text.splitlines()
        assert lines[1] == '  "format": "hedge-planner-plan",'
        assert lines[2] == f'  "version": {PLAN_VERSION},'
        # Non-ASCII text is written as itself, not as \u escapes, so the file stays readable.
        assert "März ✓" in text
        assert '"valuation_date": "2025-03-03"' in text
        assert '"expiry": "2025-04-17"' in text

    def test_top_level_key_order_is_the_documented_one(self, sample_plan: Plan) -> None:
        assert TOP_LEVEL_KEYS == (
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
        assert tuple(_doc(sample_plan)) == TOP_LEVEL_KEYS

    def test_nested_keys_follow_the_schema_order(self, sample_plan: Plan) -> None:
        doc = _doc(sample_plan)
        assert list(doc["market"]) == list(Market.model_fields)
        assert list(doc["market"]["futures"][0]) == list(FuturePoint.model_fields)
        assert list(doc["model"]) == list(ModelParams.model_fields)
        assert list(doc["model"]["stress"]) == list(SpotVolParams.model_fields)
        assert list(doc["legs"][0]) == list(Leg.model_fields)
        assert list(doc["stress"][0]) == list(StressScenario.model_fields)
        assert list(doc["view"]) == list(ViewSettings.model_fields)

    def test_enums_are_written_as_their_values(self, sample_plan: Plan) -> None:
        doc = _doc(sample_plan)
        assert doc["legs"][0]["underlying"] == "SPX"
        assert doc["legs"][0]["right"] == "put"
        assert doc["legs"][4]["group"] == "near"
        assert doc["model"]["curve_preset"] == "stress"
        assert doc["stress"][0]["vix_mode"] == "level"

    def test_byte_order_mark_is_tolerated(self, sample_plan: Plan, tmp_path: Path) -> None:
        path = tmp_path / "bom.hplan"
        path.write_bytes(b"\xef\xbb\xbf" + plan_to_json(sample_plan).encode())
        assert load_plan(path) == sample_plan

    def test_lone_surrogate_is_refused(self, sample_plan: Plan) -> None:
        # "\ud800" is valid JSON but not text UTF-8 can hold; refusing it on load means a
        # loaded plan can always be saved again.
        text = plan_to_json(sample_plan).replace('"Line one', '"\\ud800 Line one')
        message = str(_error(text))
        assert message.startswith("sample.hplan: notes: must be a valid string"), message


# ---------------------------------------------------------------------------------------------
# Versions and migrations


def _version0_document(plan: Plan) -> dict[str, Any]:
    """Version 0, written by hand: `capital` instead of `capital_usd`, IVs in percent."""
    doc = _doc(plan)
    doc["version"] = 0
    doc = {("capital" if k == "capital_usd" else k): v for k, v in doc.items()}
    for leg in doc["legs"]:
        iv = leg.pop("iv")
        if iv is not None:
            leg["iv_pct"] = round(iv * 100, 10)
    return doc


class TestVersions:
    def test_registry_covers_every_older_version(self) -> None:
        assert set(MIGRATIONS) == set(range(min(MIGRATIONS), PLAN_VERSION))

    def test_version_0_migrates(self, sample_plan: Plan, tmp_path: Path) -> None:
        doc = _version0_document(sample_plan)
        assert "capital_usd" not in doc and doc["legs"][0]["iv_pct"] == 20.5
        path = tmp_path / "old.hplan"
        path.write_text(json.dumps(doc), encoding="utf-8")
        loaded = load_plan(path)
        assert loaded.capital_usd == 250_000
        assert loaded.legs[0].iv == pytest.approx(0.205, rel=1e-12)
        assert loaded.legs[1].iv is None
        assert loaded.legs[5].iv == pytest.approx(0.95, rel=1e-12)
        assert loaded.version == PLAN_VERSION
        assert plan_to_json(loaded) == plan_to_json(sample_plan)

    def test_migration_does_not_mutate_its_input(self, sample_plan: Plan) -> None:
        doc = _version0_document(sample_plan)
        before = copy.deepcopy(doc)
        MIGRATIONS[0](doc)
        assert doc == before

    def test_version_0_with_a_bad_iv_names_the_field(self, sample_plan: Plan) -> None:
        doc = _version0_document(sample_plan)
        doc["legs"][1]["iv_pct"] = "high"
        error = _error(json.dumps(doc))
        assert (
            str(error) == "sample.hplan: legs[1].iv: must be a valid number, unable to parse "
            'string as a number (got "high")'
        )

    def test_newer_version_is_refused(self, sample_plan: Plan) -> None:
        doc = _doc(sample_plan)
        doc["version"] = PLAN_VERSION + 1
        assert str(_error(json.dumps(doc))) == (
            f"sample.hplan: written by a newer Hedge Planner (version {PLAN_VERSION + 1}); "
            f"this one reads up to {PLAN_VERSION}"
        )

    @pytest.mark.parametrize(
        ("version", "expected"),
        [
            ("1", 'version: must be a whole number (got "1")'),
            (True, "version: must be a whole number (got true)"),
            (1.0, "version: must be a whole number (got 1.0)"),
            (None, "version: must be a whole number (got null)"),
            (-1, "version: unknown plan version -1"),
        ],
    )
    def test_bad_version(self, sample_plan: Plan, version: Any, expected: str) -> None:
        doc = _doc(sample_plan)
        doc["version"] = version
        assert str(_error(json.dumps(doc))).startswith(f"sample.hplan: {expected}")

    def test_missing_version(self, sample_plan: Plan) -> None:
        doc = _doc(sample_plan)
        del doc["version"]
        assert str(_error(json.dumps(doc))).startswith("sample.hplan: version: missing")

    def test_missing_format(self, sample_plan: Plan) -> None:
        doc = _doc(sample_plan)
        del doc["format"]
        assert str(_error(json.dumps(doc))) == (
            "sample.hplan: format: missing (not a Hedge Planner plan file)"
        )

    def test_wrong_format(self, sample_plan: Plan) -> None:
        doc = _doc(sample_plan)
        doc["format"] = "excel"
        assert str(_error(json.dumps(doc))) == (
            "sample.hplan: format: not a Hedge Planner plan "
            "(expected 'hedge-planner-plan', got \"excel\")"
        )


# ---------------------------------------------------------------------------------------------
# Refusing bad content: one line naming the file and the field


def _set(doc: dict[str, Any], path: tuple[str | int, ...], value: Any) -> None:
    target: Any = doc
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value


class TestStrictTypes:
    """Wrong JSON types are refused, never coerced (issue #14, item 7)."""

    @pytest.mark.parametrize(
        ("path", "value", "expected"),
        [
            (("market", "spx"), True, "market.spx: must be a valid number (got true)"),
            (("market", "spx"), "7450", 'market.spx: must be a valid number (got "7450")'),
            (("legs", 0, "quantity"), "5", 'legs[0].quantity: must be a valid integer (got "5")'),
            (("legs", 0, "quantity"), True, "legs[0].quantity: must be a valid integer"),
            (("view", "show_condor"), "yes", "view.show_condor: must be a valid boolean"),
            (("view", "show_condor"), 1, "view.show_condor: must be a valid boolean"),
            (("name",), 7, "name: must be a valid string"),
        ],
    )
    def test_wrong_types_are_refused(
        self, sample_plan: Plan, path: tuple[str | int, ...], value: Any, expected: str
    ) -> None:
        doc = _doc(sample_plan)
        _set(doc, path, value)
        message = str(_error(json.dumps(doc)))
        assert message.startswith(f"sample.hplan: {expected}"), message

    def test_dates_choices_and_integral_floats_still_read(self, sample_plan: Plan) -> None:
        doc = _doc(sample_plan)
        doc["capital_usd"] = 250000  # a JSON integer for a float field
        plan = plan_from_json(json.dumps(doc))
        assert plan.capital_usd == 250_000.0 and plan.legs == sample_plan.legs
        assert plan.valuation_date == sample_plan.valuation_date

    def test_control_characters_in_leg_ids_are_refused(self, sample_plan: Plan) -> None:
        for bad in ("a\nb", "a\rb", "tab\there", "nul\x00", "sep\u2028x"):
            doc = _doc(sample_plan)
            doc["legs"][0]["id"] = bad
            message = str(_error(json.dumps(doc)))
            assert message.startswith("sample.hplan: legs[0].id: must not contain newlines"), (
                message
            )

    def test_capital_has_a_sane_minimum(self, sample_plan: Plan) -> None:
        doc = _doc(sample_plan)
        doc["capital_usd"] = 1e-9
        message = str(_error(json.dumps(doc)))
        assert message.startswith(
            "sample.hplan: capital_usd: must be greater than or equal to 1"
        ), message


class TestBadContent:
    @pytest.mark.parametrize(
        ("path", "value", "expected"),
        [
            (("legs", 2, "strike"), -5, "legs[2].strike: must be greater than 0 (got -5)"),
            (("legs", 0, "quantity"), 0, "legs[0].quantity: quantity must not be zero"),
            (("legs", 0, "quantity"), 1.5, "legs[0].quantity: must be a valid integer"),
            (("legs", 3, "right"), "straddle", "legs[3].right: must be 'call' or 'put'"),
            (("legs", 1, "expiry"), "next friday", "legs[1].expiry: must be a valid date"),
            # Issue #14.7 reversed the old lax rule: a numeric string is not a number.
            (("market", "vix"), "19", 'market.vix: must be a valid number (got "19")'),
            (("market", "spx"), None, "market.spx: must be a valid number (got null)"),
            (("market", "futures", 1, "price"), 0, "market.futures[1].price: must be greater"),
            (("capital_usd",), [1], "capital_usd: must be a valid number"),
            (("name",), "", "name: must have at least 1 character"),
            (("name",), "x" * 500, 'name: must have at most 120 characters (got "xxxx'),
            (("model", "typical", "k_down"), 99, "model.typical.k_down: must be less than"),
            (("stress", 0, "vix_mode"), "up", "stress[0].vix_mode: must be 'map', 'level'"),
            (("view", "price_points"), 3, "view.price_points: must be greater than or equal"),
            (("legs",), {"a": 1}, "legs: must be a valid tuple"),
            (("market",), "today", "market: must be a valid dictionary or instance of Market"),
        ],
    )
    def test_field_is_named(
        self, sample_plan: Plan, path: tuple[str | int, ...], value: Any, expected: str
    ) -> None:
        doc = _doc(sample_plan)
        _set(doc, path, value)
        message = str(_error(json.dumps(doc)))
        assert message.startswith(f"sample.hplan: {expected}"), message
        assert "\n" not in message

    def test_missing_field(self, sample_plan: Plan) -> None:
        doc = _doc(sample_plan)
        del doc["market"]["rate"]
        assert str(_error(json.dumps(doc))) == (
            "sample.hplan: market.rate: missing (this field is required)"
        )

    def test_unknown_field(self, sample_plan: Plan) -> None:
        doc = _doc(sample_plan)
        doc["legs"][0]["colour"] = "red"
        assert str(_error(json.dumps(doc))) == (
            "sample.hplan: legs[0].colour: unknown field (not part of the plan format)"
        )

    def test_other_problems_are_counted(self, sample_plan: Plan) -> None:
        doc = _doc(sample_plan)
        doc["legs"][0]["strike"] = -1
        doc["legs"][1]["strike"] = -2
        doc["market"]["vix"] = -3
        message = str(_error(json.dumps(doc)))
        assert message.startswith("sample.hplan: market.vix: must be greater than 0 (got -3)")
        assert message.endswith("(and 2 more problems)")

    def test_duplicate_leg_ids(self, sample_plan: Plan) -> None:
        doc = _doc(sample_plan)
        doc["legs"][1]["id"] = "sp"
        assert str(_error(json.dumps(doc))) == "sample.hplan: plan: two legs share the id 'sp'"

    def test_long_inputs_are_shortened(self, sample_plan: Plan) -> None:
        doc = _doc(sample_plan)
        doc["legs"][0]["right"] = "p" * 1000
        message = str(_error(json.dumps(doc)))
        assert len(message) < 200 and message.endswith("pppp…)")


# ---------------------------------------------------------------------------------------------
# Refusing bad bytes


class TestBadText:
    def test_truncated_file_reports_line_and_column(self, sample_plan: Plan) -> None:
        text = plan_to_json(sample_plan)
        message = str(_error(text[: len(text) // 2]))
        assert message.startswith("sample.hplan: not valid JSON at line ")
        assert ", column " in message

    def test_error_position_is_right(self) -> None:
        message = str(_error('{\n  "format": "hedge-planner-plan"\n  "version": 1\n}'))
        assert message == (
            "sample.hplan: not valid JSON at line 3, column 3: Expecting ',' delimiter"
        )

    @pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
    def test_non_finite_literals_are_refused(self, sample_plan: Plan, literal: str) -> None:
        text = plan_to_json(sample_plan).replace('"vix": 19.4', f'"vix": {literal}')
        assert literal in text
        assert f"{literal} is not allowed" in str(_error(text))

    def test_overflowing_number_is_refused(self, sample_plan: Plan) -> None:
        text = plan_to_json(sample_plan).replace('"vix": 19.4', '"vix": 1e999')
        assert "the number 1e999 is too large" in str(_error(text))

    def test_enormous_integer_is_refused(self, sample_plan: Plan) -> None:
        text = plan_to_json(sample_plan).replace('"quantity": -2', '"quantity": ' + "9" * 5000, 1)
        assert str(_error(text)) == (
            "sample.hplan: not a valid plan file: the number 999999999999... has too many digits"
        )

    def test_duplicate_keys_are_refused(self) -> None:
        message = str(_error('{"format": "hedge-planner-plan", "format": "x"}'))
        assert message == (
            "sample.hplan: not a valid plan file: the key 'format' appears twice in one object"
        )

    @pytest.mark.parametrize("depth", [10_000, 200_000])
    def test_deep_nesting_is_refused(self, depth: int) -> None:
        message = str(_error("[" * depth + "]" * depth))
        assert message.startswith("sample.hplan: ")

    @pytest.mark.parametrize(
        ("text", "kind"),
        [("[]", "a list"), ('"plan"', "a string"), ("null", "null"), ("3", "a number")],
    )
    def test_top_level_must_be_an_object(self, text: str, kind: str) -> None:
        assert str(_error(text)) == (
            f"sample.hplan: not a Hedge Planner plan (the top level is {kind}, not an object)"
        )

    def test_empty_file(self, tmp_path: Path) -> None:
        path = tmp_path / "empty.hplan"
        path.write_bytes(b"")
        with pytest.raises(PlanFileError, match=r"^empty\.hplan: not valid JSON at line 1"):
            load_plan(path)

    def test_not_utf8(self, sample_plan: Plan, tmp_path: Path) -> None:
        path = tmp_path / "latin.hplan"
        path.write_bytes(plan_to_json(sample_plan).encode("utf-8").replace(b"\xc3\xa4", b"\xe4"))
        with pytest.raises(PlanFileError) as info:
            load_plan(path)
        assert str(info.value).startswith("latin.hplan: not UTF-8 text (invalid byte 0xe4 at")

    def test_utf16_file(self, sample_plan: Plan, tmp_path: Path) -> None:
        path = tmp_path / "wide.hplan"
        path.write_bytes(plan_to_json(sample_plan).encode("utf-16"))
        with pytest.raises(PlanFileError, match=r"^wide\.hplan: not UTF-8 text"):
            load_plan(path)

    def test_error_carries_path_and_field(self, sample_plan: Plan, tmp_path: Path) -> None:
        doc = _doc(sample_plan)
        doc["market"]["vix"] = -1
        path = tmp_path / "bad.hplan"
        path.write_text(json.dumps(doc))
        with pytest.raises(PlanFileError) as info:
            load_plan(path)
        assert info.value.path == path
        assert info.value.field == "market.vix"
        assert info.value.detail == "must be greater than 0 (got -1)"


# ---------------------------------------------------------------------------------------------
# Files that cannot be read


class _Handle:
    """Stands in for an open file and records how much was asked for."""

    def __init__(self, data: bytes, asked: list[int]) -> None:
        self._data = data
        self._asked = asked

    def __enter__(self) -> _Handle:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def read(self, size: int = -1) -> bytes:
        self._asked.append(size)
        return self._data if size < 0 else self._data[:size]


class TestReading:
    def test_not_found(self, tmp_path: Path) -> None:
        with pytest.raises(PlanFileError) as info:
            load_plan(tmp_path / "nope.hplan")
        assert str(info.value) == "nope.hplan: could not read the file: not found"

    def test_folder(self, tmp_path: Path) -> None:
        folder = tmp_path / "dir.hplan"
        folder.mkdir()
        with pytest.raises(PlanFileError) as info:
            load_plan(folder)
        assert str(info.value) == "dir.hplan: could not read the file: it is a folder, not a file"

    @pytest.mark.skipif(PERMISSIONS_IGNORED, reason="file modes are not enforced here (root)")
    def test_permission_denied(self, sample_plan: Plan, tmp_path: Path) -> None:
        path = tmp_path / "locked.hplan"
        save_plan(sample_plan, path)
        path.chmod(0)
        try:
            with pytest.raises(PlanFileError) as info:
                load_plan(path)
        finally:
            path.chmod(0o600)
        assert str(info.value) == "locked.hplan: could not read the file: permission denied"

    def test_permission_denied_injected(
        self, sample_plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = tmp_path / "locked.hplan"
        save_plan(sample_plan, path)

        def refuse(*args: object, **kwargs: object) -> None:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))

        monkeypatch.setattr(safe_read, "open", refuse, raising=False)
        with pytest.raises(PlanFileError) as info:
            load_plan(path)
        assert str(info.value) == "locked.hplan: could not read the file: permission denied"

    def test_oversized_file_is_refused_before_reading(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = tmp_path / "huge.hplan"
        with open(path, "wb") as handle:
            handle.truncate(MAX_PLAN_BYTES + 1)  # sparse: costs no disk
        asked: list[int] = []
        monkeypatch.setattr(safe_read, "open", lambda *a, **k: _Handle(b"", asked), raising=False)
        with pytest.raises(PlanFileError) as info:
            load_plan(path)
        assert asked == []
        assert str(info.value) == (
            "huge.hplan: too large to be a plan (5,242,881 bytes; the limit is 5 MB)"
        )

    def test_read_is_bounded_when_the_file_grows(
        self, sample_plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = tmp_path / "growing.hplan"
        save_plan(sample_plan, path)
        asked: list[int] = []
        endless = b" " * (MAX_PLAN_BYTES + 100)
        monkeypatch.setattr(
            safe_read, "open", lambda *a, **k: _Handle(endless, asked), raising=False
        )
        with pytest.raises(PlanFileError, match="too large to be a plan"):
            load_plan(path)
        assert asked == [MAX_PLAN_BYTES + 1]

    def test_file_at_the_limit_is_read(self, sample_plan: Plan, tmp_path: Path) -> None:
        text = plan_to_json(sample_plan)
        padded = text[:-2] + " " * (MAX_PLAN_BYTES - len(text.encode())) + "}\n"
        path = tmp_path / "big.hplan"
        path.write_text(padded, encoding="utf-8")
        assert path.stat().st_size == MAX_PLAN_BYTES
        assert load_plan(path) == sample_plan

    def test_oversized_text_is_refused(self) -> None:
        with pytest.raises(PlanFileError, match="too large to be a plan"):
            plan_from_json(" " * (MAX_PLAN_BYTES + 1))

    @pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this platform")
    def test_special_file_is_refused_without_blocking(self, tmp_path: Path) -> None:
        pipe = tmp_path / "pipe.hplan"
        os.mkfifo(pipe)
        with pytest.raises(PlanFileError) as info:
            load_plan(pipe)
        assert str(info.value) == "pipe.hplan: could not read the file: not a regular file"


# ---------------------------------------------------------------------------------------------
# Saving


class TestSaving:
    def test_replaces_the_old_file_and_leaves_no_temp_file(
        self, sample_plan: Plan, tmp_path: Path
    ) -> None:
        path = tmp_path / "plan.hplan"
        path.write_text("old contents")
        save_plan(sample_plan, path)
        assert path.read_text(encoding="utf-8") == plan_to_json(sample_plan)
        assert _leftovers(tmp_path) == []
        assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.hplan"]

    def test_new_file_is_readable_by_others(self, sample_plan: Plan, tmp_path: Path) -> None:
        path = tmp_path / "new.hplan"
        save_plan(sample_plan, path)
        assert stat.S_IMODE(path.stat().st_mode) == 0o644

    def test_existing_permissions_are_kept(self, sample_plan: Plan, tmp_path: Path) -> None:
        path = tmp_path / "private.hplan"
        path.write_text("old")
        path.chmod(0o600)
        save_plan(sample_plan, path)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600

    def test_saving_through_a_symlink_updates_its_target(
        self, sample_plan: Plan, tmp_path: Path
    ) -> None:
        real = tmp_path / "real.hplan"
        real.write_text("old")
        link = tmp_path / "link.hplan"
        link.symlink_to(real)
        save_plan(sample_plan, link)
        assert link.is_symlink()
        assert load_plan(real) == sample_plan

    @pytest.mark.parametrize(
        ("target", "error", "reason"),
        [
            ("os.replace", OSError(errno.ENOSPC, "No space left on device"), "no space left"),
            ("os.fsync", OSError(errno.EIO, "Input/output error"), "input/output error"),
            ("os.replace", PermissionError(errno.EACCES, "Permission denied"), "permission"),
        ],
    )
    def test_failure_keeps_the_old_file(
        self,
        sample_plan: Plan,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        target: str,
        error: OSError,
        reason: str,
    ) -> None:
        path = tmp_path / "plan.hplan"
        path.write_bytes(b"the old plan")

        def fail(*args: object, **kwargs: object) -> None:
            raise error

        monkeypatch.setattr(target, fail)
        with pytest.raises(PlanFileError) as info:
            save_plan(sample_plan, path)
        monkeypatch.undo()
        assert str(info.value).startswith(f"plan.hplan: could not save: {reason}")
        assert path.read_bytes() == b"the old plan"
        assert _leftovers(tmp_path) == []

    def test_failed_write_keeps_the_old_file(
        self, sample_plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = tmp_path / "plan.hplan"
        path.write_bytes(b"the old plan")
        real_fdopen = os.fdopen

        class _Full:
            def __init__(self, fd: int) -> None:
                self._handle = real_fdopen(fd, "wb")

            def __enter__(self) -> _Full:
                return self

            def __exit__(self, *exc: object) -> None:
                self._handle.close()

            def write(self, data: bytes) -> int:
                self._handle.write(data[:10])
                raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(os, "fdopen", lambda fd, mode: _Full(fd))
        with pytest.raises(PlanFileError, match="could not save: no space left on the disk"):
            save_plan(sample_plan, path)
        monkeypatch.undo()
        assert path.read_bytes() == b"the old plan"
        assert _leftovers(tmp_path) == []

    @pytest.mark.skipif(PERMISSIONS_IGNORED, reason="file modes are not enforced here (root)")
    def test_read_only_folder(self, sample_plan: Plan, tmp_path: Path) -> None:
        folder = tmp_path / "ro"
        folder.mkdir()
        path = folder / "plan.hplan"
        path.write_bytes(b"the old plan")
        folder.chmod(0o555)
        try:
            with pytest.raises(PlanFileError) as info:
                save_plan(sample_plan, path)
        finally:
            folder.chmod(0o755)
        assert str(info.value) == "plan.hplan: could not save: permission denied"
        assert path.read_bytes() == b"the old plan"
        assert _leftovers(folder) == []

    def test_missing_folder(self, sample_plan: Plan, tmp_path: Path) -> None:
        path = tmp_path / "gone" / "plan.hplan"
        with pytest.raises(PlanFileError) as info:
            save_plan(sample_plan, path)
        assert str(info.value).startswith("plan.hplan: could not save: the folder ")
        assert str(info.value).endswith("does not exist")

    def test_target_is_a_folder(self, sample_plan: Plan, tmp_path: Path) -> None:
        folder = tmp_path / "taken.hplan"
        folder.mkdir()
        with pytest.raises(PlanFileError, match="it is a folder, not a file"):
            save_plan(sample_plan, folder)
        assert folder.is_dir()


# ---------------------------------------------------------------------------------------------
# Fuzzing: loading only ever gives a Plan or a PlanFileError


@pytest.fixture(scope="module")
def fuzz_folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


@pytest.fixture(scope="module")
def sample_bytes(sample_plan: Plan) -> bytes:
    return plan_to_json(sample_plan).encode("utf-8")


def _load_bytes(folder: Path, data: bytes) -> Plan | None:
    path = folder / "fuzz.hplan"
    path.write_bytes(data)
    try:
        return load_plan(path)
    except PlanFileError as error:
        assert str(error).startswith("fuzz.hplan: ")
        assert "\n" not in str(error)
        return None


_edit = st.one_of(
    st.tuples(st.just("truncate"), st.integers(0, 10_000), st.binary(max_size=0)),
    st.tuples(st.just("insert"), st.integers(0, 10_000), st.binary(min_size=1, max_size=8)),
    st.tuples(st.just("flip"), st.integers(0, 10_000), st.binary(min_size=1, max_size=1)),
    st.tuples(st.just("delete"), st.integers(0, 10_000), st.binary(max_size=0)),
)

_FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_FUZZ
@given(edits=st.lists(_edit, min_size=1, max_size=4))
def test_mutated_bytes_never_crash(
    fuzz_folder: Path, sample_bytes: bytes, edits: list[tuple[str, int, bytes]]
) -> None:
    data = bytearray(sample_bytes)
    for kind, where, payload in edits:
        at = where % (len(data) + 1)
        if kind == "truncate":
            del data[at:]
        elif kind == "insert":
            data[at:at] = payload
        elif kind == "flip" and at < len(data):
            data[at] = payload[0]
        elif kind == "delete":
            del data[at : at + 1 + where % 7]
    _load_bytes(fuzz_folder, bytes(data))


def _paths(value: Any, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    out: list[tuple[str | int, ...]] = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += _paths(item, (*prefix, index))
    return out


_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**300, max_value=10**400)
    | st.floats()  # includes NaN and +/-inf: json.dumps writes them as literals
    | st.text(max_size=30)
    | st.dates().map(dt.date.isoformat)
    | st.sampled_from(["SPX", "VIX", "call", "put", "near", "stress", "change", ""]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@_FUZZ
@given(data=st.data())
def test_random_values_in_random_fields_never_crash(sample_plan: Plan, data: st.DataObject) -> None:
    doc = _doc(sample_plan)
    paths = _paths(doc)
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths))
        if data.draw(st.booleans(), label="delete"):
            target: Any = doc
            try:
                for part in path[:-1]:
                    target = target[part]
                del target[path[-1]]
            except (KeyError, IndexError, TypeError):
                pass
        else:
            with contextlib.suppress(KeyError, IndexError, TypeError):
                _set(doc, path, data.draw(_json_values))
    try:
        text = json.dumps(doc)
    except ValueError:  # an integer json.dumps itself refuses to write
        return
    try:
        plan = plan_from_json(text, "fuzz.hplan")
    except PlanFileError as error:
        assert str(error).startswith("fuzz.hplan: ")
        assert "\n" not in str(error)
    else:
        assert isinstance(plan, Plan)


# ---------------------------------------------------------------------------------------------
# Round trip of generated plans


def _floats(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


_dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31))
_text = st.text(max_size=40)
_name = st.text(min_size=1, max_size=60).filter(lambda s: s.strip() != "")


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    today = draw(_dates)
    expiries = st.integers(1, 900).map(lambda d: today + dt.timedelta(days=d))
    futures = draw(st.lists(expiries, max_size=8, unique=True))
    legs = []
    for index in range(draw(st.integers(0, 12))):
        legs.append(
            Leg(
                id=f"leg{index}",
                underlying=draw(st.sampled_from(Underlying)),
                right=draw(st.sampled_from(Right)),
                quantity=draw(st.integers(-100_000, 100_000).filter(bool)),
                strike=draw(_floats(0.5, 100_000)),
                expiry=draw(expiries),
                group=draw(st.sampled_from(Group)),
                entry_price=draw(st.none() | _floats(0, 100_000)),
                iv=draw(st.none() | _floats(0.001, 10)),
            )
        )
    stress = [
        StressScenario(
            name=draw(_name),
            spx_move_pct=draw(_floats(-99.9, 200)),
            vix_mode=VixMode.CHANGE,
            vix_value=draw(_floats(-200, 500)),
            days=draw(st.integers(0, 3650)),
            preset=draw(st.sampled_from(SpotVolPreset)),
            note=draw(_text),
        )
        for _ in range(draw(st.integers(0, 4)))
    ]
    return Plan(
        name=draw(_name),
        valuation_date=today,
        capital_usd=draw(_floats(MIN_CAPITAL_USD, 1e12)),
        market=Market(
            spx=draw(_floats(1, 1_000_000)),
            rate=draw(_floats(-0.05, 0.5)),
            dividend_yield=draw(_floats(0, 0.5)),
            vix=draw(_floats(0.01, 500)),
            futures=tuple(FuturePoint(expiry=e, price=draw(_floats(0.01, 500))) for e in futures),
        ),
        model=ModelParams(
            curve_preset=draw(st.sampled_from(SpotVolPreset)),
            vov30=draw(_floats(0.01, 5)),
            put_skew=draw(_floats(0, 50)),
        ),
        legs=tuple(legs),
        stress=tuple(stress),
        view=ViewSettings(
            horizon_days=draw(st.none() | st.integers(0, 3650)),
            show_condor=draw(st.booleans()),
        ),
        notes=draw(st.text(max_size=200)),
    )


@settings(max_examples=150, deadline=None)
@given(plan=plans())
def test_generated_plans_round_trip(fuzz_folder: Path, plan: Plan) -> None:
    assert plan_from_json(plan_to_json(plan)) == plan
    path = fuzz_folder / "round.hplan"
    save_plan(plan, path)
    loaded = load_plan(path)
    assert loaded == plan
    save_plan(loaded, path)
    assert path.read_text(encoding="utf-8") == plan_to_json(plan)
