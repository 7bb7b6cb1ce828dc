"""StepChart: a train and a test curve over the training steps, on any PlotItem.

What the loss and the accuracy charts share: the look, the legend in the
title line (no "test" entry without a test split), the curves (NaN steps
skipped) and an x range that grows in doublings of the step count.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from microgui.widgets.plot_style import (
    TEST_COLOUR,
    TEST_PEN,
    TRAIN_COLOUR,
    TRAIN_PEN,
    TitleLegend,
    curve,
    style_plot_item,
)
from microgui.widgets.sticky_range import step_range


class StepChart:
    """Train and test curves of one quantity per step."""

    def __init__(self, plot_item: pg.PlotItem, title: str, left: str) -> None:
        self.plot_item = plot_item
        style_plot_item(plot_item, title=title, bottom="step", left=left)
        # In the title line: a legend inside the plot covered the curves of a small chart.
        self.legend = TitleLegend(plot_item, title)
        self.legend.add("train", TRAIN_COLOUR)
        self.legend.add("test", TEST_COLOUR, dashed=True)
        self.train_curve = curve("train", TRAIN_PEN)
        self.test_curve = curve("test", TEST_PEN)
        plot_item.addItem(self.train_curve)
        plot_item.addItem(self.test_curve)
        self.extra_curves: tuple[pg.PlotDataItem, ...] = ()  # exported to CSV with these
        plot_item.vb.disableAutoRange()
        self._x_range: tuple[float, float] | None = None

    def show_train_test(
        self, steps: np.ndarray, train: np.ndarray, test: np.ndarray | None, positive: bool
    ) -> None:
        """Both curves (NaN and, on a log axis, non-positive points skipped), the legend,
        and the x range when the steps outgrow it."""
        self.train_curve.setData(*finite_points(steps, train, positive))
        if test is None:
            self.test_curve.setData([], [])
        else:
            self.test_curve.setData(*finite_points(steps, test, positive))
        # No "test" entry when there is no test split (test fraction 0).
        self.legend.show("test", test is not None and bool(np.isfinite(test).any()))
        if len(steps):
            x_range = step_range(float(steps[-1]))
            if x_range != self._x_range:
                self._x_range = x_range
                self.plot_item.setXRange(*x_range, padding=0)

    def clear_train_test(self) -> None:
        """Remove both curves and go back to the first x range."""
        self.train_curve.setData([], [])
        self.test_curve.setData([], [])
        self.legend.show("test", False)
        self._x_range = None
        self.plot_item.setXRange(*step_range(0), padding=0)


def finite_points(x: np.ndarray, y: np.ndarray, positive: bool) -> tuple[np.ndarray, np.ndarray]:
    """Drop NaN/inf points (and non-positive ones on a log axis) so the curve never breaks."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n = min(len(x), len(y))
    x, y = x[:n], y[:n]
    keep = np.isfinite(y)
    if positive:
        keep &= y > 0
    return x[keep], y[keep]
