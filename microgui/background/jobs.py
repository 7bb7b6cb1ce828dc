"""Run functions on daemon threads and get their results back on the GUI thread.

Every job runs on a daemon thread of its own and carries a ticket (1, 2, 3,
...). Its result, or a one-line message if it raised, comes back on the GUI
thread as ``finished(ticket, result)`` or ``failed(ticket, message)``. Python
cannot stop a thread, so a job is never waited for: ``cancel()`` and
``close()`` *abandon* jobs (their results are dropped when they end), and the
threads being daemons, a job that never ends cannot keep the process alive.

When jobs run, and which results are delivered, is the runner's policy:

* ``QUEUE``: one job at a time, in the order submitted; every result is
  delivered (the graph explorer: a build, then a gradient check, then a
  collapse, each shown).
* ``LATEST``: one job at a time, at most one every ``min_interval_s``; a job
  submitted while another runs waits, replacing any job already waiting,
  and only the newest ticket's result is delivered (the network picture: a
  burst of snapshots costs one more render, not a queue).
* ``ABANDON``: each job starts at once, even while an older one still runs,
  and only the newest ticket's result is delivered (dataset generation: a
  plugin that hangs must not hold up the next dataset).

Scheduling happens on the GUI thread (the runner's thread); a job's thread
only runs the function and reports back through a parentless carrier
object, which the thread keeps alive, so a report can never reach a deleted
Qt object when the window closes first.
"""

from __future__ import annotations

import contextlib
import enum
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

__all__ = ["JobPolicy", "JobRunner", "exception_line"]


class JobPolicy(enum.Enum):
    """When jobs start and which results are delivered (see the module docstring)."""

    QUEUE = "queue"
    LATEST = "latest"
    ABANDON = "abandon"


def exception_line(exc: BaseException) -> str:
    """``"ValueError: the message"``: the default one-line report of a failed job."""
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()


class _Carrier(QObject):
    """Lives in the GUI thread; its signal, emitted from a job's thread, is queued to it."""

    done = Signal(int, bool, object)  # ticket, succeeded, result or message


class JobRunner(QObject):
    """``submit(fn)`` returns a ticket; ``finished`` / ``failed`` answer on the GUI thread.

    ``busy`` is True while a job whose result will be delivered has not
    answered; ``busyChanged(bool)`` says when that changes.
    """

    finished = Signal(int, object)
    failed = Signal(int, str)
    busyChanged = Signal(bool)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        policy: JobPolicy = JobPolicy.QUEUE,
        name: str = "microgui-job",
        min_interval_s: float = 0.0,
        describe_error: Callable[[Exception], str] = exception_line,
    ) -> None:
        super().__init__(parent)
        self.policy = policy
        self.name = name
        self.min_interval_s = min_interval_s
        self.describe_error = describe_error
        self.ticket = 0  # the newest ticket handed out
        self._waiting: set[int] = set()  # tickets whose results will be delivered
        self._busy_shown = False  # what busyChanged said last
        self._queue: deque[tuple[int, Callable[[], Any]]] = deque()  # not started yet
        self._running = False  # a QUEUE or LATEST job's thread has not reported back
        self._last_start = -float("inf")
        self._closed = False
        self._carrier = _Carrier()  # no parent: job threads keep it alive (see _run)
        self._carrier.done.connect(self._on_done)
        self._pace = QTimer(self)
        self._pace.setSingleShot(True)
        self._pace.timeout.connect(self._start_next)

    @property
    def busy(self) -> bool:
        """True while a job whose result will be delivered has not answered."""
        return bool(self._waiting)

    def submit(self, fn: Callable[[], Any]) -> int:
        """Run ``fn()`` on a daemon thread as the policy says; returns the job's ticket.

        After ``close()`` the job never runs (a widget may still ask while it is torn down).
        """
        self.ticket += 1
        ticket = self.ticket
        if self._closed:
            return ticket
        if self.policy is JobPolicy.QUEUE:
            self._waiting.add(ticket)
        else:  # only the newest result is wanted
            self._waiting = {ticket}
        self._update_busy()
        if self.policy is JobPolicy.ABANDON:
            self._start(ticket, fn)
            return ticket
        if self.policy is JobPolicy.LATEST:
            self._queue.clear()  # a job still waiting to start is replaced
        self._queue.append((ticket, fn))
        if not self._running and not self._pace.isActive():
            self._start_next()
        return ticket

    def cancel(self) -> None:
        """Forget every job: those not started never start, the others' results are dropped."""
        self._queue.clear()
        self._pace.stop()
        self._waiting.clear()
        self._update_busy()

    def close(self) -> None:
        """Cancel everything and deliver nothing any more (the window is closing). Never waits."""
        self._closed = True  # first: closing emits nothing, not even busyChanged(False)
        self.cancel()

    # ------------------------------------------------------------------ GUI thread

    def _update_busy(self) -> None:
        busy = self.busy
        if busy != self._busy_shown:
            self._busy_shown = busy
            if not self._closed:
                self.busyChanged.emit(busy)

    def _start_next(self) -> None:
        if self._running or not self._queue or self._closed:
            return
        rest = self.min_interval_s - (time.monotonic() - self._last_start)
        if rest > 0:  # LATEST's pace: leave the CPU (and the GIL) to training in between
            self._pace.start(max(1, round(rest * 1000)))
            return
        ticket, fn = self._queue.popleft()
        self._running = True
        self._start(ticket, fn)

    def _start(self, ticket: int, fn: Callable[[], Any]) -> None:
        self._last_start = time.monotonic()
        thread = threading.Thread(
            target=self._run, args=(ticket, fn, self._carrier), name=f"{self.name}-{ticket}"
        )
        thread.daemon = True
        thread.start()

    def _on_done(self, ticket: int, succeeded: bool, payload: object) -> None:
        if self.policy is not JobPolicy.ABANDON:
            self._running = False
            self._start_next()
        if self._closed or ticket not in self._waiting:
            return  # cancelled, superseded or closed: abandoned
        self._waiting.discard(ticket)
        self._update_busy()
        if succeeded:
            self.finished.emit(ticket, payload)
        else:
            self.failed.emit(ticket, str(payload))

    # ------------------------------------------------------------------ job thread

    def _run(self, ticket: int, fn: Callable[[], Any], carrier: _Carrier) -> None:
        # `carrier` is a reference of this thread's own: it outlives the runner if need be.
        try:
            result = fn()
        except Exception as exc:  # reported to the GUI, never lost on a worker thread
            succeeded, payload = False, self._describe(exc)
        else:
            succeeded, payload = True, result
        if self._closed:
            return
        # RuntimeError: the runner and its carrier are gone (the app is exiting).
        with contextlib.suppress(RuntimeError):
            carrier.done.emit(ticket, succeeded, payload)

    def _describe(self, exc: Exception) -> str:
        try:
            return self.describe_error(exc)
        except Exception:  # a broken describe_error must not lose the report
            return exception_line(exc)
