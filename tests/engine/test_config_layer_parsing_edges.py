"""parse_layers and TrainConfig JSON: the whole one-line messages a user sees, and the layout."""

from __future__ import annotations

import json

import pytest

from engine.config import ConfigError, TrainConfig, parse_layers

EXAMPLE = "comma-separated neuron counts from 1 to 4096, e.g. '16,16'"


def layers_error(text: object) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        parse_layers(text)  # type: ignore[arg-type]
    assert caught.value.field == "layers"
    return caught.value


def test_layers_that_are_not_text_are_named_as_given():
    error = layers_error(5)
    assert str(error) == f"layers: 5 is not text; give {EXAMPLE}"


def test_an_empty_size_names_the_whole_text_and_its_position():
    error = layers_error("16,,8")
    assert str(error) == f"layers: '16,,8' has an empty size at position 2; {EXAMPLE}"


def test_a_size_below_one_quotes_the_text_the_user_typed():
    error = layers_error("0")
    assert str(error) == f"layers: '0': a layer needs at least 1 neuron, got 0; {EXAMPLE}"


def test_a_wrong_separator_quotes_the_whole_text():
    error = layers_error("16;16")
    assert str(error) == (
        "layers: '16;16' uses ';' between sizes; separate them with commas, e.g. '16,16'"
    )


def test_too_many_neurons_quotes_the_text_and_the_size():
    error = layers_error("8,1e9")
    assert str(error) == (
        f"layers: '8,1e9': 1e9 neurons is far too many for a scalar engine; {EXAMPLE}"
    )


def test_the_largest_size_written_as_a_float_is_not_called_too_many():
    """4096.0 is not more than the maximum: the fault is that it is not a whole number."""
    error = layers_error("4096.0")
    assert str(error) == f"layers: '4096.0' is not a whole number; {EXAMPLE}"


def test_a_lone_word_is_quoted_once():
    assert str(layers_error("abc")) == f"layers: 'abc' is not a whole number; {EXAMPLE}"
    assert str(layers_error(" abc ")) == f"layers: 'abc' is not a whole number; {EXAMPLE}"


def test_a_word_among_sizes_is_shown_with_the_whole_text():
    error = layers_error("8,abc")
    assert str(error) == f"layers: '8,abc': 'abc' is not a whole number; {EXAMPLE}"


def test_to_json_is_indented_by_two_spaces():
    text = TrainConfig().to_json()
    lines = text.splitlines()
    assert lines[0] == "{"
    assert lines[1] == '  "dataset": "moons",'
    assert text == json.dumps(json.loads(text), indent=2)
    assert TrainConfig.from_json(text) == TrainConfig().validate()


def test_bad_json_text_is_called_the_text():
    with pytest.raises(ConfigError) as caught:
        TrainConfig.from_json("{")
    assert caught.value.field == "config"
    assert str(caught.value).startswith(
        "config: the text is not valid JSON (truncated or corrupt?): "
    )


@pytest.mark.parametrize(
    ("text", "kind"),
    [("[1]", "a list"), ('"moons"', "text"), ("3", "int"), ("null", "NoneType")],
)
def test_json_that_is_not_an_object_says_what_it_is(text, kind):
    with pytest.raises(ConfigError) as caught:
        TrainConfig.from_json(text)
    assert str(caught.value) == f"config: expected a JSON object of settings, got {kind}"


def test_to_json_refuses_a_nan_setting_instead_of_writing_invalid_json():
    with pytest.raises(ValueError, match="not JSON compliant"):
        TrainConfig(lr=float("nan")).to_json()
