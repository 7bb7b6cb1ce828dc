"""The graph explorer, driven with real mouse clicks and checked against the engine."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFontMetricsF, QImage
from test_sample_graph import one_based

from engine import Value
from engine.graph import to_dot, topological_order
from engine.nn import MLP
from microgui.graph_explorer.explorer import GraphExplorer

X = (0.4, -0.9)
NOUTS = [4, 3, 1]
WAIT_MS = 20_000


def weights_of(seed: int, nouts=NOUTS, activation="relu") -> dict[str, float]:
    return {
        n: p.data for n, p in MLP(2, nouts, activation=activation, seed=seed).named_parameters()
    }


def engine_graph(weights, x=X, y=1.0, nouts=NOUTS, activation="relu"):
    """The same sample's graph built directly with engine.nn (unfused), as a test oracle."""
    model = MLP(2, nouts, activation=activation, fused=False)
    for name, p in model.named_parameters():
        p.data = weights[name]
    score = model([Value(v, label=f"x.{k}") for k, v in enumerate(x)])
    loss = (1 + -y * score).relu()  # micrograd's demo hinge loss, scalar by scalar
    loss.backward()
    return loss, topological_order(loss)


def relu_of(order, layer: int, neuron: int) -> Value:
    """The engine's ReLU node of one neuron: the ReLU whose ancestors include its bias."""
    bias = f"layers.{layer}.neurons.{neuron}.b"
    for v in order:
        if v.op == "ReLU" and any(a.label == bias for a in topological_order(v)):
            return v
    raise AssertionError(f"no ReLU for {bias}")


@pytest.fixture
def explorer(qtbot):
    widget = GraphExplorer()
    qtbot.addWidget(widget)
    widget.resize(1300, 850)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.shutdown()


def show(qtbot, explorer, weights, x=X, y=1.0, nouts=NOUTS, activation="relu", scalars=True):
    """Show the sample; ``scalars``: then switch to every scalar (the tests of single nodes)."""
    explorer.set_model(weights, 2, nouts, activation, "hinge", "binary")
    with qtbot.waitSignal(explorer.graphShown, timeout=WAIT_MS):
        explorer.show_sample(7, x, y)
    assert explorer.presenter.layout.graph.kinds.count("neuron") == sum(nouts)  # the default
    if scalars:
        to_scalar_level(qtbot, explorer)


def to_scalar_level(qtbot, explorer):
    with qtbot.waitSignal(explorer.layoutChanged, timeout=WAIT_MS):
        explorer.controls.collapseRequested.emit("expand")
    assert set(explorer.presenter.layout.graph.kinds) == {"node"}


def click_node(qtbot, explorer, node_id: int, double: bool = False) -> None:
    """Scroll the node into view and click it with the mouse, like a user."""
    view = explorer.view
    box = explorer.presenter.box_of(node_id)
    view.center_on_box(box)
    qtbot.wait(10)
    pos = view.mapFromScene(view.box_center(box))
    if double:
        qtbot.mouseDClick(view.viewport(), Qt.LeftButton, pos=QPoint(pos.x(), pos.y()))
    else:
        qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=QPoint(pos.x(), pos.y()))


def test_clicking_nodes_shows_their_exact_value_and_gradient(qtbot, explorer):
    weights = weights_of(5)
    show(qtbot, explorer, weights)
    _, order = engine_graph(weights)
    by_label = {v.label: v for v in order if v.label}
    cases = [
        (explorer.snapshot.find("layers.1.neurons.2.w.3"), by_label["layers.1.neurons.2.w.3"]),
        (explorer.snapshot.find("x.1"), by_label["x.1"]),
        (explorer.snapshot.find("layers.0.neurons.1.relu[0]"), relu_of(order, 0, 1)),
        (explorer.snapshot.root, order[-1]),
    ]
    for node_id, expected in cases:
        click_node(qtbot, explorer, node_id)
        assert explorer.inspector.node_id == node_id
        assert float(explorer.inspector.value_label.text()) == expected.data
        assert float(explorer.inspector.grad_label.text()) == expected.grad
        assert explorer.inspector.op_label.text() == (expected.op or "(leaf)")


