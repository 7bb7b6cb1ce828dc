"""MetricPlot: train and test accuracy (classification) or R^2 (regression) over steps."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QVBoxLayout, QWidget

from microgui.widgets.loss_plot import _finite
from microgui.widgets.plot_style import TEST_PEN, TRAIN_PEN, style_plot_item
from microgui.widgets.sticky_range import step_range

R2_FLOOR = -1.0


class MetricPlot(QWidget):
    """Two curves of a quality metric; the y range is fixed to [0, 1] for accuracy."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot_widget = pg.PlotWidget()
        self.plot_item = self.plot_widget.getPlotItem()
        style_plot_item(self.plot_item, title="Accuracy", bottom="step", left="accuracy")
        self.plot_item.addLegend(offset=(-10, -10), labelTextSize="8pt")
        self.train_curve = self.plot_item.plot(pen=TRAIN_PEN, name="train")
        self.test_curve = self.plot_item.plot(pen=TEST_PEN, name="test")
        self.plot_item.vb.disableAutoRange()
        self._x_range: tuple[float, float] | None = None
        self.metric_name = ""
        self.set_metric_name("accuracy")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot_widget)

    def set_metric_name(self, name: str) -> None:
        """ "accuracy" pins the axis to [0, 1]; anything else (e.g. "R²") auto-ranges."""
        if name == self.metric_name:
            return
        self.metric_name = name
        self.plot_item.setTitle(name[:1].upper() + name[1:], size="10pt")
        self.plot_item.getAxis("left").setLabel(name)
        # Accuracy lives in [0, 1]; R² below -1 (a bad start) would squash the curve.
        low = 0.0 if name == "accuracy" else R2_FLOOR
        self.plot_item.setYRange(low, 1.02, padding=0)

    def set_history(
        self, steps: np.ndarray, train: np.ndarray, test: np.ndarray | None = None
    ) -> None:
        """Replace both curves; NaN entries (no test split) are skipped."""
        steps = np.asarray(steps, dtype=np.float64)
        self.train_curve.setData(*_finite(steps, train, positive=False))
        if test is None:
            self.test_curve.setData([], [])
        else:
            self.test_curve.setData(*_finite(steps, test, positive=False))
        if len(steps):
            x_range = step_range(float(steps[-1]))
            if x_range != self._x_range:
                self._x_range = x_range
                self.plot_item.setXRange(*x_range, padding=0)

    def clear(self) -> None:
        """Remove both curves."""
        self.train_curve.setData([], [])
        self.test_curve.setData([], [])
        self._x_range = None
        self.plot_item.setXRange(*step_range(0), padding=0)
