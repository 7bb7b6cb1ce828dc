"""A ReLU neuron's node is named "neuron_relu" whether it fires or not.

The graph view and ``to_dot`` show each node's operation; an inactive ReLU
(its sum at or below 0: value 0, no gradient) is the same operation as an
active one, as micrograd's graph shows "ReLU" on both sides of the kink.
"""

from __future__ import annotations

import pytest

from engine.graph import to_dot
from engine.nn import MLP, Neuron
from engine.value import Value


@pytest.mark.parametrize("bias", [0.5, -3.0, -1.0])  # sums 1.5 (active), -2 and exactly 0
def test_a_relu_neuron_node_has_the_same_op_on_both_sides(bias):
    neuron = Neuron(2, weights=[2.0, -1.0], bias=bias)
    out = neuron([Value(0.5), 0.0])
    assert out.data == max(bias + 1.0, 0.0)
    assert out.op == "neuron_relu"


def test_every_hidden_relu_node_of_a_network_has_the_op_active_or_not():
    model = MLP(1, [4, 1], seed=0)
    for k, neuron in enumerate(model.layers[0].neurons):  # two fire, two do not
        neuron.w[0].data, neuron.b.data = 1.0, (1.0, -1.0, 0.5, -2.0)[k]
    hidden = model.layers[0]([Value(0.5)])
    assert [h.data for h in hidden] == [1.5, 0.0, 1.0, 0.0]
    assert [h.op for h in hidden] == ["neuron_relu"] * 4


def test_the_dot_graph_of_an_inactive_relu_neuron_shows_its_op_node():
    neuron = Neuron(1, weights=[1.0], bias=-5.0)
    out = neuron([Value(2.0)])
    assert to_dot(out) == (
        "digraph {\n"
        "  rankdir=LR;\n"
        '  v0 [label="{ w.0 | data 1.0000 | grad 0.0000 }", shape=record];\n'
        '  v1 [label="{ b | data -5.0000 | grad 0.0000 }", shape=record];\n'
        '  v2 [label="{  | data 2.0000 | grad 0.0000 }", shape=record];\n'
        '  v3 [label="{  | data 0.0000 | grad 0.0000 }", shape=record];\n'
        '  v3_op [label="neuron_relu"];\n'
        "  v3_op -> v3;\n"
        "  v0 -> v3_op;\n"
        "  v1 -> v3_op;\n"
        "  v2 -> v3_op;\n"
        "}\n"
    )
