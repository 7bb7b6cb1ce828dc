"""The Graph tab tells the gradient story at first sight (issue 12).

Oracles: the scalar engine built directly in the tests (values, gradients and
per-sample losses), WCAG's contrast formula, Qt's own font metrics.
"""

from __future__ import annotations

import numpy as np
import pytest
from engine_oracle import scalar_mlp
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QApplication
from test_graph_explorer import (
    WAIT_MS,
    X,
    click_node,
    engine_graph,
    explorer,
    relu_of,
    weights_of,
)

from engine import Value
from engine.graph import topological_order
from engine.losses import LOSSES
from microgui.graph_explorer.gradient_colors import LEVELS, contrast_ratio, gradient_buckets
from microgui.graph_explorer.node_layer import FONT_PIXELS, LOD_BLOCKS, LOD_NUMBERS

__all__ = ["explorer"]  # the fixture, imported from test_graph_explorer

NOUTS = [4, 3, 1]


def rgb(colour) -> np.ndarray:
    return np.array([colour.red(), colour.green(), colour.blue()], dtype=float)


def nine_points_in_pixels() -> float:
    screen = QApplication.primaryScreen()
    return 9 * screen.logicalDotsPerInchY() / 72


def scores_of(weights, xs, nouts=NOUTS):
    model = scalar_mlp(weights, nouts=nouts)
    return [model([Value(float(v)) for v in x]).data for x in xs]


def hinge_losses(weights, xs, ys, nouts=NOUTS):
    """Each sample's hinge loss, by the engine's scalar loss (the worker's oracle)."""
    return np.array(
        [
            LOSSES["hinge"]([Value(s)], [1.0 if y > 0.5 else -1.0]).data
            for s, y in zip(scores_of(weights, xs, nouts), ys, strict=True)
        ]
    )


def show_level(qtbot, explorer, weights, x=X, y=1.0, nouts=NOUTS):
    explorer.set_model(weights, 2, nouts, "relu", "hinge", "binary")
    with qtbot.waitSignal(explorer.graphShown, timeout=WAIT_MS):
        explorer.show_sample(0, x, y)


# ------------------------------------------------------------------- 1. readable by default


def test_the_tab_opens_at_neuron_level_readable_at_the_default_window_size_on_the_worst_sample(
    qtbot, make_window
):
    """MLP(2,[16,16,1]) on 100 moons in a 1280 x 800 window, opened without a click."""
    from microgui.graph_explorer import install_graph_explorer

    window = make_window(
        dataset_params={"n_samples": 100}, layers=[16, 16], test_fraction=0.0, steps=100
    )
    assert (window.width(), window.height()) == (1280, 800)
    install_graph_explorer(window)
    explorer = window.graph_explorer
    controller = window.controller
    controller.start(until_step=3)
    qtbot.waitUntil(
        lambda: controller.snapshot.step == 3 and controller.snapshot.state == "paused",
        timeout=WAIT_MS,
    )
    with qtbot.waitSignal(explorer.graphShown, timeout=WAIT_MS):
        window.tabs.setCurrentWidget(explorer)  # no point clicked
    qtbot.waitUntil(explorer.is_settled, timeout=WAIT_MS)
    qtbot.wait(50)

    # The sample shown is the training sample with the largest loss, by the scalar engine.
    data = controller.data
    weights = {
        f"layers.{i}.neurons.{j}.{name}": v
        for i, (W, b) in enumerate(controller.snapshot.weights)
        for j in range(W.shape[0])
        for name, v in [*((f"w.{k}", W[j, k]) for k in range(W.shape[1])), ("b", b[j])]
    }
    losses = hinge_losses(weights, data.X_train, data.y_train, [16, 16, 1])
    assert explorer.sample[0] == int(np.argmax(losses)) and losses.max() > 0
    assert "the training sample with the largest loss" in explorer.controls.status_label.text()

    # Neuron level: inputs, 33 neuron records and the loss record, nothing else.
    graph = explorer.presenter.layout.graph
    assert sorted(set(graph.kinds)) == ["loss", "neuron", "node"]
    assert graph.kinds.count("neuron") == 16 + 16 + 1 and graph.kinds.count("node") == 2
    # Every box is on screen, with label, data and grad at 9 pt or more and not cut.
    view = explorer.view
    on_screen = FONT_PIXELS * view.zoom()
    assert on_screen >= nine_points_in_pixels(), on_screen
    nodes = view.nodes
    metrics = QFontMetricsF(nodes._number_font)
    bold = QFontMetricsF(nodes._title_font)
    for box in range(len(graph)):
        assert view.box_visible(box), graph.titles[box]
        title, data_line, grad_line = nodes.texts(box)
        assert bold.horizontalAdvance(title) <= nodes.w[box] - 10
        assert metrics.horizontalAdvance(data_line) <= nodes.w[box] - 10
        assert metrics.horizontalAdvance(grad_line) <= nodes.w[box] - 10
    # The records show the engine's numbers: neuron 6 of layer 1 of that sample.
    x = data.X_train[explorer.sample[0]]
    model = scalar_mlp(controller.snapshot.weights)
    target = 1.0 if data.y_train[explorer.sample[0]] > 0.5 else -1.0
    loss = (1 + -target * model([Value(float(v)) for v in x])).relu()
    loss.backward()
    relu = next(
        v
        for v in topological_order(loss)
        if v.op == "ReLU" and "layers.0.neurons.5.b" in {a.label for a in topological_order(v)}
    )
    box = graph.titles.index("L1.N6")
    assert nodes.values[box] == relu.data and nodes.grads[box] == relu.grad
    window.grab().save("/tmp/graph_tab_default.png")


