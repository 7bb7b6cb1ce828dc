"""``microgui train --plot PATH``: the finished run drawn by the window's own charts.

The trainer's state goes through the window's path: SnapshotBuilder (the
boundary grid from the engine's numpy forward pass, pre-coloured by the
worker's code) and the presenter's point projection, into a PlotReport
(BoundaryChart, LossChart and MetricChart in one scene), saved by
pyqtgraph's exporters: ``.png`` (ImageExporter) or ``.svg`` (SVGExporter).
So the file shows what the window shows, in the same colours.

The one Qt user among the commands; train_run imports it only for --plot.
When no Qt application exists an offscreen one is created (``-platform
offscreen`` on its own command line, the user's environment left alone),
so it needs no display.
"""

from __future__ import annotations

import os
from typing import Any

__all__ = ["PlotError", "export_plot", "render_plot"]

_keep_app: list[Any] = []  # the QApplication we create must outlive the drawing


class PlotError(Exception):
    """The plot could not be drawn or written; the message says why."""


def _ensure_qt() -> Any:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app = QApplication(["microgui", "-platform", "offscreen"])
        _keep_app.append(app)
    return app


def render_plot(trainer: Any, dataset: Any, title: str = "") -> Any:
    """A laid-out PlotReport of the trainer's model, data and history (read only)."""
    _ensure_qt()
    from microgui.training_run.boundary_compute import plot_points
    from microgui.training_run.snapshot_builder import SnapshotBuilder, training_data
    from microgui.widgets.plot_report import PlotReport
    from microgui.window.presenter import show_plot_points

    builder = SnapshotBuilder()
    with trainer.lock:  # a consistent model and history while copying them
        builder.set_data(trainer, dataset)
        snapshot = builder.build(trainer, "finished")
        data = training_data(trainer, dataset)
    report = PlotReport(title)
    show_plot_points(report.boundary, plot_points(data))
    report.boundary.set_boundary(snapshot.boundary)
    history = snapshot.history
    report.loss.set_history(
        history["step"], history["train_loss"], history["test_loss"], history["lr"]
    )
    report.metric.set_metric_name(snapshot.metric_name)
    report.metric.set_history(history["step"], history["train_metric"], history["test_metric"])
    report.lay_out()
    return report


def export_plot(path: str | os.PathLike[str], trainer: Any, dataset: Any, title: str = "") -> None:
    """Write the PNG or SVG (by the name's suffix) atomically; PlotError (one line) if not."""
    from engine.atomic_write import atomic_path
    from microgui.widgets.plot_export import PlotExportError, save_plot

    report = render_plot(trainer, dataset, title)
    try:
        save_plot(report.scene(), path, lambda target: atomic_path(target, "plot"))
    except PlotExportError as exc:
        raise PlotError(str(exc)) from None
    finally:
        report.close()
