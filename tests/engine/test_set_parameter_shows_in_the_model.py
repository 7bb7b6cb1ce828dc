"""A weight set between steps shows in ``trainer.model`` (the Values) on both executions."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import make_moons

from engine.config import TrainConfig
from engine.train import Trainer


@pytest.mark.parametrize("execution", ["scalar", "vectorized"])
def test_the_model_read_after_set_parameter_holds_the_new_weight(execution):
    X, y = make_moons(n_samples=20, noise=0.1, random_state=1)
    config = TrainConfig(layers=(3,), steps=5, test_fraction=0, execution=execution)
    trainer = Trainer(config, X, y.astype(np.float64), "binary")
    trainer.step()
    named = dict(trainer.model.named_parameters())  # read once: the model was handed out
    name = "layers.0.neurons.2.w.1"
    trainer.set_parameter(name, 0.625)
    assert dict(trainer.model.named_parameters())[name].data == 0.625
    assert named[name].data == 0.625  # the same Values, brought up to date
    assert trainer.parameter_values()[name] == 0.625
