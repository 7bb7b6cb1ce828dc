"""The regression datasets compute the functions they promise."""

from __future__ import annotations

import math

import numpy as np
import pytest

from microgui.plugin_host.manager import PluginRegistry, load_plugins
from plugins.regression_datasets import gaussian_surface

BUMPS = [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)]


def playground_get_label(x: float, y: float) -> float:
    """A line-by-line transcription of regressGaussian's getLabel in playground's dataset.ts."""

    def label_scale(d: float) -> float:  # d3 linear [0, 2] -> [1, 0], clamped
        return min(1.0, max(0.0, 1.0 - d / 2.0))

    label = 0.0
    for cx, cy, sign in BUMPS:
        new_label = sign * label_scale(math.hypot(x - cx, y - cy))
        if abs(new_label) > abs(label):
            label = new_label
    return label


@pytest.fixture(scope="module")
def registry() -> PluginRegistry:
    return load_plugins(include_default_dirs=False)


def test_sine_without_noise_is_sin(registry):
    data = registry.generate("sine", {"noise": 0.0, "n_samples": 500}, 0)
    assert data.X.shape == (500, 1) and data.feature_names == ("x",)
    assert data.X.min() >= -np.pi and data.X.max() <= np.pi
    np.testing.assert_allclose(data.y, np.sin(data.X[:, 0]), atol=1e-15)


def test_sine_noise_is_gaussian_with_the_given_deviation(registry):
    data = registry.generate("sine", {"noise": 0.5, "n_samples": 10_000}, 0)
    residual = data.y - np.sin(data.X[:, 0])
    assert abs(residual.mean()) < 0.03 and abs(residual.std() - 0.5) < 0.02


def test_plane_without_noise_is_x1_plus_x2_over_10(registry):
    data = registry.generate("plane", {"noise": 0.0, "n_samples": 500}, 1)
    assert np.abs(data.X).max() <= 6.0
    np.testing.assert_allclose(data.y, (data.X[:, 0] + data.X[:, 1]) / 10.0, atol=1e-15)


def test_plane_noise_moves_the_evaluation_point(registry):
    data = registry.generate("plane", {"noise": 0.5, "n_samples": 2000}, 1)
    error = data.y - (data.X[:, 0] + data.X[:, 1]) / 10.0
    # Two uniform(-3, 3) shifts, scaled by 1/10: bounded by 0.6, variance 2 * 3 / 100.
    assert np.abs(error).max() <= 0.6 and abs(error.var() - 0.06) < 0.01


def test_gaussian_surface_matches_a_transcription_of_playground(registry):
    data = registry.generate("gaussian_surface", {"noise": 0.0, "n_samples": 2000}, 2)
    expected = [playground_get_label(x, y) for x, y in data.X]
    np.testing.assert_allclose(data.y, expected, atol=1e-15)
    assert data.y.min() >= -1.0 and data.y.max() <= 1.0


def test_gaussian_surface_at_known_points():
    points = np.array([[-4, 2.5], [0, 2.5], [4, -2.5], [0, 0], [-4, 0.5], [6, 6]], dtype=float)
    np.testing.assert_allclose(gaussian_surface(points), [1, -1, -1, 0, 0, 0], atol=1e-15)
    # Between two bumps of opposite sign, the first of equal magnitude wins (playground's ">").
    assert gaussian_surface(np.array([[-2.0, 2.5]]))[0] == pytest.approx(0.0)
