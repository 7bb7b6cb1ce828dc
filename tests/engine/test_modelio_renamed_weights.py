"""A model file whose weights are renamed, not resized: the right one of load_model's messages."""

from __future__ import annotations

import json
import re

import pytest
from test_modelio import good_dict, write  # the same valid file, changed here

from engine.modelio import ModelFileError, load_model


def renamed(old: str, new: str) -> dict:
    d = good_dict()
    d["parameters"] = {k.replace(old, new): v for k, v in d["parameters"].items()}
    return d


def test_layers_numbered_with_a_gap_are_a_layer_count_mismatch(tmp_path):
    d = renamed("layers.1.", "layers.2.")  # as many layers, but no layer 1
    nouts = d["architecture"]["nouts"]
    message = (
        f"layer-count mismatch: the file has weights for {len(nouts)} layers but the "
        f"architecture lists {len(nouts)} ({nouts})"
    )
    with pytest.raises(ModelFileError, match=f"{re.escape(message)}$"):
        load_model(write(tmp_path, json.dumps(d)))


def test_neurons_numbered_with_a_gap_do_not_match_the_architecture(tmp_path):
    d = renamed("layers.0.neurons.2.", "layers.0.neurons.7.")  # as many neurons, no neuron 2
    with pytest.raises(
        ModelFileError, match=r": the parameter names do not match the architecture"
    ):
        load_model(write(tmp_path, json.dumps(d)))
