"""After a loss explodes the Trainer goes back one step, and its count and messages say so.

A loss past ``divergence_factor`` times the first means the weights of the
step before already were bad: the Trainer restores the weights before that
step's update, counts that step as not done, and says which step's weights it
kept (with that step's loss). Once stopped, ``step()`` raises TrainingFinished
with the stop message.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import make_moons

from engine.config import TrainConfig
from engine.train import Trainer, TrainingFinished


def _data():
    X, y = make_moons(n_samples=100, noise=0.1, random_state=1337)
    return X, y.astype(np.float64)


def test_an_exploded_loss_rolls_back_one_step_and_names_it():
    trainer = Trainer(TrainConfig(lr=10.0, steps=100), *_data(), "binary")  # explodes at step 4
    snapshots = [trainer.parameter_values()]
    result = trainer.step()
    while result.finite:
        snapshots.append(trainer.parameter_values())
        result = trainer.step()
    k = result.step
    assert k >= 3 and "exploded past" in result.message
    kept_loss = trainer.history[k - 1].loss
    assert (
        f"; training stopped, parameters kept as they were at step {k - 1} (loss {kept_loss:.6g}). "
        in result.message
    )
    assert trainer.steps_done == k - 1  # step k-1's update was undone
    assert trainer.parameter_values() == snapshots[k - 1]
    with pytest.raises(TrainingFinished) as caught:
        trainer.step()
    assert str(caught.value) == result.message == trainer.message


def test_a_finished_run_says_why_when_stepped_again():
    trainer = Trainer(TrainConfig(steps=2, test_fraction=0), *_data(), "binary")
    trainer.step()
    trainer.step()
    assert trainer.stop_reason == "steps" and trainer.message
    with pytest.raises(TrainingFinished) as caught:
        trainer.step()
    assert str(caught.value) == trainer.message
