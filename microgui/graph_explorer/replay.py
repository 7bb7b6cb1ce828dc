"""Rebuild a snapshot's graph with the engine: finite differences and DOT export.

A GraphSnapshot remembers, per node, a recipe (which engine operator made
it, and any folded constant). Replaying the recipes with fresh engine
Values recomputes the graph; replaying only the nodes downstream of one
node, with that node's value nudged by +-h, gives a central finite
difference of d loss / d node that owes nothing to backpropagation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from engine import Value
from engine.graph import to_dot
from engine.losses import LOSSES
from engine.value import fused_node
from microgui.graph_explorer.snapshot import GraphNode, GraphSnapshot, short_label

__all__ = ["FiniteDifference", "finite_difference", "rebuild_values", "snapshot_to_dot"]


def _apply(node: GraphNode, args: Sequence[Value], snapshot: GraphSnapshot) -> Value:
    """Recompute ``node`` from Values of its operands with the engine's operators."""
    r, c = node.recipe, node.constant
    a = args[0] if args else None
    if r == "add":
        return a + args[1]
    if r == "add_c":
        return a + c
    if r == "sub":
        return a - args[1]
    if r == "sub_c":
        return a - c
    if r == "rsub_c":
        return c - a
    if r == "mul":
        return a * args[1]
    if r == "mul_c":
        return a * c
    if r == "div":
        return a / args[1]
    if r == "div_c":
        return a / c
    if r == "rdiv_c":
        return c / a
    if r == "pow":
        return a ** args[1]
    if r == "pow_c":
        return a**c
    if r == "rpow_c":
        return c**a
    if r == "neg":
        return -a
    if r == "abs":
        return abs(a)
    if r in ("relu", "tanh", "sigmoid", "exp", "log"):
        return getattr(a, r)()
    if r == "sum_c":
        total = args[0]
        for v in args[1:]:
            total = total + v
        return total + c
    if r == "loss":
        if snapshot.loss_name == "softmax_ce":
            return LOSSES["softmax_ce"]([list(args)], [int(snapshot.targets[0])])
        return LOSSES[snapshot.loss_name](list(args), list(snapshot.targets))
    # "linear": an op the replay does not know; first-order around the snapshot.
    change = sum(
        d * (v.data - p_value)
        for d, v, p_value in zip(
            _raw_local(node, snapshot), args, _operand_values(node, snapshot), strict=True
        )
    )
    return fused_node(node.value + change, tuple(args), _raw_local(node, snapshot), node.op)


def _operand_values(node: GraphNode, snapshot: GraphSnapshot) -> list[float]:
    return [snapshot.nodes[p].value for p in node.operands]


def _raw_local(node: GraphNode, snapshot: GraphSnapshot) -> tuple[float, ...]:
    """Local derivatives per raw operand (a repeated operand shares its merged derivative)."""
    merged = dict(zip(node.parents, node.local_grads, strict=True))
    counts: dict[int, int] = {}
    for p in node.operands:
        counts[p] = counts.get(p, 0) + 1
    return tuple(merged[p] / counts[p] for p in node.operands)


def rebuild_values(snapshot: GraphSnapshot) -> list[Value]:
    """The whole graph as fresh engine Values (labels kept), backward already run."""
    values: list[Value] = []
    for node in snapshot.nodes:
        if node.recipe == "leaf":
            v = Value(node.value, label=node.label)
        else:
            v = _apply(node, [values[p] for p in node.operands], snapshot)
            v.label = node.label
        values.append(v)
    values[snapshot.root].backward()
    return values


def snapshot_to_dot(snapshot: GraphSnapshot, rankdir: str = "LR") -> str:
    """DOT text of the snapshot, drawn by the engine's ``to_dot`` from a rebuilt graph.

    Labels are the ones shown on screen, counted from 1 (``L1.N6.w2``, ``x1``).
    """
    values = rebuild_values(snapshot)
    for node, value in zip(snapshot.nodes, values, strict=True):
        value.label = short_label(node.label) if node.label else node.label
    return to_dot(values[snapshot.root], rankdir=rankdir)


def replay_root_value(snapshot: GraphSnapshot, node_id: int, new_value: float) -> float:
    """The root's value when node ``node_id`` takes ``new_value`` (downstream recomputed)."""
    downstream = snapshot.descendants(node_id)
    values: dict[int, Value] = {node_id: Value(new_value)}
    for i in downstream[1:]:
        node = snapshot.nodes[i]
        args = [values[p] if p in values else Value(snapshot.nodes[p].value) for p in node.operands]
        values[i] = _apply(node, args, snapshot)
    return values[snapshot.root].data if snapshot.root in values else snapshot.nodes[-1].value


@dataclass(frozen=True)
class FiniteDifference:
    """A central finite-difference check of d root / d node against backprop."""

    node_id: int
    step: float
    estimate: float
    backprop: float
    exact_replay: bool  # False when an op on the way was replayed to first order only

    @property
    def abs_error(self) -> float:
        return abs(self.estimate - self.backprop)

    @property
    def rel_error(self) -> float:
        scale = max(abs(self.estimate), abs(self.backprop))
        return self.abs_error / scale if scale > 0 else 0.0


def finite_difference(
    snapshot: GraphSnapshot, node_id: int, step: float | None = None
) -> FiniteDifference:
    """(L(v + h) - L(v - h)) / 2h for node ``node_id``, recomputing only downstream nodes."""
    node = snapshot.nodes[node_id]
    h = step if step is not None else 1e-6 * max(1.0, abs(node.value))
    if node_id == snapshot.root:
        estimate = 1.0
    else:
        up = replay_root_value(snapshot, node_id, node.value + h)
        down = replay_root_value(snapshot, node_id, node.value - h)
        estimate = (up - down) / (2.0 * h) if math.isfinite(up - down) else math.nan
    exact = all(snapshot.nodes[i].recipe != "linear" for i in snapshot.descendants(node_id)[1:])
    return FiniteDifference(node_id, h, estimate, node.grad, exact)
