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


# Colour look-up tables of packed RGBA words: a 300 x 300 heat map is coloured by one
# gather of 4-byte words instead of a dozen float operations per pixel (the worker
# colours two per snapshot).
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


def _packed(rgb: np.ndarray, alpha: int) -> np.ndarray:
    """RGB rows as RGBA packed in uint32 words (byte order as in memory: R, G, B, A)."""
    rgba = np.empty(rgb.shape[:-1] + (4,), dtype=np.uint8)
    rgba[..., :3] = rgb
    rgba[..., 3] = alpha
    return rgba.view(np.uint32)[..., 0]


_DIVERGING_WORDS = {255: _packed(_DIVERGING_RGB, 255)}
_CLASS_WORDS = {255: _packed(_CLASS_RGB_BY_CONFIDENCE, 255)}


def _words(table: dict[int, np.ndarray], rgb: np.ndarray, alpha: int) -> np.ndarray:
    if alpha not in table:
        table[alpha] = _packed(rgb, alpha)
    return table[alpha]


def _levels(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """Indices 0..LUT_LEVELS-1 of values in [low, high] (NaN as the middle: undecided)."""
    v = np.asarray(values, dtype=np.float64)
    scaled = (v - low) * ((LUT_LEVELS - 1) / (high - low)) + 0.5
    scaled = np.nan_to_num(scaled, nan=(LUT_LEVELS - 1) * (0.0 - low) / (high - low) + 0.5)
    return np.clip(scaled, 0, LUT_LEVELS - 1).astype(np.intp)


def _as_rgba(words: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(words).view(np.uint8).reshape(words.shape + (4,))


def diverging_rgba(field: np.ndarray, alpha: int = 255) -> np.ndarray:
    """Map values in [-1, 1] to orange (-1) .. white (0) .. blue (+1) as uint8 RGBA."""
    words = _words(_DIVERGING_WORDS, _DIVERGING_RGB, alpha)
    return _as_rgba(words[_levels(field, -1.0, 1.0)])


def class_rgba(classes: np.ndarray, confidence: np.ndarray, alpha: int = 255) -> np.ndarray:
    """Class colours faded towards white where confidence (0..1) is low."""
    words = _words(_CLASS_WORDS, _CLASS_RGB_BY_CONFIDENCE, alpha)
    cls = np.asarray(classes, dtype=np.intp) % len(CLASS_RGB)
    flat = cls * LUT_LEVELS + _levels(confidence, 0.0, 1.0)  # one gather of 4-byte words
    return _as_rgba(words.reshape(-1)[flat])
