"""Move an MLP to PyTorch and back: ``to_torch(model)`` and ``from_torch(sequential)``.

``to_torch(MLP(2, [16, 16, 1]))`` is, in float64::

    nn.Sequential(
        nn.Linear(2, 16), nn.ReLU(),     # 0, 1
        nn.Linear(16, 16), nn.ReLU(),    # 2, 3
        nn.Linear(16, 1),                # 4 (micrograd's MLP ends linear)
    )

with the model's weights, so its outputs equal the engine's within 1e-12
and its ``state_dict()`` keys are those of ``MLP.state_dict()`` ("0.weight",
"0.bias", "2.weight", ...). A hidden layer with the "linear" activation
gets an ``nn.Identity()`` so that the indices stay the same.

``from_torch`` takes an ``nn.Sequential`` of ``nn.Linear`` layers, each
followed by the same activation (``nn.ReLU``, ``nn.Tanh``, ``nn.Sigmoid``,
or none), the last one by none (``nn.Identity`` counts as none), and builds
the engine's MLP with those weights (any dtype or device; read as float64).
A single ``nn.Linear`` works too. Anything else raises ValueError naming
the module that does not fit.

PyTorch is an optional extra (``pip install "microgui-sandbox[torch]"``);
it is imported only when these functions run, and without it they raise
ImportError in one line saying so.
"""

from __future__ import annotations

from typing import Any

from engine.nn import MLP

__all__ = ["from_torch", "to_torch"]

_INSTALL_HINT = 'pip install "microgui-sandbox[torch]" (or pip install torch)'


def _import_torch() -> Any:
    try:
        import torch
    except ImportError:
        raise ImportError(
            f"engine.interop needs PyTorch, which is not installed: {_INSTALL_HINT}"
        ) from None
    return torch


def _activation_modules(torch: Any) -> dict[str, Any]:
    """engine activation name -> torch module class (None: no module)."""
    return {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid}


def to_torch(model: MLP) -> Any:
    """A float64 ``torch.nn.Sequential`` computing the same function as ``model``."""
    if not isinstance(model, MLP):
        raise TypeError(f"to_torch takes an engine.nn.MLP, got {type(model).__name__}")
    torch = _import_torch()
    activations = _activation_modules(torch)
    state = model.state_dict()
    modules = []
    last = len(model.layers) - 1
    for i, layer in enumerate(model.layers):
        linear = torch.nn.Linear(layer.nin, layer.nout, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(state[f"{2 * i}.weight"]))
            linear.bias.copy_(torch.from_numpy(state[f"{2 * i}.bias"]))
        modules.append(linear)
        if i != last:
            module = activations.get(layer.activation, torch.nn.Identity)
            modules.append(module())
    return torch.nn.Sequential(*modules)


def _activation_name(module: Any, activations: dict[str, Any]) -> str | None:
    for name, cls in activations.items():
        if type(module) is cls:
            return name
    return None


def _describe(index: int, module: Any) -> str:
    return f"module {index} ({type(module).__name__})"


def from_torch(sequential: Any) -> MLP:
    """The engine MLP with the layers and weights of a Linear + activation ``nn.Sequential``."""
    torch = _import_torch()
    nn = torch.nn
    if isinstance(sequential, nn.Linear):
        sequential = nn.Sequential(sequential)
    if not isinstance(sequential, nn.Sequential):
        raise ValueError(
            f"from_torch takes a torch.nn.Sequential of Linear layers and activations, "
            f"got {type(sequential).__name__}"
        )
    activations = _activation_modules(torch)
    linears: list[Any] = []
    after: list[str] = []  # the activation after each Linear ("linear": none)
    for index, module in enumerate(sequential):
        if isinstance(module, nn.Identity):
            continue
        if isinstance(module, nn.Linear):
            linears.append(module)
            after.append("linear")
            continue
        name = _activation_name(module, activations)
        if name is None:
            raise ValueError(
                f"{_describe(index, module)} is not supported: from_torch reads Linear layers "
                "followed by ReLU, Tanh, Sigmoid or nothing"
            )
        if not linears:
            raise ValueError(f"{_describe(index, module)} comes before any Linear layer")
        if after[-1] != "linear":
            raise ValueError(f"{_describe(index, module)} follows another activation")
        after[-1] = name
    if not linears:
        raise ValueError("the Sequential has no Linear layer")
    if after[-1] != "linear":
        raise ValueError(
            f"the last Linear is followed by {after[-1]}, but the engine's MLP ends in a "
            "linear layer (as micrograd's): drop the final activation and apply it to the "
            "output, or use a loss on logits"
        )
    hidden = set(after[:-1])
    if len(hidden) > 1:
        raise ValueError(
            f"the hidden layers use different activations ({', '.join(after[:-1])}); "
            "the engine's MLP uses one activation for every hidden layer"
        )
    activation = hidden.pop() if hidden else "relu"
    for k in range(1, len(linears)):
        if linears[k].in_features != linears[k - 1].out_features:
            raise ValueError(
                f"Linear layer {k} takes {linears[k].in_features} inputs but the layer before "
                f"gives {linears[k - 1].out_features}"
            )
    model = MLP(
        linears[0].in_features,
        [linear.out_features for linear in linears],
        activation=activation,
        seed=0,  # every weight is overwritten below
    )
    state = {}
    for i, linear in enumerate(linears):
        state[f"{2 * i}.weight"] = linear.weight
        # A Linear without a bias adds 0: the engine's neurons get bias 0.
        state[f"{2 * i}.bias"] = (
            linear.bias
            if linear.bias is not None
            else torch.zeros(linear.out_features, dtype=torch.float64)
        )
    model.load_state_dict(state)
    return model
