"""Size estimates beyond the demo network: linear hidden layers, the vectorized execution."""

from __future__ import annotations

import pytest

from engine.config import TrainConfig
from engine.graph import topological_order
from engine.nn import MLP
from engine.size_guard import estimate_size, estimate_unfused_nodes


@pytest.mark.parametrize("activation", ["linear", "sigmoid"])
def test_the_unfused_estimate_equals_the_graph_it_estimates(activation):
    layers = (4, 3)
    model = MLP(3, [*layers, 2], activation=activation, fused=False)
    outputs = model([0.3, -0.7, 1.1])
    graph = topological_order(outputs[0] + outputs[1])  # one root over both outputs
    # minus the joining "+" node, which is not part of the network
    assert estimate_unfused_nodes(layers, 3, 2, activation) == len(graph) - 1


def test_a_vectorized_estimate_speaks_of_products_not_of_graph_nodes():
    config = TrainConfig(layers=(8,), execution="vectorized")
    vectorized = estimate_size(config, 50, 2, 1, "vectorized")
    scalar = estimate_size(config, 50, 2, 1, "scalar")
    assert vectorized.nodes == 0 and scalar.nodes > 0
    assert "vectorized" in vectorized.describe() and "nodes" not in vectorized.describe()
    assert f"{scalar.nodes:,} nodes" in scalar.describe()
    assert "vectorized" not in scalar.describe()
