"""Feature scaling, fitted on the training split: z = (f - shift) / scale per column.

* ``standardize``: shift = mean, scale = standard deviation (population, as
  scikit-learn's ``StandardScaler``): each column gets mean 0 and variance 1.
* ``minmax``: shift = the middle of the column's range, scale = half its
  width: the training values span [-1, 1] (scikit-learn's
  ``MinMaxScaler(feature_range=(-1, 1))``). Centred on 0 because the
  network's units are (relu, tanh, micrograd's uniform(-1, 1) weights).
* ``none``: the inputs as they are.

A column with no spread (constant in the training split) gets scale 1, as
in scikit-learn, so it is shifted but never divided by zero: to 0 for both
(scikit-learn's MinMaxScaler puts it at the range's low end instead).
Each column is fitted in units of its own power of two, so a column near
the float limit (values ~1e300, whose squares overflow) or near zero
(~1e-300, whose squares underflow) is scaled like any other instead of
collapsing to zeros.

Both forms are written as the same two float operations, ``(f - shift) /
scale``, on numpy columns and on scalar ``Value`` nodes, so a training input
and the graph view's scaled input are equal bit for bit.

"auto" (the config's default) means: standardize when the dataset asks for
it (the CSV plugin does: a user's table has columns in any unit) or when
its features are far from unit scale, else none. The built-in 2-D datasets
stay unscaled, so micrograd's demo stays micrograd's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "SCALINGS",
    "SCALING_CHOICES",
    "Scaler",
    "resolve_scaling",
    "suggest_scaling",
]

SCALINGS = ("none", "standardize", "minmax")
SCALING_CHOICES = ("auto", *SCALINGS)
#: A feature whose spread is outside [1/FAR, FAR] or whose mean is beyond FAR
#: counts as far from unit scale ("auto" then standardizes).
FAR_FROM_UNIT = 10.0


@dataclass(frozen=True)
class Scaler:
    """A fitted scaling: per column ``(f - shift[k]) / scale[k]`` (plain data, JSON-ready)."""

    kind: str = "none"
    shift: tuple[float, ...] = ()
    scale: tuple[float, ...] = ()

    @classmethod
    def fit(cls, kind: str, F: np.ndarray) -> Scaler:
        """Fit ``kind`` on the training columns F (n, m)."""
        if kind not in SCALINGS:
            raise ValueError(f"unknown scaling {kind!r}; choose one of {', '.join(SCALINGS)}")
        if kind == "none":
            return cls()
        F = np.asarray(F, dtype=np.float64)
        with np.errstate(invalid="ignore"):  # inf - inf in a column holding inf
            # In units of each column's power of two: the squares (or the
            # range) of values near 1e154 and beyond overflowed, giving an
            # infinite scale that turned the column into zeros, and those of
            # values below 1e-154 underflowed to "no spread". Ordinary columns
            # keep the plain formulas' numbers (scikit-learn's) bit for bit.
            shift, scale = _shift_and_scale(kind, F)
        # No spread: divide by 1 (scikit-learn's _handle_zeros_in_scale).
        scale = np.where(scale > 0.0, scale, 1.0)
        return cls(kind, tuple(shift.tolist()), tuple(scale.tolist()))

    @property
    def active(self) -> bool:
        """False for "none": the inputs pass unchanged and no node is added."""
        return self.kind != "none"

    def transform(self, F: np.ndarray) -> np.ndarray:
        """The scaled columns (a new array; F itself when the scaling is "none")."""
        if not self.active:
            return F
        return (F - np.asarray(self.shift)) / np.asarray(self.scale)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``{"kind": ..., "shift": [...], "scale": [...]}``."""
        return {"kind": self.kind, "shift": list(self.shift), "scale": list(self.scale)}

    @classmethod
    def from_dict(cls, d: Any, width: int) -> Scaler:
        """Read ``to_dict`` output for ``width`` columns; ValueError says what is wrong."""
        if not isinstance(d, dict):
            raise ValueError(f"the scaling must be an object, got {type(d).__name__}")
        kind = d.get("kind")
        if kind not in SCALINGS:
            raise ValueError(
                f"scaling {kind!r} is unknown; this version knows {', '.join(SCALINGS)}"
            )
        if kind == "none":
            return cls()
        columns = []
        for key in ("shift", "scale"):
            values = d.get(key)
            if not isinstance(values, list) or len(values) != width:
                size = len(values) if isinstance(values, list) else "no"
                raise ValueError(f"scaling {key!r} has {size} values for {width} features")
            for v in values:
                if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                    raise ValueError(f"scaling {key!r} holds {v!r}, not a finite number")
            columns.append(tuple(float(v) for v in values))
        if any(s <= 0.0 for s in columns[1]):
            raise ValueError("scaling 'scale' must be > 0 for every feature")
        return cls(kind, columns[0], columns[1])


