"""SnapshotBuilder: the training-set evaluation is reused while running only when costly."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from sklearn.datasets import make_moons

from engine.config import TrainConfig
from engine.train import Trainer
from microgui.training_run.snapshot_builder import SnapshotBuilder


def _builder_and_trainer() -> tuple[SnapshotBuilder, Trainer]:
    X, y = make_moons(n_samples=60, noise=0.1, random_state=0)
    trainer = Trainer(TrainConfig(layers=(4,), steps=50), X, y.astype(float), "binary")
    dataset = SimpleNamespace(feature_names=("x1", "x2"), class_names=("0", "1"))
    builder = SnapshotBuilder()
    builder.set_data(trainer, dataset)
    return builder, trainer


def _step(builder: SnapshotBuilder, trainer: Trainer, seconds: float) -> None:
    result = trainer.step()
    builder.record(SimpleNamespace(finite=True, step=result.step, seconds=seconds, nodes=0))


def test_a_costly_evaluation_is_reused_while_running_and_fresh_when_paused():
    builder, trainer = _builder_and_trainer()
    _step(builder, trainer, seconds=1e-9)  # steps far cheaper than the evaluation
    first = builder.build(trainer, "running").sample_losses
    _step(builder, trainer, seconds=1e-9)
    assert builder.build(trainer, "running").sample_losses is first  # reused
    fresh = builder.build(trainer, "paused").sample_losses
    assert fresh is not first and not np.array_equal(fresh, first)


def test_a_cheap_evaluation_is_fresh_at_every_snapshot():
    builder, trainer = _builder_and_trainer()
    _step(builder, trainer, seconds=10.0)  # steps far dearer than the evaluation
    first = builder.build(trainer, "running").sample_losses
    _step(builder, trainer, seconds=10.0)
    second = builder.build(trainer, "running").sample_losses
    assert second is not first and not np.array_equal(second, first)
