"""GradientLegend: what the graph's colours, hatching and edge widths mean.

A bar of the gradient shades (negative orange, 0 white, positive blue, a
log scale below the largest gradient shown) with their values, a hatched
swatch for "no gradient flows", and a thin and a thick edge for "less" and
"more gradient flows along it". Data in through ``set_scale``.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from microgui.graph_explorer.edge_layer import FLOW_PENS
from microgui.graph_explorer.gradient_colors import LEVELS, bucket_rgb, legend_ticks

__all__ = ["GradientLegend"]

_SWATCH = 11  # pixels per shade
_MUTED_FILL = QColor(236, 236, 236)
_MUTED_HATCH = QColor(190, 190, 190)


class GradientLegend(QWidget):
    """The colour scale of gradients, plus the muted and edge-flow keys."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scale = 1.0
        self._font = QFont()
        self._font.setPixelSize(11)
        self._colours = [QColor(int(r), int(g), int(b)) for r, g, b in bucket_rgb()[:-1]]
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self._update_tip()

    def set_scale(self, scale: float) -> None:
        """The largest |gradient| shown: the darkest shade."""
        if scale != self.scale:
            self.scale = float(scale)
            self._update_tip()
            self.update()

    def ticks(self) -> list[tuple[int, str]]:
        """(shade, text) written under the bar."""
        return [t for t in legend_ticks(self.scale) if abs(t[0] - LEVELS) in (0, 4, 8)]

    def _update_tip(self) -> None:
        self.setToolTip(
            "Box colour: the node's gradient d loss / d node. Orange negative, blue positive; "
            f"the darkest shade is |grad| {self.scale:.3g}, each lighter shade half a decade "
            "less, down to 1/10,000 of it; white is exactly 0.\n"
            "Hatched grey boxes: no gradient passes through them. A box that says \u201cgrad g "
            "stops\u201d is reached by the gradient g but passes none on (an inactive ReLU, a "
            "hinge loss of 0: their local derivative is 0); everything behind it gets grad 0.\n"
            "Edges: darker and wider where more gradient flows along them "
            "(|child grad × local derivative|)."
        )

    def sizeHint(self) -> QSize:
        return QSize(len(self._colours) * _SWATCH + 225, 34)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setFont(self._font)
        metrics = QFontMetricsF(self._font)
        bar = QRectF(4, 3, len(self._colours) * _SWATCH, 12)
        painter.setPen(Qt.PenStyle.NoPen)
        for k, colour in enumerate(self._colours):
            painter.setBrush(colour)
            painter.drawRect(QRectF(bar.left() + k * _SWATCH, bar.top(), _SWATCH, bar.height()))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(QColor(120, 120, 120), 1))
        painter.drawRect(bar)
        painter.setPen(QColor(40, 40, 40))
        for shade, text in self.ticks():
            x = bar.left() + (shade + 0.5) * _SWATCH
            width = metrics.horizontalAdvance(text)
            left = min(max(x - width / 2, 0.0), self.width() - width)
            painter.drawText(QPointF(left, bar.bottom() + metrics.ascent() + 2), text)
        # "no gradient": the muted, hatched box
        x = bar.right() + 12
        swatch = QRectF(x, 3, 18, 12)
        painter.setPen(QPen(QColor(150, 150, 150), 1, Qt.PenStyle.DashLine))
        painter.setBrush(_MUTED_FILL)
        painter.drawRect(swatch)
        painter.setBrush(QBrush(_MUTED_HATCH, Qt.BrushStyle.BDiagPattern))
        painter.drawRect(swatch)
        painter.setPen(QColor(40, 40, 40))
        painter.drawText(QPointF(x + 22, 13), "no gradient passes")
        # edges: little flow and much flow
        y = 26.0
        for k, (level, label) in enumerate(((1, "less"), (len(FLOW_PENS) - 1, "more flow"))):
            colour, width = FLOW_PENS[level]
            left = x + k * 58
            painter.setPen(QPen(colour, max(1.0, width * 0.8)))
            painter.drawLine(QPointF(left, y), QPointF(left + 16, y))
            painter.setPen(QColor(40, 40, 40))
            painter.drawText(QPointF(left + 19, y + 4), label)
        painter.end()
