"""The network view: numbering, labels, edges at any size, dead units, editing a weight."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from engine_oracle import scalar_mlp
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QFontMetricsF

from microgui.widgets.network_render import WIDTH_LEVELS, dead_tile, edge_styles, node_overlay
from microgui.widgets.network_view import NetworkView


def weights_for(sizes, seed=0):
    rng = np.random.default_rng(seed)
    return [
        (rng.uniform(-1, 1, size=(n_out, n_in)), rng.uniform(-0.5, 0.5, size=n_out))
        for n_in, n_out in itertools.pairwise(sizes)
    ]


@pytest.fixture
def view(qtbot):
    widget = NetworkView()
    qtbot.addWidget(widget)
    widget.resize(360, 420)  # the Training tab's network box at the default window size
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.close_renderer()


def test_hover_names_layers_and_neurons_from_one_as_the_form_does(qtbot, view):
    view.set_weights(weights_for([2, 16, 16, 1]))
    assert view.describe_neuron(1, 5).startswith("layer 1, neuron 6\nbias ")
    assert view.describe_neuron(2, 0).startswith("layer 2, neuron 1\n")
    assert view.describe_neuron(3, 0).startswith("output, neuron 1\n")
    assert view.describe_neuron(0, 1) == "input x2"
    w = view.weights[1][0][2, 5]
    assert view.describe_edge(1, 2, 5) == (f"w = {w:+.4f}: layer 1, neuron 6 → layer 2, neuron 3")


def test_at_64_64_the_input_names_stay_and_only_the_strongest_weights_are_drawn(qtbot, view):
    weights = weights_for([2, 64, 64, 1], seed=3)
    view.set_architecture([2, 64, 64, 1], ("x1", "x2"))
    view.set_weights(weights)
    # The inputs keep big squares and their names although the hidden layers are tiny.
    assert view.layer_node_size(0) == 30.0 and view.layer_node_size(1) < 6
    assert [text for text, _ in view.input_labels()] == ["x1", "x2"]
    # 4,096 weights between the hidden layers: only the strongest few hundred are drawn,
    # and the strongest is the most opaque and widest.
    w = weights[1][0]
    level, alpha, width = edge_styles(w, pitch=5.0, budget=130)
    drawn = level >= 0
    assert drawn.sum() == 130
    assert np.abs(w[drawn]).min() >= np.abs(w[~drawn]).max()
    strongest = np.unravel_index(np.argmax(np.abs(w)), w.shape)
    assert level[strongest] == WIDTH_LEVELS - 1
    assert alpha[strongest] == alpha[drawn].max() and width[strongest] == width[drawn].max()
    assert width.max() <= 2.5  # never wider than half the spacing of the neurons
    # A small network draws every edge.
    small = weights_for([2, 3, 1])[0][0]
    assert (edge_styles(small, pitch=100.0, budget=130)[0] >= 0).all()
    # And the rendered picture is not a solid block: most of the space between the two
    # hidden layers stays white.
    image = view.grab().toImage()
    x0 = int(view.node_center(1, 0).x()) + 6
    x1 = int(view.node_center(2, 0).x()) - 6
    top, bottom = int(view.node_center(1, 0).y()), int(view.node_center(1, 63).y())
    white = sum(
        image.pixelColor(x, y).lightness() > 245
        for x in range(x0, x1, 3)
        for y in range(top, bottom, 3)
    )
    total = len(range(x0, x1, 3)) * len(range(top, bottom, 3))
    assert white / total > 0.5


def test_long_feature_names_are_shown_whole_or_elided_in_the_middle_with_a_tooltip(qtbot, view):
    names = ("petal_length_cm", "petal_width_cm")
    view.set_architecture([2, 8, 8, 3], names)
    assert [text for text, _ in view.input_labels()] == list(names)  # room enough: whole
    long_names = ("sepal_length_in_centimetres_measured", "sepal_width_in_centimetres_measured")
    view.set_architecture([2, 8, 8, 3], long_names)
    texts = [text for text, _ in view.input_labels()]
    assert all("…" in t for t in texts) and texts[0] != texts[1]  # the ends tell them apart
    assert texts[0].startswith("sepal_") and texts[0].endswith(long_names[0][-3:])
    metrics = QFontMetricsF(view.font())
    for text, rect in view.input_labels():
        assert metrics.horizontalAdvance(text) <= rect.width() + 1
    shown = []
    from PySide6.QtWidgets import QToolTip

    original = QToolTip.showText
    try:
        QToolTip.showText = staticmethod(lambda pos, text, *a: shown.append(text))
        _, rect = view.input_labels()[1]
        qtbot.mouseMove(view, rect.center().toPoint())
        qtbot.waitUntil(lambda: long_names[1] in shown, timeout=2000)
    finally:
        QToolTip.showText = original


def test_dead_units_are_crossed_out_and_said_so(qtbot, view):
    view.set_weights(weights_for([2, 4, 3, 1]))
    dead = (np.array([False, True, False, False]), np.array([False, False, True]))
    view.set_dead_units(dead)
    assert view.dead_count() == 2
    assert "dead: no training sample activates it" in view.describe_neuron(1, 1)
    assert "dead" not in view.describe_neuron(1, 0)
    scene = view.scene()
    overlay = node_overlay(scene)
    gone = view.node_center(1, 1)
    size = int(view.layer_node_size(1))
    half = size // 2 - 2

    def patch(point):
        x, y = int(point.x()), int(point.y())
        return overlay[y - half : y + half, x - half : x + half, :3].astype(float)

    # A dead unit is grey (no colour) with a dark cross on its diagonals.
    assert np.ptp(patch(gone), axis=-1).max() < 30
    tile = dead_tile(np.full((size, size, 4), 255, dtype=np.uint8))
    assert (tile[np.arange(size), np.arange(size), :3] < 120).all()
    view.set_dead_units(())
    assert view.dead_count() == 0


def test_clicking_an_edge_opens_its_weight_and_each_change_is_sent(qtbot, view):
    weights = weights_for([2, 3, 2, 1], seed=5)
    view.set_weights(weights)
    start, end = view.edge_segment(1, 1, 2)  # layer 1 neuron 3 -> layer 2 neuron 2
    middle = (start + end) / 2
    assert view.edge_at(middle) == (1, 1, 2)
    assert view.edge_at(QPointF(middle.x(), middle.y() + 40)) != (1, 1, 2)
    sent = []
    view.weightEdited.connect(lambda name, value: sent.append((name, value)))
    qtbot.mouseClick(view, Qt.LeftButton, pos=QPoint(int(middle.x()), int(middle.y())))
    editor = view.editor
    assert editor.isVisible()
    assert editor.spin.value() == pytest.approx(weights[1][0][1, 2], abs=1e-4)
    assert "layer 1, neuron 3 → layer 2, neuron 2" in editor.caption.text()
    qtbot.keyClick(editor.spin, Qt.Key_Up)
    assert sent == [("layers.1.neurons.1.w.2", pytest.approx(editor.spin.value()))]
    editor.spin.lineEdit().selectAll()
    qtbot.keyClicks(editor.spin.lineEdit(), "0.25")
    qtbot.keyClick(editor.spin.lineEdit(), Qt.Key_Return)
    assert sent[-1] == ("layers.1.neurons.1.w.2", 0.25)
    # the new weights arrive from the run: the editor follows them
    weights[1][0][1, 2] = 0.25
    view.set_weights(weights)
    assert editor.spin.value() == 0.25
    assert editor.caption.text().startswith("w = +0.2500: ")
    qtbot.keyClick(editor, Qt.Key_Escape)
    assert not editor.isVisible()
    qtbot.mouseClick(view, Qt.LeftButton, pos=view.node_center(0, 0).toPoint())
    assert not editor.isVisible() and len(sent) == 2  # a neuron is not an edge


def test_an_edge_edited_in_the_window_changes_the_run_the_boundary_and_the_loss(qtbot, make_window):
    """Issue 13 item 17: through the worker, like any command; the boundary and loss follow."""
    from window_fixtures import WAIT_MS

    from engine import Value

    window = make_window()
    controller, network = window.controller, window.view.network
    controller.step()
    qtbot.waitUntil(lambda: controller.snapshot.step == 1, timeout=WAIT_MS)
    before = controller.snapshot
    start, end = network.edge_segment(1, 2, 0)  # layer 1 neuron 1 -> layer 2 neuron 3
    # a pixel on that line where no other edge crosses it
    spot = next(
        p.toPoint()
        for t in np.linspace(0.1, 0.9, 33)
        if network.edge_at((p := start + (end - start) * t).toPoint().toPointF()) == (1, 2, 0)
    )
    qtbot.mouseClick(network, Qt.LeftButton, pos=spot)
    assert network.editor.isVisible()
    old = before.weights[1][0][2, 0]
    assert network.editor.spin.value() == pytest.approx(old, abs=1e-4)
    network.editor.spin.lineEdit().selectAll()
    qtbot.keyClicks(network.editor.spin.lineEdit(), "2.5")
    qtbot.keyClick(network.editor.spin.lineEdit(), Qt.Key_Return)
    qtbot.waitUntil(lambda: controller.snapshot.weights[1][0][2, 0] == 2.5, timeout=WAIT_MS)
    after = controller.snapshot
    assert after.step == 1  # not a training step
    trainer = controller.worker.trainer
    assert trainer.parameter_values()["layers.1.neurons.2.w.0"] == 2.5
    # The boundary is the edited model's: one grid point through the scalar engine.
    model = scalar_mlp(after.weights)
    grid = after.boundary
    xs = np.linspace(*grid.x_range, grid.field.shape[1])
    ys = np.linspace(*grid.y_range, grid.field.shape[0])
    score = model([Value(xs[30]), Value(ys[70])]).data
    assert grid.outputs[70, 30, 0] == pytest.approx(score, rel=1e-9, abs=1e-12)
    assert not np.allclose(grid.outputs, before.boundary.outputs)
    # The status bar says what changed and the loss now, counted from 1.
    assert after.message.startswith("Layer 2, neuron 3, weight 1 set to 2.5 (was ")
    assert "training loss at these weights" in after.message
    assert window.status.message_label.full_text == after.message
