"""suggest_scaling on what is not a table with rows: no suggestion, and no error."""

from __future__ import annotations

import numpy as np

from engine.scaling import suggest_scaling


def test_an_empty_table_or_a_single_column_vector_suggests_nothing():
    assert suggest_scaling(np.empty((0, 3))) == ("none", "")
    assert suggest_scaling(np.array([1000.0, 2000.0, 5000.0])) == ("none", "")
    assert suggest_scaling([[1000, 0], [3000, 1]])[0] == "standardize"  # lists of ints too
