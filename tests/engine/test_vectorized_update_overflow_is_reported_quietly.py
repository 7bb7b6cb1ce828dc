"""An update that overflows the weights is the Trainer's divergence report, not a numpy warning.

Regression targets in the thousands, unscaled, give gradients in the
thousands; times a learning rate of 1e306 the first update sends weights past
the largest float. The scalar execution (Python floats: the definition) does
that silently and the Trainer stops with "parameter ... became -inf in the
update"; the vectorized execution must end the same way, without numpy's
"overflow encountered" RuntimeWarning on the console (here, with warnings as
errors, an exception).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from engine.config import TrainConfig
from engine.train import Trainer

X = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5], [2.0, 1.0]])
Y = np.array([1e3, -2e3, 5e2, 1e3])


def _first_step(execution: str, momentum: float):
    config = TrainConfig(
        layers=(3,),
        steps=5,
        lr=1e306,
        optimizer="sgd",
        momentum=momentum,
        scaling="none",
        test_fraction=0,
        execution=execution,
    )
    trainer = Trainer(config, X, Y, "regression")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = trainer.step()
    return trainer, result


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_an_overflowing_update_stops_the_vectorized_run_as_the_scalar_one(momentum):
    scalar, expected = _first_step("scalar", momentum)
    vectorized, got = _first_step("vectorized", momentum)
    assert expected.stop_reason == "diverged"
    assert "inf in the update" in expected.message
    assert (got.finite, got.stop_reason, got.message) == (
        expected.finite,
        expected.stop_reason,
        expected.message,
    )
    # both went back to the weights before the update
    assert vectorized.parameter_values() == scalar.parameter_values()
