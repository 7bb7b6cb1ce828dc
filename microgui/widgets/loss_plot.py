"""LossPlot: train and test loss on one chart, with the learning rate on a right-hand axis.

LossChart draws on any pyqtgraph PlotItem (the window's own widget, or the
``--plot`` report, which puts several charts in one scene for the exporters);
LossPlot is the window's widget around it.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from microgui.widgets.plot_export import install_export_menu
from microgui.widgets.plot_style import (
    FOREGROUND,
    LR_COLOUR,
    curve,
    make_plot_widget,
)
from microgui.widgets.step_chart import StepChart, finite_points
from microgui.widgets.sticky_range import StickyRange


class LossChart(StepChart):
    """Loss curves (log scale toggle) and the learning-rate schedule as a dashed grey curve."""

    def __init__(self, plot_item: pg.PlotItem) -> None:
        super().__init__(plot_item, "Loss", "loss")
        # The learning rate lives in its own ViewBox so its scale never squashes the loss.
        self.lr_view = pg.ViewBox(enableMenu=False)
        self.lr_view.setMouseEnabled(x=False, y=False)
        plot_item.showAxis("right")
        # A child of the PlotItem (not only of the scene), so exporting the chart as SVG
        # takes the learning rate along.
        self.lr_view.setParentItem(plot_item)
        right = plot_item.getAxis("right")
        right.linkToView(self.lr_view)
        right.setLabel("learning rate", color=LR_COLOUR)
        right.setTextPen(LR_COLOUR)
        right.setPen(FOREGROUND)
        self.lr_view.setXLink(plot_item)
        self.y_range = StickyRange()
        self._lr_top: float | None = None
        # Not in the legend: the right-hand axis, in the same grey, names it.
        self.lr_curve = curve("lr", pg.mkPen(LR_COLOUR, width=1.5, style=Qt.DashLine))
        self.lr_view.addItem(self.lr_curve)
        plot_item.vb.sigResized.connect(self._sync_lr_view)
        self.extra_curves = (self.lr_curve,)  # exported to CSV with the plot's own curves
        self.log_scale = False
        self.clear()

    def _sync_lr_view(self) -> None:
        self.lr_view.setGeometry(self.plot_item.vb.geometry())  # in the PlotItem's coordinates
        self.lr_view.linkedViewChanged(self.plot_item.vb, self.lr_view.XAxis)

    def set_log_scale(self, enabled: bool) -> None:
        """Switch the loss axis between linear and log10 (the learning-rate axis stays linear)."""
        if enabled == self.log_scale:
            return
        self.log_scale = bool(enabled)
        self.plot_item.setLogMode(x=False, y=self.log_scale)
        # PlotItem.setLogMode switches every axis, the right one too: its ticks then read
        # "10^1 ..." over a rate that runs from 1 to 0.01.
        self.plot_item.getAxis("right").setLogMode(False)
        self.plot_item.vb.disableAutoRange()  # setLogMode turned auto-range back on
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
        self.show_train_test(steps, train_loss, test_loss, positive=self.log_scale)
        if lr is None:
            self.lr_curve.setData([], [])
        else:
            x, y = finite_points(steps, lr, positive=False)
            self.lr_curve.setData(x, y)
            top = float(np.max(y)) * 1.15 if len(y) else 1.0
            if top > 0 and top != self._lr_top:  # from 0, so a constant rate reads as one
                self._lr_top = top
                self.lr_view.setYRange(0.0, top, padding=0)
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
        self.clear_train_test()
        self.lr_curve.setData([], [])
        self.y_range.reset()
        self._lr_top = None
        self.plot_item.setYRange(0.0, 1.0, padding=0)
        self.lr_view.setYRange(0.0, 1.0, padding=0)


class LossPlot(QWidget):
    """The window's loss chart: a PlotWidget with a LossChart and an Export menu."""

    exportRequested = Signal(str)  # "png" | "svg" | "csv"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot_widget = make_plot_widget()
        self.plot_item = self.plot_widget.getPlotItem()
        self.chart = LossChart(self.plot_item)
        self.train_curve = self.chart.train_curve
        self.test_curve = self.chart.test_curve
        self.lr_curve = self.chart.lr_curve
        self.lr_view = self.chart.lr_view
        install_export_menu(self.plot_widget, self.exportRequested.emit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot_widget, 1)

    @property
    def log_scale(self) -> bool:
        """True while the loss axis is logarithmic."""
        return self.chart.log_scale

    def set_log_scale(self, enabled: bool) -> None:
        """Switch the loss axis between linear and log10."""
        self.chart.set_log_scale(enabled)

    def set_history(
        self,
        steps: np.ndarray,
        train_loss: np.ndarray,
        test_loss: np.ndarray | None = None,
        lr: np.ndarray | None = None,
    ) -> None:
        """Replace all curves; arrays share the `steps` x axis. NaN entries are skipped."""
        self.chart.set_history(steps, train_loss, test_loss, lr)

    def clear(self) -> None:
        """Remove every curve."""
        self.chart.clear()
