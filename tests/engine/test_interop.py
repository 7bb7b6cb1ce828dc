"""engine.interop: to_torch and from_torch against PyTorch (float64), and without PyTorch."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from engine.interop import from_torch, to_torch
from engine.nn import ACTIVATIONS, MLP
from engine.value import Value

ROWS = np.array([[0.3, -1.2, 2.0], [1.5, 0.25, -0.5], [-0.7, 0.9, 0.1], [0.0, 0.0, 0.0]])


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


def engine_outputs(model, rows=ROWS):
    out = []
    for row in rows.tolist():
        y = model(row)
        out.append([v.data for v in (y if isinstance(y, list) else [y])])
    return np.array(out)


def torch_outputs(torch, sequential, rows=ROWS):
    with torch.no_grad():
        return sequential(torch.from_numpy(rows)).numpy()


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("nouts", [[1], [4, 1], [8, 6, 3]])
def test_to_torch_computes_the_same_outputs(torch, activation, nouts):
    model = MLP(3, nouts, activation=activation, seed=7)
    sequential = to_torch(model)
    assert isinstance(sequential, torch.nn.Sequential)
    assert all(p.dtype == torch.float64 for p in sequential.parameters())
    np.testing.assert_allclose(
        torch_outputs(torch, sequential), engine_outputs(model), rtol=0, atol=1e-12
    )
    # its state_dict is the model's, key for key and number for number
    theirs = sequential.state_dict()
    ours = model.state_dict()
    assert list(theirs) == list(ours)
    for key, value in ours.items():
        np.testing.assert_array_equal(theirs[key].numpy(), value)


def test_to_torch_layout_is_linear_activation_pairs(torch):
    layout = [type(m).__name__ for m in to_torch(MLP(2, [16, 16, 1], seed=0))]
    assert layout == ["Linear", "ReLU", "Linear", "ReLU", "Linear"]
    layout = [type(m).__name__ for m in to_torch(MLP(2, [3, 1], activation="linear", seed=0))]
    assert layout == ["Linear", "Identity", "Linear"]


def test_to_torch_gradients_equal_the_engines(torch):
    model = MLP(3, [5, 4, 1], activation="tanh", seed=2)
    sequential = to_torch(model)
    x = ROWS[1].tolist()
    out = model(x)
    (out * out).backward()
    y = sequential(torch.tensor(x, dtype=torch.float64))
    (y * y).sum().backward()
    theirs = np.concatenate([p.grad.numpy().ravel() for p in sequential.parameters()])
    ours = np.concatenate([v.ravel() for v in _grads(model).values()])
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-14)


def _grads(model):
    """The gradients laid out like state_dict()."""
    out = {}
    for i, layer in enumerate(model.layers):
        out[f"{2 * i}.weight"] = np.array([[w.grad for w in n.w] for n in layer.neurons])
        out[f"{2 * i}.bias"] = np.array([n.b.grad for n in layer.neurons])
    return out


@pytest.mark.parametrize(
    ("name", "activation"), [("ReLU", "relu"), ("Tanh", "tanh"), ("Sigmoid", "sigmoid")]
)
def test_from_torch_reads_a_pytorch_model(torch, name, activation):
    torch.manual_seed(3)
    act = getattr(torch.nn, name)
    sequential = torch.nn.Sequential(
        torch.nn.Linear(3, 6), act(), torch.nn.Linear(6, 5), act(), torch.nn.Linear(5, 2)
    ).double()
    model = from_torch(sequential)
    assert (model.nin, model.nouts, model.activation) == (3, [6, 5, 2], activation)
    np.testing.assert_allclose(
        engine_outputs(model), torch_outputs(torch, sequential), rtol=0, atol=1e-12
    )


def test_from_torch_reads_float32_models_identities_and_missing_biases(torch):
    torch.manual_seed(4)
    sequential = torch.nn.Sequential(
        torch.nn.Identity(),
        torch.nn.Linear(3, 4, bias=False),
        torch.nn.ReLU(),
        torch.nn.Linear(4, 1),
        torch.nn.Identity(),
    )  # float32, PyTorch's default
    model = from_torch(sequential)
    assert model.nouts == [4, 1]
    assert all(n.b.data == 0.0 for n in model.layers[0].neurons)
    expected = torch_outputs(torch, sequential.double())
    np.testing.assert_allclose(engine_outputs(model), expected, rtol=0, atol=1e-12)


def test_from_torch_takes_a_single_linear_and_linear_stacks(torch):
    torch.manual_seed(5)
    linear = torch.nn.Linear(3, 2).double()
    model = from_torch(linear)
    assert model.nouts == [2]
    np.testing.assert_allclose(engine_outputs(model), torch_outputs(torch, linear), atol=1e-12)
    stack = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Linear(4, 1)).double()
    model = from_torch(stack)
    assert model.activation == "linear"
    np.testing.assert_allclose(engine_outputs(model), torch_outputs(torch, stack), atol=1e-12)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_round_trips_keep_every_weight_exactly(torch, activation):
    model = MLP(2, [5, 3, 1], activation=activation, seed=11)
    back = from_torch(to_torch(model))
    assert (back.nin, back.nouts, back.activation) == (2, [5, 3, 1], activation)
    assert [p.data for p in back.parameters()] == [p.data for p in model.parameters()]
    assert [p.label for p in back.parameters()] == [p.label for p in model.parameters()]
    x = [Value(0.2), Value(-0.4)]
    assert back(x).data == model(x).data


def _bad_sequentials(nn):
    yield (
        nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1), nn.Sigmoid()),
        ("the last Linear is followed by sigmoid"),
    )
    yield (
        nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 3), nn.Tanh(), nn.Linear(3, 1)),
        (r"different activations \(relu, tanh\)"),
    )
    yield (
        nn.Sequential(nn.Linear(2, 3), nn.Dropout(0.5), nn.Linear(3, 1)),
        (r"module 1 \(Dropout\) is not supported"),
    )
    yield nn.Sequential(nn.ReLU(), nn.Linear(2, 1)), r"module 0 \(ReLU\) comes before any Linear"
    yield (
        nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.ReLU(), nn.Linear(3, 1)),
        ("follows another activation"),
    )
    yield (
        nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(4, 1)),
        ("Linear layer 1 takes 4 inputs but the layer before gives 3"),
    )
    yield nn.Sequential(nn.ReLU()), "comes before any Linear"
    yield nn.Sequential(), "has no Linear layer"
    yield nn.Conv1d(1, 1, 1), "takes a torch.nn.Sequential .* got Conv1d"


def test_from_torch_says_what_does_not_fit(torch):
    for sequential, message in _bad_sequentials(torch.nn):
        with pytest.raises(ValueError, match=message):
            from_torch(sequential)


def test_from_torch_refuses_non_finite_weights(torch):
    linear = torch.nn.Linear(2, 1)
    with torch.no_grad():
        linear.weight[0, 1] = float("nan")
    with pytest.raises(ValueError, match=r"0\.weight holds NaN"):
        from_torch(linear)


def test_to_torch_takes_an_mlp_only(torch):
    with pytest.raises(TypeError, match=r"takes an engine\.nn\.MLP, got list"):
        to_torch([1, 2])


def test_without_torch_the_engine_works_and_interop_says_how_to_install():
    # A real import with torch made unimportable, in a fresh interpreter.
    code = (
        "import sys; sys.modules['torch'] = None\n"
        "import engine, engine.interop\n"
        "model = engine.MLP(2, [3, 1], seed=0)\n"
        "print(len(model.state_dict()))\n"
        "for f, arg in ((engine.interop.to_torch, model), (engine.interop.from_torch, None)):\n"
        "    try:\n"
        "        f(arg)\n"
        "    except ImportError as exc:\n"
        "        print(exc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    lines = result.stdout.splitlines()
    assert lines[0] == "4"
    for line in lines[1:3]:
        assert line.startswith("engine.interop needs PyTorch, which is not installed: ")
        assert 'pip install "microgui-sandbox[torch]"' in line
    assert len(lines) == 3 and not result.stderr
