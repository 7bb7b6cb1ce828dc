"""A small PyTorch-like neural-network library on top of ``Value``.

``MLP(2, [16, 16, 1])`` is micrograd's demo network: its ``parameters()``
come in micrograd's order (layer by layer, neuron by neuron, each neuron's
weights then its bias), and with ``init="micrograd"`` and ``seed=s`` its
weights equal those micrograd draws after ``random.seed(s)``.

Where the initial weights come from, as in micrograd and PyTorch:

* ``seed=s`` (or ``rng=``): a private ``random.Random(s)``; the global
  ``random`` state is not touched (the Trainer always passes a seed).
* no seed: Python's global ``random``, exactly as micrograd draws them, so
  ``random.seed(1337); MLP(2, [16, 16, 1])`` is micrograd's demo network.

micrograd's signatures work unchanged: ``Neuron(nin, nonlin=True)``,
``Layer(nin, nout, nonlin=False)``, ``MLP(nin, nouts)``, with micrograd's
``__repr__`` ("ReLUNeuron(3)", "Layer of [...]", "MLP of [...]"),
``parameters()`` and ``zero_grad()``. ``nonlin=True`` means ReLU and
``nonlin=False`` linear, as in micrograd; engine's own ``activation=``
(relu, tanh, sigmoid, linear) says the same and more.

Parameter names (also set as each Value's ``label``):
``layers.{i}.neurons.{j}.w.{k}`` and ``layers.{i}.neurons.{j}.b``.

``state_dict()`` / ``load_state_dict()`` speak PyTorch instead: float64
numpy arrays named as in ``torch.nn``. A ``Layer`` is an ``nn.Linear``
(``weight`` of shape (nout, nin), ``bias`` (nout,)), a ``Neuron`` a
``Linear(nin, 1)``, and an ``MLP`` the ``nn.Sequential`` that
``engine.interop.to_torch`` builds: layer i's Linear at index 2i and its
activation at 2i + 1, so the keys are "0.weight", "0.bias", "2.weight", ...
(whatever the activation). ``load_state_dict`` takes numpy arrays, nested
lists or torch tensors (a torch ``state_dict()`` as it is).

Initialisations (``INITS``), all with bias 0 and drawn uniformly:

* ``"micrograd"``: weights uniform(-1, 1), micrograd's choice.
* ``"xavier"``: Glorot uniform, uniform(-a, a) with a = sqrt(6 / (nin + nout)).
* ``"he"``: He (Kaiming) uniform for ReLU, uniform(-a, a) with a = sqrt(6 / nin).

``resolve_init`` turns the config's "auto" into one of them: micrograd's for
networks of up to AUTO_INIT_MAX_INPUTS inputs (its demo, the 2-D datasets),
Glorot's beyond, where uniform(-1, 1) weights on many inputs start with
sums far too large to train (scikit-learn's MLP uses Glorot's too).

Fused and unfused neurons compute the same numbers:

* fused (the default, for training): ReLU and linear neurons are one node
  ``act(b + w0*x0 + w1*x1 + ...)`` whose parents are the weights, the bias
  and the inputs that are Values (plain-number inputs are constants).
  tanh and sigmoid neurons are one ``neuron`` node for the weighted sum plus
  the activation node, so that their gradients round exactly like the
  unfused chain.
* unfused (for the graph view): micrograd's chain of individual ``*`` and
  ``+`` nodes and an activation node.

The sum is added in micrograd's order, ((b + w0*x0) + w1*x1) + ..., so
values are identical bit for bit to micrograd and to the unfused chain.
"""

from __future__ import annotations

import math
import numbers
import operator
import random
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

from engine.ieee import ieee_float
from engine.value import Value, _split_node

__all__ = [
    "ACTIVATIONS",
    "AUTO_INIT_MAX_INPUTS",
    "INITS",
    "MLP",
    "IncompatibleKeys",
    "Layer",
    "Module",
    "Neuron",
    "resolve_init",
]

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
INITS = ("micrograd", "xavier", "he")
AUTO_INIT_MAX_INPUTS = 3


def resolve_init(init: str, nin: int) -> str:
    """The initialisation "auto" means for a network with ``nin`` inputs (others as given)."""
    if init != "auto":
        return init
    return "micrograd" if nin <= AUTO_INIT_MAX_INPUTS else "xavier"


