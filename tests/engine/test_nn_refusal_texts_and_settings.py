"""engine.nn: the exact text of each refusal, micrograd's ``nonlin`` given twice,
and the settings a model keeps (seed, fused) reaching every neuron."""

from __future__ import annotations

import random

import pytest

from engine.nn import MLP, Layer, Neuron


def refusal(make, *args: object, **kwargs: object) -> str:
    with pytest.raises(ValueError) as caught:
        make(*args, **kwargs)
    return str(caught.value)


def test_an_unknown_activation_lists_the_known_ones():
    expected = "unknown activation 'gelu'; choose one of relu, tanh, sigmoid, linear"
    assert refusal(MLP, 2, [1], activation="gelu") == expected
    assert refusal(Neuron, 2, "gelu") == expected


def test_an_unknown_init_lists_the_known_ones():
    expected = "unknown init 'zeros'; choose one of micrograd, xavier, he"
    assert refusal(MLP, 2, [1], init="zeros") == expected
    # a Layer made on its own checks the init where it draws the weights
    assert refusal(Layer, 2, 3, init="zeros") == expected


def test_no_layer_sizes_is_refused_with_an_example():
    expected = "nouts must list at least one layer size, e.g. [16, 16, 1]"
    assert refusal(MLP, 2, []) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((2.5, [1]), "nin must be a positive integer, got 2.5"),
        ((2.0, [1]), "nin must be a positive integer, got 2.0"),
        (("2", [1]), "nin must be a positive integer, got '2'"),
        ((True, [1]), "nin must be a positive integer, got True"),
        ((2, [3, 1.5]), "layer 1 size must be a positive integer, got 1.5"),
        ((2, [0, 1]), "layer 0 size must be a positive integer, got 0"),
    ],
)
def test_a_size_that_is_not_a_positive_whole_number_is_refused(args, expected):
    assert refusal(MLP, *args) == expected


def test_nonlin_given_twice_must_agree():
    # Neuron(nin, True) is micrograd's positional nonlin; the keyword repeats it
    assert Neuron(2, True, nonlin=True).activation == "relu"
    assert Neuron(2, False, nonlin=False).activation == "linear"
    assert refusal(Neuron, 2, True, nonlin=False) == "nonlin given twice, as True and False"
    assert refusal(Layer, 2, 3, False, nonlin=True) == "nonlin given twice, as False and True"


def test_nonlin_false_agrees_with_a_linear_or_default_activation():
    assert Layer(2, 3, "linear", nonlin=False).activation == "linear"
    assert Layer(2, 3, "relu", nonlin=False).activation == "linear"
    assert Neuron(2, "linear", nonlin=False).activation == "linear"


def test_nonlin_true_with_a_linear_activation_is_refused_in_full():
    expected = "nonlin=True contradicts activation='linear'; give one of them"
    assert refusal(Neuron, 2, "linear", nonlin=True) == expected


def test_the_model_keeps_its_seed_and_execution():
    model = MLP(2, [3, 1], seed=5, fused=False)
    assert model.seed == 5
    assert model.fused is False
    assert MLP(2, [3, 1], seed=5).fused is True


def _parents_of_a_neuron_called_alone(fused: bool) -> list[str]:
    layer = Layer(2, 3, "tanh", rng=random.Random(0), fused=fused)
    assert [n.fused for n in layer.neurons] == [fused] * 3
    return [p.label or p.op for p in layer.neurons[0]([0.5, -1.0]).parents]


def test_a_layers_neurons_called_alone_build_the_layers_kind_of_graph():
    # fused: tanh of one "neuron" node (w.x + b); unfused: micrograd's
    # chain, a tanh of the last "+" node
    assert _parents_of_a_neuron_called_alone(True) == ["neuron"]
    assert _parents_of_a_neuron_called_alone(False) == ["+"]
