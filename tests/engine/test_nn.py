"""engine.nn against micrograd 0.1.0: parameter order, names, weights, forward."""

from __future__ import annotations

import math
import random
import statistics
import sys

import pytest

from engine import Value
from engine.losses import l2_penalty
from engine.nn import ACTIVATIONS, INITS, MLP, Layer, Neuron

micrograd_nn = pytest.importorskip("micrograd.nn")
micrograd_engine = pytest.importorskip("micrograd.engine")

SHAPES = [(2, [16, 16, 1]), (3, [4, 2]), (1, [5, 5, 5, 1])]


def micrograd_mlp(nin, nouts, seed):
    state = random.getstate()
    try:
        random.seed(seed)
        return micrograd_nn.MLP(nin, nouts)
    finally:
        random.setstate(state)


@pytest.mark.parametrize("seed", [0, 1337, 42])
@pytest.mark.parametrize(("nin", "nouts"), SHAPES)
def test_parameters_equal_micrograd_in_order(seed, nin, nouts):
    ours = MLP(nin, nouts, seed=seed)
    theirs = micrograd_mlp(nin, nouts, seed)
    ours_params = ours.parameters()
    theirs_params = theirs.parameters()
    assert len(ours_params) == len(theirs_params)
    assert [p.data for p in ours_params] == [float(p.data) for p in theirs_params]


def test_parameter_names_follow_the_scheme_in_micrograd_order():
    model = MLP(2, [3, 1])
    names = [name for name, _ in model.named_parameters()]
    expected = []
    for i, (nin, nout) in enumerate([(2, 3), (3, 1)]):
        for j in range(nout):
            expected += [f"layers.{i}.neurons.{j}.w.{k}" for k in range(nin)]
            expected.append(f"layers.{i}.neurons.{j}.b")
    assert names == expected
    assert [p.label for p in model.parameters()] == expected
    assert [p for _, p in model.named_parameters()] == model.parameters()


@pytest.mark.parametrize("seed", [0, 1337])
def test_forward_and_backward_equal_micrograd(seed):
    ours = MLP(2, [16, 16, 1], seed=seed)
    theirs = micrograd_mlp(2, [16, 16, 1], seed)
    xs = [[0.3, -1.2], [1.5, 0.25], [-0.7, 0.9]]
    for x in xs:
        out = ours(x)
        ref = theirs([micrograd_engine.Value(v) for v in x])
        assert out.data == ref.data  # same sums in the same order: bit for bit
        ours.zero_grad()
        theirs.zero_grad()
        (out * out).backward()
        (ref * ref).backward()
        for p, q in zip(ours.parameters(), theirs.parameters(), strict=True):
            assert math.isclose(p.grad, q.grad, rel_tol=1e-12, abs_tol=1e-15)


def test_a_seed_or_rng_leaves_the_global_random_state_untouched():
    random.seed(7)
    state = random.getstate()
    MLP(2, [8, 8, 1], seed=3)
    MLP(2, [8, 1], init="xavier", seed=3)
    Layer(3, 2, rng=random.Random(1))
    Neuron(3, rng=random.Random(1))
    Neuron(3, weights=[0.1, 0.2, 0.3])
    assert random.getstate() == state


def test_same_seed_same_weights_other_seed_other_weights():
    for init in INITS:
        a = [p.data for p in MLP(3, [5, 1], init=init, seed=11).parameters()]
        b = [p.data for p in MLP(3, [5, 1], init=init, seed=11).parameters()]
        c = [p.data for p in MLP(3, [5, 1], init=init, seed=12).parameters()]
        assert a == b and a != c


