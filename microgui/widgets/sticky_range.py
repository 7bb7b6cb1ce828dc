"""Axis ranges that change rarely, so pyqtgraph does not rebuild its axes on every update.

Rebuilding an axis (ticks, labels) is the most expensive part of redrawing a
live chart. The x range grows in doublings of the step count; the y range
only moves when the data leaves it or shrinks to a small part of it.
"""

from __future__ import annotations

import math

import numpy as np

MIN_STEPS = 50
SHRINK_FRACTION = 0.35
MARGIN = 0.08


def step_range(last_step: float) -> tuple[float, float]:
    """(0, upper) with upper the first of 50, 100, 200, 400, ... above last_step."""
    upper = MIN_STEPS
    while upper < last_step:
        upper *= 2
    return 0.0, float(upper)


class StickyRange:
    """Keeps a y range until the data no longer fits it (or uses only a small part)."""

    def __init__(self) -> None:
        self.current: tuple[float, float] | None = None

    def reset(self) -> None:
        """Forget the range (new run)."""
        self.current = None

    def update(
        self, values: np.ndarray, log: bool = False, from_zero: bool = False
    ) -> tuple[float, float] | None:
        """The range to show for `values`, or None when the current one still fits.

        from_zero: start non-negative data at 0 (a falling loss then never leaves it).
        """
        v = np.asarray(values, dtype=np.float64)
        v = v[np.isfinite(v)]
        if log:
            v = v[v > 0]
            if not len(v):
                return None
            v = np.log10(v)
        if not len(v):
            return None
        lo, hi = float(v.min()), float(v.max())
        zero_based = from_zero and lo >= 0.0
        if zero_based:
            lo = 0.0
        span = hi - lo if hi > lo else max(abs(hi), 1e-3)
        if self.current is not None:
            c_lo, c_hi = self.current
            fits = c_lo <= lo and hi <= c_hi
            used = (hi - c_lo) / (c_hi - c_lo) if c_hi > c_lo else 1.0
            if fits and used >= SHRINK_FRACTION:
                return None
        new = (lo if zero_based else lo - MARGIN * span, hi + MARGIN * span)
        if not all(math.isfinite(x) for x in new):
            return None
        self.current = new
        return new
