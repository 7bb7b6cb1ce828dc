"""What a model file may hold, and the one line that says what is wrong with it.

Each refusal is checked whole (the message is what the user reads); the
defaults a hand-written or older file may leave out are checked by loading one.
"""

from __future__ import annotations

import copy
import json
import random
import re

import pytest

from engine.modelio import (
    ModelFileError,
    load_model,
    load_model_file,
    model_file_from_dict,
    model_to_dict,
    save_model,
)
from engine.nn import MLP
from engine.preprocessing import Preprocessor


def good() -> dict:
    return model_to_dict(MLP(2, [3, 1], seed=3), {"lr": 0.1})


def changed(path: tuple, value) -> dict:
    d = copy.deepcopy(good())
    target = d
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return d


def refused(d: object, message: str) -> None:
    with pytest.raises(ModelFileError, match=f"^{re.escape(message)}$"):
        model_file_from_dict(d)


@pytest.mark.parametrize(
    ("d", "message"),
    [
        (
            changed(("architecture",), [2, 3]),
            "'architecture' must be an object with nin, nouts and activation",
        ),
        (
            changed(("architecture", "nin"), 0),
            "architecture 'nin' must be a positive integer, got 0",
        ),
        (
            changed(("architecture", "nin"), True),
            "architecture 'nin' must be a positive integer, got True",
        ),
        (
            changed(("architecture", "nin"), "2"),
            "architecture 'nin' must be a positive integer, got '2'",
        ),
        (
            changed(("architecture", "nouts"), []),
            "architecture 'nouts' must be a non-empty list of positive integers, got []",
        ),
        (
            changed(("architecture", "activation"), "gelu"),
            "unknown activation 'gelu'; this version knows relu, tanh, sigmoid, linear",
        ),
        (changed(("format",), "other"), "not a microgui model file (format is 'other')"),
        (
            changed(("format_version",), True),
            "'format_version' must be a positive integer, got True",
        ),
        (changed(("format_version",), 0), "'format_version' must be a positive integer, got 0"),
        (
            changed(("parameters",), [0.5]),
            "'parameters' must be an object mapping parameter names to numbers",
        ),
        (changed(("config",), "lr=0.1"), "'config' must be an object or null"),
        (
            # 2 inputs' weights in a file that says 3: counted before building the model
            changed(("architecture", "nin"), 3),
            "wrong shape: layers.0.neurons.0 has 2 weights, expected 3 (the size of its input)",
        ),
        (
            changed(("parameters", "layers.0.neurons.1.w.0"), 10**400),
            "parameter layers.0.neurons.1.w.0 is inf (an integer of 401 digits); "
            "a model file needs finite weights",
        ),
        (
            changed(("parameters", "layers.1.neurons.0.b"), -(10**400)),
            "parameter layers.1.neurons.0.b is -inf (an integer of 402 digits); "
            "a model file needs finite weights",
        ),
    ],
)
def test_each_refusal_is_one_whole_line(d, message):
    refused(d, message)


def test_a_one_input_network_loads():
    model = MLP(1, [4, 1], seed=5)
    loaded = model_file_from_dict(model_to_dict(model)).model
    assert loaded.nin == 1
    assert dict(loaded.named_parameters()).keys() == dict(model.named_parameters()).keys()
    assert [p.data for p in loaded.parameters()] == [p.data for p in model.parameters()]


def test_a_file_without_activation_or_init_is_a_relu_network_from_micrograds_init():
    d = good()
    del d["architecture"]["activation"], d["architecture"]["init"]
    model = model_file_from_dict(d).model
    assert (model.activation, model.init) == ("relu", "micrograd")


def test_an_unknown_init_is_only_a_record_and_reads_as_micrograd():
    model = model_file_from_dict(changed(("architecture", "init"), "orthogonal")).model
    assert model.init == "micrograd"
    assert [p.data for p in model.parameters()] == list(good()["parameters"].values())


def test_loading_a_model_does_not_draw_from_pythons_global_random():
    d = good()
    random.seed(99)
    expected = [random.random() for _ in range(3)]
    random.seed(99)
    model_file_from_dict(d)
    assert [random.random() for _ in range(3)] == expected


def test_a_preprocessing_that_does_not_fit_the_model_is_not_written(tmp_path):
    message = "the preprocessing gives 3 inputs but the model takes 2"
    with pytest.raises(ModelFileError, match=f"^{re.escape(message)}$"):
        model_to_dict(MLP(2, [3, 1], seed=0), None, Preprocessor.identity(3))


def test_the_saved_file_has_one_line_per_weight(tmp_path):
    model = MLP(2, [3, 1], seed=0)
    path = tmp_path / "m.json"
    save_model(model, path)
    lines = path.read_text().splitlines()
    for name in dict(model.named_parameters()):
        assert sum(1 for line in lines if line.strip().startswith(f'"{name}": ')) == 1
    assert json.loads(path.read_text())["parameters"]["layers.1.neurons.0.b"] == 0.0


def test_a_nan_in_the_config_is_refused_and_nothing_is_written(tmp_path):
    path = tmp_path / "m.json"
    with pytest.raises(ModelFileError, match=r"^the config cannot be written as JSON: .*nan"):
        save_model(MLP(2, [3, 1], seed=0), path, {"lr": float("nan")})
    assert not path.exists()


def test_saving_over_a_folder_names_the_model_and_the_path(tmp_path):
    folder = tmp_path / "models"
    folder.mkdir()
    message = f"cannot save the model to {folder}: is a folder; give a file name"
    with pytest.raises(ModelFileError, match=f"^{re.escape(message)}$"):
        save_model(MLP(2, [3, 1], seed=0), folder)


def test_load_model_keeps_the_size_limit_it_is_given(tmp_path):
    path = tmp_path / "m.json"
    save_model(MLP(2, [3, 1], seed=0), path)
    size = path.stat().st_size
    said = f"{path} is {size:,} bytes, over the 10-byte limit for a model file; "
    with pytest.raises(ModelFileError, match=f"^{re.escape(said)}"):
        load_model(path, max_bytes=10)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_text(""), "{p} is empty; it is not a model file"),
        (lambda p: p.mkdir(), "{p} is a folder, not a model file"),
        (lambda p: None, "model file not found: {p}"),
    ],
)
def test_an_unreadable_file_is_named_as_a_model_file(tmp_path, make, message):
    path = tmp_path / "m.json"
    make(path)
    with pytest.raises(ModelFileError, match=f"^{re.escape(message.format(p=path))}$"):
        load_model_file(path)
