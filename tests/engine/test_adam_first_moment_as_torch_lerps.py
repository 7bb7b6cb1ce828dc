"""Adam's first moment for every beta1, the scalar Adam and the array one, against torch.

torch.optim.Adam updates its first moment with ``exp_avg.lerp_(grad, 1 - beta1)``,
and torch's lerp has two forms: ``start + w * (end - start)`` for a weight
w < 0.5 and ``end - (end - start) * (1 - w)`` otherwise. The usual beta1 = 0.9
takes the first; beta1 <= 0.5 (w >= 0.5) the second, which no other test
reaches. At beta1 = 0.5 and 0 the second form's product is exact (a half or
zero of a float), so torch's fused multiply-add rounds once as that form
does: torch's exp_avg is then a bit-for-bit reference, and the first form
misses it in the last bit. Elsewhere torch's fused arithmetic differs by
about 1e-16, so the comparison there is close, not exact; the two executions
(scalar and array) must still agree bit for bit, as engine.optim_arrays says.
"""

from __future__ import annotations

import numpy as np
import pytest

from engine import Value
from engine.optim import Adam
from engine.optim_arrays import ArrayAdam

torch = pytest.importorskip("torch")

N = 48
STEPS = 6
LR = 0.05
BETA2 = 0.99


def _start_and_grads(seed: int = 0):
    rng = np.random.default_rng(seed)
    start = rng.normal(size=N)
    # gradients of mixed sizes and signs, so that the two lerp forms round differently
    grads = [rng.normal(size=N) * 10.0 ** rng.uniform(-3, 3, size=N) for _ in range(STEPS)]
    return start, grads


def _torch_adam(beta1: float):
    start, grads = _start_and_grads()
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([p], lr=LR, betas=(beta1, BETA2), foreach=False)
    for g in grads:
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
    state = opt.state[p]
    return p.detach().numpy(), state["exp_avg"].numpy(), state["exp_avg_sq"].numpy()


def _array_adam(beta1: float):
    start, grads = _start_and_grads()
    params = start.copy()
    opt = ArrayAdam(N, lr=LR, betas=(beta1, BETA2))
    for g in grads:
        opt.step(params, g)
    return params, opt.m, opt.v


def _scalar_adam(beta1: float):
    start, grads = _start_and_grads()
    params = [Value(float(x)) for x in start]
    opt = Adam(params, lr=LR, betas=(beta1, BETA2))
    for g in grads:
        for p, gi in zip(params, g, strict=True):
            p.grad = float(gi)
        opt.step()
    return np.array([p.data for p in params]), np.array(opt.m), np.array(opt.v)


ADAMS = {"scalar": _scalar_adam, "array": _array_adam}


@pytest.mark.parametrize("beta1", [0.0, 0.5])
@pytest.mark.parametrize("adam", sorted(ADAMS))
def test_where_torchs_lerp_rounds_once_the_first_moment_is_torchs_bit_for_bit(adam, beta1):
    params, m, _ = ADAMS[adam](beta1)
    want_params, want_m, _ = _torch_adam(beta1)
    assert np.array_equal(m, want_m), np.flatnonzero(m != want_m)
    np.testing.assert_allclose(params, want_params, rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("beta1", [0.0, 0.2, 0.3, 0.5, 0.7, 0.9])
@pytest.mark.parametrize("adam", sorted(ADAMS))
def test_both_moments_and_the_weights_follow_torch_for_every_beta1(adam, beta1):
    got = ADAMS[adam](beta1)
    want = _torch_adam(beta1)
    for name, ours, theirs in zip(("weights", "m", "v"), got, want, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-13, atol=1e-300, err_msg=name)


@pytest.mark.parametrize("beta1", [0.0, 0.2, 0.3, 0.5, 0.7, 0.9])
def test_the_scalar_and_the_array_adam_agree_bit_for_bit(beta1):
    scalar = _scalar_adam(beta1)
    array = _array_adam(beta1)
    for name, a, b in zip(("weights", "m", "v"), scalar, array, strict=True):
        assert np.array_equal(a, b), f"{name} differ at {np.flatnonzero(a != b)}"
