"""Which cause the divergence message blames, at the thresholds themselves."""

from __future__ import annotations

from engine.stopping import HUGE_FEATURE, TINY_LR, divergence_message

INPUT = "The cause is the input, not the learning rate"
NOT_LR = "so the learning rate is not the cause"
TOO_HIGH = "is probably too high"


def message(**kwargs) -> str:
    return divergence_message(3, "the loss is nan", "as they were at step 2", 0.1, **kwargs)


def test_features_or_a_strength_exactly_at_the_limit_are_not_blamed():
    assert TOO_HIGH in message(largest_feature=HUGE_FEATURE)
    assert TOO_HIGH in message(reg_strength=HUGE_FEATURE)
    assert TOO_HIGH in message()  # nothing known about the input


def test_both_causes_beyond_the_limit_are_named_one_after_the_other():
    text = message(largest_feature=2 * HUGE_FEATURE, reg_strength=3 * HUGE_FEATURE)
    assert text.endswith(
        f"{INPUT}: the features reach 2e+100, too large to multiply safely: scale them "
        "(e.g. standardise each column); the regularisation strength 3e+100 overflows the "
        "penalty: use a small one, e.g. 1e-4."
    )


def test_a_learning_rate_at_the_tiny_limit_is_still_blamed_and_below_it_is_not():
    at = divergence_message(3, "p", "k", TINY_LR)
    assert TOO_HIGH in at
    below = divergence_message(3, "p", "k", TINY_LR / 2)
    assert below.endswith(
        f"It diverged with a learning rate of {TINY_LR / 2:g}, {NOT_LR}: check the data for "
        "extreme values and the regularisation strength."
    )
