"""Regression datasets: a 1-D sine and TensorFlow Playground's 2-D plane and gaussian surface.

The two surfaces are ported from playground's src/dataset.ts (Apache-2.0,
github.com/tensorflow/playground): ``regressPlane`` and ``regressGaussian``.
As there, ``noise`` (0..0.5, playground's slider / 100) moves the point at
which the target is *evaluated*, not the point itself.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from microgui.hookspecs import Dataset, DatasetSpec, hookimpl
from plugins._params import n_samples_param, noise_param

PLAYGROUND_RADIUS = 6.0
# (centre x, centre y, sign) of playground's six bumps.
GAUSSIAN_BUMPS = np.array(
    [[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]],
    dtype=np.float64,
)


def generate_sine(params: dict[str, Any], seed: int) -> Dataset:
    """y = sin(x) + noise * N(0, 1) for x uniform in [-pi, pi]."""
    rng = np.random.default_rng(seed)
    n = params["n_samples"]
    x = rng.uniform(-np.pi, np.pi, n)
    y = np.sin(x) + params["noise"] * rng.standard_normal(n)
    return Dataset(x.reshape(n, 1), y, "regression", ("x",))


def _playground_points(params: dict[str, Any], seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Points uniform in [-6, 6]^2 and the noisy points their targets are evaluated at."""
    rng = np.random.default_rng(seed)
    n = params["n_samples"]
    xy = rng.uniform(-PLAYGROUND_RADIUS, PLAYGROUND_RADIUS, (n, 2))
    jitter = rng.uniform(-PLAYGROUND_RADIUS, PLAYGROUND_RADIUS, (n, 2)) * params["noise"]
    return xy, xy + jitter


def generate_plane(params: dict[str, Any], seed: int) -> Dataset:
    """y = (x1 + x2) / 10: playground's linear scale of x1 + x2 from [-10, 10] to [-1, 1]."""
    xy, noisy = _playground_points(params, seed)
    y = (noisy[:, 0] + noisy[:, 1]) / 10.0
    return Dataset(xy, y, "regression", ("x1", "x2"))


def gaussian_surface(points: np.ndarray) -> np.ndarray:
    """Playground's six signed bumps, max(0, 1 - distance / 2) each; the largest |value| wins."""
    distances = np.hypot(
        points[:, None, 0] - GAUSSIAN_BUMPS[None, :, 0],
        points[:, None, 1] - GAUSSIAN_BUMPS[None, :, 1],
    )
    values = GAUSSIAN_BUMPS[None, :, 2] * np.clip(1.0 - distances / 2.0, 0.0, 1.0)
    # argmax keeps the first of equal magnitudes, as playground's strict ">" does.
    winner = np.argmax(np.abs(values), axis=1)
    return values[np.arange(len(points)), winner]


def generate_gaussian_surface(params: dict[str, Any], seed: int) -> Dataset:
    """Six bumps of height +-1 on a 3 x 2 grid."""
    xy, noisy = _playground_points(params, seed)
    return Dataset(xy, gaussian_surface(noisy), "regression", ("x1", "x2"))


@hookimpl
def microgui_datasets() -> list[DatasetSpec]:
    """sine, plane and gaussian_surface."""
    playground_noise = noise_param(0.0, 0.5, "playground's noise slider / 100 (0.5 = 50 %)")
    return [
        DatasetSpec(
            id="sine",
            name="Sine (1-D regression)",
            description="y = sin(x) plus gaussian noise, x in [-pi, pi].",
            task="regression",
            params=(
                n_samples_param(100),
                noise_param(0.1, 1.0, "standard deviation of the noise added to y"),
            ),
            generate=generate_sine,
        ),
        DatasetSpec(
            id="plane",
            name="Plane (2-D regression)",
            description="A tilted plane y = (x1 + x2) / 10 over [-6, 6]^2 (Playground).",
            task="regression",
            params=(n_samples_param(200), playground_noise),
            generate=generate_plane,
        ),
        DatasetSpec(
            id="gaussian_surface",
            name="Gaussian surface (2-D regression)",
            description="Six bumps of height +1 or -1 over [-6, 6]^2 (Playground).",
            task="regression",
            params=(n_samples_param(200), playground_noise),
            generate=generate_gaussian_surface,
        ),
    ]
