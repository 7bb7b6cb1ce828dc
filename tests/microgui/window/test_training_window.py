"""The real window, worker thread and engine: train, pause, step, reset, edit, switch, close."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from window_fixtures import WAIT_MS, wait_ready_state

from engine.fast import mlp_forward_numpy
from microgui.widgets.validation import invalid_reason, is_invalid


def _state(window):
    return window.controller.state


def test_first_start_shows_moons_with_a_16_16_network(make_window):
    window = make_window(defaults=True)  # nothing remembered: the first-start defaults
    c = window.controller
    assert window.dataset_controls.dataset_id() == "moons"
    assert window.model_controls.layers.text() == "16,16"
    assert c.data.layer_sizes == (2, 16, 16, 1)
    assert window.tabs.tabText(0) == "Training"
    assert window.run_controls.train_button.isEnabled()
    assert window.view.network.layer_sizes == [2, 16, 16, 1]
    spec = window.registry.datasets["moons"]
    assert window.dataset_controls.description.text() == spec.description
    index = window.add_tab(QLabel("graph"), "Graph")
    assert window.tabs.tabText(index) == "Graph"


def test_train_until_the_loss_drops_then_pause_step_and_reset(qtbot, make_window):
    window = make_window()
    c = window.controller
    first_weights = [w.copy() for w, _ in c.snapshot.weights]
    qtbot.mouseClick(window.run_controls.train_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: c.snapshot.step >= 40, timeout=WAIT_MS)
    assert _state(window) == "running"
    assert window.run_controls.train_button.text().endswith("Pause")
    loss = c.snapshot.history["train_loss"]
    assert np.mean(loss[-5:]) < loss[0]

    qtbot.mouseClick(window.run_controls.train_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: _state(window) == "paused", timeout=WAIT_MS)
    paused_at = c.snapshot.step
    qtbot.wait(200)
    assert c.snapshot.step == paused_at  # no step is taken while paused

    qtbot.mouseClick(window.run_controls.step_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: c.snapshot.step == paused_at + 1, timeout=WAIT_MS)
    assert window.status.step_label.text() == f"step {paused_at + 1}"

    qtbot.mouseClick(window.run_controls.reset_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: c.snapshot.step == 0, timeout=WAIT_MS)
    new_weights = [w for w, _ in c.snapshot.weights]
    assert any(not np.array_equal(a, b) for a, b in zip(first_weights, new_weights, strict=True))
    assert len(c.snapshot.history["step"]) == 0


def test_keyboard_shortcuts_space_s_and_r(qtbot, make_window):
    window = make_window()
    c = window.controller
    window.activateWindow()
    window.view.boundary.setFocus()
    qtbot.keyClick(window.view.boundary, Qt.Key_S)
    qtbot.waitUntil(lambda: c.snapshot.step == 1, timeout=WAIT_MS)
    qtbot.keyClick(window.view.boundary, Qt.Key_Space)
    qtbot.waitUntil(lambda: _state(window) == "running", timeout=WAIT_MS)
    qtbot.keyClick(window.view.boundary, Qt.Key_Space)
    qtbot.waitUntil(lambda: _state(window) == "paused", timeout=WAIT_MS)
    qtbot.keyClick(window.view.boundary, Qt.Key_R)
    qtbot.waitUntil(lambda: c.snapshot.step == 0, timeout=WAIT_MS)
    # Typing in a field types; the single-key shortcuts do not fire there.
    c.step()
    qtbot.waitUntil(lambda: c.snapshot.step == 1, timeout=WAIT_MS)
    lr = window.training_controls.lr
    lr.setFocus()
    qtbot.keyClicks(lr, "rs ")
    assert lr.text().endswith("rs ")
    qtbot.wait(300)
    assert c.snapshot.step == 1 and _state(window) != "running"


def test_snapshot_boundary_is_the_models_numpy_output(qtbot, make_window):
    """The heat map equals the engine's fast path on the grid of the data extent."""
    from engine.nn import MLP

    window = make_window()
    c = window.controller
    c.step()
    qtbot.waitUntil(lambda: c.snapshot.step == 1, timeout=WAIT_MS)
    snap = c.snapshot
    # Rebuild the model from the snapshot's weight arrays, independently of the worker.
    model = MLP(2, [4, 4, 1], activation="relu", init="micrograd", seed=0)
    for layer, (W, b) in zip(model.layers, snap.weights, strict=True):
        for j, neuron in enumerate(layer.neurons):
            for k, w in enumerate(neuron.w):
                w.data = float(W[j, k])
            neuron.b.data = float(b[j])
    grid = snap.boundary
    ny, nx = grid.shape
    xs = np.linspace(*grid.x_range, nx)
    ys = np.linspace(*grid.y_range, ny)
    iy, ix = ny // 3, nx // 2
    expected = mlp_forward_numpy(model, np.array([[xs[ix], ys[iy]]]))[0, 0]
    assert grid.outputs[iy, ix, 0] == pytest.approx(expected, rel=1e-9, abs=1e-12)
    assert (grid.classes[iy, ix] == 1) == (expected > 0)
    data = c.data
    extent_x = (data.X_train[:, 0].min(), data.X_train[:, 0].max())
    assert grid.x_range[0] < extent_x[0] and grid.x_range[1] > extent_x[1]


