"""A Trainer's changing state as JSON-ready data, and its checks before it is restored.

Kept apart from engine.train so the training loop stays readable, and it
knows nothing of the Trainer: ``TrainerState`` holds the pieces (every
parameter by name, the optimizer state, the minibatch RNG, the
early-stopping counters, the stop reason, the history and the save point of
the last finite step, used to roll back an exploding loss);
``TrainerState.to_dict`` writes them, and ``check_trainer_state`` reads them
back, validating all of it so that the Trainer changes nothing unless the
whole state fits.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.history import History, json_number

__all__ = ["TrainerState", "check_trainer_state"]

_REQUIRED = ("steps_done", "parameters", "optimizer", "batch_rng", "history")


@dataclass
class TrainerState:
    """What changes while a Trainer trains; ``parameters`` in the network's order."""

    steps_done: int
    parameters: list[float]
    optimizer: dict
    batch_rng: np.random.Generator
    best_loss: float
    since_best: int
    stop_reason: str
    message: str
    history: History
    previous: tuple | None

    def to_dict(self, names: list[str]) -> dict[str, Any]:
        """JSON-ready data; ``names`` are the parameters' names, in order."""
        previous = self.previous
        return {
            "steps_done": self.steps_done,
            "parameters": dict(zip(names, self.parameters, strict=True)),
            "optimizer": self.optimizer,
            "batch_rng": self.batch_rng.bit_generator.state,
            "best_loss": json_number(self.best_loss),
            "since_best": self.since_best,
            "stop_reason": self.stop_reason,
            "message": self.message,
            "history": self.history.to_dict(),
            "previous": None if previous is None else list(previous),
        }


def check_trainer_state(
    state: Any, names: list[str], new_optimizer: Callable[[], Any]
) -> tuple[TrainerState, Any]:
    """Read ``TrainerState.to_dict`` output for a network with parameters ``names``.

    Returns the checked state and a fresh optimizer (from ``new_optimizer()``)
    that already holds the saved optimizer state. ValueError names what does
    not fit; nothing outside is changed.
    """
    if not isinstance(state, dict):
        raise ValueError(f"trainer state must be an object, got {type(state).__name__}")
    missing = [k for k in _REQUIRED if k not in state]
    if missing:
        raise ValueError(f"trainer state is missing {', '.join(missing)}")
    values = _check_parameters(state["parameters"], names)
    steps = state["steps_done"]
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise ValueError(f"steps_done must be a whole number >= 0, got {steps!r}")
    optimizer = new_optimizer()
    optimizer.load_state_dict(state["optimizer"])
    rng = _rng_from_state(state["batch_rng"])
    history = History.from_dict(state["history"])
    previous = _check_previous(state.get("previous"), len(names), new_optimizer)
    best = state.get("best_loss")
    since = state.get("since_best", 0)
    if best is not None and (isinstance(best, bool) or not isinstance(best, (int, float))):
        raise ValueError(f"best_loss {best!r} is not a number")
    if best is not None and math.isnan(_as_float(best)):
        raise ValueError("best_loss is NaN; a session stores null for 'no best loss yet'")
    if isinstance(since, bool) or not isinstance(since, int) or since < 0:
        raise ValueError(f"since_best {since!r} is not a whole number >= 0")
    checked = TrainerState(
        steps_done=steps,
        parameters=values,
        optimizer=state["optimizer"],
        batch_rng=rng,
        best_loss=math.inf if best is None else _as_float(best),
        since_best=since,
        stop_reason=str(state.get("stop_reason") or ""),
        message=str(state.get("message") or ""),
        history=history,
        previous=previous,
    )
    return checked, optimizer


def _rng_from_state(state: Any) -> np.random.Generator:
    rng = np.random.default_rng()
    try:
        rng.bit_generator.state = state
    except (TypeError, ValueError, KeyError, OverflowError) as exc:
        raise ValueError(f"batch_rng is not a numpy PCG64 state: {exc}") from None
    return rng


def _check_previous(
    previous: Any, n_parameters: int, new_optimizer: Callable[[], Any]
) -> tuple | None:
    if previous is None:
        return None
    if not (isinstance(previous, list) and len(previous) == 3 and isinstance(previous[0], list)):
        raise ValueError("'previous' is not a save point (parameters, optimizer, rng)")
    if len(previous[0]) != n_parameters:
        raise ValueError(f"'previous' has {len(previous[0])} values for {n_parameters} parameters")
    values = [_finite(v, "a value in 'previous'") for v in previous[0]]
    new_optimizer().load_state_dict(previous[1])  # raises if it does not fit
    _rng_from_state(previous[2])
    return (values, previous[1], previous[2])


def _as_float(value: int | float) -> float:
    """``float(value)``; an integer beyond float range gives an infinity, not OverflowError."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def _finite(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{what} is {value!r}, not a number")
    number = _as_float(value)
    if not math.isfinite(number):
        shown = value if isinstance(value, float) else "an integer beyond float range"
        raise ValueError(f"{what} is {shown}, not a finite number")
    return number


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
