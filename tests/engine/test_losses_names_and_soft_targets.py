"""Each loss names itself (errors, its node's op); bce takes soft targets as torch does."""

from __future__ import annotations

import numpy as np
import pytest

from engine import Value
from engine.losses import LOSSES, bce_with_logits, l1_penalty, l2_penalty

torch = pytest.importorskip("torch")

FUNCTION_NAMES = {
    "hinge": "hinge_loss",
    "bce": "bce_with_logits",
    "mse": "mse_loss",
    "softmax_ce": "softmax_cross_entropy",
}


def batch(name: str):
    if name == "softmax_ce":
        return [[Value(0.5), Value(-1.0)], [Value(2.0), Value(0.25)]], [1, 0]
    return [Value(0.5), Value(-1.0)], [1.0, 0.0]


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_a_loss_node_is_named_as_the_config_names_the_loss(name):
    assert LOSSES[name](*batch(name)).op == name


def test_a_penalty_node_is_named_after_its_norm():
    params = [Value(0.5), Value(-2.0)]
    assert l2_penalty(params, 1e-3).op == "l2"
    assert l1_penalty(params, 1e-3).op == "l1"


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_a_bad_batch_is_reported_under_the_loss_functions_own_name(name):
    function = LOSSES[name]
    assert function.__name__ == FUNCTION_NAMES[name]
    with pytest.raises(ValueError, match=rf"^{function.__name__}: the batch is empty"):
        function([], [])
    scores, targets = batch(name)
    with pytest.raises(ValueError, match=rf"^{function.__name__}: 2 scores but 1 targets"):
        function(scores, targets[:1])


def test_bce_with_soft_targets_matches_torch_value_and_gradient():
    rng = np.random.default_rng(4)
    logits = rng.normal(0.0, 3.0, size=12).tolist()
    targets = rng.uniform(0.0, 1.0, size=12).tolist()  # probabilities, as torch allows
    scores = [Value(s) for s in logits]
    loss = bce_with_logits(scores, targets)
    loss.backward()
    t = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    ref = torch.nn.functional.binary_cross_entropy_with_logits(
        t, torch.tensor(targets, dtype=torch.float64)
    )
    ref.backward()
    assert loss.data == pytest.approx(ref.item(), rel=1e-13)
    np.testing.assert_allclose([s.grad for s in scores], t.grad.numpy(), rtol=1e-12, atol=1e-17)


def test_hinge_at_a_margin_of_exactly_one_sends_no_gradient_like_torch():
    scores_data, y = [1.0, -1.0, 0.5, 2.0], [1.0, -1.0, 1.0, -1.0]  # margins 0, 0, 0.5, 3
    scores = [Value(s) for s in scores_data]
    loss = LOSSES["hinge"](scores, y)
    loss.backward()
    t = torch.tensor(scores_data, dtype=torch.float64, requires_grad=True)
    ref = torch.relu(1.0 - torch.tensor(y, dtype=torch.float64) * t).mean()
    ref.backward()
    assert loss.data == ref.item()
    assert [s.grad for s in scores] == t.grad.tolist()
