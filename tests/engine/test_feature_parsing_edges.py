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


def refusal(spec) -> str:
    with pytest.raises(FeatureError) as caught:
        parse_features(spec)
    return str(caught.value)


def test_a_text_of_exactly_the_longest_length_is_parsed_and_one_more_is_refused():
    longest = 100_000
    text = "x1" + " " * (longest - 2)  # spaces around a name are allowed
    assert parse_features(text) == (Feature("x", 0),)
    assert refusal(text + " ") == "the feature list is 100,001 characters long; too long"


def test_exactly_as_many_features_as_the_widest_layer_are_parsed_and_one_more_is_refused():
    names = [f"x{k}" for k in range(1, MAX_FEATURES + 1)]
    assert len(parse_features(names)) == MAX_FEATURES
    assert len(parse_features(",".join(names))) == MAX_FEATURES
    assert refusal([*names, "x1^2"]) == "4,097 features is more than the maximum 4,096"


def test_an_item_that_is_not_text_is_named_with_the_grammar():
    grammar = "write xK, xK^2, xJ*xK or sin(xK) with K from 1"
    assert refusal(["x1", 3]) == f"3 is not a feature name; {grammar}"


def test_a_feature_listed_twice_shows_both_spellings_only_when_they_differ():
    assert refusal("x1, x2, x1") == "'x1' is listed twice; list each feature once"
    assert refusal("x1*x2, x2 * x1") == (
        "'x1*x2' is listed twice ('x1*x2' and 'x2 * x1'); list each feature once"
    )