def test_inspector_lists_neighbours_with_local_derivatives_and_a_passing_fd_check(qtbot, explorer):
    weights = weights_of(2, activation="tanh")
    show(qtbot, explorer, weights, activation="tanh")
    node_id = explorer.snapshot.find("layers.1.neurons.0.mul[1]")
    click_node(qtbot, explorer, node_id)
    node = explorer.snapshot.nodes[node_id]
    parents = explorer.inspector.parents_table
    assert parents.rowCount() == 2
    # d(w * x)/dw = x and d(w * x)/dx = w
    w, x = (explorer.snapshot.nodes[p] for p in node.parents)
    assert float(parents.item(0, 2).text()) == pytest.approx(x.value, rel=1e-5)
    assert float(parents.item(1, 2).text()) == pytest.approx(w.value, rel=1e-5)
    fd_text = explorer.inspector.fd_label.text()
    rel_error = float(fd_text.split("rel error ")[1].split(",")[0])
    assert rel_error < 1e-6
    # clicking a parent row moves the selection there
    qtbot.mouseClick(
        parents.viewport(), Qt.LeftButton, pos=parents.visualItemRect(parents.item(0, 0)).center()
    )
    assert explorer.inspector.node_id == node.parents[0]
    assert explorer.selected_key == w.key


def test_path_to_the_loss_is_highlighted(qtbot, explorer):
    show(qtbot, explorer, weights_of(1))
    node_id = explorer.snapshot.find("layers.2.neurons.0.w.1")
    click_node(qtbot, explorer, node_id)
    marked = explorer.view.nodes.highlighted
    expected = {explorer.presenter.box_of(i) for i in explorer.snapshot.descendants(node_id)}
    assert set(np.nonzero(marked)[0].tolist()) == expected
    assert explorer.presenter.box_of(explorer.snapshot.root) in expected


def test_double_click_expands_a_neuron_record_and_folds_it_back(qtbot, explorer):
    show(qtbot, explorer, weights_of(1), scalars=False)
    graph = explorer.presenter.layout.graph
    boxes_before = len(graph)
    assert boxes_before == 2 + 4 + 3 + 1 + 1  # inputs, neurons, the loss
    relu = explorer.snapshot.find("layers.1.neurons.1.relu[0]")
    record = explorer.presenter.box_of(relu)
    assert graph.kinds[record] == "neuron" and graph.titles[record] == "L2.N2"
    click_node(qtbot, explorer, relu, double=True)
    graph = explorer.presenter.layout.graph
    product = explorer.snapshot.find("layers.1.neurons.1.mul[0]")
    assert graph.kinds[explorer.presenter.box_of(product)] == "node"
    # its 4 weights, 4 products, 4 sums (b + ...) and the ReLU replace the record
    assert len(graph) == boxes_before - 1 + (3 * 4 + 2)
    click_node(qtbot, explorer, product)
    _, order = engine_graph(weights_of(1))
    weight = "layers.1.neurons.1.w.0"
    expected = next(v for v in order if v.op == "*" and weight in [p.label for p in v.parents])
    assert float(explorer.inspector.value_label.text()) == expected.data
    click_node(qtbot, explorer, relu, double=True)
    assert len(explorer.presenter.layout.graph) == boxes_before


