"""Losses and regularisation penalties, each built as one fused node.

A whole batch's loss is a single node whose parents are the scores (or the
parameters, for penalties) and whose local derivatives are computed in the
forward pass, so the loss adds almost nothing to the graph. All losses are
means over the batch.

* ``hinge_loss``: micrograd's SVM max-margin loss, mean of relu(1 - y*s)
  for y in {-1, +1}. Summed and scaled exactly as micrograd's demo does
  (``sum(losses) * (1.0 / n)``), so the value matches it bit for bit.
* ``bce_with_logits``: binary cross-entropy on logits, y in {0, 1}, in the
  stable form max(s, 0) - s*y + log1p(exp(-|s|)): no overflow for large
  logits, and accurate where PyTorch's formula rounds to 0.
* ``mse_loss``: mean of (pred - target)².
* ``softmax_cross_entropy``: mean over samples of logsumexp(z) - z[label],
  with the max subtracted before exponentiating.
* ``l2_penalty``: alpha * sum(p*p), micrograd's demo regulariser.
* ``l1_penalty``: alpha * sum(|p|) (subgradient 0 at 0).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from engine.ieee import ieee_float, stable_sigmoid
from engine.value import Value, _node, _split_node

__all__ = [
    "LOSSES",
    "bce_with_logits",
    "hinge_loss",
    "l1_penalty",
    "l2_penalty",
    "mse_loss",
    "softmax_cross_entropy",
]


def _check_batch(name: str, scores: Sequence, targets: Sequence) -> int:
    n = len(scores)
    if n == 0:
        raise ValueError(f"{name}: the batch is empty; pass at least one score")
    if len(targets) != n:
        raise ValueError(f"{name}: {n} scores but {len(targets)} targets; pass one target each")
    return n


def _penalty_node(data: float, params: tuple[Value, ...], local: tuple, op: str) -> Value:
    # Parameters are leaves: as a fused node's _leaves the sort need not walk them.
    if any(p._prev or p._leaves for p in params):
        return _node(data, params, local, op)
    return _split_node(data, op, params, local, (), ())


def _as_value(v: Value | float) -> Value:
    return v if isinstance(v, Value) else Value(v)


def hinge_loss(scores: Sequence[Value], y: Sequence[float]) -> Value:
    """Mean of relu(1 - y_i * s_i) with y_i in {-1, +1} (micrograd's demo loss)."""
    n = _check_batch("hinge_loss", scores, y)
    scale = 1.0 / n
    total = 0.0
    parents = []
    local = []
    for s, yi in zip(scores, y, strict=True):
        s = _as_value(s)
        neg_y = -ieee_float(yi)
        margin = s.data * neg_y + 1.0  # micrograd: (1 + -y*s).relu()
        parents.append(s)
        if margin <= 0.0:
            local.append(0.0)
        else:  # active (or NaN, which passes through like PyTorch's relu)
            total += margin
            local.append(neg_y * scale)
    return _node(total * scale, tuple(parents), tuple(local), "hinge")


def bce_with_logits(scores: Sequence[Value], y01: Sequence[float]) -> Value:
    """Mean binary cross-entropy of sigmoid(s) against y in {0, 1}, stably."""
    n = _check_batch("bce_with_logits", scores, y01)
    total = 0.0
    parents = []
    local = []
    for s, yi in zip(scores, y01, strict=True):
        s = _as_value(s)
        x = s.data
        yi = ieee_float(yi)
        total += max(x, 0.0) - x * yi + math.log1p(math.exp(-abs(x)))
        parents.append(s)
        # sigmoid(x) - 1 cancels to 0 for x > 37 although the loss is e^-x > 0;
        # -sigmoid(-x) is the same number, exactly.
        slope = -stable_sigmoid(-x) if yi == 1.0 else stable_sigmoid(x) - yi
        local.append(slope / n)
    return _node(total / n, tuple(parents), tuple(local), "bce")


def mse_loss(preds: Sequence[Value], targets: Sequence[float]) -> Value:
    """Mean of (pred - target)²."""
    n = _check_batch("mse_loss", preds, targets)
    scale = 2.0 / n  # PyTorch's order: (2 / n) * diff
    total = 0.0
    parents = []
    local = []
    for p, t in zip(preds, targets, strict=True):
        p = _as_value(p)
        diff = p.data - ieee_float(t)
        total += diff * diff
        parents.append(p)
        local.append(scale * diff)  # not 2 * diff / n: 2 * diff overflows first
    return _node(total / n, tuple(parents), tuple(local), "mse")


def softmax_cross_entropy(logits: Sequence[Sequence[Value]], labels: Sequence[int]) -> Value:
    """Mean over samples of -log softmax(z)[label]; ``logits`` is n rows of k Values."""
    n = _check_batch("softmax_cross_entropy", logits, labels)
    total = 0.0
    parents = []
    local = []
    for row, label in zip(logits, labels, strict=True):
        row = [_as_value(z) for z in row]
        k = len(row)
        label = int(label)
        if not 0 <= label < k:
            raise ValueError(f"softmax_cross_entropy: label {label} is outside 0..{k - 1}")
        zs = [z.data for z in row]
        top = max(zs)
        exps = [math.exp(z - top) for z in zs]
        norm = math.fsum(exps)
        total += top + math.log(norm) - zs[label]
        parents.extend(row)
        # d/dz_j = softmax_j - [j == label], averaged over the batch
        for j, e in enumerate(exps):
            local.append((e / norm - (1.0 if j == label else 0.0)) / n)
    return _node(total / n, tuple(parents), tuple(local), "softmax_ce")


def l2_penalty(params: Sequence[Value], alpha: float) -> Value:
    """alpha * sum(p*p) as micrograd's demo computes it (0 + p0² + p1² + ...)."""
    alpha = ieee_float(alpha)
    params = tuple(params)
    total = 0.0
    for p in params:
        total += p.data * p.data
    local = tuple([2.0 * (alpha * p.data) for p in params])  # (2 * alpha) * p may overflow
    return _penalty_node(total * alpha, params, local, "l2")


def l1_penalty(params: Sequence[Value], alpha: float) -> Value:
    """alpha * sum(|p|); the subgradient at p == 0 is 0 (PyTorch's sign)."""
    alpha = ieee_float(alpha)
    params = tuple(params)
    total = 0.0
    local = []
    for p in params:
        total += abs(p.data)
        sign = 1.0 if p.data > 0.0 else -1.0 if p.data < 0.0 else 0.0
        local.append(alpha * sign)
    return _penalty_node(total * alpha, params, tuple(local), "l1")


LOSSES: dict[str, Callable[..., Value]] = {
    "hinge": hinge_loss,
    "bce": bce_with_logits,
    "mse": mse_loss,
    "softmax_ce": softmax_cross_entropy,
}