# ------------------------------------------------------------------- 2. gradients you can see


def test_fill_colours_encode_sign_and_log_magnitude_and_text_is_readable_on_every_fill(
    qtbot, explorer
):
    weights = weights_of(6)  # gradients from 0.012 to 1 in size, of both signs
    show_level(qtbot, explorer, weights)
    with qtbot.waitSignal(explorer.layoutChanged, timeout=WAIT_MS):
        explorer.controls.collapseRequested.emit("expand")
    nodes = explorer.view.nodes
    _, order = engine_graph(weights)
    grads = np.array([v.grad for v in order])
    assert (grads > 0).any() and (grads < 0).any()
    fills = {box: rgb(nodes.fill_colour(box)) for box in range(len(nodes.x))}
    for box, g in enumerate(nodes.grads):
        fill = fills[box]
        if nodes.muted[box]:
            continue
        if g > 0:
            assert fill[2] > fill[0], "positive gradients are blue"
        elif g < 0:
            assert fill[0] > fill[2], "negative gradients are orange"
        else:
            assert fill[0] == fill[1] == fill[2], "zero is neutral"
        # text colour against its fill: WCAG AA
        assert contrast_ratio(fill, rgb(nodes.text_colour(box))) >= 4.5
    # Log magnitude: a bigger |grad| of the same sign is never lighter; one a hundred
    # times smaller is still coloured (not washed out to white).
    root = explorer.presenter.box_of(explorer.snapshot.root)
    shown = [b for b in range(len(nodes.x)) if not nodes.muted[b] and b != root]
    positive = sorted((nodes.grads[b], b) for b in shown if nodes.grads[b] > 0)
    luminance = [fills[b].sum() for _, b in positive]
    assert luminance == sorted(luminance, reverse=True)
    scale = explorer.presenter.scale
    assert scale == max(abs(nodes.grads[b]) for b in shown)
    smallest = min((b for b in shown if nodes.grads[b] != 0), key=lambda b: abs(nodes.grads[b]))
    assert abs(nodes.grads[smallest]) < scale / 10 and nodes.buckets[smallest] != LEVELS
    # A gradient 1,000 times smaller than the largest still gets a shade of its own.
    buckets = gradient_buckets(np.array([-1.0, -1e-3, 0.0, 1e-3, 1e-2, 1.0]), scale=1.0)
    assert buckets.tolist() == [0, LEVELS - 2, LEVELS, LEVELS + 2, LEVELS + 4, 2 * LEVELS]
    # The legend shows the same scale: the darkest shades are +- its largest |grad|.
    legend = explorer.controls.legend
    assert legend.scale == scale
    ticks = dict(legend.ticks())
    assert ticks[0].startswith("-") and ticks[2 * LEVELS] == ticks[0][1:] and ticks[LEVELS] == "0"
    assert legend.isVisible()


