"""Fixtures for every test: no modal dialog may ever block a headless run."""

from __future__ import annotations

import sys

import pytest


@pytest.fixture(autouse=True)
def no_blocking_message_boxes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """A modal QMessageBox would hang a headless test: answer Discard/Ok and record the text.

    Closing a window with unsaved changes asks Save/Discard/Cancel (file_actions.py); tests that
    check a prompt patch `QMessageBox.question` themselves, which overrides this default.
    """
    shown: list[tuple[str, str]] = []
    if "PySide6.QtWidgets" not in sys.modules:
        return shown  # engine and model tests never load Qt
    from PySide6.QtWidgets import QMessageBox

    def question(_parent: object, title: str, text: str, *_a: object, **_k: object) -> object:
        shown.append((title, text))
        return QMessageBox.StandardButton.Discard

    def inform(_parent: object, title: str, text: str, *_a: object, **_k: object) -> object:
        shown.append((title, text))
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    for name in ("critical", "warning", "information"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(inform))
    return shown
