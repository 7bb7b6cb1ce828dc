"""Turn a BoundaryGrid into the RGBA image the boundary plot shows (pure numpy)."""

from __future__ import annotations

import numpy as np

from microgui.widgets.boundary_grid import BoundaryGrid
from microgui.widgets.colors import class_rgba, diverging_rgba

# The heat map is drawn paler than the data points so the points stay readable on top.
HEATMAP_STRENGTH = 0.7
REGRESSION_LEVELS = 8


def boundary_rgba(grid: BoundaryGrid, discretize: bool = False) -> np.ndarray:
    """RGBA uint8 image (ny, nx, 4) of the model's output, row 0 at the bottom (y_range[0])."""
    if grid.kind == "multiclass" and grid.classes is not None:
        confidence = np.full(grid.shape, 1.0) if discretize else grid.field
        return class_rgba(grid.classes, confidence * HEATMAP_STRENGTH)
    if grid.kind == "binary":
        signed = np.where(grid.field >= 0.0, 1.0, -1.0) if discretize else grid.field
        return diverging_rgba(signed * HEATMAP_STRENGTH)
    # Regression surface: centre the colour scale on the middle of the target range.
    lo, hi = grid.value_range
    span = (hi - lo) / 2.0 or 1.0
    scaled = (np.asarray(grid.field, dtype=np.float64) - (lo + hi) / 2.0) / span
    if discretize:
        scaled = np.round(np.clip(scaled, -1, 1) * REGRESSION_LEVELS / 2) / (REGRESSION_LEVELS / 2)
    return diverging_rgba(scaled * HEATMAP_STRENGTH)


def grid_index(grid: BoundaryGrid, x: float, y: float) -> tuple[int, int] | None:
    """The (iy, ix) sample nearest to data coordinates (x, y), or None outside the image.

    Grid samples sit on np.linspace(x0, x1, nx): sample i is the centre of pixel i.
    """
    ny, nx = grid.shape
    ix = _nearest_sample(x, grid.x_range, nx)
    iy = _nearest_sample(y, grid.y_range, ny)
    if ix is None or iy is None:
        return None
    return iy, ix


def _nearest_sample(value: float, bounds: tuple[float, float], count: int) -> int | None:
    lo, hi = bounds
    if count < 2 or hi <= lo:
        return 0 if count >= 1 else None
    step = (hi - lo) / (count - 1)
    index = round((value - lo) / step)
    return index if 0 <= index < count else None


def image_rect(grid: BoundaryGrid) -> tuple[float, float, float, float]:
    """(x, y, width, height) of the image so that pixel centres land on the samples."""
    ny, nx = grid.shape
    (x0, x1), (y0, y1) = grid.x_range, grid.y_range
    dx = (x1 - x0) / max(nx - 1, 1)
    dy = (y1 - y0) / max(ny - 1, 1)
    return x0 - dx / 2, y0 - dy / 2, (x1 - x0) + dx, (y1 - y0) + dy
