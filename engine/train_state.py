"""A Trainer's changing state as JSON-ready data, and restoring it with full checks.

Kept apart from engine.train so the training loop stays readable. The state
holds the completed step count, every parameter by name, the optimizer state
(momentum buffers / Adam moments and step), the minibatch RNG state (numpy's
PCG64 state dict), the early-stopping counters, the stop reason, the history
and the save point of the last finite step (used to roll back an exploding
loss). Restoring validates all of it before changing anything.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from engine.history import History, json_number

if TYPE_CHECKING:
    from engine.train import Trainer

__all__ = ["apply_trainer_state", "trainer_state"]

_REQUIRED = ("steps_done", "parameters", "optimizer", "batch_rng", "history")


def trainer_state(trainer: Trainer) -> dict[str, Any]:
    """The state of ``trainer`` (call with its lock held)."""
    previous = trainer._previous
    return {
        "steps_done": trainer.steps_done,
        "parameters": {name: p.data for name, p in trainer._named},
        "optimizer": trainer.optimizer.state_dict(),
        "batch_rng": trainer._batch_rng.bit_generator.state,
        "best_loss": json_number(trainer._best),
        "since_best": trainer._since_best,
        "stop_reason": trainer.stop_reason,
        "message": trainer.message,
        "history": trainer.history.to_dict(),
        "previous": None if previous is None else list(previous),
    }


def apply_trainer_state(trainer: Trainer, state: Any) -> None:
    """Restore ``trainer_state`` output into ``trainer``; ValueError names what does not fit."""
    if not isinstance(state, dict):
        raise ValueError(f"trainer state must be an object, got {type(state).__name__}")
    missing = [k for k in _REQUIRED if k not in state]
    if missing:
        raise ValueError(f"trainer state is missing {', '.join(missing)}")
    names = [n for n, _ in trainer._named]
    values = _check_parameters(state["parameters"], names)
    steps = state["steps_done"]
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise ValueError(f"steps_done must be a whole number >= 0, got {steps!r}")
    optimizer = trainer._new_optimizer()
    optimizer.load_state_dict(state["optimizer"])
    rng = _rng_from_state(state["batch_rng"])
    history = History.from_dict(state["history"])
    previous = _check_previous(trainer, state.get("previous"), len(names))
    best = state.get("best_loss")
    since = state.get("since_best", 0)
    if best is not None and not isinstance(best, (int, float)):
        raise ValueError(f"best_loss {best!r} is not a number")
    if isinstance(since, bool) or not isinstance(since, int) or since < 0:
        raise ValueError(f"since_best {since!r} is not a whole number >= 0")
    # Everything checked: apply.
    for p, value in zip(trainer._params, values, strict=True):
        p.data, p.grad = value, 0.0
    trainer.optimizer = optimizer
    trainer._batch_rng = rng
    trainer.history = history
    trainer._previous = previous
    trainer.steps_done = steps
    trainer._best = math.inf if best is None else float(best)
    trainer._since_best = since
    trainer.stop_reason = str(state.get("stop_reason") or "")
    trainer.message = str(state.get("message") or "")


def _rng_from_state(state: Any) -> np.random.Generator:
    rng = np.random.default_rng()
    try:
        rng.bit_generator.state = state
    except (TypeError, ValueError, KeyError) as exc:
        raise ValueError(f"batch_rng is not a numpy PCG64 state: {exc}") from None
    return rng


def _check_previous(trainer: Trainer, previous: Any, n_parameters: int) -> tuple | None:
    if previous is None:
        return None
    if not (isinstance(previous, list) and len(previous) == 3 and isinstance(previous[0], list)):
        raise ValueError("'previous' is not a save point (parameters, optimizer, rng)")
    if len(previous[0]) != n_parameters:
        raise ValueError(f"'previous' has {len(previous[0])} values for {n_parameters} parameters")
    values = [_finite(v, "a value in 'previous'") for v in previous[0]]
    trainer._new_optimizer().load_state_dict(previous[1])  # raises if it does not fit
    _rng_from_state(previous[2])
    return (values, previous[1], previous[2])


def _finite(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{what} is {value!r}, not a number")
    if not math.isfinite(value):
        raise ValueError(f"{what} is {value}, not a finite number")
    return float(value)


def _check_parameters(values: Any, names: list[str]) -> list[float]:
    if not isinstance(values, dict):
        raise ValueError("parameters must be an object mapping names to numbers")
    extra = sorted(set(values) - set(names))
    if extra:
        raise ValueError(
            f"parameter {extra[0]!r} does not exist in this network; "
            "the state was saved from a different architecture"
        )
    for name in names:
        if name not in values:
            raise ValueError(
                f"parameter {name!r} is missing; the state was saved from a different architecture"
            )
    return [_finite(values[name], f"parameter {name!r}") for name in names]
