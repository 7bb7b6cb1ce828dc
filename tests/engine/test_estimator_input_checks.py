"""What the estimators take as X: missing values refused as scikit-learn refuses them, and
predictions on rows too large to multiply come out without numpy's overflow warnings."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn import neural_network
from sklearn.datasets import make_moons

from engine.estimators import MLPClassifier, MLPRegressor


def _with_a_missing_value(X: np.ndarray) -> np.ndarray:
    """X as an object array (as a table read without types gives) with one None in it."""
    rows = X.astype(object)
    rows[3, 1] = None
    return rows


def _first_line(exc: pytest.ExceptionInfo) -> str:
    return str(exc.value).splitlines()[0]


def test_a_missing_value_in_fit_is_refused_with_scikit_learns_message():
    X, y = make_moons(n_samples=20, random_state=0)
    rows = _with_a_missing_value(X)
    with pytest.raises(ValueError) as reference:
        neural_network.MLPClassifier().fit(rows, y)
    assert _first_line(reference) == "Input X contains NaN."
    for estimator in (MLPClassifier(steps=2), MLPRegressor(steps=2)):
        with pytest.raises(ValueError) as ours:
            estimator.fit(rows, y)
        assert _first_line(ours) == "Input X contains NaN."


def test_a_missing_value_in_predict_is_refused_with_scikit_learns_message():
    X, y = make_moons(n_samples=20, random_state=0)
    rows = _with_a_missing_value(X)
    model = MLPClassifier(layers=(4,), steps=2, random_state=0).fit(X, y)
    with pytest.raises(ValueError) as ours:
        model.predict(rows)
    assert _first_line(ours) == "Input X contains NaN."
    regressor = MLPRegressor(layers=(4,), steps=2, random_state=0).fit(X, y.astype(float))
    with pytest.raises(ValueError) as ours:
        regressor.predict(rows)
    assert _first_line(ours) == "Input X contains NaN."


def test_numbers_held_as_objects_predict_as_the_same_numbers():
    X, y = make_moons(n_samples=20, random_state=0)
    model = MLPClassifier(layers=(4,), steps=2, random_state=0).fit(X, y)
    np.testing.assert_array_equal(
        model.decision_function(X.astype(object)), model.decision_function(X)
    )


def test_predicting_rows_too_large_to_multiply_gives_labels_and_no_numpy_warning():
    X, y = make_moons(n_samples=20, random_state=0)
    model = MLPClassifier(layers=(8, 8), steps=2, scaling="none", random_state=0).fit(X, y)
    huge = np.array([[1e308, -1e308], [1e308, 1e308], [-1e308, 3.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning (overflow in matmul) fails the test
        labels = model.predict(huge)
        model.decision_function(huge)
    assert set(labels) <= set(model.classes_) and len(labels) == 3
