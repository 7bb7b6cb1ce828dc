"""Trainer.run: one run at a time, so that stop() always reaches the run that is going.

Two runs at once (from a callback or from another thread) used to leave the
trainer believing nothing ran once the first returned, and stop() then did
nothing to the other. A second run is now refused, and after a run returns,
the next one starts as before.
"""

from __future__ import annotations

import threading

import pytest
from test_trainer_run_step_counts import _trainer, start_a_run_that_pauses_after_one_step

REFUSAL = (
    "Trainer.run: a run is already in progress; stop() it and let it return before starting another"
)


def test_a_run_started_from_a_runs_callback_is_refused_and_the_trainer_runs_again_after():
    trainer = _trainer()

    def start_another(result):
        trainer.run(max_steps=1)

    with pytest.raises(RuntimeError) as refused:
        trainer.run(start_another, max_steps=5)
    assert str(refused.value) == REFUSAL
    assert trainer.steps_done == 1  # the outer run's first step, and no inner one
    # the refused run left nothing behind: the next run trains, and its stop() works
    seen = []

    def stop_at_the_third(result):
        seen.append(result.step)
        if len(seen) == 3:
            trainer.stop()

    last = trainer.run(stop_at_the_third, max_steps=10)
    assert seen == [1, 2, 3] and last.step == 3 and trainer.steps_done == 4


def test_runs_one_after_another_each_train_and_each_can_be_stopped():
    trainer = _trainer()
    for round_ in range(3):
        seen = []

        def stop_at_the_second(result, seen=seen):
            seen.append(result.step)
            if len(seen) == 2:
                trainer.stop()

        trainer.run(stop_at_the_second, max_steps=10)
        assert seen == [2 * round_, 2 * round_ + 1]
    assert trainer.steps_done == 6


def test_a_second_run_from_another_thread_is_refused_and_stop_still_ends_the_first():
    trainer = _trainer()
    second = {}

    def second_run():
        try:
            second["last"] = trainer.run(max_steps=1)
        except RuntimeError as refused:
            second["refused"] = str(refused)

    # in a thread of its own, so that a run that is wrongly let in (and waits
    # on the pause) fails the test instead of hanging it
    other = threading.Thread(target=second_run)
    worker, outcome = start_a_run_that_pauses_after_one_step(trainer)
    try:
        other.start()
        other.join(timeout=20)
        assert second == {"refused": REFUSAL}
        trainer.stop()
        worker.join(timeout=20)
        assert not worker.is_alive(), "stop() did not reach the first run"
    finally:
        trainer.stop()
        trainer.resume()
        worker.join(timeout=20)
        if other.ident is not None:
            other.join(timeout=20)
    assert trainer.steps_done == 1 and outcome["last"].step == 0
    trainer.resume()
    assert trainer.run(max_steps=1).step == 1  # and a new run may start
