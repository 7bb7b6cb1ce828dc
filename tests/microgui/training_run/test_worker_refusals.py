"""What the worker refuses, in the window's words, and that the run it had stays.

A dataset wider than the window draws, a network over the size guard, data the
engine refuses: each answered with one line (configFailed, or fileDone for a
session), the model trained so far kept and still trainable.
"""

from __future__ import annotations

import types

import numpy as np
import pytest
from PySide6.QtCore import Slot
from test_worker import Relay, _config, moons
from window_fixtures import WAIT_MS

from engine.session import read_session, save_session
from engine.size_guard import SizeError
from microgui.training_run.dataset_trainer import trainer_for_dataset
from microgui.training_run.worker import (
    MAX_WINDOW_FEATURES,
    WINDOW_SIZE_ADVICE,
    WorkerHandle,
    too_wide_for_window,
)

__all__ = ["moons"]  # a fixture of test_worker, used here by name


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


class FileRelay(Relay):
    """Also the configFailed and fileDone answers, in order."""

    def __init__(self, handle: WorkerHandle) -> None:
        super().__init__(handle)
        self.answers: list[tuple] = []
        handle.worker.configFailed.connect(self.on_failed)
        handle.worker.fileDone.connect(self.on_file_done)
        handle.worker.configured.connect(self.on_configured)

    @Slot(str, str)
    def on_failed(self, field, message) -> None:
        self.answers.append(("configFailed", field, message))

    @Slot(str, str, str)
    def on_file_done(self, kind, path, error) -> None:
        self.answers.append(("fileDone", kind, path, error))

    @Slot(object)
    def on_configured(self, _data) -> None:
        self.answers.append(("configured",))


@pytest.fixture
def worker(qtbot):
    handle = WorkerHandle()
    handle.relay = FileRelay(handle)
    handle.received = handle.relay.received
    yield handle
    assert handle.shutdown()


def _trained(qtbot, worker, moons, steps=3, **changes):
    """A run of `steps` steps, paused; returns its weights."""
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


def _answer(qtbot, worker, command) -> tuple:
    count = len(worker.relay.answers)
    command()
    qtbot.waitUntil(lambda: len(worker.relay.answers) > count, timeout=WAIT_MS)
    return worker.relay.answers[count]


def _still_trains(qtbot, worker, weights, steps=3):
    """The kept run: the same weights, and Step takes the next step from them."""
    assert worker.worker.trainer.parameter_values() == weights
    worker.worker.step()
    qtbot.waitUntil(lambda: worker.received[-1].step == steps + 1, timeout=WAIT_MS)


def test_a_too_wide_dataset_is_refused_and_the_trained_model_stays(qtbot, worker, moons):
    weights = _trained(qtbot, worker, moons)
    wide = _dataset(np.zeros((4, 100_000)))
    answer = _answer(qtbot, worker, lambda: worker.worker.configure(_config(dataset="wide"), wide))
    assert answer == ("configFailed", "dataset", WIDE_MESSAGE)
    _still_trains(qtbot, worker, weights)


def test_a_network_over_the_size_guard_is_refused_with_the_windows_advice(qtbot, worker, moons):
    weights = _trained(qtbot, worker, moons)
    big = _config(layers=[64, 64], execution="scalar", max_nodes=1000)
    with pytest.raises(SizeError) as refused:  # the engine's own estimate
        trainer_for_dataset(big, moons)
    answer = _answer(qtbot, worker, lambda: worker.worker.configure(big, moons, True))
    assert answer == ("configFailed", "max_nodes", f"{refused.value.need}; {WINDOW_SIZE_ADVICE}")
    _still_trains(qtbot, worker, weights)


def test_data_the_engine_refuses_is_a_dataset_error_and_the_trained_model_stays(
    qtbot, worker, moons
):
    weights = _trained(qtbot, worker, moons)
    X = np.array(moons.X, dtype=float)
    X[3, 1] = np.nan
    answer = _answer(qtbot, worker, lambda: worker.worker.configure(_config(), _dataset(X)))
    assert answer == (
        "configFailed",
        "dataset",
        "dataset: X and y must not contain NaN or infinite values",
    )
    _still_trains(qtbot, worker, weights)


def test_a_session_on_a_too_wide_dataset_is_refused_and_the_trained_model_stays(
    qtbot, worker, moons, tmp_path
):
    weights = _trained(qtbot, worker, moons)
    path = tmp_path / "wide.json"
    other = trainer_for_dataset(_config(dataset="wide"), moons)
    save_session(other, path, {})
    session = read_session(path)
    wide = _dataset(np.zeros((4, 100_000)))
    answer = _answer(qtbot, worker, lambda: worker.worker.open_session(session, wide))
    assert answer == ("fileDone", "open_session", str(path), WIDE_MESSAGE)
    _still_trains(qtbot, worker, weights)