def test_no_gradient_flows_through_an_inactive_relu_its_record_is_muted_and_its_edges_empty(
    qtbot, explorer
):
    weights = weights_of(6)
    weights["layers.0.neurons.2.b"] = -50.0  # no input can switch this ReLU on
    show_level(qtbot, explorer, weights)
    nodes = explorer.view.nodes
    graph = explorer.presenter.layout.graph
    dead = graph.titles.index("L1.N3")
    assert nodes.values[dead] == 0.0 and nodes.muted[dead]
    lively = next(b for b, k in enumerate(graph.kinds) if k == "neuron" and not nodes.muted[b])
    assert nodes.fill_colour(dead) != nodes.fill_colour(lively)
    assert nodes.text_colour(dead) != nodes.text_colour(lively)
    # Along an edge flows |child grad x local derivative|. Between records that is the
    # product w * a inside the child neuron: |grad of the product x w|. The oracle is
    # the engine's own graph of the same sample.
    _, order = engine_graph(weights)
    by_label = {v.label: v for v in order if v.label}
    levels = explorer.view.edges.levels
    flows = {}
    for e, (p, c) in enumerate(graph.edges.tolist()):
        if graph.kinds[c] != "neuron" or graph.groups[c][0] > 1:
            continue
        layer, neuron = graph.groups[c]
        k = graph.groups[p][1]  # x_k, or neuron k of the layer before
        w = by_label[f"layers.{layer}.neurons.{neuron}.w.{k}"]
        product = next(v for v in order if v.op == "*" and w in v.parents)
        flows[e] = abs(product.grad * w.data)
    assert len(flows) == 2 * 4 + 4 * 3
    into_dead = [e for e, (_, c) in enumerate(graph.edges.tolist()) if c == dead]
    assert into_dead and all(flows[e] == 0.0 and levels[e] == 0 for e in into_dead)
    ranked = sorted(flows, key=flows.get)
    assert [levels[e] for e in ranked] == sorted(levels[e] for e in ranked)
    assert all((levels[e] == 0) == (flows[e] == 0.0) for e in flows)
    lively = [e for e in ranked if flows[e] > 0]
    assert flows[lively[-1]] > 16 * flows[lively[0]]
    assert levels[lively[-1]] > levels[lively[0]]  # much more flow: a visibly stronger edge


def test_an_inactive_relu_that_the_gradient_reaches_says_the_gradient_stops_there(qtbot, explorer):
    weights = weights_of(6)
    weights["layers.0.neurons.2.b"] = -50.0  # L1.N3 is off for every input
    show_level(qtbot, explorer, weights)
    nodes = explorer.view.nodes
    graph = explorer.presenter.layout.graph
    _, order = engine_graph(weights)
    relu = relu_of(order, 0, 2)
    assert relu.data == 0.0 and relu.grad != 0.0  # a gradient reaches its output...
    dead = graph.titles.index("L1.N3")
    assert nodes.muted[dead]  # ...and goes no further: hatched
    metrics = QFontMetricsF(nodes._number_font)
    _title, data_line, grad_line = nodes.texts(dead)
    assert data_line == "data 0"
    assert grad_line.startswith("grad ") and grad_line.endswith(" stops"), grad_line
    shown = float(grad_line.split()[1])
    assert shown == pytest.approx(relu.grad, rel=0.06, abs=0.05)  # as many digits as fit
    assert metrics.horizontalAdvance(grad_line) <= nodes.w[dead] - 10  # at the full size
    # A record the gradient does reach and pass on does not say it stops; the inputs of
    # the dead neuron get nothing at all, and say grad 0.
    lively = next(b for b, k in enumerate(graph.kinds) if k == "neuron" and not nodes.muted[b])
    assert not nodes.texts(lively)[2].endswith("stops")
    explorer.controls.collapseRequested.emit("expand")
    qtbot.waitUntil(lambda: "neuron" not in explorer.presenter.layout.graph.kinds)
    bias = explorer.presenter.box_of(explorer.snapshot.find("layers.0.neurons.2.b"))
    assert explorer.view.nodes.texts(bias)[2] == "grad 0" and explorer.view.nodes.muted[bias]
    # The inspector says it in words, with the input that switched the ReLU off.
    node_id = explorer.snapshot.find("layers.0.neurons.2.relu[0]")
    click_node(qtbot, explorer, node_id)
    note = explorer.inspector.stop_label
    assert note.isVisible()
    pre = relu.parents[0].data
    assert note.text().startswith(f"The gradient {relu.grad:.6g} reaches this node and stops")
    assert f"its input {pre:.6g} is not above 0" in note.text()
    click_node(qtbot, explorer, explorer.snapshot.find("layers.0.neurons.2.b"))
    assert not explorer.inspector.stop_label.isVisible()


