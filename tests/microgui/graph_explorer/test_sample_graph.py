"""The graph of one sample: same numbers as the engine, micrograd and torch; replay, FD, layout."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from engine import Value
from engine.graph import to_dot, topological_order
from engine.nn import MLP
from microgui.graph_explorer.layout import (
    HEADER_HEIGHT,
    CollapseState,
    build_view,
    compute_layout,
    visible_graph,
)
from microgui.graph_explorer.replay import finite_difference, rebuild_values, snapshot_to_dot
from microgui.graph_explorer.sample_graph import (
    build_sample_graph,
    loss_targets,
    rebuild_model,
    weights_from_arrays,
)
from microgui.graph_explorer.snapshot import snapshot_from_root
from microgui.graph_explorer.stepper import GraphStepper
from microgui.playground.expression_parser import parse_expression

X = (0.3, -0.7)


def named_weights(nin, nouts, activation="relu", seed=3):
    model = MLP(nin, nouts, activation=activation, seed=seed)
    return {name: p.data for name, p in model.named_parameters()}


def engine_graph(weights, nin, nouts, activation, loss, x, target):
    """The same sample's graph built directly with engine.nn (unfused), independently."""
    model = MLP(nin, nouts, activation=activation, fused=False)
    for name, p in model.named_parameters():
        p.data = weights[name]
    inputs = [Value(v, label=f"x.{k}") for k, v in enumerate(x)]
    out = model(inputs)
    outputs = out if isinstance(out, list) else [out]
    root = _scalar_loss(outputs, loss, target)
    root.backward()
    return root, model


def _scalar_loss(outputs, loss, target):
    """Each loss written out by hand as scalar ops, micrograd style (the demo's hinge form)."""
    if loss == "hinge":
        return (1 + -target * outputs[0]).relu()
    if loss == "bce":
        s = outputs[0]
        return s.relu() - s * target + ((-abs(s)).exp() + 1).log()
    if loss == "mse":
        return (outputs[0] - target) ** 2
    shift = max(z.data for z in outputs)
    shifted = [z - shift for z in outputs]
    total = shifted[0].exp()
    for z in shifted[1:]:
        total = total + z.exp()
    return total.log() - shifted[int(target)]


@pytest.mark.parametrize(
    ("nouts", "activation", "loss", "target"),
    [
        ([4, 3, 1], "relu", "hinge", -1.0),
        ([3, 1], "tanh", "mse", 0.25),
        ([3, 1], "sigmoid", "bce", 1.0),
        ([4, 3], "tanh", "softmax_ce", 2),
    ],
)
def test_every_node_equals_the_engine_built_independently(nouts, activation, loss, target):
    weights = named_weights(2, nouts, activation)
    y = {"hinge": 0.0, "mse": 0.25, "bce": 1.0, "softmax_ce": 2.0}[loss]
    task = {"hinge": "binary", "mse": "regression", "bce": "binary", "softmax_ce": "multiclass"}
    snapshot = build_sample_graph(weights, 2, nouts, activation, loss, X, y, task[loss])
    root, _ = engine_graph(weights, 2, nouts, activation, loss, X, target)
    order = topological_order(root)
    assert len(snapshot) == len(order)
    for node, value in zip(snapshot.nodes, order, strict=True):
        assert (node.op, node.label) == (value.op, value.label)
        assert node.value == value.data
        assert node.grad == value.grad
    assert snapshot.nodes[snapshot.root].op == root.op
    assert snapshot.nodes[snapshot.root].value == root.data


