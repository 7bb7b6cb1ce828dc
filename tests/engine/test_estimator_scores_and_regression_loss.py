"""The scikit-learn face: two-class softmax scores, and the losses a regressor takes."""

from __future__ import annotations

import re

import numpy as np
import pytest
from sklearn.datasets import make_moons, make_regression

from engine.estimators import MLPClassifier, MLPRegressor


def test_two_class_softmax_scores_are_the_log_odds_of_its_probabilities():
    X, y = make_moons(n_samples=60, noise=0.2, random_state=1)
    model = MLPClassifier(layers=(6,), loss="softmax_ce", steps=30, random_state=2).fit(X, y)
    scores = model.decision_function(X)
    proba = model.predict_proba(X)
    assert scores.shape == (60,)
    # softmax over two logits: log(p1 / p0) is the difference of the logits
    np.testing.assert_allclose(scores, np.log(proba[:, 1] / proba[:, 0]), rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(model.classes_[(scores > 0).astype(int)], model.predict(X))


def test_the_regressor_takes_mse_by_name_and_refuses_a_classification_loss():
    X, y = make_regression(n_samples=30, n_features=2, noise=0.1, random_state=0)
    named = MLPRegressor(layers=(4,), loss="mse", steps=5, random_state=0).fit(X, y)
    auto = MLPRegressor(layers=(4,), steps=5, random_state=0).fit(X, y)
    np.testing.assert_array_equal(named.predict(X), auto.predict(X))
    message = "loss='hinge' does not fit regression; use 'auto' or 'mse'"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        MLPRegressor(loss="hinge").fit(X, y)
