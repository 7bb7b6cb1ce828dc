"""Your own data from a CSV file: numeric feature columns and one label column.

The file needs a header row. The delimiter is the most frequent of comma,
semicolon and tab in the header. Encodings: UTF-8 (with or without a BOM),
UTF-16 and UTF-32 with a BOM (UTF-16 without a BOM is guessed from its zero
bytes). At most 100,000 data rows.

The label column is ``label_column`` if given, else a column named "label",
else the last column. With ``task`` "auto" the labels decide the task:

- all labels numbers, all whole, at most 20 distinct values -> classification;
- all labels numbers otherwise (fractions, or many distinct values) -> regression;
- any label text -> classification (at most 20 classes).

Classification labels become class indices in sorted order (numbers
numerically, text alphabetically) and ``class_names`` keeps the originals:
2 classes is "binary", 3..20 "multiclass". The seed is unused: the file is
the data (the trainer shuffles and splits).

A table's columns come in any unit (centimetres beside thousands), so the
dataset suggests standardized features (contract version 2): with scaling
on "auto" microgui standardizes them, fitted on the training split.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from microgui.hookspecs import Dataset, DatasetError, DatasetSpec, ParamSpec, hookimpl
from plugins._csv_reader import MAX_CLASSES, CsvTable, read_csv_table

#: suggested_scaling is contract version 2 (microgui.hookspecs).
MICROGUI_CONTRACT_VERSION = 2
TASK_CHOICES = ("auto", "classification", "regression")


def _as_number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _class_name(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def _regression(table: CsvTable, numbers: list[float | None]) -> np.ndarray:
    for text, value, line in zip(table.labels, numbers, table.label_lines, strict=True):
        if value is None:
            raise DatasetError(
                f"text {text!r} in label column {table.label_name!r} at line {line}; "
                "regression needs numeric labels"
            )
    return np.array(numbers, dtype=np.float64)


def _classes(table: CsvTable, numbers: list[float | None]) -> tuple[np.ndarray, tuple[str, ...]]:
    """Class indices in sorted label order, and the class names."""
    if all(v is not None for v in numbers):
        keys: list[Any] = list(numbers)
        distinct = sorted(set(keys))
        names = tuple(_class_name(v) for v in distinct)
    else:
        keys = list(table.labels)
        distinct = sorted(set(keys))
        names = tuple(distinct)
    column = table.label_name
    if len(distinct) < 2:
        raise DatasetError(
            f"the label column {column!r} has only one class ({names[0]!r}); "
            "classification needs at least two"
        )
    if len(distinct) > MAX_CLASSES:
        raise DatasetError(
            f"the label column {column!r} has {len(distinct)} distinct labels, more than "
            f"{MAX_CLASSES} classes; if they are numbers to predict, set task to 'regression'"
        )
    index = {key: i for i, key in enumerate(distinct)}
    return np.array([index[k] for k in keys], dtype=np.float64), names


def choose_task(numbers: list[float | None], task: str) -> str:
    """'classification' or 'regression' for ``task`` 'auto', by the rule in the module doc."""
    if task != "auto":
        return task
    if any(v is None for v in numbers):
        return "classification"
    whole = all(v == int(v) for v in numbers)  # type: ignore[arg-type]
    return "classification" if whole and len(set(numbers)) <= MAX_CLASSES else "regression"


def generate_csv(params: dict[str, Any], seed: int) -> Dataset:
    """Read ``params["path"]``; raise DatasetError with the line and column of any problem."""
    del seed  # the file is the data
    if not params["path"].strip():
        raise DatasetError("choose a CSV file first (the 'path' parameter is empty)")
    table = read_csv_table(params["path"], params["label_column"])
    X = np.array(table.features, dtype=np.float64)
    numbers = [_as_number(label) for label in table.labels]
    feature_names = tuple(table.feature_names)
    if choose_task(numbers, params["task"]) == "regression":
        return Dataset(X, _regression(table, numbers), "regression", feature_names)
    y, class_names = _classes(table, numbers)
    task = "binary" if len(class_names) == 2 else "multiclass"
    return Dataset(X, y, task, feature_names, class_names)


@hookimpl
def microgui_datasets() -> list[DatasetSpec]:
    """The csv dataset."""
    return [
        DatasetSpec(
            id="csv",
            name="CSV file",
            description="Your own data: numeric feature columns and a label column.",
            task="binary",
            params=(
                ParamSpec("path", "path", "", help="the .csv file to load (header row needed)"),
                ParamSpec(
                    "label_column",
                    "str",
                    "",
                    help="name of the label column; empty: 'label' if present, else the last",
                ),
                ParamSpec(
                    "task",
                    "choice",
                    "auto",
                    choices=TASK_CHOICES,
                    help="auto: whole-number or text labels (<= 20) classify, others regress",
                ),
            ),
            generate=generate_csv,
            suggested_scaling="standardize",
        )
    ]
