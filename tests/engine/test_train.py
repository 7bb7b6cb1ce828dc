"""Trainer: the one training loop, against micrograd and against its own promises."""

from __future__ import annotations

import gc
import itertools
import math
import random
import re

import numpy as np
import pytest
from sklearn.datasets import make_blobs, make_moons

from engine.config import ConfigError, TrainConfig
from engine.graph import topological_order
from engine.losses import LOSSES
from engine.metrics import encode_targets, loss_numpy
from engine.nn import MLP
from engine.train import DEFAULT_LOSSES, Trainer, TrainingFinished, resolve_loss
from engine.value import Value

PARAM_NAME = re.compile(r"layers\.\d+\.neurons\.\d+\.(w\.\d+|b)")


def moons(n=40, seed=3):
    X, y = make_moons(n_samples=n, noise=0.1, random_state=seed)
    return X, y.astype(np.float64)


def run(trainer: Trainer, steps: int | None = None) -> list:
    results = []
    while not trainer.finished and (steps is None or len(results) < steps):
        results.append(trainer.step())
    return results


# ---------------------------------------------------------------------- micrograd oracle


def micrograd_demo_loop(X, y01, layers, seed, steps, lr0, lr1):
    """micrograd's demo.ipynb training loop (hinge + 1e-4 L2, linear lr) with micrograd==0.1.0."""
    mg_engine = pytest.importorskip("micrograd.engine")
    mg_nn = pytest.importorskip("micrograd.nn")
    state = random.getstate()
    random.seed(seed)
    model = mg_nn.MLP(X.shape[1], [*layers, 1])
    random.setstate(state)
    y = y01 * 2 - 1
    out = []
    gc.disable()  # micrograd's closures make cycles; collecting per step only saves time
    try:
        for k in range(steps):
            inputs = [list(map(mg_engine.Value, row)) for row in X]
            scores = list(map(model, inputs))
            losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores, strict=True)]
            data_loss = sum(losses) * (1.0 / len(losses))
            total = data_loss + 1e-4 * sum(p * p for p in model.parameters())
            acc = [(yi > 0) == (si.data > 0) for yi, si in zip(y, scores, strict=True)]
            model.zero_grad()
            total.backward()
            lr = lr0 - (lr0 - lr1) * k / steps
            for p in model.parameters():
                p.data -= lr * p.grad
            out.append((float(total.data), sum(acc) / len(acc)))
            gc.collect()
    finally:
        gc.enable()
    return out, [p.data for p in model.parameters()]


def demo_config(**changes) -> TrainConfig:
    base = dict(
        seed=1337,
        test_fraction=0.0,
        layers=(16, 16),
        activation="relu",
        init="micrograd",
        loss="hinge",
        reg="l2",
        reg_strength=1e-4,
        optimizer="sgd",
        lr=1.0,
        schedule="linear",
        final_lr=0.1,
        steps=100,
        execution="scalar",  # micrograd's arithmetic, bit for bit
    )
    base.update(changes)
    return TrainConfig(**base)


def test_every_step_matches_micrograd_on_a_small_demo():
    X, y = moons(n=30, seed=5)
    expected, expected_params = micrograd_demo_loop(X, y, [8, 8], 1337, 12, 1.0, 0.1)
    trainer = Trainer(demo_config(layers=(8, 8), steps=12), X, y, "binary")
    results = run(trainer)
    assert len(results) == 12
    for result, (loss, accuracy) in zip(results, expected, strict=True):
        assert result.loss == pytest.approx(loss, rel=1e-12, abs=1e-15)
        assert result.accuracy == accuracy
    got = list(trainer.parameter_values().values())
    assert got == pytest.approx(expected_params, rel=1e-12, abs=1e-15)


