"""A fused node (a whole neuron, a penalty) starts and ends like the micrograd node it stands for.

micrograd makes every node with ``grad = 0`` and ``label = ''``; ``backward()``
leaves in each the derivative of the root by it. engine.nn's fused neuron is
one node where micrograd has a chain ending in its ReLU (or last ``+``), and
engine.losses' penalty one node where micrograd's demo has ``alpha * sum``: in
the graph view they must show what those micrograd nodes show, before and
after ``backward()`` (checked against the published micrograd==0.1.0, same
weights, same numbers).
"""

from __future__ import annotations

import random

import pytest

import engine.nn
from engine.losses import hinge_loss, l2_penalty
from engine.value import Value

micrograd_nn = pytest.importorskip("micrograd.nn")

ALPHA = 1e-3
ROWS = ([0.5, -1.25], [-2.0, 0.75], [1.5, 1.0])


def _twins() -> tuple:
    random.seed(3)
    theirs = micrograd_nn.MLP(2, [4, 1])
    random.seed(3)
    ours = engine.nn.MLP(2, [4, 1])
    return ours, theirs


def _graph(model, x: list[float], y: float, ours: bool) -> tuple:
    """(total, hidden nodes, output, penalty) of micrograd's demo step for one row."""
    hidden = model.layers[0](x)
    out = model.layers[1](hidden)
    if ours:
        penalty = l2_penalty(model.parameters(), ALPHA)
        total = hinge_loss([out], [y]) + penalty
    else:
        penalty = ALPHA * sum(p * p for p in model.parameters())
        total = (1 + -y * out).relu() + penalty
    return total, hidden, out, penalty


@pytest.mark.parametrize("row", ROWS)
def test_fused_nodes_start_with_no_gradient_and_no_label(row):
    ours, _ = _twins()
    _, hidden, out, penalty = _graph(ours, [Value(x) for x in row], 1.0, ours=True)
    for node in (*hidden, out, penalty):
        assert node.op  # fused nodes, not leaves
        assert (node.grad, node.label) == (0.0, "")


@pytest.mark.parametrize("row", ROWS)
def test_after_backward_each_fused_node_holds_micrograds_gradient(row):
    ours, theirs = _twins()
    total, hidden, out, penalty = _graph(ours, [Value(x) for x in row], 1.0, ours=True)
    want_total, want_hidden, want_out, want_penalty = _graph(
        theirs, [micrograd_nn.Value(x) for x in row], 1.0, ours=False
    )
    total.backward()
    want_total.backward()
    assert total.data == pytest.approx(want_total.data, rel=1e-12)
    assert [h.data for h in hidden] == [h.data for h in want_hidden]  # some fire, some not
    assert [h.grad for h in hidden] == pytest.approx([h.grad for h in want_hidden], rel=1e-12)
    assert out.grad == want_out.grad
    assert penalty.grad == want_penalty.grad == 1.0
    assert total.grad == 1.0
