"""EdgeLayer: every edge of a graph, drawn from cached tiles like a map viewer.

Each edge has a flow level, 0 (no gradient flows along it) .. FLOW_LEVELS - 1
(the most): how much gradient the child sends back to the parent along it,
|child grad x local derivative|. Stronger levels are darker and wider and
drawn last, on top, so the paths the gradient takes stand out.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QTransform
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

__all__ = ["EdgeLayer"]

_EDGE_CHUNK = 1500.0  # scene units per group of lines
# Opaque greys (translucent lines are much slower to draw), light and thin to dark and wide;
# widths in scene units, never under one device pixel. Not Qt's cosmetic width 0: its
# stroker walks a long line's whole length even where a tile clips it away, which made
# 4,096 record edges cost 140 ms a tile against 9 ms as one-pixel polygons.
FLOW_PENS = (
    (QColor(232, 232, 236), 0.8),
    (QColor(196, 196, 206), 1.0),
    (QColor(140, 140, 158), 1.4),
    (QColor(88, 88, 110), 2.2),
    (QColor(30, 30, 50), 3.4),
)
_ANTIALIAS_MAX_LINES = 800  # more lines than this in a tile: antialiasing costs too much
# A dense graph seen whole leaves out its weakest edges: past DENSE_EDGES those no
# gradient flows along (level 0), past VERY_DENSE_EDGES also the faintest flows (level 1),
# unless zoomed in past 1:1. In the 4,096-edge fan of MLP(2,[64,64,1])'s records they
# are three quarters of the lines: they only greyed the fan and tripled the first paint.
DENSE_EDGES = 1500
VERY_DENSE_EDGES = 3000
FLOW_LEVELS = len(FLOW_PENS)
_TILE = 512  # tile side in pixels
_MAX_TILES = 80  # 1 MB each; several screens at two or three zoom levels
_MAX_TILE_LEVEL = 2  # tiles up to zoom 4 (the view's maximum)


class EdgeLayer(QGraphicsItem):
    """Every edge, drawn from cached tiles like a map viewer.

    A dense layer's edges are thousands of long lines: drawing them costs
    ~80 ms per frame for MLP(2,[64,64,1]) at any zoom, because thousands
    cross the screen. Instead the edges are rendered into 512-pixel tiles
    at power-of-two zoom levels (the level just above the current zoom, so
    a tile is shrunk at most 2x) and kept in an LRU cache; a frame draws a
    dozen images. A tile not rendered yet is stood in for by a cached tile
    of a neighbouring level and queued; ``render_pending`` (driven by a
    zero-delay timer in GraphView) renders the queue in small time slices,
    so zooming never waits for a whole screen of new tiles. Exports
    (``widget is None``) draw the lines themselves: vector output stays vector.
    """

    def __init__(self) -> None:
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        self._bounds = QRectF()
        self._chunks: list[tuple[QRectF, list[QLineF], np.ndarray]] = []
        self._by_level: list[list[list[QLineF]]] = []  # per chunk, per flow level
        self._levels = np.zeros(0, dtype=np.int64)
        self._tiles: OrderedDict[tuple[int, int, int], QImage] = OrderedDict()
        self._pending: dict[tuple[int, int, int], QRectF] = {}
        self.on_pending: Callable[[], None] | None = None  # called when tiles are queued
        self.tiles_rendered = 0  # for tests and benchmarks

    def set_segments(self, segments: np.ndarray, bounds: QRectF) -> None:
        """New edges as an (E, 4) array of x1, y1, x2, y2; clears the tile cache.

        Every edge starts at flow level 1 until ``set_levels`` says otherwise.
        """
        self.prepareGeometryChange()
        self._bounds = QRectF(bounds)
        self._chunks = []
        self._levels = np.ones(len(segments), dtype=np.int64)
        if len(segments):
            # Lines grouped by the region of their end point, so a tile only
            # clips the groups whose bounding box reaches it.
            cells = np.floor(segments[:, 2:4] / _EDGE_CHUNK).astype(np.int64)
            keys = cells[:, 0] * 1_000_000 + cells[:, 1]
            for key in np.unique(keys):
                chunk = segments[keys == key]
                left = float(np.minimum(chunk[:, 0], chunk[:, 2]).min())
                right = float(np.maximum(chunk[:, 0], chunk[:, 2]).max())
                top = float(np.minimum(chunk[:, 1], chunk[:, 3]).min())
                bottom = float(np.maximum(chunk[:, 1], chunk[:, 3]).max())
                rect = QRectF(left, top, right - left, bottom - top).adjusted(-3, -3, 3, 3)
                index = np.nonzero(keys == key)[0]
                self._chunks.append((rect, [QLineF(*row) for row in chunk.tolist()], index))
        self._regroup()

    def set_levels(self, levels: np.ndarray) -> None:
        """The flow level of every edge (same order as the segments); redraws the tiles."""
        levels = np.clip(np.asarray(levels, dtype=np.int64), 0, FLOW_LEVELS - 1)
        if len(levels) != len(self._levels) or np.array_equal(levels, self._levels):
            return
        self._levels = levels
        self._regroup()

    def first_drawn_level(self, scale: float) -> int:
        """The weakest flow level drawn at ``scale`` (device pixels per scene unit)."""
        if scale > 1.0:
            return 0
        if len(self._levels) > VERY_DENSE_EDGES:
            return 2
        return 1 if len(self._levels) > DENSE_EDGES else 0

    @property
    def levels(self) -> np.ndarray:
        """Each edge's flow level (a copy)."""
        return self._levels.copy()

    def _regroup(self) -> None:
        self._by_level = []
        for _, lines, index in self._chunks:
            chunk_levels = self._levels[index]
            self._by_level.append(
                [
                    [lines[i] for i in np.nonzero(chunk_levels == level)[0].tolist()]
                    for level in range(FLOW_LEVELS)
                ]
            )
        self._tiles.clear()
        self._pending.clear()
        self.update()

    def _draw_lines(self, painter: QPainter, reach: QRectF, scale: float = 1.0) -> None:
        """Every line whose chunk reaches ``reach``, weak levels first.

        ``scale``: device pixels per scene unit, so that no line is thinner than a pixel.
        """
        chunks = [
            by_level
            for (rect, _, _), by_level in zip(self._chunks, self._by_level, strict=True)
            if rect.intersects(reach)
        ]
        first = self.first_drawn_level(scale)
        count = sum(len(lines) for by_level in chunks for lines in by_level[first:])
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, count <= _ANTIALIAS_MAX_LINES)
        for level, (colour, width) in enumerate(FLOW_PENS):
            if level < first:
                continue
            pen = QPen(colour, max(width, 1.0 / scale))
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            painter.setPen(pen)
            for by_level in chunks:
                if by_level[level]:
                    painter.drawLines(by_level[level])

    def boundingRect(self) -> QRectF:
        return self._bounds

    @property
    def pending(self) -> int:
        """How many tiles wait to be rendered."""
        return len(self._pending)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        if not self._chunks:
            return
        exposed = option.exposedRect.intersected(self._bounds)
        if exposed.isEmpty():
            return
        if widget is None:  # an export (scene.render): real lines
            self._draw_lines(painter, exposed, math.inf)  # every edge, at its own width
            return
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        queued = False
        for key, target in self.tiles_for(lod, exposed):
            image = self._tiles.get(key)
            if image is not None:
                self._tiles.move_to_end(key)
                painter.drawImage(target, image, QRectF(1, 1, _TILE, _TILE))
                continue
            self._draw_stand_in(painter, *key, target)
            self._pending[key] = target
            queued = True
        if queued and self.on_pending is not None:
            self.on_pending()

    def tiles_for(self, lod: float, exposed: QRectF) -> list[tuple[tuple[int, int, int], QRectF]]:
        """The tiles (level, tx, ty) and their scene rectangles that cover ``exposed``.

        Queued tiles of other levels are dropped: the user has zoomed on.
        """
        level = min(_MAX_TILE_LEVEL, math.ceil(math.log2(max(lod, 1e-6)) - 1e-9))
        span = _TILE / 2.0**level  # scene units per tile
        self._pending = {k: r for k, r in self._pending.items() if k[0] == level}
        exposed = exposed.intersected(self._bounds)
        if exposed.isEmpty():
            return []
        return [
            ((level, tx, ty), QRectF(tx * span, ty * span, span, span))
            for ty in range(
                math.floor(exposed.top() / span), math.floor(exposed.bottom() / span) + 1
            )
            for tx in range(
                math.floor(exposed.left() / span), math.floor(exposed.right() / span) + 1
            )
        ]

    def queue(self, tiles: list[tuple[tuple[int, int, int], QRectF]]) -> None:
        """Queue the tiles not in the cache yet."""
        for key, rect in tiles:
            if key not in self._tiles:
                self._pending[key] = rect

    def _draw_stand_in(
        self, painter: QPainter, level: int, tx: int, ty: int, target: QRectF
    ) -> None:
        """Fill a missing tile's place from a cached coarser tile, if there is one."""
        for up in range(1, 4):
            key = (level - up, tx >> up, ty >> up)
            image = self._tiles.get(key)
            if image is None:
                continue
            part = _TILE / 2**up  # this tile's share of the coarser tile, in its pixels
            source = QRectF(
                1 + (tx - (key[1] << up)) * part, 1 + (ty - (key[2] << up)) * part, part, part
            )
            painter.drawImage(target, image, source)
            return

    def render_pending(self, budget_seconds: float = 0.03) -> bool:
        """Render queued tiles for up to ``budget_seconds``; True if some remain."""
        deadline = time.perf_counter() + budget_seconds
        while self._pending and time.perf_counter() < deadline:
            key, rect = next(iter(self._pending.items()))
            del self._pending[key]
            self._tiles[key] = self._render_tile(key[0], rect)
            while len(self._tiles) > _MAX_TILES:
                self._tiles.popitem(last=False)
        self.update()
        return bool(self._pending)

    def _render_tile(self, level: int, rect: QRectF) -> QImage:
        scale = 2.0**level
        # One pixel of margin all round, so smooth scaling has no seams between tiles.
        image = QImage(_TILE + 2, _TILE + 2, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(QColor(255, 255, 255))
        painter = QPainter(image)
        painter.setTransform(
            QTransform(scale, 0, 0, scale, 1 - rect.x() * scale, 1 - rect.y() * scale)
        )
        reach = rect.adjusted(-3 / scale, -3 / scale, 3 / scale, 3 / scale)
        self._draw_lines(painter, reach, scale)
        painter.end()
        self.tiles_rendered += 1
        return image
