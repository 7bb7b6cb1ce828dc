"""GraphView: a pan/zoom view of a computation graph that stays smooth at 10,000+ nodes.

Why it is built this way:

* All boxes are painted by one item (NodeLayer) and all edges by another
  (EdgeLayer, from cached tiles), not one QGraphicsItem per node or edge:
  Qt would call Python once per item per frame.
* With three items the scene uses NoIndex: a BSP tree would cost more to
  maintain than the scan it saves.
* Clicks are hit-tested against the numpy box arrays.
* The path from the selected node to the loss is one QGraphicsPathItem with
  a cosmetic pen, so it stays visible at every zoom.
* The wheel zooms about the point under the mouse, computed here rather
  than by Qt's AnchorUnderMouse (which reads the global cursor), and every
  zoom is announced (``zoomChanged``) with the point it kept: the explorer's
  semantic zoom re-lays out the graph there. ``anchor_at`` / ``restore_anchor``
  keep the box under that point under it across a new layout, growing the
  scene's scroll area when the new drawing is too small to scroll there.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPainterPath, QPen, QWheelEvent
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import (
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsView,
    QStyle,
    QWidget,
)

from microgui.graph_explorer.edge_layer import EdgeLayer
from microgui.graph_explorer.layout import GraphLayout
from microgui.graph_explorer.node_layer import LOD_NUMBERS, LOD_TITLES, PATH_COLOUR, NodeLayer

__all__ = ["GraphView"]

_MAX_PNG_SIDE = 8000
_SCENE_MARGIN = 14.0  # around the drawing: the fit zoom is what keeps text readable
READABLE_ZOOM = 1.0  # where the stepper and search take the view to read a box


class GraphView(QGraphicsView):
    """The scene of one GraphLayout: boxes, batched edges, selection and path marks."""

    nodeClicked = Signal(int)  # box index
    nodeDoubleClicked = Signal(int)
    nodeContextMenu = Signal(int, QPoint)  # box index, global position
    zoomChanged = Signal(float, QPointF)  # the new zoom, the viewport point it kept in place
    scrolled = Signal()  # the view moved (pan, scroll, centre on a box)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._scene = QGraphicsScene(self)
        self._scene.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self._scene.setBackgroundBrush(QBrush(QColor(255, 255, 255)))
        self.setScene(self._scene)
        self.nodes = NodeLayer()
        self.nodes.setZValue(2)
        self._scene.addItem(self.nodes)
        self.edges = EdgeLayer()
        self.edges.setZValue(0)
        self._scene.addItem(self.edges)
        self._tile_timer = QTimer(self)
        self._tile_timer.setSingleShot(True)
        self._tile_timer.setInterval(0)
        self._tile_timer.timeout.connect(self._render_some_tiles)
        self.edges.on_pending = self._tile_timer.start
        self._tiles_held = False
        self._path_item = QGraphicsPathItem()
        path_pen = QPen(PATH_COLOUR, 2.2)
        path_pen.setCosmetic(True)  # the same width in pixels at every zoom
        self._path_item.setPen(path_pen)
        self._path_item.setZValue(1)
        self._scene.addItem(self._path_item)
        self.layout_data: GraphLayout | None = None
        self._content = QRectF()  # the drawing and its margin (the scene may be grown past it)
        self._press_pos: QPoint | None = None
        self.pressed = False  # a mouse button is down on the view (a drag may be under way)
        self._fitted = False  # keep fitting on resize until the user zooms
        # A point restore_anchor put under the mouse: (scene point, global screen point).
        # Kept there through the re-layout of the widgets around the view that may follow
        # (a header that wraps to another line moves the view) until the user acts.
        self._held: tuple[QPointF, QPoint] | None = None
        self._hold_timer = QTimer(self)
        self._hold_timer.setSingleShot(True)
        self._hold_timer.setInterval(500)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        # set_zoom keeps the centre; the wheel keeps the point under the mouse (zoom_at).
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setOptimizationFlags(
            QGraphicsView.OptimizationFlag.DontSavePainterState
            | QGraphicsView.OptimizationFlag.DontAdjustForAntialiasing
        )
        self.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        self.setMinimumSize(200, 150)

    # -- content -------------------------------------------------------------
    def set_layout(self, layout: GraphLayout) -> None:
        """Replace the drawing with a new layout (numbers come via set_numbers)."""
        self.layout_data = layout
        self.nodes.set_boxes(
            layout.x,
            layout.y,
            layout.graph.titles,
            layout.graph.kinds,
            layout.w,
            layout.h,
            layout.regions,
        )
        bounds = QRectF(0, 0, layout.width, layout.height)
        self.edges.set_segments(layout.segments, bounds)
        self._path_item.setPath(QPainterPath())
        m = _SCENE_MARGIN
        self._content = bounds.adjusted(-m, -m, m, m)
        self._scene.setSceneRect(self._content)

    def set_numbers(self, *args, **kwargs) -> None:
        """Forwarded to NodeLayer.set_numbers."""
        self.nodes.set_numbers(*args, **kwargs)

    def set_edge_levels(self, levels: np.ndarray) -> None:
        """How much gradient flows along each edge, as a level (EdgeLayer.set_levels)."""
        self.edges.set_levels(levels)

    def set_marks(self, selected: int, path_boxes: np.ndarray | None, current: int = -1) -> None:
        """Mark the selected box and the boxes (and edges between them) on its path to the loss."""
        self.nodes.set_marks(selected, path_boxes, current)
        path = QPainterPath()
        if path_boxes is not None and self.layout_data is not None and path_boxes.any():
            edges = self.layout_data.graph.edges
            on_path = path_boxes[edges[:, 0]] & path_boxes[edges[:, 1]]
            for x1, y1, x2, y2 in self.layout_data.segments[on_path].tolist():
                path.moveTo(x1, y1)
                path.lineTo(x2, y2)
        self._path_item.setPath(path)

    def _render_some_tiles(self) -> None:
        if self._tiles_held:
            return  # a new layout is on its way: these tiles would be thrown away
        if self.edges.render_pending():
            self._tile_timer.start()

    def hold_tiles(self, held: bool) -> None:
        """Stop (True) or resume rendering edge tiles in the background; while a new layout
        is computed on another thread, the tiles of the old one would only cost time."""
        self._tiles_held = held
        if not held and self.edges.pending:
            self._tile_timer.start()

    def finish_rendering(self) -> None:
        """Render every edge tile the current view needs now (screenshots, benchmarks)."""
        visible = self.mapToScene(self.viewport().rect()).boundingRect()
        self.edges.queue(self.edges.tiles_for(self.zoom(), visible))
        while self.edges.render_pending(budget_seconds=10.0):
            pass
        self._tile_timer.stop()

    # -- geometry helpers ------------------------------------------------------
    def box_center(self, box: int) -> QPointF:
        """Scene position of the centre of a box."""
        return QPointF(
            float(self.nodes.x[box] + self.nodes.w[box] / 2),
            float(self.nodes.y[box] + self.nodes.h[box] / 2),
        )

    def center_on_box(self, box: int, zoom_in: bool = True) -> None:
        """Scroll to a box, zooming in far enough to read its numbers (never out)."""
        self._fitted = False
        self._hold_timer.stop()  # a place held for a level change is no longer wanted
        if zoom_in and self.zoom() < LOD_NUMBERS + 0.05:
            self.set_zoom(READABLE_ZOOM)
        self.centerOn(self.box_center(box))

    def boxes_in_view(self) -> np.ndarray:
        """Indices of the boxes that lie (at least partly) inside the viewport."""
        r = self.mapToScene(self.viewport().rect()).boundingRect()
        n = self.nodes
        return np.nonzero(
            (n.x + n.w >= r.left())
            & (n.x <= r.right())
            & (n.y + n.h >= r.top())
            & (n.y <= r.bottom())
        )[0]

    def box_visible(self, box: int) -> bool:
        """True when the whole box lies inside the viewport."""
        visible = self.mapToScene(self.viewport().rect()).boundingRect()
        rect = self.nodes.rects[box] if 0 <= box < len(self.nodes.rects) else QRectF()
        return visible.contains(rect)

    def zoom_to_fit(self, max_zoom: float = 1.0) -> None:
        """Show the whole graph (a small one at most at ``max_zoom``, not blown up).

        The fit is kept through resizes (the tab may be laid out later) until
        the user zooms or the view scrolls to a node.
        """
        self._hold_timer.stop()  # the whole graph, not a place held for a level change
        self._scene.setSceneRect(self._content)  # drop what restore_anchor added
        self.fitInView(self._content, Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom() > max_zoom:
            self.set_zoom(max_zoom)
            self.centerOn(self._content.center())
        self._update_hints()
        self._fitted = True
        self._announce_zoom()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._fitted:
            self.zoom_to_fit()
        else:
            self._keep_held()

    def set_zoom(self, scale: float) -> None:
        """Set an absolute zoom factor (1.0 = one scene unit per pixel)."""
        self._fitted = False
        current = self.transform().m11()
        if current > 0:
            self.scale(scale / current, scale / current)
        self._update_hints()
        self._announce_zoom()

    def zoom(self) -> float:
        return self.transform().m11()

    def zoom_at(self, zoom: float, pos: QPointF) -> None:
        """Zoom to ``zoom`` (clamped to 0.002-4) keeping the scene point under viewport ``pos``."""
        zoom = min(4.0, max(0.002, zoom))
        kept = self._to_scene(pos)
        self._fitted = False
        factor = zoom / self.zoom()
        self.scale(factor, factor)
        self._hold(kept, pos)
        self._update_hints()
        self.zoomChanged.emit(self.zoom(), QPointF(pos))

    def _announce_zoom(self) -> None:
        self.zoomChanged.emit(self.zoom(), QPointF(self.viewport().rect().center()))

    def _to_scene(self, pos: QPointF) -> QPointF:
        """The scene point under a viewport point, without rounding it to whole pixels."""
        inverse, _ = self.viewportTransform().inverted()
        return inverse.map(QPointF(pos))

    def _put(self, scene_point: QPointF, pos: QPointF, grow: bool) -> None:
        """Scroll so that ``scene_point`` lies under viewport ``pos``.

        ``grow``: first set the scene's scroll area to the drawing plus as much
        blank room as that needs (a drawing smaller than the view would
        otherwise be centred, and the point would jump).
        """
        zoom = self.zoom()
        if grow and zoom > 0:
            viewport = self.viewport().rect()
            # A scroll bar's width more than the view each way: the scroll bars then stay
            # whether or not they are shown (no showing and hiding them in turn).
            bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
            pad = (bar + 4.0) / zoom
            needed = QRectF(
                scene_point.x() - pos.x() / zoom - pad,
                scene_point.y() - pos.y() / zoom - pad,
                viewport.width() / zoom + 2 * pad,
                viewport.height() / zoom + 2 * pad,
            )
            # Only as much blank room as holding the point needs (never more and more).
            self._scene.setSceneRect(self._content.united(needed))
        for _ in range(2):  # the scroll bars' ranges may change with the first move
            now = self.viewportTransform().map(scene_point)
            dx, dy = round(now.x() - pos.x()), round(now.y() - pos.y())
            if not dx and not dy:
                break
            bar_x, bar_y = self.horizontalScrollBar(), self.verticalScrollBar()
            bar_x.setValue(bar_x.value() + dx)
            bar_y.setValue(bar_y.value() + dy)

    # -- keeping a place across a new layout ----------------------------------------
    def box_near(self, scene_point: QPointF) -> int:
        """The box under ``scene_point``, else the one whose centre is nearest; -1 if none."""
        box = self.nodes.box_at(scene_point)
        if box >= 0 or not len(self.nodes.x):
            return box
        cx = self.nodes.x + self.nodes.w / 2 - scene_point.x()
        cy = self.nodes.y + self.nodes.h / 2 - scene_point.y()
        return int(np.argmin(cx * cx + cy * cy))

    def anchor_at(self, pos: QPointF, box: int | None = None) -> tuple[int, float, float]:
        """(box, fx, fy): the box at (or nearest to) viewport ``pos`` (or the given one),
        and where ``pos`` lies relative to it, in fractions of its width and height."""
        point = self._to_scene(pos)
        if box is None:
            box = self.box_near(point)
        if box < 0:
            return -1, 0.0, 0.0
        fx = (point.x() - self.nodes.x[box]) / self.nodes.w[box]
        fy = (point.y() - self.nodes.y[box]) / self.nodes.h[box]
        return box, float(fx), float(fy)

    def restore_anchor(self, box: int, fx: float, fy: float, pos: QPointF) -> None:
        """Scroll so that the point at (fx, fy) of ``box`` lies under viewport ``pos`` again."""
        if not 0 <= box < len(self.nodes.x):
            return
        self._fitted = False
        point = QPointF(
            float(self.nodes.x[box] + fx * self.nodes.w[box]),
            float(self.nodes.y[box] + fy * self.nodes.h[box]),
        )
        self._hold(point, pos)

    def _hold(self, point: QPointF, pos: QPointF) -> None:
        """Put scene ``point`` under viewport ``pos``, and keep it there for a moment."""
        self._put(point, pos, grow=True)
        self._held = (point, self.viewport().mapToGlobal(pos.toPoint()))
        self._hold_timer.start()

    def _keep_held(self) -> None:
        if self._held is not None and self._hold_timer.isActive():
            point, global_pos = self._held
            self._put(point, QPointF(self.viewport().mapFromGlobal(global_pos)), grow=True)

    def _update_hints(self) -> None:
        # Antialiased lines cost a lot when thousands are on screen; far out nobody sees them.
        self.setRenderHint(QPainter.RenderHint.Antialiasing, self.zoom() >= LOD_TITLES)

    # -- events ------------------------------------------------------------------
    def wheelEvent(self, event: QWheelEvent) -> None:
        self._hold_timer.stop()
        self.zoom_at(self.zoom() * 1.0015 ** event.angleDelta().y(), event.position())

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        self.scrolled.emit()

    def mousePressEvent(self, event) -> None:
        self._press_pos = event.position().toPoint()
        self.pressed = True
        self._fitted = False  # the user takes over (a drag pans)
        self._hold_timer.stop()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        self.pressed = False
        super().mouseReleaseEvent(event)
        pos = event.position().toPoint()
        if event.button() != Qt.MouseButton.LeftButton or self._press_pos is None:
            return
        if (pos - self._press_pos).manhattanLength() <= 4:  # a click, not a drag
            box = self.nodes.box_at(self.mapToScene(pos))
            if box >= 0:
                self.nodeClicked.emit(box)
        self._press_pos = None

    def mouseDoubleClickEvent(self, event) -> None:
        box = self.nodes.box_at(self.mapToScene(event.position().toPoint()))
        if box >= 0:
            self.nodeDoubleClicked.emit(box)
        else:
            super().mouseDoubleClickEvent(event)

    def contextMenuEvent(self, event) -> None:
        box = self.nodes.box_at(self.mapToScene(event.pos()))
        if box >= 0:
            self.nodeContextMenu.emit(box, event.globalPos())

    # -- export ------------------------------------------------------------------
    def export_svg(self, path: str, title: str = "computation graph") -> None:
        """The whole scene as an SVG file (vector; every box with its numbers)."""
        source = self._content
        generator = QSvgGenerator()
        generator.setFileName(path)
        generator.setSize(QSize(int(source.width()), int(source.height())))
        generator.setViewBox(QRectF(0, 0, source.width(), source.height()))
        generator.setTitle(title)
        painter = QPainter(generator)
        try:
            self._scene.render(painter, QRectF(0, 0, source.width(), source.height()), source)
        finally:
            painter.end()

    def export_png(self, path: str) -> QSize:
        """The whole scene as a PNG, scaled down if a side would exceed 8,000 pixels."""
        source = self._content
        scale = min(1.0, _MAX_PNG_SIDE / max(source.width(), source.height(), 1.0))
        size = QSize(max(1, int(source.width() * scale)), max(1, int(source.height() * scale)))
        image = QImage(size, QImage.Format.Format_ARGB32)
        image.fill(QColor(255, 255, 255))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        try:
            self._scene.render(painter, QRectF(0, 0, size.width(), size.height()), source)
        finally:
            painter.end()
        if not image.save(path, "PNG"):
            raise OSError(f"could not write {path}; check the folder exists and is writable")
        return size
