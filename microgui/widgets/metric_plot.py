"""MetricPlot: train and test accuracy (classification) or R^2 (regression) over steps.

MetricChart draws on any PlotItem (the window's widget or the ``--plot``
report); MetricPlot is the window's widget around it.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from microgui.widgets.plot_export import install_export_menu
from microgui.widgets.plot_style import FOREGROUND, make_plot_widget
from microgui.widgets.step_chart import StepChart

R2_FLOOR = -1.0
# Shown over an R² chart with steps but no value to draw: R² = 1 - SSE/SST has no
# value when SST is 0. A single NaN step may be a divergence at step 0 (the status
# bar says so); two or more mean targets that are all the same.
R2_UNDEFINED = "R² is undefined: every training target\nhas the same value"


class MetricChart(StepChart):
    """Two curves of a quality metric; the y range is fixed to [0, 1] for accuracy."""

    def __init__(self, plot_item: pg.PlotItem) -> None:
        super().__init__(plot_item, "Accuracy", "accuracy")
        self.metric_name = ""
        self.note = pg.TextItem("", color=FOREGROUND, anchor=(0.5, 0.5))
        self.note.hide()
        plot_item.addItem(self.note, ignoreBounds=True)
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
        self.show_train_test(steps, train, test, positive=False)
        undefined = (
            self.metric_name != "accuracy"
            and len(steps) >= 2
            and not np.isfinite(np.asarray(train, dtype=np.float64)).any()
        )
        self.note.setText(R2_UNDEFINED if undefined else "")
        self.note.setVisible(undefined)
        if undefined:
            (x0, x1), (y0, y1) = self.plot_item.vb.viewRange()
            self.note.setPos((x0 + x1) / 2.0, (y0 + y1) / 2.0)

    def clear(self) -> None:
        """Remove both curves."""
        self.clear_train_test()
        self.note.hide()


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
