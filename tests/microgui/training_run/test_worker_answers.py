"""Every command the window waits on is answered, even while the GUI is still drawing.

The worker sends an ordinary snapshot only after the GUI drew the last one
(snapshot_consumed); the answer to a command is not ordinary: the window waits
for it to show the new state. Here the GUI never draws, so only answers arrive.
"""

from __future__ import annotations

import pytest
from test_worker import _config, moons
from window_fixtures import WAIT_MS
from worker_events import Relay

from microgui.training_run.dataset_trainer import trainer_for_dataset
from microgui.training_run.worker import WorkerHandle

__all__ = ["moons"]  # a fixture of test_worker, used here by name


@pytest.fixture
def busy_gui(qtbot):
    """A worker whose GUI never finishes drawing a snapshot."""
    handle = WorkerHandle()
    handle.relay = Relay(handle, acknowledge=False)
    handle.received = handle.relay.received
    yield handle
    assert handle.shutdown()


def _answer(qtbot, handle, command, count):
    command()
    qtbot.waitUntil(lambda: len(handle.received) >= count, timeout=WAIT_MS)
    return handle.received[count - 1]


def test_each_command_is_answered_while_the_gui_is_still_drawing(qtbot, busy_gui, moons):
    w, got = busy_gui.worker, busy_gui.received

    def said(snapshot):
        return snapshot.state, snapshot.step

    assert said(_answer(qtbot, busy_gui, lambda: w.configure(_config(steps=100), moons), 1)) == (
        "idle",
        0,
    )
    assert said(_answer(qtbot, busy_gui, w.start, 2)) == ("running", 0)
    paused = _answer(qtbot, busy_gui, w.pause, 3)
    assert paused.state == ("paused" if paused.step else "idle")
    stepped = _answer(qtbot, busy_gui, w.step, 4)
    assert said(stepped) == ("paused", paused.step + 1)
    assert said(_answer(qtbot, busy_gui, lambda: w.set_axes((1, 0)), 5)) == said(stepped)
    edited = _answer(qtbot, busy_gui, lambda: w.set_weight("layers.0.neurons.0.b", 0.5), 6)
    assert edited.message.startswith("Layer 1, neuron 1, bias set to 0.5")
    assert said(_answer(qtbot, busy_gui, w.reset, 7)) == ("idle", 0)
    assert said(_answer(qtbot, busy_gui, lambda: w.start(until_step=2), 8)) == ("running", 0)
    # Train-until's end is an answer too: the window waits for the run to stop.
    assert said(_answer(qtbot, busy_gui, lambda: None, 9)) == ("paused", 2)
    w.configure(_config(steps=3), moons, True)  # the rest of the run, to its end
    assert said(_answer(qtbot, busy_gui, lambda: None, 10)) == ("paused", 2)
    assert said(_answer(qtbot, busy_gui, w.start, 11)) == ("running", 2)
    finished = _answer(qtbot, busy_gui, lambda: None, 12)
    assert (finished.state, finished.step, finished.message) == ("finished", 3, "finished 3 steps")
    assert len(got) == 12  # nothing else came


def test_reset_draws_the_weights_of_the_seed_it_is_given(qtbot, moons):
    handle = WorkerHandle()
    relay = Relay(handle)
    try:
        w = handle.worker
        w.configure(_config(), moons)
        w.start(until_step=3)
        qtbot.waitUntil(
            lambda: bool(relay.received) and relay.received[-1].state == "paused",
            timeout=WAIT_MS,
        )
        for seed in (7, None):
            count = len(relay.received)
            w.reset(init_seed=seed)
            qtbot.waitUntil(lambda c=count: len(relay.received) > c, timeout=WAIT_MS)
            expected = trainer_for_dataset(_config(init_seed=7), moons).parameter_values()
            # None keeps the seed the run has (7 after the first reset), as Reset does.
            assert w.trainer.parameter_values() == expected
            assert relay.received[-1].step == 0
        assert expected != trainer_for_dataset(_config(), moons).parameter_values()
    finally:
        assert handle.shutdown()


def test_the_worker_thread_is_named_and_a_second_shutdown_is_harmless(qtbot):
    handle = WorkerHandle()
    try:
        assert handle.thread.objectName() == "microgui-training"  # in stack dumps, debuggers
        assert handle.thread.isRunning()
        assert handle.shutdown() is True
        assert not handle.thread.isRunning()
        assert handle.shutdown() is True  # the window closing twice (close event, then quit)
    finally:  # a shutdown that left the thread running must not abort the whole test run
        if handle.thread.isRunning():
            handle.worker.stop()
            handle.thread.quit()
            handle.thread.wait(WAIT_MS)
