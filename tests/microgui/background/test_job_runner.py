"""microgui.background.jobs.JobRunner: real daemon threads, results on the GUI thread, by policy.

Every wait is on state, never on time: qtbot.waitUntil where the GUI thread must run (it
starts a queued job when the previous one reports back), a threading.Event otherwise.
"""

from __future__ import annotations

import threading
import time

import pytest
import shiboken6
from PySide6.QtCore import QObject

from microgui.background.jobs import JobPolicy, JobRunner

WAIT_MS = 20_000
WAIT_S = WAIT_MS / 1000


class Recorder:
    """What a runner delivered, and in which thread."""

    def __init__(self, runner: JobRunner) -> None:
        self.finished: list[tuple[int, object]] = []
        self.failed: list[tuple[int, str]] = []
        self.busy: list[bool] = []
        self.threads: set[int] = set()
        runner.finished.connect(self._on_finished)
        runner.failed.connect(lambda t, m: self.failed.append((t, m)))
        runner.busyChanged.connect(self.busy.append)

    def _on_finished(self, ticket, result):
        self.threads.add(threading.get_ident())
        self.finished.append((ticket, result))


class Gate:
    """A job that reports when it starts and runs until released."""

    def __init__(self, result=None) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        self.result = result
        self.thread: threading.Thread | None = None

    def __call__(self):
        self.thread = threading.current_thread()
        self.started.set()
        assert self.release.wait(WAIT_S), "the test never released this job"
        return self.result


@pytest.fixture
def make_runner(qapp):
    runners = []

    def make(**kwargs) -> tuple[JobRunner, Recorder]:
        runner = JobRunner(**kwargs)
        runners.append(runner)
        return runner, Recorder(runner)

    yield make
    for runner in runners:
        if shiboken6.isValid(runner):
            runner.close()


def test_queue_runs_jobs_one_at_a_time_in_order_and_delivers_every_result(qtbot, make_runner):
    runner, seen = make_runner(policy=JobPolicy.QUEUE)
    gates = [Gate(result=f"r{k}") for k in range(3)]
    tickets = [runner.submit(g) for g in gates]
    assert tickets == [1, 2, 3] and runner.busy and seen.busy == [True]
    assert gates[0].started.wait(WAIT_S)
    assert not gates[1].started.is_set()  # the next one waits for the first
    assert gates[0].thread.daemon and gates[0].thread is not threading.main_thread()
    for k, gate in enumerate(gates):
        qtbot.waitUntil(gate.started.is_set, timeout=WAIT_MS)
        assert k == 2 or not gates[k + 1].started.is_set()
        gate.release.set()
        qtbot.waitUntil(lambda k=k: len(seen.finished) == k + 1, timeout=WAIT_MS)
    assert seen.finished == [(1, "r0"), (2, "r1"), (3, "r2")]
    assert seen.threads == {threading.get_ident()}  # answered on the GUI thread
    assert not runner.busy and seen.busy == [True, False]


def test_latest_replaces_the_waiting_job_and_delivers_only_the_newest(qtbot, make_runner):
    runner, seen = make_runner(policy=JobPolicy.LATEST)
    first, second, third = Gate("first"), Gate("second"), Gate("third")
    runner.submit(first)
    assert first.started.wait(WAIT_S)
    runner.submit(second)  # waits behind the running one ...
    newest = runner.submit(third)  # ... and is replaced before it starts
    first.release.set()
    qtbot.waitUntil(third.started.is_set, timeout=WAIT_MS)
    third.release.set()
    qtbot.waitUntil(lambda: bool(seen.finished), timeout=WAIT_MS)
    assert seen.finished == [(newest, "third")]  # the first's result was superseded
    assert not second.started.is_set()
    assert not runner.busy and seen.busy == [True, False]


def test_latest_keeps_its_minimum_interval_between_starts(qtbot, make_runner):
    runner, seen = make_runner(policy=JobPolicy.LATEST, min_interval_s=0.3)
    starts = []
    runner.submit(lambda: starts.append(time.monotonic()))
    qtbot.waitUntil(lambda: len(seen.finished) == 1, timeout=WAIT_MS)
    runner.submit(lambda: starts.append(time.monotonic()))
    qtbot.waitUntil(lambda: len(seen.finished) == 2, timeout=WAIT_MS)
    assert starts[1] - starts[0] >= 0.3 - 0.01  # a lower bound: a slow machine only adds to it


