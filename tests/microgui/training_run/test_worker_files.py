"""Sessions and model files as the worker writes and opens them: fileDone's three
fields (kind, path, error) are what the window reports, so each is checked whole.

The files are real ones; the expected error messages come from the engine's own
writers and readers called on the same paths (the worker must pass them on as
they are, worded for the window only where it says so).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from PySide6.QtCore import Slot
from test_worker import Relay, _config, moons
from window_fixtures import WAIT_MS

from engine.modelio import ModelFileError, load_model_file, save_model
from engine.session import SessionFileError, read_session, save_session, trainer_from_session
from microgui.training_run.dataset_trainer import trainer_for_dataset
from microgui.training_run.worker import WorkerHandle

__all__ = ["moons"]  # a fixture of test_worker, used here by name


class FileRelay(Relay):
    """Snapshots, configured and fileDone in the order the GUI thread receives them."""

    def __init__(self, handle: WorkerHandle, acknowledge: bool = True) -> None:
        super().__init__(handle, acknowledge)
        self.events: list[tuple] = []
        handle.worker.configured.connect(self.on_configured)
        handle.worker.fileDone.connect(self.on_file_done)

    @Slot(object)
    def on_snapshot(self, snapshot) -> None:
        self.events.append(("snapshot", snapshot))
        super().on_snapshot(snapshot)

    @Slot(object)
    def on_configured(self, data) -> None:
        self.events.append(("configured", data))

    @Slot(str, str, str)
    def on_file_done(self, kind, path, error) -> None:
        self.events.append(("fileDone", kind, path, error))


def _handle(acknowledge=True):
    handle = WorkerHandle()
    handle.relay = FileRelay(handle, acknowledge)
    handle.received = handle.relay.received
    return handle


@pytest.fixture
def worker(qtbot):
    handle = _handle()
    yield handle
    assert handle.shutdown()


def _until_file_done(qtbot, worker, command) -> list[tuple]:
    """Run `command`; the events from then until its fileDone (included)."""
    count = len(worker.relay.events)
    command()
    qtbot.waitUntil(
        lambda: any(e[0] == "fileDone" for e in worker.relay.events[count:]), timeout=WAIT_MS
    )
    return worker.relay.events[count:]


def _trained(qtbot, worker, moons, steps=5, **changes):
    worker.worker.configure(_config(**changes), moons)
    worker.worker.start(until_step=steps)
    qtbot.waitUntil(
        lambda: (
            bool(worker.received)
            and (worker.received[-1].step, worker.received[-1].state) == (steps, "paused")
        ),
        timeout=WAIT_MS,
    )
    return worker.worker.trainer.parameter_values()


def test_a_saved_session_opens_in_another_worker_where_it_stopped(qtbot, worker, moons, tmp_path):
    weights = _trained(qtbot, worker, moons)
    path = tmp_path / "run.json"
    extra = {"view": {"tab": "graph"}, "drawn": None}
    done = _until_file_done(qtbot, worker, lambda: worker.worker.save_session(str(path), extra))
    assert done == [("fileDone", "session", str(path), "")]
    session = read_session(path)
    assert session.extra == extra and session.path == path
    # Another window's worker, in the middle of its own run, opens it.
    other = _handle(acknowledge=True)
    try:
        other.worker.configure(_config(steps=1_000_000, layers=[3]), moons)
        other.worker.start()
        qtbot.waitUntil(
            lambda: bool(other.received) and other.received[-1].step >= 2, timeout=WAIT_MS
        )
        events = _until_file_done(qtbot, other, lambda: other.worker.open_session(session, moons))
        events = events[[e[0] for e in events].index("configured") :]
        assert [e[0] for e in events] == ["configured", "snapshot", "fileDone"]
        assert events[2] == ("fileDone", "open_session", str(path), "")
        snapshot = events[1][1]
        assert (snapshot.step, snapshot.state, snapshot.message) == (5, "paused", "")
        assert not other.worker.running
        assert other.worker.trainer.parameter_values() == weights
        assert events[0][1].layer_sizes == (2, 4, 4, 1)  # the session's network, not [3]
    finally:
        assert other.shutdown()


def test_an_opened_session_is_shown_even_before_the_last_snapshot_was_drawn(qtbot, moons, tmp_path):
    source = trainer_for_dataset(_config(), moons)
    for _ in range(3):
        source.step()
    save_session(source, tmp_path / "run.json", {})
    session = read_session(tmp_path / "run.json")
    handle = _handle(acknowledge=False)  # a GUI still drawing: ordinary snapshots wait
    try:
        handle.worker.configure(_config(), moons)
        qtbot.waitUntil(lambda: len(handle.received) == 1, timeout=WAIT_MS)
        events = _until_file_done(qtbot, handle, lambda: handle.worker.open_session(session, moons))
        assert [e[0] for e in events] == ["configured", "snapshot", "fileDone"]
        assert events[1][1].step == 3
    finally:
        assert handle.shutdown()


def test_a_session_made_in_code_has_no_path_and_is_reported_with_none(
    qtbot, worker, moons, tmp_path
):
    source = trainer_for_dataset(_config(), moons)
    source.step()
    save_session(source, tmp_path / "run.json", {})
    session = dataclasses.replace(read_session(tmp_path / "run.json"), path=None)
    events = _until_file_done(qtbot, worker, lambda: worker.worker.open_session(session, moons))
    assert events[-1] == ("fileDone", "open_session", "", "")
    assert worker.worker.trainer.steps_done == 1


def test_a_session_of_other_data_is_refused_and_the_run_stays(
    qtbot, worker, moons, registry, tmp_path
):
    weights = _trained(qtbot, worker, moons, steps=3)
    circles = registry.generate("circles", {"n_samples": 40}, seed=3)
    save_session(trainer_for_dataset(_config(dataset="circles"), circles), tmp_path / "c.json", {})
    session = read_session(tmp_path / "c.json")
    with pytest.raises(SessionFileError) as refused:  # what the engine says about it
        trainer_from_session(session, moons.X, moons.y)
    events = _until_file_done(qtbot, worker, lambda: worker.worker.open_session(session, moons))
    assert events == [("fileDone", "open_session", str(tmp_path / "c.json"), str(refused.value))]
    assert "trained on different data" in str(refused.value)
    assert worker.worker.trainer.parameter_values() == weights
    worker.worker.step()
    qtbot.waitUntil(lambda: worker.received[-1].step == 4, timeout=WAIT_MS)


def test_saving_before_there_is_a_model_says_so(qtbot, worker, tmp_path):
    for kind, command in (
        ("session", lambda: worker.worker.save_session(str(tmp_path / "s.json"), {})),
        ("model", lambda: worker.worker.export_model(str(tmp_path / "m.json"))),
    ):
        events = _until_file_done(qtbot, worker, command)
        path = str(tmp_path / ("s.json" if kind == "session" else "m.json"))
        assert events == [("fileDone", kind, path, "there is no model yet")]
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_cannot_be_written_is_reported_in_the_engines_words(
    qtbot, worker, moons, tmp_path
):
    _trained(qtbot, worker, moons, steps=2)
    missing = tmp_path / "no such folder"
    trainer = worker.worker.trainer
    with pytest.raises(SessionFileError) as session_error:
        save_session(trainer, missing / "s.json", {})
    with pytest.raises(ModelFileError) as model_error:
        save_model(trainer.model, missing / "m.json")
    events = _until_file_done(
        qtbot, worker, lambda: worker.worker.save_session(str(missing / "s.json"), {})
    )
    assert events == [("fileDone", "session", str(missing / "s.json"), str(session_error.value))]
    events = _until_file_done(
        qtbot, worker, lambda: worker.worker.export_model(str(missing / "m.json"))
    )
    assert events == [("fileDone", "model", str(missing / "m.json"), str(model_error.value))]
    assert "does not exist" in str(model_error.value)


def test_an_exported_model_holds_the_runs_weights_config_and_preprocessing(
    qtbot, worker, moons, tmp_path
):
    weights = _trained(qtbot, worker, moons, steps=4, scaling="standardize")
    path = tmp_path / "model.json"
    events = _until_file_done(qtbot, worker, lambda: worker.worker.export_model(str(path)))
    assert events == [("fileDone", "model", str(path), "")]
    loaded = load_model_file(path)
    trainer = worker.worker.trainer
    assert {n: p.data for n, p in loaded.model.named_parameters()} == weights
    assert loaded.config == trainer.config.to_dict()
    # The scaling fitted on this run's training split goes with the model.
    assert loaded.preprocessor == trainer.preprocessor
    assert not np.allclose(loaded.preprocessor.transform(moons.X[:3]), moons.X[:3])
