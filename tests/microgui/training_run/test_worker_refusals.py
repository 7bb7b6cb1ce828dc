"""What the worker refuses, in the window's words, and that the run it had stays.

A dataset wider than the window draws, a network over the size guard, data the
engine refuses: each answered with one line (configFailed, or fileDone for a
session), the model trained so far kept and still trainable.
"""

from __future__ import annotations

import types

import numpy as np
import pytest
from test_worker import _config, moons
from window_fixtures import WAIT_MS
from worker_events import answer_to, trained, worker

from engine.session import read_session, save_session
from engine.size_guard import SizeError
from microgui.training_run.dataset_trainer import trainer_for_dataset
from microgui.training_run.worker import (
    MAX_WINDOW_FEATURES,
    WINDOW_SIZE_ADVICE,
    too_wide_for_window,
)

__all__ = ["moons", "worker"]  # fixtures, used here by name


def _dataset(X, y=None, task="binary", classes=("a", "b")):
    y = np.arange(len(X)) % len(classes) if y is None else y
    names = tuple(f"x{i + 1}" for i in range(X.shape[1])) if X.ndim == 2 else ("x1",)
    return types.SimpleNamespace(X=X, y=y, task=task, class_names=classes, feature_names=names)


WIDE_MESSAGE = (
    "dataset: wide has 100,000 features; the window draws every input and takes at most 512: "
    "choose fewer features, or train it with 'microgui train --dataset wide' (no window)"
)


def test_a_dataset_wider_than_the_window_draws_is_refused_in_one_line():
    assert MAX_WINDOW_FEATURES == 512
    assert too_wide_for_window(_dataset(np.zeros((4, 512))), "wide") == ""
    assert too_wide_for_window(_dataset(np.zeros((4, 100_000))), "wide") == WIDE_MESSAGE
    assert too_wide_for_window(_dataset(np.zeros((4, 513))), "csv") == (
        "dataset: csv has 513 features; the window draws every input and takes at most 512: "
        "choose fewer features, or train it with 'microgui train --dataset csv' (no window)"
    )
    # One column given as a flat array is one feature: nothing to refuse.
    assert too_wide_for_window(_dataset(np.zeros(600)), "sine") == ""


def _still_trains(qtbot, worker, weights, steps=3):
    """The kept run: the same weights, and Step takes the next step from them."""
    assert worker.worker.trainer.parameter_values() == weights
    worker.worker.step()
    qtbot.waitUntil(lambda: worker.received[-1].step == steps + 1, timeout=WAIT_MS)


def test_a_too_wide_dataset_is_refused_and_the_trained_model_stays(qtbot, worker, moons):
    weights = trained(qtbot, worker, moons, _config(), steps=3)
    wide = _dataset(np.zeros((4, 100_000)))
    answer = answer_to(
        qtbot, worker, lambda: worker.worker.configure(_config(dataset="wide"), wide)
    )
    assert answer == ("configFailed", "dataset", WIDE_MESSAGE)
    _still_trains(qtbot, worker, weights)


def test_a_network_over_the_size_guard_is_refused_with_the_windows_advice(qtbot, worker, moons):
    weights = trained(qtbot, worker, moons, _config(), steps=3)
    big = _config(layers=[64, 64], execution="scalar", max_nodes=1000)
    with pytest.raises(SizeError) as refused:  # the engine's own estimate
        trainer_for_dataset(big, moons)
    answer = answer_to(qtbot, worker, lambda: worker.worker.configure(big, moons, True))
    assert answer == ("configFailed", "max_nodes", f"{refused.value.need}; {WINDOW_SIZE_ADVICE}")
    _still_trains(qtbot, worker, weights)


def test_data_the_engine_refuses_is_a_dataset_error_and_the_trained_model_stays(
    qtbot, worker, moons
):
    weights = trained(qtbot, worker, moons, _config(), steps=3)
    X = np.array(moons.X, dtype=float)
    X[3, 1] = np.nan
    answer = answer_to(qtbot, worker, lambda: worker.worker.configure(_config(), _dataset(X)))
    assert answer == (
        "configFailed",
        "dataset",
        "dataset: X and y must not contain NaN or infinite values",
    )
    _still_trains(qtbot, worker, weights)


def test_a_session_on_a_too_wide_dataset_is_refused_and_the_trained_model_stays(
    qtbot, worker, moons, tmp_path
):
    weights = trained(qtbot, worker, moons, _config(), steps=3)
    path = tmp_path / "wide.json"
    other = trainer_for_dataset(_config(dataset="wide"), moons)
    save_session(other, path, {})
    session = read_session(path)
    wide = _dataset(np.zeros((4, 100_000)))
    answer = answer_to(qtbot, worker, lambda: worker.worker.open_session(session, wide))
    assert answer == ("fileDone", "open_session", str(path), WIDE_MESSAGE)
    _still_trains(qtbot, worker, weights)
