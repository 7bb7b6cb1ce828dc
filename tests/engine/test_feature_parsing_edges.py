"""Feature lists at their edges: the highest input number, the hints in refusals, sin of inf."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from engine.features import FEATURE_EXAMPLE, MAX_FEATURES, Feature, FeatureError, parse_features

GRAMMAR = f"write xK, xK^2, xJ*xK or sin(xK) with K from 1, e.g. '{FEATURE_EXAMPLE}'"


def test_inputs_are_numbered_up_to_the_widest_layer_and_no_further():
    assert parse_features(f"x{MAX_FEATURES}") == (Feature("x", MAX_FEATURES - 1),)
    with pytest.raises(FeatureError, match=f"there is no input x{MAX_FEATURES + 1}"):
        parse_features(f"x{MAX_FEATURES + 1}")


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("x1^3", " (only squares: ^2)"),
        ("X1 ** 0.5", " (only squares: ^2)"),  # upper case is accepted everywhere
        ("cos(x1)", " (sin is the only function)"),
        ("COS(x1)", " (sin is the only function)"),
        ("foo", ""),
    ],
)
def test_a_refusal_gives_the_hint_that_fits_then_the_grammar(text, hint):
    message = f"{text!r} is not a feature{hint}; {GRAMMAR}"
    with pytest.raises(FeatureError, match=f"^{re.escape(message)}$"):
        parse_features(text)


def test_sin_of_an_infinite_input_is_nan_like_numpy():
    X = np.array([[math.inf], [-math.inf], [math.nan], [0.5]])
    column = Feature("sin", 0).column(X)
    np.testing.assert_array_equal(column, np.sin(X[:, 0]))
    assert column.dtype == np.float64
