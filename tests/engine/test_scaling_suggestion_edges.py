"""suggest_scaling on what is not a table with rows: no suggestion, and no error."""

from __future__ import annotations

import numpy as np

from engine.scaling import suggest_scaling


def test_an_empty_table_or_a_single_column_vector_suggests_nothing():
    assert suggest_scaling(np.empty((0, 3))) == ("none", "")
    assert suggest_scaling(np.array([1000.0, 2000.0, 5000.0])) == ("none", "")
    assert suggest_scaling([[1000, 0], [3000, 1]])[0] == "standardize"  # lists of ints too


def column(mean: float, std: float, n: int = 200) -> np.ndarray:
    """n values with exactly this mean and (population) standard deviation."""
    z = np.random.default_rng(0).normal(size=n)
    return mean + std * (z - z.mean()) / z.std()


def test_each_features_own_mean_counts_not_the_tables():
    X = np.column_stack([column(0.0, 1.0), column(30.0, 1.0)])
    kind, why = suggest_scaling(X)
    assert kind == "standardize" and "'x2'" in why


def test_a_constant_feature_is_ignored_however_large():
    X = np.column_stack([column(0.0, 1.0), np.full(200, 500.0)])
    assert suggest_scaling(X) == ("none", "")


def test_a_spread_down_to_a_tenth_is_near_enough_to_unit_scale():
    assert suggest_scaling(column(0.0, 0.15).reshape(-1, 1)) == ("none", "")
    assert suggest_scaling(column(0.0, 0.05).reshape(-1, 1))[0] == "standardize"