@pytest.mark.slow
def test_micrograd_demo_config_reaches_100_percent_like_the_notebook_loop():
    """The full demo through the Trainer equals the notebook's loop written with engine parts."""
    X, y = make_moons(n_samples=100, noise=0.1, random_state=1337)
    trainer = Trainer(demo_config(), X, y.astype(float), "binary")
    results = run(trainer)
    # The notebook's loop, verbatim, on engine.Value and engine.nn.MLP.
    model = MLP(2, [16, 16, 1], seed=1337)
    ys = y * 2 - 1
    for k in range(100):
        scores = list(map(model, [list(map(Value, row)) for row in X]))
        losses = [(1 + -yi * si).relu() for yi, si in zip(ys, scores, strict=True)]
        total = sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in model.parameters())
        model.zero_grad()
        total.backward()
        for p in model.parameters():
            p.data -= (1.0 - 0.9 * k / 100) * p.grad
        assert results[k].loss == pytest.approx(total.data, rel=1e-12)
    assert results[-1].accuracy == 1.0
    assert results[-1].stop_reason == "steps"
    assert results[-1].lr == pytest.approx(1.0 - 0.9 * 99 / 100)


# ---------------------------------------------------------------------- tasks and losses


def test_default_loss_per_task():
    assert DEFAULT_LOSSES == {"binary": "hinge", "multiclass": "softmax_ce", "regression": "mse"}
    assert resolve_loss("auto", "multiclass") == "softmax_ce"
    with pytest.raises(ConfigError) as info:
        resolve_loss("hinge", "regression")
    assert info.value.field == "loss" and "mse" in str(info.value)
    X, y = make_blobs(n_samples=30, centers=3, random_state=0)
    with pytest.raises(ConfigError, match="does not fit a multiclass"):
        Trainer(TrainConfig(loss="bce"), X, y, "multiclass")


def random_outputs(loss: str, n: int, seed: int, spread: float):
    """(outputs (n, k), encoded targets, k): a batch of model outputs for ``loss``."""
    rng = np.random.default_rng(seed)
    k = 3 if loss == "softmax_ce" else 1
    outputs = rng.normal(size=(n, k)) * spread
    task = "multiclass" if k == 3 else "binary"
    y = rng.integers(0, k if k > 1 else 2, size=n).astype(float)
    return outputs, encode_targets(y, task, loss), k


@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_numpy_test_loss_equals_the_scalar_loss(loss):
    outputs, targets, k = random_outputs(loss, 9, seed=0, spread=3)
    if k == 1:
        scalar = LOSSES[loss]([Value(o) for o in outputs[:, 0]], targets.tolist())
    else:
        scalar = LOSSES[loss]([[Value(v) for v in row] for row in outputs], targets.tolist())
    assert loss_numpy(outputs, targets, loss) == pytest.approx(scalar.data, rel=1e-12)


def test_multiclass_softmax_trains_with_a_test_split():
    X, y = make_blobs(n_samples=90, centers=3, random_state=0)
    config = TrainConfig(optimizer="adam", lr=0.05, steps=60, test_fraction=0.2, layers=(8,))
    trainer = Trainer(config, X, y, "multiclass")
    results = run(trainer)
    assert trainer.nout == 3 and trainer.loss_name == "softmax_ce"
    assert results[-1].loss < results[0].loss / 3
    assert results[-1].accuracy > 0.9 and results[-1].test_accuracy > 0.8
    assert results[-1].rmse is None


def test_regression_reports_r2_and_rmse():
    X = np.linspace(-2, 2, 40).reshape(-1, 1)
    y = np.sin(X[:, 0])
    config = TrainConfig(optimizer="adam", lr=0.02, steps=150, activation="tanh", layers=(8,))
    results = run(Trainer(config, X, y, "regression"))
    last = results[-1]
    assert last.accuracy > 0.9  # R²
    # loss = MSE + a small L2 term, so RMSE² is just under it.
    assert 0.5 * last.loss < last.rmse**2 <= last.loss
    assert last.test_rmse is not None and last.test_accuracy is not None


