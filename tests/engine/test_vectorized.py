"""The vectorized execution computes what the scalar graph computes, at every step.

For every activation x loss x optimizer x regulariser, with full and mini
batches, two Trainers with the same config (one ``execution="scalar"``, one
``"vectorized"``) take 50 steps side by side; at every step their losses,
gradients and weights must agree within 1e-9 relative. The whole product is
marked slow but for a few cases that hold every pair of factor values. The
scalar engine is the definition (checked against micrograd and PyTorch
elsewhere), so this proves the numpy path trains the same network.

"Relative" per element: |a - b| <= 1e-9 * max(|a|, |b|). A gradient entry is
a sum over the batch whose terms may cancel; an entry far smaller than the
largest one is compared against 1e-3 of the largest instead (its rounding
comes from terms of the larger size).
"""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from sklearn.datasets import make_blobs, make_moons, make_regression

from engine.config import TrainConfig
from engine.train import Trainer

RTOL = 1e-9
STEPS = 50

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
# (task, loss): every loss, on the tasks it fits.
LOSSES = (
    ("binary", "hinge"),
    ("binary", "bce"),
    ("binary", "mse"),
    ("binary", "softmax_ce"),
    ("multiclass", "softmax_ce"),
    ("regression", "mse"),
)
OPTIMIZERS = (
    {"optimizer": "sgd", "lr": 0.05},
    {"optimizer": "sgd", "lr": 0.05, "momentum": 0.9},
    {"optimizer": "adam", "lr": 0.02},
)
REGULARIZERS = ("none", "l1", "l2")
BATCHES = (None, 8)
SCHEDULES = ("constant", "linear", "cosine", "step")


def _data(task: str) -> tuple[np.ndarray, np.ndarray]:
    if task == "binary":
        X, y = make_moons(n_samples=20, noise=0.2, random_state=0)
    elif task == "multiclass":
        X, y = make_blobs(n_samples=20, centers=3, random_state=0)
    else:
        X, y = make_regression(n_samples=20, n_features=2, noise=5.0, random_state=0)
        y = y / np.std(y)
    return X, y.astype(np.float64)


CASES = list(itertools.product(ACTIVATIONS, LOSSES, OPTIMIZERS, REGULARIZERS, BATCHES))


def _case_id(case) -> str:
    activation, (task, loss), optimizer, reg, batch = case
    opt = optimizer["optimizer"] + ("-momentum" if optimizer.get("momentum") else "")
    return f"{activation}-{task}-{loss}-{opt}-{reg}-{'full' if batch is None else 'mini'}"


def _schedule(case) -> str:
    return SCHEDULES[CASES.index(case) % len(SCHEDULES)]


def _factors(case) -> tuple:
    activation, loss, optimizer, reg, batch = case
    return (activation, loss, json.dumps(optimizer), reg, batch, _schedule(case))


def _pairwise(cases: list) -> set[int]:
    """Indices of a few cases that together hold every pair of factor values the product holds.

    Greedy: take the case that covers most pairs not yet covered, until none is left.
    """
    pairs_of = [
        {(i, a, j, b) for (i, a), (j, b) in itertools.combinations(enumerate(_factors(c)), 2)}
        for c in cases
    ]
    uncovered = set().union(*pairs_of)
    chosen: set[int] = set()
    while uncovered:
        best = max(range(len(cases)), key=lambda k: len(pairs_of[k] & uncovered))
        chosen.add(best)
        uncovered -= pairs_of[best]
    return chosen


# Every pair of values of any two factors runs in the fast suite (the mutation subset
# runs only that: this file held two thirds of tests/engine's time); the whole product
# is marked slow, and the full test command runs it.
PAIRWISE = _pairwise(CASES)
PARAMS = [
    pytest.param(case, id=_case_id(case), marks=() if k in PAIRWISE else pytest.mark.slow)
    for k, case in enumerate(CASES)
]


def assert_agree(ours, reference, what: str, step: int, floor: float = 0.0) -> None:
    a = np.asarray(ours, dtype=np.float64)
    b = np.asarray(reference, dtype=np.float64)
    assert a.shape == b.shape and np.isfinite(a).all() and np.isfinite(b).all()
    size = np.maximum(np.abs(a), np.abs(b))
    bound = RTOL * np.maximum(size, floor * float(np.max(size, initial=0.0)))
    worst = np.abs(a - b) - bound
    k = int(np.argmax(worst))
    assert worst.flat[k] <= 0.0, (
        f"step {step}: {what}[{k}] vectorized {a.flat[k]!r} vs scalar {b.flat[k]!r}"
    )


def _pair(config: TrainConfig, task: str) -> tuple[Trainer, Trainer]:
    X, y = _data(task)
    scalar = Trainer(config.replace(execution="scalar"), X, y, task)
    vectorized = Trainer(config.replace(execution="vectorized"), X, y, task)
    assert (scalar.execution, vectorized.execution) == ("scalar", "vectorized")
    return scalar, vectorized


