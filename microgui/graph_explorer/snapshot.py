"""An immutable, plain-data copy of a computation graph that the GUI can hold.

The GUI never keeps live ``engine.Value`` objects (a training worker may be
mutating them). ``snapshot_from_root`` walks a graph once, in the engine's
topological order, and copies what the views need: ids, op, label, value,
gradient, parents, the local derivative on each edge, the node's layer and
neuron, and a *recipe* that says how to recompute the node from its operands
(used by the finite-difference check and the DOT export, which rebuild the
graph with the engine).

Node ids are positions in ``engine.graph.topological_order(root)``: parents
before children, the root (the loss) last.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

import numpy as np

from engine import Value
from engine.graph import topological_order
from microgui.widgets.numbering import short_name

__all__ = [
    "GraphNode",
    "GraphSnapshot",
    "local_derivatives",
    "search_matches",
    "short_label",
    "snapshot_from_root",
]

# Short names for ops inside stable node keys ("layers.0.neurons.3.mul[1]").
_OP_NAMES = {"+": "add", "-": "sub", "*": "mul", "/": "div", "**": "pow", "ReLU": "relu"}
_UNARY_RECIPES = {
    "neg": "neg",
    "abs": "abs",
    "ReLU": "relu",
    "tanh": "tanh",
    "sigmoid": "sigmoid",
    "sin": "sin",
    "exp": "exp",
    "log": "log",
}


class GraphNode(NamedTuple):
    """One scalar of the graph, as plain numbers and strings (immutable).

    ``parents`` are distinct (``x * x`` lists x once) and ``local_grads[i]``
    is d(this node)/d(parents[i]), summed over repeated uses. ``operands``
    are the engine's raw parents in order (x twice for ``x * x``), which
    ``recipe`` and ``constant`` need to recompute the node. A NamedTuple,
    not a dataclass: a 10,000-node graph is built several times faster.
    """

    id: int
    key: str
    label: str
    op: str
    value: float
    grad: float
    parents: tuple[int, ...]
    local_grads: tuple[float, ...]
    layer: int = 0
    neuron: int = -1
    role: str = "op"  # "input" | "feature" | "param" | "op" | "output" | "loss" | "leaf"
    recipe: str = "leaf"
    operands: tuple[int, ...] = ()
    constant: float = math.nan

    @property
    def title(self) -> str:
        """What a node box shows first: a short label (counted from 1), else the op."""
        if self.label and self.op:
            return f"{short_label(self.label)} ({self.op})"
        if self.label:
            return short_label(self.label)
        return self.op or "leaf"

    @property
    def display_key(self) -> str:
        """The stable key as shown: ``layers.0.neurons.5.mul[1]`` -> ``L1.N6.mul[1]``."""
        return short_label(self.key)


@dataclass(frozen=True)
class GraphSnapshot:
    """A whole graph: nodes in topological order, the root (loss) last."""

    nodes: tuple[GraphNode, ...]
    root: int
    n_layers: int = 0
    loss_name: str = ""
    targets: tuple[float, ...] = ()
    description: str = ""
    children: tuple[tuple[int, ...], ...] = field(default=(), repr=False)
    # The numbers again as arrays, for the views (filled by snapshot_from_root on the
    # builder's thread, so the GUI thread never loops over 13,000 nodes for them):
    # value and gradient per node, and one row per edge (parent, child, d child/d parent).
    values: np.ndarray = field(default=None, repr=False, compare=False)
    grads: np.ndarray = field(default=None, repr=False, compare=False)
    edge_parent: np.ndarray = field(default=None, repr=False, compare=False)
    edge_child: np.ndarray = field(default=None, repr=False, compare=False)
    edge_local: np.ndarray = field(default=None, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.nodes)

    @cached_property
    def _key_index(self) -> dict[str, int]:
        return {node.key: node.id for node in self.nodes}

    def find(self, key: str) -> int | None:
        """The id of the node with stable key ``key``, or None."""
        return self._key_index.get(key)

    @cached_property
    def structure(self) -> tuple:
        """Everything but the numbers: equal structures can share one layout."""
        return tuple((n.key, n.op, n.parents, n.layer, n.neuron) for n in self.nodes)

    @cached_property
    def neuron_outputs(self) -> dict[tuple[int, int], int]:
        """(layer, neuron) -> the id of its last node (its activation), for model neurons."""
        last: dict[tuple[int, int], int] = {}
        for node in self.nodes:
            if node.neuron >= 0 and 0 <= node.layer < self.n_layers:
                last[(node.layer, node.neuron)] = node.id
        return last

    @cached_property
    def _lets_gradient_through(self) -> np.ndarray:
        """Per node: a leaf, or an op with some non-zero local derivative."""
        n = len(self.nodes)
        has_parents = np.bincount(self.edge_child, minlength=n) > 0
        opens = np.bincount(self.edge_child, weights=self.edge_local != 0.0, minlength=n) > 0
        return ~has_parents | opens

    def prepare_views(self) -> GraphSnapshot:
        """Compute now what the views read later (on the builder's thread, not the GUI's)."""
        self.neuron_outputs  # noqa: B018 - cached properties, filled here
        self._lets_gradient_through  # noqa: B018
        return self

    def passes_gradient(self, grads: np.ndarray | None = None) -> np.ndarray:
        """Per node: does gradient flow through it? Muted in the view where it does not.

        False where the node's gradient is 0 (nothing reaches it) or where an op
        blocks it (every local derivative 0: an inactive ReLU, a hinge loss of 0).
        ``grads`` replaces the snapshot's (the stepper's partial gradients).
        """
        grads = self.grads if grads is None else grads
        return (grads != 0.0) & self._lets_gradient_through

    def stops_gradient(self, grads: np.ndarray | None = None) -> np.ndarray:
        """Per node: a gradient reaches it and stops there (every local derivative 0: an
        inactive ReLU, a hinge loss of 0). Its own grad is not 0, yet none flows on."""
        grads = self.grads if grads is None else grads
        return (grads != 0.0) & ~self._lets_gradient_through

    def descendants(self, node_id: int) -> list[int]:
        """``node_id`` and every node computed from it (all lie on paths to the root)."""
        seen = {node_id}
        stack = [node_id]
        while stack:
            for child in self.children[stack.pop()]:
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        return sorted(seen)


def short_label(label: str) -> str:
    """``layers.1.neurons.3.w.0`` -> ``L2.N4.w1`` (fits in a node box; counted from 1)."""
    return short_name(label)


def local_derivatives(node: Value) -> tuple[float, ...]:
    """d node / d parent for each of ``node.parents`` (raw, in order).

    Adapter: the engine keeps these in ``Value._local`` (computed in the
    forward pass; an empty tuple means all zero) and has no public accessor.
    """
    local = getattr(node, "_local", None)
    if local is None:
        raise RuntimeError("engine.Value has no local derivatives (_local); update the adapter")
    return tuple(local) if local else (0.0,) * len(node.parents)


def _recipe(node: Value, local: tuple[float, ...], loss_ops: frozenset[str]) -> tuple[str, float]:
    """How to recompute ``node`` from its operands with engine operators, plus a constant.

    The engine folds plain-number constants into the node (``v + 2.0`` has one
    parent), so the constant is recovered from the node's value or its local
    derivative. Ops this cannot replay are marked "linear" (first order).
    """
    op, parents, out = node.op, node.parents, node.data
    if not parents:
        return "leaf", math.nan
    a = parents[0].data
    if op in loss_ops:
        return "loss", math.nan
    if op in _UNARY_RECIPES and len(parents) == 1:
        return _UNARY_RECIPES[op], math.nan
    two = len(parents) == 2
    if op == "+":
        return ("add", math.nan) if two else ("add_c", out - a)
    if op == "-":
        if two:
            return "sub", math.nan
        return ("sub_c", a - out) if local[0] > 0 else ("rsub_c", out + a)
    if op == "*":
        return ("mul", math.nan) if two else ("mul_c", local[0])
    if op == "/":
        if two:
            return "div", math.nan
        d = local[0]
        if a == 0.0 or math.isclose(out, a * d, rel_tol=1e-9, abs_tol=1e-300):
            return "div_c", 1.0 / d if d else math.inf
        return "rdiv_c", out * a
    if op == "**":
        if two:
            return "pow", math.nan
        if out > 0.0 and math.isfinite(out):
            return "rpow_c", math.exp(local[0] / out)
        return "linear", math.nan
    if op.startswith("**") and len(parents) == 1:
        try:
            return "pow_c", float(op[2:])
        except ValueError:
            return "linear", math.nan
    if op == "sum":
        return "sum_c", out - math.fsum(p.data for p in parents)
    return "linear", math.nan


Grouper = Callable[[list[Value]], list[tuple[int, int, str]]]


def snapshot_from_root(
    root: Value,
    *,
    grouper: Grouper | None = None,
    n_layers: int = 0,
    loss_name: str = "",
    targets: Sequence[float] = (),
    description: str = "",
) -> GraphSnapshot:
    """Copy the graph under ``root`` (after backward) into a GraphSnapshot.

    ``grouper(order)`` returns (layer, neuron, role) for each node of the
    topological order; without one every node is in layer 0, neuron -1.
    """
    order = topological_order(root)
    index = {id(v): i for i, v in enumerate(order)}
    groups = (
        grouper(order) if grouper else [(0, -1, "leaf" if not v.parents else "op") for v in order]
    )
    loss_ops = frozenset([loss_name]) if loss_name else frozenset()
    keys = _stable_keys(order, groups)
    nodes = []
    children: list[list[int]] = [[] for _ in order]
    for i, v in enumerate(order):
        raw_local = local_derivatives(v)
        operands = tuple(index[id(p)] for p in v.parents)
        merged: dict[int, float] = {}
        for p, d in zip(operands, raw_local, strict=True):
            merged[p] = merged.get(p, 0.0) + d
        for p in merged:
            children[p].append(i)
        recipe, constant = _recipe(v, raw_local, loss_ops)
        layer, neuron, role = groups[i]
        nodes.append(
            GraphNode(
                id=i,
                key=keys[i],
                label=v.label,
                op=v.op,
                value=v.data,
                grad=v.grad,
                parents=tuple(merged),
                local_grads=tuple(merged.values()),
                layer=layer,
                neuron=neuron,
                role=role,
                recipe=recipe,
                operands=operands,
                constant=constant,
            )
        )
    edge_parent = [p for node in nodes for p in node.parents]
    edge_child = [node.id for node in nodes for _ in node.parents]
    edge_local = [d for node in nodes for d in node.local_grads]
    return GraphSnapshot(
        nodes=tuple(nodes),
        root=len(order) - 1,
        n_layers=n_layers,
        loss_name=loss_name,
        targets=tuple(float(t) for t in targets),
        description=description,
        children=tuple(tuple(c) for c in children),
        values=np.array([node.value for node in nodes], dtype=np.float64),
        grads=np.array([node.grad for node in nodes], dtype=np.float64),
        edge_parent=np.array(edge_parent, dtype=np.int64),
        edge_child=np.array(edge_child, dtype=np.int64),
        edge_local=np.array(edge_local, dtype=np.float64),
    )


def _stable_keys(order: list[Value], groups: list[tuple[int, int, str]]) -> list[str]:
    """A key per node that survives new weights: its label, else group + op + ordinal."""
    label_counts: dict[str, int] = {}
    for v in order:
        if v.label:
            label_counts[v.label] = label_counts.get(v.label, 0) + 1
    ordinals: dict[str, int] = {}
    keys = []
    for v, (layer, neuron, role) in zip(order, groups, strict=True):
        if v.label and label_counts[v.label] == 1:
            keys.append(v.label)
            continue
        if role == "loss":
            prefix = "loss."
        elif neuron >= 0:
            prefix = f"layers.{layer}.neurons.{neuron}."
        else:
            prefix = ""
        stem = prefix + (_OP_NAMES.get(v.op, v.op) if v.op else (v.label or "leaf"))
        count = ordinals.get(stem, 0)
        ordinals[stem] = count + 1
        keys.append(f"{stem}[{count}]")
    return keys


def search_matches(snapshot: GraphSnapshot, text: str) -> list[int]:
    """Node ids matching ``text``, best first, by the names shown (counted from 1).

    Exact labels and labels ending in ``.text`` come first ("w3" finds every
    ``...w3`` before ``...w30``; "L2.N4" the fourth neuron of layer 2), then
    labels or keys containing it. The engine's own names (``layers.1.neurons.3``,
    from 0, as in model files) are found too, after the shown ones.
    """
    needle = text.lower()
    exact, partial, engine = [], [], []
    for node in snapshot.nodes:
        label = short_label(node.label).lower()
        key = short_label(node.key).lower()
        if label and (label == needle or label.endswith("." + needle)):
            exact.append(node.id)
        elif needle in label or needle in key:
            partial.append(node.id)
        elif needle in node.label.lower() or needle in node.key.lower():
            engine.append(node.id)
    return exact + partial + engine