@pytest.mark.parametrize("loss", ["bce", "mse", "softmax_ce"])
def test_other_binary_losses_learn_moons(loss):
    X, y = moons(n=60)
    config = TrainConfig(loss=loss, optimizer="adam", lr=0.05, steps=80, test_fraction=0)
    trainer = Trainer(config, X, y, "binary")
    results = run(trainer)
    assert trainer.nout == (2 if loss == "softmax_ce" else 1)
    assert results[-1].accuracy >= 0.9


def test_bad_data_is_refused():
    X, y = moons()
    with pytest.raises(ValueError, match="one entry per row"):
        Trainer(TrainConfig(), X, y[:-1], "binary")
    with pytest.raises(ValueError, match="NaN"):
        Trainer(TrainConfig(), np.where(X > 1, np.nan, X), y, "binary")
    with pytest.raises(ValueError, match="class indices"):
        Trainer(TrainConfig(), X, y + 0.5, "binary")
    with pytest.raises(ConfigError, match="task"):
        Trainer(TrainConfig(), X, y, "ranking")


# ---------------------------------------------------------------------- split and batches


def test_split_is_seeded_disjoint_and_keeps_data_order():
    X, y = moons(n=40)
    a = Trainer(TrainConfig(test_fraction=0.25, seed=1), X, y, "binary")
    b = Trainer(TrainConfig(test_fraction=0.25, seed=1), X, y, "binary")
    c = Trainer(TrainConfig(test_fraction=0.25, seed=2), X, y, "binary")
    assert len(a.y_test) == 10 and len(a.y_train) == 30
    assert np.array_equal(a.X_test, b.X_test) and not np.array_equal(a.X_test, c.X_test)
    rows = {tuple(r) for r in X}
    train_rows = [tuple(r) for r in a.X_train]
    assert set(train_rows) | {tuple(r) for r in a.X_test} == rows
    assert not set(train_rows) & {tuple(r) for r in a.X_test}
    positions = [next(i for i, r in enumerate(X) if tuple(r) == t) for t in train_rows]
    assert positions == sorted(positions)


def test_test_fraction_that_leaves_no_training_data_is_refused():
    with pytest.raises(ConfigError) as info:
        Trainer(TrainConfig(test_fraction=0.5), np.zeros((1, 2)), np.zeros(1), "binary")
    assert info.value.field == "test_fraction"
    assert str(info.value) == (
        "test_fraction: 0.5 leaves no training samples out of 1; use a smaller one"
    )


def test_minibatches_are_seeded_and_sized():
    X, y = moons(n=40)
    config = TrainConfig(batch_size=8, steps=10, test_fraction=0, execution="scalar")
    a = run(Trainer(config, X, y, "binary"))
    b = run(Trainer(config, X, y, "binary"))
    c = run(Trainer(config.replace(seed=9, init_seed=0), X, y, "binary"))
    assert [r.loss for r in a] == [r.loss for r in b]
    assert [r.loss for r in a] != [r.loss for r in c]
    full = Trainer(config.replace(batch_size=None), X, y, "binary").step()
    assert a[0].nodes < full.nodes  # 8 samples per graph instead of 40


def _forward_by_hand(trainer: Trainer, X: np.ndarray) -> np.ndarray:
    """The MLP's outputs from its weight arrays: relu hidden layers, a linear last one."""
    layers = trainer.weight_arrays()
    out = X
    for i, (W, b) in enumerate(layers):
        out = out @ W.T + b
        if i < len(layers) - 1:
            out = np.maximum(out, 0.0)
    return out


def _loss_by_hand(loss: str, out: np.ndarray, y: np.ndarray) -> float:
    """Each loss's textbook formula on the rows' own labels (y as the dataset gives them)."""
    s = out[:, 0]
    if loss == "hinge":
        return float(np.mean(np.maximum(0.0, 1.0 - np.where(y > 0.5, 1.0, -1.0) * s)))
    if loss == "bce":
        p = 1.0 / (1.0 + np.exp(-s))
        return float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))
    if loss == "mse":
        return float(np.mean((s - y) ** 2))
    logits = out - out.max(axis=1, keepdims=True)  # softmax_ce
    log_softmax = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return float(-np.mean(log_softmax[np.arange(len(y)), y.astype(int)]))


