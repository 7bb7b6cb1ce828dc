"""Indexing a History past its steps names the index and how many steps there are.

Like a list, ``history[k]`` takes 0..n-1 and -n..-1; anything else is an
IndexError that says which index was asked and how many steps were recorded
(the step just past the last is the usual slip: asking for the step that has
not run yet).
"""

from __future__ import annotations

import pytest

from engine.history import History, StepResult


def _history(n: int) -> History:
    history = History()
    for k in range(n):
        history.append(
            StepResult(step=k, loss=1.0 / (k + 1), accuracy=0.5, lr=0.1, seconds=0.0, nodes=0)
        )
    return history


@pytest.mark.parametrize(("n", "index"), [(3, 3), (3, 4), (3, -4), (0, 0), (1, -2)])
def test_an_index_past_the_steps_is_refused_with_both_numbers(n, index):
    history = _history(n)
    with pytest.raises(IndexError) as caught:
        history[index]
    steps = "step" if n == 1 else "steps"
    assert str(caught.value) == f"step index {index} out of range for {n} recorded {steps}"


def test_the_first_and_last_steps_are_reachable_from_both_ends():
    history = _history(3)
    assert [history[k].step for k in (0, 2, -1, -3)] == [0, 2, 2, 0]
