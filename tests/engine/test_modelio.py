"""engine.modelio: JSON model files, round trips and every kind of bad file."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from sklearn.datasets import make_moons

from engine.config import TrainConfig
from engine.fast import mlp_forward_numpy
from engine.modelio import (
    FORMAT_VERSION,
    ModelFileError,
    load_model,
    model_from_dict,
    model_to_dict,
    save_model,
)
from engine.nn import MLP
from engine.train import Trainer

CONFIG = {"dataset": "moons", "lr": 1.0, "layers": [16, 16, 1]}


def saved(tmp_path, model=None, config=CONFIG):
    model = model or MLP(2, [4, 3, 1], activation="tanh", init="xavier", seed=7)
    path = tmp_path / "model.json"
    save_model(model, path, config)
    return model, path


def test_round_trip_restores_architecture_weights_and_config(tmp_path):
    model, path = saved(tmp_path)
    loaded, config = load_model(path)
    assert config == CONFIG
    assert (loaded.nin, loaded.nouts, loaded.activation, loaded.init) == (
        2,
        [4, 3, 1],
        "tanh",
        "xavier",
    )
    assert [(n, p.data) for n, p in loaded.named_parameters()] == [
        (n, p.data) for n, p in model.named_parameters()
    ]
    assert loaded([0.3, -0.2]).data == model([0.3, -0.2]).data


def test_a_trained_model_round_trips_every_weight_including_the_output_bias(tmp_path):
    # An untrained model's biases are all 0, so a load that skipped one would go unseen.
    X, y = make_moons(n_samples=40, noise=0.1, random_state=0)
    trainer = Trainer(TrainConfig(layers=(4, 3), steps=40, lr=0.2), X, y.astype(float), "binary")
    while not trainer.finished:
        trainer.step()
    model = trainer.model
    named = model.named_parameters()
    assert named[-1][0] == "layers.2.neurons.0.b" and named[-1][1].data != 0.0
    assert all(p.data != 0.0 for _, p in named)
    _, path = saved(tmp_path, model)
    loaded, _ = load_model(path)
    assert [(n, p.data) for n, p in loaded.named_parameters()] == [(n, p.data) for n, p in named]
    np.testing.assert_array_equal(mlp_forward_numpy(loaded, X), mlp_forward_numpy(model, X))


def test_file_is_plain_json_with_named_weights_and_no_temp_files_left(tmp_path):
    model, path = saved(tmp_path)
    d = json.loads(path.read_text(encoding="utf-8"))
    assert d["format_version"] == FORMAT_VERSION
    assert d["architecture"]["nouts"] == [4, 3, 1]
    assert list(d["parameters"]) == [n for n, _ in model.named_parameters()]
    assert [p.name for p in tmp_path.iterdir()] == ["model.json"]
    save_model(model, path)  # overwrite in place
    assert load_model(path)[1] is None


def test_dict_round_trip_without_a_file():
    model = MLP(3, [2, 2], seed=1)
    assert model_from_dict(model_to_dict(model)).parameters()[0].data == model.parameters()[0].data


def write(tmp_path, text):
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    return path


def good_dict():
    return model_to_dict(MLP(2, [3, 1], seed=3), CONFIG)


def corrupt(**changes):
    d = good_dict()
    for key, value in changes.items():
        d[key] = value
    return json.dumps(d)


def test_truncated_file(tmp_path):
    text = json.dumps(good_dict())
    with pytest.raises(ModelFileError, match=r"not valid JSON \(truncated or corrupt\?\)"):
        load_model(write(tmp_path, text[: len(text) // 2]))


def test_not_json(tmp_path):
    with pytest.raises(ModelFileError, match="not valid JSON"):
        load_model(write(tmp_path, "layers: 16, 16, 1\n"))


def test_binary_and_empty_and_missing_files(tmp_path):
    path = tmp_path / "pickle.bin"
    path.write_bytes(b"\x80\x04\x95\xff\xfe")
    with pytest.raises(ModelFileError, match="not a text"):
        load_model(path)
    with pytest.raises(ModelFileError, match="is empty"):
        load_model(write(tmp_path, "  \n"))
    with pytest.raises(ModelFileError, match="not found"):
        load_model(tmp_path / "nope.json")


def test_not_a_model_object(tmp_path):
    with pytest.raises(ModelFileError, match="must hold a JSON object, found list"):
        load_model(write(tmp_path, "[1, 2, 3]"))
    with pytest.raises(ModelFileError, match="not a microgui model file"):
        load_model(write(tmp_path, corrupt(format="keras")))


def test_future_version(tmp_path):
    with pytest.raises(ModelFileError, match=r"format version 2, newer .* upgrade microgui"):
        load_model(write(tmp_path, corrupt(format_version=FORMAT_VERSION + 1)))


def test_wrong_shape(tmp_path):
    d = good_dict()
    d["architecture"]["nin"] = 3  # the weights are for 2 inputs
    with pytest.raises(ModelFileError, match=r"wrong shape: layers.0.neurons.0 has 2 weights"):
        load_model(write(tmp_path, json.dumps(d)))
    d = good_dict()
    d["architecture"]["nouts"] = [4, 1]
    with pytest.raises(ModelFileError, match="wrong shape: layer 0 has 3 neurons"):
        load_model(write(tmp_path, json.dumps(d)))


def test_layer_count_mismatch(tmp_path):
    d = good_dict()
    d["architecture"]["nouts"] = [3, 1, 1]
    with pytest.raises(ModelFileError, match=r"layer-count mismatch: .* 2 layers .* lists 3"):
        load_model(write(tmp_path, json.dumps(d)))


def test_nan_and_infinite_weights(tmp_path):
    d = good_dict()
    d["parameters"]["layers.1.neurons.0.w.2"] = math.nan
    with pytest.raises(ModelFileError, match=r"layers\.1\.neurons\.0\.w\.2 is nan; .* finite"):
        load_model(write(tmp_path, json.dumps(d)))
    text = json.dumps(good_dict()).replace(
        '"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": 1e999'
    )
    with pytest.raises(ModelFileError, match=r"layers\.0\.neurons\.0\.b is inf"):
        load_model(write(tmp_path, text))


def test_bad_architecture_and_parameter_values(tmp_path):
    d = good_dict()
    d["architecture"]["activation"] = "swish"
    with pytest.raises(ModelFileError, match="unknown activation 'swish'"):
        load_model(write(tmp_path, json.dumps(d)))
    d = good_dict()
    d["architecture"]["nouts"] = [3, "1"]
    with pytest.raises(ModelFileError, match="'nouts' must be a non-empty list"):
        load_model(write(tmp_path, json.dumps(d)))
    d = good_dict()
    d["parameters"]["layers.0.neurons.1.w.0"] = "0.5"
    with pytest.raises(ModelFileError, match="must be a number"):
        load_model(write(tmp_path, json.dumps(d)))
    d = good_dict()
    d["architecture"]["nouts"] = [10**9, 1]  # refused before allocating anything
    with pytest.raises(ModelFileError, match="wrong shape"):
        load_model(write(tmp_path, json.dumps(d)))


def test_error_names_the_file(tmp_path):
    path = write(tmp_path, corrupt(format_version=99))
    with pytest.raises(ModelFileError, match=r"bad\.json"):
        load_model(path)


def test_saving_refuses_non_finite_weights_and_bad_config(tmp_path):
    model = MLP(2, [2, 1], seed=0)
    model.parameters()[1].data = math.inf
    with pytest.raises(ModelFileError, match="non-finite weights"):
        save_model(model, tmp_path / "m.json")
    with pytest.raises(ModelFileError, match="config cannot be written as JSON"):
        save_model(MLP(2, [1]), tmp_path / "m.json", {"f": object()})
    assert list(tmp_path.iterdir()) == []  # nothing half-written
