"""When training stops: divergence checks and the stop conditions, as plain functions.

engine.train calls these once per step. Divergence (``stop_reason``
"diverged") is a NaN/inf loss, gradient or updated parameter, or a loss that
explodes past ``divergence_factor`` times the first step's loss (or 1, if
larger): with ReLU, a too-high learning rate often sends the loss to 1e26
and then freezes it there, finite but dead, and the user must see that.
The stop conditions, checked in this order, are the target loss, the
target accuracy (R² for regression), patience and the number of steps.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from engine.config import TrainConfig
from engine.history import StepResult

__all__ = ["divergence_message", "loss_problem", "stop_rule"]


def loss_problem(
    loss: float,
    first_loss: float | None,
    factor: float | None,
    largest: Callable[[], tuple[str, float]],
) -> str:
    """Why ``loss`` counts as diverged ("" if it does not), naming the largest parameter.

    ``largest()`` gives (name, value) of the parameter largest in size; it is
    called only when there is something to report.
    """
    if math.isfinite(loss):
        if not factor or first_loss is None or loss <= factor * max(first_loss, 1.0):
            return ""
        what = f"the loss {loss:.3g} exploded past {factor:g} times the first loss {first_loss:.3g}"
    else:
        what = f"the loss is {loss} although every parameter is finite"
    name, value = largest()
    return f"{what} (largest parameter: {name} = {value:.3g})"


def divergence_message(step: int, problem: str, kept: str, lr: float) -> str:
    """The one-line message a user sees when training diverges."""
    return (
        f"diverged at step {step}: {problem}; training stopped, parameters kept {kept}. "
        f"The learning rate ({lr:g}) is probably too high: try a lower one."
    )


def stop_rule(
    config: TrainConfig, result: StepResult, since_best: int, metric_name: str
) -> tuple[str, str]:
    """(stop_reason, message) after a finite step, or ("", "") to go on."""
    k = result.step
    if config.target_loss is not None and result.loss <= config.target_loss:
        return "target_loss", f"reached the target loss {config.target_loss:g} at step {k}"
    if config.target_accuracy is not None and result.accuracy >= config.target_accuracy:
        return (
            "target_accuracy",
            f"reached the target {metric_name} {config.target_accuracy:g} at step {k}",
        )
    if config.patience is not None and since_best >= config.patience:
        which = "test loss" if result.test_loss is not None else "loss"
        return "patience", f"no improvement of the {which} for {config.patience} steps (step {k})"
    if k + 1 >= config.steps:
        return "steps", f"finished {config.steps} steps"
    return "", ""
