"""Every setting of the scikit-learn estimator reaches the training: fit equals a Trainer run."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import make_regression

from engine.config import TrainConfig
from engine.estimators import MLPRegressor
from engine.train import Trainer

SETTINGS = dict(
    activation="tanh",
    init="xavier",
    reg="l1",
    reg_strength=1e-3,
    optimizer="sgd",
    lr=0.05,
    momentum=0.5,
    schedule="linear",
    final_lr=0.01,
    batch_size=7,
    steps=12,
    features=("x1", "x2", "x1^2"),
    scaling="standardize",
    execution="scalar",
)
# Adam with its own betas, and no scaling where "auto" would scale the large targets.
ADAM = {**SETTINGS, "optimizer": "adam", "betas": (0.5, 0.9), "scaling": "none", "lr": 0.01}


@pytest.mark.parametrize("settings", [SETTINGS, ADAM], ids=["sgd", "adam"])
def test_a_regressor_fit_is_the_trainer_run_of_the_same_settings(settings):
    X, y = make_regression(n_samples=25, n_features=2, noise=0.5, random_state=4)
    y = 50.0 * y
    model = MLPRegressor(layers=5, random_state=11, **settings).fit(X, y)
    config = TrainConfig(
        dataset="estimator", seed=11, test_fraction=0.0, layers=(5,), loss="mse", **settings
    ).validate()
    trainer = Trainer(config, X, y, "regression")
    trainer.run()
    weights = trainer.weight_arrays()
    assert len(model.coefs_) == len(weights) == 2
    for coef, intercept, (w, b) in zip(model.coefs_, model.intercepts_, weights, strict=True):
        np.testing.assert_array_equal(coef, w.T)
        np.testing.assert_array_equal(intercept, b)
    assert model.n_iter_ == trainer.steps_done == 12
