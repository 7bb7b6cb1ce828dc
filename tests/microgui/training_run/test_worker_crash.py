"""An unexpected error inside the worker's loop (TrainingWorker._report_crash).

What the user gets: the run pauses, the app's exception handler (sys.excepthook,
microgui.desktop.error_handler in the app) receives the exception, a snapshot
says "ExcType: text", and the worker keeps serving commands, training on from the
weights it had. The fault is injected by making one Trainer.step raise; the engine
itself is the real one.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest
from test_worker import _config, leaves_the_process_alone, moons, worker
from window_fixtures import WAIT_MS
from worker_events import Relay

import microgui.training_run.worker as worker_module
from engine.train import Trainer
from microgui.training_run.dataset_trainer import trainer_for_dataset
from microgui.training_run.snapshot_builder import SnapshotBuilder
from microgui.training_run.worker import WorkerHandle

__all__ = ["moons", "worker"]  # fixtures of test_worker, used here by name


@pytest.fixture
def excepthook(monkeypatch):
    """What the app's exception handler receives: (type, exception, traceback) per call."""
    received: list[tuple] = []
    monkeypatch.setattr(sys, "excepthook", lambda *args: received.append(args))
    return received


def _fail_once_at(monkeypatch, steps_done: int, error: Exception) -> list[Exception]:
    """Trainer.step raises `error` once, when `steps_done` steps are done; [error] once raised."""
    real_step = Trainer.step
    raised: list[Exception] = []

    def step(self):
        if self.steps_done == steps_done and not raised:
            raised.append(error)
            raise error
        return real_step(self)

    monkeypatch.setattr(Trainer, "step", step)
    return raised


def _reference_weights(config, dataset, steps: int) -> dict[str, float]:
    """The weights of the same run trained straight for `steps` steps, no error on the way."""
    reference = trainer_for_dataset(config, dataset)
    for _ in range(steps):
        reference.step()
    return reference.parameter_values()


def _wait_for(qtbot, received, step: int, state: str, message: str = ""):
    qtbot.waitUntil(
        lambda: (
            bool(received)
            and (received[-1].step, received[-1].state, received[-1].message)
            == (step, state, message)
        ),
        timeout=WAIT_MS,
    )
    return received[-1]


def test_an_error_in_a_training_step_pauses_the_run_reports_it_and_training_goes_on(
    qtbot, worker, moons, monkeypatch, excepthook
):
    raised = _fail_once_at(monkeypatch, 4, RuntimeError("boom"))
    switch_interval = sys.getswitchinterval()
    w = worker.worker
    config = _config(steps=1_000_000)
    w.configure(config, moons)
    w.start()
    crashed = _wait_for(qtbot, worker.received, 4, "paused", "RuntimeError: boom")
    assert not w.running
    # The app's handler got the exception itself, with its traceback (for the log).
    assert len(excepthook) == 1
    exc_type, exc, tb = excepthook[0]
    assert exc_type is RuntimeError and exc is raised[0] and tb is not None
    # Paused for real: what training had changed is undone (the GIL's switch interval),
    # once: a later command leaves what the process set since alone.
    assert sys.getswitchinterval() == pytest.approx(switch_interval)
    leaves_the_process_alone(qtbot, w, "pause after a crash", w.pause)
    # Commands are handled between steps: the answer to this one would follow any step
    # a still-running loop took.
    count = len(worker.received)
    w.set_axes((0, 1))
    qtbot.waitUntil(lambda: len(worker.received) > count, timeout=WAIT_MS)
    assert (worker.received[-1].state, worker.received[-1].step) == ("paused", 4)
    # The worker serves on: Step takes step 5 from the weights of step 4, then Train goes on.
    w.step()
    stepped = _wait_for(qtbot, worker.received, 5, "paused")
    assert w.trainer.parameter_values() == _reference_weights(config, moons, 5)
    assert any(
        not np.array_equal(a, b)
        for (a, _), (b, _) in zip(crashed.weights, stepped.weights, strict=True)
    )
    w.start(until_step=8)
    _wait_for(qtbot, worker.received, 8, "paused")
    assert w.trainer.parameter_values() == _reference_weights(config, moons, 8)
    assert len(excepthook) == 1  # one error, reported once


def test_an_error_in_a_single_step_is_reported_even_before_the_last_snapshot_was_drawn(
    qtbot, moons, monkeypatch, excepthook
):
    # A GUI still drawing the last snapshot gets no ordinary new one; the error's is not
    # ordinary: it must arrive, or the window would never learn the step failed.
    _fail_once_at(monkeypatch, 0, ValueError("no good at step 0"))
    handle = WorkerHandle()
    relay = Relay(handle, acknowledge=False)
    try:
        config = _config(steps=50)
        handle.worker.configure(config, moons)
        _wait_for(qtbot, relay.received, 0, "idle")
        handle.worker.step()
        _wait_for(qtbot, relay.received, 0, "idle", "ValueError: no good at step 0")
        assert [e[0] for e in excepthook] == [ValueError]
        handle.worker.snapshot_consumed()
        handle.worker.step()  # the next step is step 0 again, as if the error never was
        _wait_for(qtbot, relay.received, 1, "paused")
        assert handle.worker.trainer.parameter_values() == _reference_weights(config, moons, 1)
    finally:
        assert handle.shutdown()


def test_an_error_before_there_is_a_model_is_reported_and_the_next_configure_works(
    qtbot, worker, moons, monkeypatch, excepthook
):
    real = worker_module.trainer_for_dataset
    calls = []

    def fails_the_first_time(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("could not build it")
        return real(*args, **kwargs)

    monkeypatch.setattr(worker_module, "trainer_for_dataset", fails_the_first_time)
    w = worker.worker
    w.configure(_config(), moons)
    qtbot.waitUntil(lambda: bool(excepthook), timeout=WAIT_MS)
    exc_type, exc, _tb = excepthook[0]
    assert (exc_type, str(exc)) == (RuntimeError, "could not build it")
    w.configure(_config(), moons)
    first = _wait_for(qtbot, worker.received, 0, "idle")
    # No model, so no snapshot for the error: the first one is the new model's.
    assert worker.received == [first] and len(calls) == 2
    w.step()
    _wait_for(qtbot, worker.received, 1, "paused")


def test_when_the_errors_own_snapshot_fails_too_the_worker_still_serves(
    qtbot, worker, moons, monkeypatch, excepthook
):
    # Reporting must never end the loop: a snapshot that fails while an error is being
    # reported (the model in a state the plots cannot draw) is dropped, not raised.
    _fail_once_at(monkeypatch, 2, RuntimeError("boom"))
    real_build = SnapshotBuilder.build

    def build(self, trainer, state, message=""):
        if message == "RuntimeError: boom":
            raise ValueError("cannot draw this")
        return real_build(self, trainer, state, message)

    monkeypatch.setattr(SnapshotBuilder, "build", build)
    w = worker.worker
    w.configure(_config(steps=1_000_000), moons)
    w.start()
    qtbot.waitUntil(lambda: bool(excepthook), timeout=WAIT_MS)
    w.step()
    _wait_for(qtbot, worker.received, 3, "paused")
    assert worker.thread.isRunning()
    assert [(t, str(e)) for t, e, _ in excepthook] == [(RuntimeError, "boom")]
