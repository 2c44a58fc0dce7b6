""" "New iron condor…": pick the condor by short-strike delta, wing width, days and lots.

The strikes come from the engine (`planner.engine.condor`), the expiry from the listed SPX
calendar, the credit from a trial `evaluate` of the resulting plan: the dialog computes nothing.
OK replaces the plan's condor legs (or adds them) as one undo step.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import ValidationError
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from planner.engine.condor import CondorStrikes, model_iron_condor
from planner.engine.types import Group, Right, Underlying
from planner.model.calendar import listed_spx_expiries, listed_spx_monthly_expiries
from planner.model.chain import chain_condor_expiry, market_iron_condor
from planner.model.plan import Leg, Plan
from planner.present.formatting import fmt_num, fmt_usd
from planner.ui.document import PlanDocument, validation_message
from planner.ui.plain_text import escape

if TYPE_CHECKING:
    from planner.engine.report import Report

# A standard monthly within this many days of the target wins over a closer weekly: monthlies
# are the deepest, tightest market for SPX condors.
MONTHLY_PREFERENCE_DAYS = 10
_FRIDAY = 4


def choose_condor_expiry(valuation_date: dt.date, target_days: int) -> dt.date:
    """A listed SPX expiry near `target_days` out: the nearest monthly if it is within
    `MONTHLY_PREFERENCE_DAYS`, else the nearest listed Friday (SPXW weekly)."""
    if target_days < 1:
        raise ValueError(f"days to expiry must be at least 1, got {target_days}")
    target = valuation_date + dt.timedelta(days=target_days)
    start = valuation_date + dt.timedelta(days=1)
    end = target + dt.timedelta(days=45)
    monthlies = listed_spx_monthly_expiries(start, end)
    if monthlies:
        monthly = min(monthlies, key=lambda day: (abs((day - target).days), day))
        if abs((monthly - target).days) <= MONTHLY_PREFERENCE_DAYS:
            return monthly
    listed = listed_spx_expiries(start, end)
    fridays = [day for day in listed if day.weekday() == _FRIDAY] or list(listed)
    if not fridays:
        raise ValueError(f"no listed SPX expiry near {target.isoformat()}")
    return min(fridays, key=lambda day: (abs((day - target).days), day))


def condor_legs(strikes: CondorStrikes, expiry: dt.date, lots: int, taken: set[str]) -> list[Leg]:
    """The four legs, long wings and short bodies, with ids not clashing with `taken`."""
    spec = (
        ("long_put", Right.PUT, lots, strikes.long_put),
        ("short_put", Right.PUT, -lots, strikes.short_put),
        ("short_call", Right.CALL, -lots, strikes.short_call),
        ("long_call", Right.CALL, lots, strikes.long_call),
    )
    legs = []
    for stem, right, quantity, strike in spec:
        leg_id = stem
        number = 2
        while leg_id in taken:
            leg_id = f"{stem}-{number}"
            number += 1
        taken.add(leg_id)
        legs.append(
            Leg(
                id=leg_id,
                underlying=Underlying.SPX,
                right=right,
                quantity=quantity,
                strike=strike,
                expiry=expiry,
                group=Group.CONDOR,
            )
        )
    return legs


def plan_with_condor(plan: Plan, legs: list[Leg]) -> Plan:
    """`plan` with its condor-group legs replaced by `legs` (placed where the old ones began)."""
    others = [leg for leg in plan.legs if leg.group is not Group.CONDOR]
    first = next((i for i, leg in enumerate(plan.legs) if leg.group is Group.CONDOR), 0)
    position = sum(1 for leg in plan.legs[:first] if leg.group is not Group.CONDOR)
    return plan.with_changes(legs=tuple(others[:position] + legs + others[position:]))


@dataclass(frozen=True, slots=True)
class CondorProposal:
    expiry: dt.date
    strikes: CondorStrikes
    lots: int
    plan: Plan
    report: Report


class CondorDialog(QDialog):
    def __init__(self, document: PlanDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New iron condor")
        self._document = document
        self.proposal: CondorProposal | None = None
        self.market_source: str | None = None
        """The chain the strikes were picked on (None: the model's smile)."""

        self.delta_spin = QDoubleSpinBox()
        self.delta_spin.setRange(0.01, 0.49)
        self.delta_spin.setDecimals(2)
        self.delta_spin.setSingleStep(0.01)
        self.delta_spin.setValue(0.16)
        self.delta_spin.setToolTip("BSM delta of both short strikes (0.16 ≈ one SD)")
        self.wing_spin = QSpinBox()
        self.wing_spin.setRange(5, 2000)
        self.wing_spin.setSingleStep(5)
        self.wing_spin.setValue(50)
        self.wing_spin.setSuffix(" pts")
        self.days_spin = QSpinBox()
        self.days_spin.setRange(1, 730)
        self.days_spin.setValue(45)
        self.days_spin.setSuffix(" days")
        self.lots_spin = QSpinBox()
        self.lots_spin.setRange(1, 10_000)
        self.lots_spin.setValue(5)

        form = QFormLayout()
        form.addRow("Short-strike delta", self.delta_spin)
        form.addRow("Wing width", self.wing_spin)
        form.addRow("Days to expiry (target)", self.days_spin)
        form.addRow("Lots", self.lots_spin)
        self.preview = QLabel()
        self.preview.setTextFormat(Qt.TextFormat.RichText)
        self.preview.setObjectName("condorPreview")
        self.preview.setWordWrap(True)
        self.preview.setMinimumWidth(320)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.preview)
        layout.addWidget(self.buttons)

        for spin in (self.delta_spin, self.wing_spin, self.days_spin, self.lots_spin):
            spin.valueChanged.connect(self.update_preview)
        self.update_preview()

    def update_preview(self) -> None:
        try:
            self.proposal = self._propose()
        except (ValueError, ValidationError) as exc:
            self.proposal = None
            self.preview.setText(
                f"<span style='color:#d0312d'>{escape(validation_message(exc))}</span>"
            )
        else:
            self.preview.setText(self._describe(self.proposal))
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(self.proposal is not None)

    def _propose(self) -> CondorProposal:
        plan = self._document.plan
        delta = self.delta_spin.value()
        wing = float(self.wing_spin.value())
        chain = self._document.chain
        smile = (
            None
            if chain is None
            else chain_condor_expiry(chain, plan.valuation_date, self.days_spin.value())
        )
        self.market_source = None
        if chain is not None and smile is not None:
            # With a chain loaded the strikes are the market's: its listed expiry nearest the
            # target and the short strikes by delta at the chain's own smile and forward.
            expiry = smile.expiry
            strikes = market_iron_condor(smile, delta, delta, wing)
            self.market_source = f"{chain.source} ({chain.session.isoformat()})"
        else:
            expiry = choose_condor_expiry(plan.valuation_date, self.days_spin.value())
            strikes = model_iron_condor(
                plan.market,
                plan.model,
                plan.valuation_date,
                expiry,
                short_put_delta=delta,
                short_call_delta=delta,
                wing_width_pts=wing,
            )
        lots = self.lots_spin.value()
        taken = {leg.id for leg in plan.legs if leg.group is not Group.CONDOR}
        new_plan = plan_with_condor(plan, condor_legs(strikes, expiry, lots, taken))
        return CondorProposal(expiry, strikes, lots, new_plan, self._document.evaluate(new_plan))

    def _describe(self, proposal: CondorProposal) -> str:
        s = proposal.strikes
        days = (proposal.expiry - self._document.plan.valuation_date).days
        kind = (
            "monthly"
            if proposal.expiry in set(listed_spx_monthly_expiries(proposal.expiry, proposal.expiry))
            else "weekly"
        )
        condor = proposal.report.groups.get(Group.CONDOR)
        credit = "" if condor is None else fmt_usd(-condor.premium_usd)
        max_loss = fmt_usd(proposal.report.condor_max_loss_usd)
        source = (
            "strikes by the model's delta"
            if self.market_source is None
            else f"strikes by market delta, chain {html.escape(self.market_source)}"
        )
        return (
            f"Expiry <b>{proposal.expiry.isoformat()}</b> ({days} d, {kind}; {source})<br>"
            f"Puts {fmt_num(s.long_put)} / <b>{fmt_num(s.short_put)}</b> "
            f"(Δ {s.short_put_delta:+.3f}) · "
            f"Calls <b>{fmt_num(s.short_call)}</b> / {fmt_num(s.long_call)} "
            f"(Δ {s.short_call_delta:+.3f})<br>"
            f"{proposal.lots} lots · credit <b>{credit}</b> · max loss {max_loss}"
        )

    def accept(self) -> None:
        if self.proposal is None:
            return
        s = self.proposal.strikes
        self._document.push_plan(
            self.proposal.plan,
            f"New iron condor {s.long_put:g}/{s.short_put:g}/{s.short_call:g}/{s.long_call:g}",
        )
        super().accept()