# ------------------------------------------------------------------- 3. the right sample


def samples_with_zero_and_positive_loss(weights):
    """Five points: the hinge loss of 0, 0, > 0, 0, > 0 (labels chosen from the scores)."""
    rng = np.random.default_rng(4)
    candidates = rng.uniform(-3, 3, size=(200, 2))
    scores = np.array(scores_of(weights, candidates))
    beyond = candidates[np.abs(scores) >= 1.2][:3]
    labels_beyond = (np.array(scores_of(weights, beyond)) > 0).astype(float)
    inside = candidates[np.abs(scores) < 0.5][:2]
    labels_inside = (np.array(scores_of(weights, inside)) < 0).astype(float)  # wrong side
    X = np.array([beyond[0], beyond[1], inside[0], beyond[2], inside[1]])
    y = np.array([labels_beyond[0], labels_beyond[1], labels_inside[0], labels_beyond[2], 1.0])
    y[4] = labels_inside[1]
    return X, y


def test_a_sample_beyond_the_margin_says_why_and_offers_the_next_one_with_a_gradient(
    qtbot, explorer
):
    weights = weights_of(3)
    X, y = samples_with_zero_and_positive_loss(weights)
    losses = hinge_losses(weights, X, y)
    assert losses[[0, 1, 3]].tolist() == [0.0, 0.0, 0.0] and (losses[[2, 4]] > 0).all()
    explorer.set_model(weights, 2, NOUTS, "relu", "hinge", "binary")
    explorer.set_dataset(X, y)
    explorer.set_sample_losses(losses)
    with qtbot.waitSignal(explorer.graphShown, timeout=WAIT_MS):
        explorer.controls.sample_spin.setValue(2)  # the second sample: loss 0
    controls = explorer.controls
    assert controls.notice_label.isVisible()
    assert controls.notice_label.text().startswith(
        "This sample is beyond the margin: its loss is 0, so no gradient reaches the weights."
    )
    assert controls.next_button.isVisible()
    # Everything behind the loss is muted: no gradient flows anywhere. The loss record
    # says that its gradient, 1, stops there.
    assert explorer.view.nodes.muted.all()
    loss_box = explorer.presenter.box_of(explorer.snapshot.root)
    assert explorer.view.nodes.texts(loss_box)[2] == "grad 1 stops"
    with qtbot.waitSignal(explorer.graphShown, timeout=WAIT_MS):
        qtbot.mouseClick(controls.next_button, Qt.LeftButton)
    assert explorer.sample[0] == 2  # the next one whose loss is above 0
    assert explorer.snapshot.nodes[explorer.snapshot.root].value == pytest.approx(losses[2])
    assert not controls.notice_label.isVisible() and not controls.next_button.isVisible()
    assert not explorer.view.nodes.muted.all()
    with qtbot.waitSignal(explorer.graphShown, timeout=WAIT_MS):
        explorer.controls.sample_spin.setValue(4)  # loss 0 again: the next is sample 5
    assert explorer.next_sample_with_gradient() == 4
    explorer.set_sample_losses(np.zeros(5))
    assert explorer.next_sample_with_gradient() == -1  # none left: no button
    explorer.refresh()
    assert not controls.next_button.isVisible()
    assert "No training sample has a loss above 0" in controls.notice_label.text()


