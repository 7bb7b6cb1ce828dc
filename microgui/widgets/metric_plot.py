"""MetricPlot: train and test accuracy (classification) or R^2 (regression) over steps.

MetricChart draws on any PlotItem (the window's widget or the ``--plot``
report); MetricPlot is the window's widget around it.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from microgui.widgets.loss_plot import finite_points
from microgui.widgets.plot_export import install_export_menu
from microgui.widgets.plot_style import (
    TEST_COLOUR,
    TEST_PEN,
    TRAIN_COLOUR,
    TRAIN_PEN,
    TitleLegend,
    curve,
    make_plot_widget,
    style_plot_item,
)
from microgui.widgets.sticky_range import step_range

R2_FLOOR = -1.0


class MetricChart:
    """Two curves of a quality metric; the y range is fixed to [0, 1] for accuracy."""

    def __init__(self, plot_item: pg.PlotItem) -> None:
        self.plot_item = plot_item
        style_plot_item(plot_item, title="Accuracy", bottom="step", left="accuracy")
        # In the title line: a legend inside the plot covered the curves of a small chart.
        self.legend = TitleLegend(plot_item, "Accuracy")
        self.legend.add("train", TRAIN_COLOUR)
        self.legend.add("test", TEST_COLOUR, dashed=True)
        self.train_curve = curve("train", TRAIN_PEN)
        self.test_curve = curve("test", TEST_PEN)
        plot_item.addItem(self.train_curve)
        plot_item.addItem(self.test_curve)
        self.extra_curves: tuple = ()
        plot_item.vb.disableAutoRange()
        self._x_range: tuple[float, float] | None = None
        self.metric_name = ""
        self.set_metric_name("accuracy")
        self.clear()

    def set_metric_name(self, name: str) -> None:
        """ "accuracy" pins the axis to [0, 1]; anything else (e.g. "R²") starts at -1."""
        if name == self.metric_name:
            return
        self.metric_name = name
        self.legend.set_title(name[:1].upper() + name[1:])
        self.plot_item.getAxis("left").setLabel(name)
        # Accuracy lives in [0, 1]; R² below -1 (a bad start) would squash the curve.
        low = 0.0 if name == "accuracy" else R2_FLOOR
        self.plot_item.setYRange(low, 1.02, padding=0)

    def set_history(
        self, steps: np.ndarray, train: np.ndarray, test: np.ndarray | None = None
    ) -> None:
        """Replace both curves; NaN entries (no test split) are skipped."""
        steps = np.asarray(steps, dtype=np.float64)
        self.train_curve.setData(*finite_points(steps, train, positive=False))
        if test is None:
            self.test_curve.setData([], [])
        else:
            self.test_curve.setData(*finite_points(steps, test, positive=False))
        # No "test" entry when there is no test split (test fraction 0).
        has_test = test is not None and bool(np.isfinite(test).any())
        self.legend.show("test", has_test)
        if len(steps):
            x_range = step_range(float(steps[-1]))
            if x_range != self._x_range:
                self._x_range = x_range
                self.plot_item.setXRange(*x_range, padding=0)

    def clear(self) -> None:
        """Remove both curves."""
        self.train_curve.setData([], [])
        self.test_curve.setData([], [])
        self.legend.show("test", False)
        self._x_range = None
        self.plot_item.setXRange(*step_range(0), padding=0)


class MetricPlot(QWidget):
    """The window's accuracy (or R²) chart: a PlotWidget with a MetricChart and Export."""

    exportRequested = Signal(str)  # "png" | "svg" | "csv"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot_widget = make_plot_widget()
        self.plot_item = self.plot_widget.getPlotItem()
        self.chart = MetricChart(self.plot_item)
        self.train_curve = self.chart.train_curve
        self.test_curve = self.chart.test_curve
        install_export_menu(self.plot_widget, self.exportRequested.emit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot_widget)

    @property
    def metric_name(self) -> str:
        """The metric shown ("accuracy" or "R²")."""
        return self.chart.metric_name

    def set_metric_name(self, name: str) -> None:
        """ "accuracy" pins the axis to [0, 1]; anything else (e.g. "R²") starts at -1."""
        self.chart.set_metric_name(name)

    def set_history(
        self, steps: np.ndarray, train: np.ndarray, test: np.ndarray | None = None
    ) -> None:
        """Replace both curves; NaN entries (no test split) are skipped."""
        self.chart.set_history(steps, train, test)

    def clear(self) -> None:
        """Remove both curves."""
        self.chart.clear()
