"""Run a Python function on a worker thread and get its result back on the GUI thread.

The explorer builds big graphs (forward, backward, layout) this way so the
GUI thread never walks 10,000 nodes. Results carry a ticket: a result for
an out-of-date request is simply ignored by the receiver.
"""

from __future__ import annotations

import queue
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

__all__ = ["JobRunner"]


class _Carrier(QObject):
    """Lives in the GUI thread; a signal emitted from the worker is queued to it."""

    finished = Signal(int, object)
    failed = Signal(int, str)


class JobRunner(QObject):
    """One daemon worker thread; ``submit`` returns a ticket, results arrive as signals.

    ``finished(ticket, result)`` and ``failed(ticket, message)`` are emitted
    on the GUI thread. The thread is a daemon and ``shutdown`` does not wait
    for it: closing the window in the middle of a 80,000-node layout must not
    keep the process alive until the layout is done (a QThreadPool would be
    joined when it is destroyed).
    """

    finished = Signal(int, object)
    failed = Signal(int, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queue: queue.Queue[tuple[int, Callable[[], Any]] | None] = queue.Queue()
        self._carrier = _Carrier()
        self._carrier.finished.connect(self._on_finished)
        self._carrier.failed.connect(self._on_failed)
        self._ticket = 0
        self._running: set[int] = set()
        self._idle = threading.Event()
        self._idle.set()
        self._closed = False
        # Jobs run in order on one thread; the newest result wins at the receiver.
        self._thread = threading.Thread(target=self._loop, name="graph-jobs", daemon=True)
        self._thread.start()

    @property
    def busy(self) -> bool:
        """True while a submitted job has not reported back."""
        return bool(self._running)

    def submit(self, fn: Callable[[], Any]) -> int:
        """Queue ``fn`` (no arguments) on the worker thread; returns its ticket."""
        self._ticket += 1
        self._running.add(self._ticket)
        self._idle.clear()
        self._queue.put((self._ticket, fn))
        return self._ticket

    def wait(self, timeout_ms: int = 30_000) -> bool:
        """Block until every queued job has run (for tests)."""
        return self._idle.wait(timeout_ms / 1000)

    def shutdown(self) -> None:
        """Stop taking jobs; a job still running is abandoned, not waited for."""
        self._closed = True
        self._queue.put(None)

    def _loop(self) -> None:
        carrier = self._carrier  # a Python reference keeps it alive while jobs run
        while True:
            item = self._queue.get()
            if item is None:
                return
            ticket, fn = item
            try:
                result = fn()
            except Exception as exc:  # reported to the GUI, never lost on a worker thread
                detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
                if not self._closed:
                    carrier.failed.emit(ticket, detail)
            else:
                if not self._closed:
                    carrier.finished.emit(ticket, result)
            if self._queue.empty():
                self._idle.set()

    def _on_finished(self, ticket: int, result: object) -> None:
        self._running.discard(ticket)
        self.finished.emit(ticket, result)

    def _on_failed(self, ticket: int, message: str) -> None:
        self._running.discard(ticket)
        self.failed.emit(ticket, message)
