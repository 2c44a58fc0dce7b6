"""File > Import > Option chain...: market columns, chain line, entry prices at mid, condor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QSettings, Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from planner.engine.types import Group, Right, Underlying
from planner.model.plan import FuturePoint, Market, Plan
from planner.ui.condor_dialog import CondorDialog
from planner.ui.document import PlanDocument
from planner.ui.legs_model import MARKET_COLUMNS, Column
from planner.ui.main_window import MainWindow
from tests.legs import spx_leg, vix_call
from tests.shared_data import FEB_2022_CHAIN, needs_chain

CHAIN = FEB_2022_CHAIN
EXPIRY = dt.date(2022, 3, 18)


def feb_plan(valuation: dt.date = dt.date(2022, 2, 4)) -> Plan:
    legs = [
        spx_leg(name, right, qty, strike, EXPIRY, entry=1.0)
        for name, right, qty, strike in (
            ("long_put", Right.PUT, 1, 4100.0),
            ("short_put", Right.PUT, -1, 4150.0),
            ("short_call", Right.CALL, -1, 4750.0),
            ("long_call", Right.CALL, 1, 4800.0),
        )
    ]
    legs.append(vix_call("near", Group.NEAR, 4, 30.0, dt.date(2022, 3, 15)))
    return Plan(
        name="Feb 2022",
        valuation_date=valuation,
        capital_usd=200_000.0,
        market=Market(
            spx=4500.53,
            rate=0.002,
            dividend_yield=0.014,
            vix=23.22,
            futures=(
                FuturePoint(expiry=dt.date(2022, 2, 16), price=24.261),
                FuturePoint(expiry=dt.date(2022, 3, 15), price=25.148),
                FuturePoint(expiry=dt.date(2022, 4, 20), price=25.704),
            ),
        ),
        legs=tuple(legs),
    )


@pytest.fixture
def feb_document(qtbot: QtBot) -> Iterator[PlanDocument]:
    doc = PlanDocument(feb_plan())
    qtbot.waitUntil(lambda: doc.report is not None, timeout=10_000)
    yield doc
    doc.stop()


@pytest.fixture
def feb_window(qtbot: QtBot, feb_document: PlanDocument, tmp_path: Path) -> Iterator[MainWindow]:
    settings = QSettings(str(tmp_path / "chain.ini"), QSettings.Format.IniFormat)
    win = MainWindow(feb_document, settings)
    qtbot.addWidget(win)
    win.chain_importer.show_dialogs = False
    win.show()
    yield win
    win.chain_importer.shutdown()
    win.close()
    win.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def load(qtbot: QtBot, win: MainWindow, path: Path) -> None:
    win.chain_importer.load_path(path)
    qtbot.waitUntil(lambda: win.document.chain is not None, timeout=20_000)


def test_market_columns_hidden_without_a_chain(feb_window: MainWindow) -> None:
    table = feb_window.position_editor.table
    assert all(table.isColumnHidden(c) for c in MARKET_COLUMNS)
    assert not feb_window.market_mid_action.isEnabled()
    assert feb_window.chain_info.isHidden()


@needs_chain
def test_import_shows_the_chain_and_the_market_beside_the_model(
    qtbot: QtBot, feb_window: MainWindow
) -> None:
    load(qtbot, feb_window, CHAIN)
    info = feb_window.chain_info
    assert not info.isHidden()
    assert info.textFormat() == Qt.TextFormat.PlainText
    assert "quotes of 2022-02-04 (2022-02-05 20:09 ET)" in info.text()
    assert "SPX 4,500.53 (close)" in info.text()
    assert "STALE" not in info.text()
    table = feb_window.position_editor.table
    assert not any(table.isColumnHidden(c) for c in MARKET_COLUMNS)
    model = feb_window.legs_model
    row = model.row_of("short_put")
    mid = model.index(row, Column.MARKET_MID).data(Qt.ItemDataRole.EditRole)
    market_iv = model.index(row, Column.MARKET_IV).data(Qt.ItemDataRole.EditRole)
    chain = feb_window.document.chain
    assert chain is not None
    quote = chain.leg_market(feb_window.document.plan.leg("short_put"))
    assert quote.mid is not None and quote.market_iv is not None
    assert mid == pytest.approx(quote.mid)
    assert market_iv == pytest.approx(100 * quote.market_iv)
    assert model.index(row, Column.MARKET_MID).data() == f"{quote.mid:,.2f}"
    tooltip = model.index(row, Column.MARKET_MID).data(Qt.ItemDataRole.ToolTipRole)
    assert "SPXW: quoted" in tooltip and "width" in tooltip
    vix_row = model.row_of("near")
    assert model.index(vix_row, Column.MARKET_MID).data() == ""
    assert feb_window.market_mid_action.isEnabled()


@needs_chain
def test_stale_chain_is_flagged(qtbot: QtBot, feb_window: MainWindow) -> None:
    load(qtbot, feb_window, CHAIN)
    doc = feb_window.document
    doc.push_plan(doc.plan.with_changes(valuation_date=dt.date(2022, 2, 7)), "Later")
    assert "STALE: the plan is valued on 2022-02-07" in feb_window.chain_info.text()
    doc.undo_stack.undo()
    assert "STALE" not in feb_window.chain_info.text()


@needs_chain
def test_entry_prices_to_market_mid_is_one_undo_step(qtbot: QtBot, feb_window: MainWindow) -> None:
    load(qtbot, feb_window, CHAIN)
    doc = feb_window.document
    before = doc.plan
    steps = doc.undo_stack.count()
    feb_window.market_mid_action.trigger()
    assert doc.undo_stack.count() == steps + 1
    chain = doc.chain
    assert chain is not None
    for leg in doc.plan.legs:
        if leg.underlying is Underlying.SPX:
            mid = chain.leg_market(leg).mid
            assert mid is not None
            assert leg.entry_price == pytest.approx(mid)
        else:
            assert leg == before.leg(leg.id)
    doc.undo_stack.undo()
    assert doc.plan == before


def test_bad_chain_is_one_dialog_and_the_plan_is_untouched(
    qtbot: QtBot, feb_window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[tuple[str, Qt.TextFormat]] = []

    def fake_exec(box: QMessageBox) -> int:
        shown.append((box.text(), box.textFormat()))
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    bad = tmp_path / "chain.csv"
    bad.write_text(
        "Standard & Poors 500 Index,Last: 4500\n"
        '"Date: February 4, 2022, 4:20 PM EST"\n'
        "Expiration Date,Calls,Bid,Ask,Strike,Puts,Bid,Ask\n"
        "Fri Mar 18 2022,SPXW220318C04400000,1,2,<b>x</b>,SPXW220318P04400000,1,2\n",
        encoding="utf-8",
    )
    failures: list[str] = []
    feb_window.chain_importer.failed.connect(failures.append)
    feb_window.chain_importer.show_dialogs = True
    before = feb_window.document.plan
    feb_window.chain_importer.load_path(bad)
    qtbot.waitUntil(lambda: bool(failures), timeout=20_000)
    assert failures == ["chain.csv: line 4: Strike '<b>x</b>' is not a number"]
    assert shown == [(failures[0], Qt.TextFormat.PlainText)]
    assert feb_window.document.plan == before
    assert feb_window.document.chain is None


@needs_chain
def test_the_last_import_wins(qtbot: QtBot, feb_window: MainWindow, tmp_path: Path) -> None:
    bad = tmp_path / "empty.csv"
    bad.write_text("nothing here\n", encoding="utf-8")
    failures: list[str] = []
    feb_window.chain_importer.failed.connect(failures.append)
    feb_window.chain_importer.load_path(bad)
    load(qtbot, feb_window, CHAIN)
    assert feb_window.chain_importer.wait()
    QCoreApplication.processEvents()
    assert failures == []


@needs_chain
def test_new_condor_picks_strikes_by_market_delta(qtbot: QtBot, feb_window: MainWindow) -> None:
    doc = feb_window.document
    model_dialog = CondorDialog(doc)
    qtbot.addWidget(model_dialog)
    assert model_dialog.market_source is None
    assert "model's delta" in model_dialog.preview.text()
    load(qtbot, feb_window, CHAIN)
    dialog = CondorDialog(doc)
    qtbot.addWidget(dialog)
    dialog.days_spin.setValue(42)
    proposal = dialog.proposal
    assert proposal is not None
    chain = doc.chain
    assert chain is not None
    assert proposal.expiry in {s.expiry for s in chain.expiries}
    assert abs((proposal.expiry - doc.plan.valuation_date).days - 42) <= 3
    assert proposal.strikes.short_put_delta == pytest.approx(-0.16, abs=0.01)
    assert proposal.strikes.short_call_delta == pytest.approx(0.16, abs=0.01)
    assert "market delta, chain spx_quotedata_2022-02-04.csv (2022-02-04)" in (
        dialog.preview.text()
    )
    # Every leg of the proposal is a listed contract with a two-sided quote.
    for leg in proposal.plan.legs:
        if leg.group is Group.CONDOR:
            assert chain.leg_market(leg).status == "quoted", leg.id


@needs_chain
def test_price_at_the_chain_smile_is_one_undo_step(qtbot: QtBot, feb_window: MainWindow) -> None:
    assert not feb_window.chain_smile_action.isEnabled()
    load(qtbot, feb_window, CHAIN)
    doc = feb_window.document
    before = doc.plan
    index = doc.undo_stack.index()
    feb_window.chain_smile_action.trigger()
    assert doc.undo_stack.index() == index + 1
    chain = doc.chain
    assert chain is not None
    for leg in doc.plan.legs:
        old = before.leg(leg.id)
        if leg.underlying is Underlying.SPX and old.iv is None:
            assert leg.iv == pytest.approx(chain.leg_market(old).smile_iv)
        else:
            assert leg == old
    doc.undo_stack.undo()
    assert doc.plan == before