def _next_batch_rows(trainer: Trainer, size: int) -> np.ndarray:
    """The rows the next step will draw: micrograd's permutation(n)[:batch_size], from the
    minibatch generator's state as the trainer exports it."""
    rng = np.random.default_rng()
    rng.bit_generator.state = trainer.state_dict()["batch_rng"]
    return rng.permutation(len(trainer.y_train))[:size]


MINIBATCH_TASKS = {
    "hinge": ("binary", lambda: moons(n=40)),
    "bce": ("binary", lambda: moons(n=40)),
    "softmax_ce": (
        "multiclass",
        lambda: (lambda X, y: (X, y.astype(float)))(*make_blobs(40, centers=3, random_state=2)),
    ),
    "mse": (
        "regression",
        lambda: (np.linspace(-1, 1, 40)[:, None], np.sin(np.linspace(-3, 3, 40))),
    ),
}


@pytest.mark.parametrize("loss", sorted(MINIBATCH_TASKS))
def test_a_minibatch_steps_loss_is_the_loss_of_its_chosen_rows_by_hand(loss):
    task, make_data = MINIBATCH_TASKS[loss]
    X, y = make_data()
    config = TrainConfig(
        batch_size=8, steps=10, test_fraction=0.25, reg="none", loss=loss, layers=(6,), lr=0.05
    )
    trainer = Trainer(config, X, y, task)
    seen = set()
    for _ in range(4):
        rows = _next_batch_rows(trainer, 8)
        seen.update(rows.tolist())
        out = _forward_by_hand(trainer, trainer.X_train[rows])
        labels = trainer.y_train[rows]
        result = trainer.step()
        assert result.loss == pytest.approx(_loss_by_hand(loss, out, labels), rel=1e-10)
        if task == "binary":
            assert result.accuracy == np.mean((out[:, 0] > 0) == (labels > 0.5))
        elif task == "multiclass":
            assert result.accuracy == np.mean(out.argmax(axis=1) == labels)
    assert len(seen) > 8  # the batches differ from step to step


def test_minibatch_training_learns():
    X, y = make_moons(n_samples=120, noise=0.1, random_state=4)
    config = TrainConfig(
        batch_size=12, steps=300, test_fraction=0.25, optimizer="adam", lr=0.03, layers=(12, 12)
    )
    trainer = Trainer(config, X, y.astype(float), "binary")
    run(trainer)
    for X_part, y_part in ((trainer.X_train, trainer.y_train), (trainer.X_test, trainer.y_test)):
        accuracy = np.mean((_forward_by_hand(trainer, X_part)[:, 0] > 0) == (y_part > 0.5))
        assert accuracy >= 0.95, accuracy


# ---------------------------------------------------------------------- divergence


def test_lr_100_diverges_with_the_step_and_a_parameter_named():
    X, y = moons(n=100, seed=1337)
    trainer = Trainer(TrainConfig(lr=100.0, steps=100), X, y, "binary")
    snapshots = [trainer.parameter_values()]
    while not trainer.finished:
        result = trainer.step()
        if result.finite:
            snapshots.append(trainer.parameter_values())
    assert trainer.diverged and not result.finite and result.stop_reason == "diverged"
    k = result.step
    assert k < 10
    assert f"diverged at step {k}" in result.message
    assert PARAM_NAME.search(result.message)
    assert "learning rate (100)" in result.message
    # The loss exploded: the weights go back to those that gave the last sane loss.
    assert trainer.parameter_values() == snapshots[k - 1]
    assert all(math.isfinite(v) for v in trainer.parameter_values().values())
    with pytest.raises(TrainingFinished, match="diverged"):
        trainer.step()
    with pytest.raises(TrainingFinished):
        trainer.clear_stop()


