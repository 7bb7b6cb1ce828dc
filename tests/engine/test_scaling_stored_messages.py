"""A stored scaling that cannot be used is refused with the whole message a user reads.

(The broader test in test_scaling.py searches for a phrase; these check each message entire,
so a message that says the wrong type or mangles the list of choices is caught.)
"""

from __future__ import annotations

import re

import pytest

from engine.scaling import SCALINGS, Scaler


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "the scaling must be an object, got list"),
        ("standardize", "the scaling must be an object, got str"),
        (
            {"kind": "zscore"},
            f"scaling 'zscore' is unknown; this version knows {', '.join(SCALINGS)}",
        ),
        (
            {"kind": "minmax", "shift": [0.0, 0.0], "scale": [1.0, -1.0]},
            "scaling 'scale' must be > 0 for every feature",
        ),
    ],
)
def test_the_whole_message(data, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        Scaler.from_dict(data, 2)
