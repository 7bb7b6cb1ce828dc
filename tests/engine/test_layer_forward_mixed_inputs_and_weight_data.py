"""A layer fed plain numbers and Values together, and a layer given the wrong weight snapshot.

A plain number is a constant input: the gradient reaches only the Value
inputs, each through its own weight, as in micrograd 0.1.0's Layer with the
same weights. ``Layer.forward(x, weight_data)`` takes one snapshot per
neuron and says so in one line when it gets another count.
"""

from __future__ import annotations

import random

import pytest

import engine.nn
from engine.value import Value

micrograd_nn = pytest.importorskip("micrograd.nn")
micrograd_engine = pytest.importorskip("micrograd.engine")


def _twins(nin: int, nout: int, activation: str) -> tuple:
    random.seed(11)
    theirs = micrograd_nn.Layer(nin, nout, nonlin=activation == "relu")
    random.seed(11)
    ours = engine.nn.Layer(nin, nout, activation=activation)
    assert [p.data for p in ours.parameters()] == [p.data for p in theirs.parameters()]
    return ours, theirs


@pytest.mark.parametrize("activation", ["relu", "linear"])
@pytest.mark.parametrize("constants", [(0,), (1,), (0, 2)])  # which inputs are plain numbers
def test_value_inputs_beside_plain_numbers_get_micrograds_gradients(activation, constants):
    numbers = [2.0, 1.5, -0.75]
    ours, theirs = _twins(3, 4, activation)
    x = [v if k in constants else Value(v) for k, v in enumerate(numbers)]
    x_theirs = [v if k in constants else micrograd_engine.Value(v) for k, v in enumerate(numbers)]
    outputs = ours.forward(x)
    total = outputs[0]
    for out in outputs[1:]:
        total = total + out
    total.backward()
    want = sum(theirs(x_theirs))
    want.backward()
    assert total.data == pytest.approx(want.data, rel=1e-15)
    for k in range(3):
        if k not in constants:
            assert x[k].grad == pytest.approx(x_theirs[k].grad, rel=1e-15, abs=0.0), k
    assert [p.grad for p in ours.parameters()] == pytest.approx(
        [p.grad for p in theirs.parameters()], rel=1e-15
    )


def test_a_weight_snapshot_of_another_size_is_refused_in_one_line():
    layer = engine.nn.Layer(2, 3)
    snapshot = layer.weight_data()[:2]
    with pytest.raises(ValueError) as caught:
        layer.forward([1.0, 2.0], snapshot)
    assert str(caught.value) == "weight_data has 2 entries for 3 neurons"
