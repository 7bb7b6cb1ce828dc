"""The charts (boundary, loss, accuracy): what they show, their legends, axes, hover and Export."""

from __future__ import annotations

import re

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtWidgets import QApplication, QWidget

from microgui.widgets.boundary_grid import BoundaryGrid
from microgui.widgets.boundary_plot import DecisionBoundaryPlot
from microgui.widgets.loss_plot import LossPlot
from microgui.widgets.metric_plot import MetricPlot
from microgui.widgets.plot_export import PLOT_FORMATS, export_menu


def _legend_names(chart) -> list[str]:
    return chart.legend.names()


def _show(qtbot, widget, width=500, height=400):
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    widget.grab()  # a paint: axes and legends lay themselves out
    return widget


def test_pyqtgraph_global_options_are_left_alone(qtbot):
    """Another pyqtgraph user in the process (a notebook, a host app) keeps its defaults."""
    before = dict(pg.CONFIG_OPTIONS)
    for widget in (LossPlot(), MetricPlot(), DecisionBoundaryPlot()):
        qtbot.addWidget(widget)
    assert before == pg.CONFIG_OPTIONS
    assert pg.getConfigOption("background") == "k"
    assert pg.getConfigOption("imageAxisOrder") == "col-major"


def test_axes_show_plain_values_without_a_scale_factor(qtbot):
    plot = _show(qtbot, LossPlot())
    steps = np.arange(200)
    loss = np.linspace(6e-4, 2e-4, 200)  # pyqtgraph would show "200 ... 600 (x0.001)"
    plot.set_history(steps, loss, None, np.full(200, 3e9))  # and "3 (x1e+09)" for the rate
    plot.grab()
    for name in ("left", "right", "bottom"):
        axis = plot.plot_item.getAxis(name)
        assert axis.autoSIPrefixScale == 1.0, name
        assert "(x" not in axis.labelString(), axis.labelString()
    left = plot.plot_item.getAxis("left")
    assert left.tickStrings([0.0002, 0.0004], 1.0, 0.0002) == ["0.0002", "0.0004"]


def test_the_lr_curve_is_not_in_the_legend_and_test_only_with_a_test_split(qtbot):
    loss = _show(qtbot, LossPlot())
    metric = _show(qtbot, MetricPlot())
    steps = np.arange(4)
    no_test = np.full(4, np.nan)  # test fraction 0: the worker's history is NaN
    loss.set_history(steps, np.array([1.0, 0.8, 0.6, 0.5]), no_test, np.full(4, 0.1))
    metric.set_history(steps, np.array([0.5, 0.6, 0.7, 0.8]), no_test)
    assert _legend_names(loss.chart) == ["train"]
    assert _legend_names(metric.chart) == ["train"]
    loss.set_history(steps, np.array([1.0, 0.8, 0.6, 0.5]), np.full(4, 0.7), np.full(4, 0.1))
    metric.set_history(steps, np.array([0.5, 0.6, 0.7, 0.8]), np.full(4, 0.6))
    assert _legend_names(loss.chart) == ["train", "test"]
    assert _legend_names(metric.chart) == ["train", "test"]
    loss.clear()
    assert _legend_names(loss.chart) == ["train"]
    # The legend is in the title line, where it covers no curve.
    title = loss.plot_item.titleLabel.text
    assert "train" in title and "test" not in title and "lr" not in title
    assert loss.plot_item.legend is None and metric.plot_item.legend is None


def test_log_loss_leaves_the_learning_rate_axis_linear(qtbot):
    plot = _show(qtbot, LossPlot())
    steps = np.arange(100)
    lr = np.linspace(1.0, 0.01, 100)
    plot.set_history(steps, np.geomspace(5.0, 0.01, 100), None, lr)
    plot.set_log_scale(True)
    plot.grab()
    assert plot.plot_item.getAxis("left").logMode
    right = plot.plot_item.getAxis("right")
    assert not right.logMode
    # Its ticks read the rate itself (0 to 1.15), not powers of ten ("10^1").
    low, high = right.range
    assert low == pytest.approx(0.0) and high == pytest.approx(1.15)
    assert right.tickStrings([0.5, 1.0], 1.0, 0.5) == ["0.5", "1.0"]


def _binary_grid(n: int = 40) -> BoundaryGrid:
    xs = np.linspace(-2, 2, n)
    gx, _gy = np.meshgrid(xs, xs)
    return BoundaryGrid(
        "binary", (-2.0, 2.0), (-2.0, 2.0), np.tanh(gx), gx[..., None], classes=(gx > 0) * 1
    )


def _regression_grid(n: int = 40) -> BoundaryGrid:
    xs = np.linspace(-2, 2, n)
    gx, gy = np.meshgrid(xs, xs)
    return BoundaryGrid("regression", (-2.0, 2.0), (-2.0, 2.0), gx + gy, (gx + gy)[..., None])


def _hover(qtbot, plot, x, y):
    pos = plot.data_to_widget(x, y)
    qtbot.mouseMove(plot.plot_widget.viewport(), QPoint(int(pos.x()), int(pos.y())))
    qtbot.waitUntil(lambda: plot.hover_label.full_text != "", timeout=2000)


