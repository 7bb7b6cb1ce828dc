"""engine.vectorized's array twin keeps the MLP's shape, numbers and API promises.

* Each layer's activation is the MLP's: the hidden layers' activation, the
  output layer linear (as engine.nn's last layer and micrograd's).
* ``forward(X)`` without ``keep`` returns no cache (None), so a prediction on
  a large grid holds no copy of every layer's arrays.
* ``flat_parameters`` is float64 even when every weight was set to a whole
  number (``p.data = 1`` in a notebook): the twin's gradients are then the
  scalar engine's, not truncated to integers.
* ``penalty_and_gradient(..., gradient=False)`` returns no gradient (None).
"""

from __future__ import annotations

import numpy as np
import pytest

from engine.nn import MLP
from engine.value import Value
from engine.vectorized import ArrayMLP, flat_parameters, penalty_and_gradient


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
@pytest.mark.parametrize("nouts", [[1], [4, 1], [5, 3, 2]])
def test_each_layer_has_the_mlps_activation(activation, nouts):
    model = MLP(3, nouts, activation=activation, seed=0)
    net = ArrayMLP.of(model)
    assert net.activations == [layer.neurons[0].activation for layer in model.layers]
    assert net.activations[-1] == "linear"


def test_forward_without_keep_returns_no_cache():
    model = MLP(2, [4, 1], seed=0)
    X = np.array([[0.5, -1.0], [2.0, 0.25]])
    outputs, cache = ArrayMLP.of(model).forward(X)
    assert cache is None
    kept_outputs, kept = ArrayMLP.of(model).forward(X, keep=True)
    assert kept is not None and len(kept.inputs) == len(kept.sums) == len(kept.outputs) == 2
    np.testing.assert_array_equal(outputs, kept_outputs)


def test_whole_number_weights_give_a_float_vector_and_the_scalar_engines_gradients():
    model = MLP(2, [3, 1], seed=0)
    for k, p in enumerate(model.parameters()):
        p.data = (1, -1, 2, 0, 1)[k % 5]  # ints, as a learner might set them by hand
    flat = flat_parameters(model)
    assert flat.dtype == np.float64
    assert flat.tolist() == [float(p.data) for p in model.parameters()]
    x = [0.75, -0.5]
    # the scalar engine: d output / d parameter
    model.zero_grad()
    model([Value(v) for v in x]).backward()
    expected = [p.grad for p in model.parameters()]
    net = ArrayMLP.of(model)
    _, cache = net.forward(np.array([x]), keep=True)
    grads = net.backward(cache, np.ones((1, 1)))
    assert grads.dtype == np.float64
    np.testing.assert_allclose(grads, expected, rtol=1e-15)
    assert any(g != int(g) for g in expected)  # fractions a truncation would lose


@pytest.mark.parametrize("reg", ["l2", "l1"])
def test_no_gradient_is_computed_when_none_is_asked(reg):
    flat = np.array([0.5, -2.0, 0.0, 3.0])
    value, gradient = penalty_and_gradient(flat, reg, 0.1, gradient=False)
    assert gradient is None
    assert value == penalty_and_gradient(flat, reg, 0.1)[0]
    assert value == pytest.approx(0.1 * (np.sum(flat * flat) if reg == "l2" else 5.5))
