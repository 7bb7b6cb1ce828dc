"""stop_rule: the stop conditions at their edges, in their documented order, in whole words.

The order (engine.stopping's doc): the target loss, the target accuracy (R²
for regression), patience, then the number of steps; each stop says what was
reached and at which step.
"""

from __future__ import annotations

from engine.config import TrainConfig
from engine.history import StepResult
from engine.stopping import stop_rule


def _result(step=4, loss=0.5, accuracy=0.8, test_loss=None) -> StepResult:
    return StepResult(
        step=step, loss=loss, accuracy=accuracy, lr=0.1, seconds=0.0, nodes=1, test_loss=test_loss
    )


def test_nothing_reached_goes_on():
    config = TrainConfig(steps=10, target_loss=0.1, target_accuracy=0.9, patience=3)
    assert stop_rule(config, _result(), 2, "accuracy") == ("", "")


def test_each_target_stops_when_reached_exactly():
    assert stop_rule(TrainConfig(target_loss=0.5), _result(loss=0.5), 0, "accuracy") == (
        "target_loss",
        "reached the target loss 0.5 at step 4",
    )
    assert stop_rule(TrainConfig(target_accuracy=0.8), _result(), 0, "R²") == (
        "target_accuracy",
        "reached the target R² 0.8 at step 4",
    )


def test_patience_stops_after_that_many_steps_without_improvement_naming_the_loss():
    config = TrainConfig(patience=3, steps=100)
    assert stop_rule(config, _result(), 2, "accuracy") == ("", "")
    assert stop_rule(config, _result(), 3, "accuracy") == (
        "patience",
        "no improvement of the loss for 3 steps (step 4)",
    )
    assert stop_rule(config, _result(test_loss=0.7), 3, "accuracy") == (
        "patience",
        "no improvement of the test loss for 3 steps (step 4)",
    )


def test_the_last_planned_step_finishes():
    config = TrainConfig(steps=5)
    assert stop_rule(config, _result(step=3), 0, "accuracy") == ("", "")
    assert stop_rule(config, _result(step=4), 0, "accuracy") == ("steps", "finished 5 steps")


def test_the_conditions_are_checked_in_the_documented_order():
    config = TrainConfig(steps=5, target_loss=0.5, target_accuracy=0.8, patience=1)
    last = _result(step=4, loss=0.5, accuracy=0.8)
    assert stop_rule(config, last, 1, "accuracy")[0] == "target_loss"
    no_loss_target = TrainConfig(steps=5, target_accuracy=0.8, patience=1)
    assert stop_rule(no_loss_target, last, 1, "accuracy")[0] == "target_accuracy"
    assert stop_rule(TrainConfig(steps=5, patience=1), last, 1, "accuracy")[0] == "patience"