def _crafted_trainer(lr: float) -> Trainer:
    """One input of about 1e200 and hand-set weights: finite loss, overflowing gradients."""
    X = np.array([[1e200], [2e200]])
    y = np.array([0.0, 1.0])
    config = TrainConfig(
        layers=(2,), reg="none", lr=lr, test_fraction=0, divergence_factor=None, scaling="none"
    )
    trainer = Trainer(config, X, y, "binary")
    for name, p in trainer.model.named_parameters():
        p.data = 1e-200 if name.startswith("layers.0") and ".w." in name else p.data
        p.data = 1e200 if name.startswith("layers.1") and ".w." in name else p.data
        p.data = 0.0 if name.endswith(".b") else p.data
    return trainer


def test_non_finite_gradient_names_the_first_parameter_and_keeps_the_weights():
    trainer = _crafted_trainer(lr=0.1)
    before = trainer.parameter_values()
    result = trainer.step()
    assert not result.finite and math.isfinite(result.loss)
    assert "diverged at step 0: the gradient of layers.0.neurons.0.w.0 is" in result.message
    assert trainer.parameter_values() == before
    assert trainer.steps_done == 0


def test_update_that_overflows_is_undone():
    X, y = moons(n=20)
    trainer = Trainer(
        TrainConfig(lr=1e308, reg="none", divergence_factor=None, test_fraction=0, scaling="none"),
        X * 1e10,
        y,
        "binary",
    )
    before = trainer.parameter_values()
    result = trainer.step()
    assert not result.finite
    assert re.search(
        r"parameter layers\.\d+\.neurons\.\d+\.(w\.\d+|b) became -?inf", result.message
    )
    assert trainer.parameter_values() == before


# ---------------------------------------------------------------------- stop rules


def test_stop_conditions_and_clear_stop():
    X, y = moons(n=60)
    base = TrainConfig(steps=500, lr=0.5, test_fraction=0)
    r = run(Trainer(base.replace(target_accuracy=0.85), X, y, "binary"))
    assert r[-1].stop_reason == "target_accuracy" and r[-1].accuracy >= 0.85
    assert all(x.accuracy < 0.85 for x in r[:-1])
    r = run(Trainer(base.replace(target_loss=0.5), X, y, "binary"))
    assert r[-1].stop_reason == "target_loss" and r[-1].loss <= 0.5
    assert "target loss" in r[-1].message
    trainer = Trainer(base.replace(patience=3, lr=1e-300), X, y, "binary")
    r = run(trainer)
    assert r[-1].stop_reason == "patience" and len(r) < 500
    trainer = Trainer(base.replace(steps=3), X, y, "binary")
    assert len(run(trainer)) == 3 and trainer.message == "finished 3 steps"
    with pytest.raises(TrainingFinished):
        trainer.step()
    trainer.clear_stop()
    assert trainer.step().step == 3


# ---------------------------------------------------------------------- atomic steps, memory


def test_a_step_interrupted_anywhere_leaves_no_trace():
    import signal

    X, y = moons(n=30)
    config = TrainConfig(steps=40, optimizer="adam", lr=0.05, batch_size=10, test_fraction=0.2)
    reference = Trainer(config, X, y, "binary")
    expected = [reference.parameter_values()]
    for _ in range(40):
        reference.step()
        expected.append(reference.parameter_values())
    trainer = Trainer(config, X, y, "binary")
    step_time = max(r.seconds for r in reference.history)
    rng = random.Random(0)

    def interrupt(*_):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    interrupted = 0
    try:
        while not trainer.finished:
            try:  # one-shot timer: it fires at most once, wherever it lands
                try:
                    signal.setitimer(signal.ITIMER_REAL, rng.uniform(1e-5, step_time))
                    trainer.step()
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
            except KeyboardInterrupt:
                interrupted += 1
            assert trainer.parameter_values() == expected[trainer.steps_done]
            assert len(trainer.history) == trainer.steps_done
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert interrupted > 0
    assert [r.loss for r in trainer.history] == [r.loss for r in reference.history]


