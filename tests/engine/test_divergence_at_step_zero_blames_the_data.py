"""A loss that is already infinite at step 0 blames the data, not the learning rate.

Step 0's forward pass comes before any update, so no learning rate can have
caused it: targets of 1e200, unscaled, make the squared error overflow with
the first weights. Both executions say so in the same words.
"""

from __future__ import annotations

import numpy as np
import pytest

from engine.config import TrainConfig
from engine.train import Trainer

X = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5], [2.0, 1.0]])
Y = np.array([1e200, -2e200, 5e199, 1e200])


@pytest.mark.parametrize("execution", ["scalar", "vectorized"])
def test_an_infinite_first_loss_says_the_learning_rate_is_not_the_cause(execution):
    config = TrainConfig(layers=(3,), steps=5, test_fraction=0, scaling="none", execution=execution)
    trainer = Trainer(config, X, Y, "regression")
    first = trainer.parameter_values()
    result = trainer.step()
    assert (result.finite, result.stop_reason) == (False, "diverged")
    name, value = max(first.items(), key=lambda item: abs(item[1]))
    assert result.message == (
        "diverged at step 0: the loss is inf although every parameter is finite "
        f"(largest parameter: {name} = {value:.3g}); training stopped, parameters kept as "
        "they were at step 0. It diverged at step 0, before any update, so the learning rate "
        "is not the cause: check the data for extreme values and the regularisation strength."
    )
    assert trainer.parameter_values() == first
