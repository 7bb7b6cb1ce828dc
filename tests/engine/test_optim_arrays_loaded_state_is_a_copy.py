"""Loading a save point copies it: the caller may change or reuse its arrays afterwards.

The array optimizers' ``snapshot()`` hands out arrays (a cheap save point), and
``load_state_dict`` takes them back. Like the scalar optimizers, which turn a
state into new lists of floats, the optimizer must keep its own copy: a
change the caller makes to the state it loaded must not reach the next step.
"""

from __future__ import annotations

import numpy as np
import pytest

from engine.optim_arrays import ArrayAdam, ArraySGD

GRADS = [np.array([0.5, -1.0, 2.0]), np.array([-0.25, 0.75, 1.5]), np.array([1.0, 0.5, -0.5])]


def _trained(make):
    """An optimizer after two steps, the parameters it moved, and the next gradient."""
    optimizer, params = make(), np.array([0.1, -0.2, 0.3])
    for grads in GRADS[:2]:
        optimizer.step(params, grads)
    return optimizer, params


@pytest.mark.parametrize(
    ("make", "buffers"),
    [(lambda: ArraySGD(3, momentum=0.9), ("buffers",)), (lambda: ArrayAdam(3), ("m", "v"))],
    ids=["sgd", "adam"],
)
def test_changing_a_loaded_save_point_does_not_change_the_next_step(make, buffers):
    straight, params = _trained(make)
    save_point = straight.snapshot()
    resumed, resumed_params = make(), params.copy()
    resumed.load_state_dict(save_point)
    for name in buffers:
        save_point[name][:] = 123.0  # the caller reuses its arrays
    straight.step(params, GRADS[2])
    resumed.step(resumed_params, GRADS[2])
    assert resumed_params.tolist() == params.tolist()
    assert resumed.state_dict() == straight.state_dict()
