"""The whole message of a state_dict that does not fit: the module, the key, the keys expected."""

from __future__ import annotations

import re

import pytest

from engine.nn import MLP, Layer


def test_the_message_names_the_module_the_missing_key_and_every_expected_key():
    model = MLP(2, [2, 1], seed=0)
    message = (
        "the state_dict does not fit MLP: missing key '0.bias' "
        "(expected 0.weight, 0.bias, 2.weight, 2.bias)"
    )
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        model.load_state_dict({"0.weight": [[1.0, 2.0], [3.0, 4.0]]})
    with pytest.raises(ValueError, match=r"^the state_dict does not fit Layer: unexpected key"):
        Layer(2, 1).load_state_dict({"weight": [[1.0, 2.0]], "bias": [0.0], "extra": [1.0]})
