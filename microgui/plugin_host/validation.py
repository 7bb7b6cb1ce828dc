"""Checks on what plugins declare and return, with messages a plugin author can act on.

Every check raises :class:`ContractError` naming the offending field; the
plugin manager adds the plugin's name. Nothing here imports a plugin.
"""

from __future__ import annotations

import math
import numbers
import os
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np

from microgui.hookspecs import PARAM_KINDS, TASKS, Dataset, DatasetSpec, ParamSpec

# Ids end up in file names, command lines and JSON: keep them boring.
_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_NAME_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
MAX_SEED = 2**32 - 1


class ContractError(ValueError):
    """Something a plugin declared or returned breaks the contract in microgui.hookspecs."""


# --------------------------------------------------------------------------- specs


def check_param_spec(param: object) -> ParamSpec:
    """Return ``param`` if it is a well-formed ParamSpec, else raise ContractError."""
    if not isinstance(param, ParamSpec):
        raise ContractError(f"params must hold ParamSpec objects, got {type(param).__name__}")
    where = f"parameter {param.name!r}"
    if not isinstance(param.name, str) or not _NAME_PATTERN.match(param.name):
        raise ContractError(f"{where}: a parameter name must be a Python identifier")
    if param.kind not in PARAM_KINDS:
        raise ContractError(f"{where}: kind {param.kind!r} is not one of {', '.join(PARAM_KINDS)}")
    has_bounds = param.minimum is not None or param.maximum is not None
    if has_bounds and param.kind not in ("int", "float"):
        raise ContractError(f"{where}: only int and float parameters take minimum/maximum")
    for bound in (param.minimum, param.maximum):
        if bound is not None and not _is_real_number(bound):
            raise ContractError(f"{where}: bounds must be finite numbers, got {bound!r}")
    if param.minimum is not None and param.maximum is not None and param.minimum > param.maximum:
        raise ContractError(f"{where}: minimum {param.minimum} exceeds maximum {param.maximum}")
    if param.kind == "choice":
        choices = tuple(param.choices)
        if not choices or not all(isinstance(c, str) for c in choices):
            raise ContractError(f"{where}: a choice needs a non-empty tuple of strings as choices")
        param = replace(param, choices=choices)
    elif param.choices:
        raise ContractError(f"{where}: only a 'choice' parameter takes choices")
    try:
        coerce_param(param, param.default)
    except ValueError as exc:
        raise ContractError(f"its default is invalid: {exc}") from None
    return param


def check_dataset_spec(spec: object) -> DatasetSpec:
    """Return ``spec`` (params as a tuple) if it is a well-formed DatasetSpec."""
    if not isinstance(spec, DatasetSpec):
        raise ContractError(
            f"microgui_datasets must return DatasetSpec objects, got {type(spec).__name__}"
        )
    if not isinstance(spec.id, str) or not _ID_PATTERN.match(spec.id):
        raise ContractError(
            f"dataset id {spec.id!r} must be lowercase letters, digits, '_', '-' or '.'"
        )
    where = f"dataset {spec.id!r}"
    for field in ("name", "description"):
        if not isinstance(getattr(spec, field), str) or not getattr(spec, field).strip():
            raise ContractError(f"{where}: {field} must be a non-empty string")
    if spec.task not in TASKS:
        raise ContractError(f"{where}: task {spec.task!r} is not one of {', '.join(TASKS)}")
    if not callable(spec.generate):
        raise ContractError(f"{where}: generate must be callable as generate(params, seed)")
    if not isinstance(spec.params, (tuple, list)):
        raise ContractError(f"{where}: params must be a tuple of ParamSpec")
    params = []
    for param in spec.params:
        try:
            params.append(check_param_spec(param))
        except ContractError as exc:
            raise ContractError(f"{where}: {exc}") from None
    names = [p.name for p in params]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ContractError(f"{where}: parameter names repeat: {', '.join(duplicates)}")
    return replace(spec, params=tuple(params))


# --------------------------------------------------------------------------- params


