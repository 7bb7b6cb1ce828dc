"""What the estimators tell scikit-learn about themselves (tags) matches what they do, and
a classifier given a single class says so in one line, naming the class as the user wrote it."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_iris, make_regression

from engine.estimators import MLPClassifier, MLPRegressor


def test_the_regressor_says_it_takes_one_target_and_refuses_two():
    assert MLPRegressor().__sklearn_tags__().target_tags.multi_output is False
    X, y = make_regression(n_samples=20, n_features=2, n_targets=2, random_state=0)
    with pytest.raises(ValueError) as info:
        MLPRegressor(steps=2).fit(X, y)
    # scikit-learn's own words (validate_data without multi_output)
    assert str(info.value) == ("y should be a 1d array, got an array of shape (20, 2) instead.")


def test_the_classifier_says_it_takes_many_classes_and_does():
    assert MLPClassifier().__sklearn_tags__().classifier_tags.multi_class is True
    X, y = load_iris(return_X_y=True)
    model = MLPClassifier(layers=(4,), steps=3, random_state=0).fit(X[::5], y[::5])
    assert list(model.classes_) == [0, 1, 2]
    assert model.predict_proba(X[:4]).shape == (4, 3)


@pytest.mark.parametrize(
    "labels, shown",
    [(np.zeros(10), "0.0"), (np.array(["setosa"] * 10), "'setosa'"), (np.full(10, 7), "7")],
    ids=["float", "text", "int"],
)
def test_a_single_class_is_refused_in_one_line_naming_it(labels, shown):
    X = np.random.default_rng(0).normal(size=(10, 2))
    with pytest.raises(ValueError) as info:
        MLPClassifier().fit(X, labels)
    assert str(info.value) == f"MLPClassifier needs at least 2 classes in y; got 1 class ({shown})"
