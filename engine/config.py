"""Everything that defines one training run, as one validated, JSON-able dataclass.

``TrainConfig`` is what the GUI form, the ``microgui train`` options, a
``--config`` file and a session file all describe. ``validate()`` checks
every field and raises :class:`ConfigError`, whose message names the field,
the bad value and what is allowed, so any front end can show it as is::

    >>> TrainConfig(lr=-1).validate()
    Traceback (most recent call last):
    ...
    engine.config.ConfigError: lr: -1 is not allowed; a finite number > 0, e.g. 0.1

Checks that need the data (the loss fits the task, the network fits in
memory) happen in ``engine.train.Trainer``, which raises the same error type.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import math
import numbers
import re
from dataclasses import dataclass, field
from typing import Any

from engine.jsonfile import parse_json
from engine.losses import LOSSES
from engine.nn import ACTIVATIONS, INITS
from engine.optim import OPTIMIZERS, SCHEDULES

__all__ = [
    "LOSS_NAMES",
    "MAX_LAYERS",
    "MAX_LAYER_SIZE",
    "MAX_SEED",
    "OPTIMIZER_NAMES",
    "REGULARIZERS",
    "ConfigError",
    "TrainConfig",
    "parse_layers",
]

#: "auto" picks the task's usual loss (hinge / softmax_ce / mse).
LOSS_NAMES: tuple[str, ...] = ("auto", *LOSSES)
REGULARIZERS: tuple[str, ...] = ("none", "l1", "l2")
OPTIMIZER_NAMES: tuple[str, ...] = tuple(OPTIMIZERS)
MAX_LAYER_SIZE = 4096
MAX_LAYERS = 64
MAX_STEPS = 100_000_000
MAX_SEED = 2**32 - 1  # what numpy and scikit-learn accept
_LAYERS_EXAMPLE = f"comma-separated neuron counts from 1 to {MAX_LAYER_SIZE}, e.g. '16,16'"


class ConfigError(ValueError):
    """A setting is invalid. ``field`` names it; ``str(error)`` is one line for the user."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


_MAX_SHOWN = 60


