"""The scalar engine's network, losses and penalties for a whole batch at once, with numpy.

Same function, same derivatives, one array operation per layer instead of
one ``Value`` per number. Every formula below is the one the scalar engine
uses (engine.nn's fused neurons, engine.losses, engine.value's activations),
written on arrays, with the derivative beside it; only the order in which
sums are added differs, so results agree with the scalar path to rounding
(tests/engine/test_vectorized.py checks losses, gradients and weights at
every step of 50-step runs for every activation, loss, optimizer and
penalty).

Parameters live in one flat float64 vector in micrograd's order (layer by
layer, neuron by neuron, each neuron's weights then its bias): the order of
``MLP.parameters()``, of session files and of the optimizers' state. A
layer's block of that vector, reshaped to (nout, nin + 1), is ``[W | b]``.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from engine.fast import _activate  # the forward activations: one definition
from engine.nn import MLP

__all__ = [
    "ArrayMLP",
    "flat_parameters",
    "loss_and_gradient",
    "penalty_and_gradient",
]


def flat_parameters(model: MLP) -> np.ndarray:
    """The model's parameters as one float64 vector, in ``parameters()`` order."""
    return np.array([p.data for p in model.parameters()], dtype=np.float64)


# ---------------------------------------------------------------------- activations


def _activation_backward(g: np.ndarray, z: np.ndarray, h: np.ndarray, activation: str) -> None:
    """g *= d h / d z, in place (engine.value's local derivatives)."""
    if activation == "relu":
        g[z <= 0.0] = 0.0  # inactive: nothing flows back
    elif activation == "tanh":
        g *= 1.0 - h * h
    elif activation == "sigmoid":
        g *= h * (1.0 - h)


@dataclass
class _Cache:
    """What backward needs from the forward pass: each layer's input, sum and output."""

    inputs: list[np.ndarray]
    sums: list[np.ndarray]
    outputs: list[np.ndarray]