_ONE = (1.0,)
_mul = operator.mul

# Before Python 3.12, sum() adds floats plainly left to right: micrograd's
# order, bit for bit, and faster than a Python loop. From 3.12 it compensates
# rounding (more accurate, but not micrograd's numbers), so there we loop.
_SEQUENTIAL_SUM = sys.version_info < (3, 12)
_NEURON_NAMES = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "linear": "Linear"}


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(strict=False)`` skipped, as PyTorch returns it."""

    missing_keys: list[str]
    unexpected_keys: list[str]


class Module:
    """Base class: something with named parameters (Values).

    A subclass lists its parameters in ``named_parameters()``; one written
    for micrograd, that only overrides ``parameters()``, works too (its
    parameters are then named "0", "1", ...).
    """

    def named_parameters(self) -> list[tuple[str, Value]]:
        """(name, parameter) pairs in micrograd's order."""
        if type(self).parameters is not Module.parameters:  # a micrograd-style subclass
            return [(str(k), p) for k, p in enumerate(self.parameters())]
        return []

    def parameters(self) -> list[Value]:
        """The parameters in micrograd's order."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0.0 (gradients accumulate)."""
        for p in self.parameters():
            p.grad = 0.0

    def _tensors(self) -> list[tuple[str, tuple[int, ...], list[Value]]]:
        """(PyTorch name, shape, parameters in row-major order) of each tensor.

        By default every parameter is a 0-d tensor under its own name;
        Neuron, Layer and MLP group them as torch.nn does.
        """
        return [(name, (), [p]) for name, p in self.named_parameters()]

    def state_dict(self) -> dict[str, np.ndarray]:
        """Every weight as a float64 numpy array, named as in PyTorch (a copy)."""
        return {
            name: np.array([p.data for p in params], dtype=np.float64).reshape(shape)
            for name, shape, params in self._tensors()
        }

    def load_state_dict(
        self, state_dict: Mapping[str, Any], strict: bool = True
    ) -> IncompatibleKeys:
        """Set the weights from ``state_dict()`` output, or from PyTorch's.

        Values may be numpy arrays, nested lists or torch tensors. Every
        value is checked before any weight changes (all or nothing):
        ValueError names a missing or unexpected key (unless ``strict`` is
        False), a shape that does not fit or a non-finite weight. Returns
        the keys skipped, like PyTorch.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(
                "load_state_dict takes a mapping of names to arrays, "
                f"got {type(state_dict).__name__}"
            )
        tensors = self._tensors()
        names = [name for name, _, _ in tensors]
        missing = [name for name in names if name not in state_dict]
        unexpected = [key for key in state_dict if key not in set(names)]
        if strict and (missing or unexpected):
            what = f"missing key {missing[0]!r}" if missing else f"unexpected key {unexpected[0]!r}"
            raise ValueError(
                f"the state_dict does not fit {type(self).__name__}: {what} "
                f"(expected {', '.join(names)})"
            )
        updates: list[tuple[list[Value], list[float]]] = []
        for name, shape, params in tensors:
            if name in state_dict:
                updates.append((params, _checked_tensor(name, state_dict[name], shape)))
        for params, values in updates:
            for p, value in zip(params, values, strict=True):
                p.data = value
        return IncompatibleKeys(missing, unexpected)


def _checked_tensor(name: str, value: Any, shape: tuple[int, ...]) -> list[float]:
    """``value`` as a flat list of floats in row-major order; ValueError if it does not fit."""
    if hasattr(value, "detach"):  # a torch tensor, maybe on a GPU or requiring grad
        value = value.detach().cpu().double().numpy()
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} is not an array of numbers: {exc}") from None
    if array.shape != shape:
        raise ValueError(
            f"size mismatch for {name}: the state_dict has shape {tuple(array.shape)}, "
            f"this model needs {shape}"
        )
    if not np.isfinite(array).all():
        raise ValueError(f"{name} holds NaN or infinite values; a model needs finite weights")
    return array.ravel().tolist()


def _uniform_source(rng: random.Random | None) -> Callable[[float, float], float]:
    """Where initial weights are drawn: ``rng``, or Python's global random like micrograd."""
    return (rng or random).uniform


