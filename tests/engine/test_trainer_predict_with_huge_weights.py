"""Trainer.predict on weights that overflow: IEEE's inf and nan, as torch gives, and no warning.

A weight edited to 1e300 (the graph view lets one type any number) makes the
forward pass overflow. Both executions must give what torch's float64 forward
gives for the same weights, quietly: the decision-boundary grid calls predict
every few steps, and the training loss is what reports the overflow.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_moons

from engine.config import TrainConfig
from engine.train import Trainer

torch = pytest.importorskip("torch")

ROWS = np.array([[1e10, 1e10], [0.5, -0.2], [-3.0, 2.0], [0.0, 0.0]])


def _torch_forward(trainer: Trainer, Z: np.ndarray, activation: str):
    """The outputs, and whether any weighted sum overflowed on the way."""
    act = {"relu": torch.relu, "tanh": torch.tanh}[activation]
    h = torch.tensor(Z, dtype=torch.float64)
    arrays = trainer.weight_arrays()
    overflowed = False
    for i, (w, b) in enumerate(arrays):
        h = h @ torch.tensor(w).T + torch.tensor(b)
        overflowed = overflowed or bool(torch.isinf(h).any())
        if i < len(arrays) - 1:
            h = act(h)
    return h.numpy(), overflowed


@pytest.mark.parametrize("activation", ["relu", "tanh"])
@pytest.mark.parametrize("execution", ["scalar", "vectorized"])
def test_huge_weights_predict_as_torch_without_a_warning(execution, activation):
    X, y = make_moons(n_samples=40, noise=0.1, random_state=0)
    config = TrainConfig(
        layers=(4, 3), activation=activation, execution=execution, test_fraction=0.25, seed=1
    )
    trainer = Trainer(config, X, y.astype(np.float64), "binary")
    values = trainer.parameter_values()
    huge = {name: 1e300 for name in values if name.startswith("layers.0.")}
    huge["layers.1.neurons.0.w.0"] = -1e300
    trainer.set_parameter_values({**values, **huge})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        outputs = trainer.predict_inputs(ROWS)
        trainer.predict(ROWS)  # through the preprocessor too
    want, overflowed = _torch_forward(trainer, ROWS, activation)
    assert overflowed  # the case is an overflowing one
    np.testing.assert_allclose(outputs, want, rtol=1e-12, atol=0.0)
