"""engine.vectorized.loss_and_gradient where a careless formula parts from the references.

* Softmax cross-entropy shifts each row by its own largest logit: a row whose
  logits all lie far below another row's must still get its finite loss and
  gradient (PyTorch float64 and the scalar engine), not 0/0 from being
  shifted by the whole batch's largest logit.
* A hinge margin of exactly 0 is relu's kink: the scalar engine (micrograd's
  relu, ``out.data > 0``) and PyTorch send no gradient through it.
* Outputs that overflow the loss give the scalar engine's inf or NaN, quietly:
  the Trainer reports non-finite losses itself, so numpy must not warn too
  (here, with warnings as errors, it would raise).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from engine.losses import bce_with_logits, hinge_loss, mse_loss, softmax_cross_entropy
from engine.value import Value
from engine.vectorized import loss_and_gradient

try:  # a reference; imported once, at collection
    import torch
except ImportError:  # pragma: no cover - torch is a dev dependency
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")

ONE_OUTPUT = {"hinge": hinge_loss, "bce": bce_with_logits, "mse": mse_loss}


def scalar_loss_and_gradient(outputs: np.ndarray, targets: np.ndarray, loss: str):
    """The scalar engine's loss and d loss / d outputs: the definition."""
    if loss == "softmax_ce":
        nodes = [[Value(float(o)) for o in row] for row in outputs]
        total = softmax_cross_entropy(nodes, targets.tolist())
    else:
        nodes = [[Value(float(o))] for o in outputs[:, 0]]
        total = ONE_OUTPUT[loss]([row[0] for row in nodes], targets.tolist())
    total.backward()
    return total.data, np.array([[v.grad for v in row] for row in nodes])


def vectorized_quietly(outputs: np.ndarray, targets: np.ndarray, loss: str):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return loss_and_gradient(outputs, targets, loss)


# rows 1 and 2 lie some 1000 below row 0: shifted by row 0's largest logit they underflow
FAR_APART = np.array(
    [[1000.0, 0.0, 999.0], [-1000.0, -1001.0, -999.5], [-2000.0, -2000.0, -1990.0]]
)
FAR_APART_LABELS = np.array([0, 1, 2])


def test_softmax_rows_far_below_another_row_match_the_scalar_engine():
    value, grad = vectorized_quietly(FAR_APART, FAR_APART_LABELS, "softmax_ce")
    expected_value, expected_grad = scalar_loss_and_gradient(
        FAR_APART, FAR_APART_LABELS, "softmax_ce"
    )
    assert np.isfinite(value) and np.isfinite(grad).all()
    assert value == pytest.approx(expected_value, rel=1e-12)
    np.testing.assert_allclose(grad, expected_grad, rtol=1e-12, atol=1e-15)


@needs_torch
def test_softmax_rows_far_below_another_row_match_pytorch():
    logits = torch.tensor(FAR_APART, dtype=torch.float64, requires_grad=True)
    reference = torch.nn.functional.cross_entropy(logits, torch.tensor(FAR_APART_LABELS))
    reference.backward()
    value, grad = vectorized_quietly(FAR_APART, FAR_APART_LABELS, "softmax_ce")
    assert value == pytest.approx(reference.item(), rel=1e-12)
    np.testing.assert_allclose(grad, logits.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_a_hinge_margin_of_exactly_zero_sends_no_gradient():
    # margins 1 - y*s: 0 (s = 1, y = +1), 0 (s = -1, y = -1), 0.5 and 2
    outputs = np.array([[1.0], [-1.0], [0.5], [1.0]])
    targets = np.array([1.0, -1.0, 1.0, -1.0])
    value, grad = vectorized_quietly(outputs, targets, "hinge")
    expected_value, expected_grad = scalar_loss_and_gradient(outputs, targets, "hinge")
    assert expected_grad[:, 0].tolist() == [0.0, 0.0, -0.25, 0.25]
    assert value == expected_value == 0.625
    assert grad.tolist() == expected_grad.tolist()


@needs_torch
def test_a_hinge_margin_of_exactly_zero_sends_no_gradient_in_pytorch_either():
    s = torch.tensor([1.0, -1.0, 0.5, 1.0], dtype=torch.float64, requires_grad=True)
    y = torch.tensor([1.0, -1.0, 1.0, -1.0], dtype=torch.float64)
    torch.relu(1 - y * s).mean().backward()
    _, grad = vectorized_quietly(s.detach().numpy().reshape(-1, 1), y.numpy(), "hinge")
    assert grad[:, 0].tolist() == s.grad.tolist()


OVERFLOWING = [
    ("mse", [[1e200], [1.0]], [0.0, 1.0]),  # (s - t)^2 overflows: inf
    ("mse", [[np.inf], [1.0]], [0.0, 1.0]),
    ("hinge", [[1e308], [-1e308]], [-1.0, 1.0]),  # the sum of two margins overflows
    ("bce", [[1e308], [1e308]], [0.0, 0.0]),  # two terms of 1e308 overflow the sum
    ("softmax_ce", [[np.inf, 0.0], [1.0, 2.0]], [0, 1]),  # inf - inf: NaN
    ("softmax_ce", [[1e308, -1e308], [1.0, 2.0]], [1, 1]),  # -1e308 - 1e308 overflows
]


@pytest.mark.parametrize(("loss", "outputs", "targets"), OVERFLOWING)
def test_overflowing_outputs_give_the_scalar_engines_numbers_without_a_warning(
    loss, outputs, targets
):
    outputs = np.array(outputs, dtype=np.float64)
    targets = np.array(targets, dtype=np.int64 if loss == "softmax_ce" else np.float64)
    value, grad = vectorized_quietly(outputs, targets, loss)
    expected_value, expected_grad = scalar_loss_and_gradient(outputs, targets, loss)
    assert not np.isfinite(expected_value)
    np.testing.assert_array_equal(value, expected_value)  # inf, or NaN where the scalar is NaN
    np.testing.assert_allclose(grad, expected_grad, rtol=1e-15)