def _activation_of(activation: str | bool, nonlin: bool | None) -> str:
    """Engine's activation name from engine's ``activation`` and micrograd's ``nonlin``.

    micrograd passes ``nonlin`` by keyword (``Layer(nin, nout, nonlin=False)``)
    or as the second argument (``Neuron(nin, False)``): True is ReLU and
    False linear.
    """
    if isinstance(activation, bool):  # Neuron(nin, True): micrograd's positional nonlin
        if nonlin is not None and nonlin != activation:
            raise ValueError(f"nonlin given twice, as {activation} and {nonlin}")
        activation, nonlin = "relu", activation
    _check_activation(activation)
    if nonlin is None:
        return activation
    if not isinstance(nonlin, bool):
        raise ValueError(f"nonlin must be True or False (micrograd's flag), got {nonlin!r}")
    if not nonlin:
        if activation not in ("relu", "linear"):
            raise ValueError(
                f"nonlin=False (linear) contradicts activation={activation!r}; give one of them"
            )
        return "linear"
    if activation == "linear":
        raise ValueError("nonlin=True contradicts activation='linear'; give one of them")
    return activation


def _check_activation(activation: str) -> None:
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}"
        )


def _prepare_inputs(
    x: Sequence[Value | float], nin: int
) -> tuple[tuple[float, ...], tuple[Value, ...], tuple[int, ...] | None]:
    """Split inputs into their float values, the Value inputs and their positions.

    Positions are None when every input is a Value (the common case past the
    first layer), which lets the fused neuron reuse its weight list as is.
    """
    if hasattr(x, "tolist"):  # a numpy row: plain floats are much faster to use
        x = x.tolist()
    if len(x) != nin:
        raise ValueError(f"expected {nin} inputs, got {len(x)}")
    data: list[float] = []
    values: list[Value] = []
    positions: list[int] = []
    for k, v in enumerate(x):
        if isinstance(v, Value):
            data.append(v.data)
            values.append(v)
            positions.append(k)
        elif type(v) is float:
            data.append(v)
        elif isinstance(v, numbers.Real):
            data.append(ieee_float(v))  # 10 ** 400 is inf, not an OverflowError
        else:
            raise TypeError(f"input {k} is a {type(v).__name__}; inputs must be numbers or Values")
    return tuple(data), tuple(values), (None if len(values) == nin else tuple(positions))


