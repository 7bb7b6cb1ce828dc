"""engine: a fast, exact scalar autograd engine with a small nn library.

``from engine import Value`` gives micrograd's ``Value``; ``engine.nn``
holds ``Module``, ``Neuron``, ``Layer`` and ``MLP`` (micrograd's signatures,
PyTorch's ``state_dict`` names). Submodules: ``value`` (the autograd node),
``ieee`` (math without exceptions), ``graph`` (order, edges, DOT, and
``draw_dot`` for Jupyter), ``nn``, ``losses``, ``optim`` (optimizers and
schedules), ``fast`` (numpy forward), ``modelio`` (JSON model files),
``interop`` (``to_torch`` / ``from_torch``; PyTorch is optional) and
``train`` (the Trainer, for training from arrays).
"""

from __future__ import annotations

from engine import fast, graph, ieee, interop, losses, modelio, nn, optim, value
from engine.nn import MLP, Layer, Module, Neuron
from engine.value import Value

__all__ = [
    "MLP",
    "Layer",
    "Module",
    "Neuron",
    "Value",
    "fast",
    "graph",
    "ieee",
    "interop",
    "losses",
    "modelio",
    "nn",
    "optim",
    "value",
]
