"""The numpy losses and scores of engine.metrics, against PyTorch and scikit-learn.

The test set is scored with these twins of engine.losses. Each is checked
here against a reference nobody here wrote: torch's float64 loss functions
per sample, scikit-learn's accuracy, R² and mean squared error.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn.metrics import accuracy_score, mean_squared_error, r2_score

from engine.metrics import (
    classify,
    encode_targets,
    loss_numpy,
    penalty_numpy,
    sample_losses_numpy,
    scores,
)

RNG = np.random.default_rng(7)
# Ordinary scores, and scores far out, where a naive log(1 + exp(s)) overflows.
SCORES = np.concatenate([RNG.normal(0.0, 2.0, 40), [800.0, -800.0, 0.0, 1.0, -1.0]])
LABELS = (RNG.random(SCORES.size) > 0.5).astype(np.float64)
LABELS[-5:] = [0.0, 1.0, 1.0, 0.0, 1.0]


def _t(a: np.ndarray) -> torch.Tensor:
    return torch.tensor(a, dtype=torch.float64)


def _torch_losses(loss: str) -> np.ndarray:
    s = _t(SCORES)
    if loss == "hinge":
        y = _t(np.where(LABELS > 0.5, 1.0, -1.0))
        return torch.clamp(1.0 - y * s, min=0.0).numpy()
    if loss == "bce":
        return F.binary_cross_entropy_with_logits(s, _t(LABELS), reduction="none").numpy()
    y = _t(np.where(LABELS > 0.5, 1.0, -1.0))
    return F.mse_loss(s, y, reduction="none").numpy()


@pytest.mark.parametrize("loss", ["hinge", "bce", "mse"])
def test_binary_losses_per_sample_and_mean_match_torch(loss):
    targets = encode_targets(LABELS, "binary", loss)
    ours = sample_losses_numpy(SCORES[:, None], targets, loss)
    expected = _torch_losses(loss)
    np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-15)
    assert loss_numpy(SCORES[:, None], targets, loss) == pytest.approx(
        float(expected.mean()), rel=1e-12
    )


def test_softmax_cross_entropy_matches_torch_even_for_huge_logits():
    logits = RNG.normal(0.0, 3.0, (30, 4))
    logits[0] = [900.0, -900.0, 0.0, 899.0]
    logits[1] = [-1000.0, -1000.0, -1000.0, -999.0]
    classes = RNG.integers(0, 4, 30)
    targets = encode_targets(classes.astype(np.float64), "multiclass", "softmax_ce")
    assert targets.dtype == np.int64 and targets.tolist() == classes.tolist()
    ours = sample_losses_numpy(logits, targets, "softmax_ce")
    expected = F.cross_entropy(_t(logits), torch.tensor(classes), reduction="none").numpy()
    np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-12)
    assert loss_numpy(logits, targets, "softmax_ce") == pytest.approx(float(expected.mean()))


def test_regression_mse_takes_the_raw_targets():
    y = RNG.normal(5.0, 3.0, 25)
    pred = y + RNG.normal(0.0, 1.0, 25)
    targets = encode_targets(y, "regression", "mse")
    assert targets.dtype == np.float64 and targets.tolist() == y.tolist()
    assert loss_numpy(pred[:, None], targets, "mse") == pytest.approx(
        mean_squared_error(y, pred), rel=1e-12
    )


def test_binary_targets_are_encoded_as_each_loss_wants_them():
    y = np.array([0, 1, 1, 0])
    for loss in ("hinge", "mse"):
        assert encode_targets(y, "binary", loss).tolist() == [-1.0, 1.0, 1.0, -1.0]
    bce = encode_targets(y, "binary", "bce")
    assert bce.dtype == np.float64 and bce.tolist() == [0.0, 1.0, 1.0, 0.0]


def test_an_unknown_loss_is_named():
    with pytest.raises(ValueError) as info:
        sample_losses_numpy(SCORES[:, None], LABELS, "huber")
    assert str(info.value) == "unknown loss 'huber'"


@pytest.mark.parametrize(("reg", "norm"), [("l2", "sq"), ("l1", "abs"), ("none", None)])
def test_the_penalty_matches_torch(reg, norm):
    params = RNG.normal(0.0, 1.0, 50).tolist()
    p = _t(np.array(params))
    expected = {"sq": (p * p).sum(), "abs": p.abs().sum(), None: torch.tensor(0.0)}[norm]
    assert penalty_numpy(params, reg, 0.003) == pytest.approx(0.003 * float(expected), rel=1e-13)


def test_classes_are_the_argmax_or_a_positive_score():
    logits = RNG.normal(0.0, 1.0, (20, 3))
    assert classify(logits, "softmax_ce").tolist() == np.argmax(logits, axis=1).tolist()
    s = np.array([[-0.5], [0.0], [1e-300], [2.0]])
    for loss in ("hinge", "bce", "mse"):
        predicted = classify(s, loss)
        assert predicted.dtype == np.int64 and predicted.tolist() == [0, 0, 1, 1]


@pytest.mark.parametrize("loss", ["hinge", "bce"])
def test_binary_accuracy_matches_scikit_learn(loss):
    accuracy, rmse = scores(SCORES[:, None], LABELS, "binary", loss)
    assert rmse is None
    assert accuracy == accuracy_score(LABELS.astype(int), (SCORES > 0).astype(int))


def test_multiclass_accuracy_matches_scikit_learn():
    logits = RNG.normal(0.0, 1.0, (40, 3))
    y = RNG.integers(0, 3, 40)
    accuracy, rmse = scores(logits, y.astype(np.float64), "multiclass", "softmax_ce")
    assert rmse is None and accuracy == accuracy_score(y, logits.argmax(axis=1))


def test_regression_scores_are_r2_and_rmse_as_scikit_learn_computes_them():
    y = RNG.normal(2.0, 4.0, 33)
    pred = y + RNG.normal(0.0, 1.5, 33)
    r2, rmse = scores(pred[:, None], y, "regression", "mse")
    assert r2 == pytest.approx(r2_score(y, pred), rel=1e-12)
    assert rmse == pytest.approx(math.sqrt(mean_squared_error(y, pred)), rel=1e-12)


def test_r2_of_constant_targets_is_undefined_and_rmse_still_measures_the_error():
    # 1 - SSE/SST with SST = 0: scikit-learn gives -inf or nan unforced, 0 or 1 forced;
    # the documented choice here is NaN ("undefined") either way.
    y = np.full(10, 3.0)
    for pred in (y + RNG.normal(0.0, 1.0, 10), y.copy()):
        r2, rmse = scores(pred[:, None], y, "regression", "mse")
        assert math.isnan(r2)
        assert rmse == pytest.approx(math.sqrt(mean_squared_error(y, pred)), rel=1e-12, abs=0)


def test_whole_number_regression_targets_become_floats():
    targets = encode_targets(np.array([3, -1, 7]), "regression", "mse")
    assert targets.dtype == np.float64 and targets.tolist() == [3.0, -1.0, 7.0]


def test_r2_of_targets_with_a_small_spread_is_still_defined():
    y = np.array([0.0, 0.1, 0.2, 0.3, 0.25])  # SST 0.0575: small, not zero
    pred = y + np.array([0.01, -0.02, 0.0, 0.015, -0.005])
    r2, _ = scores(pred[:, None], y, "regression", "mse")
    assert r2 == pytest.approx(r2_score(y, pred), rel=1e-12)


def test_a_diverged_network_is_scored_without_numpy_warnings():
    """Overflowing outputs give inf/NaN numbers (the Trainer reports the divergence), not a
    RuntimeWarning printed on the console for every evaluation."""
    huge = np.array([[1e200], [-1e200], [np.inf], [np.nan]])
    binary = np.array([1.0, 0.0, 1.0, 0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for loss in ("hinge", "bce", "mse"):
            targets = encode_targets(binary, "binary", loss)
            assert not np.isfinite(sample_losses_numpy(huge, targets, loss)).all()
        assert (
            loss_numpy(np.array([[1e154], [1e154]]), np.zeros(2), "mse") == math.inf
        )  # sum overflows
        r2, rmse = scores(huge[:2], np.array([1.0, 2.0]), "regression", "mse")
        assert r2 == -math.inf and rmse == math.inf
