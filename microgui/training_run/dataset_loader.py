"""Generate datasets off the GUI thread; stale or abandoned requests are simply dropped.

A plugin's generate() is arbitrary code that may be slow or hang, and Python
cannot kill a thread. Each request therefore runs in a daemon thread and
carries a ticket number; only the answer to the newest ticket is delivered,
so cancel(), choosing another dataset or closing the window "cancels" a
request by ignoring its result, and a hung plugin can never keep the process
alive. microgui.background.jobs does the threads and tickets (its ABANDON
policy); this class binds it to the plugin registry.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from microgui.background.jobs import JobPolicy, JobRunner

GENERATE_TIMEOUT_S = 60.0


def _message(exc: Exception) -> str:
    return str(exc) or type(exc).__name__  # every failure becomes a message for the user


class DatasetLoader(QObject):
    """request() starts a generation; loaded(ticket, dataset) or failed(ticket, message) answer."""

    loaded = Signal(int, object)
    failed = Signal(int, str)
    busyChanged = Signal(bool)  # a request started, or ended (answered or cancelled)

    def __init__(self, registry: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.registry = registry
        self.jobs = JobRunner(
            self, policy=JobPolicy.ABANDON, name="microgui-dataset", describe_error=_message
        )
        self.jobs.finished.connect(self.loaded)
        self.jobs.failed.connect(self.failed)
        self.jobs.busyChanged.connect(self.busyChanged)

    @property
    def busy(self) -> bool:
        """True from a request until its answer, a cancel() or a newer request's answer."""
        return self.jobs.busy

    @property
    def ticket(self) -> int:
        """The newest request's ticket."""
        return self.jobs.ticket

    def request(self, dataset_id: str, params: dict[str, Any], seed: int) -> int:
        """Start generating; returns the ticket of this request (newer tickets win)."""
        registry, params, seed = self.registry, dict(params), int(seed)
        return self.jobs.submit(
            lambda: registry.generate(dataset_id, params, seed, timeout=GENERATE_TIMEOUT_S)
        )

    def cancel(self) -> None:
        """Forget any request in flight; its result will be ignored."""
        self.jobs.cancel()

    def close(self) -> None:
        """Stop delivering anything (the window is closing)."""
        self.jobs.close()
