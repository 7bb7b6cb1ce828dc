"""ElidedLabel: one line of text that never re-lays out its window when the text changes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget


class ElidedLabel(QWidget):
    """One line of text, elided with "…" to the width it is given.

    Painted directly rather than a QLabel: a QLabel asks its window for a new
    layout on every text change, and re-laying out the whole window several
    times a second while training cost tens of milliseconds each time.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.full_text = ""
        self.colour = QColor()
        self.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)
        self.setMinimumWidth(80)
        self.setFixedHeight(self.fontMetrics().height() + 4)
        self.set_full_text(text)

    def set_full_text(self, text: str) -> None:
        """Show `text`; the tooltip keeps all of it."""
        self.full_text = text
        self.setToolTip(text)
        self.update()

    def text(self) -> str:
        """The text as shown (possibly elided)."""
        return self.fontMetrics().elidedText(self.full_text, Qt.ElideRight, self.width())

    def set_colour(self, colour: QColor | None) -> None:
        """Text colour (None: the palette's)."""
        self.colour = colour or QColor()
        self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        if self.colour.isValid():
            painter.setPen(self.colour)
        painter.drawText(self.rect(), Qt.AlignLeft | Qt.AlignVCenter, self.text())
