"""PlotReport: the window's boundary, loss and accuracy charts in one scene, for a file.

``microgui train --plot out.png|out.svg`` draws the finished run here,
offscreen, and saves the scene through pyqtgraph's exporters: the same
chart classes as the window (BoundaryChart, LossChart, MetricChart), hence
the same colours, palettes and axes. The boundary sits on the left, the loss
and the accuracy (or R²) on the right.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt

from microgui.widgets.boundary_chart import BoundaryChart
from microgui.widgets.loss_plot import LossChart
from microgui.widgets.metric_plot import MetricChart
from microgui.widgets.plot_style import FOREGROUND, make_layout_widget

WIDTH, HEIGHT = 1280, 620


class PlotReport:
    """A GraphicsLayoutWidget holding one chart of each kind; never shown on screen."""

    def __init__(self, title: str = "", width: int = WIDTH, height: int = HEIGHT) -> None:
        self.widget = make_layout_widget()
        # Laid out and rendered without ever appearing, even on a machine with a display.
        self.widget.setAttribute(Qt.WA_DontShowOnScreen, True)
        self.widget.resize(width, height)
        layout = self.widget.ci
        layout.setContentsMargins(8, 8, 8, 8)
        row = 0
        if title:
            layout.addLabel(title, row=0, col=0, colspan=2, size="11pt", color=FOREGROUND)
            row = 1
        self.boundary = BoundaryChart(layout.addPlot(row=row, col=0, rowspan=2), class_legend=True)
        self.loss = LossChart(layout.addPlot(row=row, col=1))
        self.metric = MetricChart(layout.addPlot(row=row + 1, col=1))
        grid = layout.layout
        grid.setColumnStretchFactor(0, 11)
        grid.setColumnStretchFactor(1, 10)

    def scene(self) -> pg.GraphicsScene:
        """The scene holding every chart (what the exporters write)."""
        return self.widget.scene()

    def lay_out(self) -> None:
        """Apply the size and layout; a square plane gets a square plot, as in the window."""
        self.widget.show()
        self.widget.ci.layout.activate()
        item = self.boundary.plot_item
        if item.vb.state["aspectLocked"]:
            view = item.vb.size()
            surplus = view.width() - view.height()
            if surplus > 1:
                item.setFixedWidth(item.size().width() - surplus)
                self.widget.ci.layout.invalidate()
                self.widget.ci.layout.activate()

    def close(self) -> None:
        """Free the widget."""
        self.widget.close()
        self.widget.deleteLater()
