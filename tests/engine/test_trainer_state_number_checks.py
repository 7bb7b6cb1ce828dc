"""Restoring a Trainer's state: numbers JSON cannot hold are refused or read as floats read them.

Trainer.load_state_dict takes the state as Python data (a session file's, or
a caller's own). A parameter that is not finite, a NaN best loss and a stored
preprocessing that cannot be read are refused with one line naming the
field; an integer best loss beyond float range means the infinity it rounds
to, exactly as the float would.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.datasets import make_moons

from engine.config import TrainConfig
from engine.preprocessing import PreprocessingError, Preprocessor
from engine.train import Trainer

X, _Y = make_moons(n_samples=20, noise=0.1, random_state=0)
Y = _Y.astype(np.float64)


def _trainer(**config) -> Trainer:
    return Trainer(TrainConfig(**config), X, Y, "binary")


def _refusal(state) -> str:
    trainer = _trainer()
    before = trainer.parameter_values()
    with pytest.raises(ValueError) as info:
        trainer.load_state_dict(state)
    assert trainer.parameter_values() == before  # nothing restored half way
    return str(info.value)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (math.inf, "inf"),
        (-math.inf, "-inf"),
        (10**400, "an integer beyond float range"),
        (-(10**400), "an integer beyond float range"),
    ],
)
def test_a_parameter_that_is_not_finite_is_named(value, shown):
    state = _trainer().state_dict()
    name = next(iter(state["parameters"]))
    state["parameters"][name] = value
    assert _refusal(state) == f"parameter {name!r} is {shown}, not a finite number"


def test_a_nan_best_loss_says_that_null_means_none_yet():
    state = {**_trainer().state_dict(), "best_loss": math.nan}
    assert _refusal(state) == "best_loss is NaN; a session stores null for 'no best loss yet'"


def test_a_stored_preprocessing_that_cannot_be_read_gives_its_own_reason():
    bad = {"features": 5}
    with pytest.raises(PreprocessingError) as reason:
        Preprocessor.from_dict(bad)
    state = {**_trainer().state_dict(), "preprocessing": bad}
    assert _refusal(state) == str(reason.value)


def _run_from(best_loss, steps: int = 4) -> list:
    trainer = _trainer(patience=2, steps=50)
    trainer.load_state_dict({**trainer.state_dict(), "best_loss": best_loss})
    results = []
    while not trainer.finished and len(results) < steps:
        results.append(trainer.step())
    return [(r.step, r.loss, r.stop_reason) for r in results]


@pytest.mark.parametrize("sign", [1, -1])
def test_an_integer_best_loss_beyond_float_range_acts_as_its_infinity(sign):
    as_integer = _run_from(sign * 10**400)
    assert as_integer == _run_from(sign * math.inf)
    # -inf is a best loss no step beats: patience runs out; +inf is "none yet"
    assert (as_integer[-1][2] == "patience") == (sign < 0)
