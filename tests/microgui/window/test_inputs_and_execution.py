"""The window's input features (toggles beside the network), scaling and execution fields."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from window_fixtures import WAIT_MS, wait_ready_state

from engine.modelio import load_model_file
from microgui.desktop.paths import resource_path

PLAYGROUND = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")


def _toggle(window, *names: str) -> None:
    """Click the check boxes of these features, as a user would."""
    toggles = window.view.feature_toggles
    for row in range(toggles.list.count()):
        item = toggles.list.item(row)
        if item.data(Qt.ItemDataRole.UserRole) in names:
            on = item.checkState() == Qt.CheckState.Checked
            item.setCheckState(Qt.CheckState.Unchecked if on else Qt.CheckState.Checked)


def _trainer(window):
    return window.controller.worker.trainer


def _wait_for(qtbot, condition):
    qtbot.waitUntil(condition, timeout=WAIT_MS)


def test_playgrounds_seven_features_beside_the_network_raw_inputs_on(make_window):
    window = make_window()
    toggles = window.view.feature_toggles
    assert toggles.names() == PLAYGROUND
    assert [toggles.label_of(n) for n in PLAYGROUND] == [
        "x1", "x2", "x1²", "x2²", "x1·x2", "sin(x1)", "sin(x2)",
    ]  # fmt: skip
    assert toggles.checked() == ("x1", "x2")
    assert window.controller.config.features == ()
    assert _trainer(window).preprocessor.is_identity
    assert not toggles.picker.isVisible()  # two inputs: the one product is listed


def test_toggling_features_starts_a_fresh_run_on_them(qtbot, make_window):
    window = make_window()
    c = window.controller
    c.step()
    _wait_for(qtbot, lambda: c.snapshot.step == 1)
    _toggle(window, "x1^2", "x1*x2", "sin(x2)")
    _wait_for(qtbot, lambda: _trainer(window).model.nin == 5 and c.snapshot.step == 0)
    assert c.config.features == ("x1", "x2", "x1^2", "x1*x2", "sin(x2)")
    assert c.data.layer_sizes[0] == 5
    assert window.view.network.layer_sizes[0] == 5
    assert window.view.network.input_names == ("x1", "x2", "x1²", "x1·x2", "sin(x2)")
    # Only the computed features, not the raw inputs:
    _toggle(window, "x1", "x2")
    _wait_for(qtbot, lambda: _trainer(window).model.nin == 3)
    assert c.config.features == ("x1^2", "x1*x2", "sin(x2)")
    # The last input cannot be unchecked.
    _toggle(window, "x1^2", "x1*x2")
    _wait_for(qtbot, lambda: _trainer(window).model.nin == 1)
    _toggle(window, "sin(x2)")
    assert window.view.feature_toggles.checked() == ("sin(x2)",)
    assert "needs at least one input" in window.status.message()


def test_the_graph_of_a_clicked_sample_has_the_feature_nodes(qtbot, make_window):
    from microgui.graph_explorer.install import install_graph_explorer

    window = make_window(scaling="standardize", execution="vectorized")
    install_graph_explorer(window)
    _toggle(window, "x1^2", "sin(x1)")
    c = window.controller
    _wait_for(
        qtbot, lambda: _trainer(window).model.nin == 4 and c.snapshot.weights[0][0].shape[1] == 4
    )
    c.step()
    _wait_for(qtbot, lambda: c.snapshot.step == 1)
    window.sampleClicked.emit(2)
    explorer = window.graph_explorer
    _wait_for(
        qtbot,
        lambda: (
            explorer.snapshot is not None and explorer.snapshot.find("feature.x1^2") is not None
        ),
    )
    snapshot = explorer.snapshot
    for name in ("feature.x1^2", "feature.sin(x1)", "scaled.x1^2", "scaled.x2"):
        node = snapshot.nodes[snapshot.find(name)]
        assert node.role == "feature" and node.layer == -1
    trainer = _trainer(window)
    assert trainer.execution == "vectorized"  # the graph is the scalar one all the same
    scaled = [
        snapshot.nodes[snapshot.find(f"scaled.{n}")].value for n in ("x1", "x2", "x1^2", "sin(x1)")
    ]
    np.testing.assert_allclose(scaled, trainer.Z_train[2], rtol=1e-12)


def test_scaling_is_a_field_and_the_note_says_what_auto_chose(qtbot, make_window):
    window = make_window()
    ic, c = window.input_controls, window.controller
    assert ic.scaling.currentText() == "auto"
    assert "Scaling none (auto: the features are near unit scale)" in ic.note_text()
    ic.scaling.setCurrentText("minmax")
    _wait_for(qtbot, lambda: _trainer(window).scaling == "minmax")
    _wait_for(qtbot, lambda: "Scaling minmax (chosen)" in ic.note_text())
    assert c.config.scaling == "minmax"
    lo, hi = _trainer(window).Z_train.min(axis=0), _trainer(window).Z_train.max(axis=0)
    np.testing.assert_allclose([lo, hi], [[-1, -1], [1, 1]])


def test_a_csv_table_is_standardized_by_auto_and_the_window_says_so(qtbot, make_window):
    path = resource_path("sample_data", "iris_petals.csv")
    window = make_window(dataset="csv", dataset_params={"path": str(path)})
    ic = window.input_controls
    assert _trainer(window).scaling == "standardize"
    assert "Scaling standardize (auto: the dataset suggests standardize)" in ic.note_text()
    assert ic.scaling.currentText() == "auto"


def test_execution_is_a_field_and_the_status_bar_names_it(qtbot, make_window):
    window = make_window()
    c, ic = window.controller, window.input_controls
    assert c.snapshot.execution == "scalar"
    c.step()
    _wait_for(qtbot, lambda: c.snapshot.step == 1)
    nodes = c.snapshot.nodes_per_step
    assert window.status.nodes_label.text() == f"scalar, {nodes:,} nodes/step" and nodes > 0
    assert "Runs scalar (auto: 32 samples x 37 parameters per step" in ic.note_text()
    weights = c.snapshot.weights
    ic.execution.setCurrentText("vectorized")
    _wait_for(qtbot, lambda: _trainer(window).execution == "vectorized")
    # Another execution continues the same weights (no fresh run).
    assert c.snapshot.step == 1
    for (a, _), (b, _) in zip(weights, c.snapshot.weights, strict=True):
        np.testing.assert_array_equal(a, b)
    c.step()
    _wait_for(qtbot, lambda: c.snapshot.step == 2)
    assert c.snapshot.execution == "vectorized"
    assert window.status.nodes_label.text() == "vectorized (numpy)"
    assert "Runs vectorized (chosen)" in ic.note_text()


def test_features_and_scaling_survive_a_session_and_a_model_file(qtbot, make_window, tmp_path):
    window = make_window(scaling="standardize", execution="vectorized")
    c = window.controller
    _toggle(window, "x1*x2", "sin(x1)")
    _wait_for(qtbot, lambda: _trainer(window).model.nin == 4)
    for _ in range(3):
        c.step()
    _wait_for(qtbot, lambda: c.snapshot.step == 3)
    before = _trainer(window).preprocessor
    session, model = tmp_path / "s.json", tmp_path / "m.json"
    c.files.save_session_file(str(session))
    c.files.export_model_file(str(model))
    _wait_for(qtbot, lambda: session.exists() and model.exists())
    assert load_model_file(model).preprocessor == before

    other = make_window()  # raw inputs, unscaled
    assert _trainer(other).preprocessor.is_identity
    assert other.controller.files.open_session_file(str(session))
    _wait_for(qtbot, lambda: _trainer(other).steps_done == 3)
    assert _trainer(other).preprocessor == before
    assert other.view.feature_toggles.checked() == ("x1", "x2", "x1*x2", "sin(x1)")
    assert other.input_controls.scaling.currentText() == "standardize"

    third = make_window()
    assert third.controller.files.open_model_file(str(model))
    # The form follows once the worker says the model is open (modelOpened).
    wanted = ("x1", "x2", "x1*x2", "sin(x1)")
    _wait_for(qtbot, lambda: third.view.feature_toggles.checked() == wanted)
    assert _trainer(third).preprocessor == before  # as stored, not refitted
    assert third.input_controls.scaling.currentText() == "standardize"
    wait_ready_state(qtbot, third)


def test_features_the_data_cannot_compute_are_dropped_with_a_one_line_notice(qtbot, make_window):
    """x3 on two columns (a remembered config, a session, another dataset's run): the
    window drops it, says so on one line, and trains on the features that remain."""
    window = make_window(features=("x1", "x3", "x2*x3", "sin(x2)"))
    _wait_for(qtbot, lambda: _trainer(window) is not None)
    message = window.status.message()
    assert message == "Input features x3, x2*x3 dropped: the data has 2 features"
    assert window.controller.config.features == ("x1", "sin(x2)")
    assert window.view.feature_toggles.checked() == ("x1", "sin(x2)")
    assert _trainer(window).preprocessor.n_outputs == 2
    assert window.controller.can_train()


def test_a_csv_table_with_features_exports_its_charts_and_has_a_thumbnail(
    qtbot, make_window, tmp_path
):
    """A 5-column CSV, standardized, with a product feature: the chooser draws its
    thumbnail, and every chart exports PNG, SVG and CSV (the plotted sample's points)."""
    from PySide6.QtGui import QImage

    rng = np.random.default_rng(5)
    X = rng.normal(size=(80, 5)) * np.array([1.0, 10.0, 100.0, 1000.0, 0.1])
    y = (X[:, 0] + X[:, 1] / 10 > 0).astype(int)
    rows = [",".join(f"{v:.5f}" for v in row) + f",{t}" for row, t in zip(X, y, strict=True)]
    table = tmp_path / "table.csv"
    table.write_text("a,b,c,d,e,label\n" + "\n".join(rows) + "\n")
    window = make_window(
        dataset="csv", dataset_params={"path": str(table)}, features=("x1", "x2", "x1*x2")
    )
    c = window.controller
    c.start(until_step=5)
    _wait_for(qtbot, lambda: c.snapshot.step == 5 and c.state == "paused")
    assert _trainer(window).scaling == "standardize"
    dc = window.dataset_controls
    _wait_for(qtbot, lambda: "csv" in dc.thumbnails)
    for chart in ("boundary", "loss", "accuracy"):
        for fmt in ("png", "svg", "csv"):
            path = tmp_path / f"{chart}.{fmt}"
            assert c.files.export_chart_file(chart, str(path)), window.status.message()
            assert str(path) in window.status.message()
        assert not QImage(str(tmp_path / f"{chart}.png")).isNull()
    header = (tmp_path / "boundary.csv").read_text().splitlines()[0]
    assert "train_x" in header
