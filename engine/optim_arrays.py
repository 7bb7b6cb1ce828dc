"""engine.optim's SGD and Adam on one flat parameter vector (the vectorized execution).

Each update is engine.optim's, element by element, with the same float
operations in the same order, so given the same gradients the new weights
are identical bit for bit. ``state_dict()`` writes exactly what
engine.optim writes (lists of floats in ``parameters()`` order), so a
session saved by one execution continues in the other.
"""

from __future__ import annotations

import numpy as np

from engine.optim import _check_lr, adam_step_factors, check_buffer, check_state

__all__ = ["ARRAY_OPTIMIZERS", "ArrayAdam", "ArraySGD"]


class ArraySGD:
    """p -= lr * v, with v = momentum * v + grad (v = grad on the first step)."""

    kind = "sgd"

    def __init__(self, size: int, lr: float = 0.1, momentum: float = 0.0) -> None:
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1), got {momentum}")
        self.size = int(size)
        self.lr = _check_lr(lr)
        self.momentum = float(momentum)
        self.buffers: np.ndarray | None = None

    def step(self, params: np.ndarray, grads: np.ndarray, lr: float | None = None) -> None:
        """Update ``params`` in place; ``lr`` overrides the learning rate for this step."""
        lr = self.lr if lr is None else _check_lr(lr)
        if self.momentum == 0.0:
            params -= lr * grads
            return
        if self.buffers is None:
            self.buffers = grads.copy()
        else:
            self.buffers = self.momentum * self.buffers + grads
        params -= lr * self.buffers

    def state_dict(self) -> dict:
        buffers = None if self.buffers is None else self.buffers.tolist()
        return {"type": "sgd", "lr": self.lr, "momentum": self.momentum, "buffers": buffers}

    def snapshot(self) -> dict:
        """``state_dict()`` with array copies instead of lists (a cheap save point)."""
        buffers = None if self.buffers is None else self.buffers.copy()
        return {"type": "sgd", "lr": self.lr, "momentum": self.momentum, "buffers": buffers}

    def load_state_dict(self, d: dict) -> None:
        check_state(self.kind, d, ("lr", "momentum", "buffers"))
        self.lr = _check_lr(d["lr"])
        self.momentum = float(d["momentum"])
        buffers = d["buffers"]
        self.buffers = (
            None if buffers is None else _buffer(self.kind, "buffers", buffers, self.size)
        )


class ArrayAdam:
    """Adam exactly as engine.optim.Adam (and torch.optim.Adam) computes it."""

    kind = "adam"

    def __init__(
        self,
        size: int,
        lr: float = 0.01,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ) -> None:
        beta1, beta2 = (float(b) for b in betas)
        if not (0.0 <= beta1 < 1.0 and 0.0 <= beta2 < 1.0):
            raise ValueError(f"betas must each be in [0, 1), got {betas}")
        if not eps > 0.0:
            raise ValueError(f"eps must be > 0, got {eps}")
        self.size = int(size)
        self.lr = _check_lr(lr)
        self.betas = (beta1, beta2)
        self.eps = float(eps)
        self.steps = 0
        self.m = np.zeros(self.size)
        self.v = np.zeros(self.size)

    def step(self, params: np.ndarray, grads: np.ndarray, lr: float | None = None) -> None:
        """Update ``params`` in place; ``lr`` overrides the learning rate for this step."""
        lr = self.lr if lr is None else _check_lr(lr)
        beta2 = self.betas[1]
        self.steps += 1
        step_size, bias2_sqrt, w1 = adam_step_factors(lr, self.betas, self.steps)
        g = grads
        # torch's lerp, as engine.optim.Adam writes it per parameter
        if w1 < 0.5:
            self.m = self.m + w1 * (g - self.m)
        else:
            self.m = g - (g - self.m) * (1.0 - w1)
        self.v = self.v * beta2 + (1.0 - beta2) * (g * g)
        denom = np.sqrt(self.v) / bias2_sqrt + self.eps
        params -= step_size * (self.m / denom)

    def state_dict(self) -> dict:
        return self._state(self.m.tolist(), self.v.tolist())

    def snapshot(self) -> dict:
        """``state_dict()`` with array copies instead of lists (a cheap save point)."""
        return self._state(self.m.copy(), self.v.copy())

    def _state(self, m: object, v: object) -> dict:
        return {
            "type": "adam",
            "lr": self.lr,
            "betas": list(self.betas),
            "eps": self.eps,
            "steps": self.steps,
            "m": m,
            "v": v,
        }

    def load_state_dict(self, d: dict) -> None:
        check_state(self.kind, d, ("lr", "betas", "eps", "steps", "m", "v"))
        self.lr = _check_lr(d["lr"])
        self.betas = (float(d["betas"][0]), float(d["betas"][1]))
        self.eps = float(d["eps"])
        self.steps = int(d["steps"])
        self.m = _buffer(self.kind, "m", d["m"], self.size)
        self.v = _buffer(self.kind, "v", d["v"], self.size)


def _buffer(kind: str, name: str, buf: object, size: int) -> np.ndarray:
    """A saved buffer (a list from JSON, or an array from ``snapshot()``) as a new array."""
    if isinstance(buf, np.ndarray) and buf.shape == (size,):
        return buf.astype(np.float64, copy=True)
    return np.array(check_buffer(kind, name, buf, size), dtype=np.float64)


ARRAY_OPTIMIZERS = {"sgd": ArraySGD, "adam": ArrayAdam}
