"""engine.vectorized refuses what it cannot compute in one line that names the problem."""

from __future__ import annotations

import numpy as np
import pytest

from engine.vectorized import ArrayMLP, loss_and_gradient


@pytest.mark.parametrize("size", [12, 14, 0])
def test_a_flat_vector_of_the_wrong_size_names_both_counts(size):
    # sizes [2, 3, 1]: 3 * (2 + 1) + 1 * (3 + 1) = 13 parameters
    with pytest.raises(ValueError) as caught:
        ArrayMLP([2, 3, 1], "relu", np.zeros(size))
    assert str(caught.value) == f"{size} parameters for layer sizes [2, 3, 1], which need 13"


@pytest.mark.parametrize("sizes", [[3], []])
def test_sizes_without_a_layer_are_refused_when_made(sizes):
    with pytest.raises(ValueError) as caught:
        ArrayMLP(sizes, "relu", np.zeros(0))
    assert str(caught.value) == (
        f"layer sizes {sizes} have no layer: give the number of inputs and at least one "
        "layer's size, e.g. [2, 8, 1]"
    )


def test_an_unknown_loss_is_named():
    with pytest.raises(ValueError) as caught:
        loss_and_gradient(np.zeros((2, 1)), np.zeros(2), "huber")
    assert str(caught.value) == "unknown loss 'huber'"