def test_opening_the_tab_without_a_click_shows_the_largest_loss_and_a_click_still_wins(
    qtbot, explorer
):
    weights = weights_of(3)
    X, y = samples_with_zero_and_positive_loss(weights)
    losses = hinge_losses(weights, X, y)
    explorer.hide()
    explorer.set_model(weights, 2, NOUTS, "relu", "hinge", "binary")
    explorer.set_dataset(X, y)
    explorer.set_sample_losses(losses)
    with qtbot.waitSignal(explorer.graphShown, timeout=WAIT_MS):
        explorer.show()
    assert explorer.sample[0] == int(np.argmax(losses)) and explorer.auto_sample
    with qtbot.waitSignal(explorer.graphShown, timeout=WAIT_MS):
        explorer.show_sample(1, X[1], y[1])  # a click on the boundary
    explorer.hide()
    explorer.set_sample_losses(losses[::-1].copy(), settled=True, step=7)
    explorer.show()
    qtbot.wait(50)
    assert explorer.sample[0] == 1  # the user's choice stays
    # Left to itself, the explorer follows the largest loss after each training step,
    # but not after a weight set by hand (the same step): the edited sample stays.
    with qtbot.waitSignal(explorer.graphShown, timeout=WAIT_MS):
        explorer.show_largest_loss_sample()
    first = explorer.sample[0]
    other = np.zeros(len(losses))
    other[(first + 1) % len(losses)] = 5.0
    with qtbot.waitSignal(explorer.graphShown, timeout=WAIT_MS):
        explorer.set_sample_losses(other, settled=True, step=8)
    assert explorer.sample[0] == (first + 1) % len(losses)
    explorer.set_sample_losses(losses, settled=True, step=8)  # an edit: no new step
    assert explorer.sample[0] == (first + 1) % len(losses)


# ------------------------------------------------------------------- 4. keeping their place


def test_the_backward_stepper_centres_and_marks_every_node_it_visits(qtbot, explorer):
    show_level(qtbot, explorer, weights_of(4, [16, 16, 1]), nouts=[16, 16, 1])
    view = explorer.view
    width = explorer.minimumSizeHint().width()
    explorer.start_stepper("backward")
    for _ in range(40):
        node_id = explorer.step()
        box = explorer.presenter.box_of(node_id)
        assert view.nodes.current == box
        assert view.box_visible(box)
        assert view.zoom() >= LOD_NUMBERS  # close enough to read what changed
        if _ == 20:
            view.zoom_to_fit()  # the user zooms out: the next step comes back
            view.set_zoom(0.2)
    # The long description of a step never widens the tab (and so the window).
    assert len(explorer.controls.step_label.text()) > 60
    QApplication.processEvents()
    assert explorer.controls.layout().minimumSize().width() <= width


def test_far_out_a_layer_is_one_block_with_its_neuron_count_and_mean_grad(
    qtbot, explorer, monkeypatch
):
    weights = weights_of(6, [64, 64, 1])
    explorer.set_model(weights, 2, [64, 64, 1], "relu", "hinge", "binary")
    with qtbot.waitSignal(explorer.graphShown, timeout=60_000):
        explorer.show_sample(0, X, 1.0)
    nodes = explorer.view.nodes
    _, order = engine_graph(weights, nouts=[64, 64, 1])
    for layer in (0, 1):
        relus = [relu_of(order, layer, neuron) for neuron in range(64)]
        assert len(relus) == 64
        region = next(r for r in nodes.regions if r.layer == layer)
        expected = float(np.mean([abs(v.grad) for v in relus]))
        assert nodes.mean_grads[layer] == pytest.approx(expected, rel=1e-12)
        assert nodes.block_lines(region)[0] == f"layer {layer + 1} · 64 ReLU"
        assert nodes.block_lines(region)[1].startswith("mean |grad| ")
    drawn = []
    monkeypatch.setattr(nodes, "block_lines", lambda region: drawn.append(region) or ["x"])
    explorer.view.set_zoom(LOD_BLOCKS / 3)
    explorer.view.grab()
    assert {r.layer for r in drawn} == {-1, 0, 1, 2, 3}  # far out: every layer a block
    drawn.clear()
    explorer.view.set_zoom(1.0)
    explorer.view.grab()
    assert drawn == []  # close in: the records themselves