def _is_real_number(value: object) -> bool:
    return (
        isinstance(value, numbers.Real)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def _bounds_text(param: ParamSpec) -> str:
    low = "-inf" if param.minimum is None else f"{param.minimum:g}"
    high = "inf" if param.maximum is None else f"{param.maximum:g}"
    return f"[{low}, {high}]"


def coerce_param(param: ParamSpec, value: Any) -> Any:
    """Return ``value`` converted to the parameter's kind, or raise ValueError.

    ints accept integral floats (JSON and spin boxes give 100.0); floats
    accept ints; bools accept only True/False; paths accept os.PathLike.
    """
    name = param.name
    if param.kind in ("int", "float"):
        if not _is_real_number(value):
            raise ValueError(
                f"parameter {name!r} must be a finite number ({param.kind}), got {value!r}"
            )
        if param.kind == "int":
            if float(value) != int(value):
                raise ValueError(f"parameter {name!r} must be a whole number, got {value!r}")
            value = int(value)
        else:
            value = float(value)
        too_low = param.minimum is not None and value < param.minimum
        too_high = param.maximum is not None and value > param.maximum
        if too_low or too_high:
            raise ValueError(
                f"parameter {name!r} = {value!r} is outside its bounds {_bounds_text(param)}"
            )
        return value
    if param.kind == "bool":
        if not isinstance(value, (bool, np.bool_)):
            raise ValueError(f"parameter {name!r} must be true or false, got {value!r}")
        return bool(value)
    if param.kind == "choice":
        if value not in param.choices:
            raise ValueError(
                f"parameter {name!r} = {value!r} is not one of: {', '.join(param.choices)}"
            )
        return value
    if param.kind == "path":
        if isinstance(value, os.PathLike):
            value = os.fspath(value)
        if not isinstance(value, str):
            raise ValueError(f"parameter {name!r} must be a file path, got {value!r}")
        return value
    if not isinstance(value, str):  # "str"
        raise ValueError(f"parameter {name!r} must be text, got {value!r}")
    return value


def resolve_params(spec: DatasetSpec, params: Mapping[str, Any] | None) -> dict[str, Any]:
    """Every declared parameter, from ``params`` or its default, checked and converted.

    Raises ValueError for an unknown parameter name or a bad value.
    """
    given = dict(params or {})
    declared = {p.name: p for p in spec.params}
    unknown = sorted(set(given) - set(declared))
    if unknown:
        known = ", ".join(declared) or "none"
        raise ValueError(
            f"unknown parameter(s) {', '.join(map(repr, unknown))} for dataset {spec.id!r}; "
            f"its parameters are: {known}"
        )
    return {
        name: coerce_param(param, given.get(name, param.default))
        for name, param in declared.items()
    }


def check_seed(seed: object) -> int:
    """Return ``seed`` as an int in [0, 2**32 - 1] (what numpy and scikit-learn accept)."""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise ValueError(f"seed must be a whole number, got {seed!r}")
    if not 0 <= int(seed) <= MAX_SEED:
        raise ValueError(f"seed must be between 0 and {MAX_SEED}, got {seed}")
    return int(seed)


# --------------------------------------------------------------------------- results


def _first_bad_index(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask.reshape(mask.shape[0], -1).any(axis=1))[0])


def _check_names(names: object, count: int, what: str) -> tuple[str, ...]:
    if not isinstance(names, (tuple, list)) or not all(isinstance(n, str) for n in names):
        raise ContractError(f"{what} must be a tuple of strings, got {names!r}")
    if len(names) != count:
        raise ContractError(f"{what} has {len(names)} entries, expected {count}")
    return tuple(names)


def _plain_array(value: object, label: str) -> object:
    """A numpy subclass as a plain array; a masked array only if nothing is masked.

    A mask hides values from every check (np.isfinite(...).any() skips masked
    NaN), and the Trainer then reads the NaN underneath.
    """
    if isinstance(value, np.ma.MaskedArray):
        masked = int(np.ma.count_masked(value))
        if masked:
            raise ContractError(
                f"{label} is a masked array with {masked} masked value(s); fill them "
                f"({label}.filled(...)) or drop their rows, and return a plain numpy array"
            )
        return np.asarray(value.data)
    if isinstance(value, np.ndarray) and type(value) is not np.ndarray:
        return np.asarray(value)  # np.matrix and other subclasses: plain rows and columns
    return value


def check_dataset(result: object) -> Dataset:
    """Validate what ``generate`` returned; return it with normalised arrays.

    The returned Dataset owns fresh arrays: X float64 (n, d); y float64 for
    "binary" and "regression", int64 for "multiclass".
    """
    if not isinstance(result, Dataset):
        raise ContractError(f"generate must return a Dataset, got {type(result).__name__}")
    X, y = _plain_array(result.X, "X"), _plain_array(result.y, "y")
    if not isinstance(X, np.ndarray):
        raise ContractError(f"X must be a numpy array, got {type(X).__name__}")
    if X.ndim != 2:
        raise ContractError(f"X must be 2-D with shape (n, d), got shape {X.shape}")
    if X.dtype.kind != "f":
        raise ContractError(f"X must hold floats, got dtype {X.dtype}; return X.astype(np.float64)")
    n, d = X.shape
    if n < 1 or d < 1:
        raise ContractError(f"X must have at least one row and one column, got shape {X.shape}")
    if not isinstance(y, np.ndarray):
        raise ContractError(f"y must be a numpy array, got {type(y).__name__}")
    if y.ndim != 1:
        raise ContractError(f"y must be 1-D with shape (n,), got shape {y.shape}")
    if y.shape[0] != n:
        raise ContractError(f"y has {y.shape[0]} entries but X has {n} rows")
    if y.dtype.kind not in "fiub":
        raise ContractError(f"y must hold numbers, got dtype {y.dtype}")
    X = X.astype(np.float64, copy=True)
    y = y.astype(np.float64, copy=True)
    for label, array in (("X", X), ("y", y)):
        bad = ~np.isfinite(array)
        if bad.any():
            raise ContractError(
                f"{label} has {int(bad.sum())} NaN or infinite value(s), the first in row "
                f"{_first_bad_index(bad)}"
            )
    if result.task not in TASKS:
        raise ContractError(f"task {result.task!r} is not one of {', '.join(TASKS)}")
    feature_names = _check_names(result.feature_names, d, "feature_names")
    if result.task == "regression":
        class_names = _check_names(result.class_names, 0, "class_names (regression)")
        return Dataset(X, y, "regression", feature_names, class_names)
    k = 2 if result.task == "binary" else len(result.class_names)
    class_names = _check_names(result.class_names, k, f"class_names ({result.task})")
    if k < 2:
        raise ContractError(f"{result.task} classification needs at least 2 class names")
    if np.any(y != np.round(y)) or y.min() < 0 or y.max() > k - 1:
        raise ContractError(
            f"{result.task} labels must be class indices 0..{k - 1}, "
            f"got values in [{y.min():g}, {y.max():g}]"
        )
    if result.task == "multiclass":
        return Dataset(X, y.astype(np.int64), "multiclass", feature_names, class_names)
    return Dataset(X, y, "binary", feature_names, class_names)
