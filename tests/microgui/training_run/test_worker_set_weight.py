"""Setting one weight through the worker (TrainingWorker.set_weight), beyond
test_gradient_stats.py: the message in words, an edit while training, before any model."""

from __future__ import annotations

import math
import re
import sys

from test_worker import _config, moons
from window_fixtures import WAIT_MS
from worker_events import last_snapshot, running_from, worker

from microgui.training_run.gradient_stats import evaluate_training_set

__all__ = ["moons", "worker"]  # fixtures, used here by name


def _next_snapshot(qtbot, worker, command):
    count = len(worker.received)
    command()
    qtbot.waitUntil(lambda: len(worker.received) > count, timeout=WAIT_MS)
    return worker.received[-1]


def test_an_output_weight_set_while_paused_is_named_with_its_old_value_and_the_loss(
    qtbot, worker, moons
):
    w = worker.worker
    w.configure(_config(), moons)
    w.start(until_step=2)
    qtbot.waitUntil(
        lambda: bool(worker.received) and worker.received[-1].state == "paused", timeout=WAIT_MS
    )
    old = w.trainer.parameter_values()["layers.2.neurons.0.w.3"]
    snap = _next_snapshot(qtbot, worker, lambda: w.set_weight("layers.2.neurons.0.w.3", 0.123456))
    loss = evaluate_training_set(w.trainer).loss  # the scalar loss, checked in its own tests
    assert (snap.step, snap.state) == (2, "paused")
    assert snap.message == (
        f"Output layer, neuron 1, weight 4 set to 0.1235 (was {old:.4g}): "
        f"training loss at these weights {loss:.4f}"
    )
    assert snap.weights[2][0][0][3] == 0.123456


def test_a_refused_weight_says_why_in_one_line(qtbot, worker, moons):
    w = worker.worker
    w.configure(_config(), moons)
    qtbot.waitUntil(lambda: bool(worker.received), timeout=WAIT_MS)
    snap = _next_snapshot(qtbot, worker, lambda: w.set_weight("layers.0.neurons.0.b", math.inf))
    assert (snap.step, snap.state) == (0, "idle")
    assert re.fullmatch(r"Cannot set that weight: [^\n]*inf[^\n]*", snap.message), snap.message


def test_a_weight_set_while_training_keeps_the_run_going(qtbot, worker, moons):
    w = worker.worker
    w.configure(_config(steps=1_000_000), moons)
    w.start()
    last_snapshot(qtbot, worker, running_from(2))
    w.set_weight("layers.0.neurons.1.w.0", 2.5)
    qtbot.waitUntil(
        lambda: worker.received[-1].message.startswith("Layer 1, neuron 2, weight 1 set to 2.5"),
        timeout=WAIT_MS,
    )
    edited = worker.received[-1]
    assert edited.state == "running" and w.running
    assert re.fullmatch(
        r"Layer 1, neuron 2, weight 1 set to 2\.5 \(was [-+0-9.e]+\): "
        r"training loss at these weights \d+\.\d{4}",
        edited.message,
    )
    qtbot.waitUntil(
        lambda: (
            worker.received[-1].step > edited.step + 2 and worker.received[-1].state == "running"
        ),
        timeout=WAIT_MS,
    )
    w.pause()


def test_a_weight_set_before_any_model_is_ignored(qtbot, worker, moons, monkeypatch):
    errors = []
    monkeypatch.setattr(sys, "excepthook", lambda *args: errors.append(args))
    w = worker.worker
    w.set_weight("layers.0.neurons.0.b", 1.0)  # nothing to set yet: no answer, no error
    w.configure(_config(), moons)
    qtbot.waitUntil(lambda: bool(worker.received), timeout=WAIT_MS)
    first = worker.received[0]
    assert worker.received == [first] and (first.step, first.message) == (0, "")
    assert w.trainer.parameter_values()["layers.0.neurons.0.b"] != 1.0
    assert errors == []
