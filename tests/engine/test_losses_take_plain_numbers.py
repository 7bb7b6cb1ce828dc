"""A loss takes plain numbers among its scores, as micrograd's Value operators take them.

A plain number is a constant: it counts in the loss like a ``Value`` of the
same number and gets no gradient, while the Values beside it get theirs.
Checked against the same batch given as Values only (the scalar engine) and
against PyTorch float64, where the constants are tensors without
``requires_grad``.
"""

from __future__ import annotations

import pytest

from engine.losses import bce_with_logits, hinge_loss, mse_loss, softmax_cross_entropy
from engine.value import Value

try:  # the reference; imported once, at collection
    import torch
except ImportError:  # pragma: no cover - torch is a dev dependency
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")

SCORES = [0.75, -1.5, 2.0, 0.25]  # the 1st and 3rd are given as plain numbers
TARGETS = {
    "hinge": [1.0, -1.0, -1.0, 1.0],
    "bce": [1.0, 0.0, 0.0, 1.0],
    "mse": [0.5, -1.0, 1.0, 0.0],
}
ONE_OUTPUT = {"hinge": hinge_loss, "bce": bce_with_logits, "mse": mse_loss}


def _mixed(numbers):
    """Values for the odd positions, the numbers themselves for the even ones."""
    return [x if k % 2 == 0 else Value(x) for k, x in enumerate(numbers)]


@pytest.mark.parametrize("loss", ONE_OUTPUT)
def test_plain_number_scores_count_as_constants(loss):
    mixed = _mixed(SCORES)
    total = ONE_OUTPUT[loss](mixed, TARGETS[loss])
    total.backward()
    values = [Value(x) for x in SCORES]
    reference = ONE_OUTPUT[loss](values, TARGETS[loss])
    reference.backward()
    assert isinstance(total, Value)
    assert total.data == reference.data
    assert [mixed[1].grad, mixed[3].grad] == [values[1].grad, values[3].grad]
    assert mixed[0] == SCORES[0] and mixed[2] == SCORES[2]  # the numbers are left as they are


@needs_torch
@pytest.mark.parametrize("loss", ONE_OUTPUT)
def test_plain_number_scores_match_pytorch_constants(loss):
    functional = torch.nn.functional
    torch_loss = {
        "hinge": lambda s, y: (1 - y * s).relu().mean(),  # micrograd's demo loss
        "bce": functional.binary_cross_entropy_with_logits,
        "mse": functional.mse_loss,
    }[loss]
    mixed = _mixed(SCORES)
    total = ONE_OUTPUT[loss](mixed, TARGETS[loss])
    total.backward()
    leaves = [
        torch.tensor(x, dtype=torch.float64, requires_grad=k % 2 == 1) for k, x in enumerate(SCORES)
    ]
    reference = torch_loss(torch.stack(leaves), torch.tensor(TARGETS[loss], dtype=torch.float64))
    reference.backward()
    assert total.data == pytest.approx(reference.item(), rel=1e-14)
    assert mixed[1].grad == pytest.approx(leaves[1].grad.item(), rel=1e-14)
    assert mixed[3].grad == pytest.approx(leaves[3].grad.item(), rel=1e-14)


@needs_torch
def test_softmax_cross_entropy_takes_plain_number_logits():
    rows = [[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]]
    labels = [2, 0]
    mixed = [
        [x if (i + j) % 2 == 0 else Value(x) for j, x in enumerate(row)]
        for i, row in enumerate(rows)
    ]
    total = softmax_cross_entropy(mixed, labels)
    total.backward()
    logits = torch.tensor(rows, dtype=torch.float64, requires_grad=True)
    reference = torch.nn.functional.cross_entropy(logits, torch.tensor(labels))
    reference.backward()
    assert total.data == pytest.approx(reference.item(), rel=1e-14)
    for i, row in enumerate(mixed):
        for j, z in enumerate(row):
            if isinstance(z, Value):
                assert z.grad == pytest.approx(logits.grad[i, j].item(), rel=1e-13), (i, j)
