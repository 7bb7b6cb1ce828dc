"""engine.scaling against scikit-learn's scalers, and when "auto" scales."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, load_iris, load_wine, make_moons
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from engine.scaling import Scaler, resolve_scaling, suggest_scaling


def _table(seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(60, 4)) * [1.0, 1000.0, 0.01, 5.0] + [0.0, 5000.0, -3.0, 1.0]


def test_standardize_equals_scikit_learns_standard_scaler():
    X = _table()
    ours = Scaler.fit("standardize", X)
    reference = StandardScaler().fit(X)
    np.testing.assert_allclose(ours.transform(X), reference.transform(X), rtol=1e-12, atol=1e-12)
    X_new = _table(seed=1)
    np.testing.assert_allclose(
        ours.transform(X_new), reference.transform(X_new), rtol=1e-12, atol=1e-12
    )


def test_minmax_equals_scikit_learns_min_max_scaler_to_minus_one_one():
    X = _table()
    ours = Scaler.fit("minmax", X)
    reference = MinMaxScaler(feature_range=(-1, 1)).fit(X)
    np.testing.assert_allclose(ours.transform(X), reference.transform(X), rtol=1e-12, atol=1e-12)
    assert ours.transform(X).min() == pytest.approx(-1.0) and ours.transform(
        X
    ).max() == pytest.approx(1.0)


@pytest.mark.parametrize("kind", ["standardize", "minmax"])
def test_a_constant_column_is_shifted_not_divided_by_zero(kind):
    X = np.column_stack([np.full(10, 7.0), np.arange(10.0)])
    scaled = Scaler.fit(kind, X).transform(X)
    # 0, the middle of the range (scikit-learn's MinMaxScaler puts it at the range's low end).
    assert np.isfinite(scaled).all() and np.all(scaled[:, 0] == 0.0)
    reference = (StandardScaler() if kind == "standardize" else MinMaxScaler((-1, 1))).fit(X)
    np.testing.assert_allclose(scaled[:, 1], reference.transform(X)[:, 1], atol=1e-12)


def test_none_is_the_identity_and_round_trips():
    X = _table()
    assert Scaler.fit("none", X).transform(X) is X
    for kind in ("none", "standardize", "minmax"):
        scaler = Scaler.fit(kind, X)
        assert Scaler.from_dict(scaler.to_dict(), 4) == scaler


@pytest.mark.parametrize(
    ("data", "must_say"),
    [
        ({"kind": "zscore"}, "unknown"),
        ({"kind": "standardize", "shift": [0, 0], "scale": [1, 1]}, "2 values for 4 features"),
        ({"kind": "minmax", "shift": [0] * 4, "scale": [1, 1, 0, 1]}, "must be > 0"),
        ({"kind": "minmax", "shift": [0, "a", 0, 0], "scale": [1] * 4}, "not a finite number"),
        ([], "must be an object"),
    ],
)
def test_a_bad_stored_scaling_is_refused(data, must_say):
    with pytest.raises(ValueError, match=must_say):
        Scaler.from_dict(data, 4)


def test_auto_standardizes_tables_far_from_unit_scale_and_leaves_the_2d_sets():
    moons, _ = make_moons(n_samples=100, noise=0.1, random_state=0)
    assert suggest_scaling(moons) == ("none", "")
    assert suggest_scaling(load_iris().data)[0] == "none"  # centimetres, near unit scale
    kind, why = suggest_scaling(load_wine().data, load_wine().feature_names)
    assert kind == "standardize" and "'proline' reaches 1,680" in why
    kind, why = suggest_scaling(load_diabetes().data)  # scikit-learn pre-scaled it very small
    assert kind == "standardize" and "varies by only" in why


def test_resolve_prefers_the_setting_then_the_datasets_hint_then_the_data():
    X = _table()
    assert resolve_scaling("minmax", X) == ("minmax", "")
    assert resolve_scaling("none", X) == ("none", "")
    moons, _ = make_moons(n_samples=50, random_state=0)
    assert resolve_scaling("auto", moons, hint="standardize") == (
        "standardize",
        "the dataset suggests standardize",
    )
    assert resolve_scaling("auto", X, hint="none") == ("none", "")
    assert resolve_scaling("auto", X)[0] == "standardize"


def test_auto_counts_regression_targets_far_from_unit_scale_and_names_the_target():
    X = np.array([[-1.0], [-0.5], [0.5], [1.0]])  # near unit scale by itself
    y_far = np.array([0.0, 1000.0, 2000.0, 3000.0])  # mean 1,500: far from unit scale
    assert resolve_scaling("auto", X, y_train=y_far) == (
        "standardize",
        "the target reaches 3,000, far from unit scale",
    )
    assert resolve_scaling("auto", X, y_train=np.array([0.0, 1.0, 2.0, 3.0])) == ("none", "")


def test_auto_keeps_a_features_verdict_whatever_the_regression_targets():
    X = np.array([[0.0], [1000.0], [2000.0], [3000.0]])
    y_unit = np.array([-1.0, -0.5, 0.5, 1.0])
    assert resolve_scaling("auto", X, names=("price",), y_train=y_unit) == (
        "standardize",
        "feature 'price' reaches 3,000, far from unit scale",
    )