def test_the_hover_readout_follows_the_data_and_clears(qtbot):
    plot = _show(qtbot, DecisionBoundaryPlot(), 400, 400)
    plot.set_points(np.array([[1.0, 1.0]]), np.array([1.0]), class_names=("upper", "lower"))
    plot.set_boundary(_binary_grid())
    plot.set_extent((-2.0, 2.0), (-2.0, 2.0), equal_aspect=True)
    plot.grab()
    _hover(qtbot, plot, 1.5, 0.0)
    assert "class lower" in plot.hover_label.full_text
    # A new boundary (Reset, more training) is read out at once, under the same mouse.
    flipped = _binary_grid()
    flipped = BoundaryGrid(
        "binary", flipped.x_range, flipped.y_range, -flipped.field, -flipped.outputs,
        classes=1 - flipped.classes,
    )  # fmt: skip
    plot.set_boundary(flipped)
    assert "class upper" in plot.hover_label.full_text
    # A regression dataset: no class at all.
    plot.set_points(np.array([[1.0, 1.0]]), np.array([0.3]), task="regression")
    plot.set_boundary(_regression_grid())
    assert "class" not in plot.hover_label.full_text
    assert "output = " in plot.hover_label.full_text
    # No data (a dataset that failed, Clear): nothing to read.
    plot.clear()
    assert plot.hover_label.full_text == ""
    # The mouse leaves the chart: the read-out clears.
    plot.set_points(np.array([[1.0, 1.0]]), np.array([1.0]))
    plot.set_boundary(_binary_grid())
    _hover(qtbot, plot, 1.0, 0.0)
    QApplication.sendEvent(plot.plot_widget.viewport(), QEvent(QEvent.Type.Leave))
    assert plot.hover_label.full_text == ""


def test_a_square_plane_is_drawn_square_in_a_wide_widget(qtbot):
    plot = _show(qtbot, DecisionBoundaryPlot(), 700, 320)
    plot.set_boundary(_binary_grid())
    plot.set_extent((-2.0, 2.0), (-2.0, 2.0), equal_aspect=True)
    qtbot.waitUntil(
        lambda: abs(plot.plot_item.vb.width() - plot.plot_item.vb.height()) <= 2, timeout=2000
    )
    (x0, x1), (y0, y1) = plot.plot_item.vb.viewRange()
    assert x1 - x0 == pytest.approx(y1 - y0, rel=0.02)
    assert x0 == pytest.approx(-2.0, abs=0.08) and x1 == pytest.approx(2.0, abs=0.08)
    # Features of very different scales keep their own ranges and fill the widget.
    plot.set_extent((0.0, 1000.0), (-1.0, 1.0), equal_aspect=False)
    qtbot.waitUntil(lambda: plot.plot_widget.width() == plot.plot_area.width(), timeout=2000)
    assert plot.plot_item.vb.viewRange()[0] == pytest.approx([0.0, 1000.0])


def test_every_chart_offers_export_as_png_svg_and_csv(qtbot):
    chosen: list[str] = []
    parent = QWidget()
    qtbot.addWidget(parent)
    menu = export_menu(parent, chosen.append)
    texts = [a.text() for a in menu.actions()]
    assert texts == ["Export as PNG…", "Export as SVG…", "Export data as CSV…"]
    for action in menu.actions():
        action.trigger()
    assert chosen == list(PLOT_FORMATS) == ["png", "svg", "csv"]
    # pyqtgraph's own menu is off, so each chart's right click opens this one instead.
    for widget in (LossPlot(), MetricPlot(), DecisionBoundaryPlot()):
        qtbot.addWidget(widget)
        assert widget.plot_widget.contextMenuPolicy() == Qt.CustomContextMenu


def test_a_chart_exported_as_svg_keeps_the_learning_rate(qtbot, tmp_path):
    """The lr curve lives in its own ViewBox; as the PlotItem's child it is exported too."""
    from microgui.widgets.plot_export import write_plot
    from microgui.widgets.plot_style import LR_COLOUR

    plot = _show(qtbot, LossPlot())
    steps = np.arange(50)
    plot.set_history(steps, np.geomspace(1, 0.1, 50), None, np.linspace(0.05, 0.01, 50))
    path = tmp_path / "loss.svg"
    write_plot(plot.plot_item, path, "svg", plot.chart.extra_curves)
    svg = path.read_text()
    # The dashed grey curve itself (the axis text is grey too, but not a dashed path).
    dashed_grey = re.findall(
        rf'<g[^>]*stroke="{LR_COLOUR}"[^>]*stroke-dasharray[^>]*>\s*<path', svg
    )
    assert dashed_grey, "the learning-rate curve is missing from the SVG"
    assert 'stroke="#0877bd"' in svg  # and the training loss


def test_an_r2_chart_with_no_value_says_why(qtbot):
    # every training target equal: R² is NaN at every step, and the chart was blank
    metric = _show(qtbot, MetricPlot())
    metric.set_metric_name("R²")
    steps = np.arange(5)
    metric.set_history(steps, np.full(5, np.nan), np.full(5, np.nan))
    note = metric.chart.note
    assert note.isVisible()
    assert note.toPlainText() == "R² is undefined: every training target\nhas the same value"
    metric.set_history(np.arange(1), np.full(1, np.nan), None)  # maybe a step-0 divergence
    assert not note.isVisible()
    metric.set_history(steps, np.linspace(0.1, 0.5, 5), np.full(5, np.nan))
    assert not note.isVisible()
    metric.set_metric_name("accuracy")
    metric.set_history(steps, np.full(5, np.nan), None)
    assert not note.isVisible()
