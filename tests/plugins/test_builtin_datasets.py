"""Every built-in dataset: valid data at its defaults and its bounds, deterministic per seed."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import make_circles, make_moons

from microgui.hookspecs import TASKS, Dataset, DatasetSpec
from microgui.plugin_host.manager import PluginRegistry, load_plugins

GENERATED = [
    "moons",
    "circles",
    "blobs",
    "classification",
    "playground_circle",
    "playground_xor",
    "playground_gaussian",
    "playground_spiral",
    "sine",
    "plane",
    "gaussian_surface",
]


@pytest.fixture(scope="module")
def registry() -> PluginRegistry:
    registry = load_plugins(include_default_dirs=False)
    missing = set(GENERATED) - set(registry.datasets)
    assert not missing, f"built-ins missing {missing}; is microgui installed (pip install -e .)?"
    return registry


def assert_valid(data: Dataset, n_samples: int) -> None:
    """Checks written independently of microgui.plugin_host.validation."""
    assert data.task in TASKS
    assert data.X.dtype == np.float64 and data.X.ndim == 2
    assert data.X.shape[0] == n_samples and data.y.shape == (n_samples,)
    assert np.isfinite(data.X).all() and np.isfinite(data.y).all()
    assert len(data.feature_names) == data.X.shape[1]
    if data.task == "regression":
        assert data.class_names == ()
    else:
        k = len(data.class_names)
        assert k == 2 if data.task == "binary" else k >= 3
        assert set(np.unique(data.y)) <= set(range(k))


def bound_settings(spec: DatasetSpec) -> list[dict]:
    """Each numeric parameter at its minimum and maximum, then all at once."""
    numeric = [p for p in spec.params if p.kind in ("int", "float")]
    settings = [{p.name: p.minimum} for p in numeric] + [{p.name: p.maximum} for p in numeric]
    settings.append({p.name: p.minimum for p in numeric})
    settings.append({p.name: p.maximum for p in numeric})
    return settings


@pytest.mark.parametrize("dataset_id", GENERATED)
def test_defaults_give_valid_data_with_every_class(registry, dataset_id):
    spec = registry.datasets[dataset_id]
    data = registry.generate(dataset_id, None, seed=0)
    assert_valid(data, spec.defaults()["n_samples"])
    assert data.task == spec.task
    if data.task != "regression":
        assert len(np.unique(data.y)) == len(data.class_names)


@pytest.mark.parametrize("dataset_id", GENERATED)
def test_bounds_give_valid_data(registry, dataset_id):
    spec = registry.datasets[dataset_id]
    settings = bound_settings(spec)
    assert len(settings) >= 4, "every generated dataset declares bounded n_samples and more"
    for params in settings:
        data = registry.generate(dataset_id, params, seed=3)
        assert_valid(data, {**spec.defaults(), **params}["n_samples"])


@pytest.mark.parametrize("dataset_id", GENERATED)
def test_same_seed_same_data_other_seed_other_data(registry, dataset_id):
    spec = registry.datasets[dataset_id]
    # Some default to zero noise (spiral is then fully deterministic): add some.
    params = {"noise": 0.2} if any(p.name == "noise" for p in spec.params) else {}
    first = registry.generate(dataset_id, params, seed=11)
    again = registry.generate(dataset_id, params, seed=11)
    other = registry.generate(dataset_id, params, seed=12)
    np.testing.assert_array_equal(first.X, again.X)
    np.testing.assert_array_equal(first.y, again.y)
    assert not np.array_equal(first.X, other.X) or not np.array_equal(first.y, other.y)


def test_moons_default_is_micrograds_demo_data(registry):
    data = registry.generate("moons", {}, 1337)
    X, y = make_moons(n_samples=100, noise=0.1, random_state=1337)
    np.testing.assert_array_equal(data.X, X)
    np.testing.assert_array_equal(data.y, y.astype(np.float64))
    assert data.task == "binary" and data.feature_names == ("x1", "x2")
    assert registry.default_dataset_id == "moons"


def test_circles_pass_their_params_to_scikit_learn(registry):
    data = registry.generate("circles", {"n_samples": 60, "noise": 0.2, "factor": 0.3}, 5)
    X, y = make_circles(n_samples=60, noise=0.2, factor=0.3, random_state=5)
    np.testing.assert_array_equal(data.X, X)
    np.testing.assert_array_equal(data.y, y)


@pytest.mark.parametrize(("k", "task"), [(2, "binary"), (3, "multiclass"), (8, "multiclass")])
def test_blobs_task_follows_the_number_of_classes(registry, k, task):
    data = registry.generate("blobs", {"k": k, "n_samples": 200}, 0)
    assert data.task == task and len(data.class_names) == k
    assert sorted(np.unique(data.y).tolist()) == list(range(k))


def test_classification_adds_noise_features_and_classes(registry):
    data = registry.generate("classification", {"n_features": 7, "n_classes": 3}, 0)
    assert data.X.shape == (100, 7) and data.task == "multiclass"
    assert data.feature_names == tuple(f"x{i}" for i in range(1, 8))
    assert sorted(np.unique(data.y).tolist()) == [0, 1, 2]


def test_every_spec_is_documented_for_the_form(registry):
    for dataset_id in [*GENERATED, "csv"]:
        spec = registry.datasets[dataset_id]
        assert spec.name and spec.description and spec.task in TASKS
        assert all(p.help for p in spec.params), f"{dataset_id}: every parameter needs help"
