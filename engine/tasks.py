"""Which loss fits which task, how many outputs it needs, and checks on (X, y).

Tasks (the same strings everywhere): "binary" (y in {0, 1}), "multiclass"
(y in {0..k-1}) and "regression" (y any finite float).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.config import ConfigError
from engine.metrics import TASKS

__all__ = [
    "COMPATIBLE_LOSSES",
    "DEFAULT_LOSSES",
    "TASKS",
    "check_data",
    "output_size",
    "resolve_loss",
]

#: The loss "auto" means, per task: micrograd's hinge loss for two classes.
DEFAULT_LOSSES = {"binary": "hinge", "multiclass": "softmax_ce", "regression": "mse"}
COMPATIBLE_LOSSES = {
    "binary": ("hinge", "bce", "mse", "softmax_ce"),
    "multiclass": ("softmax_ce",),
    "regression": ("mse",),
}


def resolve_loss(loss: str, task: str) -> str:
    """The concrete loss for ``task``; ConfigError if ``loss`` does not fit the task."""
    if task not in TASKS:
        raise ConfigError("task", f"{task!r} is not a task; choose one of {', '.join(TASKS)}")
    if loss == "auto":
        return DEFAULT_LOSSES[task]
    if loss not in COMPATIBLE_LOSSES[task]:
        raise ConfigError(
            "loss",
            f"{loss!r} does not fit a {task} dataset; "
            f"choose one of auto, {', '.join(COMPATIBLE_LOSSES[task])}",
        )
    return loss


def output_size(task: str, loss: str, n_classes: int) -> int:
    """Neurons of the output layer: one score, or one logit per class for softmax."""
    return n_classes if loss == "softmax_ce" else 1


def check_data(X: Any, y: Any, task: str, n_classes: int | None) -> tuple[np.ndarray, ...]:
    """(X as (n, d) float64, y as (n,) float64, number of classes or 0); ValueError if unfit."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if X.ndim == 1:
        X = X.reshape(-1, 1)
    if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"X must be a 2-D array (samples, features), got shape {X.shape}")
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have one entry per row of X ({X.shape[0]}), got {y.shape}")
    if not (np.isfinite(X).all() and np.isfinite(y).all()):
        raise ValueError("X and y must not contain NaN or infinite values")
    if task == "regression":
        return X, y, 0
    if not np.array_equal(y, np.round(y)) or y.min() < 0:
        raise ValueError(f"{task} labels must be class indices 0, 1, ...; got {np.unique(y)[:5]}")
    k = 2 if task == "binary" else int(n_classes or int(y.max()) + 1)
    if y.max() >= k:
        raise ValueError(f"label {int(y.max())} is out of range for {k} classes")
    return X, y, k