def _fmt(value: object) -> str:
    """A bad value as the user typed it (strings quoted, so '' is visible), cut to one line."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**_MAX_SHOWN:
        return f"an integer of about {int(value.bit_length() * math.log10(2)) + 1:,} digits"
    shown = repr(value) if isinstance(value, str) else str(value)
    shown = " ".join(shown.split())
    return shown if len(shown) <= _MAX_SHOWN else shown[: _MAX_SHOWN - 3] + "..."


def parse_layers(text: str) -> tuple[int, ...]:
    """Hidden layer sizes from text such as ``"16,16"``; ConfigError says what is wrong."""
    if not isinstance(text, str):
        raise ConfigError("layers", f"{_fmt(text)} is not text; give {_LAYERS_EXAMPLE}")
    if not text.strip():
        raise ConfigError("layers", f"'' is empty; give {_LAYERS_EXAMPLE}")
    sizes = []
    for position, part in enumerate((p.strip() for p in text.split(",")), start=1):
        if not part:
            raise ConfigError(
                "layers",
                f"{_fmt(text)} has an empty size at position {position}; {_LAYERS_EXAMPLE}",
            )
        sizes.append(_layer_size(part, text))
    return _check_layer_sizes(sizes, text)


# Two numbers joined by something other than a comma: "16;16", "16 16", "16x16".
_WRONG_SEPARATOR = re.compile(r"\d\s*([;:/|x\s-])\s*\d")


def _layer_size(part: str, text: str) -> int:
    try:
        return int(part)
    except ValueError:
        pass
    wrong = _WRONG_SEPARATOR.search(part)
    if wrong:
        shown = "a space" if wrong.group(1).isspace() else repr(wrong.group(1))
        raise ConfigError(
            "layers",
            f"{_fmt(text)} uses {shown} between sizes; separate them with commas, e.g. '16,16'",
        )
    try:
        number = float(part)
    except ValueError:
        number = None
    if number is not None and math.isfinite(number) and number > MAX_LAYER_SIZE:
        raise ConfigError(
            "layers",
            f"{_fmt(text)}: {part} neurons is far too many for a scalar engine; {_LAYERS_EXAMPLE}",
        )
    where = "" if part == text.strip() else f"{_fmt(text)}: "
    raise ConfigError("layers", f"{where}{part!r} is not a whole number; {_LAYERS_EXAMPLE}")


def _check_layer_sizes(sizes: list[Any], shown: object) -> tuple[int, ...]:
    if not sizes:
        raise ConfigError("layers", f"{_fmt(shown)} has no hidden layer; give {_LAYERS_EXAMPLE}")
    if len(sizes) > MAX_LAYERS:
        raise ConfigError("layers", f"{len(sizes)} layers is more than the maximum {MAX_LAYERS}")
    for size in sizes:
        if isinstance(size, bool) or not isinstance(size, numbers.Integral):
            raise ConfigError(
                "layers", f"{_fmt(shown)}: {_fmt(size)} is not a whole number; {_LAYERS_EXAMPLE}"
            )
        if size < 1:
            raise ConfigError(
                "layers",
                f"{_fmt(shown)}: a layer needs at least 1 neuron, got {size}; {_LAYERS_EXAMPLE}",
            )
        if size > MAX_LAYER_SIZE:
            raise ConfigError(
                "layers",
                f"{_fmt(shown)}: {size} neurons is more than the maximum "
                f"{MAX_LAYER_SIZE} for a scalar engine; {_LAYERS_EXAMPLE}",
            )
    return tuple(int(s) for s in sizes)


@dataclass
class TrainConfig:
    """One training run: data, network, loss, optimizer, schedule, stopping and size guard.

    ``seed`` seeds everything random: the dataset, the weight initialisation,
    the train/test split and the minibatch draws (independent streams);
    ``init_seed``, when set, seeds the weights alone (new weights, same data).
    ``batch_size`` None or 0 means full batch. ``target_*``/``patience`` None
    means "not used". ``divergence_factor``: a loss above this multiple of the
    first step's loss (or of 1, if larger) counts as diverged, like NaN/inf:
    an exploding loss that stays finite (dead ReLUs) must not pass silently.
    ``final_lr``/``step_size`` None take the schedule's
    defaults (see engine.optim.make_schedule). ``max_nodes`` and ``max_work``
    are the size guard: nodes in one step's graph and parameter-input
    products per step (see engine.size_guard).
    """

    dataset: str = "moons"
    dataset_params: dict[str, Any] = field(default_factory=dict)
    seed: int = 0
    init_seed: int | None = None
    test_fraction: float = 0.2
    layers: tuple[int, ...] = (16, 16)
    activation: str = "relu"
    init: str = "micrograd"
    loss: str = "auto"
    reg: str = "l2"
    reg_strength: float = 1e-4
    optimizer: str = "sgd"
    lr: float = 0.1
    momentum: float = 0.0
    betas: tuple[float, float] = (0.9, 0.999)
    schedule: str = "constant"
    final_lr: float | None = None
    step_size: int | None = None
    gamma: float = 0.5
    batch_size: int | None = None
    steps: int = 100
    target_loss: float | None = None
    target_accuracy: float | None = None
    patience: int | None = None
    divergence_factor: float | None = 1e6
    max_nodes: int = 2_000_000
    max_work: int = 20_000_000

    # ------------------------------------------------------------------ checks

    def validate(self) -> TrainConfig:
        """Check every field; raise ConfigError for the first bad one. Returns self."""
        if not isinstance(self.dataset, str) or not self.dataset.strip():
            raise ConfigError("dataset", f"{_fmt(self.dataset)} is not a dataset id, e.g. 'moons'")
        _check_dataset_params(self.dataset_params)
        _integer("seed", self.seed, 0, MAX_SEED)
        if self.init_seed is not None:
            _integer("init_seed", self.init_seed, 0, MAX_SEED)
        _number(
            "test_fraction",
            self.test_fraction,
            0.0,
            1.0,
            "a number from 0 to below 1",
            upper_open=True,
        )
        layers = self.layers
        if isinstance(layers, str):
            layers = parse_layers(layers)
        elif isinstance(layers, (list, tuple)):
            layers = _check_layer_sizes(list(layers), list(layers))
        else:
            raise ConfigError("layers", f"{_fmt(layers)} is not a list; give {_LAYERS_EXAMPLE}")
        self.layers = layers
        _choice("activation", self.activation, ACTIVATIONS)
        _choice("init", self.init, INITS)
        _choice("loss", self.loss, LOSS_NAMES)
        _choice("reg", self.reg, REGULARIZERS)
        _number("reg_strength", self.reg_strength, 0.0, math.inf, "a finite number >= 0, e.g. 1e-4")
        _choice("optimizer", self.optimizer, OPTIMIZER_NAMES)
        _positive("lr", self.lr, "a finite number > 0, e.g. 0.1")
        _number(
            "momentum",
            self.momentum,
            0.0,
            1.0,
            "a number from 0 to below 1, e.g. 0.9",
            upper_open=True,
        )
        if not isinstance(self.betas, (list, tuple)) or len(self.betas) != 2:
            raise ConfigError("betas", f"{_fmt(self.betas)} is not two numbers, e.g. 0.9,0.999")
        for beta in self.betas:
            _number(
                "betas",
                beta,
                0.0,
                1.0,
                "two numbers from 0 to below 1, e.g. 0.9,0.999",
                upper_open=True,
            )
        self.betas = (float(self.betas[0]), float(self.betas[1]))
        _choice("schedule", self.schedule, SCHEDULES)
        if self.final_lr is not None:
            _number("final_lr", self.final_lr, 0.0, math.inf, "a finite number >= 0, e.g. 0.01")
        if self.step_size is not None:
            _integer("step_size", self.step_size, 1, MAX_STEPS)
        _number("gamma", self.gamma, 0.0, 1.0, "a number in (0, 1], e.g. 0.5", lower_open=True)
        if self.batch_size is not None:
            _integer("batch_size", self.batch_size, 0, 10**9, "0 or empty means full batch")
        _integer("steps", self.steps, 1, MAX_STEPS)
        if self.target_loss is not None:
            _number("target_loss", self.target_loss, -math.inf, math.inf, "a finite number")
        if self.target_accuracy is not None:
            _number(
                "target_accuracy",
                self.target_accuracy,
                0.0,
                1.0,
                "a fraction in (0, 1], e.g. 1.0 for 100%",
                lower_open=True,
            )
        if self.patience is not None:
            _integer("patience", self.patience, 1, MAX_STEPS)
        if self.divergence_factor is not None:
            _number(
                "divergence_factor",
                self.divergence_factor,
                1.0,
                math.inf,
                "a number > 1, e.g. 1e6 (or none: only NaN/inf count)",
                lower_open=True,
            )
        _integer("max_nodes", self.max_nodes, 1, 10**12)
        _integer("max_work", self.max_work, 1, 10**15)
        return self

    @property
    def weight_seed(self) -> int:
        """The seed of the weight initialisation."""
        return self.seed if self.init_seed is None else self.init_seed

    @property
    def full_batch(self) -> bool:
        """True when every training sample is used in every step."""
        return not self.batch_size

    # ------------------------------------------------------------------ JSON

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (lists, not tuples)."""
        d = dataclasses.asdict(self)
        d["layers"] = list(self.layers) if not isinstance(self.layers, str) else self.layers
        d["betas"] = list(self.betas)
        d["dataset_params"] = dict(self.dataset_params)
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, validate: bool = True) -> TrainConfig:
        """Build from ``to_dict()`` output (or a subset: missing fields take defaults).

        Unknown keys raise ConfigError naming the key and the closest known one.
        """
        if not isinstance(data, dict):
            raise ConfigError("config", f"expected a JSON object of settings, got {_kind(data)}")
        known = [f.name for f in dataclasses.fields(cls)]
        for key in data:
            if key not in known:
                close = difflib.get_close_matches(str(key), known, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(known)}"
                raise ConfigError(str(key), f"unknown setting{hint}")
        values = dict(data)
        if isinstance(values.get("layers"), list):
            values["layers"] = tuple(values["layers"])
        if isinstance(values.get("betas"), list):
            values["betas"] = tuple(values["betas"])
        config = cls(**values)
        return config.validate() if validate else config

    def to_json(self) -> str:
        """The config as indented JSON text."""
        return json.dumps(self.to_dict(), indent=2, allow_nan=False)

    @classmethod
    def from_json(cls, text: str) -> TrainConfig:
        """Parse and validate JSON text; ConfigError for bad JSON as well as bad values.

        Through engine.jsonfile: deep nesting, NaN and huge integers are refused
        in one line, never a RecursionError or OverflowError.
        """
        data = parse_json(text, "the text", lambda message: ConfigError("config", message))
        return cls.from_dict(data)

    def replace(self, **changes: Any) -> TrainConfig:
        """A validated copy with some fields changed."""
        return dataclasses.replace(self, **changes).validate()


