"""stop() still writes the files asked for before it, and drops everything else queued.

The window stops the worker when it closes (its close button, Ctrl-C, SIGTERM).
A session save or model export the user asked for just before must reach the
disk: stop() used to end the loop at once, and the queued save was silently
lost (seen on SIGTERM right after Save Session). Commands other than file
writes queued before stop() are dropped: no training step follows a stop.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from window_fixtures import WAIT_MS

from engine.config import TrainConfig
from engine.modelio import load_model_file
from engine.session import read_session
from microgui.training_run.worker import (
    WorkerHandle,
    stopping_workers,
    wait_for_stopping_workers,
)


def _held_in_a_step(qtbot, moons, step: int = 2):
    """A worker whose loop is held inside `step` until `release` is set; the snapshots
    it sent, recorded in the worker thread (a direct connection)."""
    handle = WorkerHandle()
    worker = handle.worker
    snapshots = []
    holding, release = threading.Event(), threading.Event()

    def hold_the_loop(snapshot) -> None:
        snapshots.append(snapshot)
        if snapshot.state == "running" and snapshot.step >= step and not holding.is_set():
            holding.set()
            release.wait(WAIT_MS / 1000)
        worker.snapshot_consumed()

    worker.snapshotReady.connect(hold_the_loop, Qt.ConnectionType.DirectConnection)
    config = TrainConfig.from_dict({"dataset": "moons", "layers": [4], "steps": 1_000_000})
    worker.configure(config, moons)
    worker.start()
    qtbot.waitUntil(holding.is_set, timeout=WAIT_MS)
    return handle, release, snapshots


def test_a_save_and_an_export_queued_just_before_stop_are_written(qtbot, registry, tmp_path):
    moons = registry.generate("moons", {"n_samples": 40}, seed=3)
    handle, release, snapshots = _held_in_a_step(qtbot, moons, step=3)
    worker = handle.worker
    # The loop is inside a step: these four arrive together, in this order.
    worker.save_session(str(tmp_path / "run.json"), {})
    worker.export_model(str(tmp_path / "model.json"))
    worker.step()  # dropped: no step after stop
    worker.stop()
    steps_when_stopped = snapshots[-1].step
    release.set()
    assert handle.thread.wait(WAIT_MS)

    session = read_session(tmp_path / "run.json")  # refuses a cut or corrupt file
    model = load_model_file(tmp_path / "model.json")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json", "run.json"]
    # Both hold the weights of the step the loop was in; the queued step() was dropped.
    assert session.steps_done == steps_when_stopped
    assert max(s.step for s in snapshots) == steps_when_stopped
    weights = {name: p.data for name, p in model.model.named_parameters()}
    assert weights == session.trainer_state["parameters"]


def test_a_worker_that_outlives_the_shutdown_wait_is_kept_until_its_files_are_written(
    qtbot, registry, tmp_path
):
    # The window waits 2 s when it closes; a long step, or a big save behind it, takes
    # longer. The thread then runs on (Qt aborts if a running QThread is destroyed), held
    # by stopping_workers(), and the program waits for it before it exits.
    moons = registry.generate("moons", {"n_samples": 40}, seed=3)
    handle, release, _ = _held_in_a_step(qtbot, moons)
    path = str(tmp_path / "run.json")
    try:
        handle.worker.save_session(path, {})
        assert handle.worker.pending_writes == (path,)
        assert not handle.shutdown(timeout_ms=50)  # still inside the step
        assert stopping_workers() == [handle]
        assert not wait_for_stopping_workers(0.2)  # still held: the wait gives up in time
        assert handle.thread.isRunning() and not (tmp_path / "run.json").exists()
        release.set()
        assert wait_for_stopping_workers(WAIT_MS / 1000)
        assert not handle.thread.isRunning()
        assert stopping_workers() == [] and handle.worker.pending_writes == ()
    finally:
        release.set()
        assert handle.shutdown()  # a failed assertion must not leave the thread running
    assert read_session(path).steps_done >= 2  # written whole after the step


def test_a_failed_write_is_no_longer_pending(qtbot, registry, tmp_path):
    moons = registry.generate("moons", {"n_samples": 40}, seed=3)
    handle, release, _ = _held_in_a_step(qtbot, moons)
    try:
        missing = str(tmp_path / "no such folder" / "m.json")
        handle.worker.export_model(missing)
        assert handle.worker.pending_writes == (missing,)
        release.set()
        qtbot.waitUntil(lambda: handle.worker.pending_writes == (), timeout=WAIT_MS)
    finally:
        release.set()
        assert handle.shutdown()
    assert stopping_workers() == []