@pytest.mark.slow
def test_no_memory_growth_over_1000_steps():
    import tracemalloc

    X, y = moons(n=20)
    trainer = Trainer(TrainConfig(layers=(4,), steps=1000, test_fraction=0), X, y, "binary")
    for _ in range(100):  # warm up caches and the history's arrays
        trainer.step()
    gc.collect()
    tracemalloc.start()
    start = tracemalloc.get_traced_memory()[0]
    run(trainer)
    gc.collect()
    grown = tracemalloc.get_traced_memory()[0] - start
    tracemalloc.stop()
    assert trainer.steps_done == 1000
    # The history keeps 11 numbers per step (~100 bytes); one leaked graph of
    # this step would be ~20 samples x 5 nodes x ~200 bytes = 20 kB per step.
    assert grown < 900 * 200 + 64_000, f"grew {grown} bytes over 900 steps"


# ---------------------------------------------------------------------- reading


def test_nodes_count_the_real_graph_and_predict_matches_the_scalar_forward():
    X, y = moons(n=25)
    trainer = Trainer(TrainConfig(test_fraction=0.2, layers=(5, 3)), X, y, "binary")
    result = trainer.step()
    model = trainer.model
    scores = model.forward_batch(trainer.X_train.tolist())
    total = LOSSES["hinge"](scores, encode_targets(trainer.y_train, "binary", "hinge").tolist())
    from engine.losses import l2_penalty

    total = total + l2_penalty(model.parameters(), 1e-4)
    assert result.nodes == len(topological_order(total))
    predicted = trainer.predict(trainer.X_train)[:, 0]
    assert predicted == pytest.approx([s.data for s in scores], abs=1e-12)
    arrays = trainer.weight_arrays()
    assert [w.shape for w, _ in arrays] == [(5, 2), (3, 5), (1, 3)]
    assert len(trainer.history) == 1 and trainer.history[0] == result


# ---------------------------------------------------------------------- threads


def _wait_until(condition, timeout=20.0):
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.005)


def test_pause_step_resume_stop_and_reset_from_another_thread():
    import threading
    import time

    X, y = moons(n=20)
    trainer = Trainer(TrainConfig(layers=(4,), steps=100_000, test_fraction=0), X, y, "binary")
    seen = []
    outcome = {}
    worker = threading.Thread(target=lambda: outcome.setdefault("last", trainer.run(seen.append)))
    worker.start()
    try:
        _wait_until(lambda: trainer.steps_done >= 5)
        trainer.pause()
        assert trainer.is_paused
        paused_at = trainer.steps_done
        time.sleep(0.2)
        assert trainer.steps_done <= paused_at + 1  # at most the step in flight finished
        settled = trainer.steps_done
        manual = trainer.step()  # step-by-step while paused, from this thread
        assert manual.step == settled and trainer.steps_done == settled + 1
        trainer.reset()  # waits for the lock; the run continues from step 0 after resume
        assert trainer.steps_done == 0 and len(trainer.history) == 0
        trainer.resume()
        _wait_until(lambda: trainer.steps_done >= 5)
        trainer.stop()
        worker.join(timeout=20)
        assert not worker.is_alive()
    finally:
        trainer.stop()
        trainer.resume()
        worker.join(timeout=20)
    assert outcome["last"] is seen[-1]
    assert [r.step for r in trainer.history] == list(range(trainer.steps_done))
    # stop() only ends a run in progress: the next run() trains again.
    assert trainer.run(max_steps=3) is not None and len(trainer.history) >= 8


def test_reset_with_a_new_init_seed_changes_only_the_weights():
    X, y = moons(n=20)
    trainer = Trainer(TrainConfig(test_fraction=0.2), X, y, "binary")
    first = trainer.parameter_values()
    test_rows = trainer.X_test.copy()
    run(trainer, 3)
    trainer.reset()
    assert trainer.parameter_values() == first
    trainer.reset(init_seed=99)
    assert trainer.parameter_values() != first
    assert trainer.config.init_seed == 99
    assert np.array_equal(trainer.X_test, test_rows)


