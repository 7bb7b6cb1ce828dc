"""Colour maps shared by the boundary plot and the network view.

TensorFlow Playground's convention, which its users already read fluently:
orange for the negative class / negative values, blue for the positive ones,
white where the model is undecided. Every function here is vectorised numpy
so a 200 x 200 grid maps to an RGBA image in well under a millisecond.
"""

from __future__ import annotations

import numpy as np

NEGATIVE_RGB = np.array([245, 147, 34], dtype=np.float64)  # orange
POSITIVE_RGB = np.array([8, 119, 189], dtype=np.float64)  # blue
NEUTRAL_RGB = np.array([250, 250, 250], dtype=np.float64)

# Distinct class colours for multiclass data (class 0 orange, class 1 blue as for binary).
CLASS_RGB = np.array(
    [
        [245, 147, 34],
        [8, 119, 189],
        [46, 160, 67],
        [214, 39, 40],
        [148, 103, 189],
        [140, 86, 75],
        [227, 119, 194],
        [127, 127, 127],
        [188, 189, 34],
        [23, 190, 207],
    ],
    dtype=np.float64,
)


def class_rgb(index: int) -> tuple[int, int, int]:
    """The display colour of class `index` (cycles after ten classes)."""
    r, g, b = CLASS_RGB[index % len(CLASS_RGB)]
    return int(r), int(g), int(b)


def diverging_rgba(field: np.ndarray, alpha: int = 255) -> np.ndarray:
    """Map values in [-1, 1] to orange (-1) .. white (0) .. blue (+1) as uint8 RGBA."""
    t = np.clip(np.nan_to_num(field, nan=0.0), -1.0, 1.0)[..., None]
    pos = NEUTRAL_RGB + (POSITIVE_RGB - NEUTRAL_RGB) * np.clip(t, 0.0, 1.0)
    neg = NEUTRAL_RGB + (NEGATIVE_RGB - NEUTRAL_RGB) * np.clip(-t, 0.0, 1.0)
    rgb = np.where(t >= 0.0, pos, neg)
    return _with_alpha(rgb, alpha)


def class_rgba(classes: np.ndarray, confidence: np.ndarray, alpha: int = 255) -> np.ndarray:
    """Class colours faded towards white where confidence (0..1) is low."""
    base = CLASS_RGB[np.asarray(classes, dtype=np.int64) % len(CLASS_RGB)]
    c = np.clip(np.nan_to_num(confidence, nan=0.0), 0.0, 1.0)[..., None]
    rgb = NEUTRAL_RGB + (base - NEUTRAL_RGB) * c
    return _with_alpha(rgb, alpha)


def _with_alpha(rgb: np.ndarray, alpha: int) -> np.ndarray:
    out = np.empty(rgb.shape[:-1] + (4,), dtype=np.uint8)
    out[..., :3] = np.clip(rgb, 0, 255).astype(np.uint8)
    out[..., 3] = alpha
    return out
