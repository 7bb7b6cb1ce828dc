"""Plain data the training worker hands to the window: numbers and small numpy arrays.

Nothing here refers to a live `engine.Value`; the worker copies what the
widgets need while it owns the model, so the GUI thread can draw a snapshot
while the next step is already mutating the graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from microgui.widgets.boundary_grid import BoundaryGrid

__all__ = [
    "HISTORY_KEYS",
    "BoundaryGrid",
    "GradientNorms",
    "TrainingData",
    "TrainingSnapshot",
]

HISTORY_KEYS = ("step", "train_loss", "test_loss", "train_metric", "test_metric", "lr")


@dataclass(frozen=True)
class GradientNorms:
    """Per layer, the L2 norm of its weights' gradients at each recorded step.

    ``steps`` (n,) are step indices (as in the history), ``norms`` (n, layers);
    thinned like the history for plotting, always keeping the last step.
    """

    steps: np.ndarray
    norms: np.ndarray


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
    # The gradient story (issue 12), all at the weights of this snapshot:
    # each training sample's loss (a hinge loss of 0 sends no gradient back),
    # per hidden layer the ReLU units active on no training sample (so no sample
    # sends them a gradient: dead), and the per-layer gradient norms over the steps.
    sample_losses: np.ndarray = field(default_factory=lambda: np.zeros(0))
    dead_units: tuple[np.ndarray, ...] = ()
    gradient_norms: GradientNorms | None = None


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
