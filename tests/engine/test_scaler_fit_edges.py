"""Scaler.fit at its edges, against scikit-learn and hand-computed values: an unknown kind is
refused naming the choices, a constant column divides new values by 1, and integer or boolean
columns scale as their float values (no wrapping integer range, no boolean subtraction)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from engine.scaling import Scaler


def test_an_unknown_kind_is_refused_naming_the_choices():
    with pytest.raises(ValueError) as info:
        Scaler.fit("zscore", np.ones((3, 1)))
    assert str(info.value) == "unknown scaling 'zscore'; choose one of none, standardize, minmax"


def test_a_constant_column_divides_new_values_by_one():
    X = np.array([[7.0, 1.0], [7.0, 2.0], [7.0, 4.0]])
    new = np.array([[9.0, 3.0], [4.0, 0.0]])
    standardized = Scaler.fit("standardize", X)
    np.testing.assert_allclose(
        standardized.transform(new), StandardScaler().fit(X).transform(new), rtol=1e-15
    )
    # min-max: the constant 7 is the middle of its (empty) range, and new values move by 1 per 1
    minmax = Scaler.fit("minmax", X)
    assert minmax.scale[0] == 1.0
    np.testing.assert_array_equal(minmax.transform(new)[:, 0], [2.0, -3.0])


def test_integer_and_boolean_columns_scale_as_their_float_values():
    small = np.array([[-100, 0], [100, 5], [0, 10]], dtype=np.int8)  # int8 wraps 100 - -100
    flags = np.array([[True, False], [False, False], [True, True]])  # one-hot style columns
    for F in (small, flags):
        as_float = F.astype(np.float64)
        reference = MinMaxScaler(feature_range=(-1, 1)).fit(as_float)
        ours = Scaler.fit("minmax", F)
        np.testing.assert_allclose(
            ours.transform(as_float), reference.transform(as_float), rtol=1e-15, atol=1e-15
        )
        standardized = Scaler.fit("standardize", F)
        np.testing.assert_allclose(
            standardized.transform(as_float),
            StandardScaler().fit(as_float).transform(as_float),
            rtol=1e-15,
            atol=1e-15,
        )
