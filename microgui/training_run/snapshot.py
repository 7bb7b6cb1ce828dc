"""Plain data the training worker hands to the window: numbers and small numpy arrays.

Nothing here refers to a live `engine.Value`; the worker copies what the
widgets need while it owns the model, so the GUI thread can draw a snapshot
while the next step is already mutating the graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

HISTORY_KEYS = ("step", "train_loss", "test_loss", "train_metric", "test_metric", "lr")


@dataclass(frozen=True)
class BoundaryGrid:
    """The model's output over a rectangle of the input plane.

    kind is "binary", "multiclass", "regression" (2-D heat map) or "curve"
    (1-D regression). `field` is what the heat map colours: a signed
    confidence in [-1, 1] for binary, the winning class's probability for
    multiclass, the raw prediction for regression. `outputs` holds the raw
    model outputs (ny, nx, nout) shown on hover.
    """

    kind: str
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    field: np.ndarray
    outputs: np.ndarray
    classes: np.ndarray | None = None
    value_range: tuple[float, float] = (-1.0, 1.0)
    axes: tuple[int, int] = (0, 1)
    curve_x: np.ndarray | None = None
    curve_y: np.ndarray | None = None
    # Pre-rendered RGBA heat maps (soft, discretized), made by the worker so the GUI
    # thread only uploads them; None means "render on demand".
    images: tuple[np.ndarray, np.ndarray] | None = None

    @property
    def shape(self) -> tuple[int, int]:
        """(ny, nx) of the grid."""
        return tuple(self.field.shape[:2])  # type: ignore[return-value]


@dataclass(frozen=True)
class TrainingSnapshot:
    """One throttled report from the worker: the latest numbers plus what to draw."""

    step: int
    state: str  # "idle" | "running" | "paused" | "diverged" | "finished"
    train_loss: float = float("nan")
    test_loss: float = float("nan")
    train_metric: float = float("nan")
    test_metric: float = float("nan")
    metric_name: str = "accuracy"
    lr: float = float("nan")
    seconds_per_step: float = float("nan")
    steps_per_second: float = float("nan")
    nodes_per_step: int = 0
    message: str = ""
    history: dict[str, np.ndarray] = field(default_factory=dict)
    weights: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    boundary: BoundaryGrid | None = None
    neuron_maps: list[np.ndarray] = field(default_factory=list)
    # The run that produced this snapshot (the form may already ask for another one).
    task: str = ""
    loss: str = ""  # the resolved loss ("auto" already turned into e.g. "hinge")
    activation: str = ""


@dataclass(frozen=True)
class TrainingData:
    """The split the trainer uses, for plotting the points (sent once per configuration)."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    task: str
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...]
    metric_name: str
    layer_sizes: tuple[int, ...]
