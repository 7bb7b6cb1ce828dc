"""After ``clear_stop()`` patience counts again from zero, and a diverged run refuses to go on."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import make_moons

from engine.config import TrainConfig
from engine.train import Trainer, TrainingFinished


def moons():
    X, y = make_moons(n_samples=30, noise=0.1, random_state=2)
    return X, y.astype(np.float64)


def steps_until_stop(trainer: Trainer) -> list:
    results = []
    while not trainer.finished:
        results.append(trainer.step())
    return results


@pytest.mark.parametrize("execution", ["scalar", "vectorized"])
def test_after_a_patience_stop_is_cleared_the_next_comes_after_the_same_patience(execution):
    # A learning rate too small to move any weight: the loss never improves after the
    # first step, so patience alone stops the run.
    config = TrainConfig(steps=100, lr=1e-300, patience=4, test_fraction=0, execution=execution)
    trainer = Trainer(config, *moons(), "binary")
    first = steps_until_stop(trainer)
    assert first[-1].stop_reason == "patience"
    trainer.clear_stop()
    assert trainer.stop_reason == "" and trainer.message == ""
    second = steps_until_stop(trainer)
    # The first run counts its first step as the best: one step more than the second.
    assert second[-1].stop_reason == "patience"
    assert len(second) == len(first) - 1 == config.patience


def test_clear_stop_after_a_divergence_raises_with_the_divergence_message():
    X, y = moons()
    X = X * 1e160  # the features overflow the forward pass at step 0
    trainer = Trainer(TrainConfig(steps=10, scaling="none", test_fraction=0), X, y, "binary")
    steps_until_stop(trainer)
    assert trainer.diverged and trainer.message
    with pytest.raises(TrainingFinished) as raised:
        trainer.clear_stop()
    assert str(raised.value) == trainer.message
