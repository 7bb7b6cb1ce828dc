"""What from_torch says when a torch Sequential is not an MLP the engine can hold."""

from __future__ import annotations

import re

import pytest

from engine.interop import from_torch

nn = pytest.importorskip("torch.nn")

FINAL_ACTIVATION = (
    "the last Linear is followed by sigmoid, but the engine's MLP ends in a linear layer "
    "(as micrograd's): drop the final activation and apply it to the output, or use a loss "
    "on logits"
)


@pytest.mark.parametrize(
    ("modules", "message"),
    [
        (
            lambda: [nn.Linear(2, 3), nn.Dropout()],
            "module 1 (Dropout) is not supported: from_torch reads Linear layers followed by "
            "ReLU, Tanh, Sigmoid or nothing",
        ),
        (
            lambda: [nn.Linear(2, 3), nn.ReLU(), nn.Tanh(), nn.Linear(3, 1)],
            "module 2 (Tanh) follows another activation",
        ),
        (lambda: [nn.Identity()], "the Sequential has no Linear layer"),
        (
            lambda: [
                *(nn.Linear(2, 2), nn.Tanh(), nn.Linear(2, 2), nn.Tanh()),
                *(nn.Linear(2, 1), nn.Sigmoid()),
            ],
            FINAL_ACTIVATION,
        ),
    ],
)
def test_the_whole_message(modules, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        from_torch(nn.Sequential(*modules()))
