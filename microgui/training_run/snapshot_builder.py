"""SnapshotBuilder: copy what the window draws out of a live Trainer (worker thread only)."""

from __future__ import annotations

import collections
import dataclasses
import math
import time
from typing import Any

import numpy as np

from microgui.training_run.boundary_compute import compute_boundary, finite_or_nan, neuron_maps
from microgui.training_run.gradient_stats import GradientRecord, evaluate_training_set
from microgui.training_run.snapshot import HISTORY_KEYS, TrainingData, TrainingSnapshot
from microgui.widgets.boundary_image import boundary_images

BOUNDARY_RESOLUTION = 100
MAX_PLOTTED_STEPS = 4000
RATE_WINDOW_S = 1.0

# History column of engine.history.History for each snapshot history key.
_COLUMNS = {
    "step": "step",
    "train_loss": "loss",
    "test_loss": "test_loss",
    "train_metric": "accuracy",
    "test_metric": "test_accuracy",
    "lr": "lr",
}


def thin_indices(n: int, limit: int = MAX_PLOTTED_STEPS) -> np.ndarray:
    """At most about `limit` evenly spread indices of n, always including the last."""
    if n <= limit:
        return np.arange(n)
    stride = math.ceil(n / limit)
    idx = np.arange(0, n, stride)
    return idx if idx[-1] == n - 1 else np.append(idx, n - 1)


def training_data(trainer: Any, dataset: Any) -> TrainingData:
    """The trainer's split of `dataset`, for plotting its points (copies: plain data)."""
    return TrainingData(
        X_train=trainer.X_train.copy(),
        y_train=trainer.y_train.copy(),
        X_test=trainer.X_test.copy(),
        y_test=trainer.y_test.copy(),
        task=trainer.task,
        feature_names=tuple(dataset.feature_names),
        class_names=tuple(dataset.class_names),
        metric_name=trainer.metric_name,
        layer_sizes=(trainer.X.shape[1], *trainer.config.layers, trainer.nout),
    )


class SnapshotBuilder:
    """Tracks the step rate and turns the trainer's state into a TrainingSnapshot."""

    def __init__(self) -> None:
        self.axes: tuple[int, int] = (0, 1)
        # A fixed plane for the boundary (drawn data keeps its canvas); None: the data's own.
        self.domain: tuple[tuple[float, float], tuple[float, float]] | None = None
        self.resolution = BOUNDARY_RESOLUTION
        self.X = np.zeros((0, 2))
        self.y = np.zeros(0)
        self.task = "binary"
        self.squash = "tanh"
        self.gradients = GradientRecord()
        self.forget_steps()

    def set_data(self, trainer: Any, dataset: Any) -> None:
        """Remember the data extent and how to read the outputs of this trainer."""
        self.X = np.asarray(trainer.X, dtype=np.float64)
        self.y = np.asarray(trainer.y, dtype=np.float64)
        d = self.X.shape[1]
        if max(self.axes) >= d or (self.axes[0] == self.axes[1] and d > 1):
            self.axes = (0, 1 if d > 1 else 0)
        if trainer.task == "regression":
            self.task = "regression"
        else:
            self.task = "multiclass" if trainer.nout > 1 else "binary"
        self.squash = "sigmoid" if trainer.loss_name == "bce" else "tanh"
        self.forget_steps()

    def forget_steps(self) -> None:
        """Forget step timings and gradient norms (after a reset or a new trainer)."""
        self.step_times: collections.deque[float] = collections.deque()
        self.seconds: collections.deque[float] = collections.deque(maxlen=20)
        self.nodes = 0
        self.gradients.clear()

    def record(self, result: Any, gradient_norms: list[float] | None = None) -> None:
        """Note one finished step: its timing, and its per-layer gradient norms if given."""
        if gradient_norms is not None and result.finite:
            self.gradients.append(result.step, gradient_norms)
        now = time.perf_counter()
        self.step_times.append(now)
        while self.step_times and now - self.step_times[0] > RATE_WINDOW_S:
            self.step_times.popleft()
        self.seconds.append(float(result.seconds))
        self.nodes = int(result.nodes)

    def steps_per_second(self) -> float:
        """Steps finished in the last second (NaN before two steps)."""
        if len(self.step_times) < 2:
            return float("nan")
        span = self.step_times[-1] - self.step_times[0]
        return (len(self.step_times) - 1) / span if span > 0 else float("nan")

    def build(self, trainer: Any, state: str, message: str = "") -> TrainingSnapshot:
        """A snapshot of `trainer` (None gives an empty one)."""
        if trainer is None:
            return TrainingSnapshot(step=0, state=state, message=message)
        history = self._history(trainer.history)
        last = trainer.history[-1] if len(trainer.history) else None
        axes = self.axes
        boundary = compute_boundary(
            trainer.model,
            self.X,
            self.y,
            self.task,
            axes,
            self.resolution,
            squash=self.squash,
            domain=self.domain,
        )
        if boundary.kind != "curve":
            images = boundary_images(boundary)
            boundary = dataclasses.replace(boundary, images=images)
        maps = neuron_maps(trainer.model, self.X, axes, domain=self.domain)
        weights = trainer.weight_arrays()
        evaluation = evaluate_training_set(trainer, weights)
        seconds = float(np.mean(self.seconds)) if self.seconds else float("nan")
        return TrainingSnapshot(
            step=int(trainer.steps_done),
            state=state,
            train_loss=finite_or_nan(last.loss) if last else float("nan"),
            test_loss=finite_or_nan(last.test_loss) if last else float("nan"),
            train_metric=finite_or_nan(last.accuracy) if last else float("nan"),
            test_metric=finite_or_nan(last.test_accuracy) if last else float("nan"),
            metric_name=trainer.metric_name,
            lr=finite_or_nan(last.lr) if last else float("nan"),
            seconds_per_step=seconds,
            steps_per_second=self.steps_per_second() if state == "running" else float("nan"),
            nodes_per_step=self.nodes or (int(last.nodes) if last else 0),
            message=message or trainer.message,
            history=history,
            weights=weights,
            boundary=boundary,
            neuron_maps=maps,
            task=trainer.task,
            loss=trainer.loss_name,
            activation=trainer.config.activation,
            sample_losses=evaluation.sample_losses,
            dead_units=evaluation.dead_units,
            gradient_norms=self.gradients.thinned(thin_indices(len(self.gradients))),
        )

    @staticmethod
    def _history(history: Any) -> dict[str, np.ndarray]:
        n = len(history)
        idx = thin_indices(n)
        out = {}
        for key in HISTORY_KEYS:
            column = history.column(_COLUMNS[key]).astype(np.float64)
            out[key] = column[idx] if n else column
        return out
