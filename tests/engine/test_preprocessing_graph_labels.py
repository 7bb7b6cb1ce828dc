"""The names the window and the graph view give the network's inputs (Preprocessor labels)."""

from __future__ import annotations

import numpy as np
import pytest

from engine import Value
from engine.preprocessing import Preprocessor

X = np.array([[0.5, -1.0], [2.0, 0.25], [-1.5, 3.0]])
FEATURES = ["x1", "x1^2", "x1*x2", "sin(x2)"]


def test_input_labels_use_the_columns_names_or_the_canonical_ones():
    p = Preprocessor.fit(X, FEATURES, "none")
    assert p.input_labels(("a", "b")) == ("a", "a^2", "a*b", "sin(b)")
    assert p.input_labels(("a", "b"), pretty=True) == ("a", "a²", "a·b", "sin(b)")
    # names that do not fit the data (one for two columns): the canonical x1, x2
    assert p.input_labels(("a",)) == p.feature_names == tuple(FEATURES)
    assert p.input_labels((), pretty=True) == ("x1", "x1²", "x1·x2", "sin(x2)")


@pytest.mark.parametrize("scaling", ["none", "standardize"])
def test_feature_and_scaled_nodes_are_labelled_and_raw_inputs_keep_their_own(scaling):
    p = Preprocessor.fit(X, FEATURES, scaling)
    inputs = [Value(0.5, label="a"), Value(-1.0, label="b")]
    nodes = p.values(inputs)
    np.testing.assert_array_equal([n.data for n in nodes], p.transform(X[:1])[0])
    if scaling == "none":
        assert nodes[0] is inputs[0] and inputs[0].label == "a"
        assert [n.label for n in nodes[1:]] == ["feature.x1^2", "feature.x1*x2", "feature.sin(x2)"]
    else:
        assert [n.label for n in nodes] == [f"scaled.{name}" for name in FEATURES]
        assert inputs[0].label == "a"


def test_values_names_the_number_of_raw_inputs_it_needs():
    with pytest.raises(ValueError, match=r"^expected 2 raw inputs, got 1$"):
        Preprocessor.fit(X, FEATURES, "none").values([Value(1.0)])
