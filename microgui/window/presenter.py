"""TrainingPresenter: draws the worker's data and snapshots on the window's widgets."""

from __future__ import annotations

from typing import Any

import numpy as np

from microgui.training_run.boundary_compute import plot_extent
from microgui.training_run.snapshot import TrainingData, TrainingSnapshot

HEAVY_PARTS = ("boundary", "loss", "network", "metric")
# A scatter of 80,000 points took 27 s to set and 220 ms per repaint of the plot
# (benchmarks/bench_big_table_ui.py): big tables show a fixed random sample.
MAX_PLOTTED_TRAIN = 1500
MAX_PLOTTED_TEST = 500


def plotted_subset(n: int, limit: int) -> np.ndarray:
    """Indices of the points drawn: all of them, or a fixed random sample of ``limit``."""
    if n <= limit:
        return np.arange(n)
    return np.sort(np.random.default_rng(0).choice(n, size=limit, replace=False))


class TrainingPresenter:
    """Turns TrainingData and TrainingSnapshot into setter calls; holds no training state."""

    def __init__(self, window: Any) -> None:
        self.w = window
        self._frame = 0
        self.train_shown = np.arange(0)  # plotted point -> training sample index

    def training_index(self, plotted: int) -> int:
        """The training sample behind the plotted point number ``plotted``."""
        if 0 <= plotted < len(self.train_shown):
            return int(self.train_shown[plotted])
        return plotted

    def show_data(self, data: TrainingData) -> None:
        """A new data split: axes choices, draw toolbar, network architecture, points."""
        view = self.w.view
        names = tuple(view.axis_x.itemText(i) for i in range(view.axis_x.count()))
        if tuple(data.feature_names) != names:
            view.set_features(data.feature_names)
        view.draw_toolbar.set_task(data.task, data.class_names)
        view.network.set_architecture(
            list(data.layer_sizes), data.input_names or data.feature_names
        )
        self.show_points(data)

    def show_points(self, data: TrainingData) -> None:
        """The train and test points on the boundary plot, projected on the chosen axes."""
        boundary = self.w.view.boundary
        d = data.X_train.shape[1]
        curve = d == 1 and data.task == "regression"
        ax, ay = self.w.view.axes() if d > 2 else (0, 1 if d > 1 else 0)
        all_x = np.vstack([data.X_train, data.X_test])
        train = plotted_subset(len(data.X_train), MAX_PLOTTED_TRAIN)
        test = plotted_subset(len(data.X_test), MAX_PLOTTED_TEST)
        self.train_shown = train

        def project(X: np.ndarray, y: np.ndarray) -> np.ndarray:
            if curve:
                return np.column_stack([X[:, 0], y])
            if d == 1:
                return np.column_stack([X[:, 0], np.zeros(len(X))])
            return np.column_stack([X[:, ax], X[:, ay]])

        boundary.set_points(
            project(data.X_train[train], data.y_train[train]),
            data.y_train[train],
            project(data.X_test[test], data.y_test[test]),
            data.y_test[test],
            task=data.task,
            class_names=data.class_names,
            curve=curve,
        )
        names = data.feature_names
        if curve:
            boundary.set_axis_labels(names[0], "target")
            y_all = np.concatenate([data.y_train, data.y_test])
            boundary.set_extent(plot_extent(all_x[:, 0]), plot_extent(y_all))
        elif d == 1:
            boundary.set_axis_labels(names[0], "")
            boundary.set_extent(plot_extent(all_x[:, 0]), (-1.0, 1.0))
        else:
            boundary.set_axis_labels(names[ax], names[ay])
            boundary.set_extent(plot_extent(all_x[:, ax]), plot_extent(all_x[:, ay]))

    def draw_snapshot(self, snapshot: TrainingSnapshot, status_hint: str = "") -> None:
        """Draw a snapshot; while running, only one heavy widget per frame.

        status_hint replaces the run summary in the status bar (e.g. "Generating…").
        """
        view = self.w.view
        if snapshot.state == "running":
            # One heavy widget per frame: Qt paints all dirty widgets of a window in one
            # go, and three plots at once would stall the event loop for too long.
            parts = {HEAVY_PARTS[self._frame % len(HEAVY_PARTS)]}
            self._frame += 1
        else:
            parts = set(HEAVY_PARTS)
        if "boundary" in parts:
            view.boundary.set_boundary(snapshot.boundary)
            losses = snapshot.sample_losses
            if len(losses) > len(self.train_shown) and len(self.train_shown):
                losses = losses[self.train_shown]  # the plotted sample of a big table
            view.boundary.set_sample_losses(losses)
        if "network" in parts and snapshot.weights:
            view.network.set_weights(snapshot.weights)
            view.network.set_neuron_maps(snapshot.neuron_maps)
            view.network.set_dead_units(snapshot.dead_units)
        if "loss" in parts:
            view.set_loss_history(snapshot.history)
        if "metric" in parts:
            view.set_metric_history(snapshot.history, snapshot.metric_name)
        self.w.status.set_stats(
            snapshot.step,
            snapshot.steps_per_second,
            snapshot.nodes_per_step,
            snapshot.seconds_per_step,
            snapshot.execution,
        )
        self.w.run_controls.set_running(snapshot.state == "running")
        if snapshot.state == "diverged":
            self.w.status.set_message(snapshot.message, error=True)
            self.w.run_controls.set_config_error(snapshot.message)
        elif snapshot.state == "finished" and snapshot.message:
            self.w.status.set_message(snapshot.message.capitalize() + ".")
        elif status_hint:
            self.w.status.set_message(status_hint)
        elif snapshot.message and snapshot.state != "running":
            self.w.status.set_message(snapshot.message)  # e.g. a weight set by hand
        elif snapshot.state != "running" or "loss" in parts:
            self.w.status.set_message(self._summary(snapshot))  # ~5 Hz while running

    @staticmethod
    def _summary(s: TrainingSnapshot) -> str:
        if s.step == 0:
            return "Ready: press Train (Space) or Step (S)"
        parts = [f"loss {s.train_loss:.4f}"]
        if s.train_metric == s.train_metric:  # not NaN
            parts.append(
                f"{s.metric_name} {s.train_metric:.1%}"
                if s.metric_name == "accuracy"
                else f"{s.metric_name} {s.train_metric:.3f}"
            )
        if s.test_loss == s.test_loss:
            parts.append(f"test loss {s.test_loss:.4f}")
        return f"{s.state.capitalize()}: " + ", ".join(parts)
