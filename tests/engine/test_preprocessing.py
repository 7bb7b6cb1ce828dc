"""engine.preprocessing: features then scaling, fitted on the training split, kept by the model."""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_wine, make_moons
from sklearn.preprocessing import StandardScaler

from engine.config import ConfigError, TrainConfig
from engine.preprocessing import PreprocessingError, Preprocessor
from engine.train import Trainer
from engine.value import Value

PLAYGROUND = "x1,x2,x1^2,x2^2,x1*x2,sin(x1),sin(x2)"


def _X(n=50, seed=0):
    return np.random.default_rng(seed).normal(size=(n, 2)) * [2.0, 30.0] + [1.0, -4.0]


def test_identity_adds_nothing():
    p = Preprocessor.identity(2)
    X = _X()
    assert p.is_identity and p.raw_features and p.config_features == ()
    assert p.transform(X) is not None and np.array_equal(p.transform(X), X)
    inputs = [Value(1.0), Value(2.0)]
    assert p.values(inputs) == inputs  # the very same nodes: no node is added
    assert Preprocessor.fit(X, "x1,x2", "none") == p  # spelled out, still the raw inputs


def test_a_one_dimensional_input_is_one_sample_of_several_inputs_or_samples_of_one():
    # Two inputs: [a, b] is one row (a model file's predict of one sample).
    row = Preprocessor.identity(2).transform(np.array([0.5, -2.0]))
    assert row.shape == (1, 2) and row.tolist() == [[0.5, -2.0]]
    # One input: [a, b, c] is three samples.
    column = Preprocessor.identity(1).transform(np.array([1.0, 2.0, 3.0]))
    assert column.shape == (3, 1) and column.tolist() == [[1.0], [2.0], [3.0]]


def test_integer_rows_come_back_as_float64():
    Z = Preprocessor.identity(2).transform([[1, 2], [3, 4]])
    assert Z.dtype == np.float64 and Z.tolist() == [[1.0, 2.0], [3.0, 4.0]]


def test_a_feature_that_overflows_gives_inf_without_a_numpy_warning():
    p = Preprocessor.fit(_X(), "x1,x1^2", "none")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Z = p.transform(np.array([[1e200, 0.0]]))
    assert Z.tolist() == [[1e200, math.inf]]


def test_features_then_scaling_equal_scikit_learn_on_the_feature_columns():
    X = _X()
    p = Preprocessor.fit(X, PLAYGROUND, "standardize")
    a, b = X[:, 0], X[:, 1]
    columns = np.column_stack([a, b, a * a, b * b, a * b, np.sin(a), np.sin(b)])
    reference = StandardScaler().fit(columns)
    X_new = _X(seed=1)
    a, b = X_new[:, 0], X_new[:, 1]
    new_columns = np.column_stack([a, b, a * a, b * b, a * b, np.sin(a), np.sin(b)])
    np.testing.assert_allclose(
        p.transform(X_new), reference.transform(new_columns), rtol=1e-12, atol=1e-12
    )
    assert p.n_outputs == 7 and p.input_labels(("u", "v"))[4] == "u*v"


def test_the_scalar_nodes_hold_the_training_numbers_bit_for_bit_and_their_gradients():
    X = _X()
    p = Preprocessor.fit(X, PLAYGROUND, "standardize")
    Z = p.transform(X)
    for row, expected in zip(X[:5], Z[:5], strict=True):
        inputs = [Value(v, label=f"x.{k}") for k, v in enumerate(row)]
        nodes = p.values(inputs)
        assert [n.data for n in nodes] == expected.tolist()
        assert [n.label for n in nodes][2:4] == ["scaled.x1^2", "scaled.x2^2"]
    # d (sum of scaled features) / d x by backward equals finite differences
    point = [0.4, -1.1]

    def total(values):
        nodes = p.values([Value(v) for v in values])
        out = nodes[0]
        for n in nodes[1:]:
            out = out + n
        return out

    inputs = [Value(v) for v in point]
    out = p.values(inputs)
    root = out[0]
    for n in out[1:]:
        root = root + n
    root.backward()
    for k in range(2):
        h = 1e-6
        up, down = list(point), list(point)
        up[k] += h
        down[k] -= h
        numeric = (total(up).data - total(down).data) / (2 * h)
        assert math.isclose(inputs[k].grad, numeric, rel_tol=1e-6)


def test_round_trip_and_bad_stored_preprocessing():
    p = Preprocessor.fit(_X(), "x1^2,x1*x2,sin(x2)", "minmax")
    assert Preprocessor.from_dict(json.loads(json.dumps(p.to_dict()))) == p
    bad = [
        ([], "must be an object"),
        ({"n_inputs": 0}, "whole number >= 1"),
        ({"n_inputs": 2, "features": "x1"}, "list of names"),
        ({"n_inputs": 2, "features": ["x3"]}, "needs input x3"),
        ({"n_inputs": 2, "features": ["x1", "eval('1')"]}, "is not a feature"),
        ({"n_inputs": 2, "features": [], "scaling": {"kind": "minmax"}}, "'shift' has no values"),
    ]
    for data, must_say in bad:
        with pytest.raises(PreprocessingError) as info:
            Preprocessor.from_dict(data)
        assert must_say in str(info.value)


# ---------------------------------------------------------------------- in the Trainer


