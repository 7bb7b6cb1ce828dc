"""engine.fast: the numpy forward equals the scalar engine's forward."""

from __future__ import annotations

import numpy as np
import pytest

from engine.fast import mlp_forward_numpy, model_weight_arrays
from engine.nn import ACTIVATIONS, MLP


def scalar_forward(model, X):
    outs = []
    for row in X.tolist():
        out = model(row)
        outs.append([v.data for v in out] if isinstance(out, list) else [out.data])
    return np.array(outs)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("nouts", [[16, 16, 1], [8, 3], [5, 7, 6, 2]])
def test_numpy_forward_equals_scalar_forward(activation, nouts):
    rng = np.random.default_rng(3)
    model = MLP(2, nouts, activation=activation, init="xavier", seed=8)
    X = rng.normal(scale=2.0, size=(60, 2))
    X[0] = 0.0  # exact zeros reach the relu kink
    want = scalar_forward(model, X)
    got = mlp_forward_numpy(model, X)
    assert got.shape == (60, nouts[-1])
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-300)
    if activation in ("relu", "linear"):
        # no transcendental functions: the same additions in the same order
        assert np.array_equal(got, want)


def test_matrix_product_forward_is_close_too():
    model = MLP(3, [32, 32, 2], seed=1)
    X = np.random.default_rng(0).uniform(-3, 3, size=(200, 3))
    exact = mlp_forward_numpy(model, X)
    fast = mlp_forward_numpy(model, X, exact=False)
    np.testing.assert_allclose(fast, exact, rtol=1e-12, atol=1e-12 * np.abs(exact).max())


def test_forward_follows_weight_updates():
    model = MLP(2, [4, 1], seed=2)
    X = np.array([[0.5, -0.5], [1.0, 2.0]])
    before = mlp_forward_numpy(model, X)
    model.layers[-1].neurons[0].b.data += 1.0
    after = mlp_forward_numpy(model, X)
    np.testing.assert_allclose(after, before + 1.0, rtol=1e-15)


def test_model_weight_arrays_have_layer_shapes_and_values():
    model = MLP(3, [4, 2], seed=5)
    arrays = model_weight_arrays(model)
    assert [(w.shape, b.shape) for w, b in arrays] == [((4, 3), (4,)), ((2, 4), (2,))]
    w, b = arrays[1]
    assert w[1, 3] == model.layers[1].neurons[1].w[3].data
    assert b[0] == model.layers[1].neurons[0].b.data
    w[0, 0] = 99.0  # a copy: the model is untouched
    assert model.layers[1].neurons[0].w[0].data != 99.0


def test_one_dimensional_inputs_and_shape_errors():
    model = MLP(1, [3, 1], seed=0)
    got = mlp_forward_numpy(model, np.array([0.5, -1.0, 2.0]))
    assert got.shape == (3, 1)
    assert got[1, 0] == model([-1.0]).data
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        mlp_forward_numpy(MLP(2, [1]), np.zeros((4, 3)))