@pytest.mark.parametrize(
    ("init", "limit"),
    [
        ("micrograd", lambda nin, nout: 1.0),
        ("xavier", lambda nin, nout: math.sqrt(6.0 / (nin + nout))),
        ("he", lambda nin, nout: math.sqrt(6.0 / nin)),
    ],
)
def test_initialisations_are_uniform_within_their_limits(init, limit):
    model = MLP(200, [100, 1], init=init, seed=5)
    for layer in model.layers:
        bound = limit(layer.nin, layer.nout)
        weights = [w.data for n in layer.neurons for w in n.w]
        assert all(-bound <= w <= bound for w in weights)
        assert all(n.b.data == 0.0 for n in layer.neurons)
        if len(weights) > 10_000:
            # uniform(-a, a) has mean 0 and standard deviation a / sqrt(3)
            assert abs(statistics.fmean(weights)) < 0.02 * bound
            assert math.isclose(statistics.pstdev(weights), bound / math.sqrt(3), rel_tol=0.02)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_fused_equals_unfused_values_and_grads(activation):
    fused = MLP(3, [6, 5, 2], activation=activation, seed=9)
    unfused = MLP(3, [6, 5, 2], activation=activation, seed=9, fused=False)
    rows = [[0.5, -1.5, 2.0], [-0.3, 0.8, 0.1], [1.2, 1.1, -0.9], [0.0, -2.0, 0.4]]

    def loss_of(model):
        total = Value(0.0)
        for row in rows:
            a, b = model(row)
            total = total + a * a + b * 0.5
        return total

    lf, lu = loss_of(fused), loss_of(unfused)
    lf.backward()
    lu.backward()
    assert lf.data == lu.data
    assert [p.grad for p in fused.parameters()] == [p.grad for p in unfused.parameters()]
    # and the unfused graph really is micrograd's chain of * and + nodes
    ops = {n.op for n in _all_nodes(lu)}
    assert {"*", "+"} <= ops and not any(op.startswith("neuron") for op in ops)
    assert any(op.startswith("neuron") for op in {n.op for n in _all_nodes(lf)})


def test_both_weighted_sum_paths_give_micrograds_numbers(monkeypatch):
    # sum() is used before Python 3.12 and a loop after; check both here.
    import engine.nn

    theirs = micrograd_mlp(2, [16, 16, 1], 5)
    x = [0.7, -1.3]
    ref = theirs([micrograd_engine.Value(v) for v in x]).data
    # from 3.12 sum() compensates rounding, so only the loop is micrograd's order
    for sequential in (True, False) if sys.version_info < (3, 12) else (False,):
        monkeypatch.setattr(engine.nn, "_SEQUENTIAL_SUM", sequential)
        assert MLP(2, [16, 16, 1], seed=5)(x).data == ref


def _all_nodes(root):
    from engine.graph import topological_order

    return topological_order(root)


def test_value_inputs_receive_gradients_in_both_modes():
    for fused in (True, False):
        model = MLP(2, [3, 1], activation="tanh", seed=2, fused=fused)
        x = [Value(0.4), 1.3]  # a Value and a plain number
        out = model(x)
        out.backward()
        assert x[0].grad != 0.0
        h = 1e-6
        up = MLP(2, [3, 1], activation="tanh", seed=2)([0.4 + h, 1.3]).data
        down = MLP(2, [3, 1], activation="tanh", seed=2)([0.4 - h, 1.3]).data
        assert math.isclose(x[0].grad, (up - down) / (2 * h), rel_tol=1e-6)


def test_set_fused_switches_every_neuron():
    model = MLP(2, [4, 1], seed=1)
    model.set_fused(False)
    assert all(n.fused is False for layer in model.layers for n in layer.neurons)
    assert model([1.0, 2.0]).op == "+"
    model.set_fused(True)
    assert model([1.0, 2.0]).op == "neuron"


def test_forward_batch_equals_per_sample_calls():
    model = MLP(2, [8, 8, 3], activation="sigmoid", seed=6)
    rows = [[0.1 * i, -0.2 * i + 1.0] for i in range(10)]
    batch = model.forward_batch(rows)
    single = [model(row) for row in rows]
    assert [[v.data for v in out] for out in batch] == [[v.data for v in out] for out in single]
    np = pytest.importorskip("numpy")
    assert [o[0].data for o in model.forward_batch(np.array(rows))] == [o[0].data for o in batch]


