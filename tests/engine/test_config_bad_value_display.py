"""How a ConfigError shows a bad value: huge integers, whitespace, long text; from_dict hints."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from engine.config import ConfigError, TrainConfig


def message(**fields: object) -> str:
    with pytest.raises(ConfigError) as caught:
        TrainConfig(**fields).validate()  # type: ignore[arg-type]
    assert str(caught.value) == f"{caught.value.field}: {caught.value.message}"
    return str(caught.value)


def test_an_integer_of_sixty_one_digits_is_still_shown_cut():
    shown = message(seed=10**60)
    assert shown.startswith("seed: " + "1" + "0" * 56 + "... ")


def test_a_larger_integer_is_described_by_its_number_of_digits():
    assert message(seed=10**61).startswith("seed: an integer of about 62 digits ")
    assert message(seed=-(10**1000)).startswith("seed: an integer of about 1,001 digits ")


def test_a_number_is_shown_as_printed_not_as_its_repr():
    assert message(lr=np.float64(-1.5)).startswith("lr: -1.5 is not allowed")


def test_whitespace_in_a_value_is_kept_as_one_space():
    assert message(activation="re  lu").startswith("activation: 're lu' is not allowed")


def test_a_value_of_exactly_sixty_characters_is_shown_whole():
    value = "x" * 58  # quoted: 60 characters
    assert message(activation=value).startswith(f"activation: {value!r} is not allowed")


def test_a_longer_value_is_cut_to_sixty_characters():
    shown = message(activation="x" * 100)
    assert shown.startswith("activation: '" + "x" * 56 + "... is not allowed")


def test_an_unknown_key_with_no_close_name_lists_the_known_ones():
    with pytest.raises(ConfigError) as caught:
        TrainConfig.from_dict({"zzzzzzzz": 1})
    known = ", ".join(f.name for f in dataclasses.fields(TrainConfig))
    assert str(caught.value) == f"zzzzzzzz: unknown setting; known: {known}"


def test_from_dict_without_validation_keeps_a_bad_value():
    assert TrainConfig.from_dict({"lr": -1}, validate=False).lr == -1


def test_a_name_with_no_close_match_gets_no_hint_only_the_choices():
    assert message(reg="l3") == "reg: 'l3' is not allowed; choose one of none, l1, l2"


def test_a_value_that_is_not_text_gets_no_spelling_hint():
    # The number 1 reads as "1", one letter short of 'l1', but a number is not a
    # misspelt name (reg=1 is more likely a strength meant for reg_strength).
    assert message(reg=1) == "reg: 1 is not allowed; choose one of none, l1, l2"