def test_set_parameter_values_loads_weights_by_name_or_changes_nothing():
    X, y = moons()
    config = TrainConfig(layers=(3,), test_fraction=0, steps=5)
    source = Trainer(config.replace(init_seed=11), X, y, "binary")
    run(source, 2)
    target = Trainer(config, X, y, "binary")
    original = target.parameter_values()
    assert original != source.parameter_values()
    for bad, says in (
        ({k: v for k, v in list(source.parameter_values().items())[1:]}, "missing"),
        (dict(source.parameter_values(), **{"layers.9.neurons.0.b": 0.0}), "unexpected"),
        (dict(source.parameter_values(), **{"layers.0.neurons.0.b": math.nan}), "finite"),
    ):
        with pytest.raises(ValueError, match=says):
            target.set_parameter_values(bad)
        assert target.parameter_values() == original  # all or nothing
    target.set_parameter_values(source.parameter_values())
    assert target.parameter_values() == source.parameter_values()
    assert target.steps_done == 0
    np.testing.assert_array_equal(target.predict(X), source.predict(X))  # the same function


# ------------------------------------------------------ gradients per layer, one weight edited


def torch_layer_gradient_norms(weights: dict[str, float], X, y01, layers, reg_strength):
    """Per-layer weight-gradient norms of hinge + L2 on (X, y), computed by PyTorch (float64)."""
    torch = pytest.importorskip("torch")
    sizes = [X.shape[1], *layers, 1]
    params = []
    for i, (nin, nout) in enumerate(itertools.pairwise(sizes)):
        w = [[weights[f"layers.{i}.neurons.{j}.w.{k}"] for k in range(nin)] for j in range(nout)]
        b = [weights[f"layers.{i}.neurons.{j}.b"] for j in range(nout)]
        params.append(
            (
                torch.tensor(w, dtype=torch.float64, requires_grad=True),
                torch.tensor(b, dtype=torch.float64, requires_grad=True),
            )
        )
    h = torch.tensor(X, dtype=torch.float64)
    for i, (w, b) in enumerate(params):
        h = h @ w.T + b
        if i < len(params) - 1:
            h = torch.relu(h)
    target = torch.tensor(np.where(y01 > 0.5, 1.0, -1.0), dtype=torch.float64)
    loss = torch.relu(1 - target * h[:, 0]).mean()
    loss = loss + reg_strength * sum((p * p).sum() for pair in params for p in pair)
    loss.backward()
    return [float(w.grad.norm()) for w, _ in params]


@pytest.mark.parametrize("execution", ["scalar", "vectorized"])
def test_layer_gradient_norms_are_the_last_steps_weight_gradients_as_torch_computes_them(
    execution,
):
    X, y = moons(30)
    config = demo_config(layers=(5, 4), steps=10, lr=0.5, final_lr=0.05, execution=execution)
    trainer = Trainer(config, X, y, "binary")
    assert trainer.layer_gradient_norms() == [0.0, 0.0, 0.0]  # no step yet
    for _ in range(3):
        before = trainer.parameter_values()
        trainer.step()
        X_train, y_train = trainer.X_train, trainer.y_train
        expected = torch_layer_gradient_norms(before, X_train, y_train, (5, 4), 1e-4)
        np.testing.assert_allclose(trainer.layer_gradient_norms(), expected, rtol=1e-10)
    trainer.reset()
    assert trainer.layer_gradient_norms() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize("execution", ["scalar", "vectorized"])
