"""ArraySGD, the vectorized execution's SGD, against engine.optim.SGD and torch.optim.SGD.

The two executions must take the same momentum settings (refusing the same
ones in the same words), move the weights the same way bit for bit, and save
the same state, so that a session moves from one to the other; torch is the
outside reference for the update itself.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine import Value
from engine.optim import SGD
from engine.optim_arrays import ArraySGD

torch = pytest.importorskip("torch")

N = 5
LR = 0.05


@pytest.mark.parametrize("momentum", [0.0, 0.5, 0.999, 1.0, 1.5, 2.0, -0.1, math.nan], ids=str)
def test_momentum_is_taken_and_refused_as_engine_optims_sgd_does(momentum):
    params = [Value(0.0) for _ in range(N)]
    try:
        scalar = SGD(params, momentum=momentum)
    except ValueError as scalar_refusal:
        with pytest.raises(ValueError) as array_refusal:
            ArraySGD(N, momentum=momentum)
        assert str(array_refusal.value) == str(scalar_refusal)
        assert str(array_refusal.value) == f"momentum must be in [0, 1), got {momentum}"
        assert not 0.0 <= momentum < 1.0
    else:
        assert 0.0 <= momentum < 1.0
        assert ArraySGD(N, momentum=momentum).state_dict() == scalar.state_dict()


def _grads():
    rng = np.random.default_rng(4)
    grads = [rng.normal(size=N) * 10.0 ** rng.uniform(-2, 2, size=N) for _ in range(4)]
    grads[1][2] = math.inf  # an overflowing gradient: the weight goes to -inf, as in torch
    return grads


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_the_array_sgd_moves_and_saves_as_engine_optim_and_torch(momentum):
    start = np.linspace(-1.0, 1.0, N)
    array_params = start.copy()
    array = ArraySGD(N, lr=LR, momentum=momentum)
    values = [Value(float(x)) for x in start]
    scalar = SGD(values, lr=LR, momentum=momentum)
    tparam = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    reference = torch.optim.SGD([tparam], lr=LR, momentum=momentum, foreach=False)
    for g in _grads():
        array.step(array_params, g)
        for v, gi in zip(values, g, strict=True):
            v.grad = float(gi)
        scalar.step()
        tparam.grad = torch.tensor(g, dtype=torch.float64)
        reference.step()
    scalar_params = np.array([v.data for v in values])
    assert np.array_equal(array_params, scalar_params)
    assert array.state_dict() == scalar.state_dict()
    np.testing.assert_allclose(array_params, tparam.detach().numpy(), rtol=1e-14, atol=1e-300)
