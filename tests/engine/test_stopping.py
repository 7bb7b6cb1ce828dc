"""engine.stopping.divergence_message: the cause it names (issue 16.4)."""

from __future__ import annotations

import numpy as np
import pytest

from engine.config import TrainConfig
from engine.stopping import divergence_message
from engine.train import Trainer

PROBLEM = "the loss is inf although every parameter is finite"


def test_a_large_learning_rate_is_blamed():
    text = divergence_message(7, PROBLEM, "as they were at step 6", 10.0)
    assert text.endswith("The learning rate (10) is probably too high: try a lower one.")


def test_step_0_is_before_any_update_so_not_the_learning_rate():
    text = divergence_message(0, PROBLEM, "as they were at step 0", 10.0)
    assert "at step 0, before any update, so the learning rate is not the cause" in text
    assert "probably too high" not in text


def test_a_tiny_learning_rate_is_not_blamed():
    text = divergence_message(12, PROBLEM, "as they were at step 11", 1e-300)
    assert "with a learning rate of 1e-300, so the learning rate is not the cause" in text
    assert "probably too high" not in text


def test_huge_data_or_regularisation_is_named_with_what_to_do():
    text = divergence_message(3, PROBLEM, "kept", 0.1, largest_feature=2e306, reg_strength=1e308)
    assert "the features reach 2e+306" in text and "standardise" in text
    assert "the regularisation strength 1e+308 overflows the penalty" in text
    assert "probably too high" not in text
    ordinary = divergence_message(3, PROBLEM, "kept", 0.1, largest_feature=1e6, reg_strength=0.1)
    assert "probably too high" in ordinary


def test_at_step_0_an_update_that_overflows_blames_the_learning_rate():
    problem = "parameter layers.0.neurons.0.w.0 became inf in the update (loss 7947.69)"
    text = divergence_message(0, problem, "as they were at step 0", 1e308, in_update=True)
    assert text.endswith("The learning rate (1e+308) is probably too high: try a lower one.")
    tiny = divergence_message(0, problem, "as they were at step 0", 1e-300, in_update=True)
    assert "with a learning rate of 1e-300, so the learning rate is not the cause" in tiny


@pytest.mark.parametrize("execution", ["scalar", "vectorized"])
def test_a_trainer_whose_first_update_overflows_says_the_learning_rate_is_too_high(execution):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    config = TrainConfig(lr=1e308, execution=execution, steps=5, scaling="none")
    trainer = Trainer(config, X, X[:, 0] * 100.0, "regression")
    last = trainer.run()
    assert (last.step, trainer.stop_reason) == (0, "diverged")
    assert "became inf in the update" in trainer.message
    assert trainer.message.endswith(
        "The learning rate (1e+308) is probably too high: try a lower one."
    )
