"""File menu (sessions, model export, PNG exports), drawn data and QSettings persistence."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtSvg import QSvgRenderer
from window_fixtures import WAIT_MS

from engine.modelio import load_model
from microgui.window.drawn_data import DrawnData


def _train_to(qtbot, window, steps):
    c = window.controller
    c.start(until_step=steps)
    qtbot.waitUntil(lambda: c.snapshot.step == steps and c.state == "paused", timeout=WAIT_MS)


def test_save_and_reopen_a_session_continues_where_it_stopped(qtbot, make_window, tmp_path):
    window = make_window()
    _train_to(qtbot, window, 20)
    c = window.controller
    saved_weights = [w.copy() for w, _ in c.snapshot.weights]
    saved_loss = c.snapshot.history["train_loss"].copy()
    path = tmp_path / "run.json"
    with qtbot.waitSignal(c.files.finished, timeout=WAIT_MS) as done:
        c.files.save_session_file(str(path))
    assert done.args == ["session", str(path), ""]
    assert json.loads(path.read_text())["format"] == "microgui-session"

    other = make_window(dataset="circles", layers=[3])  # a different run in a new window
    oc = other.controller
    with qtbot.waitSignal(oc.files.finished, timeout=WAIT_MS) as opened:
        assert oc.files.open_session_file(str(path))
    assert opened.args[2] == "", opened.args
    qtbot.waitUntil(lambda: oc.snapshot.step == 20, timeout=WAIT_MS)
    assert other.dataset_controls.dataset_id() == "moons"
    assert other.model_controls.layers.text() == "4,4"
    for a, b in zip(saved_weights, (w for w, _ in oc.snapshot.weights), strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(oc.snapshot.history["train_loss"], saved_loss)
    # and it trains on from step 20
    oc.step()
    qtbot.waitUntil(lambda: oc.snapshot.step == 21, timeout=WAIT_MS)


def test_a_broken_session_file_is_reported_not_raised(qtbot, make_window, tmp_path):
    window = make_window()
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert not window.controller.files.open_session_file(str(bad))
    assert "not valid JSON" in window.status.message()
    assert window.controller.can_train()


def test_export_model_and_pngs(qtbot, make_window, tmp_path):
    window = make_window()
    _train_to(qtbot, window, 5)
    c = window.controller
    model_path = tmp_path / "model.json"
    with qtbot.waitSignal(c.files.finished, timeout=WAIT_MS) as done:
        c.files.export_model_file(str(model_path))
    assert done.args[2] == ""
    model, config = load_model(model_path)
    assert model.nouts == [4, 4, 1] and config["dataset"] == "moons"
    assert f"Exported model to {model_path}" in window.status.message()


def test_every_chart_exports_png_svg_and_csv_and_says_where(qtbot, make_window, tmp_path):
    """Through pyqtgraph's exporters, atomically; the status bar names the file."""
    window = make_window()
    _train_to(qtbot, window, 5)
    files = window.controller.files
    for chart in ("boundary", "loss", "accuracy"):
        png, svg, csv_path = (tmp_path / f"{chart}.{fmt}" for fmt in ("png", "svg", "csv"))
        assert files.export_chart_file(chart, str(png))
        assert str(png) in window.status.message() and "PNG" in window.status.message()
        image = QImage(str(png))
        assert not image.isNull() and image.width() > 100 and image.height() > 100
        assert files.export_chart_file(chart, str(svg))
        assert str(svg) in window.status.message()
        assert QSvgRenderer(str(svg)).isValid()
        assert files.export_chart_file(chart, str(csv_path))
        header = next(csv.reader(csv_path.open()))
        assert "train_x" in header and "train_y" in header, header
    rows = list(csv.DictReader((tmp_path / "loss.csv").open()))
    losses = [float(r["train_y"]) for r in rows if r["train_y"]]
    trainer_losses = list(window.controller.worker.trainer.history.column("loss"))
    assert losses == pytest.approx(trainer_losses[: len(losses)], rel=1e-9)
    assert "lr_y" in rows[0]  # the learning rate, drawn in its own ViewBox, is in the data
    assert not list(tmp_path.glob(".*")), "no temporary file left behind"