def test_right_click_menu_folds_and_expands_with_names_counted_from_one(qtbot, explorer):
    show(qtbot, explorer, weights_of(1))
    box = explorer.presenter.box_of(explorer.snapshot.find("layers.1.neurons.0.w.2"))
    actions = dict(explorer.box_actions(box))
    assert set(actions) == {
        "Fold neuron L2.N1 into one record",
        "Fold layer 2 into one block",
        "Show every neuron as one record",
        "Show every scalar",
    }
    actions["Fold layer 2 into one block"]()
    graph = explorer.presenter.layout.graph
    assert graph.kinds.count("layer") == 1 and "neuron" not in graph.kinds
    layer_box = graph.kinds.index("layer")
    assert graph.titles[layer_box] == "layer 2: 3 neurons"
    assert explorer.box_actions(layer_box)[0][0] == "Expand layer 2"
    explorer.box_actions(layer_box)[0][1]()
    assert "layer" not in explorer.presenter.layout.graph.kinds
    # The record of a neuron offers to expand it; the loss too.
    explorer.controls.collapseRequested.emit("neurons")
    record = explorer.presenter.box_of(explorer.snapshot.find("layers.0.neurons.3.relu[0]"))
    assert "Expand neuron L1.N4 into its * and + nodes" in dict(explorer.box_actions(record))
    loss = explorer.presenter.box_of(explorer.snapshot.root)
    assert "Expand the loss into its scalar ops" in dict(explorer.box_actions(loss))


def test_fold_every_layer_then_back_to_neurons_and_the_selection_goes(qtbot, explorer):
    show(qtbot, explorer, weights_of(1), scalars=False)
    click_node(qtbot, explorer, explorer.snapshot.find("layers.0.neurons.2.relu[0]"))
    assert explorer.view.nodes.selected >= 0 and explorer.inspector.node_id >= 0
    explorer.controls.collapseRequested.emit("layers")
    graph = explorer.presenter.layout.graph
    # three layers, two inputs, the loss record
    assert graph.kinds.count("layer") == 3 and len(graph) == 3 + 2 + 1
    # selection and inspector agree: nothing selected, nothing marked
    assert explorer.view.nodes.selected == -1 and not explorer.view.nodes.highlighted.any()
    assert explorer.inspector.node_id == -1
    assert explorer.inspector.heading.text() == "Click a node to inspect it."
    # a folded layer's title and numbers fit its box
    metrics = QFontMetricsF(explorer.view.nodes._title_font)
    for box in np.nonzero(explorer.view.nodes.layer_boxes)[0]:
        lines = explorer.view.nodes.texts(box)
        assert lines[0].startswith("layer") or lines[0] == "output layer"
        assert "mean |grad|" in lines
        assert max(metrics.horizontalAdvance(t) for t in lines) <= explorer.view.nodes.w[box] - 10
    # clicking a folded layer selects it and the inspector says what it is
    layer_box = graph.groups.index((0, -2))
    explorer._on_box_clicked(layer_box)
    assert explorer.view.nodes.selected == layer_box
    assert explorer.inspector.heading.text().startswith("layer 1 (folded)")
    explorer.controls.collapseRequested.emit("neurons")
    assert explorer.presenter.layout.graph.kinds.count("neuron") == 4 + 3 + 1
    assert explorer.view.nodes.selected == -1 and explorer.inspector.node_id == -1


