"""Turn a BoundaryGrid into the RGBA image the boundary plot shows (pure numpy).

The model is evaluated on a coarse grid (100 x 100 by default); drawn pixel
for pixel, its cells show as stair steps at any ordinary plot size. The image
is therefore resampled to about SMOOTH_PIXELS a side by bilinear interpolation
before it is coloured: the class boundary of the discretized view follows the
interpolated output, so it runs smoothly between the samples. The image's
pixel centres still land on the grid samples at its corners (image_rect).
"""

from __future__ import annotations

import numpy as np

from microgui.widgets.boundary_grid import BoundaryGrid
from microgui.widgets.colors import class_rgba, diverging_rgba

# The heat map is drawn paler than the data points so the points stay readable on top.
HEATMAP_STRENGTH = 0.7
REGRESSION_LEVELS = 8
SMOOTH_PIXELS = 300  # about this many pixels a side, whatever the grid's resolution


def boundary_rgba(grid: BoundaryGrid, discretize: bool = False) -> np.ndarray:
    """RGBA uint8 image of the model's output, row 0 at the bottom (y_range[0]).

    (m, m, 4) with m = upsample_factor(n) * (n - 1) + 1 for an n x n grid.
    """
    return boundary_images(grid, (discretize,))[0]


def boundary_images(
    grid: BoundaryGrid, discretized: tuple[bool, ...] = (False, True)
) -> tuple[np.ndarray, ...]:
    """One image per entry of `discretized` (soft and hard by default), sharing the work."""
    factor = upsample_factor(grid.shape)
    if grid.kind == "multiclass" and grid.classes is not None:
        classes, confidence = _smooth_classes(grid, factor)
        return tuple(
            class_rgba(
                classes, (np.ones_like(confidence) if hard else confidence) * HEATMAP_STRENGTH
            )
            for hard in discretized
        )
    field = upsample(np.nan_to_num(np.asarray(grid.field, dtype=np.float64)), factor)
    if grid.kind == "binary":
        return tuple(
            diverging_rgba(
                (np.where(field >= 0.0, 1.0, -1.0) if hard else field) * HEATMAP_STRENGTH
            )
            for hard in discretized
        )
    # Regression surface: centre the colour scale on the middle of the target range.
    lo, hi = grid.value_range
    span = (hi - lo) / 2.0 or 1.0
    scaled = (field - (lo + hi) / 2.0) / span
    levels = REGRESSION_LEVELS / 2
    banded = np.round(np.clip(scaled, -1, 1) * levels) / levels
    return tuple(
        diverging_rgba((banded if hard else scaled) * HEATMAP_STRENGTH) for hard in discretized
    )


def _smooth_classes(grid: BoundaryGrid, factor: int) -> tuple[np.ndarray, np.ndarray]:
    """Winning class and its confidence per pixel, from the interpolated raw outputs.

    Class indices cannot be interpolated, the model's scores can: the regions then
    meet along smooth lines instead of the grid's cell edges. Confidence is the
    winning softmax probability rescaled so that chance (1/k) is 0, as the worker's
    field is.
    """
    outputs = np.asarray(grid.outputs, dtype=np.float64)
    if outputs.ndim != 3 or outputs.shape[2] < 2 or factor <= 1:
        return np.asarray(grid.classes), np.asarray(grid.field, dtype=np.float64)
    k = outputs.shape[2]
    scores = np.stack([upsample(np.nan_to_num(outputs[..., j]), factor) for j in range(k)])
    scores -= np.max(scores, axis=0)
    # The winner's shifted score is 0, so its softmax probability is 1 / sum(exp).
    p_best = 1.0 / np.sum(np.exp(scores), axis=0)
    chance = 1.0 / k
    return np.argmax(scores, axis=0), (p_best - chance) / (1.0 - chance)


def upsample_factor(shape: tuple[int, ...]) -> int:
    """Samples per grid cell so the image has about SMOOTH_PIXELS pixels a side."""
    n = max(int(min(shape[:2])), 2)
    return max(1, round(SMOOTH_PIXELS / (n - 1)))


def upsample(values: np.ndarray, factor: int) -> np.ndarray:
    """Bilinear resampling of a 2-D array with `factor` samples per cell, corners kept.

    Broadcast arithmetic only: no gather, no BLAS call (whose threads would compete
    with the GUI thread).
    """
    ny, nx = values.shape
    if factor <= 1 or ny < 2 or nx < 2:
        return values
    weight = np.arange(factor) / factor
    return _along_rows(_along_rows(values, weight).T, weight).T


def _along_rows(values: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """`len(weight)` rows per step between neighbouring rows, then the last row."""
    low, step = values[:-1], np.diff(values, axis=0)
    body = low[:, None, :] + step[:, None, :] * weight[None, :, None]
    return np.concatenate([body.reshape(-1, values.shape[1]), values[-1:]], axis=0)


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


def image_rect(
    x_range: tuple[float, float], y_range: tuple[float, float], shape: tuple[int, ...]
) -> tuple[float, float, float, float]:
    """(x, y, width, height) of an image of `shape` whose pixel centres span the ranges."""
    ny, nx = shape[:2]
    (x0, x1), (y0, y1) = x_range, y_range
    dx = (x1 - x0) / max(nx - 1, 1)
    dy = (y1 - y0) / max(ny - 1, 1)
    return x0 - dx / 2, y0 - dy / 2, (x1 - x0) + dx, (y1 - y0) + dy
