"""DecisionBoundaryPlot: the window's boundary chart, its hover read-out and its clicks.

Knows nothing about training: it is handed a BoundaryGrid and point arrays
(drawn by a BoundaryChart). It also is the canvas of draw mode (left click
asks to add a point, right click to remove the nearest) and, outside draw
mode, reports which training point was clicked so the graph explorer can
open that sample; a right click there opens the Export menu.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from microgui.widgets.boundary_chart import BoundaryChart
from microgui.widgets.boundary_grid import BoundaryGrid
from microgui.widgets.elided_label import ElidedLabel
from microgui.widgets.plot_export import install_export_menu
from microgui.widgets.plot_style import make_plot_widget

CLICK_RADIUS_PX = 8.0
MIN_SQUARE_PX = 60  # below this a square ViewBox would waste the little room there is


class DecisionBoundaryPlot(QWidget):
    """Heat map + training/test points + hover read-out + draw-mode clicks."""

    pointClicked = Signal(int)  # index of the training sample clicked (outside draw mode)
    pointAddRequested = Signal(float, float)  # draw mode, left click at data coordinates
    pointRemoveRequested = Signal(float, float)  # draw mode, right click at data coordinates
    exportRequested = Signal(str)  # "png" | "svg" | "csv", from the right-click menu

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot_widget = make_plot_widget()
        self.plot_item = self.plot_widget.getPlotItem()
        self.chart = BoundaryChart(self.plot_item)
        self.image_item = self.chart.image_item
        self.curve_item = self.chart.curve_item
        self.train_scatter = self.chart.train_scatter
        self.test_scatter = self.chart.test_scatter
        self.loss_marks = self.chart.loss_marks

        # Painted, not a QLabel: its text changes with every snapshot under the mouse.
        self.hover_label = ElidedLabel("")
        self.hover_label.setObjectName("hoverLabel")
        self.plot_area = SquarePlotArea(self.plot_widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.plot_area, 1)
        layout.addWidget(self.hover_label)

        self.draw_mode = False
        self._hover: tuple[float, float] | None = None  # data point under the mouse
        install_export_menu(self.plot_widget, self.exportRequested.emit, lambda: not self.draw_mode)
        scene = self.plot_widget.scene()
        scene.sigMouseMoved.connect(self._on_mouse_moved)
        scene.sigMouseClicked.connect(self._on_mouse_clicked)
        self._leave_watcher = _LeaveWatcher(self._on_mouse_left, self)
        self.plot_widget.viewport().installEventFilter(self._leave_watcher)

    # ------------------------------------------------------------ chart state
    @property
    def grid(self) -> BoundaryGrid | None:
        """The boundary shown (None: none)."""
        return self.chart.grid

    @property
    def train_xy(self) -> np.ndarray:
        """Training points in plot coordinates."""
        return self.chart.train_xy

    @property
    def task(self) -> str:
        """The task of the data shown."""
        return self.chart.task

    # ---------------------------------------------------------------- setters
    def set_axis_labels(self, x_label: str, y_label: str) -> None:
        """Name the plotted features (or "x" and "target" for 1-D regression)."""
        self.chart.set_axis_labels(x_label, y_label)

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
        self.chart.set_points(train_xy, train_y, test_xy, test_y, task, class_names, curve)
        self._refresh_hover()

    def set_boundary(self, grid: BoundaryGrid | None) -> None:
        """Show the model output; None clears the heat map, the curve and the read-out."""
        self.chart.set_boundary(grid)
        self._refresh_hover()

    def set_discretize(self, enabled: bool) -> None:
        """Hard class regions (or banded regression values) instead of a soft gradient."""
        self.chart.set_discretize(enabled)

    def set_show_test(self, enabled: bool) -> None:
        """Show or hide the test points."""
        self.chart.set_show_test(enabled)

    def set_sample_losses(self, losses: np.ndarray) -> None:
        """Each training point's loss (same order as the points), for the loss marks."""
        self.chart.set_sample_losses(losses)

    def set_mark_losses(self, enabled: bool) -> None:
        """Ring the training points whose loss is above 0 (or stop)."""
        self.chart.set_mark_losses(enabled)

    def marked_points(self) -> np.ndarray:
        """Indices of the training points ringed now."""
        return self.chart.marked_points()

    def set_draw_mode(self, enabled: bool) -> None:
        """In draw mode clicks edit the data instead of selecting a sample."""
        self.draw_mode = bool(enabled)
        self.plot_widget.setCursor(Qt.CrossCursor if enabled else Qt.ArrowCursor)

    def set_extent(
        self,
        x_range: tuple[float, float],
        y_range: tuple[float, float],
        equal_aspect: bool = False,
    ) -> None:
        """Fix the visible rectangle (equal_aspect: one unit as long on both axes, and the
        plot square, so a square plane fills it)."""
        self.plot_area.set_square(equal_aspect)
        self.chart.set_extent(x_range, y_range, equal_aspect)

    def clear(self) -> None:
        """Forget data and boundary."""
        self.chart.clear()
        self._refresh_hover()

    def set_message(self, text: str) -> None:
        """A line in the middle of the plot ("" hides it), e.g. why there is no data."""
        self.chart.set_message(text)

    # ------------------------------------------------------------------ hover
    def describe_point(self, x: float, y: float) -> str:
        """The hover read-out: coordinates and the model's output there."""
        return self.chart.describe_point(x, y)

    def _refresh_hover(self) -> None:
        """Say what the model gives under the mouse now: a read-out never outlives its data."""
        if self._hover is None or (self.grid is None and not len(self.chart.train_xy)):
            text = ""
        else:
            text = self.describe_point(*self._hover)
        if text != self.hover_label.full_text:
            self.hover_label.set_full_text(text)

    def _on_mouse_moved(self, scene_pos) -> None:
        vb = self.plot_item.vb
        if not vb.sceneBoundingRect().contains(scene_pos):
            self._on_mouse_left()
            return
        point = vb.mapSceneToView(scene_pos)
        self._hover = (point.x(), point.y())
        self._refresh_hover()

    def _on_mouse_left(self) -> None:
        self._hover = None
        self._refresh_hover()

    # ------------------------------------------------------------------ clicks
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
        train_xy = self.chart.train_xy
        if not len(train_xy):
            return None
        px_w, px_h = self.plot_item.vb.viewPixelSize()
        px_w = px_w or 1.0
        px_h = px_h or 1.0
        d = np.hypot((train_xy[:, 0] - x) / px_w, (train_xy[:, 1] - y) / px_h)
        index = int(np.argmin(d))
        return index if d[index] <= radius_px else None

    def data_to_widget(self, x: float, y: float):
        """Widget-local pixel position of a data point (used by tests and tooltips)."""
        scene = self.plot_item.vb.mapViewToScene(pg.Point(x, y))
        view_pos = self.plot_widget.mapFromScene(scene)
        return view_pos


