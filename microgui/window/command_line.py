"""File > Copy as command line: the run's settings as a `microgui train ...` command.

Pure Python (no Qt). Every TrainConfig field that differs from its default
becomes the option of the same name (`reg_strength` -> `--reg-strength`),
which is how `microgui train` names them, so a setting added to TrainConfig
and to the command line later (input features, say) is carried over without
a change here; the dataset's parameters become `--dataset-param KEY=VALUE`.
Numbers are written with repr(), so the command trains on exactly the same
values: the same data, weights and losses, step for step.
"""

from __future__ import annotations

import dataclasses
import shlex
from typing import Any

from engine.config import TrainConfig

__all__ = ["train_arguments", "train_command_line"]

# Settings that are not options of `microgui train` (dataset_params: --dataset-param).
_NOT_OPTIONS = ("dataset_params",)


def _value_text(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return ",".join(_value_text(v) for v in value)
    return str(value)


def train_arguments(config: TrainConfig) -> list[str]:
    """The arguments after `microgui train` that give `config` (defaults left out)."""
    defaults = TrainConfig()
    args: list[str] = []
    for field in dataclasses.fields(TrainConfig):
        name = field.name
        value = getattr(config, name)
        if name in _NOT_OPTIONS or value == getattr(defaults, name):
            continue
        args += [f"--{name.replace('_', '-')}", _value_text(value)]
    for key, value in config.dataset_params.items():
        args += ["--dataset-param", f"{key}={_value_text(value)}"]
    return args


def train_command_line(config: TrainConfig) -> str:
    """The whole command, quoted for a POSIX shell."""
    return shlex.join(["microgui", "train", *train_arguments(config)])
