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
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPainterPath, QPen, QWheelEvent
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsPathItem, QGraphicsScene, QGraphicsView, QWidget

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
        self._path_item = QGraphicsPathItem()
        path_pen = QPen(PATH_COLOUR, 2.2)
        path_pen.setCosmetic(True)  # the same width in pixels at every zoom
        self._path_item.setPen(path_pen)
        self._path_item.setZValue(1)
        self._scene.addItem(self._path_item)
        self.layout_data: GraphLayout | None = None
        self._press_pos: QPoint | None = None
        self._fitted = False  # keep fitting on resize until the user zooms
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
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
        self._scene.setSceneRect(bounds.adjusted(-m, -m, m, m))

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
        if self.edges.render_pending():
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
        if zoom_in and self.zoom() < LOD_NUMBERS + 0.05:
            self.set_zoom(READABLE_ZOOM)
        self.centerOn(self.box_center(box))

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
        self.fitInView(self._scene.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom() > max_zoom:
            self.set_zoom(max_zoom)
            self.centerOn(self._scene.sceneRect().center())
        self._update_hints()
        self._fitted = True

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._fitted:
            self.zoom_to_fit()

    def set_zoom(self, scale: float) -> None:
        """Set an absolute zoom factor (1.0 = one scene unit per pixel)."""
        self._fitted = False
        current = self.transform().m11()
        if current > 0:
            self.scale(scale / current, scale / current)
        self._update_hints()

    def zoom(self) -> float:
        return self.transform().m11()

    def _update_hints(self) -> None:
        # Antialiased lines cost a lot when thousands are on screen; far out nobody sees them.
        self.setRenderHint(QPainter.RenderHint.Antialiasing, self.zoom() >= LOD_TITLES)

    # -- events ------------------------------------------------------------------
    def wheelEvent(self, event: QWheelEvent) -> None:
        factor = 1.0015 ** event.angleDelta().y()
        new_zoom = min(4.0, max(0.002, self.zoom() * factor))
        factor = new_zoom / self.zoom()
        self.scale(factor, factor)
        self._update_hints()

    def mousePressEvent(self, event) -> None:
        self._press_pos = event.position().toPoint()
        self._fitted = False  # the user takes over (a drag pans)
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:
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
        source = self._scene.sceneRect()
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
        source = self._scene.sceneRect()
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