def test_parameter_gradients_match_micrograd():
    from micrograd.nn import MLP as MicrogradMLP

    reference = MicrogradMLP(2, [4, 4, 1])
    weights = {}
    for i, layer in enumerate(reference.layers):
        for j, neuron in enumerate(layer.neurons):
            for k, w in enumerate(neuron.w):
                weights[f"layers.{i}.neurons.{j}.w.{k}"] = w.data
            weights[f"layers.{i}.neurons.{j}.b"] = neuron.b.data = 0.1 * (j - 1)
    score = reference(list(X))
    (1 + -1.0 * score).relu().backward()  # micrograd's demo hinge loss for y = +1
    snapshot = build_sample_graph(weights, 2, [4, 4, 1], "relu", "hinge", X, 1.0, "binary")
    for i, layer in enumerate(reference.layers):
        for j, neuron in enumerate(layer.neurons):
            node = snapshot.nodes[snapshot.find(f"layers.{i}.neurons.{j}.b")]
            assert node.grad == pytest.approx(neuron.b.grad, rel=1e-12, abs=1e-15)
            for k, w in enumerate(neuron.w):
                node = snapshot.nodes[snapshot.find(f"layers.{i}.neurons.{j}.w.{k}")]
                assert node.grad == pytest.approx(w.grad, rel=1e-12, abs=1e-15)


def test_loss_and_input_gradients_match_torch_float64():
    torch = pytest.importorskip("torch")
    weights = named_weights(2, [5, 3, 1], "tanh")
    snapshot = build_sample_graph(weights, 2, [5, 3, 1], "tanh", "mse", X, 0.4, "regression")
    h = torch.tensor(X, dtype=torch.float64, requires_grad=True)
    x = h
    for i, n in enumerate([5, 3, 1]):
        nin = 2 if i == 0 else [5, 3][i - 1]
        W = torch.tensor(
            [[weights[f"layers.{i}.neurons.{j}.w.{k}"] for k in range(nin)] for j in range(n)],
            dtype=torch.float64,
        )
        b = torch.tensor(
            [weights[f"layers.{i}.neurons.{j}.b"] for j in range(n)], dtype=torch.float64
        )
        x = W @ x + b
        if i < 2:
            x = torch.tanh(x)
    loss = (x[0] - 0.4) ** 2
    loss.backward()
    assert snapshot.nodes[snapshot.root].value == pytest.approx(loss.item(), rel=1e-13)
    for k in range(2):
        node = snapshot.nodes[snapshot.find(f"x.{k}")]
        assert node.grad == pytest.approx(h.grad[k].item(), rel=1e-12)


def test_gradients_obey_the_chain_rule_through_the_stored_local_derivatives():
    snapshot = build_sample_graph(
        named_weights(2, [4, 4, 1]), 2, [4, 4, 1], "relu", "hinge", X, 1.0, "binary"
    )
    arrived = np.zeros(len(snapshot))
    arrived[snapshot.root] = 1.0
    for node in snapshot.nodes:
        for parent, local in zip(node.parents, node.local_grads, strict=True):
            arrived[parent] += node.grad * local
    grads = np.array([n.grad for n in snapshot.nodes])
    np.testing.assert_allclose(arrived, grads, rtol=1e-12, atol=1e-15)


def test_layer_and_neuron_membership():
    snapshot = build_sample_graph(
        named_weights(3, [4, 2, 1]), 3, [4, 2, 1], "relu", "hinge", (0.1, 0.2, 0.3), 1.0
    )
    per_neuron = {}
    for node in snapshot.nodes:
        if node.label.startswith("layers."):
            parts = node.label.split(".")
            assert (node.layer, node.neuron) == (int(parts[1]), int(parts[3]))
        if node.role in ("param", "op", "output"):
            per_neuron.setdefault((node.layer, node.neuron), []).append(node)
    # A hidden neuron: nin weights, nin products, nin sums, a bias and the ReLU.
    assert len(per_neuron[(0, 0)]) == 3 * 3 + 2
    assert len(per_neuron[(1, 1)]) == 3 * 4 + 2
    assert len(per_neuron[(2, 0)]) == 3 * 2 + 1  # last layer: linear, no activation
    assert [n.role for n in snapshot.nodes if n.layer == -1] == ["input"] * 3
    assert snapshot.nodes[snapshot.root].role == "loss"


def test_keys_are_unique_and_stable_across_new_weights():
    a = build_sample_graph(named_weights(2, [3, 1], seed=1), 2, [3, 1], "relu", "hinge", X, 1.0)
    b = build_sample_graph(named_weights(2, [3, 1], seed=2), 2, [3, 1], "relu", "hinge", X, 1.0)
    keys = [n.key for n in a.nodes]
    assert len(set(keys)) == len(keys)
    assert keys == [n.key for n in b.nodes]
    assert a.structure == b.structure
    assert [n.value for n in a.nodes] != [n.value for n in b.nodes]


