"""The position table's model: one row per leg (identified by leg id), edits as undo steps.

Input columns edit the plan through `PlanDocument.push_plan`; the read-only columns show the
engine's latest `Report` for that leg. The model never prices anything itself.
"""

from __future__ import annotations

import datetime as dt
from enum import IntEnum
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import ValidationError
from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from planner.engine.strikes import snap_spx_strike
from planner.engine.types import Group, Right, Underlying
from planner.model.chain import LegMarket
from planner.model.leg_edits import with_leg
from planner.model.plan import Leg, Plan
from planner.present.formatting import fmt_expiry, fmt_num, fmt_usd
from planner.ui.document import PlanDocument, validation_message
from planner.ui.plain_text import safe_text

if TYPE_CHECKING:
    from planner.engine.report import LegRisk, Report

AnyIndex = QModelIndex | QPersistentModelIndex

REFUSED_ROLE = int(Qt.ItemDataRole.UserRole) + 1
"""Why the cell's last typed value was refused (str), or None."""


class Column(IntEnum):
    GROUP = 0
    UNDERLYING = 1
    RIGHT = 2
    QUANTITY = 3
    STRIKE = 4
    EXPIRY = 5
    ENTRY_PRICE = 6
    IV_PCT = 7
    MODEL_PRICE = 8
    DELTA = 9
    THETA = 10
    MARKET_MID = 11
    MARKET_IV = 12


HEADERS: dict[Column, str] = {
    Column.GROUP: "Layer",
    Column.UNDERLYING: "Underlying",
    Column.RIGHT: "Call/Put",
    Column.QUANTITY: "Qty",
    Column.STRIKE: "Strike",
    Column.EXPIRY: "Expiry",
    Column.ENTRY_PRICE: "Entry",
    Column.IV_PCT: "IV %",
    Column.MODEL_PRICE: "Model",
    Column.DELTA: "Δ /contract",
    Column.THETA: "θ pts/day",
    Column.MARKET_MID: "Mkt mid",
    Column.MARKET_IV: "Mkt IV %",
}

TOOLTIPS: dict[Column, str] = {
    Column.MARKET_MID: (
        "The imported option chain's mid (bid/ask and width in the cell's tooltip); "
        "compare with Model"
    ),
    Column.MARKET_IV: "Implied vol of the chain's mid on its parity forward; compare with IV %",
    Column.GROUP: "What the leg is for: the condor or an ALVH hedge layer",
    Column.QUANTITY: "Signed contracts: positive = long, negative = short",
    Column.EXPIRY: "Expiry date (days to expiry from the valuation date in brackets)",
    Column.ENTRY_PRICE: "Premium per contract in index points; blank = today's model price",
    Column.IV_PCT: "Implied vol in %; blank = the model's default surface",
    Column.MODEL_PRICE: "Today's model price per contract, index points",
    Column.DELTA: (
        "Per-contract delta to the leg's own underlying (a fraction: ×100 × quantity for "
        "dollars per point; the Risk dock shows the position in dollars)"
    ),
    Column.THETA: (
        "Per-contract theta in index points per calendar day (×$100 × quantity for dollars; "
        "the Risk dock shows the position's θ/day in dollars)"
    ),
}

INPUT_COLUMNS = frozenset(
    {
        Column.GROUP,
        Column.UNDERLYING,
        Column.RIGHT,
        Column.QUANTITY,
        Column.STRIKE,
        Column.EXPIRY,
        Column.ENTRY_PRICE,
        Column.IV_PCT,
    }
)
REPORT_COLUMNS = (Column.MODEL_PRICE, Column.DELTA, Column.THETA)
MARKET_COLUMNS = (Column.MARKET_MID, Column.MARKET_IV)
"""From the imported option chain; the view hides them while no chain is loaded."""

_FIELD: dict[Column, str] = {
    Column.GROUP: "group",
    Column.UNDERLYING: "underlying",
    Column.RIGHT: "right",
    Column.QUANTITY: "quantity",
    Column.STRIKE: "strike",
    Column.EXPIRY: "expiry",
    Column.ENTRY_PRICE: "entry_price",
    Column.IV_PCT: "iv",
}

