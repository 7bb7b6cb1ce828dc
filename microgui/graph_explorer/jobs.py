"""Run a Python function on a worker thread and get its result back on the GUI thread.

The explorer builds big graphs (forward, backward, layout) this way so the
GUI thread never walks 10,000 nodes. Results carry a ticket: a result for
an out-of-date request is simply ignored by the receiver.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

__all__ = ["JobRunner"]


class _Carrier(QObject):
    """Lives in the GUI thread; a signal emitted from the worker is queued to it."""

    finished = Signal(int, object)
    failed = Signal(int, str)


class _Job(QRunnable):
    def __init__(self, ticket: int, fn: Callable[[], Any], carrier: _Carrier) -> None:
        super().__init__()
        self.ticket = ticket
        self.fn = fn
        self.carrier = carrier  # a Python reference keeps it alive while the job runs

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # reported to the GUI, never lost on a worker thread
            detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            self.carrier.failed.emit(self.ticket, detail)
        else:
            self.carrier.finished.emit(self.ticket, result)


class JobRunner(QObject):
    """One worker thread; ``submit`` returns a ticket, results arrive as signals.

    ``finished(ticket, result)`` and ``failed(ticket, message)`` are emitted
    on the GUI thread.
    """

    finished = Signal(int, object)
    failed = Signal(int, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool()
        self._pool.setMaxThreadCount(1)  # jobs run in order; the newest result wins
        self._carrier = _Carrier()
        self._carrier.finished.connect(self._on_finished)
        self._carrier.failed.connect(self._on_failed)
        self._ticket = 0
        self._running: set[int] = set()

    @property
    def busy(self) -> bool:
        """True while a submitted job has not reported back."""
        return bool(self._running)

    def submit(self, fn: Callable[[], Any]) -> int:
        """Queue ``fn`` (no arguments) on the worker thread; returns its ticket."""
        self._ticket += 1
        self._running.add(self._ticket)
        self._pool.start(_Job(self._ticket, fn, self._carrier))
        return self._ticket

    def wait(self, timeout_ms: int = 30_000) -> bool:
        """Block until every job finished (for shutdown and tests)."""
        return self._pool.waitForDone(timeout_ms)

    def _on_finished(self, ticket: int, result: object) -> None:
        self._running.discard(ticket)
        self.finished.emit(ticket, result)

    def _on_failed(self, ticket: int, message: str) -> None:
        self._running.discard(ticket)
        self.failed.emit(ticket, message)
