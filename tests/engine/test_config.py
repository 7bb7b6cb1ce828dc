"""TrainConfig: validation names the field, the bad value and what is allowed; JSON round trip."""

from __future__ import annotations

import json
import math

import pytest

from engine.config import (
    LOSS_NAMES,
    MAX_LAYER_SIZE,
    OPTIMIZER_NAMES,
    REGULARIZERS,
    ConfigError,
    TrainConfig,
    parse_layers,
)
from engine.losses import LOSSES
from engine.nn import ACTIVATIONS, INITS
from engine.optim import OPTIMIZERS, SCHEDULES

# ---------------------------------------------------------------------- parse_layers


@pytest.mark.parametrize(
    ("text", "sizes"),
    [("16,16", (16, 16)), ("8", (8,)), (" 4 , 2 ", (4, 2)), ("1,2,3,4", (1, 2, 3, 4))],
)
def test_parse_layers_accepts_comma_separated_sizes(text, sizes):
    assert parse_layers(text) == sizes


@pytest.mark.parametrize(
    ("text", "must_say"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("abc", "'abc' is not a whole number"),
        ("16,,16", "empty size at position 2"),
        ("16,", "empty size at position 2"),
        ("0", "at least 1 neuron, got 0"),
        ("-4", "at least 1 neuron, got -4"),
        ("1e9", "far too many"),
        (str(MAX_LAYER_SIZE + 1), f"maximum {MAX_LAYER_SIZE}"),
        ("16;16", "uses ';' between sizes"),
        ("16 16", "uses a space between sizes"),
        ("16x16", "uses 'x' between sizes"),
        ("4.5", "'4.5' is not a whole number"),
    ],
)
def test_parse_layers_explains_each_mistake(text, must_say):
    with pytest.raises(ConfigError) as info:
        parse_layers(text)
    message = str(info.value)
    assert info.value.field == "layers"
    assert message.startswith("layers: ")
    assert must_say in message
    assert "\n" not in message
    # Every message shows how to write it right.
    assert "16,16" in message or "maximum" in message


def test_parse_layers_rejects_non_text():
    with pytest.raises(ConfigError, match="layers"):
        parse_layers(16)  # type: ignore[arg-type]


# ---------------------------------------------------------------------- validate


def test_defaults_are_valid_and_allowed_names_come_from_the_engine():
    TrainConfig().validate()
    assert set(LOSS_NAMES) == {"auto", *LOSSES}
    assert set(OPTIMIZER_NAMES) == set(OPTIMIZERS)
    assert REGULARIZERS == ("none", "l1", "l2")


_BAD_VALUES = [
    # (field, bad value, text the message must contain besides field and value)
    ("dataset", "", "dataset id"),
    ("dataset_params", [1], "KEY"),
    ("dataset_params", {"noise": [1, 2]}, "number, text or true/false"),
    ("seed", -1, "whole number from 0"),
    ("seed", 2**32, "whole number from 0"),
    ("seed", 1.5, "whole number"),
    ("init_seed", -3, "whole number from 0"),
    ("test_fraction", 1.0, "below 1"),
    ("test_fraction", -0.1, "from 0"),
    ("test_fraction", math.nan, "from 0"),
    ("layers", "abc", "whole number"),
    ("layers", (0, 4), "at least 1 neuron"),
    ("layers", (), "no hidden layer"),
    ("layers", 16, "not a list"),
    ("activation", "gelu", ", ".join(ACTIVATIONS)),
    ("init", "zeros", ", ".join(INITS)),
    ("loss", "hing", "did you mean 'hinge'"),
    ("loss", "crossentropy", ", ".join(LOSS_NAMES)),
    ("reg", "l3", "none, l1, l2"),
    ("reg_strength", -1e-4, ">= 0"),
    ("reg_strength", math.inf, ">= 0"),
    ("optimizer", "rmsprop", ", ".join(OPTIMIZER_NAMES)),
    ("lr", 0, "> 0"),
    ("lr", -1, "> 0"),
    ("lr", "abc", "> 0"),
    ("lr", math.nan, "> 0"),
    ("lr", math.inf, "> 0"),
    ("lr", True, "> 0"),
    ("momentum", 1.0, "below 1"),
    ("momentum", -0.5, "from 0"),
    ("betas", (0.9,), "two numbers"),
    ("betas", (0.9, 1.0), "below 1"),
    ("schedule", "exponential", ", ".join(SCHEDULES)),
    ("final_lr", -0.1, ">= 0"),
    ("step_size", 0, "whole number from 1"),
    ("gamma", 0.0, "(0, 1]"),
    ("gamma", 1.5, "(0, 1]"),
    ("batch_size", -1, "full batch"),
    ("batch_size", 2.5, "whole number"),
    ("steps", 0, "whole number from 1"),
    ("steps", "100", "whole number"),
    ("target_loss", math.nan, "finite number"),
    ("target_accuracy", 0.0, "(0, 1]"),
    ("target_accuracy", 100, "(0, 1]"),
    ("patience", 0, "whole number from 1"),
    ("divergence_factor", 1.0, "> 1"),
    ("max_nodes", 0, "whole number from 1"),
    ("max_work", -5, "whole number from 1"),
]


