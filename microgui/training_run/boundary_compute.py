"""What the boundary plot and network view show, computed in the worker with numpy.

The model is evaluated on a grid with the engine's numpy fast path (one
matrix product per layer for the whole grid), never one scalar graph per
pixel. The grid is in the data's raw units; a run with input features or
scaling passes ``predict`` (raw rows -> outputs, ``Trainer.predict``) and
``transform`` (raw rows -> the network's inputs), so the picture is of the
model as trained. Everything returned is a fresh numpy array: the GUI
thread may draw it while the worker keeps training.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from engine.fast import mlp_forward_numpy, model_weight_arrays
from microgui.training_run.snapshot import TrainingData
from microgui.widgets.boundary_grid import BoundaryGrid

EXTENT_MARGIN = 0.12
NEURON_MAP_RESOLUTION = 24
# Two features whose spans differ by at most this factor share one square, equal-aspect
# domain (circles stay circles, as in TensorFlow Playground); features of very different
# scales keep their own ranges, or one of them would shrink to a line.
SQUARE_SPAN_RATIO = 4.0

Range = tuple[float, float]
# Half-widths of a range a plot can draw (drawable_range): the widest whose
# width and ends are finite floats, the narrowest at which a few hundred
# pixels per unit stay far from overflow and distinct from the middle.
_WIDEST_HALF = sys.float_info.max / 4.0
_NARROWEST_HALF = 1e-300
_RELATIVE_HALF = 1e-12

_ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "relu": lambda z: np.maximum(z, 0.0),
    "tanh": np.tanh,
    "sigmoid": lambda z: 0.5 * (1.0 + np.tanh(0.5 * z)),  # overflow-free logistic
    "linear": lambda z: z,
}


def plot_extent(values: np.ndarray) -> tuple[float, float]:
    """The range of `values` widened by a margin (never empty), one that Qt can draw."""
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0:
        return (-1.0, 1.0)
    lo, hi = float(np.min(values)), float(np.max(values))
    with np.errstate(over="ignore"):
        pad = (hi - lo) * EXTENT_MARGIN or 1.0
        wide_lo, wide_hi = lo - pad, hi + pad
    if math.isfinite(wide_lo) and math.isfinite(wide_hi):
        return drawable_range(wide_lo, wide_hi)
    # Data spanning more than the largest float: its margin in halves.
    middle, half = lo / 2.0 + hi / 2.0, (hi / 2.0 - lo / 2.0) * (1.0 + 2.0 * EXTENT_MARGIN)
    return _around(middle, half)


def drawable_range(lo: float, hi: float) -> tuple[float, float]:
    """(lo, hi), or the nearest range around its middle that a plot can show.

    Data near the float limits gives ranges a view cannot map to pixels: a
    width beyond the largest float (pyqtgraph raised "Cannot set range [-inf,
    inf]"), or one so narrow that pixels per unit overflow (subnormal data,
    ~1e-323: Qt crashed with a segmentation fault) or that rounds to nothing
    next to the middle (1e300 +- 1).
    """
    middle = lo / 2.0 + hi / 2.0  # halves first: no overflow
    half = hi / 2.0 - lo / 2.0
    if math.isfinite(hi - lo) and half >= _narrowest_half(middle):
        return (lo, hi)
    return _around(middle, half)


def _middle(extent: Range) -> float:
    with np.errstate(over="ignore"):
        middle = (extent[0] + extent[1]) / 2.0
    return middle if math.isfinite(middle) else extent[0] / 2.0 + extent[1] / 2.0


def _narrowest_half(middle: float) -> float:
    return max(_NARROWEST_HALF, abs(middle) * _RELATIVE_HALF)


def _around(middle: float, half: float) -> tuple[float, float]:
    """middle +- half, with half widened or narrowed to what a plot can draw."""
    widest = min(_WIDEST_HALF, sys.float_info.max - abs(middle))  # finite width and ends
    half = min(max(half, _narrowest_half(middle)), widest)
    return (middle - half, middle + half)


def plane_domain(X: np.ndarray, axes: tuple[int, int] = (0, 1)) -> tuple[Range, Range]:
    """(x_range, y_range) of the plane of features `axes`: one square around the data
    when their spans are comparable (see SQUARE_SPAN_RATIO), else each axis its extent."""
    X = np.asarray(X, dtype=np.float64)
    x_range = plot_extent(X[:, axes[0]])
    if X.ndim < 2 or X.shape[1] < 2:
        return x_range, (-1.0, 1.0)
    y_range = plot_extent(X[:, axes[1]])
    wx, wy = x_range[1] - x_range[0], y_range[1] - y_range[0]
    if max(wx, wy) > SQUARE_SPAN_RATIO * min(wx, wy):
        return x_range, y_range
    half = max(wx, wy) / 2.0
    return _around(_middle(x_range), half), _around(_middle(y_range), half)


def is_square(x_range: Range, y_range: Range) -> bool:
    """True when both ranges have the same width (the plot then keeps a 1:1 aspect)."""
    wx, wy = x_range[1] - x_range[0], y_range[1] - y_range[0]
    return math.isclose(wx, wy, rel_tol=1e-9)


@dataclass(frozen=True)
class PlotPoints:
    """The data as the boundary plot shows it: (n, 2) columns in plot coordinates.

    For 1-D regression (`curve`) the columns are x and the target; for one feature
    otherwise, x and 0; else the two chosen features.
    """

    train_xy: np.ndarray
    train_y: np.ndarray
    test_xy: np.ndarray
    test_y: np.ndarray
    task: str
    class_names: tuple[str, ...]
    curve: bool
    x_label: str
    y_label: str
    x_range: Range
    y_range: Range

    @property
    def equal_aspect(self) -> bool:
        """Draw with a 1:1 aspect (a square plane of two features)."""
        return not self.curve and self.y_label != "" and is_square(self.x_range, self.y_range)


def plot_points(
    data: TrainingData,
    axes: tuple[int, int] = (0, 1),
    domain: tuple[Range, Range] | None = None,
) -> PlotPoints:
    """Project the split on the plotted plane, with its labels and ranges (the worker's
    boundary grid covers the same ranges: both come from plane_domain of all the data)."""
    X_train, y_train, X_test, y_test = data.X_train, data.y_train, data.X_test, data.y_test
    task, feature_names = data.task, data.feature_names
    d = X_train.shape[1]
    curve = d == 1 and task == "regression"
    ax, ay = axes if d > 2 else (0, 1 if d > 1 else 0)
    names = list(feature_names) or [f"x{i + 1}" for i in range(d)]

    def project(X: np.ndarray, y: np.ndarray) -> np.ndarray:
        if curve:
            return np.column_stack([X[:, 0], y])
        if d == 1:
            return np.column_stack([X[:, 0], np.zeros(len(X))])
        return np.column_stack([X[:, ax], X[:, ay]])

    all_x = np.vstack([X_train, X_test])
    if domain is not None:
        x_range, y_range = domain
    elif curve:
        x_range = plot_extent(all_x[:, 0])
        y_range = plot_extent(np.concatenate([y_train, y_test]))
    else:
        x_range, y_range = plane_domain(all_x, (ax, ay))
    return PlotPoints(
        train_xy=project(X_train, y_train),
        train_y=np.asarray(y_train, dtype=np.float64),
        test_xy=project(X_test, y_test),
        test_y=np.asarray(y_test, dtype=np.float64),
        task=task,
        class_names=tuple(data.class_names),
        curve=curve,
        x_label=names[0] if d == 1 else names[ax],
        y_label="target" if curve else ("" if d == 1 else names[ay]),
        x_range=x_range,
        y_range=y_range,
    )


def plane_inputs(
    X: np.ndarray,
    axes: tuple[int, int],
    x_range,
    y_range,
    nx: int,
    ny: int,
    center: np.ndarray | None = None,
) -> np.ndarray:
    """Inputs (ny*nx, d) covering the plane of features `axes`, the others at `center`.

    ``center`` defaults to the features' mean (pass it to save recomputing
    it on 100,000 rows for every snapshot).
    """
    d = X.shape[1]
    xs = np.linspace(x_range[0], x_range[1], nx)
    ys = np.linspace(y_range[0], y_range[1], ny)
    gx, gy = np.meshgrid(xs, ys)
    if center is None:
        center = np.mean(X, axis=0) if len(X) else np.zeros(d)
    inputs = np.tile(center, (nx * ny, 1))
    inputs[:, axes[0]] = gx.ravel()
    if d > 1:
        inputs[:, axes[1]] = gy.ravel()
    return inputs


def interpret_outputs(
    outputs: np.ndarray, task: str, threshold: float = 0.0, squash: str = "tanh"
) -> tuple[np.ndarray, np.ndarray | None]:
    """(field, classes) for the heat map from raw outputs (n, nout).

    binary: field = squash(score - threshold) in [-1, 1], class = score > threshold.
    multiclass: field = winning softmax probability rescaled so chance is 0.
    regression: field = the prediction, no classes.
    """
    if task == "multiclass":
        z = outputs - np.max(outputs, axis=1, keepdims=True)
        p = np.exp(z)
        p /= np.sum(p, axis=1, keepdims=True)
        k = outputs.shape[1]
        chance = 1.0 / k
        return (np.max(p, axis=1) - chance) / (1.0 - chance), np.argmax(p, axis=1)
    score = outputs[:, 0]
    if task == "binary":
        margin = score - threshold
        field = np.tanh(margin / 2.0) if squash == "sigmoid" else np.tanh(margin)
        return field, (margin > 0).astype(np.int64)
    return score.copy(), None


def compute_boundary(
    model,
    X: np.ndarray,
    y: np.ndarray,
    task: str,
    axes: tuple[int, int] = (0, 1),
    resolution: int = 100,
    threshold: float = 0.0,
    squash: str = "tanh",
    predict: Callable[[np.ndarray], np.ndarray] | None = None,
    center: np.ndarray | None = None,
    domain: tuple[Range, Range] | None = None,
) -> BoundaryGrid:
    """The model's output over the plane of features `axes` (or a curve when d == 1).

    The plane is `domain` when given (drawn data keeps a fixed one), else
    plane_domain(X). ``predict(raw rows) -> outputs`` replaces ``model``
    (which may then be None); ``center``: the values of the other features
    (default their mean). Only the extent of X and y is read: their columns'
    minima and maxima (two rows) give the same grid as the data.
    """
    X = np.asarray(X, dtype=np.float64)
    if predict is None:

        def predict(rows: np.ndarray) -> np.ndarray:
            return mlp_forward_numpy(model, rows, exact=False)

    d = X.shape[1]
    x_range, y_range = domain if domain is not None else plane_domain(X, axes)
    if d == 1 and task == "regression":
        xs = np.linspace(x_range[0], x_range[1], max(resolution, 2) * 2)
        preds = predict(xs[:, None])[:, 0]
        return BoundaryGrid(
            kind="curve",
            x_range=x_range,
            y_range=y_range if domain is not None else plot_extent(y),
            field=np.zeros((1, 1)),
            outputs=np.zeros((1, 1, 1)),
            axes=axes,
            curve_x=xs,
            curve_y=preds,
        )
    inputs = plane_inputs(X, axes, x_range, y_range, resolution, resolution, center)
    with np.errstate(all="ignore"):
        outputs = predict(inputs)
    field, classes = interpret_outputs(outputs, task, threshold, squash)
    shape = (resolution, resolution)
    value_range = (-1.0, 1.0)
    if task == "regression":
        lo, hi = (float(np.min(y)), float(np.max(y))) if len(y) else (-1.0, 1.0)
        value_range = (lo, hi if hi > lo else lo + 1.0)
    return BoundaryGrid(
        kind=task,
        x_range=x_range,
        y_range=y_range,
        field=field.reshape(shape),
        outputs=outputs.reshape(*shape, outputs.shape[1]),
        classes=None if classes is None else classes.reshape(shape),
        value_range=value_range,
        axes=axes,
    )


def forward_layers(
    model,
    inputs: np.ndarray,
    arrays: list[tuple[np.ndarray, np.ndarray]] | None = None,
    activations: list[str] | None = None,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per layer, (pre-activation z, activation a) of shape (n, nout) for the rows of `inputs`.

    One matrix product per layer (engine.fast's inexact path, equal to ~1e-15);
    each layer applies its own activation (the last layer is linear in engine.nn).
    ``arrays``: the model's weight arrays if already copied (model_weight_arrays);
    with ``activations`` (one name per layer) too, ``model`` is not read at all.
    """
    a = np.asarray(inputs, dtype=np.float64)
    out = []
    arrays = model_weight_arrays(model) if arrays is None else arrays
    if activations is None:
        activations = [getattr(layer, "activation", "linear") for layer in model.layers]
    with np.errstate(over="ignore", invalid="ignore"):
        for name, (W, b) in zip(activations, arrays, strict=True):
            act = _ACTIVATIONS.get(name, _ACTIVATIONS["linear"])
            z = a @ W.T + b
            a = act(z)
            out.append((z, a))
    return out


