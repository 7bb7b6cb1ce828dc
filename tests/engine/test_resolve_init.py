"""What init "auto" means: micrograd's uniform(-1, 1) for up to three inputs, Glorot's beyond."""

from __future__ import annotations

import pytest

from engine.nn import resolve_init


@pytest.mark.parametrize("nin", [1, 2, 3])
def test_auto_is_micrograds_init_for_up_to_three_inputs(nin):
    assert resolve_init("auto", nin) == "micrograd"


@pytest.mark.parametrize("nin", [4, 13, 64])
def test_auto_is_glorots_init_from_four_inputs(nin):
    assert resolve_init("auto", nin) == "xavier"


@pytest.mark.parametrize("init", ["micrograd", "xavier", "he"])
def test_a_named_init_is_kept_whatever_the_inputs(init):
    assert resolve_init(init, 2) == init
    assert resolve_init(init, 30) == init
