"""from_torch's refusal of mixed hidden activations, and that it leaves Python's random alone."""

from __future__ import annotations

import random
import re

import pytest

from engine.interop import from_torch

torch = pytest.importorskip("torch")
nn = torch.nn


def test_mixed_hidden_activations_get_the_whole_message():
    seq = nn.Sequential(
        nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 3), nn.Tanh(), nn.Linear(3, 3), nn.Linear(3, 1)
    )
    message = (
        "the hidden layers use different activations (relu, tanh, linear); "
        "the engine's MLP uses one activation for every hidden layer"
    )
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        from_torch(seq)


def test_converting_a_torch_model_does_not_draw_from_pythons_global_random():
    # A learner who seeded random for a reproducible notebook must get the same
    # numbers after converting a model: from_torch copies weights, it draws none.
    seq = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))
    random.seed(2024)
    expected = [random.random() for _ in range(3)]
    random.seed(2024)
    model = from_torch(seq)
    assert [random.random() for _ in range(3)] == expected
    assert model.nin == 2
