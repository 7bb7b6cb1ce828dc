"""A numpy row of booleans (a one-hot or yes/no feature) goes into a network as 1.0 and 0.0.

micrograd's neurons multiply a weight by whatever the row holds, so a
boolean row from numpy counts True as 1 and False as 0 (checked against the
published micrograd==0.1.0 with the same weights); engine.nn must give the
same numbers, as it does for a list of Python booleans, rather than refuse
numpy's ``bool_`` items as "not numbers".
"""

from __future__ import annotations

import random

import numpy as np
import pytest

import engine.nn

try:  # the reference
    import micrograd.nn as micrograd_nn
except ImportError:  # pragma: no cover - micrograd==0.1.0 is a dev dependency
    micrograd_nn = None

ROWS = np.array([[True, False, True], [False, False, False], [True, True, True]])


def _twins(nouts: list[int]) -> tuple:
    random.seed(7)  # both draw their weights from Python's global random, in the same order
    theirs = micrograd_nn.MLP(3, nouts)
    random.seed(7)
    ours = engine.nn.MLP(3, nouts)
    assert [p.data for p in ours.parameters()] == [p.data for p in theirs.parameters()]
    return ours, theirs


def _as_list(out) -> list:
    return out if isinstance(out, list) else [out]


@pytest.mark.skipif(micrograd_nn is None, reason="micrograd is not installed")
@pytest.mark.parametrize("nouts", [[4, 1], [4, 4, 2]])
def test_a_numpy_boolean_row_gives_micrograds_outputs(nouts):
    ours, theirs = _twins(nouts)
    for row in ROWS:
        got, want = _as_list(ours(row)), _as_list(theirs(row))
        assert [v.data for v in got] == [float(v.data) for v in want]
        assert [v.data for v in got] == [v.data for v in _as_list(ours([float(b) for b in row]))]


def test_a_single_neuron_takes_a_numpy_boolean_row():
    neuron = engine.nn.Neuron(3, weights=[0.5, -2.0, 0.25], bias=0.125, activation="linear")
    assert neuron(np.array([True, False, True])).data == 0.125 + 0.5 + 0.25