def test_the_trainer_fits_scaling_on_the_training_split_only():
    X, y = make_moons(n_samples=80, noise=0.1, random_state=0)
    X = X * [1.0, 500.0]
    trainer = Trainer(TrainConfig(test_fraction=0.25, scaling="standardize"), X, y, "binary")
    reference = StandardScaler().fit(trainer.X_train)  # not the test rows
    np.testing.assert_allclose(trainer.Z_train, reference.transform(trainer.X_train), atol=1e-12)
    np.testing.assert_allclose(trainer.Z_test, reference.transform(trainer.X_test), atol=1e-12)
    everything = StandardScaler().fit(X)
    assert not np.allclose(trainer.Z_test, everything.transform(trainer.X_test), atol=1e-9)
    # predict() takes raw rows and scales them as in training
    trainer.step()
    np.testing.assert_array_equal(
        trainer.predict(trainer.X_test), trainer.predict_inputs(trainer.Z_test)
    )


def test_auto_scaling_standardizes_real_tables_and_says_why():
    data = load_wine()
    names = tuple(data.feature_names)
    trainer = Trainer(TrainConfig(), data.data, data.target, "multiclass", feature_names=names)
    assert trainer.scaling == "standardize" and trainer.config.scaling == "auto"
    assert "'proline' reaches" in trainer.scaling_reason
    X, y = make_moons(n_samples=100, noise=0.1, random_state=1337)
    moons = Trainer(TrainConfig(), X, y, "binary")
    assert moons.scaling == "none" and moons.preprocessor.is_identity
    hinted = Trainer(TrainConfig(), X, y, "binary", scaling_hint="standardize")
    assert hinted.scaling == "standardize"
    assert hinted.scaling_reason == "the dataset suggests standardize"


def test_features_become_the_networks_inputs_and_unfit_ones_are_refused():
    X, y = make_moons(n_samples=40, noise=0.1, random_state=0)
    trainer = Trainer(TrainConfig(features=PLAYGROUND, layers=(4,)), X, y, "binary")
    assert trainer.model.nin == 7 and trainer.weight_arrays()[0][0].shape == (4, 7)
    assert trainer.config.features == tuple(PLAYGROUND.split(","))
    with pytest.raises(ConfigError) as info:
        Trainer(TrainConfig(features="x1,x3"), X, y, "binary")
    assert info.value.field == "features" and "needs input x3" in str(info.value)


def test_a_given_preprocessor_is_used_as_it_is():
    X, y = make_moons(n_samples=40, noise=0.1, random_state=0)
    fitted = Preprocessor.fit(X * 3.0, "x1,x2,x1*x2", "minmax")
    trainer = Trainer(TrainConfig(), X, y, "binary", preprocessor=fitted)
    assert trainer.preprocessor is fitted
    assert trainer.config.features == ("x1", "x2", "x1*x2") and trainer.config.scaling == "minmax"
    np.testing.assert_array_equal(trainer.Z_train, fitted.transform(trainer.X_train))
    with pytest.raises(ConfigError, match="takes 3 inputs but the data has 2"):
        Trainer(TrainConfig(), X, y, "binary", preprocessor=Preprocessor.identity(3))


def test_a_given_preprocessor_comes_with_no_auto_scaling_reason():
    # Features in the thousands: "auto" would standardize and say why, but a given
    # (a model file's) preprocessor was not chosen by "auto", so there is no reason.
    X, y = make_moons(n_samples=40, noise=0.1, random_state=0)
    X = X * 1000.0
    fitted = Preprocessor.fit(X, (), "minmax")
    trainer = Trainer(TrainConfig(scaling="auto"), X, y, "binary", preprocessor=fitted)
    assert trainer.scaling == "minmax"
    assert trainer.scaling_reason == ""


def test_a_state_trained_on_other_inputs_is_refused():
    X, y = make_moons(n_samples=40, noise=0.1, random_state=0)
    scaled = Trainer(TrainConfig(scaling="standardize"), X, y, "binary")
    plain = Trainer(TrainConfig(scaling="none"), X, y, "binary")
    with pytest.raises(ValueError, match="trained on other inputs"):
        plain.load_state_dict(scaled.state_dict())
    old = plain.state_dict()
    del old["preprocessing"]  # a session from before preprocessing: the raw inputs
    plain.load_state_dict(old)
    with pytest.raises(ValueError, match="trained on other inputs"):
        scaled.load_state_dict(old)


def test_regression_targets_are_scaled_for_learning_and_predictions_come_back_in_units():
    from sklearn.datasets import load_diabetes
    from sklearn.metrics import mean_squared_error, r2_score

    data = load_diabetes()
    config = TrainConfig(optimizer="adam", lr=0.01, steps=31, test_fraction=0.25)
    trainer = Trainer(config, data.data, data.target, "regression")
    assert trainer.scaling == "standardize" and trainer.preprocessor.target.active
    mean, std = trainer.y_train.mean(), trainer.y_train.std()
    assert trainer.preprocessor.target.shift == (mean,)
    assert trainer.preprocessor.target.scale[0] == pytest.approx(std)
    results = [trainer.step() for _ in range(30)]
    last = results[-1]
    assert results[0].loss < 50.0  # on scaled targets: the loss starts near 1-10, not 30,000
    predicted = trainer.predict(trainer.X_test)[:, 0]
    assert 20 < predicted.mean() < 300  # in the target's units
    # The test metrics of the last step were measured before its update: step once more.
    before = trainer.predict(trainer.X_test)[:, 0]
    after = trainer.step()
    assert after.test_accuracy == pytest.approx(r2_score(trainer.y_test, before), rel=1e-9)
    assert after.test_rmse == pytest.approx(
        math.sqrt(mean_squared_error(trainer.y_test, before)), rel=1e-9
    )
    assert last.test_accuracy > 0.2
    p = Preprocessor.from_dict(json.loads(json.dumps(trainer.preprocessor.to_dict())))
    assert p == trainer.preprocessor and "(and the target)" in p.describe()
