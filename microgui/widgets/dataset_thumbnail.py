"""A dataset's thumbnail for the chooser: its points as small dots, in the plots' colours.

Pure numpy (no Qt), so it is drawn off the GUI thread: the GUI only wraps
the finished RGBA array in an icon. Classification points take the class
colours of the boundary plot; regression targets its orange-white-blue
scale; 1-D regression shows x against the target; more than two features,
the first two. Each sample is a dot of 2 or 3 pixels on a white square.
"""

from __future__ import annotations

import numpy as np

from microgui.widgets.colors import CLASS_RGB, diverging_rgba

THUMBNAIL_PIXELS = 48
MAX_POINTS = 600  # more only blackens the square; a fixed stride keeps it deterministic
FEW_POINTS = 150  # up to this many points, each is a 3 x 3 dot (2 x 2 above)
_MARGIN = 0.08
_BACKGROUND = (255, 255, 255, 255)
_FRAME = (200, 200, 200, 255)


def thumbnail_rgba(
    X: np.ndarray, y: np.ndarray, task: str, size: int = THUMBNAIL_PIXELS
) -> np.ndarray:
    """(size, size, 4) uint8, row 0 at the top, of the points of (X, y)."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    if X.ndim == 1:
        X = X.reshape(-1, 1)
    if len(X) > MAX_POINTS:
        keep = np.arange(0, len(X), int(np.ceil(len(X) / MAX_POINTS)))
        X, y = X[keep], y[keep]
    image = np.empty((size, size, 4), dtype=np.uint8)
    image[:] = _BACKGROUND
    image[0, :], image[-1, :], image[:, 0], image[:, -1] = _FRAME, _FRAME, _FRAME, _FRAME
    if not len(X):
        return image
    if X.shape[1] == 1:
        xs, ys = X[:, 0], (y if task == "regression" else np.zeros(len(y)))
    else:
        xs, ys = X[:, 0], X[:, 1]
    colours = _colours(y, task)
    px = _to_pixels(xs, size)
    py = size - 1 - _to_pixels(ys, size)  # y up
    inner = size - 2
    dot = 2 if len(X) > FEW_POINTS else 3  # a few drawn points must still show
    for dx, dy in ((dx, dy) for dx in range(dot) for dy in range(dot)):
        cx, cy = np.clip(px + dx, 1, inner), np.clip(py + dy, 1, inner)
        image[cy, cx] = colours
    return image


def _to_pixels(values: np.ndarray, size: int) -> np.ndarray:
    # Halved first (exact for all but subnormal values): a span of data near
    # the float limit would overflow.
    values = np.asarray(values, dtype=np.float64) / 2.0
    finite = values[np.isfinite(values)]
    lo, hi = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
    span = hi - lo or 1.0
    t = (np.nan_to_num(values, nan=lo) - lo) / span
    usable = (size - 2) * (1.0 - 2 * _MARGIN)
    return np.rint(1 + (size - 2) * _MARGIN + t * (usable - 1)).astype(np.intp)


def _colours(y: np.ndarray, task: str) -> np.ndarray:
    if task == "regression":
        y = np.asarray(y, dtype=np.float64) / 2.0  # as in _to_pixels: no overflow
        lo, hi = float(np.min(y)), float(np.max(y))
        span = (hi - lo) / 2.0 or 1.0
        return diverging_rgba((y - (lo + hi) / 2.0) / span)
    rgb = CLASS_RGB[np.asarray(y, dtype=np.intp) % len(CLASS_RGB)].astype(np.uint8)
    return np.concatenate([rgb, np.full((len(y), 1), 255, dtype=np.uint8)], axis=1)