def test_a_failed_chart_export_keeps_the_old_file_and_says_why(qtbot, make_window, tmp_path):
    window = make_window()
    _train_to(qtbot, window, 3)
    target = tmp_path / "loss.svg"
    target.write_text("the previous export")
    files = window.controller.files
    assert not files.export_chart_file("loss", str(tmp_path / "missing" / "loss.svg"))
    assert "does not exist" in window.status.message()
    assert not files.export_chart_file("loss", str(tmp_path / "loss.gif"))
    assert "unknown plot format" in window.status.message()
    (tmp_path / "folder.png").mkdir()
    assert not files.export_chart_file("loss", str(tmp_path / "folder.png"))
    assert "is a folder" in window.status.message()
    assert target.read_text() == "the previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder.png", "loss.svg", "window.ini"]


def test_draw_mode_adds_and_removes_points_and_trains_on_them(qtbot, make_window, tmp_path):
    window = make_window()
    c = window.controller
    view = window.view
    view.draw_toolbar.draw_check.setChecked(True)
    assert c.drawn is not None and len(c.drawn) == 40
    assert window.dataset_controls.dataset_id() == "drawn"
    view.draw_toolbar.class_combo.setCurrentIndex(1)
    view.boundary.handle_click(0.25, 2.0, Qt.LeftButton)
    assert len(c.drawn) == 41 and c.drawn.y[-1] == 1.0
    np.testing.assert_allclose(c.drawn.X[-1], [0.25, 2.0])
    qtbot.waitUntil(
        lambda: c.can_train() and len(c.data.y_train) + len(c.data.y_test) == 41,
        timeout=WAIT_MS,
    )
    view.boundary.handle_click(0.26, 2.01, Qt.RightButton)  # removes the point just added
    assert len(c.drawn) == 40
    assert not np.any(np.all(np.isclose(c.drawn.X, [0.25, 2.0]), axis=1))
    qtbot.waitUntil(
        lambda: c.can_train() and len(c.data.y_train) + len(c.data.y_test) == 40,
        timeout=WAIT_MS,
    )
    c.start(until_step=3)
    qtbot.waitUntil(lambda: c.snapshot.step == 3, timeout=WAIT_MS)

    csv_path = tmp_path / "drawn.csv"
    assert c.draw.save_csv(str(csv_path))
    loaded = window.registry.generate("csv", {"path": str(csv_path)}, seed=0)
    np.testing.assert_allclose(loaded.X, c.drawn.X)
    np.testing.assert_array_equal(loaded.y, c.drawn.y)

    view.draw_toolbar.clear_button.click()
    assert len(c.drawn) == 0
    qtbot.waitUntil(
        lambda: "draw some points" in window.run_controls.error_label.text(), timeout=WAIT_MS
    )
    assert not window.run_controls.train_button.isEnabled()


def test_drawn_data_regression_and_nearest_removal():
    drawn = DrawnData("regression", ("x",), (), np.array([[0.0], [1.0]]), np.array([0.5, 2.0]))
    drawn.add(3.0, -1.0, label=0.0)  # 1-D regression: the click's y is the target
    np.testing.assert_allclose(drawn.X[:, 0], [0.0, 1.0, 3.0])
    np.testing.assert_allclose(drawn.y, [0.5, 2.0, -1.0])
    assert drawn.remove_nearest(1.1, 1.9) == 1
    assert drawn.to_dataset().task == "regression"
    three = DrawnData("multiclass", ("a", "b"), ("x", "y", "z"))
    with pytest.raises(ValueError, match="class 5"):
        three.add(0.0, 0.0, label=5)
    assert three.remove_nearest(0, 0) == -1


def test_settings_remember_the_config_and_geometry(qtbot, make_window, settings_file):
    window = make_window(dataset="circles", layers=[5, 3])
    # A size inside the offscreen screen (800 wide), which restoreGeometry respects: the
    # window's minimum width is close to it (in a test run alone it is 800 already).
    screen_width = window.screen().availableGeometry().width()
    size = (min(window.minimumSizeHint().width() + 4, screen_width), 560)
    window.resize(*size)
    window.close()
    again = make_window(defaults=True, settings=settings_file())
    assert again.dataset_controls.dataset_id() == "circles"
    assert again.model_controls.layers.text() == "5,3"
    assert (again.size().width(), again.size().height()) == size
