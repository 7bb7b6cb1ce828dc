"""engine.losses against PyTorch float64 (values and gradients) and micrograd."""

from __future__ import annotations

import json
import math

import pytest

from engine import Value
from engine.losses import (
    LOSSES,
    bce_with_logits,
    hinge_loss,
    l1_penalty,
    l2_penalty,
    mse_loss,
    softmax_cross_entropy,
)

torch = pytest.importorskip("torch")
F = torch.nn.functional

SCORES = [0.3, -1.7, 2.2, 0.05, -0.4, 1.1]


def leaves(xs):
    return [Value(x) for x in xs]


def tensor(xs):
    return torch.tensor(xs, dtype=torch.float64, requires_grad=True)


def assert_close(ours_value, ours_leaves, ref, ref_leaf, rel=1e-9):
    ref.backward()
    assert math.isclose(ours_value.data, ref.item(), rel_tol=rel, abs_tol=1e-15)
    grads = ref_leaf.grad.flatten().tolist()
    for p, g in zip(ours_leaves, grads, strict=True):
        assert math.isclose(p.grad, g, rel_tol=rel, abs_tol=1e-15), (p.grad, g)


def test_hinge_matches_torch():
    y = [1.0, -1.0, -1.0, 1.0, 1.0, -1.0]
    s = leaves(SCORES)
    loss = hinge_loss(s, y)
    loss.backward()
    st = tensor(SCORES)
    ref = torch.relu(1.0 - torch.tensor(y, dtype=torch.float64) * st).mean()
    assert_close(loss, s, ref, st)


def test_hinge_equals_micrograds_demo_formula_bit_for_bit():
    mg = pytest.importorskip("micrograd.engine")
    y = [1, -1, -1, 1, 1, -1]
    s = leaves(SCORES)
    loss = hinge_loss(s, y)
    loss.backward()
    ms = [mg.Value(x) for x in SCORES]
    losses = [(1 + -yi * si).relu() for yi, si in zip(y, ms, strict=True)]
    ref = sum(losses) * (1.0 / len(losses))
    ref.backward()
    assert loss.data == ref.data
    assert [p.grad for p in s] == [p.grad for p in ms]


@pytest.mark.parametrize(
    "logits",
    [SCORES, [40.0, -40.0, 35.5, -36.0], [800.0, -800.0, 1e4, -1e4]],
    ids=["moderate", "large", "huge"],
)
def test_bce_with_logits_matches_torch(logits):
    y = [1.0, 0.0, 0.0, 1.0, 1.0, 0.0][: len(logits)]
    s = leaves(logits)
    loss = bce_with_logits(s, y)
    loss.backward()
    assert math.isfinite(loss.data)
    st = tensor(logits)
    ref = F.binary_cross_entropy_with_logits(st, torch.tensor(y, dtype=torch.float64))
    ref.backward()
    # torch's log(exp(-m) + exp(-x - m)) rounds tiny losses to 0; allow that absolute slack.
    assert math.isclose(loss.data, ref.item(), rel_tol=1e-9, abs_tol=1e-15)
    for p, g in zip(s, st.grad.tolist(), strict=True):
        assert math.isclose(p.grad, g, rel_tol=1e-9, abs_tol=1e-15)


def test_bce_of_large_correct_logits_is_tiny_but_accurate():
    # log(1 + e^-40) = e^-40 to double precision; a naive formula gives 0 or inf.
    loss = bce_with_logits([Value(40.0)], [1.0])
    assert math.isclose(loss.data, math.exp(-40.0), rel_tol=1e-12)
    loss = bce_with_logits([Value(-800.0)], [1.0])
    assert loss.data == 800.0


def test_mse_matches_torch():
    targets = [0.5, -1.0, 2.0, 0.0, 0.3, 1.0]
    s = leaves(SCORES)
    loss = mse_loss(s, targets)
    loss.backward()
    st = tensor(SCORES)
    ref = F.mse_loss(st, torch.tensor(targets, dtype=torch.float64))
    assert_close(loss, s, ref, st)


@pytest.mark.parametrize("scale", [1.0, 1000.0], ids=["moderate", "large"])
def test_softmax_cross_entropy_matches_torch(scale):
    rows = [[0.2, -1.0, 0.7], [1.5, 0.3, -0.2], [-0.4, -0.4, 2.0], [0.0, 0.1, 0.2]]
    rows = [[scale * z for z in row] for row in rows]
    labels = [2, 0, 1, 1]
    logits = [leaves(row) for row in rows]
    loss = softmax_cross_entropy(logits, labels)
    loss.backward()
    lt = tensor(rows)
    ref = F.cross_entropy(lt, torch.tensor(labels))
    flat = [v for row in logits for v in row]
    assert_close(loss, flat, ref, lt)


def test_l2_and_l1_penalties_match_torch():
    params = leaves(SCORES)
    loss = l2_penalty(params, 1e-4) + l1_penalty(params, 0.01)
    loss.backward()
    pt = tensor(SCORES)
    ref = 1e-4 * (pt * pt).sum() + 0.01 * pt.abs().sum()
    assert_close(loss, params, ref, pt)


def test_l2_penalty_equals_micrograds_demo_formula():
    mg = pytest.importorskip("micrograd.engine")
    params = leaves(SCORES)
    ref = 1e-4 * sum(p * p for p in [mg.Value(x) for x in SCORES])
    assert l2_penalty(params, 1e-4).data == ref.data


def test_l1_subgradient_at_zero_is_zero():
    p = Value(0.0)
    l1_penalty([p], 1.0).backward()
    assert p.grad == 0.0


def test_losses_are_single_nodes_over_the_scores():
    s = leaves(SCORES)
    for loss in (hinge_loss(s, [1] * 6), bce_with_logits(s, [0] * 6), mse_loss(s, [0] * 6)):
        assert loss.parents == tuple(s)
    assert l2_penalty(s, 0.1).parents == tuple(s)


def test_loss_registry():
    assert set(LOSSES) == {"hinge", "bce", "mse", "softmax_ce"}
    assert LOSSES["hinge"] is hinge_loss and LOSSES["softmax_ce"] is softmax_cross_entropy
    json.dumps(sorted(LOSSES))


def test_bad_batches_say_what_is_wrong():
    s = leaves(SCORES)
    with pytest.raises(ValueError, match="batch is empty"):
        hinge_loss([], [])
    with pytest.raises(ValueError, match="6 scores but 2 targets"):
        mse_loss(s, [1.0, 2.0])
    with pytest.raises(ValueError, match=r"label 3 is outside 0\.\.2"):
        softmax_cross_entropy([leaves([0.1, 0.2, 0.3])], [3])


def test_penalties_pass_gradient_to_computed_values_too():
    x = Value(1.5)
    doubled = x * 2.0  # not a leaf
    (l2_penalty([doubled, x], 0.5) + l1_penalty([doubled], 0.25)).backward()
    # d/dx of 0.5 * ((2x)² + x²) + 0.25 * |2x| = 0.5 * (8x + 2x) + 0.5
    assert x.grad == 0.5 * 10 * 1.5 + 0.5
