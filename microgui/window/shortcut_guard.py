"""Space, S and R work wherever the focus is in the window, except while typing text.

A focused widget may claim a key before the window's shortcuts see it (Qt's
ShortcutOverride): a spin box claims Space and letters for its own text, a
button or check box takes Space. After a click on a training point the
Graph tab's Sample box had the focus, and Space no longer trained while the
status bar still said "press Train (Space)". The guard sits on the focused
widget only (moved along with the focus, so it costs nothing elsewhere) and
refuses such a claim unless the widget is a text field being typed in: a
line edit (outside a spin box), a text editor or an editable combo box.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)


def is_text_field(widget: QWidget | None) -> bool:
    """True for a widget where a letter or Space is text the user is typing."""
    if isinstance(widget, QLineEdit):
        inside_spin_box = isinstance(widget.parentWidget(), QAbstractSpinBox)
        return not widget.isReadOnly() and not inside_spin_box
    if isinstance(widget, (QPlainTextEdit, QTextEdit)):
        return not widget.isReadOnly()
    if isinstance(widget, QComboBox):
        return widget.isEditable()
    return False


class ShortcutGuard(QObject):
    """Keeps the window's single-key shortcuts (`actions`) working from any focused widget."""

    def __init__(self, window: QWidget, actions: Iterable[QAction]) -> None:
        super().__init__(window)
        self.window = window
        self.keys = {action.shortcut()[0] for action in actions}
        self._watched: QWidget | None = None
        app = QApplication.instance()
        app.focusChanged.connect(self._on_focus_changed)
        self._on_focus_changed(None, app.focusWidget())

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        self._unwatch()
        if new is not None and new.window() is self.window:
            new.installEventFilter(self)
            self._watched = new

    def _unwatch(self) -> None:
        watched, self._watched = self._watched, None
        if watched is not None:
            with contextlib.suppress(RuntimeError):  # the widget was deleted meanwhile
                watched.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.ShortcutOverride or not isinstance(event, QKeyEvent):
            return False
        if event.keyCombination() not in self.keys or is_text_field(watched):
            return False
        # Not claimed by the widget: the window's shortcut fires.
        event.ignore()
        return True

    def detach(self) -> None:
        """Stop watching (the window is closing)."""
        with contextlib.suppress(RuntimeError, TypeError):
            QApplication.instance().focusChanged.disconnect(self._on_focus_changed)
        self._unwatch()
