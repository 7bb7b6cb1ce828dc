"""One numbering on screen: layers, neurons, weights and inputs counted from 1.

The engine names parameters from 0 (``layers.0.neurons.5.w.1``, as micrograd
and PyTorch do) and model files keep those names. Everything a user reads
counts from 1, as the layer form does: that parameter is "layer 1, neuron 6,
weight 2" (``L1.N6.w2`` where space is short), the input ``x.0`` is x1. The
output layer is the last layer (layer 3 of MLP(2, [16, 16, 1])).

Plain strings and regular expressions, no Qt: the worker, the graph explorer
and the widgets all use it.
"""

from __future__ import annotations

import re

__all__ = [
    "input_name",
    "layer_title",
    "long_name",
    "neuron_name",
    "parameter_name",
    "short_name",
]

_PARAMETER = re.compile(r"^layers\.(\d+)\.neurons\.(\d+)(?:\.(w)\.(\d+)|\.(b))?(.*)$")
_INPUT = re.compile(r"^x\.(\d+)$")
# A clicked sample's input features and scaled inputs (engine.preprocessing's labels).
_PREPROCESSED = re.compile(r"^(feature|scaled)\.(.+)$")


def parameter_name(layer: int, neuron: int, weight: int | None = None) -> str:
    """The engine's name of a weight (``weight`` = input index) or, without one, the bias."""
    if weight is None:
        return f"layers.{layer}.neurons.{neuron}.b"
    return f"layers.{layer}.neurons.{neuron}.w.{weight}"


def input_name(index: int, names: tuple[str, ...] = ()) -> str:
    """Input ``index`` (from 0) as shown: its feature name, else x1, x2, ..."""
    if 0 <= index < len(names) and names[index]:
        return names[index]
    return f"x{index + 1}"


def neuron_name(layer: int, neuron: int, n_layers: int = 0) -> str:
    """``layer 1, neuron 6`` for (0, 5); the last of ``n_layers`` layers is the output."""
    if n_layers and layer == n_layers - 1:
        return f"output layer, neuron {neuron + 1}"
    return f"layer {layer + 1}, neuron {neuron + 1}"


def layer_title(layer: int, n_layers: int = 0) -> str:
    """``layer 1`` for 0; ``output layer`` for the last of ``n_layers``."""
    if n_layers and layer == n_layers - 1:
        return "output layer"
    return f"layer {layer + 1}"


def short_name(name: str) -> str:
    """An engine name as a short label: ``layers.0.neurons.5.w.1`` -> ``L1.N6.w2``, ``x.0`` -> x1.

    Input features read as the toggles show them (``feature.x1^2`` -> x1²), scaled
    inputs with the word (``scaled.sin(x1)`` -> sin(x1) scaled).

    Names that are not parameters or inputs come back unchanged.
    """
    match = _PARAMETER.match(name)
    if match:
        layer, neuron, w, k, b, rest = match.groups()
        text = f"L{int(layer) + 1}.N{int(neuron) + 1}"
        if w:
            text += f".w{int(k) + 1}"
        elif b:
            text += ".b"
        return text + rest
    match = _INPUT.match(name)
    if match:
        return f"x{int(match.group(1)) + 1}"
    match = _PREPROCESSED.match(name)
    if match:
        # Written as the input toggles write them (TensorFlow Playground's x1², x1·x2).
        kind, feature = match.groups()
        pretty = feature.replace("^2", "²").replace("*", "·")
        return pretty if kind == "feature" else f"{pretty} scaled"
    return name


def long_name(name: str, n_layers: int = 0) -> str:
    """An engine name in words: ``layers.0.neurons.5.w.1`` -> layer 1, neuron 6, weight 2."""
    match = _PARAMETER.match(name)
    if match:
        layer, neuron, w, k, b, rest = match.groups()
        text = neuron_name(int(layer), int(neuron), n_layers)
        if w:
            text += f", weight {int(k) + 1}"
        elif b:
            text += ", bias"
        return text + (f" ({rest.lstrip('.')})" if rest else "")
    return short_name(name)
