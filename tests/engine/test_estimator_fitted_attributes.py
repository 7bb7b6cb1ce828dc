"""The fitted attributes scikit-learn's MLP also has mean what they mean there.

n_layers_ and n_outputs_ are compared with scikit-learn's own MLPClassifier and
MLPRegressor fitted on the same data with the same hidden layers; loss_ is the
last entry of loss_curve_, as in scikit-learn, and NaN when no step had a finite
loss (a run that diverged before its first update).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from sklearn import neural_network
from sklearn.datasets import load_iris, make_moons, make_regression
from sklearn.exceptions import ConvergenceWarning

from engine.estimators import MLPClassifier, MLPRegressor

HIDDEN = (5, 3)


def _moons():
    return make_moons(n_samples=30, noise=0.1, random_state=0)


def _three_classes():
    X, y = load_iris(return_X_y=True)
    return X[::5], y[::5]  # 30 rows, every class


def _regression():
    return make_regression(n_samples=30, n_features=2, noise=0.1, random_state=0)


def _reference(kind, X, y):
    """scikit-learn's own MLP with the same hidden layers, one epoch (its sizes are all we read)."""
    estimator = {
        "classifier": neural_network.MLPClassifier,
        "regressor": neural_network.MLPRegressor,
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator[kind](hidden_layer_sizes=HIDDEN, max_iter=1, random_state=0).fit(X, y)


@pytest.mark.parametrize(
    "kind, data",
    [("classifier", _moons), ("classifier", _three_classes), ("regressor", _regression)],
    ids=["two classes", "three classes", "regression"],
)
def test_layer_and_output_counts_are_scikit_learns(kind, data):
    X, y = data()
    ours = {"classifier": MLPClassifier, "regressor": MLPRegressor}[kind]
    model = ours(layers=HIDDEN, steps=2, random_state=0).fit(X, y)
    reference = _reference(kind, X, y)
    assert model.n_layers_ == reference.n_layers_ == 4  # input, two hidden, output
    assert model.n_outputs_ == reference.n_outputs_
    assert [c.shape for c in model.coefs_] == [c.shape for c in reference.coefs_]


@pytest.mark.parametrize(
    "make, data, loss, expected",
    [
        (MLPClassifier, _moons, "auto", "bce"),
        (MLPClassifier, _three_classes, "auto", "softmax_ce"),
        (MLPClassifier, _moons, "hinge", "hinge"),
        (MLPRegressor, _regression, "auto", "mse"),
    ],
)
def test_loss_is_the_last_loss_of_the_curve_and_names_its_function(make, data, loss, expected):
    X, y = data()
    model = make(layers=(4,), loss=loss, steps=6, random_state=1).fit(X, y)
    assert len(model.loss_curve_) == 6 and all(math.isfinite(v) for v in model.loss_curve_)
    assert model.loss_ == model.loss_curve_[-1]
    assert model.loss_function_ == expected


def test_a_fit_that_diverges_before_its_first_update_has_no_curve_and_a_nan_loss():
    rng = np.random.default_rng(0)
    X = rng.uniform(1.0, 2.0, (20, 2)) * 1e200  # the squared error of such outputs overflows
    y = rng.normal(size=20)
    with pytest.warns(ConvergenceWarning, match="^diverged at step 0: the loss is inf"):
        model = MLPRegressor(layers=(4,), steps=5, scaling="none", random_state=0).fit(X, y)
    assert model.loss_curve_ == [] and model.n_iter_ == 0
    assert isinstance(model.loss_, float) and math.isnan(model.loss_)
