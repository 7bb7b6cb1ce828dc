"""ArrayMLP.of(model): the numpy twin of a scalar MLP computes what the MLP's Values compute.

Without ``flat`` the twin takes the model's current weights; with ``flat`` it
takes those instead (the vectorized execution hands it its training vector).
The scalar engine (engine.nn, one Value per number) is the reference.
"""

from __future__ import annotations

import numpy as np
import pytest

from engine.nn import MLP
from engine.vectorized import ArrayMLP, flat_parameters

ROWS = np.array([[0.5, -1.0], [2.0, 0.25], [-1.5, 3.0]])


def _scalar_outputs(model: MLP) -> np.ndarray:
    outputs = []
    for row in ROWS:
        out = model(list(row))
        outputs.append([v.data for v in (out if isinstance(out, list) else [out])])
    return np.array(outputs)


@pytest.mark.parametrize("activation", ["relu", "tanh"])
@pytest.mark.parametrize("nouts", [[3, 1], [4, 3, 2]])
def test_the_twin_of_a_model_computes_its_outputs(activation, nouts):
    model = MLP(2, nouts, activation=activation, init="xavier", seed=5)
    outputs, _ = ArrayMLP.of(model).forward(ROWS)
    np.testing.assert_allclose(outputs, _scalar_outputs(model), rtol=1e-12, atol=1e-15)


def test_given_a_vector_the_twin_takes_its_weights_not_the_models():
    model = MLP(2, [3, 1], init="xavier", seed=5)
    other = MLP(2, [3, 1], init="xavier", seed=6)
    outputs, _ = ArrayMLP.of(model, flat_parameters(other)).forward(ROWS)
    np.testing.assert_allclose(outputs, _scalar_outputs(other), rtol=1e-12, atol=1e-15)
    assert not np.allclose(outputs, _scalar_outputs(model))
