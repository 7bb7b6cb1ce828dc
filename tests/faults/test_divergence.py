"""Fault matrix, divergence at step k: training stops, the last finite parameters are kept.

For each case the Trainer runs until it stops. It must stop as "diverged"
with one message naming the step k and a parameter; its parameters must be
exactly those of a reference Trainer (same config, same seed) that took
only the steps before the bad one; and those parameters must save and load
back through engine.modelio and engine.session. Through `microgui train`
the run exits 3 with that message and the session it writes holds the same
finite parameters.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest
from sklearn.datasets import make_moons

from engine.config import TrainConfig
from engine.modelio import load_model, save_model
from engine.presets import preset_config
from engine.session import load_session, save_session
from engine.train import Trainer, TrainingFinished

PARAMETER = r"layers\.\d+\.neurons\.\d+\.(?:w\.\d+|b)"


def demo_data() -> tuple[np.ndarray, np.ndarray, str]:
    X, y = make_moons(n_samples=100, noise=0.1, random_state=1337)  # the preset's data
    return X, y.astype(np.float64), "binary"


def regression_data() -> tuple[np.ndarray, np.ndarray, str]:
    X = np.random.default_rng(0).normal(size=(40, 2))
    return X, X @ np.array([2.0, -1.0]) + 0.5, "regression"


def demo(**changes) -> TrainConfig:
    return preset_config("micrograd-demo").replace(
        schedule="constant", final_lr=None, steps=300, **changes
    )


# name -> (config, data, the step k it must diverge at)
CASES = {
    # NaN/inf only: the loss overflows to inf after a few giant steps.
    "demo, lr 1e8, loss becomes inf": (demo(lr=1e8, divergence_factor=None), demo_data, 5),
    # Same network, default guard: a finite loss 1e6 x the first counts as diverged.
    "demo, lr 1e3, loss explodes": (demo(lr=1e3), demo_data, 1),
    # A slow blow-up deep into the run.
    "regression, lr 0.8, inf at step 270": (
        TrainConfig(
            dataset="custom",
            layers=(4,),
            activation="tanh",
            loss="mse",
            reg="none",
            lr=0.8,
            steps=500,
            test_fraction=0.0,
            divergence_factor=None,
        ),
        regression_data,
        270,  # a chaotic blow-up: the exact step follows the last bits of the slopes
    ),
}


@pytest.fixture(scope="module", params=list(CASES))
def diverged(request) -> tuple[Trainer, TrainConfig, tuple, int]:
    config, data, k = CASES[request.param]
    X, y, task = data()
    trainer = Trainer(config, X, y, task)
    trainer.run()
    return trainer, config, (X, y, task), k


def kept_step(trainer: Trainer) -> int:
    found = re.search(r"parameters kept as they were at step (\d+)", trainer.message)
    assert found, trainer.message
    return int(found.group(1))


def test_training_stops_at_step_k_with_a_message_naming_step_and_parameter(diverged):
    trainer, _, _, k = diverged
    assert trainer.diverged and trainer.stop_reason == "diverged"
    message = trainer.message
    assert "\n" not in message
    assert message.startswith(f"diverged at step {k}: ")
    named = re.findall(PARAMETER, message)
    assert named and set(named) <= set(trainer.parameter_values())
    assert "learning rate" in message and "lower" in message  # what to do
    last = trainer.history[-1]
    assert (last.step, last.finite, last.stop_reason) == (k, False, "diverged")
    assert all(r.finite for r in list(trainer.history)[:-1])


def test_kept_parameters_equal_a_reference_run_up_to_the_last_finite_step(diverged):
    trainer, config, (X, y, task), k = diverged
    m = kept_step(trainer)
    assert m == k - 1  # the step before the bad one
    reference = Trainer(config, X, y, task)
    for _ in range(m):
        reference.step()
    kept = trainer.parameter_values()
    assert kept == reference.parameter_values()  # exactly, not approximately
    assert all(math.isfinite(v) for v in kept.values())
    assert trainer.steps_done == m
    # Those weights gave a finite loss at step m, the one the message quotes.
    finite = reference.step()
    assert math.isfinite(finite.loss) and finite.loss == trainer.history[m].loss
    assert f"(loss {finite.loss:.6g})" in trainer.message


def test_a_diverged_trainer_refuses_more_steps(diverged):
    trainer, _, _, _ = diverged
    before = trainer.parameter_values()
    with pytest.raises(TrainingFinished, match="diverged at step"):
        trainer.step()
    with pytest.raises(TrainingFinished):
        trainer.clear_stop()
    assert trainer.parameter_values() == before


def test_the_kept_parameters_save_and_load_as_a_model(diverged, tmp_path):
    trainer, _, _, _ = diverged
    path = tmp_path / "diverged-model.json"
    save_model(trainer.model, path, config=trainer.config.to_dict())
    model, config = load_model(path)
    loaded = {name: p.data for name, p in model.named_parameters()}
    assert loaded == trainer.parameter_values()
    assert all(math.isfinite(v) for v in loaded.values())
    assert config["lr"] == trainer.config.lr


def test_the_diverged_session_saves_and_loads_still_stopped(diverged, tmp_path):
    trainer, _, (X, y, _), _ = diverged
    path = tmp_path / "diverged-session.json"
    save_session(trainer, path)
    restored = load_session(path, X, y)
    assert restored.diverged and restored.message == trainer.message
    assert restored.parameter_values() == trainer.parameter_values()


def test_the_command_line_exits_3_and_its_session_keeps_the_finite_weights(train_cli, tmp_path):
    session, model = tmp_path / "s.json", tmp_path / "m.json"
    result = train_cli(
        "--preset",
        "micrograd-demo",
        "--schedule",
        "constant",
        "--lr",
        "1e8",
        "--divergence-factor",
        "none",
        "--steps",
        "300",
        "--session",
        str(session),
        "--save",
        str(model),
    )
    assert result.code == 3, result.err
    assert "Traceback" not in result.err
    assert "microgui train: diverged at step 5: " in result.err
    assert re.search(PARAMETER, result.err)
    assert not model.exists()  # documented: after a divergence only the session is written
    weights = json.loads(session.read_text())["trainer"]["parameters"]
    config, data, _ = CASES["demo, lr 1e8, loss becomes inf"]
    reference = Trainer(config, *data())
    for _ in range(4):
        reference.step()
    assert weights == reference.parameter_values()


# ------------------------------------------------------------------ who is blamed (issue 16.4)


def _run_until_stopped(trainer: Trainer) -> str:
    while not trainer.finished:
        trainer.step()
    assert trainer.diverged, trainer.message
    return trainer.message


def test_huge_features_are_blamed_not_the_learning_rate():
    X, y, task = demo_data()
    trainer = Trainer(demo(lr=0.1).replace(steps=20), X * 1e306, y, task)
    message = _run_until_stopped(trainer)
    assert "The cause is the input, not the learning rate: the features reach" in message
    assert "scale them (e.g. standardise each column)" in message
    assert "probably too high" not in message


def test_a_huge_regularisation_strength_is_blamed_at_step_0(train_cli):
    result = train_cli("--reg-strength", "1e308", "--steps", "3")
    assert result.code == 3, result.err
    assert "diverged at step 0" in result.err
    assert "the regularisation strength 1e+308 overflows the penalty" in result.err
    assert "probably too high" not in result.err
