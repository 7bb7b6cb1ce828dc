"""History[a:b] is refused with a message that says what to use instead."""

from __future__ import annotations

import pytest

from engine.history import History


def test_a_slice_is_refused_naming_the_alternatives():
    with pytest.raises(TypeError) as refused:
        History()[0:2]
    assert str(refused.value) == "History does not slice; use column(name)[a:b] or a loop"
