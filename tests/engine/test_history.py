"""History: StepResults stored as columns, indexable, JSON round trip with strict numbers."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from engine.history import History, StepResult


def results() -> list[StepResult]:
    return [
        StepResult(step=0, loss=0.9, accuracy=0.5, lr=1.0, seconds=0.01, nodes=10),
        StepResult(
            step=1,
            loss=0.4,
            accuracy=0.75,
            lr=0.5,
            seconds=0.02,
            nodes=10,
            rmse=0.3,
            test_loss=0.5,
            test_accuracy=0.7,
            test_rmse=0.4,
        ),
        StepResult(
            step=2,
            loss=math.inf,
            accuracy=math.nan,
            lr=0.25,
            seconds=0.03,
            nodes=10,
            finite=False,
            message="diverged at step 2: ...",
            stop_reason="diverged",
        ),
    ]


def test_results_come_back_as_they_went_in():
    history = History()
    for r in results():
        history.append(r)
    assert len(history) == 3
    assert history[0] == results()[0] and history[1] == results()[1]
    last = history[-1]
    assert last.loss == math.inf and math.isnan(last.accuracy) and not last.finite
    assert last.message.startswith("diverged") and last.stop_reason == "diverged"
    assert [r.step for r in history] == [0, 1, 2]
    assert np.array_equal(history.column("step"), [0, 1, 2])
    assert np.allclose(history.column("test_loss")[1:2], [0.5])
    assert np.isnan(history.column("test_loss")[0])
    assert history.column("finite").tolist() == [True, True, False]
    with pytest.raises(IndexError):
        history[3]
    with pytest.raises(KeyError, match="unknown history column"):
        history.column("accuracy_percent")


def test_json_round_trip_is_strict_and_exact():
    history = History()
    for r in results():
        history.append(r)
    text = json.dumps(history.to_dict(), allow_nan=False)  # raises on NaN/inf
    again = History.from_dict(json.loads(text))
    assert again[0] == history[0] and again[1] == history[1]
    assert math.isnan(again[2].loss)  # non-finite numbers become null, then NaN
    assert again[2].message == history[2].message
    assert results()[2].to_dict()["loss"] is None


def test_truncate_repairs_and_clear_empties():
    history = History()
    for r in results():
        history.append(r)
    history.truncate(2)
    assert len(history) == 2 and history[-1] == results()[1]
    assert history.to_dict()["message"] == {}
    history.clear()
    assert len(history) == 0 and history.column("loss").size == 0


@pytest.mark.parametrize(
    "broken",
    [[], {"loss": [1.0]}, {"finite": [True], "loss": ["x"]}],
)
def test_malformed_history_is_refused(broken):
    with pytest.raises(ValueError, match="history"):
        History.from_dict(broken)
