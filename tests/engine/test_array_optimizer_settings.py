"""The array optimizers take and refuse the settings that torch and engine.optim do.

The vectorized execution builds ArrayAdam/ArraySGD where the scalar one builds
engine.optim's Adam/SGD: the same betas must be accepted (torch.optim.Adam's
rule, each in [0, 1)), refused with the same message, and the defaults must
make the same optimizer state, so that a session moves between executions.
"""

from __future__ import annotations

import math

import pytest

from engine import Value
from engine.optim import SGD, Adam
from engine.optim_arrays import ArrayAdam, ArraySGD

torch = pytest.importorskip("torch")

BETAS = [
    (0.9, 0.999),
    (0.0, 0.999),
    (0.9, 0.0),
    (0.0, 0.0),
    (0.999999, 0.999999),
    (1.0, 0.999),
    (0.9, 1.0),
    (1.5, 0.999),
    (0.9, 1.5),
    (-0.1, 0.999),
    (0.9, -0.1),
    (math.nan, 0.999),
    (0.9, math.nan),
]


def _torch_accepts(betas) -> bool:
    try:
        torch.optim.Adam([torch.zeros(2, dtype=torch.float64)], betas=betas)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("betas", BETAS, ids=str)
def test_betas_are_accepted_as_torch_accepts_them_and_refused_in_engine_optims_words(betas):
    params = [Value(0.0), Value(0.0)]
    if _torch_accepts(betas):
        assert ArrayAdam(2, betas=betas).betas == betas
        assert Adam(params, betas=betas).betas == betas
        return
    with pytest.raises(ValueError) as array_refusal:
        ArrayAdam(2, betas=betas)
    with pytest.raises(ValueError) as scalar_refusal:
        Adam(params, betas=betas)
    assert str(array_refusal.value) == f"betas must each be in [0, 1), got {betas}"
    assert str(array_refusal.value) == str(scalar_refusal.value)


@pytest.mark.parametrize(
    ("array", "scalar"),
    [(ArrayAdam, Adam), (ArraySGD, SGD)],
    ids=["adam", "sgd"],
)
def test_the_defaults_make_engine_optims_state(array, scalar):
    state = array(3).state_dict()
    assert state == scalar([Value(0.0) for _ in range(3)]).state_dict()
    assert state["lr"] == (0.01 if array is ArrayAdam else 0.1)


@pytest.mark.parametrize("eps", [1e-8, 0.5, 2.0, 0.0, -0.0, -1e-8, math.nan], ids=str)
def test_eps_is_taken_and_refused_as_engine_optims_adam_does(eps):
    # eps = 0 would divide 0 by 0 for a weight whose gradient is 0: a NaN weight
    params = [Value(0.0), Value(0.0)]
    try:
        scalar = Adam(params, eps=eps)
    except ValueError as scalar_refusal:
        with pytest.raises(ValueError) as array_refusal:
            ArrayAdam(2, eps=eps)
        assert str(array_refusal.value) == str(scalar_refusal) == f"eps must be > 0, got {eps}"
        assert not eps > 0.0
    else:
        assert eps > 0.0
        assert ArrayAdam(2, eps=eps).state_dict() == scalar.state_dict()
