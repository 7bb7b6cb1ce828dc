"""TrainingPresenter: draws the worker's data and snapshots on the window's widgets."""

from __future__ import annotations

from typing import Any

import numpy as np

from microgui.training_run.boundary_compute import PlotPoints, is_square, plot_points
from microgui.training_run.snapshot import TrainingData, TrainingSnapshot

HEAVY_PARTS = ("boundary", "loss", "network", "metric")


class TrainingPresenter:
    """Turns TrainingData and TrainingSnapshot into setter calls; holds no training state."""

    def __init__(self, window: Any) -> None:
        self.w = window
        self._frame = 0
        self.domain: Any = None  # a fixed plane (drawn data), else the data's own

    def show_data(self, data: TrainingData) -> None:
        """A new data split: axes choices, draw toolbar, network architecture, points."""
        view = self.w.view
        names = tuple(view.axis_x.itemText(i) for i in range(view.axis_x.count()))
        if tuple(data.feature_names) != names:
            view.set_features(data.feature_names)
        view.draw_toolbar.set_task(data.task, data.class_names)
        view.network.set_architecture(list(data.layer_sizes), data.feature_names)
        view.boundary.set_message("")
        self.show_points(data)

    def show_points(self, data: TrainingData) -> None:
        """The train and test points on the boundary plot, projected on the chosen axes."""
        show_plot_points(self.w.view.boundary, plot_points(data, self.w.view.axes(), self.domain))

    def show_drawn(self, drawn: Any) -> None:
        """The drawn points at once, on their fixed canvas (the worker's answer follows)."""
        empty = np.zeros((0, drawn.n_features))
        data = TrainingData(
            drawn.X, drawn.y, empty, np.zeros(0), drawn.task, drawn.feature_names,
            drawn.class_names, "", (),
        )  # fmt: skip
        show_plot_points(self.w.view.boundary, plot_points(data, (0, 1), drawn.domain))
        self.w.view.draw_toolbar.set_task(drawn.task, drawn.class_names)

    def show_no_data(self, message: str, domain: Any = None) -> None:
        """Nothing to train on (a cleared drawing, a dataset that cannot be used): the plots
        must not go on showing the previous data as if it were current."""
        view = self.w.view
        view.boundary.clear()
        if domain is not None:
            view.boundary.set_extent(*domain, equal_aspect=is_square(*domain))
        view.boundary.set_message(message)
        view.loss_plot.clear()
        view.metric_plot.clear()

    def draw_snapshot(
        self, snapshot: TrainingSnapshot, status_hint: str = "", plots: bool = True
    ) -> None:
        """Draw a snapshot; while running, only one heavy widget per frame.

        status_hint replaces the run summary in the status bar (e.g. "Generating…");
        plots=False leaves the plots alone (they say why there is no data to show).
        """
        view = self.w.view
        if not plots:
            parts: set[str] = set()
        elif snapshot.state == "running":
            # One heavy widget per frame: Qt paints all dirty widgets of a window in one
            # go, and three plots at once would stall the event loop for too long.
            parts = {HEAVY_PARTS[self._frame % len(HEAVY_PARTS)]}
            self._frame += 1
        else:
            parts = set(HEAVY_PARTS)
        if "boundary" in parts:
            view.boundary.set_boundary(snapshot.boundary)
            view.boundary.set_sample_losses(snapshot.sample_losses)
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


def show_plot_points(boundary: Any, points: PlotPoints) -> None:
    """Hand PlotPoints to a boundary plot (or chart) through its setters."""
    boundary.set_points(
        points.train_xy,
        points.train_y,
        points.test_xy,
        points.test_y,
        task=points.task,
        class_names=points.class_names,
        curve=points.curve,
    )
    boundary.set_axis_labels(points.x_label, points.y_label)
    boundary.set_extent(points.x_range, points.y_range, points.equal_aspect)
