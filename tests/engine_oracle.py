"""The scalar engine as an oracle for the window's numbers: an unfused MLP with given weights.

Not a conftest: tests import ``scalar_mlp`` by name (tests/ is on the import path).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from engine.nn import MLP


def scalar_mlp(
    arrays: Sequence[tuple[np.ndarray, np.ndarray]] | Mapping[str, float],
    activation: str = "relu",
    nouts: Sequence[int] | None = None,
    nin: int = 2,
) -> MLP:
    """engine.nn's MLP (micrograd's chain of * and + nodes) with these weights.

    ``arrays``: per layer (W (nout, nin), b (nout,)), as a snapshot carries them, or
    named weights (``layers.0.neurons.5.w.1`` -> value) with ``nouts`` given.
    """
    if isinstance(arrays, Mapping):
        model = MLP(nin, list(nouts), activation=activation, fused=False)
        for name, p in model.named_parameters():
            p.data = float(arrays[name])
        return model
    sizes = [int(W.shape[0]) for W, _ in arrays]
    model = MLP(int(arrays[0][0].shape[1]), sizes, activation=activation, fused=False)
    for layer, (W, b) in zip(model.layers, arrays, strict=True):
        for j, neuron in enumerate(layer.neurons):
            for k, w in enumerate(neuron.w):
                w.data = float(W[j, k])
            neuron.b.data = float(b[j])
    return model
