"""Save and load MLPs as JSON files (never pickle).

A model file is one JSON object::

    {
      "format": "microgui-mlp",
      "format_version": 1,
      "architecture": {"nin": 2, "nouts": [16, 16, 1], "activation": "relu", "init": "micrograd"},
      "parameters": {"layers.0.neurons.0.w.0": 0.23, ..., "layers.2.neurons.0.b": 0.0},
      "config": {...} or null
    }

``parameters`` holds every weight by its name (see engine.nn), in
``parameters()`` order. ``config`` is free JSON for the caller (the
training configuration, say). Anything wrong with a file (not JSON,
truncated, from a newer version, shapes that do not fit the architecture,
NaN or infinite weights, over ``MAX_MODEL_BYTES``) raises ``ModelFileError``
saying what is wrong; a file over the limit is refused from its size alone.
Saving is atomic: the file is written under a temporary name (created with
the user's umask, like any new file) and renamed, so a failed save leaves
the previous file intact; any OSError becomes a ModelFileError naming the path.
"""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path

from engine.atomic_write import WriteError, write_text
from engine.jsonfile import read_json_file
from engine.nn import ACTIVATIONS, INITS, MLP

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "MAX_MODEL_BYTES",
    "ModelFileError",
    "load_model",
    "model_from_dict",
    "model_to_dict",
    "save_model",
]

FORMAT_NAME = "microgui-mlp"
FORMAT_VERSION = 1
#: About 4 million weights at ~50 bytes each (indented JSON); far beyond what the size guard trains.
MAX_MODEL_BYTES = 200 * 1024 * 1024

_PARAM_NAME = re.compile(r"^layers\.(\d+)\.neurons\.(\d+)\.(?:w\.(\d+)|b)$")


class ModelFileError(ValueError):
    """A model file or dictionary that cannot be turned into a model."""


def model_to_dict(model: MLP, config: dict | None = None) -> dict:
    """The JSON-able description of ``model`` (architecture and named weights)."""
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "architecture": {
            "nin": model.nin,
            "nouts": list(model.nouts),
            "activation": model.activation,
            "init": model.init,
        },
        "parameters": {name: p.data for name, p in model.named_parameters()},
        "config": config,
    }


