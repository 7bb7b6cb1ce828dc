"""The weight penalties applied to computed Values, not only to leaf parameters.

l1_penalty and l2_penalty fuse their parents when every one is a leaf (the
usual case, a model's parameters); given computed Values (a shared or tied
weight, a reparametrized one) they build an ordinary node. Either way the
node says what made it (the graph view prints ``op`` in its box) and the
gradient reaches the leaves, as torch's does.
"""

from __future__ import annotations

import pytest

from engine import Value
from engine.losses import l1_penalty, l2_penalty

torch = pytest.importorskip("torch")

PENALTIES = {
    "l2": (l2_penalty, lambda ps, alpha: alpha * sum(p * p for p in ps)),
    "l1": (l1_penalty, lambda ps, alpha: alpha * sum(p.abs() for p in ps)),
}
START = [0.75, -1.5, 2.0]


def _computed(leaves):
    """A product, a leaf, and a sum: parameters built from other parameters."""
    a, b, c = leaves
    return [a * b, c, a + c]


@pytest.mark.parametrize("name", sorted(PENALTIES))
def test_a_penalty_of_computed_values_is_named_and_back_propagates_as_torchs(name):
    ours_fn, torch_fn = PENALTIES[name]
    leaves = [Value(x) for x in START]
    penalty = ours_fn(_computed(leaves), 0.3)
    assert penalty.op == name
    assert ours_fn(leaves, 0.3).op == name  # the fused node of leaves says the same
    penalty.backward()
    tleaves = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in START]
    tpenalty = torch_fn(_computed(tleaves), 0.3)
    tpenalty.backward()
    assert penalty.data == pytest.approx(tpenalty.item(), rel=1e-15)
    for leaf, tleaf in zip(leaves, tleaves, strict=True):
        assert leaf.grad == pytest.approx(tleaf.grad.item(), rel=1e-15)