@pytest.mark.parametrize(("field", "value", "allowed"), _BAD_VALUES)
def test_validate_names_field_value_and_allowed_values(field, value, allowed):
    config = TrainConfig(**{field: value})
    with pytest.raises(ConfigError) as info:
        config.validate()
    assert info.value.field == field
    message = str(info.value)
    assert message.startswith(f"{field}: ")
    assert allowed in message
    shown = repr(value) if isinstance(value, str) else str(value)
    if field not in ("dataset_params", "layers", "betas"):
        assert shown in message


def test_every_field_has_a_bad_value_case():
    fields = {f for f, _, _ in _BAD_VALUES}
    assert fields == set(TrainConfig().to_dict())


@pytest.mark.parametrize(
    "changes",
    [
        {"batch_size": 0},
        {"batch_size": None},
        {"target_accuracy": 1.0, "target_loss": 0.0, "patience": 5},
        {"divergence_factor": None},
        {"final_lr": 0.0, "schedule": "linear"},
        {"optimizer": "adam", "betas": [0.8, 0.99]},
        {"layers": "8,4"},
        {"layers": [8, 4]},
    ],
)
def test_valid_edge_values_pass(changes):
    config = TrainConfig(**changes).validate()
    assert isinstance(config.layers, tuple)
    assert isinstance(config.betas, tuple)


def test_weight_seed_and_full_batch():
    assert TrainConfig(seed=5).weight_seed == 5
    assert TrainConfig(seed=5, init_seed=9).weight_seed == 9
    assert TrainConfig(batch_size=None).full_batch
    assert TrainConfig(batch_size=0).full_batch
    assert not TrainConfig(batch_size=8).full_batch


# ---------------------------------------------------------------------- JSON


def _unusual_config() -> TrainConfig:
    return TrainConfig(
        dataset="blobs",
        dataset_params={"k": 3, "noise": 0.25, "flag": True, "path": "a.csv"},
        seed=42,
        init_seed=7,
        test_fraction=0.3,
        layers=(8, 4, 2),
        activation="tanh",
        init="xavier",
        loss="softmax_ce",
        reg="l1",
        reg_strength=0.003,
        optimizer="adam",
        lr=0.0123456789,
        momentum=0.5,
        betas=(0.8, 0.95),
        schedule="step",
        final_lr=0.001,
        step_size=7,
        gamma=0.25,
        batch_size=16,
        steps=321,
        target_loss=0.05,
        target_accuracy=0.99,
        patience=12,
        divergence_factor=1e9,
        max_nodes=12345,
        max_work=67890,
    ).validate()


@pytest.mark.parametrize("config", [TrainConfig().validate(), _unusual_config()])
def test_json_round_trip_is_exact(config):
    text = config.to_json()
    assert json.loads(text) == config.to_dict()
    again = TrainConfig.from_json(text)
    assert again == config
    assert again.to_dict() == config.to_dict()


def test_from_dict_fills_missing_fields_with_defaults():
    config = TrainConfig.from_dict({"lr": 0.5, "layers": [4]})
    assert config.lr == 0.5
    assert config.layers == (4,)
    assert config.steps == TrainConfig().steps


def test_from_dict_refuses_unknown_keys_with_a_suggestion():
    with pytest.raises(ConfigError) as info:
        TrainConfig.from_dict({"learning_rate": 0.1})
    assert info.value.field == "learning_rate"
    assert "unknown setting" in str(info.value)
    with pytest.raises(ConfigError, match="did you mean 'layers'"):
        TrainConfig.from_dict({"layer": [4]})


def test_from_dict_validates_values():
    with pytest.raises(ConfigError, match="lr: -2"):
        TrainConfig.from_dict({"lr": -2})
    with pytest.raises(ConfigError, match="config: expected a JSON object"):
        TrainConfig.from_dict([1, 2])  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["{", "", "[1,", '{"lr": }'])
def test_from_json_reports_bad_json_as_config_error(text):
    with pytest.raises(ConfigError) as info:
        TrainConfig.from_json(text)
    assert info.value.field == "config"
    assert "not valid JSON" in str(info.value)
    assert "line" in str(info.value)


def test_to_json_refuses_non_finite_numbers():
    config = TrainConfig(target_loss=math.inf)  # invalid, and not strict JSON either
    with pytest.raises(ValueError):
        config.to_json()


def test_replace_returns_a_validated_copy():
    config = TrainConfig()
    changed = config.replace(lr=0.5)
    assert changed.lr == 0.5
    assert config.lr == TrainConfig().lr
    with pytest.raises(ConfigError, match="lr"):
        config.replace(lr=0)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[" * 100_000 + "]" * 100_000, "nests 100,000 levels deep"),
        ('{"lr": NaN}', "NaN is not a valid JSON number"),
        ('{"lr": 1' + "0" * 400 + "}", "lr: inf is not allowed"),
    ],
    ids=["deep", "NaN", "huge integer"],
)
def test_from_json_refuses_hostile_text_in_one_line(text, says):
    with pytest.raises(ConfigError, match=says) as caught:
        TrainConfig.from_json(text)
    assert "\n" not in str(caught.value)