def test_search_uses_the_numbers_shown_and_opens_only_the_neuron_it_must(qtbot, explorer):
    show(qtbot, explorer, weights_of(1), scalars=False)
    before = explorer.presenter.layout
    qtbot.keyClicks(explorer.controls.search_field, "L2.N3.w4")  # layers.1.neurons.2.w.3
    qtbot.keyClick(explorer.controls.search_field, Qt.Key_Return)
    assert explorer.selected_key == "layers.1.neurons.2.w.3"
    node = explorer.snapshot.nodes[explorer.snapshot.find(explorer.selected_key)]
    assert not explorer.presenter.is_hidden(node.id)  # its neuron was expanded ...
    after = explorer.presenter.layout
    assert after.graph.kinds.count("neuron") == 4 + 3 + 1 - 1  # ... and only that one
    assert explorer.view.box_visible(explorer.presenter.box_of(node.id))  # and it is in view
    # The other records stay in tidy columns: as many columns per layer as before, each
    # top to bottom in neuron order.
    for layer in range(3):
        columns = []
        for layout in (before, after):
            graph = layout.graph
            records = [
                b
                for b, k in enumerate(graph.kinds)
                if k == "neuron" and graph.groups[b][0] == layer
            ]
            xs = sorted(set(layout.x[records].round(6)))
            columns.append(len(xs))
            for column in xs:
                in_column = [b for b in records if round(layout.x[b], 6) == column]
                ordered = sorted(in_column, key=lambda b: layout.y[b])
                assert [graph.groups[b][1] for b in ordered] == sorted(
                    graph.groups[b][1] for b in in_column
                )
        assert columns[0] == columns[1]
    qtbot.keyClicks(explorer.controls.search_field, "x")  # now "L2.N3.w4x": no match
    qtbot.keyClick(explorer.controls.search_field, Qt.Key_Return)
    assert explorer.controls.search_result.text() == "no match"
    explorer.controls.search_field.clear()
    qtbot.keyClicks(explorer.controls.search_field, "w4")
    qtbot.keyClick(explorer.controls.search_field, Qt.Key_Return)
    first = explorer.selected_key
    assert first.endswith(".w.3")  # the fourth weight
    qtbot.keyClick(explorer.controls.search_field, Qt.Key_Return)
    assert explorer.selected_key != first and explorer.selected_key.endswith(".w.3")
    assert explorer.search("layers.0.neurons.1.b") == 1  # the engine's names work too


def test_backward_stepper_follows_reverse_topological_order(qtbot, explorer):
    weights = weights_of(4)
    show(qtbot, explorer, weights)
    _, order = engine_graph(weights)
    expected = [(v.op, v.label, v.data) for v in reversed(order)]
    qtbot.mouseClick(explorer.controls.step_buttons["start"], Qt.LeftButton)
    seen = []
    step = explorer.controls.step_buttons["step"]
    for _ in range(len(order)):
        qtbot.mouseClick(step, Qt.LeftButton)
        node = explorer.snapshot.nodes[explorer.stepper.current]
        seen.append((node.op, node.label, node.value))
    assert seen == expected
    shown = explorer.view.nodes.grads
    grads = [v.grad for v in order]
    np.testing.assert_allclose(shown, grads, rtol=1e-12, atol=1e-15)
    qtbot.mouseClick(explorer.controls.step_buttons["back"], Qt.LeftButton)
    assert explorer.stepper.position == len(order) - 1
    qtbot.mouseClick(explorer.controls.step_buttons["stop"], Qt.LeftButton)
    assert explorer.stepper is None


def test_backward_stepper_shows_gradients_arriving(qtbot, explorer):
    show(qtbot, explorer, weights_of(4))
    stepper = explorer.start_stepper("backward")
    assert explorer.view.nodes.grad_known.sum() == 1  # only the loss: d loss / d loss
    explorer.step()
    root = explorer.snapshot.nodes[explorer.snapshot.root]
    known = explorer.view.nodes.grad_known
    assert known.sum() == 1 + len(root.parents)
    assert stepper.current == explorer.snapshot.root


def test_forward_stepper_follows_topological_order(qtbot, explorer):
    weights = weights_of(4)
    show(qtbot, explorer, weights)
    _, order = engine_graph(weights)
    explorer.start_stepper("forward")
    for expected in order[:25]:
        node = explorer.snapshot.nodes[explorer.step()]
        assert (node.op, node.label, node.value) == (expected.op, expected.label, expected.data)
    assert explorer.view.nodes.value_known.sum() == 25


def test_live_refresh_keeps_the_selection_on_the_same_node(qtbot, explorer):
    show(qtbot, explorer, weights_of(1))
    key = "layers.0.neurons.2.relu[0]"
    click_node(qtbot, explorer, explorer.snapshot.find(key))
    new_weights = weights_of(9)
    with qtbot.waitSignal(explorer.graphShown, timeout=WAIT_MS):
        explorer.set_model(new_weights, 2, NOUTS, "relu", "hinge", "binary")
    assert explorer.selected_key == key
    _, order = engine_graph(new_weights)
    assert float(explorer.inspector.value_label.text()) == relu_of(order, 0, 2).data


