"""The field binding shared by the Market and Layers docks: paths, one undo step per edit, and
the refusal shown at the editor."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from pytestqt.qtbot import QtBot

from planner.engine.types import StrikeRule
from planner.model.plan import Plan
from planner.ui.document import PlanDocument
from planner.ui.fields import FieldBinder, FieldSpec, get_path, set_path, with_paths

RATIO = FieldSpec(("allocation", "near", "ratio"), "Near ratio", integer=True, minimum=-500)


def test_with_paths_changes_fields_that_are_only_valid_together(plan: Plan) -> None:
    rule = ("allocation", "tail", "strike_rule")
    value = ("allocation", "tail", "strike_value")
    with pytest.raises(ValidationError, match="VIX strike must be 5 to 200"):
        set_path(plan, rule, StrikeRule.FIXED)  # the delta 0.12 is no strike
    changed = with_paths(plan, {rule: StrikeRule.FIXED, value: 30.0})
    assert get_path(changed, rule) is StrikeRule.FIXED and get_path(changed, value) == 30.0
    assert changed.allocation.near == plan.allocation.near and changed.legs == plan.legs
    with pytest.raises(ValueError, match="as a whole and in part"):
        with_paths(plan, {("allocation", "tail"): plan.allocation.tail, rule: StrikeRule.FIXED})


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(min_value=-300, max_value=300))
def test_an_edit_is_taken_whole_or_refused_at_the_editor(
    qtbot: QtBot, document: PlanDocument, ratio: int
) -> None:
    fields = FieldBinder(document)
    messages: list[str] = []
    fields.rejected.connect(messages.append)
    spin = fields.spin(RATIO)
    before, steps = document.plan, document.undo_stack.count()
    taken = fields.set_field(RATIO, float(ratio))
    if 0 <= ratio <= 100:
        assert document.plan.allocation.near.ratio == ratio
        assert taken == (ratio != before.allocation.near.ratio)
        assert document.undo_stack.count() <= steps + 1
        assert not spin.property("invalid") and spin.styleSheet() == ""
        assert not messages
    else:
        assert not taken and document.plan == before
        assert document.undo_stack.count() == steps
        assert spin.property("invalid") is True and "border" in spin.styleSheet()
        # The reason stays as the editor's tooltip until a valid value or a refresh.
        assert messages == [spin.toolTip()] and "Near ratio" in spin.toolTip()
        fields.refresh(document.plan)
        assert not spin.property("invalid") and spin.toolTip() == "Near ratio"
        assert spin.value() == document.plan.allocation.near.ratio
    spin.deleteLater()