# ---------------------------------------------------------------------- field checks


def _kind(value: object) -> str:
    return {dict: "an object", list: "a list", str: "text"}.get(type(value), type(value).__name__)


def _choice(name: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        close = (
            difflib.get_close_matches(str(value), allowed, n=1) if isinstance(value, str) else []
        )
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ConfigError(
            name, f"{_fmt(value)} is not allowed{hint}; choose one of {', '.join(allowed)}"
        )


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _number(
    name: str,
    value: object,
    low: float,
    high: float,
    allowed: str,
    *,
    lower_open: bool = False,
    upper_open: bool = False,
) -> None:
    if not _is_number(value) or not _finite(value):
        raise ConfigError(name, f"{_fmt(value)} is not allowed; {allowed}")
    too_low = value <= low if lower_open else value < low
    too_high = value >= high if upper_open else value > high
    if too_low or too_high:
        raise ConfigError(name, f"{_fmt(value)} is not allowed; {allowed}")


def _finite(value: numbers.Real) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an int beyond float range
        return False


def _positive(name: str, value: object, allowed: str) -> None:
    _number(name, value, 0.0, math.inf, allowed, lower_open=True)


def _integer(name: str, value: object, low: int, high: int, note: str = "") -> None:
    allowed = f"a whole number from {low} to {high}" + (f" ({note})" if note else "")
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ConfigError(name, f"{_fmt(value)} is not allowed; {allowed}")
    if not low <= value <= high:
        raise ConfigError(name, f"{_fmt(value)} is not allowed; {allowed}")


def _check_dataset_params(params: object) -> None:
    if not isinstance(params, dict):
        raise ConfigError("dataset_params", f"{_fmt(params)} is not an object of KEY: value")
    for key, value in params.items():
        if not isinstance(key, str) or not key:
            raise ConfigError("dataset_params", f"parameter name {_fmt(key)} is not text")
        if value is not None and not isinstance(value, (str, bool, int, float)):
            raise ConfigError(
                "dataset_params", f"{key}={_fmt(value)} is not a number, text or true/false"
            )
