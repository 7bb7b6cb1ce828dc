"""An example microgui dataset plugin: a checkerboard of two classes.

Everything a dataset plugin needs is here: a generate function and one
``@hookimpl`` that declares the dataset and its parameters.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from microgui.hookspecs import Dataset, DatasetSpec, ParamSpec, hookimpl


def generate_checkerboard(params: dict[str, Any], seed: int) -> Dataset:
    """Points uniform in [-1, 1]^2; the class is the colour of the square they fall on.

    microgui passes every declared parameter (checked against its bounds) and
    a seed; the same seed must give the same data.
    """
    rng = np.random.default_rng(seed)
    n, cells = params["n_samples"], params["cells"]
    X = rng.uniform(-1.0, 1.0, size=(n, 2))
    # Which square each point falls on; clip keeps x == 1.0 in the last square.
    square = np.clip(np.floor((X + 1.0) / 2.0 * cells), 0, cells - 1).astype(int)
    y = ((square[:, 0] + square[:, 1]) % 2).astype(np.float64)
    X = X + rng.normal(0.0, params["noise"], size=X.shape)
    return Dataset(
        X=X,
        y=y,
        task="binary",
        feature_names=("x1", "x2"),
        class_names=("dark square", "light square"),
    )


@hookimpl
def microgui_datasets() -> list[DatasetSpec]:
    """The datasets this plugin offers (called once, when microgui loads plugins)."""
    return [
        DatasetSpec(
            id="checkerboard",
            name="Checkerboard",
            description="A checkerboard of two classes: needs a few hidden units per square.",
            task="binary",
            params=(
                ParamSpec("n_samples", "int", 200, minimum=10, maximum=5000, help="points"),
                ParamSpec("cells", "int", 3, minimum=2, maximum=8, help="squares per side"),
                ParamSpec(
                    "noise", "float", 0.0, minimum=0.0, maximum=0.5, help="jitter of the points"
                ),
            ),
            generate=generate_checkerboard,
        )
    ]
