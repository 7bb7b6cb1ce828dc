"""Input features computed from the raw inputs: TensorFlow Playground's X1, X1², X1X2, sin(X1).

A feature is one of four kinds, written in a strict little grammar (parsed
with regular expressions, never evaluated):

=============  ==========  =================================
text           kind        value
=============  ==========  =================================
``xK``         ``x``       the raw input K (1-based)
``xK^2``       ``square``  xK * xK   (``xK**2`` is accepted)
``xJ*xK``      ``product`` xJ * xK   (J < K after sorting)
``sin(xK)``    ``sin``     sin(xK)
=============  ==========  =================================

Upper case (``X1``, ``SIN(X1)``) and spaces around the parts are accepted;
the canonical name is lower case without spaces. A list of features is kept
in one canonical order, so a set of toggles and the same set typed on the
command line make the same network: every ``xK``, then the squares, then
the products, then the sines, each by input index (TensorFlow Playground's
order: X1, X2, X1², X2², X1X2, sin(X1), sin(X2)).

Each feature is computed the same way on numpy columns and on scalar
``Value`` nodes (``x * x``, ``x.sin()``), so the training inputs and the
graph of a clicked sample hold the same numbers bit for bit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from engine.value import Value

__all__ = [
    "FEATURE_EXAMPLE",
    "FEATURE_KINDS",
    "MAX_FEATURES",
    "Feature",
    "FeatureError",
    "available_features",
    "check_finite",
    "check_inputs",
    "parse_features",
]

FEATURE_KINDS = ("x", "square", "product", "sin")
FEATURE_EXAMPLE = "x1,x2,x1^2,x2^2,x1*x2,sin(x1),sin(x2)"
MAX_FEATURES = 4096  # the widest layer the config allows
_MAX_TEXT = 100_000  # characters: far beyond any real list, refused before parsing
_GRAMMAR = "write xK, xK^2, xJ*xK or sin(xK) with K from 1"

_INPUT = r"x\s*(\d+)"
_PATTERNS = (
    ("x", re.compile(rf"{_INPUT}", re.IGNORECASE)),
    ("square", re.compile(rf"{_INPUT}\s*(?:\^|\*\*)\s*2", re.IGNORECASE)),
    ("product", re.compile(rf"{_INPUT}\s*\*\s*{_INPUT}", re.IGNORECASE)),
    ("sin", re.compile(rf"sin\s*\(\s*{_INPUT}\s*\)", re.IGNORECASE)),
)


class FeatureError(ValueError):
    """A feature list that cannot be parsed or does not fit the data; one line for the user."""


@dataclass(frozen=True, order=True)
class Feature:
    """One input feature: ``kind`` and 0-based input indices ``i`` (and ``j`` for products)."""

    kind: str
    i: int
    j: int = -1

    @property
    def name(self) -> str:
        """The canonical text: ``x1``, ``x1^2``, ``x1*x2``, ``sin(x1)``."""
        return self.label(tuple(f"x{k + 1}" for k in range(max(self.i, self.j) + 1)))

    def label(self, input_names: Sequence[str], pretty: bool = False) -> str:
        """The feature written with the data's own column names, e.g. ``petal_width^2``.

        ``pretty`` writes it as TensorFlow Playground shows it: ``x1²``, ``x1·x2``.
        """
        a = input_names[self.i]
        if self.kind == "x":
            return a
        if self.kind == "square":
            return f"{a}²" if pretty else f"{a}^2"
        if self.kind == "product":
            return f"{a}{'·' if pretty else '*'}{input_names[self.j]}"
        return f"sin({a})"

    @property
    def inputs(self) -> tuple[int, ...]:
        """The raw inputs this feature reads (0-based)."""
        return (self.i, self.j) if self.kind == "product" else (self.i,)

    def sort_key(self) -> tuple[int, int, int]:
        """Canonical order: kinds in FEATURE_KINDS order, then by input index."""
        return (FEATURE_KINDS.index(self.kind), self.i, self.j)

    # -- the value, on numpy columns and on scalar Values, side by side ----
    def column(self, X: np.ndarray) -> np.ndarray:
        """This feature for every row of X (n, d), as a new float64 array."""
        a = X[:, self.i]
        if self.kind == "x":
            return a.copy()
        if self.kind == "square":
            return a * a
        if self.kind == "product":
            return a * X[:, self.j]
        # math.sin, not np.sin: numpy's SIMD sine may differ from libm in the
        # last bit, and the graph view (Value.sin) uses libm.
        return np.fromiter(map(_sin, a.tolist()), dtype=np.float64, count=len(a))

    def value(self, inputs: Sequence[Value]) -> Value:
        """This feature as a scalar node over the input Values (the graph view)."""
        a = inputs[self.i]
        if self.kind == "x":
            return a
        if self.kind == "square":
            return a * a
        if self.kind == "product":
            return a * inputs[self.j]
        return a.sin()


def _sin(x: float) -> float:
    return math.sin(x) if math.isfinite(x) else math.nan


def _parse_one(text: str, position: int) -> Feature:
    item = text.strip()
    if not item:
        raise FeatureError(f"feature {position} is empty; {_GRAMMAR}, e.g. '{FEATURE_EXAMPLE}'")
    for kind, pattern in _PATTERNS:
        match = pattern.fullmatch(item)
        if match is None:
            continue
        indices = [int(g) for g in match.groups()]
        if min(indices) < 1:
            raise FeatureError(f"{item!r}: inputs are numbered from x1; {_GRAMMAR}")
        if max(indices) > MAX_FEATURES:
            raise FeatureError(f"{item!r}: there is no input x{max(indices)}; {_GRAMMAR}")
        if kind == "product":
            i, j = sorted(k - 1 for k in indices)
            return Feature("square", i) if i == j else Feature("product", i, j)
        return Feature(kind, indices[0] - 1)
    hint = ""
    if re.fullmatch(rf"{_INPUT}\s*(?:\^|\*\*)\s*[-+]?[\d.]+", item, re.IGNORECASE):
        hint = " (only squares: ^2)"
    elif re.fullmatch(r"[a-z]+\s*\(.*\)", item, re.IGNORECASE):
        hint = " (sin is the only function)"
    raise FeatureError(f"{item!r} is not a feature{hint}; {_GRAMMAR}, e.g. '{FEATURE_EXAMPLE}'")


def parse_features(spec: str | Iterable[str]) -> tuple[Feature, ...]:
    """Features from text (``"x1,x2,x1^2"``) or a list of names, in canonical order.

    FeatureError (one line) for anything outside the grammar or listed twice.
    An empty text or list means "the raw inputs" and gives ().
    """
    if isinstance(spec, str):
        if len(spec) > _MAX_TEXT:
            raise FeatureError(f"the feature list is {len(spec):,} characters long; too long")
        items = spec.split(",") if spec.strip() else []
    else:
        items = list(spec)
        for item in items:
            if not isinstance(item, str):
                raise FeatureError(f"{item!r} is not a feature name; {_GRAMMAR}")
    if len(items) > MAX_FEATURES:
        raise FeatureError(f"{len(items):,} features is more than the maximum {MAX_FEATURES:,}")
    features: dict[Feature, str] = {}
    for position, item in enumerate(items, start=1):
        feature = _parse_one(item, position)
        if feature in features:
            first, again = features[feature], item.strip()
            both = "" if first == again else f" ({first!r} and {again!r})"
            raise FeatureError(f"{feature.name!r} is listed twice{both}; list each feature once")
        features[feature] = item.strip()
    return tuple(sorted(features, key=Feature.sort_key))


def check_inputs(features: Sequence[Feature], n_inputs: int) -> None:
    """FeatureError when a feature reads an input the data does not have."""
    for feature in features:
        top = max(feature.inputs) + 1
        if top > n_inputs:
            have = "x1" if n_inputs == 1 else f"x1..x{n_inputs}"
            raise FeatureError(
                f"{feature.name!r} needs input x{top} but the data has {n_inputs} "
                f"feature{'s' if n_inputs != 1 else ''} ({have}); use only those"
            )


def check_finite(
    features: Sequence[Feature], X: np.ndarray, columns: np.ndarray, names: Sequence[str] = ()
) -> None:
    """FeatureError naming the first feature whose ``columns`` (n, m) overflowed on finite X.

    A square or product of inputs near 1e154 or beyond is past the float
    range: training on it could only give a NaN loss, so it is refused
    here, where the feature and its inputs can be named. ``names``: the
    data's own column names, shown beside x1, x2, ... when they differ.
    """
    finite_inputs = np.isfinite(X).all(axis=0)
    for k, feature in enumerate(features):
        if np.isfinite(columns[:, k]).all() or not finite_inputs[list(feature.inputs)].all():
            continue
        reach = " and ".join(
            f"{_input_name(i, names)} reaches {float(np.max(np.abs(X[:, i]))):.3g}"
            for i in feature.inputs
        )
        raise FeatureError(
            f"{feature.name!r} is beyond the float range on the training data: {reach}; "
            f"scale {'that input' if len(set(feature.inputs)) == 1 else 'those inputs'} "
            f"down in the data, or leave {feature.name!r} out"
        )


def _input_name(i: int, names: Sequence[str]) -> str:
    """``x2``, or ``x2 ('width')`` when the data names its column."""
    name = names[i] if i < len(names) else ""
    return f"x{i + 1}" if name in ("", f"x{i + 1}") else f"x{i + 1} ({name!r})"


def available_features(n_inputs: int, products: bool = True) -> tuple[Feature, ...]:
    """Every xK, xK^2 and sin(xK) for data with ``n_inputs`` features (and all products)."""
    found = [Feature(kind, k) for kind in ("x", "square", "sin") for k in range(n_inputs)]
    if products:
        found += [Feature("product", i, j) for i in range(n_inputs) for j in range(i + 1, n_inputs)]
    return tuple(sorted(found, key=Feature.sort_key))
