"""Between the form's raw field values and the engine's TrainConfig.

The form keeps what the user typed (a learning rate "1e-3", layers
"16,16"); this module parses it into a TrainConfig, and lets the engine's
own validation name the bad field. The error's `field` tells the window
which widget to mark.
"""

from __future__ import annotations

import math
from typing import Any

from engine.config import ConfigError, TrainConfig

# Form values typed as text that the config needs as numbers.
_NUMBER_FIELDS = {
    "lr": "a finite number > 0, e.g. 0.05 or 1e-3",
    "reg_strength": "a finite number >= 0, e.g. 1e-4",
    "momentum": "a number from 0 to below 1, e.g. 0.9",
    "final_lr": "a finite number >= 0, e.g. 0.001 (empty: 0)",
    "gamma": "a number in (0, 1], e.g. 0.5",
}
# Number fields an empty text leaves unset (None: the schedule's default).
_OPTIONAL_NUMBERS = ("final_lr",)


def parse_number(field: str, text: Any) -> float:
    """A float from form text; ConfigError naming the field when it is not a number."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text)
    try:
        value = float(str(text).strip())
    except ValueError:
        shown = str(text).strip()
        raise ConfigError(
            field, f"{shown!r} is not a number; {_NUMBER_FIELDS.get(field, 'a number')}"
        ) from None
    if not math.isfinite(value):
        raise ConfigError(field, f"{text!r} is not finite; {_NUMBER_FIELDS.get(field, '')}")
    return value


def config_from_fields(raw: dict[str, Any], base: TrainConfig | None = None) -> TrainConfig:
    """A validated TrainConfig from raw form values layered over `base` (defaults if None).

    Fields the form does not show (targets, patience, betas, size limits, ...)
    keep the values of `base`, so a loaded preset or session keeps them.
    """
    values = (base or TrainConfig()).to_dict()
    for key, value in raw.items():
        if key in _OPTIONAL_NUMBERS and str(value).strip() == "":
            value = None
        elif key in _NUMBER_FIELDS:
            value = parse_number(key, value)
        values[key] = value
    return TrainConfig.from_dict(values)


def fields_from_config(config: TrainConfig) -> dict[str, Any]:
    """Form values for `config` (inverse of config_from_fields on the shown fields)."""
    d = config.to_dict()
    layers = d["layers"]
    d["layers"] = layers if isinstance(layers, str) else ",".join(str(s) for s in layers)
    return d
