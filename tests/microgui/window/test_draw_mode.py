"""Draw data: Clear empties the canvas, the canvas is fixed and square, classes are generic."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from window_fixtures import WAIT_MS

from microgui.window.drawn_data import DrawnData


def _view_range(window):
    (x0, x1), (y0, y1) = window.view.boundary.plot_item.vb.viewRange()
    return np.array([x0, x1, y0, y1])


def _next_snapshot(qtbot, c):
    """Wait for a snapshot the worker sends after now (a pause: the old run's)."""
    before = c.snapshot
    c.worker.pause()
    qtbot.waitUntil(lambda: c.snapshot is not before, timeout=WAIT_MS)


def test_clear_empties_the_plots_and_drawing_starts_on_a_fixed_square_canvas(qtbot, make_window):
    window = make_window()
    c, view = window.controller, window.view
    boundary, toolbar = view.boundary, view.draw_toolbar
    c.start(until_step=3)
    qtbot.waitUntil(lambda: c.snapshot.step == 3, timeout=WAIT_MS)
    toolbar.draw_check.setChecked(True)
    assert [toolbar.class_combo.itemText(i) for i in range(2)] == [
        "class upper moon",
        "class lower moon",
    ]  # a copy of the moons keeps their names

    qtbot.mouseClick(toolbar.clear_button, Qt.LeftButton)
    assert len(c.drawn) == 0
    assert len(boundary.train_xy) == 0 and len(boundary.chart.test_xy) == 0
    assert boundary.grid is None and boundary.image_item.image is None
    assert len(view.loss_plot.train_curve.getData()[0] or []) == 0
    assert "No data" in boundary.chart.message_item.toPlainText()
    qtbot.waitUntil(lambda: "No data" in window.run_controls.error_label.text(), timeout=WAIT_MS)
    assert not window.run_controls.train_button.isEnabled()
    # Generic class names, and the canvas is square.
    assert [toolbar.class_combo.itemText(i) for i in range(2)] == ["class 0", "class 1"]
    (x0, x1), (y0, y1) = c.drawn.domain
    assert x1 - x0 == pytest.approx(y1 - y0)
    canvas = _view_range(window)
    # The old run's snapshots do not draw its points and boundary back.
    _next_snapshot(qtbot, c)
    assert len(boundary.train_xy) == 0 and boundary.grid is None

    # The first points land where clicked, and the axes do not move under the next click.
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    toolbar.class_combo.setCurrentIndex(0)
    boundary.handle_click(cx - 0.5, cy, Qt.LeftButton)
    assert len(boundary.train_xy) == 1  # shown at once
    np.testing.assert_allclose(_view_range(window), canvas)
    for dx, dy, label in ((-0.6, 0.3, 0), (-0.4, -0.3, 0), (0.5, 0.0, 1), (0.6, 0.4, 1)):
        toolbar.class_combo.setCurrentIndex(label)
        boundary.handle_click(cx + dx, cy + dy, Qt.LeftButton)
    assert len(c.drawn) == 5
    qtbot.waitUntil(
        lambda: c.can_train() and len(c.data.y_train) + len(c.data.y_test) == 5, timeout=WAIT_MS
    )
    c.step()
    qtbot.waitUntil(lambda: c.snapshot.step == 1 and boundary.grid is not None, timeout=WAIT_MS)
    np.testing.assert_allclose(_view_range(window), canvas)
    grid = boundary.grid
    np.testing.assert_allclose([grid.x_range, grid.y_range], c.drawn.domain)  # the whole canvas
    assert not boundary.chart.message_item.isVisible()


def test_a_cleared_canvas_is_square_and_survives_a_session(tmp_path):
    drawn = DrawnData("binary", ("a", "b"), ("left", "right"),
                      np.array([[0.0, 0.0], [10.0, 1.0]]), np.array([0.0, 1.0]))  # fmt: skip
    assert drawn.domain[0] != pytest.approx(drawn.domain[1])
    drawn.clear()
    (x0, x1), (y0, y1) = drawn.domain
    assert x1 - x0 == pytest.approx(y1 - y0)
    assert drawn.class_names == ("0", "1")