class ArrayMLP:
    """An MLP whose weights are views into a flat parameter vector (see the module doc)."""

    def __init__(self, sizes: Sequence[int], activation: str, flat: np.ndarray) -> None:
        self.sizes = [int(s) for s in sizes]
        if len(self.sizes) < 2:  # no layer: nothing to compute, and forward would fail obscurely
            raise ValueError(
                f"layer sizes {self.sizes} have no layer: give the number of inputs and at "
                "least one layer's size, e.g. [2, 8, 1]"
            )
        self.activations = [activation] * (len(self.sizes) - 2) + ["linear"]
        # counted before the views: a vector too short would fail in numpy's reshape
        needed = sum(nout * (nin + 1) for nin, nout in itertools.pairwise(self.sizes))
        if flat.size != needed:
            raise ValueError(
                f"{flat.size} parameters for layer sizes {self.sizes}, which need {needed}"
            )
        self.flat = flat
        self.blocks = self._views(flat)

    def _views(self, flat: np.ndarray) -> list[np.ndarray]:
        """Each layer's ``[W | b]`` block of a flat vector, as a (nout, nin + 1) view."""
        views, start = [], 0
        for nin, nout in zip(self.sizes[:-1], self.sizes[1:], strict=False):
            stop = start + nout * (nin + 1)
            views.append(flat[start:stop].reshape(nout, nin + 1))
            start = stop
        return views

    @classmethod
    def of(cls, model: MLP, flat: np.ndarray | None = None) -> ArrayMLP:
        """The array twin of ``model`` (its current weights unless ``flat`` is given)."""
        return cls(
            [model.nin, *model.nouts],
            model.activation,
            flat_parameters(model) if flat is None else flat,
        )

    @classmethod
    def from_weight_arrays(
        cls, arrays: Sequence[tuple[np.ndarray, np.ndarray]], activation: str
    ) -> ArrayMLP:
        """An ArrayMLP of per-layer (W (nout, nin), b (nout,)) arrays (copied)."""
        blocks = [np.column_stack([np.asarray(w), np.asarray(b)]).ravel() for w, b in arrays]
        sizes = [np.shape(arrays[0][0])[1], *(np.shape(w)[0] for w, _ in arrays)]
        return cls(sizes, activation, np.concatenate(blocks).astype(np.float64))

    def weight_arrays(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Copies of (W (nout, nin), b (nout,)) per layer, like engine.fast.model_weight_arrays."""
        return [(block[:, :-1].copy(), block[:, -1].copy()) for block in self.blocks]

    def forward(self, X: np.ndarray, keep: bool = False) -> tuple[np.ndarray, _Cache | None]:
        """Outputs (n, nout) for the rows of X; with ``keep`` also what backward needs."""
        cache = _Cache([], [], []) if keep else None
        h = X
        for block, activation in zip(self.blocks, self.activations, strict=True):
            # engine.nn: act(b + w0*x0 + w1*x1 + ...), here as one matrix product
            z = h @ block[:, :-1].T
            z += block[:, -1]
            out = _activate(z, activation)
            if cache is not None:
                cache.inputs.append(h)
                cache.sums.append(z)
                cache.outputs.append(out)
            h = out
        return h, cache

    def backward(self, cache: _Cache, d_out: np.ndarray) -> np.ndarray:
        """d loss / d parameters (flat, micrograd's order) from d loss / d outputs."""
        grad = np.empty_like(self.flat)
        blocks = self._views(grad)
        g = d_out
        for i in range(len(self.blocks) - 1, -1, -1):
            g = g.copy() if i == len(self.blocks) - 1 else g
            _activation_backward(g, cache.sums[i], cache.outputs[i], self.activations[i])
            # d sum / d w_k = x_k, d sum / d b = 1, d sum / d x_k = w_k
            # (into a temporary: numpy's BLAS path needs a contiguous output)
            blocks[i][:, :-1] = g.T @ cache.inputs[i]
            blocks[i][:, -1] = g.sum(axis=0)
            if i:
                g = g @ self.blocks[i][:, :-1]
        return grad


# ---------------------------------------------------------------------- losses


def loss_and_gradient(
    outputs: np.ndarray, targets: np.ndarray, loss: str
) -> tuple[float, np.ndarray]:
    """The batch's mean loss and d loss / d outputs (n, nout), as engine.losses computes them.

    Targets as engine.metrics.encode_targets gives them.
    """
    n = outputs.shape[0]
    grad = np.zeros_like(outputs)
    with np.errstate(all="ignore"):  # non-finite values are caught by the Trainer
        if loss == "softmax_ce":
            # mean of logsumexp(z) - z[label]; d/dz_j = softmax_j - [j == label], over n
            top = outputs.max(axis=1, keepdims=True)
            exps = np.exp(outputs - top)
            norm = exps.sum(axis=1, keepdims=True)
            rows = np.arange(n)
            picked = outputs[rows, targets]
            value = float(np.sum(top[:, 0] + np.log(norm[:, 0]) - picked)) / n
            grad[:] = exps / norm
            grad[rows, targets] -= 1.0
            grad /= n
            return value, grad
        s = outputs[:, 0]
        if loss == "hinge":
            # micrograd: relu(1 + -y*s), summed, times 1/n; d/ds = -y/n where active
            scale = 1.0 / n
            neg_y = -targets
            margin = s * neg_y + 1.0
            active = ~(margin <= 0.0)  # NaN counts as active, like the scalar loss
            value = float(np.sum(margin[active])) * scale
            grad[:, 0] = np.where(active, neg_y * scale, 0.0)
        elif loss == "bce":
            # max(s, 0) - s*y + log1p(exp(-|s|)); d/ds = (sigmoid(s) - y)/n
            terms = np.maximum(s, 0.0) - s * targets + np.log1p(np.exp(-np.abs(s)))
            value = float(np.sum(terms)) / n
            grad[:, 0] = (_activate(s, "sigmoid") - targets) / n
        elif loss == "mse":
            # mean of (s - t)^2; d/ds = 2 (s - t) / n
            diff = s - targets
            value = float(np.sum(diff * diff)) / n
            grad[:, 0] = 2.0 * diff / n
        else:
            raise ValueError(f"unknown loss {loss!r}")
    return value, grad


def penalty_and_gradient(
    flat: np.ndarray, reg: str, alpha: float, gradient: bool = True
) -> tuple[float, np.ndarray | None]:
    """alpha * sum(p^2) (d/dp = 2 alpha p) or alpha * sum(|p|) (d/dp = alpha sign p); or none.

    ``gradient=False`` skips the gradient (None).
    """
    if reg == "l2":
        return float(np.dot(flat, flat)) * alpha, (2.0 * alpha) * flat if gradient else None
    if reg == "l1":
        value = float(np.sum(np.abs(flat))) * alpha
        return value, alpha * np.sign(flat) if gradient else None
    return 0.0, None
