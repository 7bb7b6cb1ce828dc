"""``c ** v`` with a constant base, every base: value and gradient against PyTorch float64.

The wide-range tests raise one base (1.8) to every exponent; the exponent's
gradient has its own rule at a zero base (PyTorch: 0 where the base is 0 and
the exponent >= 0, not ``0 ** b * log(0)``, which is -inf at b = 0 and NaN
above it), so the base is drawn from every double too.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from test_value_wide_range import assert_matches_torch, const

torch = pytest.importorskip("torch")


@settings(max_examples=300, deadline=None)
@given(c=st.floats(width=64), x=st.floats(width=64))
@example(c=0.0, x=0.0)  # 0 ** 0 = 1: d/dx is 0 in torch, -inf as 1 * log(0)
@example(c=0.0, x=0.5)  # 0 ** 0.5 = 0: d/dx is 0 in torch, NaN as 0 * log(0)
@example(c=-0.0, x=2.0)
@example(c=0.0, x=-1.0)  # a pole: inf, and torch's gradient there
def test_a_constant_base_to_a_value_matches_torch(c, x):
    assert_matches_torch(lambda a: c**a, lambda a: const(c) ** a, x)
