"""BoundaryGrid: the model's output over a rectangle, as the boundary plot draws it.

Plain data (numpy, no Qt). It lives with the widgets because it is what the
boundary plot takes through its setter; the training run fills it in the
worker (microgui.training_run.boundary_compute) and sends it in a snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class BoundaryGrid:
    """The model's output over a rectangle of the input plane.

    kind is "binary", "multiclass", "regression" (2-D heat map) or "curve"
    (1-D regression). `field` is what the heat map colours: a signed
    confidence in [-1, 1] for binary, the winning class's probability for
    multiclass, the raw prediction for regression. `outputs` holds the raw
    model outputs (ny, nx, nout) shown on hover.
    """

    kind: str
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    field: np.ndarray
    outputs: np.ndarray
    classes: np.ndarray | None = None
    value_range: tuple[float, float] = (-1.0, 1.0)
    axes: tuple[int, int] = (0, 1)
    curve_x: np.ndarray | None = None
    curve_y: np.ndarray | None = None
    # Pre-rendered RGBA heat maps (soft, discretized), made by the worker so the GUI
    # thread only uploads them; None means "render on demand".
    images: tuple[np.ndarray, np.ndarray] | None = None

    @property
    def shape(self) -> tuple[int, int]:
        """(ny, nx) of the grid."""
        return tuple(self.field.shape[:2])  # type: ignore[return-value]
