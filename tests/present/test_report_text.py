"""The text report: names from a plan cannot forge lines; an empty plan says it has no condor
(issue #14, item 7)."""

from __future__ import annotations

from planner.engine import evaluate
from planner.model.plan import Plan
from planner.present.report_text import one_line, report_to_text


def test_control_characters_in_names_are_escaped(sample_plan: Plan) -> None:
    forged = "x\n  * every figure is zero"
    stress = (sample_plan.stress[0].with_changes(name=f"S{forged}"), *sample_plan.stress[1:])
    plan = sample_plan.with_changes(name=f"P{forged}\u2028end", stress=stress)
    text = report_to_text(evaluate(plan))
    assert "every figure is zero" in text  # still shown…
    assert not any(line.lstrip().startswith("* every figure") for line in text.splitlines())
    assert "Px\\n  * every figure is zero\\u2028end" in text  # …as escapes, on its own line
    assert one_line("plain name") == "plain name"


def test_a_plan_without_a_condor_says_so(sample_plan: Plan) -> None:
    empty = report_to_text(evaluate(sample_plan.with_changes(legs=())))
    assert "condor expiry" not in empty
    assert "(no condor in the plan; no legs)" in empty
    hedge_only = sample_plan.with_changes(
        legs=tuple(leg for leg in sample_plan.legs if leg.underlying.value == "VIX")
    )
    text = report_to_text(evaluate(hedge_only))
    assert "(no condor in the plan; the last leg's expiry)" in text
    with_condor = report_to_text(evaluate(sample_plan))
    assert "condor expiry (" in with_condor
