"""A run with a test split: the test loss is the held-out rows' loss plus the same
penalty as the training loss, patience watches that test loss, and a reached
target names the task's own metric.

The expected test loss is computed by the scalar engine itself (the model's
Values on the test rows, the loss and penalty functions of engine.losses), at
the weights the step's forward pass used.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_moons

from engine.config import TrainConfig
from engine.losses import LOSSES, l1_penalty, l2_penalty
from engine.metrics import encode_targets
from engine.train import Trainer
from engine.value import Value

PENALTIES = {"l2": l2_penalty, "l1": l1_penalty}


def _scalar_test_loss(trainer: Trainer) -> float:
    """The test rows' loss and the penalty, by the scalar engine at the current weights."""
    rows = [[Value(float(v)) for v in row] for row in trainer.Z_test]
    outputs = [trainer.model(row) for row in rows]
    targets = encode_targets(
        trainer.preprocessor.scale_targets(trainer.y_test), trainer.task, trainer.loss_name
    )
    loss = LOSSES[trainer.loss_name](outputs, targets.tolist()).data
    params = trainer.model.parameters()
    return loss + PENALTIES[trainer.config.reg](params, trainer.config.reg_strength).data


@pytest.mark.parametrize(
    ("task", "reg", "execution"),
    [
        ("binary", "l2", "scalar"),
        ("binary", "l1", "vectorized"),
        ("regression", "l2", "vectorized"),
        ("multiclass", "l2", "scalar"),
    ],
)
def test_the_test_loss_is_the_test_rows_loss_plus_the_penalty(task, reg, execution):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(48, 3))
    y = {
        "binary": (X[:, 0] > 0).astype(float),
        "regression": X[:, 0] - 2 * X[:, 1],
        "multiclass": np.digitize(X[:, 0], [-0.4, 0.4]).astype(float),
    }[task]
    config = TrainConfig(
        layers=(5,),
        lr=0.05,
        steps=10,
        test_fraction=0.25,
        reg=reg,
        reg_strength=0.01,  # large enough that a wrong sign moves the loss visibly
        execution=execution,
    )
    trainer = Trainer(config, X, y, task)
    for _ in range(4):
        expected = _scalar_test_loss(trainer)  # the weights this step's forward uses
        result = trainer.step()
        assert result.test_loss == pytest.approx(expected, rel=1e-9, abs=1e-12)
    assert len(trainer.y_test) == 12


def _stop_step_of(losses: list[float], patience: int) -> int | None:
    """The step at which `patience` steps without a new best loss have passed."""
    best, since = float("inf"), 0
    for step, loss in enumerate(losses):
        if loss < best:
            best, since = loss, 0
        else:
            since += 1
        if since >= patience:
            return step
    return None


def test_patience_watches_the_test_loss_when_there_is_a_test_split():
    # Noisy labels and a wide network: the training loss keeps falling while the
    # test loss turns up, so the two would stop the run at different steps.
    X, y = make_moons(n_samples=80, noise=0.45, random_state=2)
    config = TrainConfig(
        layers=(32, 32), optimizer="adam", lr=0.05, steps=300, test_fraction=0.3, patience=4
    )
    trainer = Trainer(config, X, y, "binary")
    results = []
    while not trainer.finished:
        results.append(trainer.step())
    test_losses = [r.test_loss for r in results]
    stop = _stop_step_of(test_losses, 4)
    assert stop is not None and stop != _stop_step_of([r.loss for r in results], 4)
    assert (trainer.stop_reason, results[-1].step) == ("patience", stop)
    assert trainer.message == f"no improvement of the test loss for 4 steps (step {stop})"


@pytest.mark.parametrize(("task", "metric"), [("binary", "accuracy"), ("regression", "R²")])
def test_a_reached_target_names_the_tasks_metric(task, metric):
    X, y = make_moons(n_samples=60, noise=0.1, random_state=0)
    if task == "regression":
        y = X[:, 0] + X[:, 1]
    config = TrainConfig(layers=(8,), optimizer="adam", lr=0.05, steps=500, target_accuracy=0.5)
    trainer = Trainer(config, X, y, task)
    last = trainer.run()
    assert trainer.stop_reason == "target_accuracy"
    assert trainer.message == f"reached the target {metric} 0.5 at step {last.step}"


@pytest.mark.parametrize("execution", ["scalar", "vectorized"])
def test_test_rows_that_overflow_add_no_numpy_warning(execution):
    # Weights far too large for the test rows' forward pass: numpy must stay quiet
    # (the training loss reports the trouble in one message, as for the scalar run).
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    y = X[:, 0] * 3.0
    config = TrainConfig(
        layers=(16, 16),
        lr=1e6,
        steps=30,
        test_fraction=0.25,
        divergence_factor=None,
        execution=execution,
    )
    trainer = Trainer(config, X, y, "regression")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trainer.run()
    assert trainer.stop_reason == "diverged"


def test_a_small_test_fraction_still_holds_out_one_row():
    # 10 rows x 0.04 rounds to 0 test rows: at least one is held out, and only one.
    X, y = make_moons(n_samples=10, noise=0.1, random_state=0)
    trainer = Trainer(TrainConfig(layers=(2,), test_fraction=0.04), X, y, "binary")
    assert (len(trainer.y_test), len(trainer.y_train)) == (1, 9)
