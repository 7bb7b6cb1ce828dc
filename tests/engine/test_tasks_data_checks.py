"""The data a Trainer accepts for each task, and the loss and output size each task gets.

engine.tasks is where a user's own table (a CSV, a plugin's arrays) is first
checked: every refusal is one whole line naming what is wrong.
"""

from __future__ import annotations

import numpy as np
import pytest

from engine.config import ConfigError
from engine.tasks import check_data, output_size, resolve_loss

X = np.arange(8.0).reshape(4, 2)


def _refusal(X, y, task="binary", n_classes=None) -> str:
    with pytest.raises(ValueError) as info:
        check_data(X, y, task, n_classes)
    return str(info.value)


def test_data_comes_back_as_float64_with_the_number_of_classes():
    X_out, y_out, k = check_data(X.astype(int).tolist(), [0, 1, 1, 0], "binary", None)
    assert X_out.dtype == np.float64 and y_out.dtype == np.float64
    assert X_out.tolist() == X.tolist() and y_out.tolist() == [0.0, 1.0, 1.0, 0.0] and k == 2


def test_one_feature_given_flat_becomes_a_column():
    X_out, _, _ = check_data([1.0, 2.0, 3.0], [0.5, -1.0, 2.0], "regression", None)
    assert X_out.shape == (3, 1) and X_out[:, 0].tolist() == [1.0, 2.0, 3.0]


def test_regression_takes_any_finite_targets_and_has_no_classes():
    _, y_out, k = check_data(X, [0.25, -3.5, 1e6, 7], "regression", None)
    assert y_out.tolist() == [0.25, -3.5, 1e6, 7.0] and k == 0


@pytest.mark.parametrize("shape", [(2, 2, 2), (0, 2), (3, 0)])
def test_x_that_is_not_a_table_is_refused(shape):
    assert _refusal(np.zeros(shape), [0, 1]) == (
        f"X must be a 2-D array (samples, features), got shape {shape}"
    )


def test_y_of_another_length_is_refused():
    assert _refusal(X, [0, 1, 1]) == "y must have one entry per row of X (4), got (3,)"
    assert _refusal(X, [[0, 1], [1, 0]]) == "y must have one entry per row of X (4), got (2, 2)"


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_infinity_in_x_or_y_is_refused(bad):
    for X_bad, y_bad in ((np.where(X == 3.0, bad, X), [0, 1, 1, 0]), (X, [0, bad, 1, 0])):
        assert _refusal(X_bad, y_bad, "regression") == (
            "X and y must not contain NaN or infinite values"
        )


@pytest.mark.parametrize("task", ["binary", "multiclass"])
@pytest.mark.parametrize("y", [[0, 0.5, 1, 1], [0, -1, 1, 1]])
def test_class_labels_must_be_whole_and_not_negative(task, y):
    shown = np.unique(np.asarray(y, dtype=np.float64))
    assert _refusal(X, y, task) == f"{task} labels must be class indices 0, 1, ...; got {shown}"


def test_only_the_first_five_distinct_labels_are_shown():
    y = [0.5, 1, 2, 3, 4, 5, 6, 7]
    message = _refusal(np.zeros((8, 1)), y, "multiclass")
    assert message == f"multiclass labels must be class indices 0, 1, ...; got {np.unique(y)[:5]}"
    assert "5." not in message.split("got ")[1]


def test_the_number_of_classes_is_given_or_one_more_than_the_largest_label():
    assert check_data(X, [0, 2, 1, 2], "multiclass", None)[2] == 3
    assert check_data(X, [0, 2, 1, 2], "multiclass", 5)[2] == 5  # a class may be absent
    assert _refusal(X, [0, 1, 2, 1], "binary") == "label 2 is out of range for 2 classes"
    assert _refusal(X, [0, 4, 1, 2], "multiclass", 3) == "label 4 is out of range for 3 classes"


def test_auto_picks_each_tasks_loss_and_others_must_fit_the_task():
    assert [resolve_loss("auto", t) for t in ("binary", "multiclass", "regression")] == [
        "hinge",
        "softmax_ce",
        "mse",
    ]
    assert [resolve_loss(loss, "binary") for loss in ("hinge", "bce", "mse", "softmax_ce")] == [
        "hinge",
        "bce",
        "mse",
        "softmax_ce",
    ]
    with pytest.raises(ConfigError) as info:
        resolve_loss("hinge", "regression")
    assert (info.value.field, info.value.message) == (
        "loss",
        "'hinge' does not fit a regression dataset; choose one of auto, mse",
    )
    with pytest.raises(ConfigError) as info:
        resolve_loss("bce", "multiclass")
    assert info.value.message == (
        "'bce' does not fit a multiclass dataset; choose one of auto, softmax_ce"
    )
    with pytest.raises(ConfigError) as info:
        resolve_loss("auto", "ranking")
    assert (info.value.field, info.value.message) == (
        "task",
        "'ranking' is not a task; choose one of binary, multiclass, regression",
    )


def test_softmax_has_one_output_per_class_and_every_other_loss_one():
    assert output_size("multiclass", "softmax_ce", 4) == 4
    assert output_size("binary", "softmax_ce", 2) == 2
    assert [output_size("binary", loss, 2) for loss in ("hinge", "bce", "mse")] == [1, 1, 1]
    assert output_size("regression", "mse", 0) == 1


def test_a_loss_that_fits_no_task_lists_every_choice_for_the_task():
    with pytest.raises(ConfigError) as info:
        resolve_loss("huber", "binary")
    assert info.value.message == (
        "'huber' does not fit a binary dataset; choose one of auto, hinge, bce, mse, softmax_ce"
    )


def test_a_single_sample_is_data_too():
    X_out, y_out, k = check_data([[0.5, 1.5]], [1], "binary", None)
    assert X_out.shape == (1, 2) and y_out.tolist() == [1.0] and k == 2
