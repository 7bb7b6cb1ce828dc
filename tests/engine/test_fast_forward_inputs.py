"""mlp_forward_numpy's inputs: one sample given flat, a table of the wrong width, both sums.

The decision-boundary grid and the test-set scores go through this forward
pass; it must give the scalar engine's outputs whatever shape of input a
caller hands it, and refuse a table that does not fit in one line.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine.fast import mlp_forward_numpy
from engine.nn import MLP

RNG = np.random.default_rng(3)


def _model(nin: int) -> MLP:
    model = MLP(nin, [4, 3, 2], activation="tanh", seed=5)
    for p in model.parameters():  # biases too: an MLP starts with zero biases
        p.data = float(RNG.normal(0.0, 1.0))
    return model


def _scalar(model: MLP, rows) -> list[list[float]]:
    """The scalar engine's outputs (np.tanh and math.tanh may differ in the last bit)."""
    return [[o.data for o in model([float(v) for v in row])] for row in rows]


def test_one_sample_given_flat_is_one_row_of_outputs():
    model = _model(3)
    x = [0.5, -1.25, 2.0]
    out = mlp_forward_numpy(model, np.array(x))
    assert out.shape == (1, 2)
    np.testing.assert_allclose(out, _scalar(model, [x]), rtol=1e-12)


def test_a_flat_input_to_a_one_input_model_is_one_sample_per_value():
    model = _model(1)
    xs = [0.5, -1.0, 3.0, 0.0]
    out = mlp_forward_numpy(model, np.array(xs))
    assert out.shape == (4, 2)
    np.testing.assert_allclose(out, _scalar(model, [[x] for x in xs]), rtol=1e-12)


@pytest.mark.parametrize("X", [np.zeros((5, 2)), np.zeros(4), np.zeros((2, 3, 3))])
def test_an_input_that_does_not_fit_the_model_is_refused_naming_both_shapes(X):
    with pytest.raises(ValueError) as info:
        mlp_forward_numpy(_model(3), X)
    shown = X.shape if X.ndim != 1 else (1, X.shape[0])
    assert str(info.value) == f"X must have shape (n, 3) for this model, got {shown}"


def test_the_matrix_product_gives_the_exact_sums_to_rounding():
    model = _model(3)
    X = RNG.normal(0.0, 2.0, (50, 3))
    exact = mlp_forward_numpy(model, X)
    np.testing.assert_allclose(exact, _scalar(model, X), rtol=1e-12)
    np.testing.assert_allclose(mlp_forward_numpy(model, X, exact=False), exact, rtol=1e-12)


def test_relu_of_a_negative_zero_is_the_scalar_engines_positive_zero():
    # Value.relu turns everything <= 0 into 0.0; a -0.0 let through would flip the sign
    # of a zero output, which the scalar graph never gives.
    model = MLP(1, [1, 1], activation="relu", seed=0)
    for p, value in zip(model.parameters(), [1.0, -0.0, 1.0, -0.0], strict=True):
        p.data = value
    scalar = model([-0.0]).data  # one output: a Value
    fast = float(mlp_forward_numpy(model, np.array([[-0.0]]))[0, 0])
    assert (scalar, math.copysign(1.0, scalar)) == (0.0, 1.0)
    assert math.copysign(1.0, fast) == math.copysign(1.0, scalar) and fast == scalar
