"""Unit checks of microgui.plugin_host.validation: parameter coercion and result checks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from microgui.hookspecs import Dataset, DatasetSpec, ParamSpec
from microgui.plugin_host.validation import (
    ContractError,
    check_dataset,
    check_dataset_spec,
    check_param_spec,
    check_seed,
    coerce_param,
    resolve_params,
)


@pytest.mark.parametrize(
    ("param", "value", "expected"),
    [
        (ParamSpec("n", "int", 5, minimum=1, maximum=10), 10, 10),
        (ParamSpec("n", "int", 5, minimum=1, maximum=10), 3.0, 3),
        (ParamSpec("n", "int", 5), np.int64(7), 7),
        (ParamSpec("f", "float", 0.5, minimum=0.0, maximum=1.0), 1, 1.0),
        (ParamSpec("f", "float", 0.5, minimum=0.0, maximum=1.0), 0.0, 0.0),
        (ParamSpec("b", "bool", False), True, True),
        (ParamSpec("b", "bool", False), np.bool_(True), True),
        (ParamSpec("c", "choice", "a", choices=("a", "b")), "b", "b"),
        (ParamSpec("p", "path", ""), Path("/tmp/x.csv"), str(Path("/tmp/x.csv"))),
        (ParamSpec("s", "str", ""), "label", "label"),
    ],
)
def test_valid_values_are_converted_to_their_kind(param, value, expected):
    result = coerce_param(param, value)
    assert result == expected and type(result) is type(expected)


@pytest.mark.parametrize(
    ("param", "value", "message"),
    [
        (ParamSpec("n", "int", 5, minimum=1, maximum=10), 11, "'n' = 11 is outside its bounds"),
        (ParamSpec("f", "float", 0.5, maximum=1.0), 1.5, "bounds [-inf, 1]"),
        (ParamSpec("f", "float", 0.5), float("inf"), "must be a finite number"),
        (ParamSpec("b", "bool", False), 1, "must be true or false, got 1"),
        (ParamSpec("c", "choice", "a", choices=("a", "b")), "z", "not one of: a, b"),
        (ParamSpec("p", "path", ""), 3, "must be a file path"),
        (ParamSpec("s", "str", ""), None, "must be text"),
    ],
)
def test_invalid_values_name_the_parameter_value_and_rule(param, value, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        coerce_param(param, value)


def test_resolve_params_fills_defaults_and_refuses_unknown_names():
    spec = DatasetSpec(
        "d", "D", "desc", "binary", (ParamSpec("n", "int", 5), ParamSpec("x", "bool", True)), print
    )
    assert resolve_params(spec, None) == {"n": 5, "x": True}
    assert resolve_params(spec, {"n": 2}) == {"n": 2, "x": True}
    with pytest.raises(ValueError, match=r"unknown parameter.*'m'.*its parameters are: n, x"):
        resolve_params(spec, {"m": 1})


def test_param_spec_rules():
    with pytest.raises(ContractError, match="only int and float"):
        check_param_spec(ParamSpec("b", "bool", True, minimum=0))
    with pytest.raises(ContractError, match="only a 'choice'"):
        check_param_spec(ParamSpec("n", "int", 1, choices=("a",)))
    with pytest.raises(ContractError, match="Python identifier"):
        check_param_spec(ParamSpec("n samples", "int", 1))
    with pytest.raises(ContractError, match="non-empty tuple of strings"):
        check_param_spec(ParamSpec("c", "choice", "a", choices=()))
    listed = check_param_spec(ParamSpec("c", "choice", "a", choices=["a", "b"]))  # type: ignore[arg-type]
    assert listed.choices == ("a", "b")


def test_dataset_spec_params_list_becomes_a_tuple_and_generate_must_be_callable():
    spec = DatasetSpec("d", "D", "desc", "binary", [ParamSpec("n", "int", 1)], print)  # type: ignore[arg-type]
    assert check_dataset_spec(spec).params == (ParamSpec("n", "int", 1),)
    with pytest.raises(ContractError, match="generate must be callable"):
        check_dataset_spec(DatasetSpec("d", "D", "desc", "binary", (), None))  # type: ignore[arg-type]
    with pytest.raises(ContractError, match="name must be a non-empty string"):
        check_dataset_spec(DatasetSpec("d", " ", "desc", "binary", (), print))


@pytest.mark.parametrize("seed", [0, 1337, 2**32 - 1, np.int32(5)])
def test_seeds_in_range_pass(seed):
    assert check_seed(seed) == int(seed)


def test_valid_results_pass_for_each_task():
    X = np.arange(8, dtype=np.float32).reshape(4, 2)
    binary = check_dataset(Dataset(X, np.array([0, 1, 1, 0]), "binary", ("a", "b"), ("n", "p")))
    assert binary.y.dtype == np.float64 and binary.X.dtype == np.float64
    flags = check_dataset(
        Dataset(X, np.array([True, False, True, False]), "binary", ("a", "b"), ("n", "p"))
    )
    assert flags.y.tolist() == [1.0, 0.0, 1.0, 0.0]
    multi = check_dataset(
        Dataset(X, np.array([0.0, 2.0, 1.0, 2.0]), "multiclass", ("a", "b"), ("p", "q", "r"))
    )
    assert multi.y.dtype == np.int64 and multi.class_names == ("p", "q", "r")
    regression = check_dataset(
        Dataset(X, np.array([0.5, -2.0, 3.0, 1e6]), "regression", ["a", "b"])
    )  # type: ignore[arg-type]
    assert regression.feature_names == ("a", "b") and regression.class_names == ()


def test_regression_must_not_name_classes_and_multiclass_needs_two():
    X = np.zeros((2, 1))
    with pytest.raises(ContractError, match="class_names \\(regression\\) has 1 entries"):
        check_dataset(Dataset(X, np.zeros(2), "regression", ("x",), ("c",)))
    with pytest.raises(ContractError, match="at least 2 class names"):
        check_dataset(Dataset(X, np.zeros(2), "multiclass", ("x",), ("c",)))
    with pytest.raises(ContractError, match="at least one row"):
        check_dataset(Dataset(np.zeros((0, 2)), np.zeros(0), "regression", ("x", "y")))
