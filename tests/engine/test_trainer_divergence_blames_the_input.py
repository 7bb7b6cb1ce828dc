"""A Trainer that diverges because of its input names the input, not the learning rate.

Features near the largest float, or a regularisation strength of 1e308, make
the first forward overflow whatever the learning rate: the message says so
and what to do. A strength that is not used (``reg="none"``) is never blamed.
"""

from __future__ import annotations

import numpy as np
import pytest

from engine.config import TrainConfig
from engine.train import Trainer

X = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5], [2.0, 1.0], [-1.0, 0.0], [0.0, -2.0]])
Y = np.array([1.0, 0.0, 1.0, 0.0, 1.0, 0.0])


def _diverge(config: TrainConfig, X: np.ndarray) -> str:
    trainer = Trainer(config.replace(test_fraction=0, scaling="none", steps=5), X, Y, "binary")
    trainer.run()
    assert trainer.stop_reason == "diverged"
    return trainer.message


@pytest.mark.parametrize("execution", ["scalar", "vectorized"])
def test_huge_features_are_named_with_the_advice_to_scale(execution):
    message = _diverge(TrainConfig(execution=execution), X * 1e306)
    assert "The cause is the input, not the learning rate: the features reach 3e+306" in message
    assert "scale them (e.g. standardise each column)" in message


@pytest.mark.parametrize("reg", ["l1", "l2"])
def test_a_huge_regularisation_strength_is_named(reg):
    message = _diverge(TrainConfig(reg=reg, reg_strength=1e308), X)
    assert message.endswith(
        "The cause is the input, not the learning rate: the regularisation strength 1e+308 "
        "overflows the penalty: use a small one, e.g. 1e-4."
    )


def test_an_unused_strength_is_not_blamed():
    message = _diverge(TrainConfig(reg="none", reg_strength=1e308, lr=1e308), X)
    assert "regularisation" not in message
    assert message.endswith("The learning rate (1e+308) is probably too high: try a lower one.")