def test_refreshes_are_throttled_and_end_on_the_latest_weights(qtbot, explorer):
    show(qtbot, explorer, weights_of(1))
    shown = []
    explorer.graphShown.connect(lambda: shown.append(1))
    for seed in range(30):
        explorer.set_model(weights_of(seed), 2, NOUTS, "relu", "hinge", "binary")
    qtbot.waitUntil(lambda: not explorer._throttle.isActive() and not explorer.jobs.busy)
    assert 1 <= len(shown) <= 3
    _, order = engine_graph(weights_of(29))
    assert explorer.snapshot.nodes[explorer.snapshot.root].value == order[-1].data


def test_a_hidden_explorer_does_not_rebuild_until_shown(qtbot, explorer):
    show(qtbot, explorer, weights_of(1))
    explorer.hide()
    explorer.set_model(weights_of(2), 2, NOUTS, "relu", "hinge", "binary")
    qtbot.wait(50)
    _, old = engine_graph(weights_of(1))
    assert explorer.snapshot.nodes[explorer.snapshot.root].value == old[-1].data
    with qtbot.waitSignal(explorer.graphShown, timeout=WAIT_MS):
        explorer.show()
    _, new = engine_graph(weights_of(2))
    assert explorer.snapshot.nodes[explorer.snapshot.root].value == new[-1].data


def test_picking_a_sample_by_index(qtbot, explorer):
    Xs = np.array([[0.1, 0.2], [-0.5, 0.9], [1.2, -0.3]])
    ys = np.array([0.0, 1.0, 0.0])
    explorer.set_model(weights_of(1), 2, NOUTS, "relu", "hinge", "binary")
    explorer.set_dataset(Xs, ys)
    assert explorer.controls.sample_spin.text() == "1 of 3"  # samples counted from 1 too
    with qtbot.waitSignal(explorer.graphShown, timeout=WAIT_MS):
        explorer.controls.sample_spin.setValue(3)  # the third sample: index 2
    assert explorer.sample[0] == 2
    loss, _ = engine_graph(weights_of(1), x=tuple(Xs[2]), y=-1.0)  # class 0 -> -1 for hinge
    assert explorer.snapshot.nodes[explorer.snapshot.root].value == loss.data


def test_exports_dot_svg_and_png(qtbot, explorer, tmp_path):
    weights = weights_of(3)
    show(qtbot, explorer, weights)
    explorer.export_dot(str(tmp_path / "g.dot"))
    loss, order = engine_graph(weights)
    # The oracle: the engine's own DOT, its labels counted from 1 as on screen.
    for v in order:
        v.label = one_based(v.label)
    dot = (tmp_path / "g.dot").read_text()
    assert dot == to_dot(loss)
    assert "L2.N3.w4" in dot and "layers." not in dot and "x2" in dot
    explorer.export_svg(str(tmp_path / "g.svg"))
    svg = ET.parse(tmp_path / "g.svg").getroot()
    assert svg.tag.endswith("svg")
    assert "L2.N3.w4" in (tmp_path / "g.svg").read_text()
    explorer.export_png(str(tmp_path / "g.png"))
    image = QImage(str(tmp_path / "g.png"))
    assert image.width() > 500 and image.height() > 200
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
    }
    assert len(colours) > 5  # boxes, text and edges, not a blank page