def test_output_is_a_value_for_one_neuron_and_a_list_otherwise():
    assert isinstance(MLP(2, [3, 1])([1.0, 2.0]), Value)
    out = MLP(2, [3, 2])([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 2
    # a hidden layer of one neuron works (micrograd's Layer would return a bare Value)
    assert isinstance(MLP(2, [1, 3, 1])([1.0, 2.0]), Value)


def test_last_layer_is_linear_and_attributes_are_kept():
    model = MLP(2, [4, 4, 1], activation="tanh", init="he", seed=3)
    assert [layer.activation for layer in model.layers] == ["tanh", "tanh", "linear"]
    assert (model.nin, model.nouts, model.activation, model.init) == (2, [4, 4, 1], "tanh", "he")
    assert "TanhNeuron(2)" in repr(model) and "LinearNeuron(4)" in repr(model)


def test_relu_neuron_output_and_gradient_like_micrograd():
    n = Neuron(2, weights=[1.0, -2.0], bias=0.5)
    x = [Value(1.0), Value(1.0)]
    out = n(x)  # 0.5 + 1 - 2 = -0.5: inactive
    out.backward()
    assert out.data == 0.0 and all(v.grad == 0.0 for v in [*x, *n.parameters()])
    n.b.data = 2.0
    out = n(x)
    out.backward()
    assert out.data == 1.0
    assert [p.grad for p in n.parameters()] == [1.0, 1.0, 1.0]
    assert [v.grad for v in x] == [1.0, -2.0]


def test_zero_grad_resets_every_parameter():
    model = MLP(2, [3, 1], seed=0)
    model([1.0, 1.0]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_bigger_model_with_l2_does_not_hit_the_recursion_limit():
    model = MLP(2, [32, 32, 1], seed=1)
    loss = model([0.5, -0.5]) + l2_penalty(model.parameters(), 1e-4)
    loss.backward()
    assert all(math.isfinite(p.grad) for p in model.parameters())
    # micrograd's recursive topological sort fails on the same computation
    theirs = micrograd_mlp(2, [32, 32, 1], 1)
    ref = theirs([micrograd_engine.Value(0.5), micrograd_engine.Value(-0.5)])
    ref = ref + 1e-4 * sum(p * p for p in theirs.parameters())
    with pytest.raises(RecursionError):
        ref.backward()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"nin": 0, "nouts": [1]}, "nin must be a positive integer"),
        ({"nin": 2, "nouts": []}, "at least one layer"),
        ({"nin": 2, "nouts": [3, 0]}, "layer 1 size"),
        ({"nin": 2, "nouts": [1], "activation": "gelu"}, "unknown activation 'gelu'"),
        ({"nin": 2, "nouts": [1], "init": "zeros"}, "unknown init 'zeros'"),
    ],
)
def test_bad_arguments_say_what_is_wrong(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MLP(**kwargs)


def test_bad_inputs_say_what_is_wrong():
    model = MLP(2, [3, 1])
    with pytest.raises(ValueError, match="expected 2 inputs, got 3"):
        model([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="input 1 is a str"):
        model([1.0, "2"])
    with pytest.raises(ValueError, match="needs 2 weights"):
        Neuron(2, weights=[1.0])


def test_fused_neuron_node_lists_parents_and_local_derivatives():
    n = Neuron(3, weights=[0.5, 1.0, -2.0], bias=0.25)
    x = [Value(1.5), 3.0, Value(-0.5)]  # the plain number is a constant
    out = n(x)
    assert out.op == "neuron_relu"
    assert out.parents == (*n.w, n.b, x[0], x[2])
    # d/dw = inputs, d/db = 1, d/dx = the weights of the Value inputs
    assert out.data == 0.25 + 0.75 + 3.0 + 1.0
    assert out.local_derivatives == (1.5, 3.0, -0.5, 1.0, 0.5, -2.0)
    assert out._local == out.local_derivatives  # the first layout's name still works
    out.backward()
    assert [p.grad for p in out.parents] == list(out.local_derivatives)
    n.b.data = -10.0
    inactive = n(x)
    assert inactive.data == 0.0 and inactive.local_derivatives == (0.0,) * 6


def test_a_training_steps_graph_is_freed_by_reference_counting():
    import gc

    from engine.losses import hinge_loss

    model = MLP(2, [8, 8, 1], activation="tanh", seed=0)
    rows = [[0.1 * i, 1.0 - 0.05 * i] for i in range(20)]
    targets = [1.0 if i % 2 else -1.0 for i in range(20)]

    def values_alive():
        return sum(1 for o in gc.get_objects() if type(o) is Value)

    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        before = values_alive()
        for batch in (True, False):
            scores = model.forward_batch(rows) if batch else [model(r) for r in rows]
            loss = hinge_loss(scores, targets) + l2_penalty(model.parameters(), 1e-4)
            model.zero_grad()
            loss.backward()
            del scores, loss
            assert values_alive() == before
    finally:
        if was_enabled:
            gc.enable()
