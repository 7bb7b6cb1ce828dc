"""suggest_scaling at exactly FAR_FROM_UNIT: "far" means beyond 10 times, not at it.

The columns are chosen so that their mean and spread are exact in binary, and
Python's statistics module (not the code under test) confirms them.
"""

from __future__ import annotations

import statistics

import numpy as np

from engine.scaling import FAR_FROM_UNIT, suggest_scaling


def test_a_spread_or_a_mean_of_exactly_ten_is_not_far_from_unit_scale():
    spread_ten = [-10.0, 10.0]
    mean_ten = [9.0, 11.0]
    assert statistics.pstdev(spread_ten) == FAR_FROM_UNIT == statistics.fmean(mean_ten)
    assert suggest_scaling(np.array(spread_ten).reshape(-1, 1)) == ("none", "")
    assert suggest_scaling(np.array(mean_ten).reshape(-1, 1)) == ("none", "")
    # a hair beyond is far
    assert suggest_scaling(np.array([-10.5, 10.5]).reshape(-1, 1)) == (
        "standardize",
        "feature 'x1' reaches 10.5, far from unit scale",
    )


def test_a_tiny_spread_around_a_mean_of_exactly_ten_is_named_for_its_spread():
    # mean exactly 10 (not beyond), spread 1/16 (16 times too small): the spread is the reason
    values = [9.9375, 10.0625]
    assert statistics.fmean(values) == 10.0 and statistics.pstdev(values) == 0.0625
    X = np.column_stack([np.array([0.5, -0.5]), np.array(values)])
    assert suggest_scaling(X, ["a", "b"]) == ("standardize", "feature 'b' varies by only 0.062")