def test_weights_must_fit_the_architecture():
    weights = named_weights(2, [3, 1])
    del weights["layers.0.neurons.1.w.0"]
    with pytest.raises(ValueError, match=r"missing 1 \(e\.g\. layers\.0\.neurons\.1\.w\.0\)"):
        rebuild_model(weights, 2, [3, 1], "relu")
    with pytest.raises(ValueError, match="2 features but the model expects 3"):
        build_sample_graph(named_weights(3, [2, 1]), 3, [2, 1], "relu", "hinge", X, 1.0)


def test_weights_from_arrays_names_every_parameter():
    model = MLP(2, [3, 1], seed=4)
    arrays = [
        (
            np.array([[n.w[k].data for k in range(layer.nin)] for n in layer.neurons]),
            np.array([n.b.data for n in layer.neurons]),
        )
        for layer in model.layers
    ]
    assert weights_from_arrays(arrays) == {name: p.data for name, p in model.named_parameters()}


def test_targets_use_the_trainers_encoding():
    assert loss_targets("hinge", 0.0, 1, "binary") == (-1.0,)
    assert loss_targets("mse", 1.0, 1, "binary") == (1.0,)
    assert loss_targets("bce", 1.0, 1, "binary") == (1.0,)
    assert loss_targets("softmax_ce", 2.0, 3, "multiclass") == (2.0,)
    with pytest.raises(ValueError, match=r"not one of 0\.\.2"):
        loss_targets("softmax_ce", 3.0, 3)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_finite_differences_agree_with_backprop_for_every_node(activation):
    snapshot = build_sample_graph(
        named_weights(2, [3, 2, 1], activation), 2, [3, 2, 1], activation, "mse", X, 0.5
    )
    for node in snapshot.nodes:
        check = finite_difference(snapshot, node.id)
        assert check.exact_replay
        assert check.estimate == pytest.approx(node.grad, rel=1e-6, abs=1e-8), node.key


def test_finite_differences_through_folded_constants_of_the_readme_example():
    result = parse_expression(
        "a = -4.0\nb = 2.0\nc = a + b\nd = a * b + b**3\nc += c + 1\nc += 1 + c + (-a)\n"
        "d += d * 2 + (b + a).relu()\nd += 3 * d + (b - a).relu()\ne = c - d\nf = e**2\n"
        "g = f / 2.0\ng += 10.0 / f"
    )
    snapshot = snapshot_from_root(result.output)
    for name in ("a", "b"):
        check = finite_difference(snapshot, snapshot.find(name))
        assert check.estimate == pytest.approx(result.gradient(name), rel=1e-7)
    rebuilt = rebuild_values(snapshot)
    for node, value in zip(snapshot.nodes, rebuilt, strict=True):
        assert value.data == pytest.approx(node.value, rel=1e-14, abs=1e-14)
        assert value.grad == pytest.approx(node.grad, rel=1e-12, abs=1e-12)


def one_based(label: str) -> str:
    """The screen's name of an engine label, written here independently of microgui."""
    label = re.sub(
        r"layers\.(\d+)\.neurons\.(\d+)\.(?:w\.(\d+)|b)",
        lambda m: (
            f"L{int(m[1]) + 1}.N{int(m[2]) + 1}."
            + (f"w{int(m[3]) + 1}" if m[3] is not None else "b")
        ),
        label,
    )
    return re.sub(r"^x\.(\d+)$", lambda m: f"x{int(m[1]) + 1}", label)


def test_dot_export_is_the_engines_to_dot_of_the_same_graph_labelled_from_one():
    weights = named_weights(2, [3, 1])
    snapshot = build_sample_graph(weights, 2, [3, 1], "relu", "hinge", X, 1.0, "binary")
    root, _ = engine_graph(weights, 2, [3, 1], "relu", "hinge", X, 1.0)
    for v in topological_order(root):
        v.label = one_based(v.label)
    dot = snapshot_to_dot(snapshot)
    assert dot == to_dot(root)
    assert "L2.N1.b" in dot and "L1.N3.w2" in dot and "layers." not in dot


