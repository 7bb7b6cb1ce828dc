"""The gradient story the worker sends: gradient norms per step, sample losses, dead units,
and a weight edited through the worker. Checked against the scalar engine as the oracle."""

from __future__ import annotations

import math

import numpy as np
import pytest
from engine_oracle import scalar_mlp
from test_worker import _config, moons, worker
from window_fixtures import WAIT_MS

from engine import Value
from engine.losses import LOSSES
from engine.metrics import encode_targets
from microgui.training_run.gradient_stats import GradientRecord

__all__ = ["moons", "worker"]  # fixtures of test_worker, used here by name


def wait_step(qtbot, worker, step: int, state: str = "paused"):
    qtbot.waitUntil(
        lambda: (
            bool(worker.received)
            and worker.received[-1].step == step
            and worker.received[-1].state == state
        ),
        timeout=WAIT_MS,
    )
    return worker.received[-1]


def test_snapshots_carry_every_steps_gradient_norms_per_layer(qtbot, worker, moons):
    w = worker.worker
    w.configure(_config(), moons)
    w.start(until_step=12)
    snap = wait_step(qtbot, worker, 12)
    norms = snap.gradient_norms
    assert norms.steps.tolist() == list(range(12))  # one row per step, steps 0..11
    assert norms.norms.shape == (12, 3)  # layers 4, 4 and the output
    # The last row is what the trainer holds after step 11 (checked against torch in
    # tests/engine/test_train.py).
    assert norms.norms[-1].tolist() == w.trainer.layer_gradient_norms()
    assert np.all(norms.norms > 0)
    w.reset()
    qtbot.waitUntil(lambda: worker.received[-1].step == 0, timeout=WAIT_MS)
    assert len(worker.received[-1].gradient_norms.steps) == 0  # a new run starts afresh


def test_sample_losses_are_each_training_samples_scalar_loss(qtbot, worker, moons):
    w = worker.worker
    w.configure(_config(test_fraction=0.25), moons)
    w.start(until_step=5)
    snap = wait_step(qtbot, worker, 5)
    trainer = w.trainer
    model = scalar_mlp(snap.weights)
    targets = encode_targets(trainer.y_train, "binary", "hinge").tolist()
    assert len(snap.sample_losses) == len(trainer.X_train) == 30
    for x, t, got in zip(trainer.X_train, targets, snap.sample_losses, strict=True):
        score = model([Value(float(v)) for v in x])
        assert got == pytest.approx(LOSSES["hinge"]([score], [t]).data, rel=1e-12, abs=1e-12)


def test_a_weight_set_through_the_worker_changes_the_model_and_marks_a_dead_unit(
    qtbot, worker, moons
):
    w = worker.worker
    w.configure(_config(), moons)
    w.start(until_step=3)
    before = wait_step(qtbot, worker, 3)
    assert not before.dead_units[0][1]
    count = len(worker.received)
    w.set_weight("layers.0.neurons.1.b", -100.0)  # no sample can switch this ReLU on
    qtbot.waitUntil(lambda: len(worker.received) > count, timeout=WAIT_MS)
    snap = worker.received[-1]
    assert snap.step == 3 and snap.state == "paused"  # an edit is not a training step
    assert snap.weights[0][1][1] == -100.0
    W0, b0 = before.weights[0]
    assert np.array_equal(snap.weights[0][0], W0) and b0[1] != -100.0
    # Dead units, checked with the scalar engine: active on no training sample.
    model = scalar_mlp(snap.weights)
    X = w.trainer.X_train
    for layer, dead in enumerate(snap.dead_units):
        for unit, is_dead in enumerate(dead):
            activations = []
            for x in X:
                h = [Value(float(v)) for v in x]
                for lay in model.layers[: layer + 1]:
                    h = lay.forward(h)
                activations.append(h[unit].data)
            assert is_dead == (max(activations) <= 0.0), (layer, unit)
    assert snap.dead_units[0][1]
    # The message names the weight counted from 1 and the loss at these weights.
    losses = [
        LOSSES["hinge"]([model([Value(float(v)) for v in x])], [t]).data
        for x, t in zip(X, encode_targets(w.trainer.y_train, "binary", "hinge"), strict=True)
    ]
    config = w.trainer.config
    assert config.reg == "l2"
    penalty = config.reg_strength * math.fsum(p.data**2 for p in model.parameters())
    loss = math.fsum(losses) / len(losses) + penalty
    assert snap.message.startswith("Layer 1, neuron 2, bias set to -100 (was ")
    assert snap.message.endswith(f"training loss at these weights {loss:.4f}")
    # Training goes on from the edited weights.
    w.step()
    after = wait_step(qtbot, worker, 4)
    assert after.weights[0][1][1] == pytest.approx(-100.0, abs=1.0)


def test_a_bad_weight_edit_is_refused_with_a_message_and_changes_nothing(qtbot, worker, moons):
    w = worker.worker
    w.configure(_config(), moons)
    w.step()
    before = wait_step(qtbot, worker, 1)
    for name, value in (("layers.7.neurons.0.b", 1.0), ("layers.0.neurons.0.b", math.nan)):
        count = len(worker.received)
        w.set_weight(name, value)
        qtbot.waitUntil(lambda c=count: len(worker.received) > c, timeout=WAIT_MS)
        snap = worker.received[-1]
        assert snap.message.startswith("Cannot set that weight:")
        for (W, b), (W0, b0) in zip(snap.weights, before.weights, strict=True):
            assert np.array_equal(W, W0) and np.array_equal(b, b0)


def test_the_gradient_record_thins_and_restarts_on_another_network():
    record = GradientRecord()
    for step in range(10):
        record.append(step, [step + 0.5, 2.0 * step])
    thinned = record.thinned(np.array([0, 4, 9]))
    assert thinned.steps.tolist() == [0, 4, 9]
    assert thinned.norms.tolist() == [[0.5, 0.0], [4.5, 8.0], [9.5, 18.0]]
    record.append(10, [1.0, 2.0, 3.0])  # three layers now: the old rows do not fit
    assert len(record) == 1 and record.thinned(np.array([0])).norms.shape == (1, 3)