_SHORT_COLOUR = QColor(178, 34, 34)
_LONG_COLOUR = QColor(0, 110, 50)
_MODEL_COLOUR = QColor(128, 128, 128)


def _parse_optional_float(value: Any, what: str) -> float | None:
    """Blank means "use the model"; anything else must be a number."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        if not text or text.lower() == "model":
            return None
        value = text
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what}: {value!r} is not a number (leave blank for the model)") from None


def _parse_float(value: Any, what: str) -> float:
    parsed = _parse_optional_float(value, what)
    if parsed is None:
        raise ValueError(f"{what}: a number is required")
    return parsed


def _parse_int(value: Any, what: str) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{what}: {value!r} is not a whole number")
    if isinstance(value, int):
        return value
    number = _parse_float(value, what)
    if not number.is_integer():
        raise ValueError(f"{what}: {value!r} is not a whole number of contracts")
    return int(number)


def _parse_date(value: Any, what: str) -> dt.date:
    if isinstance(value, QDate):
        if not value.isValid():
            raise ValueError(f"{what}: not a valid date")
        return dt.date(value.year(), value.month(), value.day())
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"{what}: {value!r} is not a date (use YYYY-MM-DD)") from None


_E = TypeVar("_E", Group, Underlying, Right)


def _parse_enum(kind: type[_E], value: Any, what: str) -> _E:
    text = str(value.value if isinstance(value, kind) else value).strip().lower()
    for member in kind:
        if text in (member.value.lower(), member.name.lower()):
            return member
    allowed = ", ".join(m.value for m in kind)
    raise ValueError(f"{what}: {value!r} is not one of {allowed}")


def format_quantity(quantity: int) -> str:
    side = "long" if quantity > 0 else "short"
    return f"{quantity:+d} {side}"


def _fmt(value: float, decimals: int, sign: bool = False) -> str:
    return fmt_num(value, decimals, sign)


class LegTableModel(QAbstractTableModel):
    """Rows are the plan's legs in plan order; each row is tied to its leg id."""

    rejected = Signal(str)
    """A refused edit, with a message naming the field and the reason."""
    inputs_changed = Signal()
    """The plan's legs changed in place (same rows): typed columns may need more room."""
    entry_reset = Signal(str)
    """A contract change replaced the leg's entry price by the new model price (says so)."""

    def __init__(self, document: PlanDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self._ids: list[str] = [leg.id for leg in document.plan.legs]
        self._risk: dict[str, LegRisk] = {}
        # What the cells were drawn from, so an edit elsewhere (the horizon) repaints nothing.
        self._shown_legs = document.plan.legs
        self._shown_date = document.plan.valuation_date
        self._shown_figures: tuple[tuple[float, ...], ...] = ()
        # Refused edits by (leg id, column): shown at the cell (outline, tooltip) until that
        # cell takes a valid value, not only in a status message that vanishes.
        self._refused: dict[tuple[str, Column], str] = {}
        document.plan_changed.connect(self._on_plan_changed)
        document.report_ready.connect(self._on_report)
        document.chain_changed.connect(self._on_chain)
        if document.report is not None:
            self._on_report(document.report)

    # -- identity ------------------------------------------------------------------------

    @property
    def document(self) -> PlanDocument:
        return self._document

    def leg_id(self, row: int) -> str:
        return self._ids[row]

    def row_of(self, leg_id: str) -> int:
        return self._ids.index(leg_id)

    def leg_at(self, row: int) -> Leg:
        return self._document.plan.leg(self._ids[row])

    # -- Qt model interface --------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(Column)

    def headerData(  # noqa: N802
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._ids):
                return self._ids[section]
            return None
        if not 0 <= section < len(Column):
            return None
        column = Column(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return TOOLTIPS.get(column)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if Column(index.column()) in INPUT_COLUMNS:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self.checkIndex(index, self.CheckIndexOption.IndexIsValid):
            return None
        leg = self.leg_at(index.row())
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(leg, column)
        if role == Qt.ItemDataRole.EditRole:
            return self._edit_value(leg, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in (Column.GROUP, Column.UNDERLYING, Column.RIGHT, Column.EXPIRY):
                return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == Column.QUANTITY:
                return QBrush(_LONG_COLOUR if leg.quantity > 0 else _SHORT_COLOUR)
            if (column == Column.ENTRY_PRICE and leg.entry_price is None) or (
                column == Column.IV_PCT and leg.iv is None
            ):
                return QBrush(_MODEL_COLOUR)
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            refused = self._refused.get((leg.id, column))
            if refused:
                return safe_text(f"Refused: {refused}")
            if column in MARKET_COLUMNS:
                return safe_text(self._market_tooltip(leg))
            return TOOLTIPS.get(column)
        if role == REFUSED_ROLE:
            return self._refused.get((leg.id, column))
        return None

    def refusal(self, row: int, column: int) -> str | None:
        """Why the last value typed into this cell was refused (None when it holds)."""
        return self._refused.get((self._ids[row], Column(column)))

    def _market(self, leg: Leg) -> LegMarket | None:
        chain = self._document.chain
        return None if chain is None else chain.leg_market(leg)

    def _market_tooltip(self, leg: Leg) -> str:
        market = self._market(leg)
        if market is None:
            return "No option chain loaded (File ▸ Import ▸ Option chain…)"
        if market.status == "not an SPX option":
            return "The chain holds SPX options only"
        parts = [f"{market.root or 'SPX'}: {market.status}"]
        if market.bid is not None and market.ask is not None:
            parts.append(f"bid {_fmt(market.bid, 2)} / ask {_fmt(market.ask, 2)}")
        if market.width is not None:
            parts.append(f"width {_fmt(market.width, 2)}")
        if market.smile_iv is not None:
            parts.append(f"chain smile {_fmt(market.smile_iv * 100.0, 1)} %")
        return " · ".join(parts)

    def _on_chain(self, _chain: object) -> None:
        if self._ids:
            first, last = min(MARKET_COLUMNS), max(MARKET_COLUMNS)
            self.dataChanged.emit(self.index(0, first), self.index(len(self._ids) - 1, last))

    def _display(self, leg: Leg, column: Column) -> str:
        risk = self._risk.get(leg.id)
        match column:
            case Column.GROUP | Column.UNDERLYING | Column.RIGHT:
                return str(self._edit_value(leg, column))  # a choice shows as it is stored
            case Column.QUANTITY:
                return format_quantity(leg.quantity)
            case Column.STRIKE:
                return _fmt(leg.strike, 0 if leg.strike.is_integer() else 1)
            case Column.EXPIRY:
                days = (leg.expiry - self._document.plan.valuation_date).days
                return fmt_expiry(leg.expiry, days)
            case Column.ENTRY_PRICE:
                if leg.entry_price is not None:
                    return _fmt(leg.entry_price, 2)
                return f"({_fmt(risk.model_price_pts, 2)})" if risk is not None else ""
            case Column.IV_PCT:
                if leg.iv is not None:
                    return _fmt(leg.iv * 100.0, 1)
                return f"({_fmt(risk.iv * 100.0, 1)})" if risk is not None else ""
            case Column.MODEL_PRICE:
                return _fmt(risk.model_price_pts, 2) if risk is not None else ""
            case Column.DELTA:
                return _fmt(risk.delta, 3, sign=True) if risk is not None else ""
            case Column.THETA:
                return _fmt(risk.theta, 3, sign=True) if risk is not None else ""
            case Column.MARKET_MID:
                market = self._market(leg)
                return "" if market is None or market.mid is None else _fmt(market.mid, 2)
            case Column.MARKET_IV:
                market = self._market(leg)
                if market is None or market.market_iv is None:
                    return ""
                return _fmt(market.market_iv * 100.0, 1)
        return ""  # pragma: no cover - every column is matched above

    def _edit_value(self, leg: Leg, column: Column) -> Any:
        risk = self._risk.get(leg.id)
        match column:
            case Column.GROUP:
                return leg.group.value
            case Column.UNDERLYING:
                return leg.underlying.value
            case Column.RIGHT:
                return leg.right.value
            case Column.QUANTITY:
                return leg.quantity
            case Column.STRIKE:
                return leg.strike
            case Column.EXPIRY:
                return QDate(leg.expiry.year, leg.expiry.month, leg.expiry.day)
            case Column.ENTRY_PRICE:
                return leg.entry_price
            case Column.IV_PCT:
                return None if leg.iv is None else leg.iv * 100.0
            case Column.MODEL_PRICE:
                return None if risk is None else risk.model_price_pts
            case Column.DELTA:
                return None if risk is None else risk.delta
            case Column.THETA:
                return None if risk is None else risk.theta
            case Column.MARKET_MID:
                market = self._market(leg)
                return None if market is None else market.mid
            case Column.MARKET_IV:
                market = self._market(leg)
                return (
                    None if market is None or market.market_iv is None else market.market_iv * 100
                )
        return None  # pragma: no cover

    def setData(  # noqa: N802
        self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        if role != Qt.ItemDataRole.EditRole or not self.checkIndex(
            index, self.CheckIndexOption.IndexIsValid
        ):
            return False
        column = Column(index.column())
        if column not in INPUT_COLUMNS:
            return False
        leg = self.leg_at(index.row())
        try:
            parsed = self._parse(leg, column, value)
            new_leg = leg.with_changes(**{_FIELD[column]: parsed})
            if new_leg == leg:
                if self._refused.pop((leg.id, column), None) is not None:
                    self.dataChanged.emit(index, index)
                return True
            edit = with_leg(self._document.plan, new_leg)
        except (ValidationError, ValueError) as exc:
            message = f"Leg {leg.id}: {validation_message(exc)}"
            self._refused[(leg.id, column)] = message
            self.dataChanged.emit(index, index)
            self.rejected.emit(message)
            return False
        if self._refused.pop((leg.id, column), None) is not None:
            self.dataChanged.emit(index, index)
        description = f"Set {leg.id} {HEADERS[column].lower()}"
        if edit.entry_reset:
            price = edit.plan.leg(leg.id).entry_price
            description += f", entry reset to model {_fmt(price or 0.0, 2)}"
        self._document.push_plan(edit.plan, description)
        if edit.entry_reset:
            self.entry_reset.emit(
                f"{leg.id}: entry price {_fmt(edit.entry_reset_from or 0.0, 2)} was for the old "
                f"contract; reset to the new model price {_fmt(price or 0.0, 2)} (Ctrl+Z undoes)"
            )
        return True

    @staticmethod
    def _parse(leg: Leg, column: Column, value: Any) -> Any:
        field = _FIELD[column]
        match column:
            case Column.GROUP:
                return _parse_enum(Group, value, field)
            case Column.UNDERLYING:
                return _parse_enum(Underlying, value, field)
            case Column.RIGHT:
                return _parse_enum(Right, value, field)
            case Column.QUANTITY:
                return _parse_int(value, field)
            case Column.STRIKE:
                return _parse_float(value, field)
            case Column.EXPIRY:
                return _parse_date(value, field)
            case Column.ENTRY_PRICE:
                return _parse_optional_float(value, field)
            case Column.IV_PCT:
                pct = _parse_optional_float(value, "IV %")
                return None if pct is None else pct / 100.0
        raise ValueError(f"{HEADERS[column]} is read-only")  # pragma: no cover

    # -- row actions (each one undo step) ------------------------------------------------

    def new_leg_id(self, stem: str = "leg") -> str:
        taken = set(self._ids)
        number = len(self._ids) + 1
        while f"{stem}-{number}" in taken:
            number += 1
        return f"{stem}-{number}"

    def add_leg(self, template: Leg | None = None) -> str:
        """Append a leg (a copy of `template`, or a 1-lot ATM SPX put); returns its id."""
        plan = self._document.plan
        if template is None:
            expiries = [leg.expiry for leg in plan.legs if leg.group is Group.CONDOR]
            expiry = max(expiries) if expiries else plan.valuation_date + dt.timedelta(days=45)
            strike = snap_spx_strike(plan.market.spx)
            template = Leg(
                id="new",
                underlying=Underlying.SPX,
                right=Right.PUT,
                quantity=1,
                strike=strike,
                expiry=expiry,
                group=Group.OTHER,
            )
        new_id = self.new_leg_id()
        leg = template.with_changes(id=new_id)
        return new_id if self._push_legs((*plan.legs, leg), f"Add leg {new_id}") else ""

    def duplicate_legs(self, leg_ids: list[str]) -> list[str]:
        plan = self._document.plan
        wanted = [leg for leg in plan.legs if leg.id in set(leg_ids)]
        if not wanted:
            return []
        copies: list[Leg] = []
        taken = set(self._ids)
        for leg in wanted:
            number = 2
            while f"{leg.id}-{number}" in taken:
                number += 1
            new_id = f"{leg.id}-{number}"[:64]
            taken.add(new_id)
            copies.append(leg.with_changes(id=new_id))
        what = copies[0].id if len(copies) == 1 else f"{len(copies)} legs"
        self._push_legs((*plan.legs, *copies), f"Duplicate {what}")
        return [leg.id for leg in copies]

    def remove_legs(self, leg_ids: list[str]) -> bool:
        plan = self._document.plan
        doomed = set(leg_ids)
        kept = tuple(leg for leg in plan.legs if leg.id not in doomed)
        removed = len(plan.legs) - len(kept)
        if removed == 0:
            return False
        what = next(iter(doomed)) if removed == 1 else f"{removed} legs"
        return self._push_legs(kept, f"Delete {what}")

    def _push_legs(self, legs: tuple[Leg, ...], description: str) -> bool:
        try:
            new_plan = self._document.plan.with_changes(legs=legs)
        except ValidationError as exc:
            self.rejected.emit(validation_message(exc))
            return False
        return self._document.push_plan(new_plan, description)

    # -- document signals ----------------------------------------------------------------

    def _on_plan_changed(self, plan: Plan) -> None:
        if plan.legs == self._shown_legs and plan.valuation_date == self._shown_date:
            return
        live = {leg.id for leg in plan.legs}
        self._refused = {key: m for key, m in self._refused.items() if key[0] in live}
        self._shown_legs, self._shown_date = plan.legs, plan.valuation_date
        ids = [leg.id for leg in plan.legs]
        if ids == self._ids:
            self._emit_all_changed()
            self.inputs_changed.emit()
            return
        if ids[: len(self._ids)] == self._ids:
            first = len(self._ids)
            self.beginInsertRows(QModelIndex(), first, len(ids) - 1)
            self._ids = ids
            self.endInsertRows()
            return
        self.beginResetModel()
        self._ids = ids
        self.endResetModel()

    def totals_text(self) -> str:
        """The position's totals line under the table (whole position, dollars)."""
        report = self._document.report
        if report is None:
            return ""
        total = report.total
        credit = report.net_credit_usd
        side = "credit" if credit >= 0 else "debit"
        return "  ·  ".join(
            (
                f"Total of {len(report.legs)} legs",
                f"net {side} {fmt_usd(abs(credit))}",
                f"market value {fmt_usd(total.market_value_usd, sign=True)}",
                f"P&L {fmt_usd(total.pnl_usd, sign=True)}",
                f"SPX Δ {fmt_usd(total.spx_delta_usd, sign=True)}/pt",
                f"θ {fmt_usd(total.theta_usd, sign=True)}/day",
            )
        )

    def _on_report(self, report: Report) -> None:
        self._risk = {risk.id: risk for risk in report.legs}
        figures = tuple((r.model_price_pts, r.iv, r.delta, r.theta) for r in report.legs)
        if figures == self._shown_figures:
            return
        self._shown_figures = figures
        # Only the columns that show model figures (entry/IV fall back to the model's) change.
        if self._ids:
            self.dataChanged.emit(
                self.index(0, Column.ENTRY_PRICE), self.index(len(self._ids) - 1, Column.THETA)
            )

    def _emit_all_changed(self) -> None:
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(Column) - 1))
