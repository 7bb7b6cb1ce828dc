"""A learning rate far too high: the vectorized execution diverges as the scalar one, quietly.

The scalar engine's Python floats overflow to inf without a word, and the
Trainer reports the step that diverged in one message. The vectorized
execution must say the same, and numpy must not add "overflow encountered
in matmul" warnings on the way (a console full of them at every step, and an
error where warnings are errors).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from engine.config import TrainConfig
from engine.train import Trainer


def _diverge(execution: str, task: str, activation: str, reg: str) -> tuple[str, str, int]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    y = (X[:, 0] > 0).astype(np.float64) if task == "binary" else X[:, 0] * 3.0
    config = TrainConfig(
        layers=(16, 16),
        activation=activation,
        reg=reg,
        lr=1e6,
        steps=30,
        divergence_factor=None,  # run on until the loss is no longer finite
        execution=execution,
    )
    trainer = Trainer(config, X, y, task)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        last = trainer.run()
    return trainer.stop_reason, trainer.message, last.step


# (binary without a penalty stays finite for these 30 steps: nothing to compare there)
@pytest.mark.parametrize(
    ("task", "reg"), [("binary", "l2"), ("regression", "l2"), ("regression", "none")]
)
def test_vectorized_divergence_is_quiet_and_reported_as_the_scalar_one(task, reg):
    scalar = _diverge("scalar", task, "relu", reg)
    assert scalar[0] == "diverged"
    assert _diverge("vectorized", task, "relu", reg) == scalar
