"""Editing a weight by a name the network lacks: the message shows a name that does exist."""

from __future__ import annotations

import re

import numpy as np
import pytest
from sklearn.datasets import make_moons

from engine.config import TrainConfig
from engine.train import Trainer


@pytest.mark.parametrize("execution", ["scalar", "vectorized"])
def test_an_unknown_name_is_refused_with_the_networks_first_parameter_as_example(execution):
    X, y = make_moons(n_samples=20, noise=0.1, random_state=0)
    config = TrainConfig(layers=(3,), test_fraction=0, steps=5, execution=execution)
    trainer = Trainer(config, X, y.astype(np.float64), "binary")
    first = trainer.parameter_names[0]
    assert first == "layers.0.neurons.0.w.0"  # the MLP's own order: weights, then bias
    message = (
        "this network has no parameter 'layers.0.neurons.9.w.0' (e.g. 'layers.0.neurons.0.w.0')"
    )
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        trainer.set_parameter("layers.0.neurons.9.w.0", 1.0)
