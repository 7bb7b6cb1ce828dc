"""BoundaryChart: the model's output as a heat map with the data points on top, on a PlotItem.

It draws on any pyqtgraph PlotItem: the window's DecisionBoundaryPlot wraps
one, and the ``--plot`` report puts one beside the loss charts in a single
scene for pyqtgraph's exporters, so both show the same colours and layout.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF

from microgui.widgets.boundary_grid import BoundaryGrid
from microgui.widgets.boundary_image import boundary_rgba, grid_index, image_rect
from microgui.widgets.colors import class_rgb, diverging_rgba
from microgui.widgets.plot_style import FOREGROUND, add_legend, curve, set_title, style_plot_item

TITLES = {"regression": "Model output (colour = prediction)"}
CURVE_COLOUR = "#0877bd"


class BoundaryChart:
    """Heat map, fitted curve and training/test points of one plane of the input space."""

    def __init__(self, plot_item: pg.PlotItem, class_legend: bool = False) -> None:
        self.plot_item = plot_item
        style_plot_item(plot_item, title="Decision boundary", bottom="x1", left="x2")
        plot_item.showGrid(x=False, y=False)
        plot_item.hideButtons()
        plot_item.vb.setMouseEnabled(x=False, y=False)
        plot_item.vb.setMenuEnabled(False)
        plot_item.vb.disableAutoRange()

        self.image_item = pg.ImageItem(axisOrder="row-major")
        self.image_item.setZValue(-10)
        plot_item.addItem(self.image_item)
        self.curve_item = curve("model", pg.mkPen(CURVE_COLOUR, width=3))
        plot_item.addItem(self.curve_item)
        self.test_scatter = pg.ScatterPlotItem(size=7, pxMode=True, antialias=True, name="test")
        self.train_scatter = pg.ScatterPlotItem(size=8, pxMode=True, antialias=True, name="train")
        plot_item.addItem(self.test_scatter)
        plot_item.addItem(self.train_scatter)
        # Rings around the training points whose loss is above 0 (they still send a gradient).
        self.loss_marks = pg.ScatterPlotItem(
            size=15, pxMode=True, symbol="o", brush=None, pen=pg.mkPen("#c0392b", width=2)
        )
        self.loss_marks.setZValue(5)
        plot_item.addItem(self.loss_marks)
        self.sample_losses = np.zeros(0)
        self.mark_losses = False
        self.extra_curves: tuple = ()
        # Why there is nothing to show (no data, a dataset that cannot be used), centred.
        self.message_item = pg.TextItem("", color=FOREGROUND, anchor=(0.5, 0.5))
        self.message_item.setZValue(20)
        self.message_item.hide()
        plot_item.addItem(self.message_item, ignoreBounds=True)
        # A legend of the classes (the --plot report; the window reads them on hover).
        self.class_legend = add_legend(plot_item, offset=(-6, 6)) if class_legend else None
        self._legend_samples: list[pg.ScatterPlotItem] = []

        self.grid: BoundaryGrid | None = None
        self.discretize = False
        self.show_test = True
        self.task = "binary"
        self.curve = False
        self.train_xy = np.zeros((0, 2))
        self.train_y = np.zeros(0)
        self.test_xy = np.zeros((0, 2))
        self.test_y = np.zeros(0)
        self.class_names: tuple[str, ...] = ()
        self.value_range = (-1.0, 1.0)
        self.extent: tuple[float, float, float, float] | None = None

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
        set_title(self.plot_item, title)
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
        self._update_class_legend()

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

    def set_extent(
        self,
        x_range: tuple[float, float],
        y_range: tuple[float, float],
        equal_aspect: bool = False,
    ) -> None:
        """Fix the visible rectangle; equal_aspect keeps one unit as long on both axes
        (a square plane then stays square, and circles circles)."""
        extent = (x_range[0], x_range[1], y_range[0], y_range[1])
        if extent == self.extent and self.plot_item.vb.state["aspectLocked"] == equal_aspect:
            return
        self.extent = extent
        vb = self.plot_item.vb
        vb.setAspectLocked(False)
        vb.setRange(xRange=x_range, yRange=y_range, padding=0)
        if equal_aspect:
            vb.setAspectLocked(True, ratio=1.0)
        self._place_message()

    def set_message(self, text: str) -> None:
        """A short text in the middle of the plot ("" hides it), e.g. why there is no data;
        wrapped to the plot's width."""
        width = self.plot_item.vb.width()
        if width > 40:
            self.message_item.setTextWidth(width * 0.9)
        lines = "<br>".join(html.escape(line) for line in text.splitlines())
        style = f"text-align:center; color:{FOREGROUND}"
        self.message_item.setHtml(f'<div style="{style}">{lines}</div>')
        self.message_item.setVisible(bool(text))
        self._place_message()

    def _place_message(self) -> None:
        if self.extent is not None:
            x0, x1, y0, y1 = self.extent
            self.message_item.setPos((x0 + x1) / 2.0, (y0 + y1) / 2.0)

    def clear(self) -> None:
        """Forget data and boundary."""
        self.set_points(np.zeros((0, 2)), np.zeros(0), task=self.task)
        self.set_boundary(None)

    # ---------------------------------------------------------------- reading
    def describe_point(self, x: float, y: float) -> str:
        """The hover read-out: coordinates and the model's output there (short: it must fit
        under a small plot)."""
        text = f"x = {x:.3g}  y = {y:.3g}"
        grid = self.grid
        if grid is None:
            return text
        if grid.kind == "curve":
            if grid.curve_x is not None and len(grid.curve_x):
                fitted = float(np.interp(x, grid.curve_x, grid.curve_y))
                text += f"  model = {fitted:.4g}"
            return text
        cell = grid_index(grid, x, y)
        if cell is None:
            return text
        outputs = np.atleast_1d(grid.outputs[cell])
        if grid.classes is not None and len(outputs) > 1:
            cls = int(grid.classes[cell])  # several logits: the winner's
            text += f"  output = {outputs[cls]:.3g}"
        else:
            text += f"  output = {outputs[0]:.4g}"
        if grid.classes is not None:
            cls = int(grid.classes[cell])
            name = self.class_names[cls] if cls < len(self.class_names) else str(cls)
            text += f"  → class {name}"
        return text

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

    def _update_class_legend(self) -> None:
        if self.class_legend is None:
            return
        for sample in self._legend_samples:
            self.class_legend.removeItem(sample)
        self._legend_samples = []
        if self.task == "regression":
            return
        for index, name in enumerate(self.class_names):
            sample = pg.ScatterPlotItem(
                size=8, brush=pg.mkBrush(*class_rgb(index)), pen=pg.mkPen("w", width=1.2)
            )
            self.class_legend.addItem(sample, str(name))
            self._legend_samples.append(sample)

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
        self.image_item.setRect(QRectF(*image_rect(grid.x_range, grid.y_range, image.shape)))
