"""Market inputs and model parameters: every field edit is one undo step on the document.

The fields are bound through `planner.ui.fields` (path, scale, label, and the red outline with
the reason when the plan refuses a value), like the Layers dock's settings.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
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
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QCheckBox,
    QDateEdit,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from planner.engine.types import AtmReference, SpotVolPreset
from planner.model.market_edits import with_spot_vix
from planner.model.plan import FuturePoint, Plan
from planner.present.formatting import fmt_expiry, fmt_num
from planner.ui.document import PlanDocument, validation_message
from planner.ui.fields import FieldBinder, FieldSpec, ViewOnlyChanges, guard_wheel, set_path
from planner.ui.plain_text import escape

if TYPE_CHECKING:
    from planner.engine.report import Report, TermStructure

AnyIndex = QModelIndex | QPersistentModelIndex

VIX_KEY = "market.vix"
_DATE_TIP = "Valuation date of the plan"
_PRESET_NAMES = {SpotVolPreset.TYPICAL: "Typical day", SpotVolPreset.STRESS: "Stress (fast shock)"}
VIX9D_PATH = ("market", "vix9d")
_VIX9D_TIP = (
    "Cboe's 9-day VIX (VIX9D), optional. On, the default SPX smile's ATM for expiries under 30 "
    "days is read off VIX9D and spot VIX (variance interpolated in time) instead of spot VIX "
    "alone: one-week smiles around CPI or an FOMC meeting trade nearer VIX9D.\n"
    "Off: spot VIX to 30 days. Legs with their own IV are not affected."
)
_ATM_REFERENCE_NAMES = {
    AtmReference.TERM: "VIX term vol",
    AtmReference.FUTURE: "VIX future at expiry",
}

MARKET_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(("market", "spx"), "SPX", 2, 5.0, maximum=1e7, tooltip="SPX index level"),
    FieldSpec(
        ("market", "rate"), "Rate %", 3, 0.05, 100.0, -100, 100, "Risk-free rate, cont. comp."
    ),
    FieldSpec(("market", "dividend_yield"), "Dividend yield %", 3, 0.05, 100.0, -100, 100),
    FieldSpec(("market", "vix"), "VIX", 2, 0.5, tooltip="Spot VIX"),
    FieldSpec(("capital_usd",), "Capital $", 0, 10_000.0, maximum=1e13),
)


def _preset_fields(preset: str) -> tuple[FieldSpec, ...]:
    return (
        FieldSpec(("model", preset, "k_down"), "k down", 2, 0.1, tooltip="VIX pts per 1 % fall"),
        FieldSpec(("model", preset, "k_up"), "k up", 2, 0.1, tooltip="VIX pts per 1 % rise"),
        FieldSpec(("model", preset, "beta_a"), "beta a", 3, 0.05, tooltip="Futures beta, 1 week"),
        FieldSpec(("model", preset, "beta_p"), "beta p", 3, 0.05, tooltip="Beta decay exponent"),
        FieldSpec(
            ("model", preset, "beta_max"),
            "beta cap",
            3,
            0.01,
            tooltip="Most of a spot move a future takes before its expiry (1 = all of it)",
        ),
        FieldSpec(
            ("model", preset, "beta_reversion_per_year"),
            "beta reversion /yr",
            2,
            0.5,
            tooltip="kappa: a spike is expected to decay as exp(-kappa x years) by expiry",
        ),
        FieldSpec(
            ("model", preset, "beta_basis_sensitivity"),
            "beta contango damping",
            2,
            0.1,
            tooltip="c: the futures beta is scaled by 1 - c x (future - spot VIX) / spot VIX",
        ),
    )


ADVANCED_FIELDS: tuple[FieldSpec, ...] = (
    *_preset_fields("typical"),
    *_preset_fields("stress"),
    FieldSpec(("model", "vix_floor"), "VIX floor", 2, 0.5),
    FieldSpec(("model", "spx_vol_response_exponent"), "SPX vol response exp.", 3, 0.05),
    FieldSpec(("model", "spx_vol_floor"), "SPX vol floor %", 2, 0.5, 100.0),
    FieldSpec(("model", "vov30"), "Vol of vol 30d %", 1, 1.0, 100.0),
    FieldSpec(("model", "vov_term_exponent"), "VoV term exp.", 3, 0.05),
    FieldSpec(("model", "vov_skew"), "VoV skew", 3, 0.05),
    FieldSpec(("model", "vov_scale_exponent"), "VoV scale exp.", 3, 0.05),
    FieldSpec(("model", "vov_scale_cap"), "VoV scale cap", 2, 0.1),
    FieldSpec(("model", "atm_iv_ratio"), "ATM IV / VIX", 3, 0.01),
    FieldSpec(
        ("model", "atm_level_exponent"),
        "ATM / VIX level exp.",
        3,
        0.05,
        tooltip="The ATM share of the VIX level (see 'ATM off') scales with (that level / 20)^this",
    ),
    FieldSpec(("model", "atm_ratio_floor"), "ATM / VIX floor", 3, 0.01),
    FieldSpec(("model", "atm_ratio_cap"), "ATM / VIX cap", 3, 0.01),
    FieldSpec(("model", "put_skew"), "Put skew (vol pts)", 2, 0.5),
    FieldSpec(("model", "call_skew"), "Call skew (vol pts)", 2, 0.5),
    FieldSpec(("model", "put_curvature"), "Put curvature", 3, 0.1, tooltip="Vol pts per z²"),
    FieldSpec(("model", "call_curvature"), "Call curvature", 3, 0.1, tooltip="Vol pts per z²"),
    FieldSpec(
        ("model", "skew_term_exponent"),
        "Skew term exp.",
        3,
        0.05,
        tooltip="The skew scales with (days / 30)^this",
    ),
    FieldSpec(
        ("model", "skew_level_exponent"),
        "Skew level exp.",
        3,
        0.05,
        tooltip="The skew scales with (ATM vol / 20 %)^this",
    ),
    FieldSpec(
        ("model", "skew_level_cap_atm"),
        "Skew level cap (ATM)",
        2,
        0.01,
        tooltip="Past this ATM vol (0.20 = 20 %) the skew stops growing faster than ATM",
    ),
    FieldSpec(
        ("model", "call_wing_z"),
        "Call wing flat past z",
        3,
        0.05,
        tooltip="Past this many ATM standard deviations above the forward the call side stays flat",
    ),
)


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


class FuturesTableModel(QAbstractTableModel):
    """The VIX futures curve as (expiry, price) rows, sorted by expiry like the plan."""

    rejected = Signal(str)
    HEADERS = ("Expiry", "Future")

    def __init__(self, document: PlanDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self._points = document.plan.market.futures
        self._shown_date = document.plan.valuation_date
        document.plan_changed.connect(self._on_plan_changed)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._points)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else 2

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < 2
        ):
            return self.HEADERS[section]
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self.checkIndex(index, self.CheckIndexOption.IndexIsValid):
            return None
        point = self._points[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                days = (point.expiry - self._document.plan.valuation_date).days
                return fmt_expiry(point.expiry, days)
            return fmt_num(point.price, 2)
        if role == Qt.ItemDataRole.EditRole:
            return _qdate(point.expiry) if index.column() == 0 else point.price
        return None

    def setData(  # noqa: N802
        self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        if role != Qt.ItemDataRole.EditRole or not self.checkIndex(
            index, self.CheckIndexOption.IndexIsValid
        ):
            return False
        row = index.row()
        point = self._points[row]
        try:
            if index.column() == 0:
                if isinstance(value, QDate):
                    new_point = point.with_changes(expiry=_pydate(value))
                else:
                    new_point = point.with_changes(expiry=dt.date.fromisoformat(str(value)))
            else:
                new_point = point.with_changes(price=float(value))
            points = tuple(new_point if i == row else p for i, p in enumerate(self._points))
            new_plan = set_path(self._document.plan, ("market", "futures"), points)
        except (ValidationError, ValueError, TypeError) as exc:
            self.rejected.emit(f"VIX future: {validation_message(exc)}")
            return False
        self._document.push_plan(new_plan, f"Edit VIX future {point.expiry.isoformat()}")
        return True

    def add_point(self) -> bool:
        plan = self._document.plan
        if self._points:
            last = self._points[-1]
            # A month further out, a little higher: the shape of a typical contango curve.
            point = FuturePoint(
                expiry=last.expiry + dt.timedelta(days=28), price=round(last.price + 0.5, 2)
            )
        else:
            point = FuturePoint(
                expiry=plan.valuation_date + dt.timedelta(days=30),
                price=round(plan.market.vix + 1.5, 2),
            )
        return self._push((*self._points, point), f"Add VIX future {point.expiry.isoformat()}")

    def remove_rows(self, rows: list[int]) -> bool:
        doomed = {r for r in rows if 0 <= r < len(self._points)}
        if not doomed:
            return False
        kept = tuple(p for i, p in enumerate(self._points) if i not in doomed)
        return self._push(kept, "Remove VIX future" + ("s" if len(doomed) > 1 else ""))

    def _push(self, points: tuple[FuturePoint, ...], description: str) -> bool:
        try:
            new_plan = set_path(self._document.plan, ("market", "futures"), points)
        except ValidationError as exc:
            self.rejected.emit(f"VIX futures: {validation_message(exc)}")
            return False
        return self._document.push_plan(new_plan, description)

    def _on_plan_changed(self, plan: Plan) -> None:
        points = plan.market.futures
        if points == self._points and plan.valuation_date == self._shown_date:
            return
        self._shown_date = plan.valuation_date
        if len(points) == len(self._points):
            self._points = points
            if points:
                self.dataChanged.emit(self.index(0, 0), self.index(len(points) - 1, 1))
            return
        self.beginResetModel()
        self._points = points
        self.endResetModel()


class MarketPanel(QWidget):
    """Valuation date, market levels, the VIX futures curve and the model's parameters."""

    rejected = Signal(str)

    def __init__(self, document: PlanDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self.fields = FieldBinder(document, self)
        self.fields.rejected.connect(self.rejected)
        self.spin_boxes = self.fields.spin_boxes

        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.valuation_date = QDateEdit()
        self.valuation_date.setCalendarPopup(True)
        self.valuation_date.setDisplayFormat("yyyy-MM-dd")
        self.valuation_date.setKeyboardTracking(False)
        self.valuation_date.dateChanged.connect(self._on_valuation_date)
        self.fields.set_tooltip(self.valuation_date, _DATE_TIP)
        form.addRow("Valuation date", self.valuation_date)
        for spec in MARKET_FIELDS:
            on_value = self._edit_spot_vix if spec.key == VIX_KEY else None
            form.addRow(spec.label, self.fields.spin(spec, on_value))
            if spec.key == VIX_KEY:
                self.futures_follow = QCheckBox("Futures follow")
                self.futures_follow.setObjectName("futuresFollowVix")
                self.futures_follow.setChecked(True)
                self.futures_follow.setToolTip(
                    "On: a spot VIX edit moves every VIX future by beta(days left) times the "
                    "change, as the curves' spot-vol preset says (one undo step).\n"
                    "Off: only spot VIX changes; the futures the VIX calls price on stay."
                )
                form.addRow("", self.futures_follow)
                form.addRow("VIX9D", self._vix9d_row())
        self.vix_edit_note = QLabel("")
        self.vix_edit_note.setObjectName("vixEditNote")
        self.vix_edit_note.setTextFormat(Qt.TextFormat.PlainText)
        self.vix_edit_note.setWordWrap(True)
        self._vix_note_for: float | None = None
        form.addRow(self.vix_edit_note)
        layout.addLayout(form)

        curve_box = QGroupBox("VIX futures curve")
        curve_layout = QVBoxLayout(curve_box)
        self.term_label = QLabel()
        self.term_label.setTextFormat(Qt.TextFormat.RichText)
        self.term_label.setObjectName("termStructureLabel")
        # Wrapped, so the dock can be narrow on a small screen.
        self.term_label.setWordWrap(True)
        curve_layout.addWidget(self.term_label)
        self.curve_plot = pg.PlotWidget()
        self.curve_plot.setMinimumHeight(120)
        self.curve_plot.setMaximumHeight(180)
        self.curve_plot.setMenuEnabled(False)
        self.curve_plot.setMouseEnabled(x=False, y=False)
        self.curve_plot.hideButtons()
        self.curve_plot.setLabel("bottom", "days")
        self.curve_item = self.curve_plot.plot([], [], pen=pg.mkPen(width=2), symbol="o")
        self.curve_item.setSymbolSize(5)
        curve_layout.addWidget(self.curve_plot)
        self.futures_model = FuturesTableModel(document, self)
        self.futures_model.rejected.connect(self.rejected)
        self.futures_view = QTableView()
        self.futures_view.setModel(self.futures_model)
        self.futures_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # The expiry ("2026-12-16 (26d)") takes what the price ("17.70") leaves: one line each
        # in a narrow dock.
        header = self.futures_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.futures_view.verticalHeader().setVisible(False)
        self.futures_view.setMaximumHeight(170)
        curve_layout.addWidget(self.futures_view)
        buttons = QHBoxLayout()
        self.add_future_button = QPushButton("Add point")
        self.add_future_button.clicked.connect(self.futures_model.add_point)
        self.remove_future_button = QPushButton("Remove")
        self.remove_future_button.clicked.connect(self._remove_selected_futures)
        buttons.addWidget(self.add_future_button)
        buttons.addWidget(self.remove_future_button)
        buttons.addStretch(1)
        curve_layout.addLayout(buttons)
        layout.addWidget(curve_box)

        preset_form = QFormLayout()
        self.preset_combo = self.fields.combo(
            ("model", "curve_preset"),
            [(_PRESET_NAMES[preset], preset.value) for preset in SpotVolPreset],
            "Spot-vol preset used for the payoff curves and greeks",
            on_choice=self._on_preset,
        )
        preset_form.addRow("Curves preset", self.preset_combo)
        layout.addLayout(preset_form)

        self.advanced_toggle = QToolButton()
        self.advanced_toggle.setText("Advanced model parameters")
        self.advanced_toggle.setCheckable(True)
        self.advanced_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced_toggle.toggled.connect(self._on_advanced_toggled)
        layout.addWidget(self.advanced_toggle)
        self.advanced = QWidget()
        advanced_form = QFormLayout(self.advanced)
        # A long label ("Stress beta reversion /yr") goes above its box in a narrow dock rather
        # than pushing the box past the dock's edge.
        advanced_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        advanced_form.setContentsMargins(12, 0, 0, 0)
        self.atm_reference_combo = self.fields.combo(
            ("model", "atm_reference"),
            [(_ATM_REFERENCE_NAMES[reference], reference.value) for reference in AtmReference],
            "What VIX level the default SPX smile's ATM vol is a share of (ATM IV / VIX).\n"
            "Term vol: spot VIX for an option's first 30 days, the VIX futures strip after "
            "them (plans from version 5).\nFuture at expiry: the VIX future at the option's "
            "expiry (plans saved before version 5).",
            on_choice=self._on_atm_reference,
        )
        advanced_form.addRow("ATM off", self.atm_reference_combo)
        for spec in ADVANCED_FIELDS:
            label = spec.label
            if spec.path[1] in (SpotVolPreset.TYPICAL.value, SpotVolPreset.STRESS.value):
                label = f"{spec.path[1].capitalize()} {label}"
            advanced_form.addRow(label, self.fields.spin(spec))
        self.advanced.setVisible(False)
        layout.addWidget(self.advanced)
        layout.addStretch(1)
        guard_wheel(self)

        self._shown_term: TermStructure | None = None
        self._view_only = ViewOnlyChanges(document.plan)
        document.plan_changed.connect(self._on_plan_changed)
        document.report_ready.connect(self.set_report)
        self.refresh(document.plan)
        if document.report is not None:
            self.set_report(document.report)

    def _vix9d_row(self) -> QWidget:
        """Cboe's 9-day VIX: off (the smile's short end is spot VIX) or a value."""
        row = QWidget()
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        self.vix9d_on = QCheckBox()
        self.vix9d_on.setObjectName("market.vix9d.on")
        self.vix9d_on.setToolTip("VIX9D: on / off")
        self.vix9d_spin = QDoubleSpinBox()
        self.vix9d_spin.setObjectName("market.vix9d")
        self.vix9d_spin.setDecimals(2)
        self.vix9d_spin.setRange(0.01, 500.0)
        self.vix9d_spin.setSingleStep(0.5)
        self.vix9d_spin.setKeyboardTracking(False)
        self.vix9d_spin.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToPreviousValue)
        self.fields.set_tooltip(self.vix9d_spin, _VIX9D_TIP)
        self.fields.set_tooltip(self.vix9d_on, _VIX9D_TIP)
        self.vix9d_on.toggled.connect(self._on_vix9d_toggled)
        self.vix9d_spin.valueChanged.connect(self._on_vix9d_value)
        self.vix9d_spin.editingFinished.connect(self._document.seal_merge)
        box.addWidget(self.vix9d_on)
        box.addWidget(self.vix9d_spin, 1)
        return row

    # -- edits ---------------------------------------------------------------------------

    def _on_vix9d_toggled(self, on: bool) -> None:
        self.vix9d_spin.setEnabled(on)
        value = round(float(self.vix9d_spin.value()), 2) if on else None
        self.fields.edit(
            VIX9D_PATH,
            value,
            "VIX9D",
            self.vix9d_spin,
            merge=False,
            description=f"VIX9D {value:.2f}" if value is not None else "VIX9D off",
        )

    def _on_vix9d_value(self, value: float) -> None:
        if self.vix9d_on.isChecked():
            self.fields.edit(VIX9D_PATH, round(float(value), 2), "VIX9D", self.vix9d_spin)

    def _edit_spot_vix(self, vix: float) -> bool:
        spin = self.spin_boxes[VIX_KEY]
        follow = self.futures_follow.isChecked()
        market = self._document.plan.market
        if follow and market.futures:
            what = "futures follow"
        elif follow and market.vix9d is not None:
            what = "VIX9D follows"  # no curve to move, but the 9-day VIX moves with spot
        else:
            what = "spot only"
        # The two kinds never merge into one step: each says what it did.
        merge_key = f"{VIX_KEY}.{what}"
        try:
            edit = with_spot_vix(self._document.merge_base(merge_key), vix, futures_follow=follow)
        except ValidationError as exc:
            self.fields.refuse_error(spin, "VIX", exc)
            return False
        pushed = self.fields.push(edit.plan, f"Set VIX ({what})", spin, merge_key)
        if pushed:
            self._vix_note_for = edit.plan.market.vix
            self.vix_edit_note.setText(edit.description)
        return pushed

    def _on_valuation_date(self, day: QDate) -> None:
        self.fields.edit(("valuation_date",), _pydate(day), "Valuation date", self.valuation_date)

    def _on_preset(self, value: str) -> None:
        preset = SpotVolPreset(value)
        self.fields.edit(
            ("model", "curve_preset"),
            preset,
            "curves preset",
            self.preset_combo,
            merge=False,
            description=f"Curves preset: {preset.value}",
        )

    def _on_atm_reference(self, value: str) -> None:
        reference = AtmReference(value)
        self.fields.edit(
            ("model", "atm_reference"),
            reference,
            "ATM reference",
            self.atm_reference_combo,
            merge=False,
            description=f"ATM off the {_ATM_REFERENCE_NAMES[reference]}",
        )

    def _remove_selected_futures(self) -> None:
        rows = sorted({i.row() for i in self.futures_view.selectionModel().selectedRows()})
        if rows:
            self.futures_model.remove_rows(rows)

    def _on_advanced_toggled(self, shown: bool) -> None:
        self.advanced.setVisible(shown)
        self.advanced_toggle.setArrowType(
            Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        )

    # -- document → widgets --------------------------------------------------------------

    def _on_plan_changed(self, plan: Plan) -> None:
        if self._view_only.is_news(plan, self):
            self.refresh(plan)

    def refresh(self, plan: Plan) -> None:
        """Show `plan`'s values without echoing them back as edits."""
        if self._vix_note_for is not None and plan.market.vix != self._vix_note_for:
            # Undone, or another plan: the note no longer describes the VIX shown.
            self._vix_note_for = None
            self.vix_edit_note.setText("")
        self.fields.refresh(plan)
        vix9d = plan.market.vix9d
        for widget in (self.vix9d_on, self.vix9d_spin):
            widget.blockSignals(True)
        self.vix9d_on.setChecked(vix9d is not None)
        # Off, the box offers spot VIX as the value to start from.
        self.vix9d_spin.setValue(plan.market.vix if vix9d is None else vix9d)
        self.vix9d_spin.setEnabled(vix9d is not None)
        for widget in (self.vix9d_on, self.vix9d_spin):
            widget.blockSignals(False)
        self.fields.accept(self.vix9d_spin)
        date = _qdate(plan.valuation_date)
        if self.valuation_date.date() != date:
            self.valuation_date.blockSignals(True)
            self.valuation_date.setDate(date)
            self.valuation_date.blockSignals(False)
        self.fields.accept(self.valuation_date)

    def set_report(self, report: Report) -> None:
        term = report.term_structure
        shown = self._shown_term
        if (
            shown is not None
            and np.array_equal(shown.days, term.days)
            and np.array_equal(shown.futures, term.futures)
            and shown.slope_pts_per_month == term.slope_pts_per_month
            and shown.front_basis_pts == term.front_basis_pts
            and shown.state == term.state
        ):
            # The curve did not move (a horizon drag): do not re-plot it.
            return
        self._shown_term = term
        self.curve_item.setData(term.days, term.futures)
        slope = fmt_num(term.slope_pts_per_month, 2, sign=True)
        basis = fmt_num(term.front_basis_pts, 2, sign=True)
        self.term_label.setText(
            f"<b>{escape(term.state.capitalize())}</b> · slope {slope} pts/month"
            f" · front basis {basis}"
        )