class Neuron(Module):
    """One neuron: activation(b + sum of w_k * x_k).

    ``Neuron(nin, nonlin=True)`` is micrograd's (ReLU, or linear with
    ``nonlin=False``); without ``weights`` they are drawn uniform(-1, 1)
    from ``rng``, or from Python's global ``random`` as micrograd does.
    """

    def __init__(
        self,
        nin: int,
        activation: str | bool = "relu",
        *,
        nonlin: bool | None = None,
        weights: Sequence[float] | None = None,
        bias: float = 0.0,
        rng: random.Random | None = None,
        fused: bool = True,
    ) -> None:
        activation = _activation_of(activation, nonlin)
        if weights is None:
            draw = _uniform_source(rng)
            weights = [draw(-1.0, 1.0) for _ in range(nin)]
        if len(weights) != nin:
            raise ValueError(f"a neuron with {nin} inputs needs {nin} weights, got {len(weights)}")
        self.nin = nin
        self.activation = activation
        self.fused = fused
        self.w = [Value(wk, label=f"w.{k}") for k, wk in enumerate(weights)]
        self.b = Value(bias, label="b")
        self._params = (*self.w, self.b)  # the fused node's _leaves (never copied)

    def __call__(self, x: Sequence[Value | float]) -> Value:
        if not self.fused:
            return self._forward_unfused(x)
        xd, xvalues, positions = _prepare_inputs(x, self.nin)
        return self._forward_fused(xd, xd + _ONE, xvalues, positions, self.weight_data())

    def weight_data(self) -> tuple[float, ...]:
        """The current weights as floats (a snapshot; read once per forward)."""
        return tuple([w.data for w in self.w])

    def _forward_fused(
        self,
        xd: tuple[float, ...],
        xd_one: tuple[float, ...],
        xvalues: tuple[Value, ...],
        positions: tuple[int, ...] | None,
        wd: tuple[float, ...],
    ) -> Value:
        """One node for the whole neuron; ``xd_one`` is ``xd + (1.0,)``."""
        # micrograd's order: ((b + w0*x0) + w1*x1) + ...
        if _SEQUENTIAL_SUM:
            s = sum(map(_mul, wd, xd), self.b.data)
        else:
            s = self.b.data
            # equal lengths by construction; zip(strict=...) is slower to create
            for wk, xk in zip(wd, xd):  # noqa: B905
                s += wk * xk
        activation = self.activation
        if activation == "relu" and s <= 0.0:
            # Inactive: value 0 and no gradient flows (empty local derivatives).
            return _split_node(0.0, "neuron_relu", self._params, (), xvalues, ())
        # d/dw_k = x_k and d/db = 1 (xd_one, shared by the layer's neurons);
        # d/dx_k = w_k for the inputs that are Values (wd, shared by the samples).
        if positions is None:
            dinputs = wd
        elif positions:
            dinputs = tuple([wd[k] for k in positions])
        else:
            dinputs = ()
        if activation == "relu":
            return _split_node(s, "neuron_relu", self._params, xd_one, xvalues, dinputs)
        out = _split_node(s, "neuron", self._params, xd_one, xvalues, dinputs)
        if activation == "linear":
            return out
        return out.tanh() if activation == "tanh" else out.sigmoid()

    def _forward_unfused(self, x: Sequence[Value | float]) -> Value:
        if hasattr(x, "tolist"):
            x = x.tolist()
        if len(x) != self.nin:
            raise ValueError(f"expected {self.nin} inputs, got {len(x)}")
        act = sum((wk * xk for wk, xk in zip(self.w, x, strict=True)), self.b)
        if self.activation == "linear":
            return act
        return getattr(act, self.activation)()

    @property
    def nonlin(self) -> bool:
        """micrograd's flag: True unless the neuron is linear."""
        return self.activation != "linear"

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [(f"w.{k}", w) for k, w in enumerate(self.w)] + [("b", self.b)]

    def parameters(self) -> list[Value]:
        # micrograd's w + [b], without making the names (a big network has millions)
        return [*self.w, self.b]

    def _tensors(self) -> list[tuple[str, tuple[int, ...], list[Value]]]:
        # torch.nn.Linear(nin, 1)
        return [("weight", (1, self.nin), self.w), ("bias", (1,), [self.b])]

    def __repr__(self) -> str:
        return f"{_NEURON_NAMES[self.activation]}Neuron({self.nin})"


def _initial_weights(
    init: str, nin: int, nout: int, draw: Callable[[float, float], float]
) -> list[float]:
    if init == "micrograd":
        limit = 1.0
    elif init == "xavier":
        limit = math.sqrt(6.0 / (nin + nout))
    elif init == "he":
        limit = math.sqrt(6.0 / nin)
    else:
        raise ValueError(f"unknown init {init!r}; choose one of {', '.join(INITS)}")
    return [draw(-limit, limit) for _ in range(nin)]


