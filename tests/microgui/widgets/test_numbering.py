"""One numbering on screen: layers, neurons, weights and inputs counted from 1."""

from __future__ import annotations

import pytest

from engine.nn import MLP
from microgui.widgets.numbering import (
    input_name,
    layer_title,
    long_name,
    neuron_name,
    parameter_name,
    short_name,
)


@pytest.mark.parametrize(
    ("name", "short", "long"),
    [
        ("layers.0.neurons.5.w.1", "L1.N6.w2", "layer 1, neuron 6, weight 2"),
        ("layers.1.neurons.0.b", "L2.N1.b", "layer 2, neuron 1, bias"),
        ("layers.2.neurons.0.w.15", "L3.N1.w16", "output layer, neuron 1, weight 16"),
        ("layers.0.neurons.2.mul[3]", "L1.N3.mul[3]", "layer 1, neuron 3 (mul[3])"),
        ("x.0", "x1", "x1"),
        ("loss.relu[0]", "loss.relu[0]", "loss.relu[0]"),
        ("feature.x1^2", "x1²", "x1²"),
        ("feature.x1*x2", "x1·x2", "x1·x2"),
        ("feature.sin(x2)", "sin(x2)", "sin(x2)"),
        ("scaled.x1", "x1 scaled", "x1 scaled"),
        ("scaled.x2^2", "x2² scaled", "x2² scaled"),
    ],
)
def test_engine_names_are_shown_counted_from_one(name, short, long):
    assert short_name(name) == short
    assert long_name(name, n_layers=3) == long


def test_every_parameter_of_an_mlp_round_trips_through_parameter_name():
    model = MLP(3, [4, 2])
    names = [n for n, _ in model.named_parameters()]
    built = [
        parameter_name(i, j, k)
        for i, layer in enumerate(model.layers)
        for j, neuron in enumerate(layer.neurons)
        for k in [*range(neuron.nin), None]
    ]
    assert built == names
    assert len({short_name(n) for n in names}) == len(names)  # still one name per parameter


def test_neurons_layers_and_inputs():
    assert neuron_name(0, 5) == "layer 1, neuron 6"
    assert neuron_name(2, 0, n_layers=3) == "output layer, neuron 1"
    assert layer_title(1, n_layers=3) == "layer 2" and layer_title(2, 3) == "output layer"
    assert input_name(0) == "x1" and input_name(1, ("petal_length", "petal_width")) == "petal_width"