def neuron_maps(
    model,
    X: np.ndarray,
    axes: tuple[int, int] = (0, 1),
    resolution: int = NEURON_MAP_RESOLUTION,
    *,
    weights: list[tuple[np.ndarray, np.ndarray]] | None = None,
    activation: str | None = None,
    transform: Callable[[np.ndarray], np.ndarray] | None = None,
    center: np.ndarray | None = None,
    domain: tuple[Range, Range] | None = None,
) -> list[np.ndarray]:
    """Every neuron's activation over the input plane: per layer (inputs first) (n, g, g).

    The plane is the boundary plot's (`domain`, else plane_domain(X)). The
    first entry is the network's inputs over the plane: with ``transform``
    (raw rows -> the network's inputs) its input features, scaled.
    ``weights`` and ``activation`` (the hidden layers') replace ``model``.
    """
    X = np.asarray(X, dtype=np.float64)
    x_range, y_range = domain if domain is not None else plane_domain(X, axes)
    a = plane_inputs(X, axes, x_range, y_range, resolution, resolution, center)
    if weights is None:
        weights = model_weight_arrays(model)
        activations = [getattr(layer, "activation", "linear") for layer in model.layers]
    else:
        activations = [activation or "linear"] * (len(weights) - 1) + ["linear"]
    shape = (resolution, resolution)
    if transform is not None:
        with np.errstate(over="ignore", invalid="ignore"):
            a = transform(a)
    maps = [a.T.reshape(a.shape[1], *shape).copy()]
    for _, act in forward_layers(model, a, weights, activations):
        maps.append(act.T.reshape(act.shape[1], *shape).copy())
    return maps


def finite_or_nan(value: float) -> float:
    """A float for the snapshot; anything odd becomes NaN."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return float("nan")
    return value if math.isfinite(value) else float("nan")
