"""A regressor's targets given as Python objects (a pandas column of object dtype, say) are
read as numbers, as scikit-learn's own regressors read them (``y_numeric``)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression

from engine.estimators import MLPRegressor

X = np.random.default_rng(0).normal(size=(20, 2))


def test_numbers_held_as_objects_fit_as_the_same_numbers():
    as_objects = np.array([1.5, -2, 0.25, 3] * 5, dtype=object)
    as_floats = as_objects.astype(np.float64)
    a = MLPRegressor(steps=3, random_state=0).fit(X, as_objects)
    b = MLPRegressor(steps=3, random_state=0).fit(X, as_floats)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))


def test_a_missing_target_is_a_missing_value_not_a_type_error():
    y = np.array([1.5, None] * 10, dtype=object)
    # scikit-learn's own regressor reads None as a missing number too (and refuses it).
    with pytest.raises(ValueError, match="NaN"):
        LinearRegression().fit(X, y)
    with pytest.raises(ValueError) as info:
        MLPRegressor(steps=2).fit(X, y)
    assert str(info.value) == "X and y must not contain NaN or infinite values"


@pytest.mark.parametrize("scaling", ["none", "standardize"])
def test_float32_inputs_fit_as_their_float64_values(scaling):
    """scikit-learn hands float32 tables around (fetch_openml, a float32 pipeline step):
    the model sees their values as doubles, as if given float64 in the first place."""
    X32 = (X * 1000.0 + 0.1).astype(np.float32)
    y = X[:, 0] - 2 * X[:, 1]
    a = MLPRegressor(steps=3, random_state=0, scaling=scaling).fit(X32, y)
    b = MLPRegressor(steps=3, random_state=0, scaling=scaling).fit(X32.astype(np.float64), y)
    np.testing.assert_array_equal(a.predict(X32), b.predict(X32.astype(np.float64)))
