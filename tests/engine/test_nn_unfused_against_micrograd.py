"""Unfused neurons and layers (the graph view's) called directly, against micrograd 0.1.0.

Training runs fused neurons, and the MLP calls its unfused layers neuron by
neuron, so ``Neuron.__call__`` and ``Layer.__call__`` on unfused modules are
only reached when someone calls them as micrograd's README does.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from engine import Value
from engine.nn import MLP, Layer, Neuron

mg_engine = pytest.importorskip("micrograd.engine")
mg_nn = pytest.importorskip("micrograd.nn")


def twin(seed: int, build_ours, build_theirs):
    """The same module in engine (unfused) and micrograd, with micrograd's weights."""
    random.seed(seed)
    theirs = build_theirs()
    ours = build_ours()
    for p, q in zip(ours.parameters(), theirs.parameters(), strict=True):
        p.data = q.data
    return ours, theirs


@pytest.mark.parametrize("nonlin", [True, False])
@pytest.mark.parametrize("as_array", [False, True])
def test_an_unfused_neuron_computes_micrograds_value_and_gradients(nonlin, as_array):
    ours, theirs = twin(
        7, lambda: Neuron(3, nonlin=nonlin, fused=False), lambda: mg_nn.Neuron(3, nonlin=nonlin)
    )
    x = [0.5, -1.25, 2.0]
    out = ours(np.array(x) if as_array else x)  # a numpy row works as a list does
    ref = theirs(x)
    assert out.data == ref.data and out.op == ref._op
    out.backward()
    ref.backward()
    assert [p.grad for p in ours.parameters()] == [q.grad for q in theirs.parameters()]


def test_an_unfused_neuron_takes_value_inputs_and_passes_gradient_to_them():
    ours, theirs = twin(3, lambda: Neuron(2, fused=False), lambda: mg_nn.Neuron(2))
    for p in ours.parameters():
        p.data = abs(p.data)  # an active ReLU
    for q in theirs.parameters():
        q.data = abs(q.data)
    xs, rs = [Value(0.7), Value(1.1)], [mg_engine.Value(0.7), mg_engine.Value(1.1)]
    out, ref = ours(xs), theirs(rs)
    out.backward()
    ref.backward()
    assert out.data == ref.data
    assert [x.grad for x in xs] == [r.grad for r in rs]


def test_an_unfused_neuron_names_the_wrong_number_of_inputs():
    with pytest.raises(ValueError, match="expected 3 inputs, got 2"):
        Neuron(3, fused=False)([1.0, 2.0])


@pytest.mark.parametrize("fused", [True, False])
def test_a_one_neuron_layer_returns_the_value_itself_like_micrograd(fused):
    ours, theirs = twin(5, lambda: Layer(2, 1, fused=fused), lambda: mg_nn.Layer(2, 1))
    out, ref = ours([0.3, -0.4]), theirs([0.3, -0.4])
    assert isinstance(ref, mg_engine.Value) and isinstance(out, Value)
    assert out.data == ref.data
    wide = Layer(2, 3, fused=fused)([0.3, -0.4])
    assert isinstance(wide, list) and len(wide) == 3


def test_set_fused_says_which_form_the_model_now_builds():
    model = MLP(2, [3, 1], seed=0)
    model.set_fused(False)
    assert model.fused is False and all(not layer.fused for layer in model.layers)
    model.set_fused(True)
    assert model.fused is True and all(layer.fused for layer in model.layers)
