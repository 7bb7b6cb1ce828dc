"""Trainer.run: exactly max_steps steps (or the config's steps), None when no step was taken,
and stop() ends a paused run without taking another step."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from sklearn.datasets import make_moons

from engine.config import TrainConfig
from engine.train import Trainer


def _trainer(steps: int = 100) -> Trainer:
    X, y = make_moons(n_samples=16, noise=0.1, random_state=0)
    config = TrainConfig(layers=(4,), steps=steps, test_fraction=0.0, seed=2)
    return Trainer(config, X, y.astype(np.float64), "binary")


@pytest.mark.parametrize("max_steps", [1, 3])
def test_run_takes_exactly_max_steps_and_returns_the_last(max_steps):
    trainer = _trainer()
    seen = []
    last = trainer.run(seen.append, max_steps=max_steps)
    assert [r.step for r in seen] == list(range(max_steps))
    assert trainer.steps_done == max_steps and last is seen[-1]
    more = trainer.run(seen.append, max_steps=2)  # goes on from where it stopped
    assert [r.step for r in seen] == list(range(max_steps + 2)) and more is seen[-1]


def test_run_without_max_steps_stops_at_the_configs_steps():
    trainer = _trainer(steps=4)
    seen = []
    last = trainer.run(seen.append)
    assert [r.step for r in seen] == [0, 1, 2, 3] and last is seen[-1]
    assert trainer.finished and trainer.message == "finished 4 steps"


def test_a_run_that_takes_no_step_returns_none():
    trainer = _trainer(steps=2)
    assert trainer.run(max_steps=0) is None and trainer.steps_done == 0
    trainer.run()
    assert trainer.finished
    assert trainer.run() is None and trainer.steps_done == 2  # finished: nothing more to do


def start_a_run_that_pauses_after_one_step(trainer: Trainer) -> tuple[threading.Thread, dict]:
    """run() in a thread of its own, which pauses itself after its first step.

    Returns the thread and a dict that gets the run's result as "last"; the
    caller must stop() and resume() the trainer and join the thread.
    """
    paused = threading.Event()

    def pause_after_the_first_step(result):
        trainer.pause()
        paused.set()

    outcome = {}
    worker = threading.Thread(
        target=lambda: outcome.setdefault("last", trainer.run(pause_after_the_first_step))
    )
    worker.start()
    assert paused.wait(timeout=20), "the run did not take its first step"
    return worker, outcome


def test_stop_ends_a_paused_run_at_once_without_another_step():
    trainer = _trainer()
    worker, outcome = start_a_run_that_pauses_after_one_step(trainer)
    try:
        time.sleep(0.1)  # the run is now waiting for resume()
        trainer.stop()
        worker.join(timeout=5)
        assert not worker.is_alive(), "stop() did not end the paused run"
    finally:
        trainer.resume()  # lets a run that missed the stop finish its wait
        trainer.stop()
        worker.join(timeout=20)
    assert trainer.steps_done == 1 and outcome["last"].step == 0
    assert not trainer.finished  # stopped, not finished: run() may go on
