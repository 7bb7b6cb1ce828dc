"""Code written against micrograd's nn runs unchanged on engine.nn and computes the same numbers.

The same function builds models with micrograd's signatures (``Neuron(nin, nonlin=...)``,
``Layer(nin, nout, **kwargs)``, ``MLP(nin, nouts)``, a ``Module`` subclass that only lists
``parameters()``) once with the published micrograd==0.1.0 package and once with engine.nn,
after the same ``random.seed``: weights, reprs, outputs and gradients must agree.
"""

from __future__ import annotations

import math
import random

import pytest

import engine.nn
from engine.value import Value

micrograd_nn = pytest.importorskip("micrograd.nn")
micrograd_engine = pytest.importorskip("micrograd.engine")


def micrograd_style_models(nn) -> dict:
    """micrograd-style user code, written once, run against either library."""

    class TwoHeads(nn.Module):  # a user's module in micrograd's style: parameters() only
        def __init__(self):
            self.relu = nn.Neuron(2)
            self.linear = nn.Neuron(2, nonlin=False)

        def __call__(self, x):
            return self.relu(x) + self.linear(x)

        def parameters(self):
            return self.relu.parameters() + self.linear.parameters()

    random.seed(1337)
    return {
        "neuron": nn.Neuron(3),
        "linear_neuron": nn.Neuron(3, nonlin=False),
        "positional_nonlin": nn.Neuron(3, False),
        "relu_layer": nn.Layer(3, 4),
        "linear_layer": nn.Layer(3, 2, nonlin=False),
        "one_neuron_layer": nn.Layer(3, 1, nonlin=True),
        "mlp": nn.MLP(3, [4, 4, 1]),
        "wide_mlp": nn.MLP(3, [5, 2]),
        "two_heads": TwoHeads(),
    }


def _as_list(out):
    return out if isinstance(out, list) else [out]


def _data(values):
    return [float(v.data) for v in values]


@pytest.fixture(scope="module")
def pairs():
    state = random.getstate()
    try:
        ours = micrograd_style_models(engine.nn)
        theirs = micrograd_style_models(micrograd_nn)
    finally:
        random.setstate(state)
    return {name: (ours[name], theirs[name]) for name in ours}


NAMES = [
    "neuron",
    "linear_neuron",
    "positional_nonlin",
    "relu_layer",
    "linear_layer",
    "one_neuron_layer",
    "mlp",
    "wide_mlp",
    "two_heads",
]


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_gives_micrograds_weights_and_repr(pairs, name):
    ours, theirs = pairs[name]
    assert _data(ours.parameters()) == _data(theirs.parameters())
    if name != "two_heads":  # a user's class has Python's default repr in both
        assert repr(ours) == repr(theirs)


def test_reprs_are_micrograds_words():
    random.seed(0)
    assert repr(engine.nn.Neuron(3)) == "ReLUNeuron(3)"
    assert repr(engine.nn.Neuron(3, nonlin=False)) == "LinearNeuron(3)"
    assert (
        repr(engine.nn.Layer(2, 2, nonlin=False)) == "Layer of [LinearNeuron(2), LinearNeuron(2)]"
    )
    assert (
        repr(engine.nn.MLP(1, [1, 1]))
        == "MLP of [Layer of [ReLUNeuron(1)], Layer of [LinearNeuron(1)]]"
    )
    assert engine.nn.Neuron(3).nonlin is True and engine.nn.Neuron(3, nonlin=False).nonlin is False


@pytest.mark.parametrize("name", NAMES)
def test_same_outputs_and_gradients_as_micrograd(pairs, name):
    ours, theirs = pairs[name]
    for row in ([0.3, -1.2, 0.5], [1.5, 0.25, -2.0], [-0.7, 0.9, 0.1]):
        row = row[:2] if name == "two_heads" else row
        x_ours = [Value(v) for v in row]
        x_theirs = [micrograd_engine.Value(v) for v in row]
        out_ours = _as_list(ours(x_ours))
        out_theirs = _as_list(theirs(x_theirs))
        assert _data(out_ours) == _data(out_theirs)  # same sums in the same order: bit for bit
        ours.zero_grad()
        theirs.zero_grad()
        assert all(p.grad == 0 for p in ours.parameters())
        loss_ours = sum((o * o * (k + 1) for k, o in enumerate(out_ours)), Value(0.0))
        loss_theirs = sum(
            (o * o * (k + 1) for k, o in enumerate(out_theirs)), micrograd_engine.Value(0.0)
        )
        loss_ours.backward()
        loss_theirs.backward()
        for p, q in zip(ours.parameters() + x_ours, theirs.parameters() + x_theirs, strict=True):
            assert math.isclose(p.grad, q.grad, rel_tol=1e-12, abs_tol=1e-15)


def test_micrograd_training_loop_runs_unchanged_and_matches():
    """micrograd's README loop: forward, zero_grad, backward, p.data -= lr * p.grad."""
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1.0, -1.0, -1.0, 1.0]

    def train(nn):
        random.seed(42)
        model = nn.MLP(3, [4, 4, 1])
        losses = []
        for _ in range(20):
            ypred = [model(x) for x in xs]
            loss = sum((yout - ygt) ** 2 for ygt, yout in zip(ys, ypred))  # noqa: B905 - micrograd's README, verbatim
            model.zero_grad()
            loss.backward()
            for p in model.parameters():
                p.data += -0.05 * p.grad
            losses.append(loss.data)
        return losses, _data(model.parameters())

    state = random.getstate()
    try:
        ours, theirs = train(engine.nn), train(micrograd_nn)
    finally:
        random.setstate(state)
    for a, b in zip(ours[0] + ours[1], theirs[0] + theirs[1], strict=True):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    assert ours[0][-1] < ours[0][0]


def test_engine_keywords_still_work_next_to_micrograds():
    n = engine.nn.Neuron(2, "tanh", weights=[1.0, 2.0], bias=0.5)
    assert repr(n) == "TanhNeuron(2)" and n.nonlin
    assert engine.nn.Neuron(2, activation="sigmoid", nonlin=True).activation == "sigmoid"
    layer = engine.nn.Layer(2, 3, activation="tanh", init="xavier", rng=random.Random(1))
    assert layer.activation == "tanh"
    model = engine.nn.MLP(2, [3, 1], activation="tanh", init="he", seed=3)
    names = [name for name, _ in model.named_parameters()]
    assert names[0] == "layers.0.neurons.0.w.0" and names[-1] == "layers.1.neurons.0.b"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"activation": "tanh", "nonlin": False}, "nonlin=False .* contradicts activation='tanh'"),
        ({"activation": "linear", "nonlin": True}, "nonlin=True contradicts activation='linear'"),
        ({"nonlin": "yes"}, "nonlin must be True or False"),
        ({"activation": "gelu"}, "unknown activation 'gelu'"),
    ],
)
def test_contradicting_flags_say_what_is_wrong(kwargs, message):
    with pytest.raises(ValueError, match=message):
        engine.nn.Neuron(2, **kwargs)
    with pytest.raises(ValueError, match=message):
        engine.nn.Layer(2, 2, **kwargs)