# ------------------------------------------------------------------- 5. one numbering


def test_the_inspector_and_titles_count_layers_neurons_and_weights_from_one(qtbot, explorer):
    weights = weights_of(2)
    show_level(qtbot, explorer, weights)
    record = explorer.snapshot.find("layers.0.neurons.2.relu[0]")
    click_node(qtbot, explorer, record, double=True)  # expand L1.N3
    node_id = explorer.snapshot.find("layers.0.neurons.2.w.1")
    click_node(qtbot, explorer, node_id)
    inspector = explorer.inspector
    assert inspector.key_label.text() == "L1.N3.w2 (in files: layers.0.neurons.2.w.1)"
    assert inspector.label_label.text() == "L1.N3.w2"
    assert inspector.place_label.text() == "layer 1, neuron 3 (a parameter)"
    assert explorer.view.nodes.titles[explorer.presenter.box_of(node_id)] == "L1.N3.w2"
    inputs = [
        explorer.view.nodes.titles[explorer.presenter.box_of(explorer.snapshot.find(k))]
        for k in ("x.0", "x.1")
    ]
    assert inputs == ["x1", "x2"]
    out = explorer.snapshot.find("layers.2.neurons.0.b")
    explorer.select_node(out)
    assert inspector.place_label.text() == "output layer, neuron 1 (a parameter)"


def test_a_weight_edited_in_the_inspector_is_asked_of_the_run(qtbot, explorer):
    show_level(qtbot, explorer, weights_of(2))
    explorer.select_key("layers.1.neurons.0.b")  # inside a record: selected all the same
    asked = []
    explorer.weightEdited.connect(lambda name, value: asked.append((name, value)))
    spin = explorer.inspector.weight_spin
    assert spin.isVisibleTo(explorer.inspector)
    spin.setFocus()
    qtbot.keyClick(spin, Qt.Key_Up)
    assert asked == [
        (
            "layers.1.neurons.0.b",
            pytest.approx(weights_of(2)["layers.1.neurons.0.b"] + 0.05, abs=1e-4),
        )
    ]
    explorer.select_key("x.0")  # an input is not a parameter: no field
    assert not spin.isVisibleTo(explorer.inspector)


def test_a_weight_edited_in_the_graph_inspector_goes_through_the_worker(qtbot, make_window):
    """Issue 13 item 17, the Graph tab's way: the run takes the value, the graph follows."""
    from microgui.graph_explorer import install_graph_explorer

    window = make_window()
    install_graph_explorer(window)
    explorer, controller = window.graph_explorer, window.controller
    with qtbot.waitSignal(explorer.graphShown, timeout=WAIT_MS):
        window.tabs.setCurrentWidget(explorer)
    assert explorer.select_key("layers.0.neurons.1.w.1")
    spin = explorer.inspector.weight_spin
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), "-1.75")
    with qtbot.waitSignal(explorer.graphShown, timeout=WAIT_MS):
        qtbot.keyClick(spin.lineEdit(), Qt.Key_Return)
    assert controller.worker.trainer.parameter_values()["layers.0.neurons.1.w.1"] == -1.75
    assert controller.snapshot.weights[0][0][1, 1] == -1.75
    node = explorer.snapshot.nodes[explorer.snapshot.find("layers.0.neurons.1.w.1")]
    assert node.value == -1.75  # the graph was rebuilt from the run's new weights
    assert float(explorer.inspector.value_label.text()) == -1.75
