"""TrainConfig.validate: the exact text of each refusal, and the inclusive upper limits."""

from __future__ import annotations

import math

import pytest

from engine.config import ConfigError, TrainConfig

SIZES = "comma-separated neuron counts from 1 to 4096, e.g. '16,16'"


def refusal(**fields: object) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        TrainConfig(**fields).validate()  # type: ignore[arg-type]
    return caught.value


def test_dataset_params_that_are_not_an_object_are_shown():
    error = refusal(dataset_params=[1, 2])
    assert str(error) == "dataset_params: [1, 2] is not an object of KEY: value"


@pytest.mark.parametrize(
    ("params", "shown"), [({"": 1}, "''"), ({3: "a"}, "3")], ids=["empty name", "number"]
)
def test_a_dataset_parameter_name_must_be_non_empty_text(params, shown):
    assert str(refusal(dataset_params=params)) == (
        f"dataset_params: parameter name {shown} is not text"
    )


def test_a_dataset_parameter_value_of_another_kind_is_shown_with_its_name():
    assert str(refusal(dataset_params={"noise": [1, 2]})) == (
        "dataset_params: noise=[1, 2] is not a number, text or true/false"
    )


@pytest.mark.parametrize(
    ("fields", "text"),
    [
        ({"test_fraction": 1.0}, "test_fraction: 1.0 is not allowed; a number from 0 to below 1"),
        ({"reg_strength": -1}, "reg_strength: -1 is not allowed; a finite number >= 0, e.g. 1e-4"),
        ({"lr": -1}, "lr: -1 is not allowed; a finite number > 0, e.g. 0.1"),
        ({"momentum": 1.0}, "momentum: 1.0 is not allowed; a number from 0 to below 1, e.g. 0.9"),
        ({"betas": (0.9,)}, "betas: (0.9,) is not two numbers, e.g. 0.9,0.999"),
        (
            {"betas": (0.9, 1.0)},
            "betas: 1.0 is not allowed; two numbers from 0 to below 1, e.g. 0.9,0.999",
        ),
        ({"layers": 16}, f"layers: 16 is not a list; give {SIZES}"),
        ({"final_lr": -0.1}, "final_lr: -0.1 is not allowed; a finite number >= 0, e.g. 0.01"),
        ({"gamma": 0.0}, "gamma: 0.0 is not allowed; a number in (0, 1], e.g. 0.5"),
        ({"target_loss": math.nan}, "target_loss: nan is not allowed; a finite number"),
        (
            {"target_accuracy": 1.5},
            "target_accuracy: 1.5 is not allowed; a fraction in (0, 1], e.g. 1.0 for 100%",
        ),
        (
            {"divergence_factor": 1.0},
            "divergence_factor: 1.0 is not allowed; a number > 1, e.g. 1e6 "
            "(or none: only NaN/inf count)",
        ),
    ],
    ids=[
        "test_fraction",
        "reg_strength",
        "lr",
        "momentum",
        "one beta",
        "beta 1",
        "layers",
        "final_lr",
        "gamma",
        "target_loss",
        "target_accuracy",
        "divergence_factor",
    ],
)
def test_a_refusal_shows_the_value_and_what_is_allowed(fields, text):
    assert str(refusal(**fields)) == text


def test_an_empty_layer_list_has_no_hidden_layer():
    assert str(refusal(layers=[])) == f"layers: [] has no hidden layer; give {SIZES}"


def test_sixty_four_layers_pass_and_sixty_five_are_refused():
    assert TrainConfig(layers=[1] * 64).validate().layers == (1,) * 64
    error = refusal(layers=[1] * 65)
    assert error.field == "layers"
    assert str(error) == "layers: 65 layers is more than the maximum 64"


def test_a_fractional_layer_size_is_refused_not_rounded():
    error = refusal(layers=[16, 2.5])
    assert error.field == "layers"
    assert str(error) == f"layers: [16, 2.5]: 2.5 is not a whole number; {SIZES}"


def test_a_layer_above_the_maximum_shows_the_text_it_came_from():
    assert str(refusal(layers="16,5000")) == (
        f"layers: '16,5000': 5000 neurons is more than the maximum 4096 for a scalar engine; "
        f"{SIZES}"
    )


def test_an_integer_too_large_for_a_float_is_not_finite():
    # math.isfinite(10**400) raises OverflowError: such a number is no finite rate.
    assert str(refusal(lr=10**400)) == (
        "lr: an integer of about 401 digits is not allowed; a finite number > 0, e.g. 0.1"
    )


def test_a_whole_number_refusal_without_a_note_ends_at_the_range():
    assert str(refusal(steps=0)) == "steps: 0 is not allowed; a whole number from 1 to 100000000"


def test_a_whole_number_refusal_with_a_note_adds_it_in_brackets():
    assert str(refusal(batch_size=-1)) == (
        "batch_size: -1 is not allowed; a whole number from 0 to 1000000000 "
        "(0 or empty means full batch)"
    )


@pytest.mark.parametrize(
    ("field", "top"),
    [
        ("seed", 2**32 - 1),
        ("steps", 100_000_000),
        ("batch_size", 10**9),
        ("max_nodes", 10**12),
        ("max_work", 10**15),
    ],
)
def test_whole_number_ranges_include_their_upper_end(field, top):
    assert getattr(TrainConfig(**{field: top}).validate(), field) == top
    error = refusal(**{field: top + 1})
    assert error.field == field
    assert str(error).startswith(f"{field}: {top + 1} is not allowed; a whole number from ")
    assert f" to {top}" in str(error)


def test_full_accuracy_and_a_divergence_factor_above_1_pass():
    config = TrainConfig(target_accuracy=1.0, divergence_factor=1.5).validate()
    assert (config.target_accuracy, config.divergence_factor) == (1.0, 1.5)
