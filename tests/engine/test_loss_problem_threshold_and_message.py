"""When a finite loss counts as exploded, and the sentence that says so.

The bar is ``factor`` times the first loss, or ``factor`` itself when the
first loss is below 1 (a first loss near 0 would make any wobble look like
an explosion); a loss exactly at the bar is still fine.
"""

from __future__ import annotations

import pytest

from engine.stopping import loss_problem


def _largest() -> tuple[str, float]:
    return "layers.0.neurons.1.w.0", -42.5


@pytest.mark.parametrize(
    ("loss", "first", "problem"),
    [
        (10.0, 0.5, False),  # exactly at the bar of 10 * max(0.5, 1)
        (10.5, 0.5, True),
        (15.0, 0.5, True),  # past 10, though under 10 * 2
        (19.0, 1.9, False),  # exactly 10 * 1.9
        (19.5, 1.9, True),
        (5.0, 0.25, False),
    ],
)
def test_the_bar_is_factor_times_the_first_loss_or_factor_below_one(loss, first, problem):
    got = loss_problem(loss, first, 10.0, _largest)
    assert got == (
        f"the loss {loss:.3g} exploded past 10 times the first loss {first:.3g} "
        "(largest parameter: layers.0.neurons.1.w.0 = -42.5)"
        if problem
        else ""
    )
