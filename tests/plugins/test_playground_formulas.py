"""The TensorFlow Playground ports follow playground's dataset.ts geometry.

Random draws happen in a different order than in the browser, so the
checks are on what the formulas guarantee, point by point where noise is 0.
"""

from __future__ import annotations

import numpy as np
import pytest

from microgui.plugin_host.manager import PluginRegistry, load_plugins


@pytest.fixture(scope="module")
def registry() -> PluginRegistry:
    return load_plugins(include_default_dirs=False)


@pytest.mark.parametrize(
    "dataset_id",
    ["playground_circle", "playground_xor", "playground_gaussian", "playground_spiral"],
)
@pytest.mark.parametrize("n_samples", [11, 200])
def test_exactly_n_samples_split_evenly(registry, dataset_id, n_samples):
    data = registry.generate(dataset_id, {"n_samples": n_samples}, 0)
    assert data.X.shape == (n_samples, 2)
    if dataset_id != "playground_xor":  # xor labels by quadrant, not by count
        assert abs(int(data.y.sum()) * 2 - n_samples) <= 1


def test_circle_without_noise_is_a_disc_inside_a_ring(registry):
    data = registry.generate("playground_circle", {"n_samples": 1000, "noise": 0.0}, 1)
    r = np.hypot(data.X[:, 0], data.X[:, 1])
    assert np.all(r[data.y == 1] <= 2.5)
    assert np.all((r[data.y == 0] >= 3.5) & (r[data.y == 0] <= 5.0))


def test_circle_noise_mislabels_points_near_the_border(registry):
    data = registry.generate("playground_circle", {"n_samples": 2000, "noise": 0.5}, 1)
    r = np.hypot(data.X[:, 0], data.X[:, 1])
    geometric = (r < 2.5).astype(float)
    disagree = np.mean(geometric != data.y)
    assert 0.05 < disagree < 0.5


def test_xor_without_noise_labels_by_quadrant_with_a_gap(registry):
    data = registry.generate("playground_xor", {"n_samples": 1000, "noise": 0.0}, 2)
    assert np.all((np.abs(data.X) >= 0.3) & (np.abs(data.X) <= 5.3))
    np.testing.assert_array_equal(data.y, (data.X[:, 0] * data.X[:, 1] >= 0).astype(float))
    assert 0.4 < data.y.mean() < 0.6


def test_xor_noise_flips_some_labels(registry):
    data = registry.generate("playground_xor", {"n_samples": 2000, "noise": 0.5}, 2)
    quadrant = (data.X[:, 0] * data.X[:, 1] >= 0).astype(float)
    assert 0.05 < np.mean(quadrant != data.y) < 0.5


@pytest.mark.parametrize(("noise", "variance"), [(0.0, 0.5), (0.25, 2.25), (0.5, 4.0)])
def test_gaussian_variance_follows_playgrounds_scale(registry, noise, variance):
    data = registry.generate("playground_gaussian", {"n_samples": 10_000, "noise": noise}, 3)
    for label, centre in ((1.0, 2.0), (0.0, -2.0)):
        cloud = data.X[data.y == label]
        np.testing.assert_allclose(cloud.mean(axis=0), [centre, centre], atol=0.1)
        np.testing.assert_allclose(cloud.var(axis=0), [variance, variance], rtol=0.08)


def test_spiral_without_noise_lies_on_the_two_arms(registry):
    n = 300
    data = registry.generate("playground_spiral", {"n_samples": n, "noise": 0.0}, 4)
    half = n // 2
    i = np.arange(half)
    r = i / half * 5.0
    t = 1.75 * i / half * 2 * np.pi
    positive = np.column_stack([r * np.sin(t), r * np.cos(t)])
    negative = np.column_stack([r * np.sin(t + np.pi), r * np.cos(t + np.pi)])
    np.testing.assert_allclose(data.X[data.y == 1], positive, atol=1e-12)
    np.testing.assert_allclose(data.X[data.y == 0], negative, atol=1e-12)


def test_spiral_noise_jitters_each_coordinate_by_at_most_noise(registry):
    clean = registry.generate("playground_spiral", {"n_samples": 300, "noise": 0.0}, 4)
    noisy = registry.generate("playground_spiral", {"n_samples": 300, "noise": 0.3}, 4)
    shift = np.abs(noisy.X - clean.X)
    assert shift.max() <= 0.3 and shift.max() > 0.2
