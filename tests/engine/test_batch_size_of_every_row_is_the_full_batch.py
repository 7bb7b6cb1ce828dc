"""A batch size of every training row is the full batch: the same steps as no batch size.

micrograd's demo takes a random subset only when the batch is smaller than
the data; a batch of all n rows is the whole set in its own order, so every
loss and weight equals the full-batch run's exactly (a shuffled copy of the
rows would sum in another order and differ in the last bits).
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import make_moons

from engine.config import TrainConfig
from engine.train import Trainer


@pytest.mark.parametrize("execution", ["scalar", "vectorized"])
def test_a_batch_of_every_row_trains_as_the_full_batch(execution):
    X, y = make_moons(n_samples=40, noise=0.2, random_state=5)
    runs = []
    for batch_size in (None, 40):
        config = TrainConfig(
            layers=(6,), steps=8, batch_size=batch_size, test_fraction=0, execution=execution
        )
        trainer = Trainer(config, X, y.astype(np.float64), "binary")
        losses = [trainer.step().loss for _ in range(8)]
        runs.append((losses, trainer.parameter_values()))
    assert runs[1] == runs[0]
