"""engine: a fast, exact scalar autograd engine with a small nn library.

``from engine import Value`` gives micrograd's ``Value``; ``engine.nn``
holds ``Module``, ``Neuron``, ``Layer`` and ``MLP``. Submodules:
``value`` (the autograd node), ``ieee`` (math without exceptions),
``graph`` (order, edges, DOT), ``nn``, ``losses``, ``optim`` (optimizers
and schedules), ``fast`` (numpy forward) and ``modelio`` (JSON model files).
"""

from __future__ import annotations

from engine import fast, graph, ieee, losses, modelio, nn, optim, value
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
    "losses",
    "modelio",
    "nn",
    "optim",
    "value",
]
