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


# Colour look-up tables: a 300 x 300 heat map is coloured by one fancy index instead of
# a dozen float operations per pixel (the worker colours two per snapshot).
LUT_LEVELS = 1024


def _diverging_table(levels: int) -> np.ndarray:
    t = np.linspace(-1.0, 1.0, levels)[:, None]
    pos = NEUTRAL_RGB + (POSITIVE_RGB - NEUTRAL_RGB) * np.clip(t, 0.0, 1.0)
    neg = NEUTRAL_RGB + (NEGATIVE_RGB - NEUTRAL_RGB) * np.clip(-t, 0.0, 1.0)
    return np.clip(np.rint(np.where(t >= 0.0, pos, neg)), 0, 255).astype(np.uint8)


def _class_table(levels: int) -> np.ndarray:
    c = np.linspace(0.0, 1.0, levels)[None, :, None]
    rgb = NEUTRAL_RGB + (CLASS_RGB[:, None, :] - NEUTRAL_RGB) * c
    return np.clip(np.rint(rgb), 0, 255).astype(np.uint8)


_DIVERGING_RGB = _diverging_table(LUT_LEVELS)  # (levels, 3)
_CLASS_RGB_BY_CONFIDENCE = _class_table(LUT_LEVELS)  # (classes, levels, 3)


def diverging_rgba(field: np.ndarray, alpha: int = 255) -> np.ndarray:
    """Map values in [-1, 1] to orange (-1) .. white (0) .. blue (+1) as uint8 RGBA."""
    t = np.clip(np.nan_to_num(np.asarray(field, dtype=np.float64), nan=0.0), -1.0, 1.0)
    index = np.rint((t + 1.0) * ((LUT_LEVELS - 1) / 2.0)).astype(np.intp)
    return _with_alpha(_DIVERGING_RGB[index], alpha)


def class_rgba(classes: np.ndarray, confidence: np.ndarray, alpha: int = 255) -> np.ndarray:
    """Class colours faded towards white where confidence (0..1) is low."""
    cls = np.asarray(classes, dtype=np.intp) % len(CLASS_RGB)
    c = np.clip(np.nan_to_num(np.asarray(confidence, dtype=np.float64), nan=0.0), 0.0, 1.0)
    index = np.rint(c * (LUT_LEVELS - 1)).astype(np.intp)
    return _with_alpha(_CLASS_RGB_BY_CONFIDENCE[cls, index], alpha)


def _with_alpha(rgb: np.ndarray, alpha: int) -> np.ndarray:
    out = np.empty(rgb.shape[:-1] + (4,), dtype=np.uint8)
    out[..., :3] = rgb
    out[..., 3] = alpha
    return out
