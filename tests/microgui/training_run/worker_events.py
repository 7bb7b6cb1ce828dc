"""The worker as the window sees it, for the worker's tests: its signals received on
the GUI thread in their order, and waits on that state (never on time).

A plain Python callable connected to a signal of an object living in the worker
thread would run in the worker thread; the relay is a QObject of the GUI thread
with real slots, as the window's receivers are.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QObject, Signal, Slot
from window_fixtures import WAIT_MS

from microgui.training_run.snapshot import TrainingSnapshot
from microgui.training_run.worker import WorkerHandle

__all__ = [
    "Relay",
    "answer_to",
    "at",
    "described",
    "last_snapshot",
    "relayed_handle",
    "running_from",
    "trained",
    "until_file_done",
    "worker",
]


class Relay(QObject):
    """Every signal of the worker as a tuple, in the order the GUI thread receives them:

    ("snapshot", snapshot), ("configured", data), ("modelOpened", path, config),
    ("fileDone", kind, path, error), ("configFailed", field, message).
    `received` holds the snapshots alone, drawn (acknowledged) at once unless
    `acknowledge` is False; `threads`, the threads the signals were received on.

    One class, no subclasses: PySide6 (6.11) calls a slot that a subclass overrides,
    or a method whose __name__ is not its attribute's, in the emitting thread, not
    in the receiver's (a relay subclass once saw snapshots before the `configured`
    sent ahead of them).
    """

    configFailed = Signal(str, str)

    def __init__(self, handle: WorkerHandle, acknowledge: bool = True) -> None:
        super().__init__()
        self.handle = handle
        self.acknowledge = acknowledge
        self.received: list[TrainingSnapshot] = []
        self.events: list[tuple] = []
        self.threads: set[int] = set()
        worker = handle.worker
        worker.snapshotReady.connect(self.on_snapshot)
        worker.configFailed.connect(self.on_config_failed)
        worker.configured.connect(self.on_configured)
        worker.modelOpened.connect(self.on_model_opened)
        worker.fileDone.connect(self.on_file_done)

    def _record(self, *event: Any) -> None:
        self.threads.add(threading.get_ident())
        self.events.append(event)

    @Slot(object)
    def on_snapshot(self, snapshot) -> None:
        self._record("snapshot", snapshot)
        self.received.append(snapshot)
        if self.acknowledge:
            self.handle.worker.snapshot_consumed()

    @Slot(str, str)
    def on_config_failed(self, field: str, message: str) -> None:
        self._record("configFailed", field, message)
        self.configFailed.emit(field, message)

    @Slot(object)
    def on_configured(self, data) -> None:
        self._record("configured", data)

    @Slot(str, object)
    def on_model_opened(self, path, config) -> None:
        self._record("modelOpened", path, config)

    @Slot(str, str, str)
    def on_file_done(self, kind, path, error) -> None:
        self._record("fileDone", kind, path, error)

    def answers(self) -> list[tuple]:
        """The events that are not snapshots."""
        return [event for event in self.events if event[0] != "snapshot"]

    def after_last(self, kind: str) -> list[tuple]:
        """The events from the last one of `kind` on."""
        starts = [i for i, event in enumerate(self.events) if event[0] == kind]
        return self.events[starts[-1] :] if starts else []


def described(events: list[tuple]) -> str:
    """Events in a line each, a snapshot as its step and state: for a failed assertion."""
    return "\n".join(
        f"snapshot {event[1].step} {event[1].state}" if event[0] == "snapshot" else repr(event)
        for event in events
    )


def relayed_handle(acknowledge: bool = True) -> WorkerHandle:
    """A started worker whose signals a Relay records (handle.relay, handle.received)."""
    handle = WorkerHandle()
    handle.relay = Relay(handle, acknowledge)
    handle.received = handle.relay.received
    return handle


@pytest.fixture
def worker(qtbot):
    """A started worker with a Relay; shut down (and checked so) after the test."""
    handle = relayed_handle()
    yield handle
    assert handle.shutdown()
    assert not handle.thread.isRunning()


def last_snapshot(qtbot, handle, condition: Callable[[TrainingSnapshot], bool]):
    """Wait until the last snapshot received meets `condition`; return it."""
    qtbot.waitUntil(
        lambda: bool(handle.received) and condition(handle.received[-1]), timeout=WAIT_MS
    )
    return handle.received[-1]


def at(step: int, state: str) -> Callable[[TrainingSnapshot], bool]:
    """A snapshot of `step` in `state` (e.g. 5, "paused")."""
    return lambda snapshot: (snapshot.step, snapshot.state) == (step, state)


def running_from(step: int) -> Callable[[TrainingSnapshot], bool]:
    """A snapshot of a run going on, at `step` or later."""
    return lambda snapshot: snapshot.state == "running" and snapshot.step >= step


def trained(qtbot, handle, dataset, config, steps: int) -> dict[str, float]:
    """Train `config` for `steps` steps (fewer than its own) and pause; the weights then."""
    handle.worker.configure(config, dataset)
    handle.worker.start(until_step=steps)
    last_snapshot(qtbot, handle, at(steps, "paused"))
    return handle.worker.trainer.parameter_values()


def until_file_done(qtbot, handle, command: Callable[[], None]) -> list[tuple]:
    """Run `command`; the events from then until its fileDone (included)."""
    count = len(handle.relay.events)
    command()
    qtbot.waitUntil(
        lambda: any(event[0] == "fileDone" for event in handle.relay.events[count:]),
        timeout=WAIT_MS,
    )
    return handle.relay.events[count:]


def answer_to(qtbot, handle, command: Callable[[], None]) -> tuple:
    """Run `command`; the first event after it that is not a snapshot."""
    count = len(handle.relay.answers())
    command()
    qtbot.waitUntil(lambda: len(handle.relay.answers()) > count, timeout=WAIT_MS)
    return handle.relay.answers()[count]