def test_editing_layers_rebuilds_the_network(qtbot, make_window):
    window = make_window()
    c = window.controller
    window.model_controls.layers.set_text("3,5,2")
    qtbot.waitUntil(
        lambda: c.data.layer_sizes == (2, 3, 5, 2, 1) and c.can_train(), timeout=WAIT_MS
    )
    qtbot.waitUntil(lambda: window.view.network.layer_sizes == [2, 3, 5, 2, 1], timeout=WAIT_MS)
    window.model_controls.layers.add_button.click()
    qtbot.waitUntil(lambda: c.data.layer_sizes == (2, 3, 5, 2, 2, 1), timeout=WAIT_MS)
    assert window.model_controls.layers.text() == "3,5,2,2"


def test_invalid_values_are_marked_and_disable_train(qtbot, make_window):
    window = make_window()
    tc = window.training_controls
    for text, reason in (("abc", "'abc' is not a number"), ("-1", "lr: -1")):
        tc.lr.setText(text)
        tc.lr.textEdited.emit(text)
        qtbot.waitUntil(lambda r=reason: r in invalid_reason(tc.lr), timeout=WAIT_MS)
        assert not window.run_controls.train_button.isEnabled()
        assert not window.actions.train.isEnabled()
        assert reason in window.run_controls.error_label.text()
    tc.lr.setText("0.1")
    tc.lr.textEdited.emit("0.1")
    wait_ready_state(qtbot, window)
    assert not is_invalid(tc.lr)
    assert window.run_controls.train_button.isEnabled()

    layers = window.model_controls.layers
    layers.text_edit.clear()
    qtbot.keyClicks(layers.text_edit, "4,0")  # typed, as a user would
    qtbot.waitUntil(lambda: not window.run_controls.train_button.isEnabled(), timeout=WAIT_MS)
    assert is_invalid(layers.text_edit)
    layers.set_text("4")
    wait_ready_state(qtbot, window)


def test_a_loss_that_does_not_fit_the_task_is_marked_on_the_loss_field(qtbot, make_window):
    window = make_window(dataset="sine", dataset_params={"n_samples": 40})
    c = window.controller
    window.training_controls.loss.setCurrentText("hinge")
    qtbot.waitUntil(lambda: is_invalid(window.training_controls.loss), timeout=WAIT_MS)
    assert "does not fit a regression dataset" in invalid_reason(window.training_controls.loss)
    assert not c.can_train()
    window.training_controls.loss.setCurrentText("auto")
    wait_ready_state(qtbot, window)


def test_divergence_pauses_and_shows_the_engines_message(qtbot, make_window):
    window = make_window(lr=1e6, reg="none")
    c = window.controller
    c.start()
    qtbot.waitUntil(lambda: _state(window) == "diverged", timeout=WAIT_MS)
    message = c.snapshot.message
    assert "diverged at step" in message
    assert window.status.message() == message
    assert message in window.run_controls.error_label.text()
    assert window.run_controls.train_button.text().endswith("Train")
    for W, b in c.snapshot.weights:  # the last good model stays
        assert np.isfinite(W).all() and np.isfinite(b).all()
    assert np.isfinite(c.snapshot.boundary.outputs).all()


def test_switching_dataset_mid_training_is_safe(qtbot, make_window):
    window = make_window()
    c = window.controller
    c.start()
    qtbot.waitUntil(lambda: c.snapshot.step >= 5, timeout=WAIT_MS)
    combo = window.dataset_controls.combo
    combo.setCurrentIndex(combo.findData("circles"))
    qtbot.waitUntil(
        lambda: c.config.dataset == "circles" and c.can_train() and c.snapshot.step == 0,
        timeout=WAIT_MS,
    )
    assert c.handle.thread.isRunning()
    c.start()
    qtbot.waitUntil(lambda: c.snapshot.step >= 3, timeout=WAIT_MS)
    window.model_controls.layers.set_text("6")  # layers change mid-training
    qtbot.waitUntil(lambda: c.data.layer_sizes == (2, 6, 1) and c.can_train(), timeout=WAIT_MS)


