"""Generate datasets off the GUI thread; stale or abandoned requests are simply dropped.

A plugin's generate() is arbitrary code that may be slow or hang, and Python
cannot kill a thread. Each request therefore runs in a daemon thread and
carries a ticket number; only the answer to the newest ticket is delivered,
so cancel(), choosing another dataset or closing the window "cancels" a
request by ignoring its result, and a hung plugin can never keep the process alive.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any

from PySide6.QtCore import QObject, Signal

GENERATE_TIMEOUT_S = 60.0


class DatasetLoader(QObject):
    """request() starts a generation; loaded(ticket, dataset) or failed(ticket, message) answer."""

    loaded = Signal(int, object)
    failed = Signal(int, str)
    busyChanged = Signal(bool)  # a request started, or ended (answered or cancelled)
    _finished = Signal(int, object, str)  # emitted from the worker thread, queued to ours

    def __init__(self, registry: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.registry = registry
        self.ticket = 0
        self.busy = False
        self._closed = False
        self._finished.connect(self._deliver)

    def request(self, dataset_id: str, params: dict[str, Any], seed: int) -> int:
        """Start generating; returns the ticket of this request (newer tickets win)."""
        self.ticket += 1
        ticket = self.ticket
        self._set_busy(True)
        thread = threading.Thread(
            target=self._run,
            args=(ticket, dataset_id, dict(params), int(seed)),
            name=f"microgui-dataset-{ticket}",
            daemon=True,
        )
        thread.start()
        return ticket

    def cancel(self) -> None:
        """Forget any request in flight; its result will be ignored."""
        self.ticket += 1
        self._set_busy(False)

    def close(self) -> None:
        """Stop delivering anything (the window is closing)."""
        self._closed = True
        self.cancel()

    def _set_busy(self, busy: bool) -> None:
        if busy != self.busy:
            self.busy = busy
            if not self._closed:
                self.busyChanged.emit(busy)

    def _run(self, ticket: int, dataset_id: str, params: dict[str, Any], seed: int) -> None:
        try:
            dataset = self.registry.generate(dataset_id, params, seed, timeout=GENERATE_TIMEOUT_S)
            error = ""
        except Exception as exc:  # every failure becomes a message for the user
            dataset, error = None, str(exc) or type(exc).__name__
        if self._closed:
            return
        # RuntimeError: the loader was deleted while the plugin ran (window closed).
        with contextlib.suppress(RuntimeError):
            self._finished.emit(ticket, dataset, error)

    def _deliver(self, ticket: int, dataset: object, error: str) -> None:
        if self._closed or ticket != self.ticket:
            return
        self._set_busy(False)
        if error:
            self.failed.emit(ticket, error)
        else:
            self.loaded.emit(ticket, dataset)
