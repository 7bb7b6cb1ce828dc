"""Draw the dataset chooser's thumbnails off the GUI thread.

One daemon thread works through a queue of jobs: generate a dataset with
the given parameters and draw its thumbnail, or only draw one from data the
window already has (the current dataset, drawn points). Each finished
thumbnail (a fresh RGBA array) is handed to the GUI thread by a queued
signal. A newer job for the same dataset replaces a waiting older one; a
plugin that fails or hangs gets no thumbnail (the generation gives up after
THUMBNAIL_TIMEOUT_S and the thread moves on), and nothing is delivered after
close().
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal

from microgui.plugin_host.manager import PluginError
from microgui.widgets.dataset_thumbnail import thumbnail_rgba

THUMBNAIL_TIMEOUT_S = 10.0


class ThumbnailLoader(QObject):
    """request()/render() queue a thumbnail; ready(dataset_id, rgba) answers in the GUI thread."""

    ready = Signal(str, object)

    def __init__(self, registry: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.registry = registry
        self._jobs: OrderedDict[str, tuple] = OrderedDict()
        self._wake = threading.Condition()
        self._closed = False
        self._thread: threading.Thread | None = None

    def request(self, dataset_id: str, params: dict[str, Any], seed: int) -> None:
        """Generate `dataset_id` with `params` and `seed`, then draw its thumbnail."""
        self._put(dataset_id, ("generate", dict(params), int(seed)))

    def render(self, dataset_id: str, X: np.ndarray, y: np.ndarray, task: str) -> None:
        """Draw the thumbnail of data already at hand (copied: the caller may change it)."""
        self._put(dataset_id, ("draw", np.array(X, dtype=np.float64), np.array(y), task))

    def close(self) -> None:
        """Deliver nothing more; the thread ends after its current job."""
        with self._wake:
            self._closed = True
            self._jobs.clear()
            self._wake.notify()

    def _put(self, dataset_id: str, job: tuple) -> None:
        with self._wake:
            if self._closed:
                return
            self._jobs.pop(dataset_id, None)  # a newer job replaces a waiting one
            self._jobs[dataset_id] = job
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="microgui-thumbnails", daemon=True
                )
                self._thread.start()
            self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._jobs and not self._closed:
                    self._wake.wait()
                if self._closed:
                    return
                dataset_id, job = self._jobs.popitem(last=False)
            rgba = self._thumbnail(dataset_id, job)
            if rgba is None or self._closed:
                continue
            with contextlib.suppress(RuntimeError):  # the window was deleted meanwhile
                self.ready.emit(dataset_id, rgba)

    def _thumbnail(self, dataset_id: str, job: tuple) -> np.ndarray | None:
        try:
            if job[0] == "draw":
                _kind, X, y, task = job
            else:
                _kind, params, seed = job
                data = self.registry.generate(dataset_id, params, seed, timeout=THUMBNAIL_TIMEOUT_S)
                X, y, task = data.X, data.y, data.task
            return thumbnail_rgba(X, y, task)
        except (PluginError, ValueError, TypeError):
            return None  # a plugin that fails has no thumbnail; the chooser still works