def _is_number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _as_float(value: int | float) -> float:
    """``float(value)``, or an infinity for an integer beyond float range (no OverflowError)."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def _check_architecture(arch: object) -> tuple[int, list[int], str, str]:
    if not isinstance(arch, dict):
        raise ModelFileError("'architecture' must be an object with nin, nouts and activation")
    nin = arch.get("nin")
    nouts = arch.get("nouts")
    activation = arch.get("activation", "relu")
    init = arch.get("init", "micrograd")
    if not isinstance(nin, int) or isinstance(nin, bool) or nin < 1:
        raise ModelFileError(f"architecture 'nin' must be a positive integer, got {nin!r}")
    if (
        not isinstance(nouts, list)
        or not nouts
        or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in nouts)
    ):
        raise ModelFileError(
            f"architecture 'nouts' must be a non-empty list of positive integers, got {nouts!r}"
        )
    if activation not in ACTIVATIONS:
        raise ModelFileError(
            f"unknown activation {activation!r}; this version knows {', '.join(ACTIVATIONS)}"
        )
    if init not in INITS:
        init = "micrograd"  # only a record of how the weights started; not needed to load
    return nin, nouts, activation, init


def _describe_shape_mismatch(names: set[str], nin: int, nouts: list[int]) -> str:
    """Say in architecture terms how the stored weights differ from the expected ones."""
    layers: dict[int, dict[int, int]] = {}  # layer -> neuron -> number of weights
    for name in names:
        m = _PARAM_NAME.match(name)
        if m is None:
            return f"unexpected parameter name {name!r}"
        i, j = int(m.group(1)), int(m.group(2))
        weights = layers.setdefault(i, {})
        weights[j] = weights.get(j, 0) + (m.group(3) is not None)
    if len(layers) != len(nouts) or sorted(layers) != list(range(len(nouts))):
        return (
            f"layer-count mismatch: the file has weights for {len(layers)} layers but "
            f"the architecture lists {len(nouts)} ({nouts})"
        )
    sizes = [nin, *nouts]
    for i, neurons in sorted(layers.items()):
        if len(neurons) != nouts[i]:
            return (
                f"wrong shape: layer {i} has {len(neurons)} neurons, "
                f"the architecture says {nouts[i]}"
            )
        for j, count in sorted(neurons.items()):
            if count != sizes[i]:
                return (
                    f"wrong shape: layers.{i}.neurons.{j} has {count} weights, "
                    f"expected {sizes[i]} (the size of its input)"
                )
    return "the parameter names do not match the architecture"


def model_from_dict(d: object) -> MLP:
    """Build the MLP a ``model_to_dict`` dictionary describes, checking everything."""
    if not isinstance(d, dict):
        raise ModelFileError(f"a model file must hold a JSON object, found {type(d).__name__}")
    if d.get("format") != FORMAT_NAME:
        raise ModelFileError(f"not a microgui model file (format is {d.get('format')!r})")
    version = d.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ModelFileError(f"'format_version' must be a positive integer, got {version!r}")
    if version > FORMAT_VERSION:
        raise ModelFileError(
            f"the file has format version {version}, newer than this version of "
            f"microgui reads ({FORMAT_VERSION}); upgrade microgui to open it"
        )
    nin, nouts, activation, init = _check_architecture(d.get("architecture"))
    params = d.get("parameters")
    if not isinstance(params, dict):
        raise ModelFileError("'parameters' must be an object mapping parameter names to numbers")
    sizes = [nin, *nouts]
    count = sum(n * (sizes[i] + 1) for i, n in enumerate(nouts))
    if len(params) != count:  # checked before building, so a huge bogus size costs nothing
        raise ModelFileError(_describe_shape_mismatch(set(params), nin, nouts))
    # Any seed: every weight is overwritten below (no seed would draw from global random).
    model = MLP(nin, nouts, activation=activation, init=init, seed=0)
    expected = dict(model.named_parameters())
    if set(params) != set(expected):
        raise ModelFileError(_describe_shape_mismatch(set(params), nin, nouts))
    for name, value in params.items():
        if not _is_number(value):
            raise ModelFileError(f"parameter {name} must be a number, got {value!r}")
        number = _as_float(value)
        if not math.isfinite(number):
            shown = (
                value
                if isinstance(value, float)
                else f"{number} (an integer of {len(str(value)):,} digits)"
            )
            raise ModelFileError(f"parameter {name} is {shown}; a model file needs finite weights")
        expected[name].data = number
    return model


def save_model(model: MLP, path: str | os.PathLike, config: dict | None = None) -> None:
    """Write ``model`` (and ``config``) to ``path`` as JSON, atomically.

    ModelFileError naming the path when it cannot be written (a folder, a
    missing or read-only folder, a full disk); the previous file at ``path``
    is then left as it was.
    """
    d = model_to_dict(model, config)
    bad = [name for name, v in d["parameters"].items() if not math.isfinite(v)]
    if bad:
        raise ModelFileError(
            f"cannot save a model with non-finite weights ({bad[0]} is "
            f"{d['parameters'][bad[0]]}); the training diverged, reset it first"
        )
    try:
        text = json.dumps(d, indent=1, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ModelFileError(f"the config cannot be written as JSON: {exc}") from exc
    try:
        write_text(path, text, "model")
    except WriteError as exc:
        raise ModelFileError(str(exc)) from None


def load_model(
    path: str | os.PathLike, *, max_bytes: int = MAX_MODEL_BYTES
) -> tuple[MLP, dict | None]:
    """Read a model file; returns (model, config). Raises ModelFileError if unusable.

    Files over ``max_bytes`` are refused from their size, without being read.
    """
    path = Path(path)
    # NaN tokens are read, so the message can name the weight that holds one.
    d = read_json_file(path, max_bytes, "model", ModelFileError, allow_nan=True)
    try:
        model = model_from_dict(d)
    except ModelFileError as exc:
        raise ModelFileError(f"{path}: {exc}") from None
    config = d.get("config")
    if config is not None and not isinstance(config, dict):
        raise ModelFileError(f"{path}: 'config' must be an object or null")
    return model, config