class Layer(Module):
    """A fully connected layer of ``nout`` neurons, each seeing all ``nin`` inputs.

    ``Layer(nin, nout, nonlin=False)`` is micrograd's; weights come from
    ``rng``, or from Python's global ``random`` as in micrograd.
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str | bool = "relu",
        *,
        nonlin: bool | None = None,
        init: str = "micrograd",
        rng: random.Random | None = None,
        fused: bool = True,
    ) -> None:
        activation = _activation_of(activation, nonlin)
        self.nin = nin
        self.nout = nout
        self.activation = activation
        self.fused = fused
        # Neuron by neuron, weights in order: micrograd's draw order.
        self.neurons = [
            Neuron(
                nin,
                activation,
                weights=_initial_weights(init, nin, nout, _uniform_source(rng)),
                fused=fused,
            )
            for _ in range(nout)
        ]

    def weight_data(self) -> list[tuple[float, ...]]:
        """Each neuron's current weights as floats (a snapshot for a forward)."""
        return [n.weight_data() for n in self.neurons]

    def forward(
        self, x: Sequence[Value | float], weight_data: list[tuple[float, ...]] | None = None
    ) -> list[Value]:
        """The outputs of every neuron, always as a list.

        ``weight_data`` (from ``weight_data()``) saves re-reading the weights
        when many samples go through the same weights (``MLP.forward_batch``).
        """
        if not self.fused:
            return [n._forward_unfused(x) for n in self.neurons]
        xd, xvalues, positions = _prepare_inputs(x, self.nin)  # once for all neurons
        xd_one = xd + _ONE
        if weight_data is None:
            weight_data = self.weight_data()
        elif len(weight_data) != self.nout:
            raise ValueError(f"weight_data has {len(weight_data)} entries for {self.nout} neurons")
        return [
            n._forward_fused(xd, xd_one, xvalues, positions, wd)
            for n, wd in zip(self.neurons, weight_data)  # noqa: B905 - hot path, same lengths
        ]

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        out = self.forward(x)
        return out[0] if len(out) == 1 else out

    def set_fused(self, fused: bool) -> None:
        self.fused = fused
        for n in self.neurons:
            n.fused = fused

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in n.parameters()]

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [
            (f"neurons.{j}.{name}", p)
            for j, n in enumerate(self.neurons)
            for name, p in n.named_parameters()
        ]

    def _tensors(self) -> list[tuple[str, tuple[int, ...], list[Value]]]:
        # torch.nn.Linear(nin, nout): one row of weight per neuron
        weight = [w for n in self.neurons for w in n.w]
        return [
            ("weight", (self.nout, self.nin), weight),
            ("bias", (self.nout,), [n.b for n in self.neurons]),
        ]

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


def _check_int(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")


class MLP(Module):
    """A multi-layer perceptron; the last layer is linear (micrograd's MLP).

    ``seed`` None (the default) draws the weights from Python's global
    ``random`` like micrograd; an integer draws them from a private
    ``random.Random(seed)``.
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "relu",
        init: str = "micrograd",
        seed: int | None = None,
        fused: bool = True,
    ) -> None:
        _check_int("nin", nin)
        nouts = list(nouts)
        if not nouts:
            raise ValueError("nouts must list at least one layer size, e.g. [16, 16, 1]")
        for i, n in enumerate(nouts):
            _check_int(f"layer {i} size", n)
        _check_activation(activation)
        if init not in INITS:
            raise ValueError(f"unknown init {init!r}; choose one of {', '.join(INITS)}")
        self.nin = int(nin)
        self.nouts = [int(n) for n in nouts]
        self.activation = activation
        self.init = init
        self.seed = seed
        self.fused = fused
        rng = None if seed is None else random.Random(seed)
        sizes = [self.nin, *self.nouts]
        last = len(self.nouts) - 1
        self.layers = [
            Layer(
                sizes[i],
                sizes[i + 1],
                activation if i != last else "linear",
                init=init,
                rng=rng,
                fused=fused,
            )
            for i in range(len(self.nouts))
        ]
        for name, p in self.named_parameters():
            p.label = name

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        """Forward one sample; a single Value when the last layer has one neuron."""
        for layer in self.layers:
            x = layer.forward(x)
        return x[0] if len(x) == 1 else x

    def forward_batch(self, rows: Sequence[Sequence[Value | float]]) -> list[Value | list[Value]]:
        """``[self(x) for x in rows]``, faster: each layer reads its weights once.

        Same nodes and values as calling the model on each row in turn.
        """
        if hasattr(rows, "tolist"):  # a numpy array
            rows = rows.tolist()
        outputs = list(rows)
        for layer in self.layers:
            weight_data = layer.weight_data() if layer.fused else None
            outputs = [layer.forward(x, weight_data) for x in outputs]
        return [out[0] if len(out) == 1 else out for out in outputs]

    def set_fused(self, fused: bool) -> None:
        """Fused nodes (fast) or micrograd's chain of * and + nodes (graph view)."""
        self.fused = fused
        for layer in self.layers:
            layer.set_fused(fused)

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [
            (f"layers.{i}.{name}", p)
            for i, layer in enumerate(self.layers)
            for name, p in layer.named_parameters()
        ]

    def _tensors(self) -> list[tuple[str, tuple[int, ...], list[Value]]]:
        # engine.interop.to_torch's nn.Sequential: Linear i at 2i, its activation at 2i + 1
        return [
            (f"{2 * i}.{name}", shape, params)
            for i, layer in enumerate(self.layers)
            for name, shape, params in layer._tensors()
        ]

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"