def _run_side_by_side(scalar: Trainer, vectorized: Trainer, steps: int = STEPS) -> None:
    for k in range(steps):
        a, b = vectorized.step(), scalar.step()
        assert a.finite and b.finite, (a.message, b.message)
        assert (a.execution, b.execution) == ("vectorized", "scalar")
        assert_agree(a.loss, b.loss, "loss", k)
        assert a.accuracy == pytest.approx(b.accuracy, rel=RTOL)
        if b.test_loss is not None:
            assert_agree(a.test_loss, b.test_loss, "test loss", k)
        grads_a, grads_b = vectorized.gradients(), scalar.gradients()
        assert list(grads_a) == list(grads_b)  # same names, same order
        assert_agree(list(grads_a.values()), list(grads_b.values()), "gradient", k, floor=1e-3)
        weights_a, weights_b = vectorized.parameter_values(), scalar.parameter_values()
        assert_agree(list(weights_a.values()), list(weights_b.values()), "weight", k, floor=1e-6)


@pytest.mark.parametrize("case", PARAMS)
def test_vectorized_steps_equal_the_scalar_graph(case):
    activation, (task, loss), optimizer, reg, batch = case
    config = TrainConfig(
        layers=(4, 3),
        activation=activation,
        init="xavier",
        loss=loss,
        reg=reg,
        reg_strength=1e-3,
        batch_size=batch,
        steps=STEPS,
        test_fraction=0.2,
        schedule=_schedule(case),
        final_lr=0.005,
        scaling="none",
        **optimizer,
    )
    _run_side_by_side(*_pair(config, task))


def test_features_and_scaling_agree_too():
    config = TrainConfig(
        layers=(6,),
        activation="tanh",
        features="x1,x2,x1^2,x2^2,x1*x2,sin(x1),sin(x2)",
        scaling="standardize",
        optimizer="adam",
        lr=0.02,
        batch_size=10,
        steps=STEPS,
    )
    scalar, vectorized = _pair(config, "binary")
    assert scalar.model.nin == 7
    np.testing.assert_array_equal(scalar.Z_train, vectorized.Z_train)
    _run_side_by_side(scalar, vectorized)
    X = np.random.default_rng(1).normal(size=(50, 2))
    np.testing.assert_allclose(vectorized.predict(X), scalar.predict(X), rtol=1e-9, atol=1e-12)


def test_the_breaking_check_of_this_file_can_fail():
    """The comparison is not vacuous: a one-ulp-per-step nudge of one weight is caught."""
    config = TrainConfig(layers=(4, 3), steps=STEPS, scaling="none")
    scalar, vectorized = _pair(config, "binary")
    scalar.step(), vectorized.step()
    values = vectorized.parameter_values()
    name = next(iter(values))
    values[name] *= 1 + 1e-8
    vectorized.set_parameter_values(values)
    with pytest.raises(AssertionError, match=r"step 0: \w+\[\d+\] vectorized"):
        _run_side_by_side(scalar, vectorized, steps=2)


def test_a_session_moves_between_executions():
    """20 scalar steps, saved, then 20 vectorized ones: as 40 scalar steps (and back)."""
    config = TrainConfig(layers=(5, 4), optimizer="adam", lr=0.02, batch_size=8, steps=40)
    X, y = _data("binary")
    straight = Trainer(config.replace(execution="scalar"), X, y, "binary")
    for _ in range(40):
        straight.step()
    first = Trainer(config.replace(execution="scalar"), X, y, "binary")
    for _ in range(20):
        first.step()
    state = json.loads(json.dumps(first.state_dict()))
    second = Trainer(config.replace(execution="vectorized"), X, y, "binary")
    second.load_state_dict(state)
    for _ in range(20):
        second.step()
    assert [r.execution for r in second.history] == ["scalar"] * 20 + ["vectorized"] * 20
    assert_agree([r.loss for r in second.history], [r.loss for r in straight.history], "loss", 40)
    assert_agree(
        list(second.parameter_values().values()),
        list(straight.parameter_values().values()),
        "weight",
        40,
    )
    assert second.optimizer.state_dict().keys() == straight.optimizer.state_dict().keys()
    back = Trainer(config.replace(execution="scalar"), X, y, "binary")
    back.load_state_dict(json.loads(json.dumps(second.state_dict())))
    assert back.parameter_values() == second.parameter_values()
    assert back.optimizer.state_dict() == second.optimizer.state_dict()


def test_weights_changed_through_the_model_are_trained_on():
    """The model's Values may be changed between steps in both executions (the scalar API)."""
    config = TrainConfig(layers=(3,), steps=5, scaling="none")
    scalar, vectorized = _pair(config, "binary")
    for trainer in (scalar, vectorized):
        for p in trainer.model.parameters():
            p.data = 0.25
    a, b = vectorized.step(), scalar.step()
    assert_agree(a.loss, b.loss, "loss", 0)
    assert_agree(
        list(vectorized.parameter_values().values()),
        list(scalar.parameter_values().values()),
        "weight",
        0,
    )
