"""File > Open model as the worker does it (TrainingWorker.open_model): the protocol alone.

A model file's network and weights become the run at step 0 on the window's data;
a file that cannot be used is reported in one line (fileDone) and the run it would
have replaced stays, paused, with a snapshot to show it. The model files are real
ones, written by the engine; the window's side is tests/faults/test_window_files.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_worker import _config, moons
from window_fixtures import WAIT_MS
from worker_events import at, last_snapshot, running_from, worker

from engine.modelio import load_model, save_model
from engine.size_guard import SizeError
from microgui.training_run.dataset_trainer import trainer_for_dataset
from microgui.training_run.worker import WINDOW_SIZE_ADVICE

__all__ = ["moons", "worker"]  # fixtures, used here by name

LIMITS = (512, 8)  # the window's (neurons per layer, hidden layers)


def _open(qtbot, worker, path, config, dataset, limits=LIMITS) -> tuple:
    """Open `path` and wait for its fileDone; return that event."""
    count = len(worker.relay.events)
    worker.worker.open_model(str(path), config, dataset, limits)
    qtbot.waitUntil(
        lambda: any(e[0] == "fileDone" for e in worker.relay.events[count:]), timeout=WAIT_MS
    )
    worker.relay.since_open = worker.relay.events[count:]
    return worker.relay.events[-1]


def _model_file(tmp_path, dataset, name="model.json", steps=6, **changes):
    """A model file of a run trained `steps` steps; returns its path and parameters."""
    trainer = trainer_for_dataset(_config(**changes), dataset)
    for _ in range(steps):
        trainer.step()
    path = tmp_path / name
    save_model(
        trainer.model, path, config=trainer.config.to_dict(), preprocessor=trainer.preprocessor
    )
    return path, trainer.parameter_values()


def test_a_model_file_opened_during_a_run_becomes_the_run_at_step_0(qtbot, worker, moons, tmp_path):
    path, weights = _model_file(tmp_path, moons, layers=[5, 3], activation="tanh")
    w = worker.worker
    base = _config(steps=1_000_000, lr=0.2)
    w.configure(base, moons)
    w.start()
    last_snapshot(qtbot, worker, running_from(2))
    done = _open(qtbot, worker, path, base, moons)
    assert done == ("fileDone", "open_model", str(path), "")
    assert not w.running
    events = worker.relay.after_last("configured")
    assert [e[0] for e in events] == ["configured", "modelOpened", "snapshot", "fileDone"]
    data, (opened_path, config), snapshot = events[0][1], events[1][1:], events[2][1]
    # The file's network, with the window's training settings, on the window's data.
    assert opened_path == str(path)
    assert (config.layers, config.activation, config.lr) == ((5, 3), "tanh", 0.2)
    assert data.layer_sizes == (2, 5, 3, 1)
    np.testing.assert_array_equal(data.X_train, w.trainer.X_train)
    assert (snapshot.step, snapshot.state, snapshot.message) == (0, "idle", "")
    assert w.trainer.config == config and w.trainer.parameter_values() == weights
    # The snapshot draws the file's weights: (W, b) per layer, W[neuron][input].
    model, _ = load_model(path)
    assert len(snapshot.weights) == len(model.layers) == 3
    for index, (layer, (W, b)) in enumerate(zip(model.layers, snapshot.weights, strict=True)):
        assert W.tolist() == [[w.data for w in n.w] for n in layer.neurons], index
        assert b.tolist() == [n.b.data for n in layer.neurons], index
    # No step of the old run follows: the next answer is still step 0, idle.
    count = len(worker.received)
    w.set_axes((0, 1))
    qtbot.waitUntil(lambda: len(worker.received) > count, timeout=WAIT_MS)
    assert (worker.received[-1].step, worker.received[-1].state) == (0, "idle")
    w.step()  # and it trains from the file's weights
    last_snapshot(qtbot, worker, at(1, "paused"))
    reference = trainer_for_dataset(config, moons, preprocessor=w.trainer.preprocessor)
    reference.set_parameter_values(weights)
    reference.step()
    assert w.trainer.parameter_values() == reference.parameter_values()


def test_a_model_that_does_not_fit_is_refused_in_one_line_and_the_run_stays(
    qtbot, worker, moons, tmp_path
):
    path, _ = _model_file(tmp_path, moons, layers=[7])
    w = worker.worker
    base = _config()
    w.configure(base, moons)
    w.start(until_step=3)
    last_snapshot(qtbot, worker, at(3, "paused"))
    before = w.trainer.parameter_values()
    done = _open(qtbot, worker, path, base, moons, limits=(6, 2))
    assert done == (
        "fileDone",
        "open_model",
        str(path),
        f"{path}: the model has hidden layers 7; the window trains 1 to 2 layers of at most "
        "6 neurons (train it with 'microgui train' instead)",
    )
    # The kept run is shown again (the window had asked to replace it), as it was.
    events = worker.relay.since_open  # the run was paused: nothing else came meanwhile
    assert [e[0] for e in events] == ["snapshot", "fileDone"]
    kept = events[0][1]
    assert (kept.step, kept.state, kept.message) == (3, "paused", "")
    assert w.trainer.parameter_values() == before and w.trainer.config == base
    w.step()
    last_snapshot(qtbot, worker, at(4, "paused"))


def test_a_model_too_big_for_the_size_guard_gets_the_windows_advice(qtbot, worker, moons, tmp_path):
    path, _ = _model_file(tmp_path, moons, layers=[64, 64], steps=0)
    small = _config(execution="scalar", max_nodes=1000)
    done = _open(qtbot, worker, path, small, moons)
    # The engine's own estimate for that network, with the window's fields as the advice
    # (never the command line's options).
    with pytest.raises(SizeError) as refused:
        trainer_for_dataset(small.replace(layers=(64, 64)), moons)
    assert done == (
        "fileDone",
        "open_model",
        str(path),
        f"{refused.value.need}; {WINDOW_SIZE_ADVICE}",
    )
    assert "over the limit of 1,000 nodes" in done[3] and "--" not in done[3]
    assert worker.relay.events == [done]


def test_a_bad_model_file_before_any_run_is_only_reported(qtbot, worker, moons, tmp_path):
    missing = tmp_path / "nowhere.json"
    done = _open(qtbot, worker, missing, _config(), moons)
    assert done[:3] == ("fileDone", "open_model", str(missing))
    assert str(missing) in done[3] and "not found" in done[3]
    assert worker.relay.events == [done]  # no run to show: no snapshot, no configure
    assert worker.worker.trainer is None
    path, weights = _model_file(tmp_path, moons)  # the worker serves on
    assert _open(qtbot, worker, path, _config(), moons)[3] == ""
    assert worker.worker.trainer.parameter_values() == weights
