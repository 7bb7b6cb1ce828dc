"""Optimizers (SGD with momentum, Adam) and learning-rate schedules.

The update rules are PyTorch's (``torch.optim.SGD`` with dampening 0 and no
Nesterov; ``torch.optim.Adam`` without weight decay or amsgrad), so a few
float64 steps agree with torch to rounding. ``step(lr)`` takes an optional
learning rate that overrides the optimizer's own for that step, which is how
a schedule is applied::

    schedule = make_schedule("linear", 1.0, 100, final_lr=0.1)  # micrograd's demo
    for k in range(100):
        ...
        optimizer.step(schedule(k))

State (momentum buffers, Adam moments) is kept per parameter in
``parameters()`` order and saved by ``state_dict()`` as plain JSON-able data.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from engine.value import Value

__all__ = ["OPTIMIZERS", "SCHEDULES", "SGD", "Adam", "follow_base_lr", "make_schedule"]


def _check_lr(lr: float) -> float:
    lr = float(lr)
    if not math.isfinite(lr) or lr < 0.0:
        raise ValueError(f"learning rate must be a finite number >= 0, got {lr}")
    return lr


def adam_step_factors(
    lr: float, betas: tuple[float, float], step: int
) -> tuple[float, float, float]:
    """Adam's scalars for update number ``step`` (from 1), as torch computes them.

    Returns (step size lr / (1 - beta1**step), sqrt(1 - beta2**step), the first
    moment's lerp weight 1 - beta1); the scalar and the array Adam share them so
    their updates stay identical bit for bit.
    """
    beta1, beta2 = betas
    bias1 = 1.0 - beta1**step
    return lr / bias1, math.sqrt(1.0 - beta2**step), 1.0 - beta1


class Optimizer:
    """Shared parts: the parameter list, zero_grad, state validation."""

    kind = ""

    def __init__(self, params: Sequence[Value], lr: float) -> None:
        self.params = list(params)
        if not all(isinstance(p, Value) for p in self.params):
            raise TypeError("an optimizer needs a list of Values, e.g. model.parameters()")
        self.lr = _check_lr(lr)

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0.0."""
        for p in self.params:
            p.grad = 0.0

    def _step_lr(self, lr: float | None) -> float:
        return self.lr if lr is None else _check_lr(lr)

    def _check_state(self, d: dict, keys: Sequence[str]) -> None:
        check_state(self.kind, d, keys)

    def _check_buffer(self, name: str, buf: object) -> list[float]:
        return check_buffer(self.kind, name, buf, len(self.params))


def check_state(kind: str, d: object, keys: Sequence[str]) -> None:
    """ValueError unless ``d`` is a ``kind`` optimizer state with every key of ``keys``."""
    if not isinstance(d, dict) or d.get("type") != kind:
        raise ValueError(f"expected {kind} optimizer state, got: {str(d)[:80]}")
    missing = [k for k in keys if k not in d]
    if missing:
        raise ValueError(f"{kind} optimizer state is missing {', '.join(missing)}")


def check_buffer(kind: str, name: str, buf: object, size: int) -> list[float]:
    """A saved per-parameter buffer as floats; ValueError if it is not ``size`` long."""
    if isinstance(buf, list) and len(buf) == size:
        return [float(v) for v in buf]
    if not isinstance(buf, list) and not hasattr(buf, "shape"):  # a list, or snapshot()'s array
        raise ValueError(
            f"{kind} optimizer state {name!r} is of type {type(buf).__name__}, "
            f"not a list of {size} numbers; the saved state is damaged"
        )
    have = len(buf)
    raise ValueError(
        f"{kind} optimizer state {name!r} has {have} {'entry' if have == 1 else 'entries'} "
        f"for {size} {'parameter' if size == 1 else 'parameters'}; it belongs to another model"
    )


class SGD(Optimizer):
    """p -= lr * v, with v = momentum * v + grad (v = grad on the first step)."""

    kind = "sgd"

    def __init__(self, params: Sequence[Value], lr: float = 0.1, momentum: float = 0.0) -> None:
        super().__init__(params, lr)
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1), got {momentum}")
        self.momentum = float(momentum)
        self.buffers: list[float] | None = None  # created on the first momentum step

    def step(self, lr: float | None = None) -> None:
        """One update; ``lr`` overrides the learning rate for this step only."""
        lr = self._step_lr(lr)
        if self.momentum == 0.0:
            for p in self.params:
                p.data -= lr * p.grad
            return
        mu = self.momentum
        if self.buffers is None:
            self.buffers = [p.grad for p in self.params]
        else:
            self.buffers = [mu * b + p.grad for b, p in zip(self.buffers, self.params, strict=True)]
        for p, b in zip(self.params, self.buffers, strict=True):
            p.data -= lr * b

    def state_dict(self) -> dict:
        return {"type": "sgd", "lr": self.lr, "momentum": self.momentum, "buffers": self.buffers}

    def load_state_dict(self, d: dict) -> None:
        self._check_state(d, ("lr", "momentum", "buffers"))
        self.lr = _check_lr(d["lr"])
        self.momentum = float(d["momentum"])
        buffers = d["buffers"]
        self.buffers = None if buffers is None else self._check_buffer("buffers", buffers)


