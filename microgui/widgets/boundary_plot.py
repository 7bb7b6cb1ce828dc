"""DecisionBoundaryPlot: the model's output as a heat map with the data points on top.

Knows nothing about training: it is handed a BoundaryGrid and point arrays.
It also is the canvas of draw mode (left click asks to add a point, right
click to remove the nearest) and, outside draw mode, reports which training
point was clicked so the graph explorer can open that sample.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from microgui.widgets.boundary_grid import BoundaryGrid
from microgui.widgets.boundary_image import boundary_rgba, grid_index, image_rect
from microgui.widgets.colors import class_rgb, diverging_rgba
from microgui.widgets.plot_style import style_plot_item

CLICK_RADIUS_PX = 8.0
TITLES = {"regression": "Model output (colour = prediction)"}


class DecisionBoundaryPlot(QWidget):
    """Heat map + training/test points + hover read-out + draw-mode clicks."""

    pointClicked = Signal(int)  # index of the training sample clicked (outside draw mode)
    pointAddRequested = Signal(float, float)  # draw mode, left click at data coordinates
    pointRemoveRequested = Signal(float, float)  # draw mode, right click at data coordinates

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot_widget = pg.PlotWidget()
        self.plot_item = self.plot_widget.getPlotItem()
        style_plot_item(self.plot_item, title="Decision boundary", bottom="x0", left="x1")
        self.plot_item.showGrid(x=False, y=False)
        self.plot_item.hideButtons()
        self.plot_item.vb.setMouseEnabled(x=False, y=False)
        self.plot_item.vb.setMenuEnabled(False)

        self.image_item = pg.ImageItem()
        self.image_item.setZValue(-10)
        self.plot_item.addItem(self.image_item)
        self.curve_item = pg.PlotDataItem(pen=pg.mkPen("#0877bd", width=3))
        self.plot_item.addItem(self.curve_item)
        self.test_scatter = pg.ScatterPlotItem(size=7, pxMode=True)
        self.train_scatter = pg.ScatterPlotItem(size=8, pxMode=True)
        self.plot_item.addItem(self.test_scatter)
        self.plot_item.addItem(self.train_scatter)
        # Rings around the training points whose loss is above 0 (they still send a gradient).
        self.loss_marks = pg.ScatterPlotItem(
            size=15, pxMode=True, symbol="o", brush=None, pen=pg.mkPen("#c0392b", width=2)
        )
        self.loss_marks.setZValue(5)
        self.plot_item.addItem(self.loss_marks)
        self.sample_losses = np.zeros(0)
        self.mark_losses = False

        self.hover_label = QLabel(" ")
        self.hover_label.setObjectName("hoverLabel")
        self.hover_label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.plot_widget, 1)
        layout.addWidget(self.hover_label)

        self.grid: BoundaryGrid | None = None
        self.discretize = False
        self.show_test = True
        self.draw_mode = False
        self.task = "binary"
        self.curve = False
        self.train_xy = np.zeros((0, 2))
        self.train_y = np.zeros(0)
        self.test_xy = np.zeros((0, 2))
        self.test_y = np.zeros(0)
        self.class_names: tuple[str, ...] = ()
        self.value_range = (-1.0, 1.0)
        self._extent: tuple[float, float, float, float] | None = None

        scene = self.plot_widget.scene()
        scene.sigMouseMoved.connect(self._on_mouse_moved)
        scene.sigMouseClicked.connect(self._on_mouse_clicked)

    # ---------------------------------------------------------------- setters
    def set_axis_labels(self, x_label: str, y_label: str) -> None:
        """Name the plotted features (or "x" and "target" for 1-D regression)."""
        self.plot_item.getAxis("bottom").setLabel(x_label)
        self.plot_item.getAxis("left").setLabel(y_label)

    def set_points(
        self,
        train_xy: np.ndarray,
        train_y: np.ndarray,
        test_xy: np.ndarray | None = None,
        test_y: np.ndarray | None = None,
        task: str = "binary",
        class_names: tuple[str, ...] = (),
        curve: bool = False,
    ) -> None:
        """Data in plot coordinates: (n, 2) columns x, y; curve=True for 1-D regression
        where the columns are x and the target."""
        self.task = task
        self.curve = bool(curve)
        title = "Fitted curve" if curve else TITLES.get(task, "Decision boundary")
        self.plot_item.setTitle(title, size="10pt")
        self.class_names = tuple(class_names)
        self.train_xy = np.asarray(train_xy, dtype=np.float64).reshape(-1, 2)
        self.train_y = np.asarray(train_y, dtype=np.float64).reshape(-1)
        self.test_xy = np.zeros((0, 2)) if test_xy is None else np.asarray(test_xy, float)
        self.test_xy = self.test_xy.reshape(-1, 2)
        self.test_y = np.zeros(0) if test_y is None else np.asarray(test_y, float).reshape(-1)
        if task == "regression" and len(self.train_y):
            lo, hi = float(np.min(self.train_y)), float(np.max(self.train_y))
            self.value_range = (lo, hi if hi > lo else lo + 1.0)
        self._redraw_points()

    def set_boundary(self, grid: BoundaryGrid | None) -> None:
        """Show the model output; None clears the heat map and the curve."""
        self.grid = grid
        self._redraw_boundary()

    def set_discretize(self, enabled: bool) -> None:
        """Hard class regions (or banded regression values) instead of a soft gradient."""
        self.discretize = bool(enabled)
        self._redraw_boundary()

    def set_show_test(self, enabled: bool) -> None:
        """Show or hide the test points."""
        self.show_test = bool(enabled)
        self.test_scatter.setVisible(self.show_test)

    def set_sample_losses(self, losses: np.ndarray) -> None:
        """Each training point's loss (same order as the points), for the loss marks."""
        self.sample_losses = np.asarray(losses, dtype=np.float64).reshape(-1)
        self._redraw_loss_marks()

    def set_mark_losses(self, enabled: bool) -> None:
        """Ring the training points whose loss is above 0 (or stop)."""
        self.mark_losses = bool(enabled)
        self._redraw_loss_marks()

    def marked_points(self) -> np.ndarray:
        """Indices of the training points ringed now."""
        if not self.mark_losses or len(self.sample_losses) != len(self.train_xy):
            return np.zeros(0, dtype=np.int64)
        return np.nonzero(self.sample_losses > 0)[0]

    def _redraw_loss_marks(self) -> None:
        self.loss_marks.setData(pos=self.train_xy[self.marked_points()])

    def set_draw_mode(self, enabled: bool) -> None:
        """In draw mode clicks edit the data instead of selecting a sample."""
        self.draw_mode = bool(enabled)
        self.plot_widget.setCursor(Qt.CrossCursor if enabled else Qt.ArrowCursor)

    def set_extent(self, x_range: tuple[float, float], y_range: tuple[float, float]) -> None:
        """Fix the visible rectangle (the data extent plus a margin)."""
        self._extent = (x_range[0], x_range[1], y_range[0], y_range[1])
        self.plot_item.setXRange(*x_range, padding=0)
        self.plot_item.setYRange(*y_range, padding=0)

    def clear(self) -> None:
        """Forget data and boundary."""
        self.set_points(np.zeros((0, 2)), np.zeros(0), task=self.task)
        self.set_boundary(None)

    # ---------------------------------------------------------------- drawing
    def _point_brushes(self, y: np.ndarray, alpha: int) -> list:
        if self.task == "regression":
            lo, hi = self.value_range
            span = (hi - lo) / 2.0 or 1.0
            rgba = diverging_rgba((y - (lo + hi) / 2.0) / span, alpha)
            return [pg.mkBrush(*map(int, c)) for c in rgba]
        return [pg.mkBrush(*class_rgb(int(c)), alpha) for c in y]

    def _redraw_points(self) -> None:
        if self.curve:
            train_brush = pg.mkBrush(8, 119, 189, 170)
            self.train_scatter.setData(
                pos=self.train_xy, brush=train_brush, pen=pg.mkPen("w", width=1), size=7
            )
            self.test_scatter.setData(
                pos=self.test_xy,
                brush=pg.mkBrush(245, 147, 34, 170),
                pen=pg.mkPen("#333", width=1),
                size=6,
            )
        else:
            # Regression colours fade to white near the middle: outline them in grey.
            outline = "#666666" if self.task == "regression" else "w"
            self.train_scatter.setData(
                pos=self.train_xy,
                brush=self._point_brushes(self.train_y, 255),
                pen=pg.mkPen(outline, width=1.2),
            )
            self.test_scatter.setData(
                pos=self.test_xy,
                brush=self._point_brushes(self.test_y, 200),
                pen=pg.mkPen("#222222", width=1.2),
            )
        self.test_scatter.setVisible(self.show_test)
        self._redraw_loss_marks()

    def _redraw_boundary(self) -> None:
        grid = self.grid
        if grid is None:
            self.image_item.clear()
            self.curve_item.setData([], [])
            return
        if grid.kind == "curve":
            self.image_item.clear()
            self.curve_item.setData(grid.curve_x, grid.curve_y)
            return
        self.curve_item.setData([], [])
        if grid.images is not None:  # rendered by the worker: nothing to compute here
            image = grid.images[1 if self.discretize else 0]
        else:
            image = boundary_rgba(grid, self.discretize)
        self.image_item.setImage(image, autoLevels=False)
        self.image_item.setRect(QRectF(*image_rect(grid)))

    # ------------------------------------------------------------------ mouse
    def _on_mouse_moved(self, scene_pos) -> None:
        vb = self.plot_item.vb
        if not vb.sceneBoundingRect().contains(scene_pos):
            return
        point = vb.mapSceneToView(scene_pos)
        self.hover_label.setText(self.describe_point(point.x(), point.y()))

    def describe_point(self, x: float, y: float) -> str:
        """The hover read-out: coordinates and the model's output there."""
        text = f"x = {x:.3f}   y = {y:.3f}"
        grid = self.grid
        if grid is None:
            return text
        if grid.kind == "curve":
            if grid.curve_x is not None and len(grid.curve_x):
                fitted = float(np.interp(x, grid.curve_x, grid.curve_y))
                text += f"   model({x:.3f}) = {fitted:.4g}"
            return text
        cell = grid_index(grid, x, y)
        if cell is None:
            return text
        outputs = np.atleast_1d(grid.outputs[cell])
        shown = ", ".join(f"{v:.4g}" for v in outputs[:6])
        text += f"   output = {shown}"
        if grid.classes is not None:
            cls = int(grid.classes[cell])
            name = self.class_names[cls] if cls < len(self.class_names) else str(cls)
            text += f"   → class {name}"
        return text

    def _on_mouse_clicked(self, event) -> None:
        vb = self.plot_item.vb
        scene_pos = event.scenePos()
        if not vb.sceneBoundingRect().contains(scene_pos):
            return
        point = vb.mapSceneToView(scene_pos)
        self.handle_click(point.x(), point.y(), event.button())
        event.accept()

    def handle_click(self, x: float, y: float, button: Qt.MouseButton) -> None:
        """Turn a click at data coordinates into the matching signal."""
        if self.draw_mode:
            if button == Qt.LeftButton:
                self.pointAddRequested.emit(float(x), float(y))
            elif button == Qt.RightButton:
                self.pointRemoveRequested.emit(float(x), float(y))
            return
        if button == Qt.LeftButton:
            index = self.nearest_training_point(x, y, CLICK_RADIUS_PX)
            if index is not None:
                self.pointClicked.emit(index)

    def nearest_training_point(self, x: float, y: float, radius_px: float) -> int | None:
        """Index of the training point within radius_px screen pixels of (x, y), if any."""
        if not len(self.train_xy):
            return None
        px_w, px_h = self.plot_item.vb.viewPixelSize()
        px_w = px_w or 1.0
        px_h = px_h or 1.0
        d = np.hypot((self.train_xy[:, 0] - x) / px_w, (self.train_xy[:, 1] - y) / px_h)
        index = int(np.argmin(d))
        return index if d[index] <= radius_px else None

    def data_to_widget(self, x: float, y: float):
        """Widget-local pixel position of a data point (used by tests and tooltips)."""
        scene = self.plot_item.vb.mapViewToScene(pg.Point(x, y))
        view_pos = self.plot_widget.mapFromScene(scene)
        return view_pos
