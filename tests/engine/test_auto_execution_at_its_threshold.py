"""Execution "auto" is vectorized from a scalar step estimated at AUTO_VECTORIZED_SECONDS up.

At exactly the threshold it is vectorized. The network below is one whose real
graph lands there to the last bit: 20 samples through a tanh 6-10-1 network
without a penalty make a graph of 502 nodes and 1,620 parameter-input
products, and 502 x 3.5 us + 1,620 x 0.15 us is 2 ms exactly in floating point.
"""

from __future__ import annotations

import numpy as np

from engine.config import TrainConfig
from engine.size_guard import AUTO_VECTORIZED_SECONDS, SECONDS_PER_NODE, SECONDS_PER_PRODUCT
from engine.train import Trainer

X = np.random.default_rng(0).normal(size=(20, 6))
Y = X[:, 0] + X[:, 1]
CONFIG = TrainConfig(layers=(10,), activation="tanh", reg="none", test_fraction=0)
PARAMETERS = (6 + 1) * 10 + (10 + 1) * 1  # 81


def test_a_step_estimated_at_exactly_the_threshold_runs_vectorized():
    scalar = Trainer(CONFIG.replace(execution="scalar"), X, Y, "regression")
    assert len(scalar.model.parameters()) == PARAMETERS
    nodes, work = scalar.step().nodes, 20 * PARAMETERS  # counted in the real graph
    assert (nodes, work) == (502, 1620)
    assert nodes * SECONDS_PER_NODE + work * SECONDS_PER_PRODUCT == AUTO_VECTORIZED_SECONDS
    auto = Trainer(CONFIG, X, Y, "regression")
    assert auto.execution == "vectorized"
    assert auto.execution_reason == "auto: 20 samples x 81 parameters per step"
    # one sample fewer is under the threshold
    fewer = Trainer(CONFIG, X[:19], Y[:19], "regression")
    assert fewer.execution == "scalar"
    assert fewer.execution_reason == (
        "auto: 19 samples x 81 parameters per step, too small for numpy to gain"
    )
