"""A saved history comes back as it was, and a malformed one is refused naming the column.

History.from_dict reads the history of a session file. A diverged step must
stay marked non-finite (the window shows where training blew up), and a
column that is not what the format says is refused with a line that names it.
"""

from __future__ import annotations

import json
import math

import pytest

from engine.history import History, StepResult


def _history() -> History:
    history = History()
    history.append(StepResult(step=0, loss=0.7, accuracy=0.5, lr=0.1, seconds=0.01, nodes=9))
    history.append(
        StepResult(
            step=1,
            loss=math.inf,
            accuracy=0.5,
            lr=0.1,
            seconds=0.01,
            nodes=9,
            finite=False,
            message="the loss is infinite",
            stop_reason="diverged",
        )
    )
    return history


def _saved() -> dict:
    return json.loads(json.dumps(_history().to_dict(), allow_nan=False))


def test_a_diverged_step_stays_non_finite_through_json():
    again = History.from_dict(_saved())
    assert [r.finite for r in again] == [True, False]
    assert again.column("finite").tolist() == [True, False]
    assert math.isnan(again[1].loss)  # strict JSON has no infinity: null, read back as NaN
    assert (again[1].message, again[1].stop_reason) == ("the loss is infinite", "diverged")


@pytest.mark.parametrize(("data", "kind"), [([1, 2], "list"), ("loss", "str"), (None, "NoneType")])
def test_a_history_that_is_not_an_object_names_what_it_is(data, kind):
    with pytest.raises(ValueError) as info:
        History.from_dict(data)
    assert str(info.value) == f"history must be an object of columns, got {kind}"


@pytest.mark.parametrize("vectorized", [[0], [0, 1, 1], 5, "01"])
def test_a_vectorized_column_of_the_wrong_length_or_kind_is_refused(vectorized):
    data = {**_saved(), "vectorized": vectorized}
    with pytest.raises(ValueError) as info:
        History.from_dict(data)
    assert str(info.value) == "history column 'vectorized' is not 2 entries long"


def test_a_column_of_the_wrong_length_says_one_entry_in_the_singular():
    history = History()
    history.append(StepResult(step=0, loss=0.7, accuracy=0.5, lr=0.1, seconds=0.01, nodes=9))
    data = history.to_dict()
    with pytest.raises(ValueError) as info:
        History.from_dict({**data, "vectorized": [0, 0]})
    assert str(info.value) == "history column 'vectorized' is not 1 entry long"
    with pytest.raises(ValueError) as info:
        History.from_dict({**data, "loss": []})
    assert str(info.value) == "history column 'loss' is missing or not 1 entry long"


def test_a_step_number_beyond_64_bit_integers_is_refused():
    data = _saved()
    data["step"] = [0, 2**63]
    with pytest.raises(ValueError, match=r"^history has a malformed entry: "):
        History.from_dict(data)