def test_abandon_starts_the_new_job_while_an_old_one_hangs(qtbot, make_runner):
    runner, seen = make_runner(policy=JobPolicy.ABANDON, name="microgui-test")
    hung, quick = Gate("old"), Gate("new")
    runner.submit(hung)
    assert hung.started.wait(WAIT_S)
    newest = runner.submit(quick)
    assert quick.started.wait(WAIT_S)  # did not wait for the hung job
    assert hung.thread.is_alive() and hung.thread.daemon and hung.thread.name == "microgui-test-1"
    quick.release.set()
    qtbot.waitUntil(lambda: bool(seen.finished), timeout=WAIT_MS)
    assert seen.finished == [(newest, "new")] and not runner.busy
    hung.release.set()  # the abandoned job ends at last ...
    hung.thread.join(WAIT_S)
    done = runner.submit(lambda: "after")
    qtbot.waitUntil(lambda: len(seen.finished) == 2, timeout=WAIT_MS)
    assert seen.finished[1] == (done, "after")  # ... and its result was dropped on the way


@pytest.mark.parametrize("policy", list(JobPolicy))
def test_a_failing_job_is_reported_in_one_line(qtbot, make_runner, policy):
    runner, seen = make_runner(policy=policy)

    def broken():
        raise ValueError("the weights do not fit")

    ticket = runner.submit(broken)
    qtbot.waitUntil(lambda: bool(seen.failed), timeout=WAIT_MS)
    assert seen.failed == [(ticket, "ValueError: the weights do not fit")]
    assert not runner.busy and not seen.finished
    custom, custom_seen = make_runner(policy=policy, describe_error=lambda exc: str(exc).upper())
    custom.submit(broken)
    qtbot.waitUntil(lambda: bool(custom_seen.failed), timeout=WAIT_MS)
    assert custom_seen.failed[0][1] == "THE WEIGHTS DO NOT FIT"


def test_cancel_drops_the_running_result_and_never_starts_the_waiting_job(qtbot, make_runner):
    runner, seen = make_runner(policy=JobPolicy.QUEUE)
    running, waiting = Gate("running"), Gate("waiting")
    runner.submit(running)
    runner.submit(waiting)
    assert running.started.wait(WAIT_S)
    runner.cancel()
    assert not runner.busy and seen.busy == [True, False]
    running.release.set()
    running.thread.join(WAIT_S)
    after = runner.submit(lambda: "after")  # the runner still works after a cancel
    qtbot.waitUntil(lambda: bool(seen.finished), timeout=WAIT_MS)
    assert seen.finished == [(after, "after")] and not waiting.started.is_set()


def test_close_never_waits_and_delivers_nothing_more(qtbot, make_runner):
    runner, seen = make_runner(policy=JobPolicy.ABANDON)
    hung = Gate("late")
    runner.submit(hung)
    assert hung.started.wait(WAIT_S)
    runner.close()  # returns at once although the job still runs
    assert hung.thread.is_alive() and not runner.busy
    assert seen.busy == [True]  # closing says nothing, not even busyChanged(False)
    never = Gate()
    runner.submit(never)  # a widget asking while it is torn down: the job never runs
    hung.release.set()
    hung.thread.join(WAIT_S)
    qtbot.wait(50)  # let a wrongly queued delivery arrive, if there were one
    assert not seen.finished and not never.started.is_set()


def test_a_job_outliving_its_runner_reports_to_nobody(qtbot, qapp):
    parent = QObject()
    runner = JobRunner(parent, policy=JobPolicy.QUEUE)
    job = Gate("orphan")
    runner.submit(job)
    assert job.started.wait(WAIT_S)
    shiboken6.delete(parent)  # the window is gone, with the runner's C++ object
    assert not shiboken6.isValid(runner)
    job.release.set()
    job.thread.join(WAIT_S)
    qtbot.wait(50)  # the report goes to the surviving carrier and no further: no crash
    assert not job.thread.is_alive()
