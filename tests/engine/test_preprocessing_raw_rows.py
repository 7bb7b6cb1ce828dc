"""Preprocessor.fit and transform on raw rows beyond the plain (n, d) floats: rows of another
width or rank are refused with their shape, integer rows are computed in float64 (never in the
integers' own wrapping arithmetic), and complex numbers are refused, not cut to their real
part. test_preprocessing.py has the flat-array cases."""

from __future__ import annotations

import numpy as np
import pytest

from engine.preprocessing import Preprocessor


def test_rows_of_another_width_or_rank_are_refused_with_their_shape():
    p = Preprocessor.identity(2)
    for X, shape in ((np.ones((3, 3)), "(3, 3)"), (np.ones((2, 2, 2)), "(2, 2, 2)")):
        with pytest.raises(ValueError) as info:
            p.transform(X)
        assert str(info.value) == f"X must have shape (n, 2) for this model, got {shape}"


def test_integer_rows_are_squared_in_float64_not_in_wrapping_integers():
    p = Preprocessor.fit(np.array([[0.0], [1.0]]), "x1^2", "none")
    small = p.transform(np.array([[200], [3]], dtype=np.uint8))  # uint8 would wrap 40000 to 64
    np.testing.assert_array_equal(small, [[40000.0], [9.0]])
    big = p.transform([[2**32]])  # Python ints: int64 would wrap 2**64 to 0
    assert big.dtype == np.float64 and big[0, 0] == float(2**64)


def test_fit_refuses_complex_rows_and_targets_instead_of_keeping_their_real_part():
    # As check_data does for the Trainer: a complex number is not a real input or target.
    real = [[1.0, 0.5], [3.0, -1.0]]
    for scaling in ("none", "standardize"):
        with pytest.raises((TypeError, ValueError)):
            Preprocessor.fit([[1 + 2j, 0.5], [3.0, -1.0]], (), scaling)
        with pytest.raises((TypeError, ValueError)):
            Preprocessor.fit(real, (), scaling, y_train=[1 + 2j, 3.0])
