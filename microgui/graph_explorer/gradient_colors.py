"""The graph's gradient colours: a diverging map of sign and log magnitude, and its legend.

Plain numpy, no Qt. Orange is negative and blue positive (the app's
convention, TensorFlow Playground's); the shade is the gradient's magnitude
on a log scale over ``DECADES`` decades below the largest gradient shown, so
0.5 and 0.0005 are both visible instead of the small one washing out to
white. A gradient of exactly 0 is neutral. The text colour of every shade
is the one (near-black or white) with the higher contrast, at least 4.5:1
(WCAG AA), which tests/microgui/graph_explorer checks for every shade.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "DECADES",
    "LEVELS",
    "UNKNOWN",
    "bucket_rgb",
    "contrast_ratio",
    "flow_levels",
    "gradient_buckets",
    "gradient_scale",
    "legend_ticks",
    "text_rgb",
]

LEVELS = 8  # shades per sign: half a decade each
DECADES = 4.0
UNKNOWN = 2 * LEVELS + 1  # bucket of "gradient not arrived yet" (stepper)
NEUTRAL = np.array([247.0, 247.0, 247.0])
NEGATIVE_DARK = np.array([166.0, 76.0, 2.0])  # deep orange
POSITIVE_DARK = np.array([22.0, 86.0, 156.0])  # deep blue
UNKNOWN_RGB = np.array([222.0, 222.0, 222.0])
DARK_TEXT = np.array([25.0, 25.0, 25.0])
LIGHT_TEXT = np.array([255.0, 255.0, 255.0])


def bucket_rgb() -> np.ndarray:
    """(2 * LEVELS + 2, 3): bucket 0 strongest negative .. LEVELS zero .. 2L strongest positive,
    then the unknown bucket."""
    rows = []
    for k in range(-LEVELS, LEVELS + 1):
        t = abs(k) / LEVELS
        dark = POSITIVE_DARK if k > 0 else NEGATIVE_DARK
        # Light shades stay light: the first steps move faster away from white so
        # that the weakest gradient shown is still visibly coloured.
        rows.append(NEUTRAL + (dark - NEUTRAL) * (0.12 + 0.88 * t if k else 0.0))
    rows.append(UNKNOWN_RGB)
    return np.array(rows)


def _luminance(rgb: np.ndarray) -> np.ndarray:
    c = np.asarray(rgb, dtype=np.float64) / 255.0
    linear = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722])


def contrast_ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """WCAG contrast ratio of two colours (or rows of colours), 1 .. 21."""
    la, lb = _luminance(a), _luminance(b)
    return (np.maximum(la, lb) + 0.05) / (np.minimum(la, lb) + 0.05)


def text_rgb(fills: np.ndarray) -> np.ndarray:
    """Per fill colour, the text colour (dark or white) with the higher contrast."""
    fills = np.atleast_2d(fills)
    dark = contrast_ratio(fills, DARK_TEXT)
    light = contrast_ratio(fills, LIGHT_TEXT)
    return np.where((light > dark)[:, None], LIGHT_TEXT, DARK_TEXT)


def gradient_scale(grads: np.ndarray) -> float:
    """The largest finite |gradient| (1.0 when there is none): the top of the colour scale."""
    g = np.abs(np.asarray(grads, dtype=np.float64))
    g = g[np.isfinite(g) & (g > 0)]
    return float(g.max()) if g.size else 1.0


def gradient_buckets(
    grads: np.ndarray, scale: float | None = None, known: np.ndarray | None = None
) -> np.ndarray:
    """Colour bucket per gradient: 0 (strongly negative) .. LEVELS (zero) .. 2L (positive).

    The shade is log10(|g| / scale) over DECADES decades; anything non-zero
    gets at least the first shade. Unknown gradients (and NaN) get UNKNOWN.
    """
    grads = np.asarray(grads, dtype=np.float64)
    scale = gradient_scale(grads) if scale is None else scale
    finite = np.isfinite(grads)
    magnitude = np.abs(np.where(finite, grads, 0.0))
    with np.errstate(divide="ignore"):
        decades = np.log10(np.where(magnitude > 0, magnitude, 1.0) / scale)
    t = np.clip(1.0 + decades / DECADES, 0.0, 1.0)
    level = np.where(magnitude > 0, np.maximum(1, np.ceil(t * LEVELS - 1e-9)), 0).astype(np.int64)
    buckets = LEVELS + np.sign(np.where(finite, grads, 0.0)).astype(np.int64) * level
    unknown = ~finite if known is None else (~finite | ~np.asarray(known, dtype=bool))
    return np.where(unknown, UNKNOWN, buckets)


def legend_ticks(scale: float) -> list[tuple[int, str]]:
    """(bucket, text) marks for a legend: -scale .. -scale/10^DECADES, 0, +... +scale."""
    ticks = [(LEVELS, "0")]
    for d in range(int(DECADES) + 1):
        value = scale / 10**d
        level = max(1, LEVELS - round(d * LEVELS / DECADES))
        text = _short(value)
        ticks.append((LEVELS + level, text))
        ticks.append((LEVELS - level, "-" + text if text != "0" else text))
    return sorted(set(ticks))


def _short(value: float) -> str:
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    exponent = math.floor(math.log10(abs(value)))
    if -2 <= exponent <= 3:
        return f"{value:.2g}"
    return f"{value:.0e}".replace("e-0", "e-").replace("e+0", "e")


def flow_levels(flows: np.ndarray, levels: int = 5) -> np.ndarray:
    """Level per edge from the gradient flowing along it: 0 none .. levels - 1 the most.

    On the square root of the flow over the largest: only the edges carrying
    a good share of the largest flow get the top levels, so in a dense fan of
    256 edges the few that matter stand out (a log scale made most of them dark).
    """
    flows = np.abs(np.nan_to_num(np.asarray(flows, dtype=np.float64), nan=0.0, posinf=0.0))
    top = float(flows.max()) if flows.size else 0.0
    if top <= 0:
        return np.zeros(len(flows), dtype=np.int64)
    t = np.sqrt(flows / top)
    level = 1 + np.minimum(levels - 2, (t * (levels - 1)).astype(np.int64))
    return np.where(flows > 0, level, 0)
