"""check_trainer_state gives back the state it was given: written again, the checked state is
the same JSON, preprocessing, optimizer and save point included."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest
from sklearn.datasets import make_moons

from engine.config import TrainConfig
from engine.train import Trainer
from engine.train_state import check_trainer_state


@pytest.mark.parametrize(
    "settings",
    [
        dict(optimizer="adam", lr=0.05, scaling="standardize", features=("x1", "x2", "x1*x2")),
        dict(optimizer="sgd", momentum=0.9, batch_size=5, scaling="minmax"),
    ],
    ids=["adam with features", "sgd with momentum and batches"],
)
def test_the_checked_state_writes_back_as_the_state_it_was_given(settings):
    X, y = make_moons(n_samples=20, noise=0.1, random_state=0)
    X = X * 40.0 + 100.0  # far from unit scale: the scaling has something to store
    trainer = Trainer(
        TrainConfig(layers=(3,), test_fraction=0.2, **settings), X, y.astype(float), "binary"
    )
    trainer.run(max_steps=4)
    state = json.loads(json.dumps(trainer.state_dict()))  # as a session file holds it
    assert state["preprocessing"]["scaling"]["kind"] == settings["scaling"]
    names = trainer.parameter_names
    fresh_optimizer = lambda: copy.deepcopy(trainer.optimizer)  # noqa: E731 (its state is replaced)
    checked, _ = check_trainer_state(state, names, fresh_optimizer, trainer.preprocessor)
    written = json.loads(json.dumps(checked.to_dict(names)))
    assert written == state
    assert np.isfinite(checked.best_loss) and checked.steps_done == 4
