"""The vectorized execution's MLP (its Values) holds the weights of the last step.

The vectorized execution trains a flat vector and brings the MLP's Values up
to date only when someone reads ``trainer.model`` (the graph view, a save, a
snapshot). Read after some steps, those Values must be the weights the scalar
execution (the definition) reached in the same steps, and reading them must
not pull the training back to older weights.
"""

from __future__ import annotations

import numpy as np
from sklearn.datasets import make_moons

from engine.config import TrainConfig
from engine.train import Trainer


def _trainer(execution: str) -> Trainer:
    X, y = make_moons(n_samples=24, noise=0.1, random_state=3)
    config = TrainConfig(layers=(4,), steps=20, lr=0.1, test_fraction=0, execution=execution)
    return Trainer(config, X, y.astype(np.float64), "binary")


def _model_weights(trainer: Trainer) -> dict[str, float]:
    return {name: p.data for name, p in trainer.model.named_parameters()}


def test_the_model_read_after_steps_holds_the_weights_the_scalar_graph_reaches():
    scalar, vectorized = _trainer("scalar"), _trainer("vectorized")
    for _ in range(3):
        scalar.step()
        vectorized.step()
    expected = _model_weights(scalar)
    got = _model_weights(vectorized)
    assert got.keys() == expected.keys()
    for name, value in expected.items():
        assert np.isclose(got[name], value, rtol=1e-12, atol=1e-15), name
    assert got == vectorized.parameter_values()  # the Values and the flat vector agree


def test_reading_the_model_between_steps_does_not_undo_the_training():
    scalar, vectorized = _trainer("scalar"), _trainer("vectorized")
    for _ in range(4):
        scalar.step()
        vectorized.step()
        _model_weights(vectorized)  # as the graph view does after every step
    losses = [r.loss for r in scalar.history], [r.loss for r in vectorized.history]
    np.testing.assert_allclose(losses[1], losses[0], rtol=1e-12)
    np.testing.assert_allclose(
        list(_model_weights(vectorized).values()),
        list(_model_weights(scalar).values()),
        rtol=1e-12,
        atol=1e-15,
    )