def test_backward_stepper_walks_reverse_topological_order_and_ends_at_the_gradients():
    weights = named_weights(2, [3, 2, 1])
    snapshot = build_sample_graph(weights, 2, [3, 2, 1], "relu", "hinge", X, 1.0, "binary")
    root, _ = engine_graph(weights, 2, [3, 2, 1], "relu", "hinge", X, 1.0)
    expected = [(v.op, v.label, v.data) for v in reversed(topological_order(root))]
    stepper = GraphStepper(snapshot, "backward")
    visited = []
    while not stepper.done:
        node = snapshot.nodes[stepper.step()]
        visited.append((node.op, node.label, node.value))
    assert visited == expected
    grads, known = stepper.grads()
    np.testing.assert_allclose(grads, [n.grad for n in snapshot.nodes], rtol=1e-12, atol=1e-15)
    assert known.all()
    stepper.seek(1)
    assert stepper.grads()[1].sum() == 1 + len(snapshot.nodes[snapshot.root].parents)


def test_forward_stepper_computes_in_topological_order():
    snapshot = build_sample_graph(named_weights(2, [2, 1]), 2, [2, 1], "relu", "hinge", X, 1.0)
    stepper = GraphStepper(snapshot, "forward")
    stepper.seek(5)
    _, known = stepper.values()
    assert known.tolist() == [True] * 5 + [False] * (len(snapshot) - 5)
    assert stepper.step_back() == 3 and stepper.position == 4


@pytest.mark.parametrize("collapse", ["scalars", "neurons", "layers", "mixed"])
def test_layout_boxes_do_not_overlap_and_edges_join_their_boxes(collapse):
    snapshot = build_sample_graph(
        named_weights(2, [6, 5, 1]), 2, [6, 5, 1], "relu", "hinge", X, 1.0
    )
    state = {
        "scalars": CollapseState.scalar_level(),
        "neurons": CollapseState.neuron_level(),
        "layers": CollapseState.layer_level(frozenset({0, 1, 2})),
        "mixed": CollapseState.neuron_level().toggled_neuron(1, 3).toggled_layer(0),
    }[collapse]
    graph = visible_graph(snapshot, state)
    layout = compute_layout(graph)
    x, y, w, h = layout.x, layout.y, layout.w, layout.h
    # no two boxes overlap
    for i in range(len(x)):
        others = np.arange(len(x)) != i
        overlap = (
            (x[others] < x[i] + w[i])
            & (x[i] < x[others] + w[others])
            & (y[others] < y[i] + h[i])
            & (y[i] < y[others] + h[others])
        )
        assert not overlap.any()
    # every segment starts on its parent's box and ends on its child's
    for (p, c), (x1, y1, x2, y2) in zip(graph.edges, layout.segments, strict=True):
        assert x[p] - 1e-6 <= x1 <= x[p] + w[p] + 1e-6
        assert y[p] - 1e-6 <= y1 <= y[p] + h[p] + 1e-6
        assert x[c] - 1e-6 <= x2 <= x[c] + w[c] + 1e-6
        assert y[c] - 1e-6 <= y2 <= y[c] + h[c] + 1e-6
    # inputs leftmost, loss rightmost, each layer's header above its boxes
    inputs = [graph.box_of[snapshot.find(f"x.{k}")] for k in range(2)]
    loss_box = graph.box_of[snapshot.root]
    assert x[inputs].max() < np.delete(x, inputs).min()
    assert x[loss_box] == x.max()
    assert [r.layer for r in layout.regions][:1] == [-1] and layout.regions[-1].layer == 3
    assert all(r.top >= HEADER_HEIGHT for r in layout.regions)
    titles = [r.title for r in layout.regions]
    assert titles[0] == "inputs" and titles[-1] == "loss"
    if collapse == "neurons":
        # inputs, one record per neuron, one for the loss
        assert len(graph) == 2 + 6 + 5 + 1 + 1
        assert titles[1:4] == ["layer 1 · 6 ReLU", "layer 2 · 5 ReLU", "output · 1 linear"]
        assert graph.kinds.count("neuron") == 12 and graph.kinds.count("loss") == 1
    if collapse == "layers":
        assert sorted(graph.kinds) == ["layer"] * 3 + ["loss"] + ["node"] * 2
    if collapse == "mixed":
        assert graph.kinds.count("layer") == 1
        assert graph.kinds.count("neuron") == 5 - 1 + 1
        expanded = graph.box_of[snapshot.find("layers.1.neurons.3.w.0")]
        assert graph.kinds[expanded] == "node"


