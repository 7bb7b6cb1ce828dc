"""LossPlot: train and test loss on one chart, with the learning rate on a right-hand axis."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from microgui.widgets.plot_style import TEST_PEN, TRAIN_PEN, style_plot_item
from microgui.widgets.sticky_range import StickyRange, step_range


class LossPlot(QWidget):
    """Loss curves (log scale toggle) and the learning-rate schedule as a dashed grey curve."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot_widget = pg.PlotWidget()
        self.plot_item = self.plot_widget.getPlotItem()
        style_plot_item(self.plot_item, title="Loss", bottom="step", left="loss")
        self.plot_item.addLegend(offset=(-10, 10), labelTextSize="8pt")
        self.train_curve = self.plot_item.plot(pen=TRAIN_PEN, name="train")
        self.test_curve = self.plot_item.plot(pen=TEST_PEN, name="test")

        # The learning rate lives in its own ViewBox so its scale never squashes the loss.
        self.lr_view = pg.ViewBox()
        self.plot_item.showAxis("right")
        self.plot_item.scene().addItem(self.lr_view)
        self.plot_item.getAxis("right").linkToView(self.lr_view)
        self.plot_item.getAxis("right").setLabel("learning rate", color="#888888")
        self.lr_view.setXLink(self.plot_item)
        self.plot_item.vb.disableAutoRange()
        self.y_range = StickyRange()
        self._lr_top: float | None = None
        self.lr_curve = pg.PlotDataItem(pen=pg.mkPen("#999999", width=1.5, style=Qt.DashLine))
        self.lr_view.addItem(self.lr_curve)
        self.plot_item.vb.sigResized.connect(self._sync_lr_view)
        legend = self.plot_item.legend
        if legend is not None:
            legend.addItem(self.lr_curve, "lr")

        self._x_range: tuple[float, float] | None = None
        self.log_scale = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot_widget, 1)
        self.clear()

    def _sync_lr_view(self) -> None:
        self.lr_view.setGeometry(self.plot_item.vb.sceneBoundingRect())
        self.lr_view.linkedViewChanged(self.plot_item.vb, self.lr_view.XAxis)

    def set_log_scale(self, enabled: bool) -> None:
        """Switch the loss axis between linear and log10."""
        if enabled == self.log_scale:
            return
        self.log_scale = bool(enabled)
        self.plot_item.setLogMode(x=False, y=self.log_scale)
        self.y_range.reset()
        self._fit_y()

    def set_history(
        self,
        steps: np.ndarray,
        train_loss: np.ndarray,
        test_loss: np.ndarray | None = None,
        lr: np.ndarray | None = None,
    ) -> None:
        """Replace all curves; arrays share the `steps` x axis. NaN entries are skipped."""
        steps = np.asarray(steps, dtype=np.float64)
        self.train_curve.setData(*_finite(steps, train_loss, positive=self.log_scale))
        if test_loss is None:
            self.test_curve.setData([], [])
        else:
            self.test_curve.setData(*_finite(steps, test_loss, positive=self.log_scale))
        if lr is None:
            self.lr_curve.setData([], [])
        else:
            x, y = _finite(steps, lr, positive=False)
            self.lr_curve.setData(x, y)
            top = float(np.max(y)) * 1.15 if len(y) else 1.0
            if top > 0 and top != self._lr_top:  # from 0, so a constant rate reads as one
                self._lr_top = top
                self.lr_view.setYRange(0.0, top, padding=0)
        if len(steps):
            x_range = step_range(float(steps[-1]))
            if x_range != self._x_range:
                self._x_range = x_range
                self.plot_item.setXRange(*x_range, padding=0)
        self._fit_y()

    def _fit_y(self) -> None:
        values = [c.getData()[1] for c in (self.train_curve, self.test_curve)]
        values = [v for v in values if v is not None and len(v)]
        if not values:
            return
        # With log mode on, pyqtgraph already holds log10 values in the curves.
        y_range = self.y_range.update(np.concatenate(values), from_zero=not self.log_scale)
        if y_range is not None:
            self.plot_item.setYRange(*y_range, padding=0)

    def clear(self) -> None:
        """Remove every curve (a reset or a new dataset)."""
        for curve in (self.train_curve, self.test_curve, self.lr_curve):
            curve.setData([], [])
        self.y_range.reset()
        self._lr_top = None
        self._x_range = None
        self.plot_item.setXRange(*step_range(0), padding=0)
        self.plot_item.setYRange(0.0, 1.0, padding=0)
        self.lr_view.setYRange(0.0, 1.0, padding=0)


def _finite(x: np.ndarray, y: np.ndarray, positive: bool) -> tuple[np.ndarray, np.ndarray]:
    """Drop NaN/inf points (and non-positive ones on a log axis) so the curve never breaks."""
    y = np.asarray(y, dtype=np.float64)
    n = min(len(x), len(y))
    x, y = x[:n], y[:n]
    keep = np.isfinite(y)
    if positive:
        keep &= y > 0
    return x[keep], y[keep]