def test_learning_rate_change_mid_training_continues_from_the_weights(qtbot, make_window):
    # A run that cannot end while the test watches: a 400-step run could finish before the
    # debounced edit arrived, and the test then waited out its timeout (issue 18).
    window = make_window(steps=1_000_000)
    c = window.controller
    c.start()
    qtbot.waitUntil(lambda: c.snapshot.step >= 10, timeout=WAIT_MS)
    window.training_controls.lr.setText("0.05")
    window.training_controls.lr.textEdited.emit("0.05")
    qtbot.waitUntil(lambda: c.snapshot.lr == 0.05 and _state(window) == "running", timeout=WAIT_MS)
    changed_at = c.snapshot.step
    qtbot.waitUntil(lambda: c.snapshot.step > changed_at, timeout=WAIT_MS)  # it goes on
    c.pause()
    qtbot.waitUntil(lambda: _state(window) == "paused", timeout=WAIT_MS)
    history = c.snapshot.history
    # One continuous run: steps 0..n without a restart, the old rate first, then the new one.
    np.testing.assert_array_equal(history["step"], np.arange(len(history["step"])))
    assert history["lr"][0] == pytest.approx(0.1)
    assert history["lr"][-1] == pytest.approx(0.05)


def test_step_or_s_during_training_pauses_the_run(qtbot, make_window):
    window = make_window(steps=1_000_000)
    c = window.controller
    window.activateWindow()
    window.view.boundary.setFocus()
    presses = {
        "Step button": lambda: qtbot.mouseClick(window.run_controls.step_button, Qt.LeftButton),
        "S key": lambda: qtbot.keyClick(window.view.boundary, Qt.Key_S),
    }
    for name, press in presses.items():
        c.start()
        started_at = c.snapshot.step
        qtbot.waitUntil(
            lambda: _state(window) == "running" and c.snapshot.step > started_at + 2,  # noqa: B023
            timeout=WAIT_MS,
        )
        press()
        qtbot.waitUntil(lambda: _state(window) == "paused", timeout=WAIT_MS)
        paused = c.snapshot
        # The worker answers commands in order: this snapshot comes after any step that a
        # still-running loop would take, so it shows whether the run really stopped.
        c.worker.set_axes((0, 1))
        qtbot.waitUntil(lambda: c.snapshot is not paused, timeout=WAIT_MS)  # noqa: B023
        assert _state(window) == "paused", name
        assert c.snapshot.step == paused.step, name
        assert window.run_controls.train_button.text().endswith("Train"), name


def test_closing_mid_training_stops_the_worker_thread(qtbot, make_window):
    window = make_window()
    c = window.controller
    c.start()
    qtbot.waitUntil(lambda: c.snapshot.step >= 3, timeout=WAIT_MS)
    window.close()
    assert not c.handle.thread.isRunning()
    assert not window.isVisible()


def test_each_builtin_dataset_can_be_chosen(qtbot, make_window):
    window = make_window()
    c = window.controller
    combo = window.dataset_controls.combo
    # The worker sends a new run's data, then its first snapshot: until that
    # snapshot arrives, c.snapshot is still the previous dataset's (CI saw a
    # 2-feature boundary checked against a 1-feature dataset). Wait for it.
    events: list[str] = []
    window.dataChanged.connect(lambda _data: events.append("data"))
    window.snapshotChanged.connect(lambda _snapshot: events.append("snapshot"))
    tested = 0
    for dataset_id, spec in window.registry.datasets.items():
        if any(p.kind == "path" for p in spec.params):
            continue  # the CSV plugin needs a file: see the next test
        index = combo.findData(dataset_id)
        changed = index != combo.currentIndex()  # the first may be chosen already
        events.clear()
        combo.setCurrentIndex(index)
        qtbot.waitUntil(
            lambda d=dataset_id, changed=changed: (
                c.config.dataset == d
                and c.can_train()
                and (not changed or ("data" in events and events[-1] == "snapshot"))
            ),
            timeout=WAIT_MS,
        )
        assert window.dataset_controls.description.text() == spec.description
        assert set(window.dataset_controls.params.editors) == {p.name for p in spec.params}
        assert c.data.task in ("binary", "multiclass", "regression")
        qtbot.waitUntil(lambda: c.snapshot.boundary is not None, timeout=WAIT_MS)
        expected_kind = "curve" if c.data.X_train.shape[1] == 1 else c.snapshot.boundary.kind
        assert c.snapshot.boundary.kind == expected_kind
        tested += 1
    assert tested >= 8


