"""Text from a plan or a file reaches the screen as plain text, never as rich text.

Qt guesses whether a label's, tooltip's or message box's string is HTML (`QtGui.Qt.mightBeRichText`:
a known tag on the first line). A plan named `<img src='/dev/zero'>` would then make Qt open and
read that file while laying the widget out — a FIFO blocks the GUI thread for ever, `/dev/zero`
exhausts memory. So every widget that shows such text either is a plain-text label
(`plain_label`), or builds its rich text from `escape`d pieces, or passes auto-detected strings
(tooltips, message boxes) through `safe_text`, which leaves ordinary text byte for byte as it
was and turns anything Qt would read as HTML into the escaped rich text that displays it
literally.
"""

from __future__ import annotations

import html

from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

__all__ = [
    "critical",
    "escape",
    "plain_label",
    "question",
    "safe_text",
    "warning",
]

Button = QMessageBox.StandardButton


def escape(text: object) -> str:
    """`text` as a fragment of rich text that shows exactly these characters (newlines kept)."""
    return html.escape(str(text), quote=False).replace("\n", "<br>")


def safe_text(text: str) -> str:
    """`text` for a widget that auto-detects rich text (tooltip, message box, auto label)."""
    if not QtGui.Qt.mightBeRichText(text):
        return text
    return f"<p style='white-space:pre-wrap'>{html.escape(text, quote=False)}</p>"


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A label that never interprets its text as HTML."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


# Message boxes through Qt's static functions (so tests can replace them), with the text made
# safe first: a file name, a plan name or a value quoted from a file can be anything.


def critical(parent: QWidget | None, title: str, text: str) -> Button:
    return QMessageBox.critical(parent, title, safe_text(text))


def warning(parent: QWidget | None, title: str, text: str) -> Button:
    return QMessageBox.warning(parent, title, safe_text(text))


def question(
    parent: QWidget | None,
    title: str,
    text: str,
    buttons: Button,
    default: Button,
) -> Button:
    return QMessageBox.question(parent, title, safe_text(text), buttons, default)
