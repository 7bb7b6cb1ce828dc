"""Losses and scores over numpy outputs: test-set evaluation without a scalar graph.

The training loss of a step comes from the scalar graph (engine.losses);
these numpy twins compute the same formulas for the test set from
``engine.fast.mlp_forward_numpy`` outputs, so evaluating it costs one matrix
product per layer. ``tests/engine/test_train.py`` checks each twin against
the scalar loss.

Targets are encoded per loss (see :func:`encode_targets`): hinge and
binary MSE use y in {-1, +1}, bce uses {0, 1}, softmax_ce class indices,
regression MSE the raw values.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "TASKS",
    "classify",
    "encode_targets",
    "loss_numpy",
    "penalty_numpy",
    "sample_losses_numpy",
    "scores",
]

TASKS = ("binary", "multiclass", "regression")


def encode_targets(y: np.ndarray, task: str, loss: str) -> np.ndarray:
    """The targets as the loss wants them (float64, or int64 class indices)."""
    if loss == "softmax_ce":
        return np.asarray(y).astype(np.int64)
    if task == "regression":
        return np.asarray(y, dtype=np.float64)
    if loss in ("hinge", "mse"):  # binary: class 1 -> +1, class 0 -> -1
        return np.where(np.asarray(y) > 0.5, 1.0, -1.0)
    return np.asarray(y, dtype=np.float64)  # bce: 0/1


def sample_losses_numpy(outputs: np.ndarray, targets: np.ndarray, loss: str) -> np.ndarray:
    """The loss of each row (n,), from outputs of shape (n, nout); same formulas as engine.losses.

    Their mean is the batch loss (:func:`loss_numpy`); one by one they say which
    samples still push on the weights (a hinge loss of 0 sends no gradient).
    """
    with np.errstate(all="ignore"):
        if loss == "softmax_ce":
            top = np.max(outputs, axis=1, keepdims=True)
            lse = top[:, 0] + np.log(np.sum(np.exp(outputs - top), axis=1))
            picked = outputs[np.arange(len(targets)), targets]
            return lse - picked
        s = outputs[:, 0]
        if loss == "hinge":
            return np.maximum(1.0 - targets * s, 0.0)
        if loss == "bce":
            return np.maximum(s, 0.0) - s * targets + np.log1p(np.exp(-np.abs(s)))
        if loss == "mse":
            return (s - targets) ** 2
    raise ValueError(f"unknown loss {loss!r}")


def loss_numpy(outputs: np.ndarray, targets: np.ndarray, loss: str) -> float:
    """Mean batch loss from outputs of shape (n, nout); same formulas as engine.losses."""
    losses = sample_losses_numpy(outputs, targets, loss)
    with np.errstate(all="ignore"):
        return float(np.mean(losses))


def penalty_numpy(parameters: list[float], reg: str, strength: float) -> float:
    """The regularisation term added to the loss: alpha*sum(p²), alpha*sum(|p|) or 0."""
    if reg == "l2":
        return strength * math.fsum(p * p for p in parameters)
    if reg == "l1":
        return strength * math.fsum(abs(p) for p in parameters)
    return 0.0


def classify(outputs: np.ndarray, loss: str) -> np.ndarray:
    """Predicted class index per row: argmax for softmax, score > 0 otherwise."""
    if loss == "softmax_ce":
        return np.argmax(outputs, axis=1)
    return (outputs[:, 0] > 0.0).astype(np.int64)


def scores(outputs: np.ndarray, y: np.ndarray, task: str, loss: str) -> tuple[float, float | None]:
    """(accuracy, None) for classification, (R², RMSE) for regression.

    R² is 1 - SSE/SST; it is NaN when the targets are all equal (SST = 0).
    """
    y = np.asarray(y)
    if task != "regression":
        return float(np.mean(classify(outputs, loss) == y.astype(np.int64))), None
    with np.errstate(all="ignore"):
        pred = np.asarray(outputs[:, 0], dtype=np.float64)
        y = y.astype(np.float64)
        # The sums in units of 2**unit, the targets' magnitude: a power of two
        # divides exactly, so ordinary targets get the same numbers, bit for
        # bit, and targets near 1e154 and beyond (or below 1e-154) no longer
        # overflow (underflow) when squared: R² is free of the unit, and RMSE
        # is scaled back.
        unit = math.frexp(float(np.max(np.abs(y))))[1]  # 0 for 0, inf or NaN: as they are
        sse, sst = _squared_sums(np.ldexp(pred, -unit), np.ldexp(y, -unit))
        r2 = 1.0 - sse / sst if sst > 0.0 else math.nan
        return r2, float(np.ldexp(math.sqrt(sse / len(y)), unit))


def _squared_sums(pred: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(SSE, SST): the squared residuals' sum and the targets' squared deviations' sum."""
    return float(np.sum((pred - y) ** 2)), float(np.sum((y - np.mean(y)) ** 2))
