"""How the worker shares the machine while it trains: BLAS threads, the garbage
collector, and the speed limit, each set for the run and put back when it stops.

Checked on state (what threadpoolctl and gc report, which step a snapshot shows),
never on time.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
import time

import pytest
from test_worker import _config, moons
from threadpoolctl import threadpool_info
from window_fixtures import WAIT_MS
from worker_events import Relay, last_snapshot, running_from, worker

import microgui.training_run.worker as worker_module
from microgui.training_run.worker import WorkerHandle

__all__ = ["moons", "worker"]  # fixtures, used here by name


def _threads() -> dict[str, int]:
    """Threads per loaded thread pool library (BLAS, OpenMP, ...)."""
    return {f"{i['user_api']}:{i['filepath']}": i["num_threads"] for i in threadpool_info()}


@pytest.mark.parametrize(("cores", "blas_threads"), [(8, 7), (2, 1), (1, 1), (None, 1)])
def test_training_leaves_a_core_to_the_gui_and_gives_it_back(
    qtbot, worker, moons, monkeypatch, cores, blas_threads
):
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    before = _threads()
    assert any(name.startswith("blas:") for name in before)
    w = worker.worker
    w.configure(_config(steps=1_000_000), moons)
    w.start()
    last_snapshot(qtbot, worker, running_from(2))
    during = _threads()
    assert {n: t for n, t in during.items() if n.startswith("blas:")} == {
        n: blas_threads for n in before if n.startswith("blas:")
    }
    # Only BLAS: other thread pools (OpenMP) keep their threads.
    assert {n: t for n, t in during.items() if not n.startswith("blas:")} == {
        n: t for n, t in before.items() if not n.startswith("blas:")
    }
    w.pause()
    last_snapshot(qtbot, worker, lambda s: s.state == "paused")
    assert _threads() == before


def test_the_collector_is_off_while_training_and_back_after(qtbot, worker, moons):
    assert gc.isenabled()
    w = worker.worker
    w.configure(_config(steps=1_000_000), moons)
    w.start()
    last_snapshot(qtbot, worker, running_from(2))
    assert not gc.isenabled()  # young generations only, collected between steps
    w.pause()
    last_snapshot(qtbot, worker, lambda s: s.state == "paused")
    assert gc.isenabled()


def test_closing_the_worker_mid_run_puts_everything_back(qtbot, moons):
    switch_interval, threads = sys.getswitchinterval(), _threads()
    handle = WorkerHandle()
    relay = Relay(handle)
    handle.worker.configure(_config(steps=1_000_000), moons)
    handle.worker.start()
    qtbot.waitUntil(
        lambda: bool(relay.received) and running_from(2)(relay.received[-1]), timeout=WAIT_MS
    )
    assert handle.shutdown()  # the window closing while the run goes on
    assert not handle.thread.isRunning()
    assert gc.isenabled() and _threads() == threads
    assert sys.getswitchinterval() == pytest.approx(switch_interval)


def test_a_speed_limit_holds_the_next_step_until_it_is_due(qtbot, worker, moons):
    w = worker.worker

    def answer_to_a_command():
        # Commands are answered at once, also while the run waits for its next step.
        count = len(worker.received)
        w.set_axes((0, 1))
        qtbot.waitUntil(lambda: len(worker.received) > count, timeout=WAIT_MS)
        return worker.received[-1].state, worker.received[-1].step

    w.set_speed(0.001)  # one step per 1000 s: the first at once, the next long after the test
    w.configure(_config(steps=1_000_000), moons)
    w.start()
    last_snapshot(qtbot, worker, lambda s: s.state == "running")
    # The first step's own snapshot is held back (the start's was just sent): read the trainer.
    qtbot.waitUntil(lambda: w.trainer.steps_done == 1, timeout=WAIT_MS)
    assert [answer_to_a_command() for _ in range(3)] == [("running", 1)] * 3
    # No limit again (0, or a negative rate): the run goes on at full speed.
    w.set_speed(-5.0)
    last_snapshot(qtbot, worker, running_from(60))
    w.pause()
    last_snapshot(qtbot, worker, lambda s: s.state == "paused")


def test_a_second_worker_leaves_a_core_too_after_the_first_one_trained(qtbot, moons, monkeypatch):
    # Two windows' workers, one after the other (each its own QThread, both alive):
    # OpenBLAS takes its limit from one thread at a time, and the first worker must let
    # go of it when its run stops, or the second trains on every core.
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    before = _threads()
    handles = [WorkerHandle(), WorkerHandle()]
    relays = [Relay(handle) for handle in handles]
    try:
        for handle, relay in zip(handles, relays, strict=True):
            handle.worker.configure(_config(steps=1_000_000), moons)
            handle.worker.start()
            qtbot.waitUntil(
                lambda r=relay: bool(r.received) and running_from(2)(r.received[-1]),
                timeout=WAIT_MS,
            )
            during = _threads()
            assert [t for n, t in during.items() if n.startswith("blas:")] == [7] * sum(
                n.startswith("blas:") for n in before
            )
            handle.worker.pause()
            qtbot.waitUntil(lambda r=relay: r.received[-1].state == "paused", timeout=WAIT_MS)
            assert _threads() == before
    finally:
        for handle in handles:
            assert handle.shutdown()


def test_no_collection_runs_while_a_model_is_built_and_the_collector_is_back_after(
    qtbot, worker, moons, monkeypatch
):
    # A collection in the worker thread could free the GUI's Qt wrappers there (an abort
    # under "Garbage-collecting"): none may start while the Trainer is built.
    enabled_while_building = []
    build = worker_module.trainer_for_dataset

    def recording_build(*args, **kwargs):
        enabled_while_building.append(gc.isenabled())
        return build(*args, **kwargs)

    monkeypatch.setattr(worker_module, "trainer_for_dataset", recording_build)
    w = worker.worker
    w.configure(_config(), moons)
    last_snapshot(qtbot, worker, lambda s: s.state == "idle")
    assert enabled_while_building == [False] and gc.isenabled()
    gc.disable()  # an app that manages collections itself: left as it was
    try:
        w.configure(_config(lr=0.05), moons)
        qtbot.waitUntil(lambda: len(worker.received) == 2, timeout=WAIT_MS)
        assert enabled_while_building == [False, False] and not gc.isenabled()
    finally:
        gc.enable()


@pytest.fixture
def collections(monkeypatch) -> list[int]:
    """The generations the worker's thread collects (gc.collect called off the GUI thread)."""
    generations = []
    real_collect = gc.collect
    gui = threading.get_ident()

    def recording_collect(generation=2):
        if threading.get_ident() != gui:
            generations.append(generation)
        return real_collect(generation)

    monkeypatch.setattr(gc, "collect", recording_collect)
    return generations


