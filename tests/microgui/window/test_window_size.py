"""The window is usable at 800 x 600: nothing cut, the plots readable, no legend on a curve."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QScrollArea, QSpinBox
from window_fixtures import WAIT_MS

from microgui.graph_explorer import install_graph_explorer
from microgui.widgets.feature_toggles import MIN_WIDTH


def test_the_window_is_usable_at_800_by_600(qtbot, make_window):
    window = make_window(dataset="moons")
    install_graph_explorer(window)
    window.resize(800, 600)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == (800, 600), timeout=WAIT_MS)
    for index in range(window.tabs.count()):  # the Graph and Playground tabs too
        window.tabs.setCurrentIndex(index)
        assert window.minimumSizeHint().width() <= 800, window.tabs.tabText(index)
        assert window.minimumSizeHint().height() <= 600, window.tabs.tabText(index)
    window.tabs.setCurrentIndex(0)
    c = window.controller
    c.start(until_step=3)
    qtbot.waitUntil(lambda: c.snapshot.step == 3 and c.state == "paused", timeout=WAIT_MS)
    window.grab()

    # Every field of the form is whole (the panel scrolls down, never sideways).
    scroll = window.findChild(QScrollArea)
    viewport = scroll.viewport()
    kinds = (QLineEdit, QComboBox, QSpinBox, QAbstractButton)
    fields = [
        w
        for kind in kinds
        for w in scroll.widget().findChildren(kind)
        if w.isVisibleTo(window) and not isinstance(w.parentWidget(), (QSpinBox, QComboBox))
    ]
    assert len(fields) > 15
    for field in fields:
        left = field.mapTo(viewport, QPoint(0, 0)).x()
        assert left >= 0 and left + field.width() <= viewport.width(), field.accessibleName()

    # The plots: a square boundary of a useful size, the read-out whole under it.
    boundary = window.view.boundary
    view_box = boundary.plot_item.vb
    assert min(view_box.width(), view_box.height()) >= 120
    assert abs(view_box.width() - view_box.height()) <= 2
    readout = boundary.hover_label
    inside = QRect(QPoint(0, 0), boundary.size())
    assert inside.contains(readout.geometry()) and readout.height() > 0
    for chart in (window.view.loss_plot, window.view.metric_plot):
        assert chart.plot_item.legend is None  # the legend is in the title line
        assert min(chart.plot_item.vb.width(), chart.plot_item.vb.height()) >= 80


def _csv_table(path, columns: int = 6, rows: int = 60) -> str:
    """A table of `columns` long-named features far from unit scale, and a label."""
    import numpy as np

    rng = np.random.default_rng(3)
    X = rng.normal(size=(rows, columns)) * np.logspace(0, 3, columns)
    y = (X[:, 0] > 0).astype(int)
    names = [f"measurement_number_{k + 1}" for k in range(columns)]
    lines = [",".join([*names, "label"])]
    lines += [",".join([*(f"{v:.4f}" for v in row), str(t)]) for row, t in zip(X, y, strict=True)]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


@pytest.mark.parametrize("data", ["moons", "csv"])
def test_the_input_toggles_and_the_inputs_box_fit_800_by_600(qtbot, make_window, tmp_path, data):
    """Playground's feature toggles stay beside the network (a CSV's axes too), and the
    Inputs and execution box is whole in the form."""
    if data == "csv":
        settings = {"dataset": "csv", "dataset_params": {"path": _csv_table(tmp_path / "t.csv")}}
    else:
        settings = {"dataset": "moons", "features": ("x1", "x2", "x1^2", "sin(x1)")}
    window = make_window(**settings)
    window.resize(800, 600)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == (800, 600), timeout=WAIT_MS)
    window.grab()
    assert window.minimumSizeHint().width() <= 800
    assert window.width() == 800  # no child pushed the window wider
    toggles = window.view.feature_toggles
    assert toggles.isVisible() and toggles.width() >= MIN_WIDTH
    assert toggles.list.count() >= 7
    network = window.view.network
    assert network.width() >= network.minimumWidth() > 0
    if data == "csv":
        assert window.view.axes_row.isVisible()
    # The Inputs and execution box: its fields whole inside the scrolling form.
    scroll = window.findChild(QScrollArea)
    box = window.input_controls
    scroll.ensureWidgetVisible(box)
    for field in (box.scaling, box.execution, box.scaling_note, box.execution_note):
        left = field.mapTo(scroll.viewport(), QPoint(0, 0)).x()
        assert left >= 0 and left + field.width() <= scroll.viewport().width()
    assert "Scaling" in box.note_text() and "Runs" in box.note_text()


def test_drawing_at_800_by_600_keeps_its_buttons_whole(qtbot, make_window):
    """Draw data's class, Clear and Save CSV… are not squeezed ("Cle", "ve CS")."""
    window = make_window(dataset="moons")
    window.resize(800, 600)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == (800, 600), timeout=WAIT_MS)
    bar = window.view.draw_toolbar
    bar.draw_check.setChecked(True)
    qtbot.waitUntil(lambda: window.controller.config.dataset == "drawn", timeout=WAIT_MS)
    window.grab()
    assert window.width() == 800
    for widget in (bar.draw_check, window.view.log_check, bar.clear_button, bar.save_button):
        # the whole text, with room for a check box's indicator or a button's frame
        text = widget.fontMetrics().horizontalAdvance(widget.text())
        assert widget.isVisible() and widget.width() >= text + 18, widget.text()
    assert bar.class_combo.isVisible() and bar.class_combo.width() >= 60
