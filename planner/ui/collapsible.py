"""A panel section the user can fold away under its title, folded or not between sessions."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import QSizePolicy, QToolButton, QVBoxLayout, QWidget

__all__ = ["CollapsibleSection"]


class CollapsibleSection(QWidget):
    """`content` under a title button: a click folds it to the title line and back. The state
    is kept in `settings` under `settings_key` (none kept without settings)."""

    expanded_changed = Signal(bool)

    def __init__(
        self,
        title: str,
        content: QWidget,
        *,
        settings: QSettings | None = None,
        settings_key: str = "",
        tooltip: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._settings_key = settings_key
        self.title_button = QToolButton()
        self.title_button.setText(title)
        self.title_button.setCheckable(True)
        self.title_button.setAutoRaise(True)
        self.title_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.title_button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.title_button.setToolTip(tooltip or f"Click to fold or unfold {title}")
        font = self.title_button.font()
        font.setBold(True)
        self.title_button.setFont(font)
        self.content = content
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.title_button)
        layout.addWidget(content)
        expanded = True
        if settings is not None and settings_key:
            stored = settings.value(settings_key, True, bool)
            expanded = bool(stored) if isinstance(stored, bool) else True
        self.title_button.setChecked(expanded)
        self._show(expanded)
        self.title_button.toggled.connect(self._on_toggled)

    def is_expanded(self) -> bool:
        return self.title_button.isChecked()

    def set_expanded(self, expanded: bool) -> None:
        self.title_button.setChecked(expanded)

    def _show(self, expanded: bool) -> None:
        self.content.setVisible(expanded)
        self.title_button.setArrowType(
            Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow
        )

    def _on_toggled(self, expanded: bool) -> None:
        self._show(expanded)
        if self._settings is not None and self._settings_key:
            self._settings.setValue(self._settings_key, expanded)
        self.expanded_changed.emit(expanded)
