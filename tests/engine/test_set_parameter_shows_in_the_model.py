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


def trained(execution: str) -> Trainer:
    X, y = make_moons(n_samples=20, noise=0.1, random_state=1)
    config = TrainConfig(layers=(3,), steps=5, test_fraction=0, execution=execution)
    trainer = Trainer(config, X, y.astype(np.float64), "binary")
    trainer.step()
    return trainer


@pytest.mark.parametrize("execution", ["scalar", "vectorized"])
def test_weights_set_by_name_show_in_the_model_and_clear_the_gradients(execution):
    trainer = trained(execution)
    model = trainer.model  # handed out before the change
    assert any(trainer.gradients().values())
    values = {name: 0.01 * k for k, name in enumerate(trainer.parameter_names)}
    trainer.set_parameter_values(values)
    assert {name: p.data for name, p in trainer.model.named_parameters()} == values
    assert [p.data for p in model.parameters()] == list(values.values())
    assert set(trainer.gradients().values()) == {0.0}
    assert trainer.layer_gradient_norms() == [0.0, 0.0]


@pytest.mark.parametrize("execution", ["scalar", "vectorized"])
def test_the_largest_parameter_is_the_largest_in_size_wherever_it_is(execution):
    trainer = trained(execution)
    names = trainer.parameter_names
    values = dict.fromkeys(names, 0.5)
    values[names[6]] = -40.0
    values[names[0]] = 30.0
    trainer.set_parameter_values(values)
    assert trainer._run.largest_parameter() == (names[6], -40.0)
