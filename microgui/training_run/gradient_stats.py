"""The gradient story of a run, computed in the worker thread with numpy.

* ``GradientRecord`` keeps, for every finished step, each layer's
  weight-gradient norm (``Trainer.layer_gradient_norms()``, a pass over the
  gradients the step leaves behind): the gradient-flow view plots them.
* ``evaluate_training_set`` runs the training set through the current
  weights once (one matrix product per layer): each sample's loss (which
  samples still send a gradient back; the graph explorer opens the largest,
  the boundary plot can mark those above 0), the training loss at these
  weights, and the dead ReLU units: active on no training sample, so no
  sample sends them a gradient and they cannot learn.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.metrics import encode_targets, penalty_numpy, sample_losses_numpy
from microgui.training_run.boundary_compute import forward_layers
from microgui.training_run.snapshot import GradientNorms

__all__ = ["GradientRecord", "TrainingSetEvaluation", "evaluate_training_set"]


class GradientRecord:
    """Per-layer gradient norms of every finished step, in flat arrays (8 bytes a number)."""

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        """Forget every step (a new run, a reset)."""
        self._steps = array("d")
        self._norms = array("d")
        self._layers = 0

    def __len__(self) -> int:
        return len(self._steps)

    def append(self, step: int, norms: list[float]) -> None:
        """The norms after step ``step``; a different layer count starts the record afresh."""
        if len(norms) != self._layers:
            self.clear()
            self._layers = len(norms)
        self._steps.append(float(step))
        self._norms.extend(norms)

    def thinned(self, indices: np.ndarray) -> GradientNorms:
        """Fresh arrays of the recorded steps at ``indices`` (see snapshot_builder.thin_indices)."""
        steps = np.frombuffer(self._steps, dtype=np.float64)
        norms = np.frombuffer(self._norms, dtype=np.float64).reshape(-1, max(self._layers, 1))
        return GradientNorms(steps=steps[indices].copy(), norms=norms[indices].copy())


@dataclass(frozen=True)
class TrainingSetEvaluation:
    """The training set through the current weights."""

    sample_losses: np.ndarray  # (n,) the loss of each training sample
    loss: float  # their mean plus the regularisation penalty: the training loss now
    dead_units: tuple[np.ndarray, ...]  # per hidden layer, (units,) bool


def evaluate_training_set(
    trainer: Any, arrays: list[tuple[np.ndarray, np.ndarray]] | None = None
) -> TrainingSetEvaluation:
    """Sample losses, loss and dead ReLU units of ``trainer``'s model on its training split.

    ``arrays``: the weight arrays if already copied (``trainer.weight_arrays()``).
    """
    arrays = trainer.weight_arrays() if arrays is None else arrays
    X = np.asarray(trainer.X_train, dtype=np.float64)
    layers = forward_layers(trainer.model, X, arrays)
    outputs = layers[-1][1]
    targets = encode_targets(trainer.y_train, trainer.task, trainer.loss_name)
    losses = sample_losses_numpy(outputs, targets, trainer.loss_name)
    config = trainer.config
    # The parameters in the engine's order (per neuron: weights, then bias), for the penalty.
    parameters = np.concatenate([np.column_stack([W, b]).ravel() for W, b in arrays])
    penalty = penalty_numpy(parameters.tolist(), config.reg, config.reg_strength)
    with np.errstate(all="ignore"):
        loss = float(np.mean(losses)) + penalty if len(losses) else float("nan")
    dead = tuple(
        np.zeros(z.shape[1], dtype=bool)
        if layer.activation != "relu" or not len(z)
        else ~np.any(z > 0.0, axis=0)  # active: a positive pre-activation on some sample
        for layer, (z, _) in zip(trainer.model.layers[:-1], layers[:-1], strict=True)
    )
    return TrainingSetEvaluation(np.asarray(losses, dtype=np.float64), loss, dead)