class Adam(Optimizer):
    """Adam (Kingma & Ba) exactly as torch.optim.Adam computes it."""

    kind = "adam"

    def __init__(
        self,
        params: Sequence[Value],
        lr: float = 0.01,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ) -> None:
        super().__init__(params, lr)
        beta1, beta2 = (float(b) for b in betas)
        if not (0.0 <= beta1 < 1.0 and 0.0 <= beta2 < 1.0):
            raise ValueError(f"betas must each be in [0, 1), got {betas}")
        if not eps > 0.0:
            raise ValueError(f"eps must be > 0, got {eps}")
        self.betas = (beta1, beta2)
        self.eps = float(eps)
        self.steps = 0
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)

    def step(self, lr: float | None = None) -> None:
        """One update; ``lr`` overrides the learning rate for this step only."""
        lr = self._step_lr(lr)
        beta2 = self.betas[1]
        self.steps += 1
        step_size, bias2_sqrt, w1 = adam_step_factors(lr, self.betas, self.steps)
        m, v = self.m, self.v
        for i, p in enumerate(self.params):
            g = p.grad
            # torch: exp_avg.lerp_(grad, 1 - beta1); lerp is a + w*(b - a) for w < 0.5
            m[i] = m[i] + w1 * (g - m[i]) if w1 < 0.5 else g - (g - m[i]) * (1.0 - w1)
            v[i] = v[i] * beta2 + (1.0 - beta2) * (g * g)  # torch: addcmul
            denom = math.sqrt(v[i]) / bias2_sqrt + self.eps
            p.data -= step_size * (m[i] / denom)

    def state_dict(self) -> dict:
        return {
            "type": "adam",
            "lr": self.lr,
            "betas": list(self.betas),
            "eps": self.eps,
            "steps": self.steps,
            "m": list(self.m),
            "v": list(self.v),
        }

    def load_state_dict(self, d: dict) -> None:
        self._check_state(d, ("lr", "betas", "eps", "steps", "m", "v"))
        self.lr = _check_lr(d["lr"])
        self.betas = (float(d["betas"][0]), float(d["betas"][1]))
        self.eps = float(d["eps"])
        self.steps = int(d["steps"])
        self.m = self._check_buffer("m", d["m"])
        self.v = self._check_buffer("v", d["v"])


OPTIMIZERS: dict[str, type[Optimizer]] = {"sgd": SGD, "adam": Adam}

SCHEDULES = ("constant", "linear", "cosine", "step")


def make_schedule(
    name: str,
    base_lr: float,
    total_steps: int,
    final_lr: float | None = None,
    step_size: int | None = None,
    gamma: float = 0.5,
) -> Callable[[int], float]:
    """A function step -> learning rate (steps count from 0).

    * ``constant``: base_lr.
    * ``linear``: base_lr - (base_lr - final_lr) * k / total_steps
      (final_lr defaults to 0). micrograd's demo is
      ``make_schedule("linear", 1.0, 100, final_lr=0.1)``: 1.0 - 0.9*k/100.
    * ``cosine``: final_lr + (base_lr - final_lr) * (1 + cos(pi k / total_steps)) / 2.
    * ``step``: base_lr * gamma ** (k // step_size); step_size defaults to
      a third of total_steps.

    Steps past ``total_steps`` keep the rate of step ``total_steps`` (for
    linear and cosine, final_lr): a run continued past its planned length,
    after a stop is cleared, neither climbs back up (cosine is periodic in
    torch) nor decays on (torch's StepLR has no end).
    """
    if name not in SCHEDULES:
        raise ValueError(f"unknown schedule {name!r}; choose one of {', '.join(SCHEDULES)}")
    base_lr = _check_lr(base_lr)
    if isinstance(total_steps, bool) or not isinstance(total_steps, int) or total_steps < 1:
        raise ValueError(f"total_steps must be a positive integer, got {total_steps!r}")
    final = 0.0 if final_lr is None else _check_lr(final_lr)
    if name == "constant":
        return lambda k: base_lr
    if name == "linear":
        # Written as micrograd's demo writes it, so the rates are identical.
        return lambda k: base_lr - (base_lr - final) * min(k, total_steps) / total_steps
    if name == "cosine":
        return lambda k: (
            final
            + (base_lr - final)
            * 0.5
            * (1.0 + math.cos(math.pi * min(k, total_steps) / total_steps))
        )
    size = max(1, total_steps // 3) if step_size is None else int(step_size)
    if size < 1:
        raise ValueError(f"step_size must be a positive integer, got {step_size!r}")
    gamma = float(gamma)
    if not 0.0 < gamma <= 1.0:
        raise ValueError(f"gamma must be in (0, 1], got {gamma}")
    return lambda k: base_lr * gamma ** (min(k, total_steps) // size)


def follow_base_lr(final_lr: float | None, old_lr: float, new_lr: float) -> float | None:
    """The final rate of a linear or cosine schedule after only the base rate changed.

    It keeps its ratio to the base rate: micrograd's demo decays 1.0 -> 0.1, so with
    a base rate of 0.01 it decays 0.01 -> 0.001 instead of rising to a final rate
    of 0.1 that nobody asked for. A final rate the user sets above the base rate
    (a warm-up) stays a rise; None (the default, 0) stays None.
    """
    if final_lr is None:
        return None
    try:
        old_lr, new_lr = float(old_lr), float(new_lr)
    except (TypeError, ValueError):
        return final_lr  # not numbers: the config's own checks will say so
    if not (math.isfinite(old_lr) and old_lr > 0.0 and math.isfinite(new_lr)):
        return final_lr
    return float(final_lr) * (new_lr / old_lr)