def test_a_10000_node_graph_is_built_off_the_gui_thread_and_clickable(qtbot, explorer):
    nouts = [64, 64, 1]
    weights = weights_of(0, nouts)
    explorer.set_model(weights, 2, nouts, "relu", "hinge", "binary")
    with qtbot.waitSignal(explorer.graphShown, timeout=60_000):
        explorer.show_sample(0, X, 1.0)
        assert explorer.jobs.busy  # the build runs on the worker thread
    assert len(explorer.snapshot) > 10_000
    assert explorer.presenter.layout.graph.kinds.count("neuron") == 64 + 64 + 1  # records first
    with qtbot.waitSignal(explorer.layoutChanged, timeout=WAIT_MS):
        explorer.controls.collapseRequested.emit("expand")  # 13,126 boxes: on the worker thread
        assert explorer.jobs.busy
    node_id = explorer.snapshot.find("layers.1.neurons.40.w.17")
    click_node(qtbot, explorer, node_id)
    _, order = engine_graph(weights, nouts=nouts)
    expected = next(v for v in order if v.label == "layers.1.neurons.40.w.17")
    assert float(explorer.inspector.grad_label.text()) == expected.grad
    # An input reaches every node: its finite-difference check replays on the worker thread.
    click_node(qtbot, explorer, explorer.snapshot.find("x.0"))
    assert explorer.inspector.fd_label.text() == "checking…"
    qtbot.waitUntil(lambda: "rel error" in explorer.inspector.fd_label.text(), timeout=WAIT_MS)
    rel_error = float(explorer.inspector.fd_label.text().split("rel error ")[1].split(",")[0])
    assert rel_error < 1e-5
    with qtbot.waitSignal(explorer.layoutChanged, timeout=WAIT_MS):
        explorer.controls.collapseRequested.emit("neurons")  # laid out on the worker thread
        assert explorer.jobs.busy
    assert explorer.presenter.layout.graph.kinds.count("neuron") == 64 + 64 + 1
    explorer.view.finish_rendering()
    explorer.grab().save("/tmp/graph_explorer_10k.png")


def test_clicking_a_training_point_in_the_window_opens_its_graph(qtbot, make_window):
    from microgui.graph_explorer import install_graph_explorer

    window = make_window()
    install_graph_explorer(window)
    data = window.controller.data
    arrays = window.controller.snapshot.weights
    explorer = window.graph_explorer
    plot = window.view.boundary
    qtbot.wait(50)
    index = 5
    pos = plot.data_to_widget(*data.X_train[index])
    with qtbot.waitSignal(explorer.graphShown, timeout=WAIT_MS):
        qtbot.mouseClick(plot.plot_widget.viewport(), Qt.LeftButton, pos=QPoint(pos.x(), pos.y()))
    assert window.tabs.currentWidget() is explorer
    clicked = explorer.sample[0]
    assert np.allclose(data.X_train[clicked], data.X_train[index])

    # The oracle: the engine's MLP given the worker's weight arrays directly.
    nouts = [w.shape[0] for w, _ in arrays]
    model = MLP(2, nouts, activation=window.controller.config.activation, fused=False)
    for layer, (W, b) in zip(model.layers, arrays, strict=True):
        for j, neuron in enumerate(layer.neurons):
            for k, w in enumerate(neuron.w):
                w.data = float(W[j, k])
            neuron.b.data = float(b[j])
    x = [Value(float(v), label=f"x.{k}") for k, v in enumerate(data.X_train[clicked])]
    target = 1.0 if data.y_train[clicked] > 0.5 else -1.0
    loss = (1 + -target * model(x)).relu()
    loss.backward()
    assert explorer.snapshot.nodes[explorer.snapshot.root].value == loss.data

    weight = model.layers[0].neurons[1].w[0]
    # The graph opens at neuron level: double-click neuron 2 of layer 1 to see its weights.
    click_node(qtbot, explorer, explorer.snapshot.find("layers.0.neurons.1.relu[0]"), double=True)
    click_node(qtbot, explorer, explorer.snapshot.find("layers.0.neurons.1.w.0"))
    assert float(explorer.inspector.value_label.text()) == weight.data
    assert float(explorer.inspector.grad_label.text()) == weight.grad