def test_csv_dataset_needs_a_file_before_training(qtbot, make_window, tmp_path):
    window = make_window()
    c = window.controller
    combo = window.dataset_controls.combo
    combo.setCurrentIndex(combo.findData("csv"))
    qtbot.waitUntil(lambda: not window.run_controls.train_button.isEnabled(), timeout=WAIT_MS)
    path_field = window.dataset_controls.params.editors["path"]
    # No error before any path was entered: the next step, in grey, and Train disabled.
    assert not is_invalid(path_field.line_edit)
    message = window.run_controls.error_label
    assert message.text() == "CSV file: choose a file for 'path' (type its path or press Browse…)"
    assert message.property("hint") and "invalid" not in message.text()
    csv = tmp_path / "points.csv"
    csv.write_text("a,b,label\n0,0,0\n1,1,1\n0,1,0\n1,0,1\n2,2,1\n-1,0,0\n")
    path_field.line_edit.setText(str(csv))
    qtbot.waitUntil(lambda: c.config.dataset == "csv" and c.can_train(), timeout=WAIT_MS)
    assert len(c.data.y_train) + len(c.data.y_test) == 6


def test_regression_shows_a_curve_in_1d_and_a_surface_in_2d(qtbot, make_window):
    window = make_window(dataset="sine", dataset_params={"n_samples": 40})
    c = window.controller
    assert c.snapshot.boundary.kind == "curve"
    assert c.snapshot.metric_name == "R²"
    assert window.view.metric_plot.metric_name == "R²"
    assert window.view.boundary.curve_item.getData()[0] is not None
    combo = window.dataset_controls.combo
    combo.setCurrentIndex(combo.findData("plane"))
    qtbot.waitUntil(
        lambda: (
            c.config.dataset == "plane"
            and c.can_train()
            and c.snapshot.boundary.kind == "regression"
        ),
        timeout=WAIT_MS,
    )


def test_more_than_two_features_plot_two_chosen_ones(qtbot, make_window):
    window = make_window(
        dataset="classification", dataset_params={"n_samples": 40, "n_features": 4}
    )
    c = window.controller
    view = window.view
    assert view.axes_row.isVisibleTo(window)
    assert c.snapshot.boundary.axes == (0, 1)
    view.axis_y.setCurrentIndex(3)
    qtbot.waitUntil(lambda: c.snapshot.boundary.axes == (0, 3), timeout=WAIT_MS)
    assert view.boundary.plot_item.getAxis("left").labelText == c.data.feature_names[3]
    np.testing.assert_allclose(view.boundary.train_xy[:, 1], c.data.X_train[:, 3])


def test_network_hover_shows_a_neurons_activation_map(qtbot, make_window):
    from PySide6.QtCore import QPoint

    window = make_window()
    network = window.view.network
    qtbot.waitUntil(lambda: len(network.images) == 4, timeout=WAIT_MS)
    centre = network.node_center(2, 1)
    qtbot.mouseMove(network, QPoint(int(centre.x()), int(centre.y())))
    qtbot.waitUntil(network.popup.isVisible, timeout=WAIT_MS)
    assert "layer 2, neuron 2" in network.popup.caption.text()  # counted from 1, as the form


def test_the_presets_menu_starts_micrograds_demo_in_the_window(qtbot, make_window, registry):
    """Train > Presets > micrograd-demo: the form shows the demo and the run is the demo's.

    The demo itself is checked step by step against micrograd==0.1.0 in
    tests/engine/test_micrograd_demo.py; here the window must run that same configuration.
    """
    from engine.presets import preset_config
    from engine.train import Trainer

    window = make_window(layers=[3], lr=0.3)
    c = window.controller
    window.actions.presets["micrograd-demo"].trigger()
    assert window.status.message() == "Preset micrograd-demo: press Train (Space) to run it"
    wait_ready_state(qtbot, window)
    assert window.model_controls.layers.text() == "16,16"
    assert window.training_controls.loss.currentText() == "hinge"
    assert window.dataset_controls.seed.value() == 1337
    assert window.dataset_controls.test_fraction.value() == 0.0
    assert c.worker.trainer.config == preset_config("micrograd-demo")
    c.start(until_step=5)
    qtbot.waitUntil(lambda: c.snapshot.step == 5 and c.state == "paused", timeout=WAIT_MS)
    dataset = registry.generate("moons", {"n_samples": 100, "noise": 0.1}, 1337)
    reference = Trainer(preset_config("micrograd-demo"), dataset.X, dataset.y, "binary")
    losses = [reference.step().loss for _ in range(5)]
    assert list(c.snapshot.history["train_loss"]) == losses
