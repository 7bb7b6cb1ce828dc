"""Sessions and model files as the worker writes and opens them: fileDone's three
fields (kind, path, error) are what the window reports, so each is checked whole.

The files are real ones; the expected error messages come from the engine's own
writers and readers called on the same paths (the worker must pass them on as
they are, worded for the window only where it says so).
"""

from __future__ import annotations

import dataclasses
import threading

import numpy as np
import pytest
from test_worker import _config, moons
from window_fixtures import WAIT_MS
from worker_events import (
    described,
    last_snapshot,
    relayed_handle,
    running_from,
    trained,
    until_file_done,
    worker,
)

from engine.modelio import ModelFileError, load_model_file, save_model
from engine.session import SessionFileError, read_session, save_session, trainer_from_session
from microgui.training_run.dataset_trainer import trainer_for_dataset

__all__ = ["moons", "worker"]  # fixtures, used here by name


def test_a_saved_session_opens_in_another_worker_where_it_stopped(qtbot, worker, moons, tmp_path):
    weights = trained(qtbot, worker, moons, _config(), steps=5)
    path = tmp_path / "run.json"
    extra = {"view": {"tab": "graph"}, "drawn": None}
    done = until_file_done(qtbot, worker, lambda: worker.worker.save_session(str(path), extra))
    assert done == [("fileDone", "session", str(path), "")]
    session = read_session(path)
    assert session.extra == extra and session.path == path
    # Another window's worker, in the middle of its own run, opens it.
    other = relayed_handle(acknowledge=True)
    try:
        other.worker.configure(_config(steps=1_000_000, layers=[3]), moons)
        other.worker.start()
        last_snapshot(qtbot, other, running_from(2))
        events = until_file_done(qtbot, other, lambda: other.worker.open_session(session, moons))
        # Snapshots of the run it had may come first; then the session's answer, in order.
        kinds = [event[0] for event in events]
        opened = kinds.index("configured") if "configured" in kinds else len(kinds)
        assert set(kinds[:opened]) <= {"snapshot"}, described(events)
        assert kinds[opened:] == ["configured", "snapshot", "fileDone"], described(events)
        configured, snapshot, done = events[opened:]
        assert done == ("fileDone", "open_session", str(path), "")
        assert (snapshot[1].step, snapshot[1].state, snapshot[1].message) == (5, "paused", "")
        assert other.relay.threads == {threading.main_thread().ident}
        assert not other.worker.running
        assert other.worker.trainer.parameter_values() == weights
        assert configured[1].layer_sizes == (2, 4, 4, 1)  # the session's network, not [3]
    finally:
        assert other.shutdown()


def test_an_opened_session_is_shown_even_before_the_last_snapshot_was_drawn(qtbot, moons, tmp_path):
    source = trainer_for_dataset(_config(), moons)
    for _ in range(3):
        source.step()
    save_session(source, tmp_path / "run.json", {})
    session = read_session(tmp_path / "run.json")
    handle = relayed_handle(acknowledge=False)  # a GUI still drawing: ordinary snapshots wait
    try:
        handle.worker.configure(_config(), moons)
        qtbot.waitUntil(lambda: len(handle.received) == 1, timeout=WAIT_MS)
        events = until_file_done(qtbot, handle, lambda: handle.worker.open_session(session, moons))
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
    events = until_file_done(qtbot, worker, lambda: worker.worker.open_session(session, moons))
    assert events[-1] == ("fileDone", "open_session", "", "")
    assert worker.worker.trainer.steps_done == 1


def test_a_session_of_other_data_is_refused_and_the_run_stays(
    qtbot, worker, moons, registry, tmp_path
):
    weights = trained(qtbot, worker, moons, _config(), steps=3)
    circles = registry.generate("circles", {"n_samples": 40}, seed=3)
    save_session(trainer_for_dataset(_config(dataset="circles"), circles), tmp_path / "c.json", {})
    session = read_session(tmp_path / "c.json")
    with pytest.raises(SessionFileError) as refused:  # what the engine says about it
        trainer_from_session(session, moons.X, moons.y)
    events = until_file_done(qtbot, worker, lambda: worker.worker.open_session(session, moons))
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
        events = until_file_done(qtbot, worker, command)
        path = str(tmp_path / ("s.json" if kind == "session" else "m.json"))
        assert events == [("fileDone", kind, path, "there is no model yet")]
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_cannot_be_written_is_reported_in_the_engines_words(
    qtbot, worker, moons, tmp_path
):
    trained(qtbot, worker, moons, _config(), steps=2)
    missing = tmp_path / "no such folder"
    trainer = worker.worker.trainer
    with pytest.raises(SessionFileError) as session_error:
        save_session(trainer, missing / "s.json", {})
    with pytest.raises(ModelFileError) as model_error:
        save_model(trainer.model, missing / "m.json")
    events = until_file_done(
        qtbot, worker, lambda: worker.worker.save_session(str(missing / "s.json"), {})
    )
    assert events == [("fileDone", "session", str(missing / "s.json"), str(session_error.value))]
    events = until_file_done(
        qtbot, worker, lambda: worker.worker.export_model(str(missing / "m.json"))
    )
    assert events == [("fileDone", "model", str(missing / "m.json"), str(model_error.value))]
    assert "does not exist" in str(model_error.value)


def test_an_exported_model_holds_the_runs_weights_config_and_preprocessing(
    qtbot, worker, moons, tmp_path
):
    weights = trained(qtbot, worker, moons, _config(scaling="standardize"), steps=4)
    path = tmp_path / "model.json"
    events = until_file_done(qtbot, worker, lambda: worker.worker.export_model(str(path)))
    assert events == [("fileDone", "model", str(path), "")]
    loaded = load_model_file(path)
    trainer = worker.worker.trainer
    assert {n: p.data for n, p in loaded.model.named_parameters()} == weights
    assert loaded.config == trainer.config.to_dict()
    # The scaling fitted on this run's training split goes with the model.
    assert loaded.preprocessor == trainer.preprocessor
    assert not np.allclose(loaded.preprocessor.transform(moons.X[:3]), moons.X[:3])