def test_expanding_a_neuron_keeps_the_other_records_in_their_columns():
    weights = named_weights(2, [16, 16, 1])
    snapshot = build_sample_graph(weights, 2, [16, 16, 1], "relu", "hinge", X, 1.0)
    before = build_view(snapshot, CollapseState.neuron_level())
    after = build_view(snapshot, CollapseState.neuron_level().toggled_neuron(1, 5))

    def records(layout, layer):
        graph = layout.graph
        return {
            graph.groups[b][1]: b
            for b, k in enumerate(graph.kinds)
            if k == "neuron" and graph.groups[b][0] == layer
        }

    for layout in (before, after):
        for layer in (0, 1):
            boxes = records(layout, layer)
            columns = sorted(set(layout.x[list(boxes.values())].round(6)))
            assert len(columns) == 2  # 16 neurons in two bands of 8
            for neuron, b in boxes.items():  # neuron 1-8 in the first band, 9-16 the second
                assert round(layout.x[b], 6) == columns[neuron // 8]
    # Layer 1 did not move at all; in layer 2 the expanded neuron's band grew, and its
    # records still line up with the neuron's output (its ReLU) in one column.
    one_before, one_after = records(before, 0), records(after, 0)
    assert all(before.x[one_before[n]] == after.x[one_after[n]] for n in one_before)
    relu = after.graph.box_of[snapshot.find("layers.1.neurons.5.relu[0]")]
    band = [b for n, b in records(after, 1).items() if n < 8]
    assert set(after.x[band].round(6)) == {round(after.x[relu], 6)}
    assert after.x[relu] > before.x[records(before, 1)[0]]  # its weights are to its left


def test_a_collapsed_neuron_shows_its_activation():
    snapshot = build_sample_graph(named_weights(2, [3, 1]), 2, [3, 1], "relu", "hinge", X, 1.0)
    graph = visible_graph(snapshot, CollapseState.scalar_level().toggled_neuron(0, 1))
    box = graph.box_of[snapshot.find("layers.0.neurons.1.b")]
    shown = snapshot.nodes[graph.rep[box]]
    assert graph.kinds[box] == "neuron"
    assert shown.op == "ReLU" and (shown.layer, shown.neuron) == (0, 1)
    assert math.isfinite(shown.value)


@pytest.mark.parametrize(
    ("loss", "outputs", "targets"),
    [
        ("hinge", [0.3], (-1.0,)),
        ("hinge", [-2.5], (1.0,)),
        ("bce", [1.7], (0.0,)),
        ("bce", [-30.0], (1.0,)),
        ("mse", [0.25], (1.5,)),
        ("softmax_ce", [0.1, -1.2, 2.3], (1.0,)),
    ],
)
def test_unfused_sample_loss_equals_the_engines_fused_loss(loss, outputs, targets):
    from microgui.graph_explorer.sample_graph import sample_loss, unfused_sample_loss

    fused_in = [Value(v) for v in outputs]
    unfused_in = [Value(v) for v in outputs]
    fused = sample_loss(fused_in, loss, targets)
    unfused = unfused_sample_loss(unfused_in, loss, targets)
    fused.backward()
    unfused.backward()
    assert unfused.data == pytest.approx(fused.data, rel=1e-12, abs=1e-14)
    for a, b in zip(unfused_in, fused_in, strict=True):
        assert a.grad == pytest.approx(b.grad, rel=1e-12, abs=1e-14)
    # The graph view's loss is made of scalar ops, not one fused box.
    assert len(topological_order(unfused)) > len(outputs) + 1
