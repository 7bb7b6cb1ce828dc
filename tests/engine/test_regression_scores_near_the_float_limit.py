"""R² and RMSE of targets near the float limit: finite, as scikit-learn gives in smaller units.

Squaring residuals of targets near 1e154 and beyond overflows, which made R²
NaN and RMSE inf on a table whose target runs in the 1e300s, though the
model fitted it well. R² does not depend on the target's unit and RMSE
scales with it, so the same table in units of 1e300 is the reference.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import mean_squared_error, r2_score

from engine.metrics import scores

pytestmark = pytest.mark.filterwarnings("error")  # no numpy overflow warning

RNG = np.random.default_rng(0)
Y = RNG.normal(size=40)
PRED = Y + RNG.normal(scale=0.3, size=40)


def regression_scores(pred: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    r2, rmse = scores(pred.reshape(-1, 1), y, "regression", "mse")
    assert rmse is not None
    return r2, rmse


@pytest.mark.parametrize("unit", [1e300, 1e200, 2.0**1000, 1e-300])
def test_scores_of_targets_in_any_unit_are_those_in_unit_one(unit):
    r2, rmse = regression_scores(PRED * unit, Y * unit)
    assert r2 == pytest.approx(r2_score(Y, PRED), rel=1e-12)
    assert rmse == pytest.approx(mean_squared_error(Y, PRED) ** 0.5 * unit, rel=1e-12)


def test_ordinary_targets_keep_the_plain_formulas_bit_for_bit():
    r2, rmse = regression_scores(PRED, Y)
    sse = float(np.sum((PRED - Y) ** 2))
    assert r2 == 1.0 - sse / float(np.sum((Y - Y.mean()) ** 2))
    assert rmse == (sse / len(Y)) ** 0.5


def test_targets_at_the_largest_floats_give_a_finite_rmse():
    y = np.array([1e308, -1e308, 0.0])
    r2, rmse = regression_scores(np.zeros(3), y)  # predicting the mean, 0
    assert r2 == 0.0
    assert rmse == pytest.approx(1e308 * (2 / 3) ** 0.5, rel=1e-12)
    assert np.isfinite(rmse)


def test_diverged_predictions_still_score_as_the_worst():
    r2, rmse = regression_scores(np.full(3, np.inf), np.array([1.0, 2.0, 3.0]))
    assert (r2, rmse) == (-np.inf, np.inf)
    r2, rmse = regression_scores(np.full(3, np.nan), np.array([1.0, 2.0, 3.0]))
    assert np.isnan(r2) and np.isnan(rmse)


def test_targets_that_are_all_equal_have_no_r2():
    r2, rmse = regression_scores(np.array([4.0, 6.0]), np.array([5.0, 5.0]))
    assert np.isnan(r2)
    assert rmse == 1.0
