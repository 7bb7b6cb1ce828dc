"""Continuing a session on data that does not fit it: one whole line, prefixed with the file.

trainer_from_session is where a session meets the data regenerated for it.
Each refusal is a SessionFileError whose text names the file (when the
session came from one), what does not fit and what to do; a session built
in memory (no path) gets the same words without a prefix.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from sklearn.datasets import make_blobs, make_moons

from engine.config import TrainConfig
from engine.preprocessing import PreprocessingError, Preprocessor
from engine.session import SessionFileError, read_session, save_session, trainer_from_session
from engine.train import Trainer

X, _Y = make_moons(n_samples=20, noise=0.1, random_state=0)
Y = _Y.astype(np.float64)
X3 = np.c_[X, X[:, 0] * X[:, 1]]  # a third input column


def _saved(tmp_path, config=None, data=(X, Y), task="binary", n_classes=None):
    """A session file after two steps, read back."""
    trainer = Trainer(config or TrainConfig(), *data, task, n_classes)
    for _ in range(2):
        trainer.step()
    path = tmp_path / "run.session.json"
    save_session(trainer, path)
    return read_session(path), trainer


def _refusal(session, X, y) -> str:
    with pytest.raises(SessionFileError) as info:
        trainer_from_session(session, X, y)
    return str(info.value)


def test_different_data_says_how_to_get_the_right_data(tmp_path):
    session, _ = _saved(tmp_path)
    said = (
        f"this session was trained on different data (dataset {session.config.dataset!r}, "
        "19 samples now); regenerate the dataset with the session's parameters and seed, "
        "or start a new session"
    )
    assert _refusal(session, X[:-1], Y[:-1]) == f"{session.path}: {said}"
    in_memory = dataclasses.replace(session, path=None)
    assert _refusal(in_memory, X[:-1], Y[:-1]) == said


def test_data_with_fewer_inputs_than_the_features_use_is_refused_as_not_fitting(tmp_path):
    session, _ = _saved(tmp_path, TrainConfig(features="x1,x2,x3"), (X3, Y))
    assert _refusal(session, X, Y) == (
        f"{session.path}: the data does not fit this session: "
        "features: the preprocessing takes 3 inputs but the data has 2"
    )


def test_labels_that_do_not_match_the_rows_are_refused_as_not_fitting(tmp_path):
    session, _ = _saved(tmp_path)
    assert _refusal(session, X, Y[:-1]) == (
        f"{session.path}: the data does not fit this session: "
        "y must have one entry per row of X (20), got (19,)"
    )


def test_a_stored_preprocessing_that_cannot_be_read_names_its_problem(tmp_path):
    session, _ = _saved(tmp_path)
    bad = {"features": 5}
    with pytest.raises(PreprocessingError) as reason:
        Preprocessor.from_dict(bad)
    broken = dataclasses.replace(
        session, trainer_state={**session.trainer_state, "preprocessing": bad}
    )
    assert _refusal(broken, X, Y) == (
        f"{session.path}: cannot restore the training state: {reason.value}"
    )


def test_a_multiclass_session_keeps_its_class_count_when_the_data_lacks_the_last_class(
    tmp_path,
):
    # A table declared with 4 classes whose rows hold only 0, 1 and 2: the network has
    # 4 outputs, and the session must continue with 4, not with what the labels show.
    Xb, yb = make_blobs(n_samples=30, centers=3, random_state=1)
    data = (Xb, yb.astype(np.float64))
    session, trainer = _saved(tmp_path, TrainConfig(), data, "multiclass", n_classes=4)
    assert session.n_classes == 4
    again = trainer_from_session(session, *data)
    assert again.nout == 4 and again.n_classes == 4
    assert again.parameter_values() == trainer.parameter_values()
