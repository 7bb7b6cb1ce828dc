"""NodeLayer: every box of a graph painted by one QGraphicsItem.

Qt would call a Python ``paint`` per item per frame if every node were its
own item, which is what makes naive graph views stutter. This item culls
with numpy against the exposed rectangle and picks a level of detail from
the view transform: far out, plain coloured rectangles batched per colour
(``drawRects``); closer, titles; close up, value and gradient. Boxes are
coloured by the sign and size of their gradient (orange negative, blue
positive, as in the rest of the app).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from microgui.graph_explorer.layout import NODE_HEIGHT, NODE_WIDTH

__all__ = ["LOD_NUMBERS", "LOD_TITLES", "NodeLayer", "gradient_buckets"]

# The app's convention (microgui.widgets.colors, TensorFlow Playground's): orange
# negative, blue positive, near-white neutral. Repeated here so the graph view does
# not import the training window's widget package.
NEGATIVE_RGB = np.array([245, 147, 34], dtype=np.float64)
POSITIVE_RGB = np.array([8, 119, 189], dtype=np.float64)
NEUTRAL_RGB = np.array([250, 250, 250], dtype=np.float64)
_LEVELS = 8  # colour steps per sign
_UNKNOWN = 2 * _LEVELS + 1  # bucket of "gradient not arrived yet" (stepper)
LOD_TITLES = 0.28  # zoom from which titles are written
LOD_NUMBERS = 0.55  # zoom from which value and gradient are written
_SELECT_COLOUR = QColor(20, 20, 20)
PATH_COLOUR = QColor(190, 30, 150)
_CURRENT_COLOUR = QColor(30, 160, 70)
_BORDER_COLOUR = QColor(110, 110, 110)
_DARK_TEXT = QColor(25, 25, 25)
_LIGHT_TEXT = QColor(255, 255, 255)


def _bucket_colours() -> list[QColor]:
    colours = []
    for k in range(-_LEVELS, _LEVELS + 1):
        t = k / _LEVELS
        target = POSITIVE_RGB if t >= 0 else NEGATIVE_RGB
        rgb = NEUTRAL_RGB + (target - NEUTRAL_RGB) * abs(t)
        colours.append(QColor(int(rgb[0]), int(rgb[1]), int(rgb[2])))
    colours.append(QColor(222, 222, 222))  # unknown
    return colours


def gradient_buckets(grads: np.ndarray, known: np.ndarray | None = None) -> np.ndarray:
    """Colour bucket per gradient: 0 (strongly negative) .. 2L (strongly positive).

    Magnitudes are scaled by the 99th percentile of the non-zero |grad| (one
    huge gradient should not wash out all others) and square-rooted so that
    small gradients remain visible. Unknown gradients get _UNKNOWN.
    """
    grads = np.asarray(grads, dtype=np.float64)
    finite = np.where(np.isfinite(grads), grads, 0.0)
    magnitude = np.abs(finite[finite != 0.0])
    scale = float(np.percentile(magnitude, 99)) if magnitude.size else 1.0
    t = np.sign(finite) * np.sqrt(np.clip(np.abs(finite) / (scale or 1.0), 0.0, 1.0))
    buckets = np.rint(t * _LEVELS).astype(np.int64) + _LEVELS
    if known is not None:
        buckets = np.where(known, buckets, _UNKNOWN)
    return buckets


def _number(value: float) -> str:
    if math.isnan(value):
        return "nan"
    return f"{value + 0.0:.4g}"  # + 0.0 shows -0.0 as 0


class NodeLayer(QGraphicsItem):
    """Every box of the graph, painted in one go with culling and level of detail."""

    def __init__(self) -> None:
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        self._brushes = [QBrush(c) for c in _bucket_colours()]
        self._border_pen = QPen(_BORDER_COLOUR, 0)
        self._title_font = QFont()
        self._title_font.setPixelSize(13)
        self._title_font.setBold(True)
        self._number_font = QFont()
        self._number_font.setPixelSize(12)
        self._bounds = QRectF()
        self.set_boxes(np.zeros(0), np.zeros(0), (), ())

    # -- data --------------------------------------------------------------
    def set_boxes(
        self, x: np.ndarray, y: np.ndarray, titles: Sequence[str], kinds: Sequence[str]
    ) -> None:
        """New geometry: top-left corners, titles and kinds ("node"/"neuron"/"layer")."""
        self.prepareGeometryChange()
        self.x = np.asarray(x, dtype=np.float64)
        self.y = np.asarray(y, dtype=np.float64)
        self.titles = list(titles)
        self.collapsed = np.array([k != "node" for k in kinds], dtype=bool)
        n = len(self.x)
        self.rects = [
            QRectF(float(a), float(b), NODE_WIDTH, NODE_HEIGHT) for a, b in zip(x, y, strict=True)
        ]
        if n:
            self._bounds = QRectF(
                float(self.x.min()) - 4,
                float(self.y.min()) - 4,
                float(self.x.max() - self.x.min()) + NODE_WIDTH + 8,
                float(self.y.max() - self.y.min()) + NODE_HEIGHT + 8,
            )
        else:
            self._bounds = QRectF()
        self.values = np.full(n, np.nan)
        self.grads = np.full(n, np.nan)
        self.value_known = np.ones(n, dtype=bool)
        self.grad_known = np.ones(n, dtype=bool)
        self.highlighted = np.zeros(n, dtype=bool)
        self.selected = -1
        self.current = -1
        self._rebucket()

    def set_numbers(
        self,
        values: np.ndarray,
        grads: np.ndarray,
        value_known: np.ndarray | None = None,
        grad_known: np.ndarray | None = None,
    ) -> None:
        """Value and gradient per box; the *_known masks grey out what a stepper hides."""
        n = len(self.x)
        self.values = np.asarray(values, dtype=np.float64)
        self.grads = np.asarray(grads, dtype=np.float64)
        self.value_known = np.ones(n, bool) if value_known is None else np.asarray(value_known)
        self.grad_known = np.ones(n, bool) if grad_known is None else np.asarray(grad_known)
        self._rebucket()
        self.update()

    def set_marks(self, selected: int, highlighted: np.ndarray | None, current: int = -1) -> None:
        """The selected box, the boxes on the path to the loss, the stepper's box."""
        self.selected = selected
        self.current = current
        n = len(self.x)
        self.highlighted = np.zeros(n, bool) if highlighted is None else np.asarray(highlighted)
        self.update()

    def _rebucket(self) -> None:
        known = self.grad_known & np.isfinite(self.grads)
        self.buckets = gradient_buckets(self.grads, known)
        self._rects_by_bucket = {
            int(b): [self.rects[i] for i in np.nonzero(self.buckets == b)[0]]
            for b in np.unique(self.buckets)
        }

    def box_at(self, point: QPointF) -> int:
        """Index of the box under a scene point, or -1."""
        px, py = point.x(), point.y()
        hits = np.nonzero(
            (self.x <= px)
            & (px <= self.x + NODE_WIDTH)
            & (self.y <= py)
            & (py <= self.y + NODE_HEIGHT)
        )[0]
        return int(hits[0]) if len(hits) else -1

    # -- painting ------------------------------------------------------------
    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        n = len(self.x)
        if not n:
            return
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        r = option.exposedRect
        visible = np.nonzero(
            (self.x + NODE_WIDTH >= r.left())
            & (self.x <= r.right())
            & (self.y + NODE_HEIGHT >= r.top())
            & (self.y <= r.bottom())
        )[0]
        self._paint_blocks(painter, visible, lod)

    def _paint_blocks(self, painter: QPainter, visible: np.ndarray, lod: float) -> None:
        """Coloured rectangles batched per colour, then the marks, then (closer) text."""
        far = lod < LOD_TITLES
        painter.setPen(Qt.PenStyle.NoPen if lod < 0.12 else self._border_pen)
        everything = len(visible) > 0.6 * len(self.x)
        stacked = visible[self.collapsed[visible]]
        if len(stacked):  # a collapsed box looks like a little stack of boxes
            painter.setBrush(self._brushes[_UNKNOWN])
            painter.drawRects([self.rects[i].translated(4, 4) for i in stacked])
        for bucket, rects in self._rects_by_bucket.items():
            painter.setBrush(self._brushes[bucket])
            if everything:
                painter.drawRects(rects)
            else:
                chosen = visible[self.buckets[visible] == bucket]
                if len(chosen):
                    painter.drawRects([self.rects[i] for i in chosen])
        painter.setBrush(Qt.BrushStyle.NoBrush)
        marked = visible[self.highlighted[visible]]
        # Marks stay a few pixels wide whatever the zoom, so they are visible far out.
        pixel = 1.0 / max(lod, 1e-3)
        if len(marked):
            painter.setPen(QPen(PATH_COLOUR, 3.0 * pixel if far else 3.0))
            painter.drawRects([self.rects[i] for i in marked])
        for index, colour in ((self.selected, _SELECT_COLOUR), (self.current, _CURRENT_COLOUR)):
            if index >= 0:
                painter.setPen(QPen(colour, max(3.5, 3.0 * pixel)))
                margin = 2.0 if not far else 8.0
                painter.drawRect(self.rects[index].adjusted(-margin, -margin, margin, margin))
        if not far:
            self._paint_text(painter, visible, lod >= LOD_NUMBERS)

    def _paint_text(self, painter: QPainter, visible: np.ndarray, numbers: bool) -> None:
        """Titles (and value and gradient), dark on light boxes and white on strong ones."""
        strong = np.abs(self.buckets[visible] - _LEVELS) >= 0.65 * _LEVELS
        strong &= self.buckets[visible] != _UNKNOWN
        title_y = 15.0 if numbers else NODE_HEIGHT / 2 + 5
        for colour, chosen in ((_DARK_TEXT, visible[~strong]), (_LIGHT_TEXT, visible[strong])):
            if not len(chosen):
                continue
            painter.setPen(colour)
            painter.setFont(self._title_font)
            xs = (self.x[chosen] + 6.0).tolist()
            ys = self.y[chosen].tolist()
            indices = chosen.tolist()
            for i, x0, y0 in zip(indices, xs, ys, strict=True):
                painter.drawText(QPointF(x0, y0 + title_y), self.titles[i])
            if not numbers:
                continue
            painter.setFont(self._number_font)
            for i, x0, y0 in zip(indices, xs, ys, strict=True):
                value = _number(self.values[i]) if self.value_known[i] else "?"
                grad = _number(self.grads[i]) if self.grad_known[i] else "?"
                painter.drawText(QPointF(x0, y0 + 29.0), f"data {value}")
                painter.drawText(QPointF(x0, y0 + 42.0), f"grad {grad}")
