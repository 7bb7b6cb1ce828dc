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


#: Features beyond this make a forward pass overflow whatever the learning rate.
HUGE_FEATURE = 1e100
#: A learning rate this small moves no weight far enough to blow anything up.
TINY_LR = 1e-6


def divergence_message(
    step: int,
    problem: str,
    kept: str,
    lr: float,
    *,
    largest_feature: float = 0.0,
    reg_strength: float = 0.0,
    in_update: bool = False,
) -> str:
    """The one-line message a user sees when training diverges, blaming the likely cause.

    Step 0's forward and backward come before any update, and a tiny learning
    rate moves nothing: then the cause is the data's scale or the
    regularisation, not the learning rate. ``in_update``: the problem appeared
    in the step's own update (learning rate times gradient), even at step 0.
    """
    head = f"diverged at step {step}: {problem}; training stopped, parameters kept {kept}."
    causes = []
    if largest_feature > HUGE_FEATURE:
        causes.append(
            f"the features reach {largest_feature:.3g}, too large to multiply safely: "
            "scale them (e.g. standardise each column)"
        )
    if reg_strength > HUGE_FEATURE:
        causes.append(
            f"the regularisation strength {reg_strength:g} overflows the penalty: use a "
            "small one, e.g. 1e-4"
        )
    if causes:
        return f"{head} The cause is the input, not the learning rate: {'; '.join(causes)}."
    before_any_update = step == 0 and not in_update
    if before_any_update or lr < TINY_LR:
        when = (
            "at step 0, before any update"
            if before_any_update
            else f"with a learning rate of {lr:g}"
        )
        return (
            f"{head} It diverged {when}, so the learning rate is not the cause: check the "
            "data for extreme values and the regularisation strength."
        )
    return f"{head} The learning rate ({lr:g}) is probably too high: try a lower one."


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
