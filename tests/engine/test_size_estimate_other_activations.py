"""Size estimates beyond the demo network: linear hidden layers, the vectorized execution."""

from __future__ import annotations

import numpy as np
import pytest

from engine.config import TrainConfig
from engine.graph import topological_order
from engine.nn import MLP
from engine.size_guard import estimate_size, estimate_unfused_nodes
from engine.vectorized import ArrayMLP


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


def test_a_vectorized_estimate_counts_the_arrays_of_a_step():
    # 3 inputs, layers 5 and 7, 2 outputs, minibatches of 10 out of 50 samples
    config = TrainConfig(layers=(5, 7), batch_size=10, execution="vectorized")
    parameters = (3 + 1) * 5 + (5 + 1) * 7 + (7 + 1) * 2  # 78
    net = ArrayMLP([3, 5, 7, 2], "relu", np.zeros(parameters))
    _, cache = net.forward(np.ones((10, 3)), keep=True)
    rows = cache.inputs[0].size  # the batch's input rows: 10 x 3
    kept = sum(a.size for a in cache.sums + cache.outputs)  # a sum and an output per unit
    assert (rows, kept) == (30, 10 * 2 * (5 + 7 + 2))
    # the rows twice (the training rows and the batch taken from them), and per unit
    # its sum and output (kept for backward), its gradient and a temporary
    floats = 2 * rows + 2 * kept
    estimate = estimate_size(config, 50, 3, 2, "vectorized")
    assert (estimate.floats, estimate.parameters, estimate.batch) == (floats, parameters, 10)
    # those floats, eight vectors of parameters, and a Value per parameter (150 bytes)
    megabytes = (floats * 8 + 8 * parameters * 8 + parameters * 150) / 1e6
    assert estimate.megabytes == pytest.approx(megabytes, rel=1e-12)
