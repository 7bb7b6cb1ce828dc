"""NodeLayer: every box of a graph painted by one QGraphicsItem.

Qt would call a Python ``paint`` per item per frame if every node were its
own item, which is what makes naive graph views stutter. This item culls
with numpy against the exposed rectangle and picks a level of detail from
the view's zoom, so that what is drawn is always readable:

* far out (text would be under ~7 pixels): each layer is one block with its
  name, neuron count and mean |grad|, written at a fixed size on screen,
  over its boxes' colours;
* closer: each box with its title, and each layer's header above it;
* close: each box as micrograd's ``draw_dot`` record, label | data | grad.

Fill colours encode the gradient (gradient_colors: sign and log magnitude);
text is dark or white, whichever reads better on the fill. Boxes where no
gradient flows (an inactive ReLU, a hinge loss of 0, everything behind
them) are muted: hatched grey, dashed border, grey text. A box the gradient
reaches but does not pass (an inactive ReLU: its output's grad is not 0, its
local derivative is) says so: "grad -0.5 stops", the number shortened to fit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen, QTransform
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from microgui.graph_explorer.gradient_colors import (
    UNKNOWN,
    bucket_rgb,
    gradient_buckets,
    text_rgb,
)
from microgui.graph_explorer.layout import LAYER_GAP, NODE_HEIGHT, NODE_WIDTH

__all__ = [
    "FONT_PIXELS",
    "LOD_BLOCKS",
    "LOD_NUMBERS",
    "LOD_TITLES",
    "NodeLayer",
    "format_number",
]

FONT_PIXELS = 15  # scene pixels of every text in a box
HEADER_PIXELS = 16
LOD_TITLES = 0.45  # zoom from which box titles are written (6.8 px)
LOD_NUMBERS = 0.6  # zoom from which data and grad are written (9 px)
LOD_BLOCKS = LOD_TITLES  # below it, a layer is one block
BLOCK_TEXT_PIXELS = 13  # the far-out layer summaries, on screen
PATH_COLOUR = QColor(190, 30, 150)
_SELECT_COLOUR = QColor(20, 20, 20)
_CURRENT_COLOUR = QColor(30, 160, 70)
_BORDER_COLOUR = QColor(110, 110, 110)
_MUTED_FILL = QColor(236, 236, 236)
_MUTED_HATCH = QColor(214, 214, 214)
_MUTED_TEXT = QColor(92, 92, 92)
_MUTED_BORDER = QColor(150, 150, 150)
_HEADER_COLOUR = QColor(70, 70, 70)
_TITLE_ROW = 19.0  # the record's label cell; data and grad share the rest


def format_number(value: float, digits: int = 4) -> str:
    """A number in at most 8 characters: 4 significant digits (or ``digits``), a short
    exponent far from 1."""
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    value += 0.0  # -0.0 shows as 0
    if value == 0:
        return "0"
    if 1e-3 <= abs(value) < 1e5:
        return f"{value:.{digits}g}"
    mantissa, exponent = f"{value:.{max(digits - 2, 0)}e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def _qcolor(rgb: np.ndarray) -> QColor:
    return QColor(int(rgb[0]), int(rgb[1]), int(rgb[2]))


class NodeLayer(QGraphicsItem):
    """Every box of the graph, painted in one go with culling and level of detail."""

    def __init__(self) -> None:
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        fills = bucket_rgb()
        self._brushes = [QBrush(_qcolor(c)) for c in fills]
        self._text_colours = [_qcolor(c) for c in text_rgb(fills)]
        self._muted_brush = QBrush(_MUTED_FILL)
        self._hatch_brush = QBrush(_MUTED_HATCH, Qt.BrushStyle.BDiagPattern)
        self._border_pen = QPen(_BORDER_COLOUR, 0)
        self._muted_pen = QPen(_MUTED_BORDER, 1.2, Qt.PenStyle.DashLine)
        self._title_font = QFont()
        self._title_font.setPixelSize(FONT_PIXELS)
        self._title_font.setBold(True)
        self._number_font = QFont()
        self._number_font.setPixelSize(FONT_PIXELS)
        self._header_font = QFont()
        self._header_font.setPixelSize(HEADER_PIXELS)
        self._header_font.setBold(True)
        self._block_font = QFont()
        self._block_font.setPixelSize(BLOCK_TEXT_PIXELS)
        self._bounds = QRectF()
        self.mean_grads: dict[int, float] = {}
        self.set_boxes(np.zeros(0), np.zeros(0), (), ())

    # -- data --------------------------------------------------------------
    def set_boxes(
        self,
        x: np.ndarray,
        y: np.ndarray,
        titles: Sequence[str],
        kinds: Sequence[str],
        w: np.ndarray | None = None,
        h: np.ndarray | None = None,
        regions: Sequence = (),
    ) -> None:
        """New geometry: top-left corners, sizes, titles, kinds and the layers' regions."""
        self.prepareGeometryChange()
        self.x = np.asarray(x, dtype=np.float64)
        self.y = np.asarray(y, dtype=np.float64)
        n = len(self.x)
        self.w = np.full(n, NODE_WIDTH) if w is None else np.asarray(w, dtype=np.float64)
        self.h = np.full(n, NODE_HEIGHT) if h is None else np.asarray(h, dtype=np.float64)
        self.titles = list(titles)
        self.kinds = list(kinds)
        self.layer_boxes = np.array([k == "layer" for k in kinds], dtype=bool)
        self.regions = tuple(regions)
        # The layer of each folded layer's box: the region it lies in.
        self.layer_of_box = {
            int(i): next(
                (
                    r.layer
                    for r in self.regions
                    if r.left - 1 <= self.x[i] and self.x[i] + self.w[i] <= r.right + 1
                ),
                None,
            )
            for i in np.nonzero(self.layer_boxes)[0]
        }
        self.rects = [
            QRectF(float(a), float(b), float(c), float(d))
            for a, b, c, d in zip(self.x, self.y, self.w, self.h, strict=True)
        ]
        if n:
            top = float(self.y.min()) - (HEADER_PIXELS + 14 if self.regions else 4)
            self._bounds = QRectF(
                float(self.x.min()) - 4,
                top,
                float((self.x + self.w).max() - self.x.min()) + 8,
                float((self.y + self.h).max()) - top + 4,
            )
        else:
            self._bounds = QRectF()
        self.values = np.full(n, np.nan)
        self.grads = np.full(n, np.nan)
        self.value_known = np.ones(n, dtype=bool)
        self.grad_known = np.ones(n, dtype=bool)
        self.passes = np.ones(n, dtype=bool)
        self.stops = np.zeros(n, dtype=bool)
        self.highlighted = np.zeros(n, dtype=bool)
        self.selected = -1
        self.current = -1
        self.scale = 1.0
        self.mean_grads = {}
        self._rebucket()

    def set_numbers(
        self,
        values: np.ndarray,
        grads: np.ndarray,
        value_known: np.ndarray | None = None,
        grad_known: np.ndarray | None = None,
        scale: float | None = None,
        passes: np.ndarray | None = None,
        stops: np.ndarray | None = None,
    ) -> None:
        """Value and gradient per box; the *_known masks grey out what a stepper hides.

        ``scale`` is the top of the colour scale (the legend's); ``passes`` is
        False for the boxes where no gradient flows (drawn muted); ``stops`` is
        True for those of them that a gradient reaches and stops at.
        """
        n = len(self.x)
        self.values = np.asarray(values, dtype=np.float64)
        self.grads = np.asarray(grads, dtype=np.float64)
        self.value_known = np.ones(n, bool) if value_known is None else np.asarray(value_known)
        self.grad_known = np.ones(n, bool) if grad_known is None else np.asarray(grad_known)
        self.passes = np.ones(n, bool) if passes is None else np.asarray(passes, dtype=bool)
        self.stops = np.zeros(n, bool) if stops is None else np.asarray(stops, dtype=bool)
        self.scale = float(scale) if scale else 1.0
        self._rebucket()
        self.update()

    def set_layer_summaries(self, mean_grads: dict[int, float]) -> None:
        """Per layer, the mean |grad| of its neurons' outputs (folded layers and far out)."""
        self.mean_grads = dict(mean_grads)
        self.update()

    def set_marks(self, selected: int, highlighted: np.ndarray | None, current: int = -1) -> None:
        """The selected box, the boxes on the path to the loss, the stepper's box."""
        self.selected = selected
        self.current = current
        n = len(self.x)
        self.highlighted = np.zeros(n, bool) if highlighted is None else np.asarray(highlighted)
        self.update()

    def _rebucket(self) -> None:
        known = self.grad_known & np.isfinite(self.grads) & ~self.layer_boxes
        self.buckets = gradient_buckets(self.grads, self.scale, known)
        self.muted = ~self.passes & known
        self._by_bucket = {
            int(b): np.nonzero((self.buckets == b) & ~self.muted)[0]
            for b in np.unique(self.buckets)
        }

    def box_at(self, point: QPointF) -> int:
        """Index of the box under a scene point, or -1."""
        px, py = point.x(), point.y()
        hits = np.nonzero(
            (self.x <= px) & (px <= self.x + self.w) & (self.y <= py) & (py <= self.y + self.h)
        )[0]
        return int(hits[0]) if len(hits) else -1

    def text_colour(self, box: int) -> QColor:
        """The colour the box's text is written in (for tests: contrast with its fill)."""
        if self.muted[box]:
            return _MUTED_TEXT
        return self._text_colours[int(self.buckets[box])]

    def fill_colour(self, box: int) -> QColor:
        """The box's fill colour."""
        if self.muted[box]:
            return _MUTED_FILL
        return self._brushes[int(self.buckets[box])].color()

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
            (self.x + self.w >= r.left())
            & (self.x <= r.right())
            & (self.y + self.h >= r.top())
            & (self.y <= r.bottom())
        )[0]
        painter.save()
        try:
            self._paint_boxes(painter, visible, lod)
            if lod < LOD_BLOCKS and self.regions:
                self._paint_blocks(painter)
            elif lod >= LOD_TITLES:
                self._paint_headers(painter)
                self._paint_text(painter, visible, lod >= LOD_NUMBERS)
        finally:
            painter.restore()

    def _paint_boxes(self, painter: QPainter, visible: np.ndarray, lod: float) -> None:
        """Coloured rectangles batched per colour, muted ones, then the marks."""
        far = lod < LOD_TITLES
        painter.setPen(Qt.PenStyle.NoPen if lod < 0.12 else self._border_pen)
        everything = len(visible) > 0.6 * len(self.x)
        layers = visible[self.layer_boxes[visible]]
        if len(layers):  # a folded layer looks like a little stack of boxes
            painter.setBrush(self._brushes[UNKNOWN])
            painter.drawRects([self.rects[i].translated(5, 5) for i in layers])
        for bucket, members in self._by_bucket.items():
            chosen = members if everything else np.intersect1d(members, visible)
            if len(chosen):
                painter.setBrush(self._brushes[bucket])
                painter.drawRects([self.rects[i] for i in chosen])
        muted = visible[self.muted[visible]]
        if len(muted):
            rects = [self.rects[i] for i in muted]
            painter.setPen(Qt.PenStyle.NoPen if far else self._muted_pen)
            painter.setBrush(self._muted_brush)
            painter.drawRects(rects)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self._hatch_brush)
            painter.drawRects(rects)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        marked = visible[self.highlighted[visible]]
        # Marks stay a few pixels wide whatever the zoom, so they are visible far out.
        pixel = 1.0 / max(lod, 1e-3)
        if len(marked):
            painter.setPen(QPen(PATH_COLOUR, 3.0 * pixel if far else 3.0))
            painter.drawRects([self.rects[i] for i in marked])
        for index, colour in ((self.selected, _SELECT_COLOUR), (self.current, _CURRENT_COLOUR)):
            if 0 <= index < len(self.rects):
                painter.setPen(QPen(colour, max(3.5, 3.0 * pixel)))
                margin = 2.5 if not far else 8.0
                painter.drawRect(self.rects[index].adjusted(-margin, -margin, margin, margin))

    def _paint_headers(self, painter: QPainter) -> None:
        """Each layer's name above its column(s)."""
        painter.setPen(_HEADER_COLOUR)
        painter.setFont(self._header_font)
        metrics = QFontMetricsF(self._header_font)
        for region in self.regions:
            # A header may reach over the gap to the next layer, not further.
            width = max(region.right - region.left, NODE_WIDTH) + LAYER_GAP - 6
            text = metrics.elidedText(region.title, Qt.TextElideMode.ElideRight, width)
            painter.drawText(QPointF(region.left, region.top - 12), text)

    def _paint_blocks(self, painter: QPainter) -> None:
        """Far out: each layer one block, its summary written at a fixed size on screen."""
        transform = painter.worldTransform()
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(_HEADER_COLOUR, 0))
        outlines = []
        for region in self.regions:
            outlines.append(
                QRectF(
                    region.left - 6,
                    region.top - 6,
                    region.right - region.left + 12,
                    region.bottom - region.top + 12,
                )
            )
        painter.drawRects(outlines)
        painter.setWorldTransform(QTransform())  # text in device pixels from here
        painter.setFont(self._block_font)
        metrics = QFontMetricsF(self._block_font)
        placed: list[QRectF] = []
        for region, outline in zip(self.regions, outlines, strict=True):
            box = transform.mapRect(outline)
            lines = self.block_lines(region)
            width = max(metrics.horizontalAdvance(line) for line in lines) + 10
            if width > box.width():  # far out: the same words, one short line each
                lines = self.block_lines(region, narrow=True)
                width = max(metrics.horizontalAdvance(line) for line in lines) + 10
            height = metrics.lineSpacing() * len(lines) + 6
            panel = QRectF(box.center().x() - width / 2, box.top() + 4, width, height)
            # Narrow neighbours (the output and the loss) would cover each other: step down.
            while any(panel.intersects(other) for other in placed):
                panel.translate(0, height + 4)
            placed.append(QRectF(panel))
            painter.setPen(QPen(_HEADER_COLOUR, 1))
            painter.setBrush(QBrush(QColor(255, 255, 255, 235)))
            painter.drawRect(panel)
            painter.setPen(QColor(20, 20, 20))
            for k, line in enumerate(lines):
                baseline = panel.top() + 3 + metrics.ascent() + k * metrics.lineSpacing()
                painter.drawText(QPointF(panel.left() + 5, baseline), line)

    def block_lines(self, region, narrow: bool = False) -> list[str]:
        """What a layer's far-out block says: its name and size, and its mean |grad|
        (``narrow``: each part on its own line, for a block narrower than the text)."""
        mean = self.mean_grads.get(region.layer)
        if narrow:
            lines = region.title.split(" · ")
            if mean is not None:
                lines += ["mean |grad|", format_number(mean)]
            return lines
        lines = [region.title]
        if mean is not None:
            lines.append(f"mean |grad| {format_number(mean)}")
        return lines

    def _paint_text(self, painter: QPainter, visible: np.ndarray, numbers: bool) -> None:
        """Titles (and, close up, data and grad as a record), each in its fill's text colour."""
        title_metrics = QFontMetricsF(self._title_font)
        number_metrics = QFontMetricsF(self._number_font)
        indices = visible.tolist()
        if numbers:
            # The record's cell lines: label | data | grad.
            painter.setPen(QPen(_BORDER_COLOUR, 0))
            lines = []
            for i in indices:
                if self.layer_boxes[i]:
                    continue
                x0, y0, w = float(self.x[i]), float(self.y[i]), float(self.w[i])
                lines.append(QLineF(x0, y0 + _TITLE_ROW, x0 + w, y0 + _TITLE_ROW))
            painter.drawLines(lines)
        for i in indices:
            x0, y0 = float(self.x[i]), float(self.y[i])
            w, h = float(self.w[i]), float(self.h[i])
            painter.setPen(_HEADER_COLOUR if self.layer_boxes[i] else self.text_colour(i))
            painter.setFont(self._title_font)
            title = title_metrics.elidedText(self.titles[i], Qt.TextElideMode.ElideMiddle, w - 10)
            if self.layer_boxes[i]:
                for k, text in enumerate(self.texts(i)):
                    painter.setFont(self._title_font if k == 0 else self._number_font)
                    painter.drawText(QPointF(x0 + 6, y0 + 20 + 19 * k), text)
                continue
            if not numbers:
                painter.drawText(QPointF(x0 + 6, y0 + h / 2 + 5), title)
                continue
            painter.drawText(QPointF(x0 + 6, y0 + 15), title)
            painter.setFont(self._number_font)
            value = format_number(self.values[i]) if self.value_known[i] else "?"
            grad_line = self.grad_line(i, number_metrics, w - 10)
            for k, text in enumerate((f"data {value}", grad_line)):
                text = number_metrics.elidedText(text, Qt.TextElideMode.ElideRight, w - 10)
                painter.drawText(QPointF(x0 + 6, y0 + _TITLE_ROW + 16 + k * 18), text)

    def texts(self, box: int) -> list[str]:
        """The lines a box shows close up (for tests and screen readers)."""
        if self.layer_boxes[box]:  # "layer 1: 16 neurons" on two lines, then mean |grad|
            lines = self.titles[box].split(": ")
            layer = self.layer_of_box.get(box)
            if layer in self.mean_grads:
                lines += ["mean |grad|", format_number(self.mean_grads[layer])]
            return lines
        value = format_number(self.values[box]) if self.value_known[box] else "?"
        grad_line = self.grad_line(box, QFontMetricsF(self._number_font), self.w[box] - 10)
        return [self.titles[box], f"data {value}", grad_line]

    def grad_line(self, box: int, metrics: QFontMetricsF, width: float) -> str:
        """The record's grad line. Where the gradient stops, it says so ("grad -0.5 stops"),
        with as many digits as fit in ``width`` (the inspector has them all)."""
        if not self.grad_known[box]:
            return "grad ?"
        grad = float(self.grads[box])
        if not self.stops[box]:
            return f"grad {format_number(grad)}"
        for digits in (4, 3, 2, 1):
            text = f"grad {format_number(grad, digits)} stops"
            if metrics.horizontalAdvance(text) <= width:
                return text
        return f"{format_number(grad, 1)} stops"