def test_set_parameter_changes_one_weight_and_training_goes_on_from_it(execution):
    X, y = moons()
    config = TrainConfig(
        layers=(3,), test_fraction=0, steps=6, optimizer="adam", lr=0.05, execution=execution
    )
    trainer = Trainer(config, X, y, "binary")
    run(trainer, 2)
    reference = Trainer(config, X, y, "binary")
    run(reference, 2)
    name = "layers.0.neurons.1.w.0"
    old = trainer.parameter_values()[name]
    assert trainer.set_parameter(name, 0.75) == old
    values = trainer.parameter_values()
    assert values[name] == 0.75
    assert {k: v for k, v in values.items() if k != name} == {
        k: v for k, v in reference.parameter_values().items() if k != name
    }
    # The oracle: a reference with every weight set by name steps to the same weights
    # (the optimizer's moments are kept, not reset).
    reference.set_parameter_values(values)
    trainer.step()
    reference.step()
    assert trainer.parameter_values() == reference.parameter_values()
    assert trainer.steps_done == 3


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("layers.0.neurons.9.w.0", 1.0, "no parameter"),
        ("layers.0.neurons.0.w.0", math.nan, "finite"),
        ("layers.0.neurons.0.w.0", math.inf, "finite"),
        ("layers.0.neurons.0.b", "1.0", "must be a number"),
        ("layers.0.neurons.0.b", True, "must be a number"),
    ],
)
def test_set_parameter_refuses_unknown_names_and_bad_values_and_changes_nothing(name, value, says):
    X, y = moons()
    trainer = Trainer(TrainConfig(layers=(3,), test_fraction=0, steps=5), X, y, "binary")
    before = trainer.parameter_values()
    with pytest.raises(ValueError, match=says):
        trainer.set_parameter(name, value)
    assert trainer.parameter_values() == before


@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_numpy_sample_losses_equal_the_scalar_loss_of_each_sample(loss):
    from engine.metrics import sample_losses_numpy

    outputs, targets, k = random_outputs(loss, 7, seed=1, spread=2)
    per_sample = sample_losses_numpy(outputs, targets, loss)
    assert per_sample.shape == (7,)
    for row, target, value in zip(outputs, targets.tolist(), per_sample, strict=True):
        if k == 1:
            scalar = LOSSES[loss]([Value(row[0])], [target])
        else:
            scalar = LOSSES[loss]([[Value(v) for v in row]], [target])
        assert value == pytest.approx(scalar.data, rel=1e-12, abs=1e-15)


def test_a_step_schedule_decays_by_gamma_every_step_size_steps_as_configured():
    X, y = moons(n=12)
    config = TrainConfig(
        seed=0,
        test_fraction=0.0,
        layers=(2,),
        lr=0.1,
        schedule="step",
        step_size=2,
        gamma=0.25,  # not the schedule's default (0.5)
        steps=30,
        execution="scalar",
    )
    trainer = Trainer(config, X, y, "binary")
    run(trainer, steps=5)
    # base_lr * gamma ** (k // 2) for k = 0..4, by hand
    assert trainer.history.column("lr").tolist() == [0.1, 0.1, 0.025, 0.025, 0.00625]


def test_a_run_has_no_message_until_it_stops():
    X, y = moons(n=12)
    trainer = Trainer(demo_config(layers=(2,), steps=30), X, y, "binary")
    assert (trainer.message, trainer.stop_reason) == ("", "")
    run(trainer, steps=3)
    assert (trainer.message, trainer.stop_reason) == ("", "")
    assert trainer.state_dict()["message"] == ""


def test_a_session_saved_before_the_first_step_counts_no_steps_without_improvement():
    X, y = moons(n=12)
    trainer = Trainer(demo_config(layers=(2,), steps=30, patience=3), X, y, "binary")
    assert trainer.state_dict()["since_best"] == 0


def test_the_trainer_keeps_a_private_copy_of_the_dataset_parameters():
    X, y = moons(n=12)
    config = TrainConfig(layers=(2,), dataset="moons", dataset_params={"noise": 0.1})
    trainer = Trainer(config, X, y, "binary")
    config.dataset_params["noise"] = 0.3  # the caller edits its config afterwards
    assert trainer.config.dataset_params == {"noise": 0.1}
    trainer.config.dataset_params["n_samples"] = 12
    assert config.dataset_params == {"noise": 0.3}
