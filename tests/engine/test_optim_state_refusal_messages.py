"""A saved optimizer state that does not fit the model is refused with one whole line.

The scalar optimizers (engine.optim) and the array ones (engine.optim_arrays,
the vectorized execution) read the same state files, so they must refuse a
bad one with the same words: the optimizer, the buffer, what it holds, and why.
"""

from __future__ import annotations

import numpy as np
import pytest

from engine.optim import SGD, Adam
from engine.optim_arrays import ArrayAdam, ArraySGD
from engine.value import Value


def _scalar_sgd(size):
    return SGD([Value(float(i)) for i in range(size)], momentum=0.9)


def _scalar_adam(size):
    return Adam([Value(float(i)) for i in range(size)])


def _array_sgd(size):
    return ArraySGD(size, momentum=0.9)


def _array_adam(size):
    return ArrayAdam(size)


# (make an optimizer of `size` parameters, its kind, its per-parameter buffers)
OPTIMIZERS = {
    "SGD": (_scalar_sgd, "sgd", ("buffers",)),
    "Adam": (_scalar_adam, "adam", ("m", "v")),
    "ArraySGD": (_array_sgd, "sgd", ("buffers",)),
    "ArrayAdam": (_array_adam, "adam", ("m", "v")),
}
CASES = [(name, buffer) for name, (_, _, buffers) in OPTIMIZERS.items() for buffer in buffers]


@pytest.mark.parametrize(("name", "buffer"), CASES)
def test_a_buffer_of_another_length_names_optimizer_buffer_and_sizes(name, buffer):
    make, kind, _ = OPTIMIZERS[name]
    state = make(2).state_dict()
    state[buffer] = [0.0, 0.0, 0.0]
    with pytest.raises(ValueError) as info:
        make(2).load_state_dict(state)
    assert str(info.value) == (
        f"{kind} optimizer state {buffer!r} has 3 entries for 2 parameters; "
        "it belongs to another model"
    )


@pytest.mark.parametrize(("name", "buffer"), CASES)
def test_a_buffer_that_is_not_a_list_names_its_type(name, buffer):
    make, kind, _ = OPTIMIZERS[name]
    state = make(2).state_dict()
    state[buffer] = {"0": 0.0}
    with pytest.raises(ValueError) as info:
        make(2).load_state_dict(state)
    assert str(info.value) == (
        f"{kind} optimizer state {buffer!r} is of type dict, not a list of 2 numbers; "
        "the saved state is damaged"
    )


@pytest.mark.parametrize(("name", "buffer"), CASES)
def test_one_entry_and_one_parameter_are_said_in_the_singular(name, buffer):
    make, kind, _ = OPTIMIZERS[name]
    state = make(2).state_dict()
    state[buffer] = [0.0]
    with pytest.raises(ValueError) as info:
        make(2).load_state_dict(state)
    assert str(info.value) == (
        f"{kind} optimizer state {buffer!r} has 1 entry for 2 parameters; "
        "it belongs to another model"
    )
    state = make(1).state_dict()
    state[buffer] = [0.0, 0.0]
    with pytest.raises(ValueError) as info:
        make(1).load_state_dict(state)
    assert str(info.value) == (
        f"{kind} optimizer state {buffer!r} has 2 entries for 1 parameter; "
        "it belongs to another model"
    )


@pytest.mark.parametrize("name", ["ArraySGD", "ArrayAdam"])
def test_an_array_save_point_of_another_size_is_refused_too(name):
    """snapshot() keeps arrays, not lists; one of the wrong size gets the same refusal."""
    make, kind, buffers = OPTIMIZERS[name]
    small = make(3)
    small.step(np.zeros(3), np.ones(3))  # SGD creates its momentum buffer on the first step
    state = small.snapshot()
    with pytest.raises(ValueError) as info:
        make(2).load_state_dict(state)
    assert str(info.value) == (
        f"{kind} optimizer state {buffers[0]!r} has 3 entries for 2 parameters; "
        "it belongs to another model"
    )


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_a_state_of_another_kind_is_quoted_to_its_first_80_characters(name):
    make, kind, _ = OPTIMIZERS[name]
    other = {"type": "rmsprop", "lr": 0.001, "square_avg": [0.25] * 40}
    with pytest.raises(ValueError) as info:
        make(2).load_state_dict(other)
    excerpt = "{'type': 'rmsprop', 'lr': 0.001, 'square_avg': [0.25, 0.25, 0.25, 0.25, 0.25, 0."
    assert len(excerpt) == 80 and str(other).startswith(excerpt)
    assert str(info.value) == f"expected {kind} optimizer state, got: {excerpt}"
