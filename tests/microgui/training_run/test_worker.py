"""The training worker on its own: protocol, snapshots, throttling, thread and GIL settings."""

from __future__ import annotations

import sys
import threading

import numpy as np
import pytest
from window_fixtures import WAIT_MS
from worker_events import Relay, at, last_snapshot, running_from, until_file_done, worker

from engine.config import TrainConfig
from engine.fast import mlp_forward_numpy
from engine.value import Value
from microgui.training_run.boundary_compute import compute_boundary, neuron_maps
from microgui.training_run.snapshot_builder import thin_indices
from microgui.training_run.worker import TRAINING_SWITCH_INTERVAL_S, WorkerHandle

__all__ = ["worker"]  # a fixture of worker_events, used here by name


@pytest.fixture(scope="module")
def moons(registry):
    return registry.generate("moons", {"n_samples": 40}, seed=3)


def _config(**changes):
    values = {"dataset": "moons", "layers": [4, 4], "steps": 300, "lr": 0.1}
    values.update(changes)
    return TrainConfig.from_dict(values)


def _walk(value, seen=None):
    """Every object reachable through containers and dataclass fields of a snapshot."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return
    seen.add(id(value))
    yield value
    children = ()
    if isinstance(value, dict):
        children = list(value.values())
    elif isinstance(value, (list, tuple)):
        children = value
    elif hasattr(value, "__dataclass_fields__"):
        children = [getattr(value, f) for f in value.__dataclass_fields__]
    for child in children:
        yield from _walk(child, seen)


def _start_long_run(qtbot, worker, moons, min_step=2):
    """Start a run that cannot end while the test watches; return once it took steps.

    Pausing before the first step reports "idle", not "paused": wait for steps.
    """
    worker.worker.configure(_config(steps=1_000_000), moons)
    worker.worker.start()
    last_snapshot(qtbot, worker, running_from(min_step))


def test_exact_steps_and_plain_data_snapshots(qtbot, worker, moons):
    w = worker.worker
    w.configure(_config(), moons)
    w.start(until_step=25)
    qtbot.waitUntil(
        lambda: (
            bool(worker.received)
            and worker.received[-1].step == 25
            and worker.received[-1].state == "paused"
        ),
        timeout=WAIT_MS,
    )
    snap = worker.received[-1]
    assert len(snap.history["step"]) == 25
    objects = list(_walk(snap))
    assert not any(isinstance(o, Value) for o in objects), "a live Value reached the GUI"
    arrays = [o for o in objects if isinstance(o, np.ndarray)]
    assert arrays and all(a.base is None or isinstance(a.base, np.ndarray) for a in arrays)
    assert snap.nodes_per_step > 0 and snap.seconds_per_step > 0
    assert (snap.task, snap.loss, snap.activation) == ("binary", "hinge", "relu")
    # Step once more: exactly one.
    w.step()
    qtbot.waitUntil(lambda: worker.received[-1].step == 26, timeout=WAIT_MS)
    assert worker.relay.threads == {threading.main_thread().ident}  # drawn on the GUI thread


def test_step_during_training_pauses_the_run(qtbot, worker, moons):
    w = worker.worker
    _start_long_run(qtbot, worker, moons, min_step=3)
    w.step()
    qtbot.waitUntil(lambda: worker.received[-1].state == "paused", timeout=WAIT_MS)
    paused = worker.received[-1]
    count = len(worker.received)
    # Commands are handled in order, between steps: the answer to this one follows any
    # step a still-running loop would take, so its state shows whether the run stopped.
    w.set_axes((0, 1))
    qtbot.waitUntil(lambda: len(worker.received) > count, timeout=WAIT_MS)
    after = worker.received[-1]
    assert (after.state, after.step) == ("paused", paused.step)
    assert not w.running


def test_reset_during_training_stops_at_step_0_with_new_weights(qtbot, worker, moons):
    w = worker.worker
    _start_long_run(qtbot, worker, moons, min_step=3)
    trained = worker.received[-1]
    w.reset(init_seed=5)
    qtbot.waitUntil(lambda: worker.received[-1].step == 0, timeout=WAIT_MS)
    reset = worker.received[-1]
    assert reset.state == "idle" and len(reset.history["step"]) == 0
    assert any(
        not np.array_equal(a, b)
        for (a, _), (b, _) in zip(trained.weights, reset.weights, strict=True)
    )
    count = len(worker.received)
    w.set_axes((0, 1))  # answered after any step a still-running loop would take
    qtbot.waitUntil(lambda: len(worker.received) > count, timeout=WAIT_MS)
    assert (worker.received[-1].state, worker.received[-1].step) == ("idle", 0)


def test_train_after_the_run_finished_answers_at_once_with_finished(qtbot, worker, moons):
    # The window waits for an answer to Train; a finished run must give one every time.
    w = worker.worker
    w.configure(_config(steps=5), moons)
    w.start()
    qtbot.waitUntil(
        lambda: bool(worker.received) and worker.received[-1].state == "finished",
        timeout=WAIT_MS,
    )
    count = len(worker.received)
    w.start()
    w.start()  # at once: neither the snapshot rate limit nor the last's receipt may drop it
    qtbot.waitUntil(lambda: len(worker.received) >= count + 2, timeout=WAIT_MS)
    answers = worker.received[count:]
    assert [(a.state, a.step, a.message) for a in answers] == [
        ("finished", 5, "finished 5 steps")
    ] * 2
    assert not w.running


def test_a_speed_limit_paces_the_run_from_its_first_step(qtbot, worker, moons):
    w = worker.worker
    w.set_speed(200.0)
    _start_long_run(qtbot, worker, moons, min_step=3)
    assert worker.received[-1].message == ""


def test_states_before_the_first_step_and_right_after_start(qtbot, worker, moons):
    w = worker.worker
    w.configure(_config(steps=1_000_000), moons)
    qtbot.waitUntil(lambda: bool(worker.received), timeout=WAIT_MS)
    w.pause()  # nothing trained yet: "idle", not "paused"
    qtbot.waitUntil(lambda: len(worker.received) >= 2, timeout=WAIT_MS)
    assert [(r.state, r.step) for r in worker.received[:2]] == [("idle", 0), ("idle", 0)]
    w.start()
    qtbot.waitUntil(lambda: len(worker.received) >= 3, timeout=WAIT_MS)
    assert worker.received[2].state == "running"  # start's own answer, before any step's
    w.pause()
    qtbot.waitUntil(lambda: worker.received[-1].state != "running", timeout=WAIT_MS)
    last = worker.received[-1]
    assert last.state == ("paused" if last.step else "idle")


def test_no_new_snapshot_until_the_last_is_consumed(qtbot, moons):
    handle = WorkerHandle()
    relay = Relay(handle, acknowledge=False)
    got = relay.received
    try:
        handle.worker.configure(_config(steps=100_000), moons)
        handle.worker.start()
        qtbot.waitUntil(lambda: len(got) >= 1, timeout=WAIT_MS)
        qtbot.wait(300)
        # configure's forced snapshot and start's forced one at most: no stream.
        assert len(got) <= 2
        handle.worker.snapshot_consumed()
        qtbot.waitUntil(lambda: len(got) >= 3, timeout=WAIT_MS)
    finally:
        handle.worker.pause()
        assert handle.shutdown()


def test_switch_interval_is_short_while_training_and_restored(qtbot, worker, moons):
    # An interval of its own, not the process's current one: a worker that never
    # restored it would leave 0.001 behind, and a later test would take that as "before".
    original = sys.getswitchinterval()
    sys.setswitchinterval(0.0042)
    try:
        w = worker.worker
        _start_long_run(qtbot, worker, moons)
        assert sys.getswitchinterval() == pytest.approx(TRAINING_SWITCH_INTERVAL_S)
        w.pause()
        qtbot.waitUntil(lambda: worker.received[-1].state == "paused", timeout=WAIT_MS)
        assert sys.getswitchinterval() == pytest.approx(0.0042)
    finally:
        sys.setswitchinterval(original)


def test_gc_and_switch_interval_are_restored_even_when_gc_was_off(qtbot, worker, moons):
    import gc

    before = sys.getswitchinterval()
    w = worker.worker
    gc.disable()  # e.g. an app that manages collections itself
    try:
        _start_long_run(qtbot, worker, moons)
        w.pause()
        qtbot.waitUntil(lambda: worker.received[-1].state == "paused", timeout=WAIT_MS)
        assert sys.getswitchinterval() == pytest.approx(before)
        assert not gc.isenabled()  # left as it was found
    finally:
        gc.enable()


def test_a_config_the_engine_refuses_is_reported_with_its_field(qtbot, worker, registry):
    sine = registry.generate("sine", {"n_samples": 30}, seed=0)
    with qtbot.waitSignal(worker.relay.configFailed, timeout=WAIT_MS) as failed:
        worker.worker.configure(_config(dataset="sine", loss="hinge"), sine)
    field, message = failed.args
    assert field == "loss" and "regression" in message


def test_boundary_grid_and_neuron_maps_match_the_engine(registry):
    from engine.nn import MLP

    data = registry.generate("blobs", {"n_samples": 60, "k": 3}, seed=1)
    model = MLP(2, [5, 3], activation="tanh", seed=4)
    grid = compute_boundary(model, data.X, data.y, "multiclass", resolution=30)
    xs = np.linspace(*grid.x_range, 30)
    ys = np.linspace(*grid.y_range, 30)
    point = np.array([[xs[7], ys[22]]])
    out = mlp_forward_numpy(model, point)[0]
    np.testing.assert_allclose(grid.outputs[22, 7], out, rtol=1e-12, atol=1e-12)
    assert grid.classes[22, 7] == int(np.argmax(out))
    assert grid.x_range[0] < data.X[:, 0].min() and grid.y_range[1] > data.X[:, 1].max()
    maps = neuron_maps(model, data.X, resolution=12)
    assert [m.shape for m in maps] == [(2, 12, 12), (5, 12, 12), (3, 12, 12)]
    # The last layer's map is the model output over the same plane.
    xs12 = np.linspace(*grid.x_range, 12)
    ys12 = np.linspace(*grid.y_range, 12)
    expected = mlp_forward_numpy(model, np.array([[xs12[3], ys12[9]]]))[0]
    np.testing.assert_allclose(maps[-1][:, 9, 3], expected, rtol=1e-9)


def test_history_is_thinned_for_plotting_but_keeps_the_last_step():
    assert list(thin_indices(5, limit=10)) == [0, 1, 2, 3, 4]
    idx = thin_indices(10_001, limit=1000)
    assert len(idx) <= 1002 and idx[0] == 0 and idx[-1] == 10_000


class _SlowThenFastRegistry:
    """Stands in for the plugin registry: the first request hangs, later ones answer at once."""

    def __init__(self, real) -> None:
        self.real = real
        self.release = threading.Event()
        self.calls = 0

    def generate(self, dataset_id, params, seed, timeout=None):
        self.calls += 1
        if self.calls == 1:
            self.release.wait(10)  # a plugin that takes far too long
        return self.real.generate(dataset_id, params, seed)


def test_dataset_loader_delivers_only_the_newest_request(qtbot, registry):
    from microgui.training_run.dataset_loader import DatasetLoader

    slow = _SlowThenFastRegistry(registry)
    loader = DatasetLoader(slow)
    delivered = []
    loader.loaded.connect(lambda ticket, data: delivered.append((ticket, data)))
    first = loader.request("moons", {"n_samples": 30}, 0)  # hangs: the GUI must not wait
    second = loader.request("circles", {"n_samples": 20}, 0)
    qtbot.waitUntil(lambda: len(delivered) == 1, timeout=WAIT_MS)
    assert delivered[0][0] == second and len(delivered[0][1].y) == 20
    slow.release.set()  # the abandoned request finally finishes ...
    qtbot.wait(300)
    assert [t for t, _ in delivered] == [second]  # ... and is ignored
    assert first != second and not loader.busy


def _handled(qtbot, w) -> None:
    """Every command sent so far was handled (the worker's queue is first in, first out)."""
    marker = w.steps_per_second_limit + 1234.5  # a rate no earlier call left behind
    w.set_speed(marker)
    qtbot.waitUntil(lambda: w.steps_per_second_limit == marker, timeout=WAIT_MS)


def leaves_the_process_alone(qtbot, w, name: str, command) -> None:
    """`command` on a stopped worker keeps the switch interval and gc as the process set
    them: the worker restores what it saved when its run began only when that run stops,
    once (an app or test may change them between runs)."""
    import gc

    before = sys.getswitchinterval()
    sys.setswitchinterval(0.0037)
    gc.disable()  # as an app that manages collections itself may, between runs
    try:
        command()
        _handled(qtbot, w)
        assert sys.getswitchinterval() == pytest.approx(0.0037), name
        assert not gc.isenabled(), name
    finally:
        gc.enable()
        sys.setswitchinterval(before)


def test_a_stopped_worker_leaves_the_interval_and_gc_as_the_process_set_them(
    qtbot, worker, moons, tmp_path
):
    from engine.session import read_session

    w = worker.worker
    _start_long_run(qtbot, worker, moons)
    w.pause()
    qtbot.waitUntil(lambda: worker.received[-1].state == "paused", timeout=WAIT_MS)
    session, model = tmp_path / "run.json", tmp_path / "model.json"
    until_file_done(qtbot, worker, lambda: w.save_session(str(session), {}))
    until_file_done(qtbot, worker, lambda: w.export_model(str(model)))
    commands = {
        "step": w.step,
        "pause": w.pause,
        "reset": w.reset,
        "configure": lambda: w.configure(_config(), moons),
        "open session": lambda: w.open_session(read_session(session), moons),
        "open model": lambda: w.open_model(str(model), _config(), moons, (512, 16)),
    }
    for name, command in commands.items():
        leaves_the_process_alone(qtbot, w, name, command)
    # A run that ends by itself stops once too: pausing it afterwards restores nothing.
    w.configure(_config(), moons)
    w.start(until_step=3)
    last_snapshot(qtbot, worker, at(3, "paused"))
    leaves_the_process_alone(qtbot, w, "pause after the run ended", w.pause)