def _shift_and_scale(kind: str, F: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per column: (mean, standard deviation) or (middle of the range, half its width),
    computed in units of the column's own power of two and scaled back.

    The unit 2**e brings the column's largest magnitude near 1 (e = 0 for a
    column of zeros or one holding inf or NaN: left as it is), so no square or
    range overflows or underflows, and dividing by it is exact.
    """
    units = np.frexp(np.max(np.abs(F), axis=0))[1]
    F = np.ldexp(F, -units)
    if kind == "standardize":
        shift, scale = F.mean(axis=0), F.std(axis=0)
    else:
        lo, hi = F.min(axis=0), F.max(axis=0)
        shift, scale = lo + (hi - lo) / 2.0, (hi - lo) / 2.0
    return np.ldexp(shift, units), np.ldexp(scale, units)


def suggest_scaling(X: np.ndarray, names: Sequence[str] = ()) -> tuple[str, str]:
    """("standardize", why) when a feature of X is far from unit scale, else ("none", "").

    Far: a spread (standard deviation) above FAR_FROM_UNIT or below its
    inverse, or a mean beyond FAR_FROM_UNIT. Constant features are ignored.
    ``why`` names the feature furthest from unit scale.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or not len(X):
        return "none", ""
    mean, std = _shift_and_scale("standardize", X)  # as Scaler.fit: no overflow
    size = np.maximum(std, np.abs(mean))
    # how many times too large or too small; constant columns count as 1
    off = np.where(std > 0.0, np.maximum(size, 1.0 / np.where(std > 0.0, std, 1.0)), 1.0)
    k = int(np.argmax(off))
    if off[k] <= FAR_FROM_UNIT:
        return "none", ""
    name = names[k] if k < len(names) else f"x{k + 1}"
    if size[k] > FAR_FROM_UNIT:
        top = float(np.max(np.abs(X[:, k])))
        return "standardize", f"feature {name!r} reaches {top:,.4g}, far from unit scale"
    return "standardize", f"feature {name!r} varies by only {std[k]:.2g}"


def resolve_scaling(
    setting: str,
    X_train: np.ndarray,
    hint: str = "",
    names: Sequence[str] = (),
    y_train: np.ndarray | None = None,
) -> tuple[str, str]:
    """The scaling a setting means for this data, and why (empty unless "auto" decided).

    ``hint`` is the dataset's own suggestion ("standardize" for a CSV table,
    "" when it has none). ``y_train``: regression targets, which count too.
    """
    if setting != "auto":
        return setting, ""
    if hint in SCALINGS:
        return hint, f"the dataset suggests {hint}" if hint != "none" else ""
    kind, why = suggest_scaling(X_train, names)
    if kind == "none" and y_train is not None:
        kind, why = suggest_scaling(np.asarray(y_train, dtype=np.float64).reshape(-1, 1))
        why = why.replace("feature 'x1'", "the target")
    return kind, why
