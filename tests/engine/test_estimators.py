"""engine.estimators: scikit-learn's own estimator checks, and the tools users put them in."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_diabetes, load_iris, load_wine, make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, cross_val_score, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from engine.config import ConfigError, TrainConfig
from engine.estimators import MLPClassifier, MLPRegressor
from engine.train import Trainer

#: Checks of sklearn.utils.estimator_checks that cannot pass, with why. None: every
#: check passes. (check_classifier_data_not_an_array / check_regressor_data_not_an_array
#: and check_array_api_input skip themselves without pandas / array-API support
#: installed; with pandas installed they pass too.)
EXPECTED_FAILED_CHECKS: dict[str, dict[str, str]] = {"MLPClassifier": {}, "MLPRegressor": {}}


@parametrize_with_checks(
    [MLPClassifier(), MLPRegressor()],
    expected_failed_checks=lambda estimator: EXPECTED_FAILED_CHECKS[type(estimator).__name__],
)
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


def test_the_classifier_is_the_trainer_with_the_same_config():
    X, y = make_moons(n_samples=60, noise=0.2, random_state=0)
    model = MLPClassifier(layers=(8,), steps=20, random_state=3, scaling="none").fit(X, y)
    config = TrainConfig(
        dataset="estimator",
        seed=3,
        test_fraction=0.0,
        layers=(8,),
        init="auto",
        loss="bce",
        steps=20,
        scaling="none",
        execution="vectorized",
    )
    trainer = Trainer(config, X, y.astype(float), "binary")
    trainer.run()
    W, b = trainer.weight_arrays()[0]
    np.testing.assert_array_equal(model.coefs_[0], W.T)
    np.testing.assert_array_equal(model.intercepts_[0], b)
    np.testing.assert_array_equal(model.decision_function(X), trainer.predict(X)[:, 0])
    assert model.n_iter_ == 20 and len(model.loss_curve_) == 20 and model.execution_ == "vectorized"


def test_labels_probabilities_scores_and_score():
    X, y = load_iris(return_X_y=True)
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    model = MLPClassifier(optimizer="adam", lr=0.02, steps=200, random_state=0).fit(X, names)
    assert list(model.classes_) == ["setosa", "versicolor", "virginica"]
    assert model.n_features_in_ == 4
    predicted = model.predict(X)
    assert set(predicted) <= set(model.classes_) and np.mean(predicted == names) > 0.9
    proba = model.predict_proba(X)
    assert proba.shape == (150, 3) and np.allclose(proba.sum(axis=1), 1.0)
    assert np.array_equal(model.classes_[np.argmax(proba, axis=1)], predicted)
    assert model.decision_function(X).shape == (150, 3)
    assert model.score(X, names) == np.mean(predicted == names)
    binary = MLPClassifier(steps=50, random_state=0).fit(X[:100], names[:100])
    scores = binary.decision_function(X[:100])
    assert scores.shape == (100,)
    assert np.array_equal(binary.predict(X[:100]), binary.classes_[(scores > 0).astype(int)])
    assert binary.predict_proba(X[:100]).shape == (100, 2)


def test_hinge_and_mse_give_no_probabilities():
    X, y = make_moons(n_samples=40, random_state=0)
    model = MLPClassifier(loss="hinge", steps=5).fit(X, y)
    assert not hasattr(model, "predict_proba")
    with pytest.raises(AttributeError) as info:
        model.predict_proba(X)
    assert "needs a probabilistic loss (auto, bce or softmax_ce), not loss='hinge'" in str(
        info.value.__cause__
    )
    assert model.decision_function(X).shape == (40,)


def test_in_a_pipeline_with_cross_validation_and_a_parallel_grid_search():
    X, y = load_wine(return_X_y=True)
    pipe = make_pipeline(StandardScaler(), MLPClassifier(random_state=0))
    scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.mean() > 0.85
    search = GridSearchCV(
        MLPClassifier(random_state=0),
        {"lr": [0.01, 0.1], "layers": [(8,), (16, 16)]},
        cv=3,
        n_jobs=2,
    )
    search.fit(X, y)
    assert search.best_params_["lr"] in (0.01, 0.1) and search.best_score_ > 0.85
    assert search.best_estimator_.scaling_ == "standardize"  # wine is far from unit scale
    fitted = pickle.loads(pickle.dumps(search.best_estimator_))
    np.testing.assert_array_equal(fitted.predict(X), search.best_estimator_.predict(X))


def test_regression_in_the_targets_units():
    X, y = load_diabetes(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    model = MLPRegressor(optimizer="adam", lr=0.01, steps=25, random_state=0)  # 442 rows overfit
    model.fit(X_train, y_train)
    assert model.scaling_ == "standardize" and model.preprocessor_.target.active
    predicted = model.predict(X_test)
    assert 50 < predicted.mean() < 250  # y's units, not scaled ones
    assert model.score(X_test, y_test) > 0.3


def test_params_round_trip_and_bad_ones_are_one_line():
    model = MLPClassifier(layers=(4,), features="x1,x1^2")
    assert clone(model).get_params() == model.get_params()
    model.set_params(lr=0.5, scaling="minmax")
    assert model.get_params()["lr"] == 0.5
    X, y = make_moons(n_samples=30, random_state=0)
    with pytest.raises(ConfigError, match="features: 'x3' needs input x3"):
        MLPClassifier(features="x3").fit(X, y)
    with pytest.raises(ConfigError, match="lr"):
        MLPClassifier(lr=-1).fit(X, y)
    with pytest.raises(ValueError, match="at least 2 classes in y; got 1 class"):
        MLPClassifier().fit(X, np.zeros(30))


def test_a_diverging_fit_warns_and_keeps_finite_weights():
    X, y = make_moons(n_samples=40, random_state=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = MLPClassifier(lr=1e6, init="micrograd", steps=20, random_state=0).fit(X, y)
    assert any(
        issubclass(w.category, ConvergenceWarning) and "diverged" in str(w.message) for w in caught
    )
    assert all(np.isfinite(c).all() for c in model.coefs_)
    assert np.isfinite(model.decision_function(X)).all()
