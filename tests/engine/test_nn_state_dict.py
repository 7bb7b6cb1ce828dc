"""Module.state_dict() / load_state_dict(): PyTorch's names and shapes, all-or-nothing loading.

PyTorch (float64) is the reference for the names, shapes and the function the weights compute.
"""

from __future__ import annotations

import json
import math
import random

import numpy as np
import pytest

from engine.nn import MLP, Layer, Module, Neuron
from engine.value import Value


def torch_sequential(torch, nin, nouts, activation="relu"):
    """The nn.Sequential a PyTorch user writes for MLP(nin, nouts): Linear, act, ..., Linear."""
    act = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid}[activation]
    sizes = [nin, *nouts]
    modules = []
    for i in range(len(nouts)):
        modules.append(torch.nn.Linear(sizes[i], sizes[i + 1], dtype=torch.float64))
        if i != len(nouts) - 1:
            modules.append(act())
    return torch.nn.Sequential(*modules)


def test_mlp_state_dict_has_pytorch_names_shapes_and_the_weights():
    model = MLP(2, [16, 16, 1], seed=3)
    state = model.state_dict()
    assert list(state) == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]
    assert [v.shape for v in state.values()] == [(16, 2), (16,), (16, 16), (16,), (1, 16), (1,)]
    assert all(v.dtype == np.float64 for v in state.values())
    named = dict(model.named_parameters())
    for i in range(3):
        weight, bias = state[f"{2 * i}.weight"], state[f"{2 * i}.bias"]
        for j in range(weight.shape[0]):
            assert bias[j] == named[f"layers.{i}.neurons.{j}.b"].data
            for k in range(weight.shape[1]):
                assert weight[j, k] == named[f"layers.{i}.neurons.{j}.w.{k}"].data


def test_state_dict_is_a_copy():
    model = MLP(2, [3, 1], seed=1)
    before = model.parameters()[0].data
    model.state_dict()["0.weight"][0, 0] = 123.0
    assert model.parameters()[0].data == before


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_names_and_shapes_equal_pytorchs_and_torch_weights_load(activation):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    reference = torch_sequential(torch, 3, [5, 4, 2], activation)
    model = MLP(3, [5, 4, 2], activation=activation, seed=0)
    theirs = reference.state_dict()
    ours = model.state_dict()
    assert list(ours) == list(theirs)
    assert [v.shape for v in ours.values()] == [tuple(t.shape) for t in theirs.values()]

    model.load_state_dict(theirs)  # a torch state_dict, as it is
    x = [[0.3, -1.2, 2.0], [1.5, 0.25, -0.5]]
    with torch.no_grad():
        expected = reference(torch.tensor(x, dtype=torch.float64)).numpy()
    got = np.array([[v.data for v in model(row)] for row in x])
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)


def test_layer_and_neuron_are_linear_layers():
    torch = pytest.importorskip("torch")
    layer = Layer(3, 4, rng=random.Random(1))
    linear = torch.nn.Linear(3, 4, dtype=torch.float64)
    assert {k: v.shape for k, v in layer.state_dict().items()} == {
        k: tuple(v.shape) for k, v in linear.state_dict().items()
    }
    layer.load_state_dict(linear.state_dict())
    x = [0.5, -1.0, 2.0]
    with torch.no_grad():
        expected = torch.relu(linear(torch.tensor(x, dtype=torch.float64))).tolist()
    assert [v.data for v in layer(x)] == pytest.approx(expected, abs=1e-12)

    neuron = Neuron(2, weights=[1.0, -2.0], bias=0.5)
    state = neuron.state_dict()
    assert state["weight"].tolist() == [[1.0, -2.0]] and state["bias"].tolist() == [0.5]


def test_round_trip_through_json_and_nested_lists():
    source = MLP(3, [4, 2], activation="tanh", seed=5)
    text = json.dumps({k: v.tolist() for k, v in source.state_dict().items()})
    target = MLP(3, [4, 2], activation="tanh", seed=6)
    assert target.parameters()[0].data != source.parameters()[0].data
    result = target.load_state_dict(json.loads(text))
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert [p.data for p in target.parameters()] == [p.data for p in source.parameters()]


def _bad_states(good):
    yield {k: v for k, v in good.items() if k != "2.bias"}, "missing key '2.bias'"
    yield {**good, "4.weight": good["0.weight"]}, "unexpected key '4.weight'"
    yield {**good, "2.weight": good["2.weight"].T}, r"size mismatch for 2.weight: .*\(2, 4\)"
    nan = good["2.bias"].copy()
    nan[1] = math.nan
    yield {**good, "2.bias": nan}, "2.bias holds NaN or infinite values"
    yield {**good, "2.bias": ["a", "b"]}, "2.bias is not an array of numbers"


def test_a_bad_state_dict_says_what_is_wrong_and_changes_nothing():
    model = MLP(3, [4, 2], seed=1)
    before = [p.data for p in model.parameters()]
    good = {k: v + 1.0 for k, v in model.state_dict().items()}
    for state, message in _bad_states(good):
        with pytest.raises(ValueError, match=message):
            model.load_state_dict(state)
        assert [p.data for p in model.parameters()] == before  # the good first layer did not load
    with pytest.raises(TypeError, match="a mapping of names to arrays, got list"):
        model.load_state_dict([1.0, 2.0])


def test_strict_false_loads_what_fits_and_reports_the_rest():
    model = MLP(2, [3, 1], seed=1)
    other = MLP(2, [3, 1], seed=2).state_dict()
    result = model.load_state_dict({"0.weight": other["0.weight"], "extra": 1.0}, strict=False)
    assert result.missing_keys == ["0.bias", "2.weight", "2.bias"]
    assert result.unexpected_keys == ["extra"]
    np.testing.assert_array_equal(model.state_dict()["0.weight"], other["0.weight"])


def test_a_micrograd_style_module_gets_numbered_keys():
    class Pair(Module):
        def __init__(self):
            self.a, self.b = Value(1.0), Value(2.0)

        def parameters(self):
            return [self.a, self.b]

    pair = Pair()
    assert {k: v.tolist() for k, v in pair.state_dict().items()} == {"0": 1.0, "1": 2.0}
    pair.load_state_dict({"0": 5.0, "1": np.array(6.0)})
    assert (pair.a.data, pair.b.data) == (5.0, 6.0)
