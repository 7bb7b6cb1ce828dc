"""Scaler.fit on columns near the float limits: a finite column is scaled, never zeroed.

A column of values around 1e300 has a finite mean and spread, but squaring
its values (the variance) or subtracting its ends (the range) overflows.
Scaled by that infinity, the column used to become all zeros with only a
numpy warning. A column around 1e-300 had the opposite fault: its squares
underflow to 0, "no spread", so it was divided by 1 and stayed ~1e-300,
all but zero for the network. scikit-learn's scalers fail the same ways,
so the reference here is the unit: the same column measured in units of
1e300 (or 1e-300) must scale to the same numbers.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from engine.preprocessing import Preprocessor
from engine.scaling import Scaler, suggest_scaling

pytestmark = pytest.mark.filterwarnings("error")  # no numpy overflow warning either

HUGE = np.array([1e300, -1e300, 5e299, 2.5e299, -7e299])
ORDINARY = np.array([1.0, 2.0, 3.0, 4.0, 10.0])


def table() -> np.ndarray:
    return np.column_stack([HUGE, ORDINARY])


def test_standardize_scales_a_huge_column_as_it_does_the_same_column_in_smaller_units():
    scaled = Scaler.fit("standardize", table()).transform(table())
    in_units = StandardScaler().fit_transform((HUGE / 1e300).reshape(-1, 1))[:, 0]
    np.testing.assert_allclose(scaled[:, 0], in_units, rtol=1e-12)
    assert scaled[:, 0].mean() == pytest.approx(0.0, abs=1e-12)
    assert scaled[:, 0].std() == pytest.approx(1.0, rel=1e-12)


def test_minmax_spans_minus_one_to_one_up_to_the_largest_float():
    column = np.array([1.7e308, -1.7e308, 0.0, 1e308])
    scaler = Scaler.fit("minmax", column.reshape(-1, 1))
    scaled = scaler.transform(column.reshape(-1, 1))[:, 0]
    reference = MinMaxScaler((-1, 1)).fit_transform((column / 1e308).reshape(-1, 1))[:, 0]
    np.testing.assert_allclose(scaled, reference, rtol=1e-12)
    assert (scaled.min(), scaled.max()) == (-1.0, 1.0)


def test_standardize_at_the_largest_float_keeps_a_finite_scale():
    column = np.array([[1.7e308], [-1.7e308], [0.0]])
    scaler = Scaler.fit("standardize", column)
    np.testing.assert_allclose(scaler.transform(column)[:, 0], [1.5**0.5, -(1.5**0.5), 0.0])


@pytest.mark.parametrize(
    ("kind", "reference"),
    [("standardize", StandardScaler()), ("minmax", MinMaxScaler((-1, 1)))],
)
def test_an_ordinary_column_beside_a_huge_one_is_scaled_as_if_alone(kind, reference):
    scaled = Scaler.fit(kind, table()).transform(table())
    alone = Scaler.fit(kind, ORDINARY.reshape(-1, 1)).transform(ORDINARY.reshape(-1, 1))
    np.testing.assert_array_equal(scaled[:, 1], alone[:, 0])
    expected = reference.fit_transform(ORDINARY.reshape(-1, 1))[:, 0]
    np.testing.assert_allclose(scaled[:, 1], expected, rtol=1e-12, atol=1e-12)


def test_the_fitted_scaling_of_a_huge_column_can_be_stored_and_read_back():
    # an infinite scale could not be written to a model file (JSON has no inf)
    scaler = Scaler.fit("standardize", table())
    assert np.isfinite(scaler.scale).all() and np.isfinite(scaler.shift).all()
    assert Scaler.from_dict(scaler.to_dict(), 2) == scaler


def test_a_preprocessor_fitted_on_a_huge_input_trains_on_values_near_unit_scale():
    pre = Preprocessor.fit(table(), (), "standardize")
    rows = pre.transform(table())
    assert np.abs(rows).max() < 3.0
    assert len(set(rows[:, 0].tolist())) == len(HUGE)  # no two rows collapsed to 0


def test_a_column_that_is_already_infinite_is_left_to_the_trainers_checks_quietly():
    # x1^2 of 1e200 is inf: no unit makes that finite; fit adds no warning
    column = np.array([[np.inf], [1.0], [2.0]])
    scaler = Scaler.fit("standardize", column)
    assert not np.isfinite(scaler.shift[0])


def test_tiny_columns_are_scaled_as_in_unit_one():
    tiny = np.array([1e-300, 2e-300, 3e-300, 5e-300, -4e-300])
    for kind, reference in (("standardize", StandardScaler()), ("minmax", MinMaxScaler((-1, 1)))):
        scaled = Scaler.fit(kind, tiny.reshape(-1, 1)).transform(tiny.reshape(-1, 1))[:, 0]
        expected = reference.fit_transform((tiny / 1e-300).reshape(-1, 1))[:, 0]
        np.testing.assert_allclose(scaled, expected, rtol=1e-12, atol=1e-15)


def test_ordinary_columns_keep_the_plain_mean_and_spread_bit_for_bit():
    # columns are fitted in units of a power of two, which divides exactly
    F = np.random.default_rng(0).normal(3.0, 3.7, size=(50, 3)) * [1.0, 1e5, 1e-5]
    scaler = Scaler.fit("standardize", F)
    assert scaler.shift == tuple(F.mean(axis=0).tolist())
    assert scaler.scale == tuple(F.std(axis=0).tolist())


def test_a_huge_column_beside_an_infinite_one_is_still_scaled():
    F = np.column_stack([[np.inf, 1.0, 2.0], [1e300, -1e300, 0.0]])
    scaler = Scaler.fit("standardize", F)
    assert scaler.scale[1] == pytest.approx(np.std([1.0, -1.0, 0.0]) * 1e300, rel=1e-12)


def test_auto_standardizes_a_tiny_column_and_names_it():
    # its spread (8.2e-301) used to underflow to 0: "constant", so left unscaled
    tiny = np.array([[1e-300, 0.5], [2e-300, -0.5], [3e-300, 0.0]])
    assert suggest_scaling(tiny, ["tiny", "ok"]) == (
        "standardize",
        "feature 'tiny' varies by only 8.2e-301",
    )
    huge = np.array([[1e300], [2e300], [-3e300]])
    assert suggest_scaling(huge, ["huge"]) == (
        "standardize",
        "feature 'huge' reaches 3e+300, far from unit scale",
    )


def test_each_columns_own_mean_decides_whatever_its_unit():
    # the columns are measured in units of their own magnitudes, but each mean
    # still counts only for its column (a constant column is ignored, quietly)
    rng = np.random.default_rng(0)
    z = rng.normal(size=(200, 2))
    z = (z - z.mean(axis=0)) / z.std(axis=0)
    X = np.column_stack([8.0 * z[:, 0], 12.0 + 0.5 * z[:, 1], np.full(200, 3.0)])
    kind, why = suggest_scaling(X, ["wide", "offset", "constant"])
    assert kind == "standardize"
    assert why.startswith("feature 'offset' reaches 1") and why.endswith("far from unit scale")
