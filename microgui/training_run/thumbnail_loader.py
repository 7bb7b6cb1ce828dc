"""Draw the dataset chooser's thumbnails off the GUI thread.

A job generates a dataset with the given parameters and draws its
thumbnail, or only draws one from data the window already has (the current
dataset, drawn points). The jobs run one at a time on the shared
abandonable-job helper (background.jobs.JobRunner, QUEUE), and each finished
thumbnail (a fresh RGBA array) comes back on the GUI thread. A plugin that
fails or hangs gets no thumbnail (generation gives up after
THUMBNAIL_TIMEOUT_S and the next job runs), and nothing is delivered after
close().
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal

from microgui.background.jobs import JobPolicy, JobRunner
from microgui.widgets.dataset_thumbnail import thumbnail_rgba

THUMBNAIL_TIMEOUT_S = 10.0


class ThumbnailLoader(QObject):
    """request()/render() queue a thumbnail; ready(dataset_id, rgba) answers in the GUI thread."""

    ready = Signal(str, object)

    def __init__(self, registry: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.registry = registry
        self._datasets: dict[int, str] = {}  # ticket -> the dataset its thumbnail shows
        self.runner = JobRunner(self, policy=JobPolicy.QUEUE, name="microgui-thumbnail")
        self.runner.finished.connect(self._on_finished)
        self.runner.failed.connect(self._on_failed)

    def request(self, dataset_id: str, params: dict[str, Any], seed: int) -> None:
        """Generate `dataset_id` with `params` and `seed`, then draw its thumbnail."""
        registry, params, seed = self.registry, dict(params), int(seed)

        def job() -> np.ndarray:
            data = registry.generate(dataset_id, params, seed, timeout=THUMBNAIL_TIMEOUT_S)
            return thumbnail_rgba(data.X, data.y, data.task)

        self._datasets[self.runner.submit(job)] = dataset_id

    def render(self, dataset_id: str, X: np.ndarray, y: np.ndarray, task: str) -> None:
        """Draw the thumbnail of data already at hand (copied: the caller may change it)."""
        X, y = np.array(X, dtype=np.float64), np.array(y)
        self._datasets[self.runner.submit(lambda: thumbnail_rgba(X, y, task))] = dataset_id

    def close(self) -> None:
        """Deliver nothing more (the window is closing); never waits for a running job."""
        self.runner.close()

    def _on_finished(self, ticket: int, rgba: Any) -> None:
        dataset_id = self._datasets.pop(ticket, None)
        if dataset_id is not None:
            self.ready.emit(dataset_id, rgba)

    def _on_failed(self, ticket: int, _message: str) -> None:
        # A plugin that fails has no thumbnail; the chooser still works without one.
        self._datasets.pop(ticket, None)
