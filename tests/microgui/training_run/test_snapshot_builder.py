"""SnapshotBuilder: the training-set evaluation is reused while running only when costly."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from sklearn.datasets import make_moons

from engine.config import TrainConfig
from engine.train import Trainer
from microgui.training_run.boundary_compute import NEURON_MAP_RESOLUTION
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


def test_the_boundary_hover_and_neuron_maps_see_the_inputs_as_the_model_does():
    """Features (x1, x2, x1*x2) and standardization, rebuilt here with numpy and
    scikit-learn's StandardScaler on the training split: the boundary grid (which the
    hover reads) and the first neuron maps are the model on raw points of the plane."""
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(2)
    X = rng.normal(size=(80, 2)) * np.array([300.0, 0.01]) + np.array([1000.0, -5.0])
    y = (X[:, 0] - 1000.0 > 0).astype(float)
    config = TrainConfig(layers=(3,), features=("x1", "x2", "x1*x2"), scaling="standardize")
    trainer = Trainer(config, X, y, "binary")
    for _ in range(3):
        trainer.step()
    dataset = SimpleNamespace(feature_names=("a", "b"), class_names=("0", "1"))
    builder = SnapshotBuilder()
    builder.set_data(trainer, dataset)
    builder.resolution = 12
    snapshot = builder.build(trainer, "paused")
    grid = snapshot.boundary

    def features(rows):
        return np.column_stack([rows[:, 0], rows[:, 1], rows[:, 0] * rows[:, 1]])

    scaler = StandardScaler().fit(features(trainer.X_train))

    def model_on_plane(n: int) -> list[np.ndarray]:
        """The network's inputs and each layer's activations over an n x n grid."""
        gx, gy = np.meshgrid(np.linspace(*grid.x_range, n), np.linspace(*grid.y_range, n))
        a = scaler.transform(features(np.column_stack([gx.ravel(), gy.ravel()])))
        layers = [a]
        for k, (W, b) in enumerate(trainer.weight_arrays()):
            z = a @ W.T + b
            a = np.maximum(z, 0.0) if k == 0 else z
            layers.append(a)
        return layers

    outputs = model_on_plane(12)[-1]
    np.testing.assert_allclose(grid.outputs.reshape(-1), outputs[:, 0], rtol=1e-9, atol=1e-12)
    maps = model_on_plane(NEURON_MAP_RESOLUTION)
    for got, want in zip(snapshot.neuron_maps, maps, strict=True):
        np.testing.assert_allclose(got.reshape(got.shape[0], -1).T, want, rtol=1e-9, atol=1e-9)
