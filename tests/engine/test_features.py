"""engine.features: the strict feature grammar, canonical order, and the values it computes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine.features import (
    FEATURE_EXAMPLE,
    Feature,
    FeatureError,
    available_features,
    check_inputs,
    parse_features,
)
from engine.value import Value


def names(text):
    return [f.name for f in parse_features(text)]


def test_tensorflow_playgrounds_seven_features_in_its_order():
    assert names(FEATURE_EXAMPLE) == FEATURE_EXAMPLE.split(",")
    assert names("sin(x2), x1*x2 ,X2^2, x1**2, SIN ( X1 ), x2, x1") == FEATURE_EXAMPLE.split(",")


def test_products_are_sorted_and_a_self_product_is_a_square():
    assert names("x3*x1") == ["x1*x3"]
    assert names("x2 * x2") == ["x2^2"]
    assert names("x10,x2") == ["x2", "x10"]  # by index, not as text


def test_empty_means_the_raw_inputs():
    assert parse_features("") == () and parse_features("  ") == () and parse_features([]) == ()


@pytest.mark.parametrize(
    ("text", "must_say"),
    [
        ("x1^3", "only squares"),
        ("x1**0.5", "only squares"),
        ("cos(x1)", "sin is the only function"),
        ("exp(x1)", "sin is the only function"),
        ("x1+x2", "is not a feature"),
        ("x1*x2*x3", "is not a feature"),
        ("__import__('os').system('true')", "is not a feature"),
        ("lambda: 0", "is not a feature"),
        ("x", "is not a feature"),
        ("y1", "is not a feature"),
        ("x-1", "is not a feature"),
        ("x0", "numbered from x1"),
        ("x1,,x2", "feature 2 is empty"),
        ("x1,", "feature 2 is empty"),
        ("x1,X1", "'x1' is listed twice ('x1' and 'X1')"),
        ("x1*x2,x2*x1", "listed twice"),
        ("x1^2,x1*x1", "listed twice"),
        ("x99999", "there is no input"),
    ],
)
def test_anything_outside_the_grammar_is_one_line_naming_it(text, must_say):
    with pytest.raises(FeatureError) as info:
        parse_features(text)
    message = str(info.value)
    assert must_say in message and "\n" not in message


def test_nothing_is_evaluated(monkeypatch):
    import builtins

    def refuse(*_args, **_kwargs):
        raise AssertionError("eval/exec must never run")

    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)
    assert names("x1*x2,sin(x1)") == ["x1*x2", "sin(x1)"]
    with pytest.raises(FeatureError):
        parse_features("__import__('os')")


def test_a_huge_text_is_refused_before_parsing():
    with pytest.raises(FeatureError, match="too long"):
        parse_features("x1," * 100_000)


def test_check_inputs_names_the_missing_input():
    check_inputs(parse_features("x1*x2"), 2)
    with pytest.raises(FeatureError) as info:
        check_inputs(parse_features("x1,x3^2"), 2)
    assert str(info.value) == (
        "'x3^2' needs input x3 but the data has 2 features (x1..x2); use only those"
    )


def test_check_inputs_with_one_input_says_feature_and_x1():
    with pytest.raises(FeatureError) as info:
        check_inputs(parse_features("x1,x2"), 1)
    assert str(info.value) == "'x2' needs input x2 but the data has 1 feature (x1); use only those"


def test_available_features_for_d_inputs():
    assert [f.name for f in available_features(2)] == FEATURE_EXAMPLE.split(",")
    three = available_features(3)
    assert len(three) == 3 * 3 + 3 and Feature("product", 1, 2) in three
    assert len(available_features(13, products=False)) == 39


def test_labels_use_the_datas_own_names():
    features = parse_features(FEATURE_EXAMPLE)
    labels = [f.label(("petal", "sepal")) for f in features]
    assert labels == [
        "petal",
        "sepal",
        "petal^2",
        "sepal^2",
        "petal*sepal",
        "sin(petal)",
        "sin(sepal)",
    ]


@pytest.mark.parametrize("feature", available_features(3), ids=lambda f: f.name)
def test_numpy_column_and_scalar_node_are_the_same_number(feature):
    X = np.random.default_rng(0).normal(scale=3.0, size=(40, 3))
    column = feature.column(X)
    for row, expected in zip(X, column, strict=True):
        inputs = [Value(v) for v in row]
        assert feature.value(inputs).data == expected  # bit for bit
    a, b = X[:, feature.i], X[:, feature.j] if feature.j >= 0 else None
    reference = {
        "x": a,
        "square": a**2,
        "product": a * b if b is not None else None,
        "sin": np.sin(a),
    }[feature.kind]
    np.testing.assert_allclose(column, reference, rtol=1e-15)


@pytest.mark.parametrize("feature", available_features(2), ids=lambda f: f.name)
def test_feature_gradients_match_finite_differences(feature):
    point = [0.7, -1.3]
    inputs = [Value(v) for v in point]
    feature.value(inputs).backward()
    for k in range(2):
        h = 1e-6

        def f(t, k=k):
            moved = list(point)
            moved[k] = t
            return feature.value([Value(v) for v in moved]).data

        numeric = (f(point[k] + h) - f(point[k] - h)) / (2 * h)
        assert math.isclose(inputs[k].grad, numeric, rel_tol=1e-6, abs_tol=1e-9)
