"""Classic toy datasets from scikit-learn: moons (microgui's default), circles, blobs
and make_classification.

The seed is passed as ``random_state``, so ``moons`` with its defaults and
seed 1337 is exactly ``make_moons(n_samples=100, noise=0.1, random_state=1337)``,
the data of micrograd's demo notebook.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.datasets import make_blobs, make_circles, make_classification, make_moons

from microgui.hookspecs import Dataset, DatasetSpec, ParamSpec, hookimpl
from plugins._params import n_samples_param, noise_param

XY = ("x1", "x2")


def _classes(y: np.ndarray, X: np.ndarray, class_names: tuple[str, ...]) -> Dataset:
    """A Dataset whose task follows the number of classes (2: binary, more: multiclass)."""
    task = "binary" if len(class_names) == 2 else "multiclass"
    names = tuple(f"x{i + 1}" for i in range(X.shape[1]))
    return Dataset(X.astype(np.float64), y.astype(np.float64), task, names, class_names)


def generate_moons(params: dict[str, Any], seed: int) -> Dataset:
    """Two interleaving half circles."""
    X, y = make_moons(n_samples=params["n_samples"], noise=params["noise"], random_state=seed)
    return _classes(y, X, ("upper moon", "lower moon"))


def generate_circles(params: dict[str, Any], seed: int) -> Dataset:
    """A small circle inside a large one."""
    X, y = make_circles(
        n_samples=params["n_samples"],
        noise=params["noise"],
        factor=params["factor"],
        random_state=seed,
    )
    return _classes(y, X, ("outer circle", "inner circle"))


def generate_blobs(params: dict[str, Any], seed: int) -> Dataset:
    """k gaussian blobs, one class each."""
    k = params["k"]
    X, y = make_blobs(
        n_samples=params["n_samples"],
        n_features=2,
        centers=k,
        cluster_std=params["cluster_std"],
        random_state=seed,
    )
    return _classes(y, X, tuple(f"blob {i}" for i in range(k)))


def generate_classification(params: dict[str, Any], seed: int) -> Dataset:
    """scikit-learn's make_classification with 2 informative features, the rest noise."""
    n_classes = params["n_classes"]
    X, y = make_classification(
        n_samples=params["n_samples"],
        n_features=params["n_features"],
        n_informative=2,
        n_redundant=0,
        n_repeated=0,
        n_classes=n_classes,
        # 2 informative features span 4 hypercube corners: one cluster per class fits.
        n_clusters_per_class=1,
        class_sep=params["class_sep"],
        random_state=seed,
    )
    return _classes(y, X, tuple(f"class {i}" for i in range(n_classes)))


@hookimpl
def microgui_datasets() -> list[DatasetSpec]:
    """moons, circles, blobs and classification."""
    return [
        DatasetSpec(
            id="moons",
            name="Moons",
            description="Two interleaving half circles (micrograd's demo data).",
            task="binary",
            params=(
                n_samples_param(100),
                noise_param(0.1, 1.0, "standard deviation of gaussian noise added to X"),
            ),
            generate=generate_moons,
        ),
        DatasetSpec(
            id="circles",
            name="Circles",
            description="A small circle inside a larger one.",
            task="binary",
            params=(
                n_samples_param(100),
                noise_param(0.1, 0.5, "standard deviation of gaussian noise added to X"),
                ParamSpec(
                    "factor",
                    "float",
                    0.5,
                    minimum=0.1,
                    maximum=0.9,
                    help="radius of the inner circle relative to the outer one",
                ),
            ),
            generate=generate_circles,
        ),
        DatasetSpec(
            id="blobs",
            name="Blobs",
            description="k gaussian blobs in the plane, one class per blob.",
            task="multiclass",
            params=(
                n_samples_param(150),
                ParamSpec("k", "int", 3, minimum=2, maximum=8, help="number of classes"),
                ParamSpec(
                    "cluster_std",
                    "float",
                    1.0,
                    minimum=0.1,
                    maximum=5.0,
                    help="spread of each blob",
                ),
            ),
            generate=generate_blobs,
        ),
        DatasetSpec(
            id="classification",
            name="Classification",
            description="scikit-learn's make_classification: 2 informative features + noise.",
            task="binary",
            params=(
                n_samples_param(100),
                ParamSpec(
                    "n_features",
                    "int",
                    2,
                    minimum=2,
                    maximum=10,
                    help="features in total; all but 2 are pure noise",
                ),
                ParamSpec("n_classes", "int", 2, minimum=2, maximum=4, help="number of classes"),
                ParamSpec(
                    "class_sep",
                    "float",
                    1.0,
                    minimum=0.1,
                    maximum=3.0,
                    help="distance between classes (larger is easier)",
                ),
            ),
            generate=generate_classification,
        ),
    ]