def test_between_steps_of_a_run_only_the_young_garbage_is_collected(
    qtbot, worker, moons, monkeypatch, collections
):
    monkeypatch.setattr(worker_module, "GC_INTERVAL_S", -1.0)  # at every step, for the test
    w = worker.worker
    w.configure(_config(steps=1_000_000), moons)
    for step in (1, 2):  # single steps: not a run, nothing collected
        w.step()
        last_snapshot(qtbot, worker, lambda s, step=step: s.step == step and s.state == "paused")
    assert collections == []
    w.start()
    qtbot.waitUntil(lambda: len(collections) >= 11, timeout=WAIT_MS)
    w.pause()
    last_snapshot(qtbot, worker, lambda s: s.state == "paused")
    # The youngest generation each time, the next one every tenth time.
    assert collections[:11] == [0] * 9 + [1, 0]


def test_a_fast_speed_limit_does_not_hold_each_step_for_a_second(qtbot, worker, moons):
    w = worker.worker
    w.set_speed(2000.0)  # a step every half millisecond at most
    w.configure(_config(steps=1_000_000), moons)
    w.start()
    last_snapshot(qtbot, worker, running_from(60))  # at a step a second this would take a minute
    w.pause()
    last_snapshot(qtbot, worker, lambda s: s.state == "paused")


def test_a_run_shorter_than_the_collection_interval_collects_nothing(
    qtbot, worker, moons, monkeypatch, collections
):
    # An interval as long as the machine has been up (perf_counter's origin is the boot):
    # no run in this test comes near it.
    monkeypatch.setattr(worker_module, "GC_INTERVAL_S", time.perf_counter())
    w = worker.worker
    w.configure(_config(steps=1_000_000), moons)
    w.start()
    last_snapshot(qtbot, worker, running_from(30))
    w.pause()
    last_snapshot(qtbot, worker, lambda s: s.state == "paused")
    assert collections == []


def test_with_an_interval_longer_than_the_run_only_the_answers_are_sent(
    qtbot, worker, moons, monkeypatch
):
    # At most one ordinary snapshot per interval: with an interval as long as the machine
    # has been up, a run sends none, only the answers to configure, start and pause.
    monkeypatch.setattr(worker_module, "SNAPSHOT_INTERVAL_S", time.perf_counter())
    w = worker.worker
    w.configure(_config(steps=1_000_000), moons)
    w.start()
    qtbot.waitUntil(lambda: w.trainer is not None and w.trainer.steps_done >= 30, timeout=WAIT_MS)
    w.pause()
    last_snapshot(qtbot, worker, lambda s: s.state == "paused")
    assert [s.state for s in worker.received] == ["idle", "running", "paused"]


class _Clock:
    """The worker's time module: the real clock, and its sleeps recorded (not slept)."""

    def __init__(self) -> None:
        self.perf_counter = time.perf_counter
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


def test_the_gui_gets_its_turn_after_each_snapshot_of_a_run_only(qtbot, worker, moons, monkeypatch):
    clock = _Clock()
    monkeypatch.setattr(worker_module, "time", clock)
    w = worker.worker
    w.configure(_config(steps=1_000_000), moons)
    w.step()
    last_snapshot(qtbot, worker, lambda s: s.step == 1)
    assert clock.slept == []  # paused: nothing to leave the GIL to
    w.start()
    last_snapshot(qtbot, worker, running_from(3))
    w.pause()
    last_snapshot(qtbot, worker, lambda s: s.state == "paused")
    running = sum(s.state == "running" for s in worker.received)
    assert clock.slept == [worker_module.GUI_TURN_S] * running
    # No turn at all when it is set to 0.
    monkeypatch.setattr(worker_module, "GUI_TURN_S", 0.0)
    clock.slept.clear()
    w.start()
    last_snapshot(qtbot, worker, running_from(6))
    w.pause()
    last_snapshot(qtbot, worker, lambda s: s.state == "paused")
    assert clock.slept == []


def test_a_speed_limit_never_delays_the_first_step(qtbot, worker, moons):
    # One step per "as long as the machine has been up": the first still comes at once
    # (the next would be due long after the test).
    w = worker.worker
    w.set_speed(1.0 / time.perf_counter())
    w.configure(_config(steps=1_000_000), moons)
    w.start()
    qtbot.waitUntil(lambda: w.trainer is not None and w.trainer.steps_done == 1, timeout=WAIT_MS)
    w.pause()
    paused = last_snapshot(qtbot, worker, lambda s: s.state == "paused")
    assert paused.step == 1
