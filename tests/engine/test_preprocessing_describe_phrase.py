"""Preprocessor.describe(): the phrase the command-line summary and a session mismatch show."""

from __future__ import annotations

import numpy as np
import pytest

from engine.preprocessing import Preprocessor

X = np.array([[0.5, -1.0], [2.0, 0.25], [-1.5, 3.0], [1.0, 1.0]])
Y = np.array([1.0, -2.0, 0.5, 4.0])


@pytest.mark.parametrize(
    ("features", "scaling", "y", "phrase"),
    [
        ((), "none", None, "unscaled"),
        ((), "standardize", None, "standardized"),
        ((), "minmax", None, "min-max scaled"),
        ((), "standardize", Y, "standardized (and the target)"),
        ((), "minmax", Y, "min-max scaled (and the target)"),
        (("x1", "x2", "x1^2"), "none", None, "features x1, x2, x1^2; unscaled"),
        (("x2",), "minmax", None, "features x2; min-max scaled"),  # x1 left out
        (("x2", "x1"), "minmax", None, "min-max scaled"),  # canonical order: the raw inputs
        (
            ("x1", "x1*x2"),
            "standardize",
            Y,
            "features x1, x1*x2; standardized (and the target)",
        ),
    ],
)
def test_the_phrase_names_the_features_the_scaling_and_the_target(features, scaling, y, phrase):
    assert Preprocessor.fit(X, features, scaling, y).describe() == phrase


def test_unscaled_targets_are_not_mentioned():
    # "none" fits no target scaler, so a regression run without scaling says only "unscaled".
    assert Preprocessor.fit(X, (), "none", Y).describe() == "unscaled"