class SquarePlotArea(QWidget):
    """Holds the PlotWidget; while square, sizes it so that its ViewBox is square.

    With a locked 1:1 aspect the ViewBox of a wider widget shows bands left and
    right of the square plane, with no heat map in them; the widget is shrunk
    to fit instead, centred, and what remains is the panel's own background.
    """

    def __init__(self, plot_widget: pg.PlotWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot_widget = plot_widget
        plot_widget.setParent(self)
        self.square = False
        self._fitting = False
        plot_widget.getPlotItem().vb.sigResized.connect(self._fit)

    def set_square(self, square: bool) -> None:
        """Keep the ViewBox square (True) or let the plot fill the area (False)."""
        if square != self.square:
            self.square = square
            self._fit()

    def sizeHint(self):
        return self.plot_widget.sizeHint()

    def minimumSizeHint(self):
        return self.plot_widget.minimumSizeHint()

    def resizeEvent(self, event) -> None:
        self._fit()

    def _fit(self) -> None:
        if self._fitting:
            return
        self._fitting = True
        try:
            width, height = self.width(), self.height()
            if not self.square:
                self.plot_widget.setGeometry(0, 0, width, height)
                return
            # What the axes, title and margins take, as laid out now.
            view = self.plot_widget.getPlotItem().vb.size()
            extra_w = self.plot_widget.width() - view.width()
            extra_h = self.plot_widget.height() - view.height()
            if view.width() <= 0 or view.height() <= 0:  # not laid out yet
                self.plot_widget.setGeometry(0, 0, width, height)
                return
            side = min(width - extra_w, height - extra_h)
            if side < MIN_SQUARE_PX:  # too small to square: use all there is
                self.plot_widget.setGeometry(0, 0, width, height)
                return
            w, h = round(side + extra_w), round(side + extra_h)
            self.plot_widget.setGeometry((width - w) // 2, (height - h) // 2, w, h)
        finally:
            self._fitting = False


class _LeaveWatcher(QObject):
    """Calls back when the mouse leaves the chart (the read-out then clears)."""

    def __init__(self, on_leave, parent: QObject) -> None:
        super().__init__(parent)
        self.on_leave = on_leave

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Leave:
            self.on_leave()
        return False
