"""A numpy forward pass of an MLP, for evaluating thousands of points at once.

The decision-boundary grid needs the network's output on, say, 10,000
points every few steps; building a scalar graph for each would be far too
slow. ``mlp_forward_numpy`` reads the same weights and computes the same
function with arrays. By default (``exact=True``) it adds the weighted
inputs one at a time in micrograd's order, ((b + w0*x0) + w1*x1) + ..., so
the pre-activations equal the scalar engine's bit for bit; ``exact=False``
uses a matrix product instead (faster for wide layers, equal to about 1e-15).
"""

from __future__ import annotations

import numpy as np

from engine.nn import MLP

__all__ = ["mlp_forward_numpy", "model_weight_arrays"]


def model_weight_arrays(model: MLP) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per layer, (W of shape (nout, nin), b of shape (nout,)) as float64 copies."""
    arrays = []
    for layer in model.layers:
        w = np.array([[wk.data for wk in n.w] for n in layer.neurons], dtype=np.float64)
        b = np.array([n.b.data for n in layer.neurons], dtype=np.float64)
        arrays.append((w.reshape(len(layer.neurons), layer.nin), b))
    return arrays


def _activate(z: np.ndarray, activation: str) -> np.ndarray:
    if activation == "relu":
        # Like Value.relu: NaN passes through, everything <= 0 becomes 0.
        return np.where(z <= 0.0, 0.0, z)
    if activation == "tanh":
        return np.tanh(z)
    if activation == "sigmoid":
        # The scalar engine's two-branch form: exp never overflows.
        e = np.exp(-np.abs(z))
        return np.where(z >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))
    return z


def mlp_forward_numpy(model: MLP, X: np.ndarray, exact: bool = True) -> np.ndarray:
    """The model's outputs for every row of X, shape (n, nout of the last layer)."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 1:
        X = X.reshape(-1, 1) if model.nin == 1 else X.reshape(1, -1)
    if X.ndim != 2 or X.shape[1] != model.nin:
        raise ValueError(f"X must have shape (n, {model.nin}) for this model, got {np.shape(X)}")
    h = X
    for layer, (w, b) in zip(model.layers, model_weight_arrays(model), strict=True):
        if exact:
            z = np.broadcast_to(b, (h.shape[0], b.shape[0])).copy()
            for k in range(w.shape[1]):
                z += h[:, k : k + 1] * w[:, k]
        else:
            z = h @ w.T + b
        h = _activate(z, layer.activation)
    return h
