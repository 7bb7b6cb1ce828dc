"""History columns as the plots use them: boolean masks, every listed column readable, JSON rows."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest

from engine.history import History, StepResult


def history() -> History:
    h = History()
    h.append(StepResult(step=0, loss=0.9, accuracy=0.5, lr=0.1, seconds=0.01, nodes=10))
    h.append(StepResult(step=1, loss=0.7, accuracy=0.6, lr=0.1, seconds=0.01, nodes=10,
                        execution="vectorized"))  # fmt: skip
    h.append(
        StepResult(step=2, loss=math.inf, accuracy=0.6, lr=0.1, seconds=0.01, nodes=10,
                   finite=False, message="diverged at step 2", stop_reason="diverged")
    )  # fmt: skip
    return h


def test_finite_and_vectorized_are_boolean_masks_over_the_other_columns():
    h = history()
    loss = h.column("loss")
    assert loss[h.column("finite")].tolist() == [0.9, 0.7]
    assert h.column("step")[h.column("vectorized")].tolist() == [1]
    assert [r.execution == "vectorized" for r in h] == h.column("vectorized").tolist()
    empty = History()
    assert empty.column("loss")[empty.column("finite")].size == 0  # a mask even when empty


def test_every_column_the_error_lists_can_be_read():
    h = history()
    with pytest.raises(KeyError) as raised:
        h.column("nonsense")
    listed = re.search(r"columns: (.*)'?$", str(raised.value)).group(1).rstrip("'\"")
    names = listed.split(", ")
    for name in names:
        assert len(h.column(name)) == len(h)
    assert {"step", "loss", "finite", "vectorized", "test_loss"} <= set(names)


def test_clear_forgets_steps_with_their_messages():
    h = history()
    h.clear()
    assert len(h) == 0 and list(h) == []
    h.append(StepResult(step=0, loss=0.5, accuracy=1.0, lr=0.1, seconds=0.0, nodes=1))
    assert h[0].message == "" and h[0].stop_reason == ""


def test_a_step_as_json_keeps_its_numbers_and_writes_non_finite_ones_as_null():
    rows = [r.to_dict() for r in history()]
    text = json.dumps(rows, allow_nan=False)  # strict JSON
    back = json.loads(text)
    assert [r["loss"] for r in back] == [0.9, 0.7, None]
    assert StepResult(**back[0]) == history()[0]
    assert np.array_equal([r["step"] for r in back], history().column("step"))
