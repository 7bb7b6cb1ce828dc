"""TensorFlow Playground's four classification datasets: circle, xor, gaussian, spiral.

The formulas are ported from playground's src/dataset.ts (Apache-2.0,
github.com/tensorflow/playground), vectorised with numpy. Two deliberate
differences: exactly ``n_samples`` points are made (playground rounds an odd
count up), and labels are playground's -1/+1 mapped to classes 0/1.

``noise`` is playground's slider value divided by 100, so 0..0.5 here is its
0..50 %. Like playground, noise in circle and xor moves the point used for
*labelling*, not the point itself: points near the border get the wrong side's
label. In spiral it jitters the points; in gaussian it widens the variance.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from microgui.hookspecs import Dataset, DatasetSpec, hookimpl
from plugins._params import n_samples_param, noise_param, split_in_two

CLASS_NAMES = ("negative (-1)", "positive (+1)")
NOISE_HELP = "playground's noise slider / 100 (0.5 = 50 %)"


def _dataset(points: list[np.ndarray], labels: list[np.ndarray]) -> Dataset:
    X = np.concatenate(points).astype(np.float64)
    plus_minus = np.concatenate(labels)
    y = (plus_minus > 0).astype(np.float64)
    return Dataset(X, y, "binary", ("x1", "x2"), CLASS_NAMES)


def generate_circle(params: dict[str, Any], seed: int) -> Dataset:
    """Class +1 inside radius 2.5, class -1 in the ring 3.5..5."""
    rng = np.random.default_rng(seed)
    noise, radius = params["noise"], 5.0
    points, labels = [], []
    for count, (r_low, r_high) in zip(
        split_in_two(params["n_samples"]),
        ((0.0, radius * 0.5), (radius * 0.7, radius)),
        strict=True,
    ):
        r = rng.uniform(r_low, r_high, count)
        angle = rng.uniform(0.0, 2 * np.pi, count)
        xy = np.column_stack([r * np.sin(angle), r * np.cos(angle)])
        jitter = rng.uniform(-radius, radius, (count, 2)) * noise
        inside = np.hypot(*(xy + jitter).T) < radius * 0.5
        points.append(xy)
        labels.append(np.where(inside, 1, -1))
    return _dataset(points, labels)


def generate_xor(params: dict[str, Any], seed: int) -> Dataset:
    """Class +1 where x1 and x2 share a sign; a 0.3 gap keeps points off the axes."""
    rng = np.random.default_rng(seed)
    n, padding = params["n_samples"], 0.3
    xy = rng.uniform(-5.0, 5.0, (n, 2))
    xy += np.where(xy > 0, padding, -padding)
    jitter = rng.uniform(-5.0, 5.0, (n, 2)) * params["noise"]
    noisy = xy + jitter
    labels = np.where(noisy[:, 0] * noisy[:, 1] >= 0, 1, -1)
    return _dataset([xy], [labels])


def generate_gaussian(params: dict[str, Any], seed: int) -> Dataset:
    """Two gaussians at (2, 2) (+1) and (-2, -2) (-1); noise widens their variance."""
    rng = np.random.default_rng(seed)
    # playground: d3 linear scale from noise [0, 0.5] to variance [0.5, 4].
    variance = 0.5 + params["noise"] * (4.0 - 0.5) / 0.5
    points, labels = [], []
    for count, (centre, label) in zip(
        split_in_two(params["n_samples"]), ((2.0, 1), (-2.0, -1)), strict=True
    ):
        points.append(rng.normal(centre, np.sqrt(variance), (count, 2)))
        labels.append(np.full(count, label))
    return _dataset(points, labels)


def generate_spiral(params: dict[str, Any], seed: int) -> Dataset:
    """Two interleaved spirals of 1.75 turns each."""
    rng = np.random.default_rng(seed)
    points, labels = [], []
    for count, (delta_t, label) in zip(
        split_in_two(params["n_samples"]), ((0.0, 1), (np.pi, -1)), strict=True
    ):
        i = np.arange(count)
        r = i / count * 5.0
        t = 1.75 * i / count * 2 * np.pi + delta_t
        jitter = rng.uniform(-1.0, 1.0, (count, 2)) * params["noise"]
        points.append(np.column_stack([r * np.sin(t), r * np.cos(t)]) + jitter)
        labels.append(np.full(count, label))
    return _dataset(points, labels)


def _spec(dataset_id: str, name: str, description: str, generate: Any) -> DatasetSpec:
    return DatasetSpec(
        id=dataset_id,
        name=name,
        description=description,
        task="binary",
        params=(n_samples_param(200), noise_param(0.0, 0.5, NOISE_HELP)),
        generate=generate,
    )


@hookimpl
def microgui_datasets() -> list[DatasetSpec]:
    """Playground's circle, xor, gaussian and spiral."""
    return [
        _spec(
            "playground_circle",
            "Circle (Playground)",
            "A disc of one class inside a ring of the other.",
            generate_circle,
        ),
        _spec(
            "playground_xor",
            "XOR (Playground)",
            "Four quadrants: the class is whether x1 and x2 share a sign.",
            generate_xor,
        ),
        _spec(
            "playground_gaussian",
            "Gaussian (Playground)",
            "Two gaussian clouds, one per class.",
            generate_gaussian,
        ),
        _spec(
            "playground_spiral",
            "Spiral (Playground)",
            "Two interleaved spirals: hard for a small network.",
            generate_spiral,
        ),
    ]
