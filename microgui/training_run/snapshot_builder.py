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
# While running, the training-set evaluation (each sample's loss, dead units) may cost
# at most this share of a step: on 80,000 rows it took 110 ms per snapshot against
# 190 ms per step (benchmarks/bench_big_table_ui.py), so it is reused for a few
# snapshots there. Paused or finished, every snapshot evaluates afresh.
EVALUATION_SHARE = 0.1

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
        layer_sizes=(trainer.preprocessor.n_outputs, *trainer.config.layers, trainer.nout),
        input_names=trainer.preprocessor.input_labels(tuple(dataset.feature_names), True),
        scaling=trainer.scaling,
        scaling_reason=trainer.scaling_reason,
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
        self.center = np.zeros(2)
        self.bounds = self.X
        self.y_bounds = self.y
        self.task = "binary"
        self.squash = "tanh"
        self.gradients = GradientRecord()
        self.forget_steps()

    def set_data(self, trainer: Any, dataset: Any) -> None:
        """Remember the data extent and how to read the outputs of this trainer."""
        self.X = np.asarray(trainer.X, dtype=np.float64)
        self.y = np.asarray(trainer.y, dtype=np.float64)
        # The other features' values on the boundary plane, and the data's extent: once,
        # not per snapshot (on 100,000 rows x 64 features they took 30 ms every time).
        # The plots read only each column's extent, so its minimum and maximum stand in
        # for the data.
        self.center = _column_means(self.X)
        if len(self.X):
            self.bounds = np.vstack([self.X.min(axis=0), self.X.max(axis=0)])
            self.y_bounds = np.array([self.y.min(), self.y.max()])
        else:
            self.bounds, self.y_bounds = self.X, self.y
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
        self._evaluation: Any = None
        self._reuse_evaluation = 0

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

    def _evaluate(self, trainer: Any, weights: Any, state: str) -> Any:
        """The training set through the weights, reused while running when it is costly."""
        running = state == "running"
        if running and self._evaluation is not None and self._reuse_evaluation > 0:
            self._reuse_evaluation -= 1
            return self._evaluation
        start = time.perf_counter()
        self._evaluation = evaluate_training_set(trainer, weights)
        cost = time.perf_counter() - start
        step = float(np.mean(self.seconds)) if self.seconds else 0.0
        budget = EVALUATION_SHARE * step
        self._reuse_evaluation = int(cost / budget) if running and budget > 0 else 0
        return self._evaluation

    def build(self, trainer: Any, state: str, message: str = "") -> TrainingSnapshot:
        """A snapshot of `trainer` (None gives an empty one)."""
        if trainer is None:
            return TrainingSnapshot(step=0, state=state, message=message)
        history = self._history(trainer.history)
        last = trainer.history[-1] if len(trainer.history) else None
        axes = self.axes
        boundary = compute_boundary(
            None,
            self.bounds,
            self.y_bounds,
            self.task,
            axes,
            self.resolution,
            squash=self.squash,
            predict=trainer.predict,  # raw rows, preprocessed as in training
            center=self.center,
            domain=self.domain,
        )
        if boundary.kind != "curve":
            images = boundary_images(boundary)
            boundary = dataclasses.replace(boundary, images=images)
        weights = trainer.weight_arrays()
        maps = neuron_maps(
            None,
            self.bounds,
            axes,
            weights=weights,
            activation=trainer.config.activation,
            transform=trainer.preprocessor.transform,
            center=self.center,
            domain=self.domain,
        )
        evaluation = self._evaluate(trainer, weights, state)
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
            execution=trainer.execution,
            execution_reason=trainer.execution_reason,
            preprocessor=trainer.preprocessor,
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


def _column_means(X: np.ndarray) -> np.ndarray:
    """Each column's mean; a column whose sum overflows (values near the float
    limit) is averaged from its values divided by the row count instead."""
    if not len(X):
        return np.zeros(X.shape[1])
    with np.errstate(over="ignore"):
        means = np.mean(X, axis=0)
    overflowed = ~np.isfinite(means) & np.isfinite(X).all(axis=0)
    if overflowed.any():
        means[overflowed] = np.mean(X[:, overflowed] / len(X), axis=0) * len(X)
    return means
