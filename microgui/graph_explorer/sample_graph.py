"""The full scalar graph of one training sample: forward, loss, one backward.

The model is rebuilt from its named weights (``layers.0.neurons.3.w.1`` ->
float) as an unfused ``engine.nn.MLP`` (micrograd's chain of ``*`` and ``+``
nodes per neuron), the sample goes through it, the engine's loss for that
sample is computed and backward runs once. The result is a GraphSnapshot:
plain numbers the GUI may keep while training moves on.

The sample enters as its raw values (leaves ``x.0``, ``x.1``, ...). When
the run computes input features or scales its inputs (engine.
preprocessing), those are scalar nodes too: ``x.0 * x.0`` labelled
``feature.x1^2``, ``sin``, products, then ``(f - shift) / scale`` labelled
``scaled.<name>``, so the Graph tab shows their values and gradients like
any other node. A regression target is scaled as in training.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from engine import Value
from engine.graph import topological_order
from engine.losses import LOSSES
from engine.metrics import encode_targets
from engine.nn import MLP
from engine.preprocessing import Preprocessor
from microgui.graph_explorer.snapshot import GraphSnapshot, snapshot_from_root

__all__ = [
    "ModelSpec",
    "build_sample_graph",
    "loss_targets",
    "rebuild_model",
    "sample_loss",
    "weights_from_arrays",
]


@dataclass(frozen=True)
class ModelSpec:
    """Everything needed to rebuild the model of one training snapshot."""

    weights: Mapping[str, float]
    nin: int
    nouts: tuple[int, ...]
    activation: str
    loss: str
    task: str
    preprocessor: Preprocessor | None = None  # None: the raw inputs, unscaled

    def estimated_nodes(self) -> int:
        """Nodes of one sample's unfused graph: 3 per weight, 2 per neuron, inputs, loss.

        Plus, with preprocessing, the raw inputs and up to 3 nodes per feature.
        """
        sizes = [self.nin, *self.nouts]
        extra = 0
        if self.preprocessor is not None and not self.preprocessor.is_identity:
            extra = self.preprocessor.n_inputs + 3 * self.preprocessor.n_outputs
        return self.nin + 1 + extra + sum(o * (3 * i + 2) for i, o in pairwise(sizes))


_PARAM_LABEL = re.compile(r"^layers\.(\d+)\.neurons\.(\d+)\.")
_INPUT_LABEL = re.compile(r"^x\.(\d+)$")


def weights_from_arrays(arrays: Sequence[tuple[np.ndarray, np.ndarray]]) -> dict[str, float]:
    """Named weights from per-layer (W (nout, nin), b (nout,)) arrays."""
    weights: dict[str, float] = {}
    for i, (w, b) in enumerate(arrays):
        w = np.asarray(w, dtype=np.float64)
        b = np.asarray(b, dtype=np.float64)
        for j in range(w.shape[0]):
            for k in range(w.shape[1]):
                weights[f"layers.{i}.neurons.{j}.w.{k}"] = float(w[j, k])
            weights[f"layers.{i}.neurons.{j}.b"] = float(b[j])
    return weights


def rebuild_model(
    weights: Mapping[str, float], nin: int, nouts: Sequence[int], activation: str
) -> MLP:
    """An unfused MLP with exactly these named weights (every name must match)."""
    model = MLP(nin, list(nouts), activation=activation, fused=False)
    named = dict(model.named_parameters())
    missing = [name for name in named if name not in weights]
    extra = [name for name in weights if name not in named]
    if missing or extra:
        detail = []
        if missing:
            detail.append(f"missing {len(missing)} (e.g. {missing[0]})")
        if extra:
            detail.append(f"{len(extra)} unknown (e.g. {extra[0]})")
        raise ValueError(
            f"the weights do not fit MLP({nin}, {list(nouts)}): {', '.join(detail)}; "
            "pass the model's named_parameters()"
        )
    for name, p in named.items():
        p.data = float(weights[name])
    return model


def loss_targets(loss: str, y: float, nout: int, task: str | None = None) -> tuple[float, ...]:
    """The target the engine's loss expects for label ``y`` of one sample.

    With a task, exactly the trainer's encoding (engine.metrics.encode_targets:
    binary labels 0/1 become -1/+1 for hinge and mse). Without one: hinge
    wants y in {-1, +1} (y <= 0 -> -1), bce {0, 1}, mse the raw target,
    softmax_ce the class index.
    """
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
    if loss != "softmax_ce" and nout != 1:
        raise ValueError(f"the {loss} loss needs a model with one output, this one has {nout}")
    if task is not None and loss != "softmax_ce":
        return (float(encode_targets(np.array([y]), task, loss)[0]),)
    if loss == "hinge":
        return (1.0 if y > 0 else -1.0,)
    if loss == "bce":
        return (1.0 if y > 0 else 0.0,)
    if loss == "mse":
        return (float(y),)
    label = int(y)
    if label != y or not 0 <= label < nout:
        raise ValueError(f"class label {y!r} is not one of 0..{nout - 1}")
    return (float(label),)


def sample_loss(outputs: list[Value], loss: str, targets: tuple[float, ...]) -> Value:
    """The engine's (fused) loss of one sample, given the model's outputs as a list."""
    if loss == "softmax_ce":
        return LOSSES[loss]([outputs], [int(targets[0])])
    return LOSSES[loss](outputs, list(targets))


def unfused_sample_loss(outputs: list[Value], loss: str, targets: tuple[float, ...]) -> Value:
    """The same loss as :func:`sample_loss`, written as micrograd-style scalar ops.

    The trainer uses one fused node per loss; the graph view shows every
    scalar step instead (micrograd's demo writes the hinge as
    ``(1 + -y*score).relu()``), so the user can click into the loss too.
    Values and gradients equal the fused loss's
    (tests/microgui/graph_explorer/test_sample_graph.py).
    """
    if loss == "hinge":
        (score,) = outputs
        return (1 + -targets[0] * score).relu()
    if loss == "bce":
        # max(s, 0) - s*y + log(1 + exp(-|s|)): the stable form the engine uses.
        (s,) = outputs
        return s.relu() - s * targets[0] + ((-abs(s)).exp() + 1).log()
    if loss == "mse":
        (pred,) = outputs
        return (pred - targets[0]) ** 2
    if loss == "softmax_ce":
        # logsumexp(z) - z[label], with the max subtracted (a constant) for stability.
        label = int(targets[0])
        shift = max(z.data for z in outputs)
        shifted = [z - shift for z in outputs]
        total = shifted[0].exp()
        for z in shifted[1:]:
            total = total + z.exp()
        return total.log() - shifted[label]
    raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")


def _model_grouper(outputs: list[Value], features: dict[int, int] | None = None):
    """(layer, neuron, role) per node: parameters by their names, ops by their operands.

    An op belongs to the deepest layer among its parents (a product of a
    layer-1 weight and a layer-0 activation is layer 1's); nodes after the
    model outputs are the loss's. ``features`` maps the ids of feature and
    scaling nodes to the network input they make: layer -1, role "feature".
    """
    features = features or {}

    def group(order: list[Value]) -> list[tuple[int, int, str]]:
        in_model = {id(v) for out in outputs for v in topological_order(out)}
        output_ids = {id(v) for v in outputs}
        n_layers = max(_layer_of_label(v.label) for v in order) + 1
        result: dict[int, tuple[int, int, str]] = {}
        pending_leaves: list[Value] = []
        for v in order:
            match = _PARAM_LABEL.match(v.label)
            if match:
                result[id(v)] = (int(match.group(1)), int(match.group(2)), "param")
            elif _INPUT_LABEL.match(v.label):
                result[id(v)] = (-1, int(_INPUT_LABEL.match(v.label).group(1)), "input")
            elif id(v) in features:
                result[id(v)] = (-1, features[id(v)], "feature")
            elif id(v) not in in_model:
                result[id(v)] = (n_layers, 0, "loss")
            elif not v.parents:
                pending_leaves.append(v)
            else:
                known = [result[id(p)] for p in v.parents if id(p) in result]
                layer, neuron, _ = max(known, default=(0, 0, "op"))
                role = "output" if id(v) in output_ids else "op"
                result[id(v)] = (layer, neuron, role)
        if pending_leaves:  # constants: drawn next to their first user
            first_user: dict[int, Value] = {}
            for c in order:
                for p in c.parents:
                    first_user.setdefault(id(p), c)
            for v in pending_leaves:
                user = first_user.get(id(v))
                layer, neuron, _ = result.get(id(user), (0, 0, "op"))
                result[id(v)] = (layer, neuron, "leaf")
        return [result[id(v)] for v in order]

    return group


def _layer_of_label(label: str) -> int:
    match = _PARAM_LABEL.match(label)
    return int(match.group(1)) if match else -1


def build_sample_graph(
    weights: Mapping[str, float],
    nin: int,
    nouts: Sequence[int],
    activation: str,
    loss: str,
    x: Sequence[float],
    y: float,
    task: str | None = None,
    preprocessor: Preprocessor | None = None,
) -> GraphSnapshot:
    """Snapshot of sample (x, y) through the model and its loss, after one backward.

    ``task`` ("binary", "multiclass", "regression") selects the trainer's
    target encoding for ``y`` (see loss_targets). ``preprocessor``: the
    run's input features and scaling (None: the raw inputs); ``x`` is then
    the raw sample and ``nin`` the network's inputs (one per feature).

    Inputs are leaves labelled ``x.0``, ``x.1``...; features and scaled
    inputs ``feature.<name>`` and ``scaled.<name>``; parameters carry their
    names; the root is the loss. Raises ValueError for weights that do not
    fit the architecture, a wrong input length or an unknown loss.
    """
    x = [float(v) for v in x]
    p = preprocessor if preprocessor is not None else Preprocessor.identity(nin)
    if p.n_outputs != nin:
        raise ValueError(f"the preprocessing gives {p.n_outputs} inputs but the model takes {nin}")
    if len(x) != p.n_inputs:
        raise ValueError(f"the sample has {len(x)} features but the model expects {p.n_inputs}")
    model = rebuild_model(weights, nin, nouts, activation)
    if task == "regression":
        y = float(p.scale_targets(np.array([y]))[0])  # the target as the network learned it
    targets = loss_targets(loss, float(y), model.nouts[-1], task)
    inputs = [Value(v, label=f"x.{k}") for k, v in enumerate(x)]
    net_inputs = p.values(inputs)
    out = model(net_inputs)
    outputs = out if isinstance(out, list) else [out]
    root = unfused_sample_loss(outputs, loss, targets)
    root.backward()
    return snapshot_from_root(
        root,
        grouper=_model_grouper(outputs, _feature_nodes(inputs, net_inputs)),
        n_layers=len(model.nouts),
        loss_name=loss,
        targets=targets,
        description=_description(nin, model.nouts, activation, loss, p),
    )


def _feature_nodes(inputs: list[Value], net_inputs: list[Value]) -> dict[int, int]:
    """id -> network input index for every node between the raw inputs and the network."""
    raw = {id(v) for v in inputs}
    found: dict[int, int] = {}
    for k, node in enumerate(net_inputs):
        for v in topological_order(node):
            if id(v) not in raw and id(v) not in found:
                found[id(v)] = k
    return found


def _description(
    nin: int, nouts: Sequence[int], activation: str, loss: str, p: Preprocessor
) -> str:
    text = f"MLP({nin}, {list(nouts)}, {activation}) with {loss} loss"
    if not p.is_identity:
        text += f"; inputs {p.describe()}"
    return text
