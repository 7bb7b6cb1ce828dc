"""Refuse, before building anything, a training step too big for a scalar engine.

A training step builds one graph over the whole batch. Two numbers bound it:

* nodes: with fused neurons (engine.nn's default) every sample adds one node
  per ReLU/linear neuron (two for tanh/sigmoid: the sum and the activation),
  plus one node per parameter and three for loss, penalty and total (one
  without a penalty);
* work: parameter-input products, ``samples x parameters``. Each product is
  a float multiply in the forward pass, a stored edge (parent slot plus local
  derivative, about 40 bytes) and a multiply-add in backward, so it sets both
  the time and most of the memory of a step.

The graph view draws micrograd's unfused chain instead (a ``*`` and a ``+``
node per weight): about ``2 x weights`` nodes per sample, see
:func:`estimate_unfused_nodes`.

Measured here (engine of this repository, CPython 3.11, benchmarks/
bench_trainer.py): about 3.5 microseconds per node plus 0.15 per product, and
30-40 bytes per product plus about 150 bytes per node. Those figures turn
the estimate into the seconds and megabytes quoted in the error message;
they are rough by design (a factor of two either way). The default limits
(TrainConfig.max_nodes = 2 million, max_work = 20 million) keep one step
under about 1 GB and roughly 15 seconds.

The vectorized execution (engine.executions) builds no graph: a step keeps
a few arrays of ``batch x layer width`` floats (plus the MLP's Values, one
per parameter, that the graph view and saving read) and does three
multiply-adds per parameter-input product (forward, and two in backward) in
numpy's compiled loops. It is held to the same budgets of time and memory, which
lets it take VECTORIZED_WORK_FACTOR times the products (measured:
benchmarks/bench_vectorized.py) and refuses only what would not fit in the
memory the scalar limits allow.

``choose_execution`` resolves the config's "auto": vectorized as soon as the
batch is large enough to gain, that is when the scalar step is estimated at
AUTO_VECTORIZED_SECONDS or more, about four times what a vectorized step
costs at the least (numpy's per-call overhead, the test metrics); the
scalar graph for smaller steps (a few samples, a minibatch of 8), where
numpy's overhead would eat the gain. micrograd's demo (100 samples x 337
parameters, ~18 ms a scalar step) runs vectorized under "auto"; its preset
says "scalar", so it stays micrograd's arithmetic to the last bit. Both
executions compute the same numbers (tests/engine/test_vectorized.py).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from engine.config import ConfigError, TrainConfig

__all__ = [
    "AUTO_VECTORIZED_SECONDS",
    "BYTES_PER_NODE",
    "BYTES_PER_PRODUCT",
    "GENERIC_ADVICE",
    "PARAMETER_NODE_SHARE",
    "SECONDS_PER_NODE",
    "SECONDS_PER_PARAMETER",
    "SECONDS_PER_PRODUCT",
    "VECTORIZED_WORK_FACTOR",
    "SizeError",
    "SizeEstimate",
    "check_size",
    "choose_execution",
    "estimate_nodes",
    "estimate_size",
    "estimate_unfused_nodes",
    "estimate_work",
]

SECONDS_PER_NODE = 3.5e-6
SECONDS_PER_PRODUCT = 1.5e-7
BYTES_PER_PRODUCT = 40.0
BYTES_PER_NODE = 150.0
#: Vectorized: seconds per product (three multiply-adds) and floats kept per
#: sample and layer unit (sum, output, gradient, a temporary).
VECTOR_SECONDS_PER_PRODUCT = 3e-9
VECTOR_FLOATS_PER_UNIT = 4
VECTORIZED_WORK_FACTOR = 100
AUTO_VECTORIZED_SECONDS = 0.002
#: Every parameter is a Value made with the model and kept for the whole run (the graph
#: view and saving read them), whichever execution trains it; the worker answers no
#: command while it builds them. Measured here: about 7 microseconds each (14 on a
#: loaded machine), so at most max_nodes / PARAMETER_NODE_SHARE parameters (500,000 by
#: default) keeps the build to a few seconds.
SECONDS_PER_PARAMETER = 7e-6
PARAMETER_NODE_SHARE = 4
GENERIC_ADVICE = (
    "use fewer samples, a smaller batch size or smaller layers, "
    "or raise the limit if you have the memory and patience"
)


class SizeError(ConfigError):
    """The configuration would not fit in memory or take too long per step.

    ``need`` says what the step would cost and which limit it passes; the
    advice after it is worded for whoever shows the error (a command line
    names its options, a window its fields): see :meth:`with_advice`.
    """

    def __init__(self, field: str, need: str, advice: str = GENERIC_ADVICE) -> None:
        super().__init__(field, f"{need}; {advice}")
        self.need = need

    def with_advice(self, advice: str) -> str:
        """The message with other advice: ``"<need>; <advice>"`` (one line, no field prefix)."""
        return f"{self.need}; {advice}"


@dataclass(frozen=True)
class SizeEstimate:
    """What one training step of a configuration costs (estimates).

    ``nodes`` are those of the scalar graph (0 for the vectorized execution,
    which builds none); ``floats`` the vectorized step's working arrays.
    """

    nodes: int
    work: int
    parameters: int
    batch: int
    execution: str = "scalar"
    floats: int = 0

    @property
    def megabytes(self) -> float:
        """Approximate peak memory of one step (the graph, or the arrays)."""
        if self.execution == "vectorized":
            # the arrays, eight float vectors of parameters (weights, gradients, optimizer
            # state, save point), and the MLP's Values that the graph view reads
            floats = self.floats + 8 * self.parameters
            return (floats * 8 + self.parameters * BYTES_PER_NODE) / 1e6
        return (self.nodes * BYTES_PER_NODE + self.work * BYTES_PER_PRODUCT) / 1e6

    @property
    def seconds(self) -> float:
        """Approximate seconds per step on this engine."""
        if self.execution == "vectorized":
            return self.work * VECTOR_SECONDS_PER_PRODUCT
        return self.nodes * SECONDS_PER_NODE + self.work * SECONDS_PER_PRODUCT

    def describe(self) -> str:
        """One phrase for messages: nodes, products, memory and time."""
        if self.execution == "vectorized":
            return (
                f"{self.work:,} parameter-input products per step, vectorized "
                f"(batch {self.batch} x {self.parameters:,} parameters; "
                f"about {self.megabytes:,.0f} MB and {self.seconds:.2g} s per step)"
            )
        return (
            f"{self.nodes:,} nodes and {self.work:,} parameter-input products per step "
            f"(batch {self.batch} x {self.parameters:,} parameters; "
            f"about {self.megabytes:,.0f} MB and {self.seconds:.2g} s per step)"
        )


def _sizes(config: TrainConfig, nin: int, nout: int) -> list[int]:
    return [int(nin), *(int(n) for n in config.layers), int(nout)]


def _parameter_count(sizes: list[int]) -> int:
    return sum((a + 1) * b for a, b in itertools.pairwise(sizes))


def batch_samples(config: TrainConfig, n_samples: int) -> int:
    """Samples in one step's graph: the batch size, or all of them for full batch."""
    if config.batch_size:
        return min(int(config.batch_size), int(n_samples))
    return int(n_samples)


def estimate_nodes(config: TrainConfig, n_samples: int, nin: int, nout: int) -> int:
    """Nodes in one training step's fused graph; ``n_samples`` is the training set size."""
    sizes = _sizes(config, nin, nout)
    per_neuron = 2 if config.activation in ("tanh", "sigmoid") else 1
    hidden = sum(sizes[1:-1])
    per_sample = hidden * per_neuron + nout
    loss_nodes = 1 if config.reg == "none" else 3  # loss, or loss + penalty + their sum
    return batch_samples(config, n_samples) * per_sample + _parameter_count(sizes) + loss_nodes


def estimate_work(config: TrainConfig, n_samples: int, nin: int, nout: int) -> int:
    """Parameter-input products per step: samples in the batch x parameters."""
    return batch_samples(config, n_samples) * _parameter_count(_sizes(config, nin, nout))


def estimate_unfused_nodes(
    layers: tuple[int, ...] | list[int], nin: int, nout: int, activation: str, n_samples: int = 1
) -> int:
    """Nodes of micrograd's unfused graph (the graph view) for ``n_samples`` samples.

    Per neuron with n inputs: n products, n sums and one activation node
    (none for the linear output layer); plus one leaf per parameter.
    """
    sizes = [int(nin), *(int(n) for n in layers), int(nout)]
    per_sample = 0
    last = len(sizes) - 2
    for i, (a, b) in enumerate(itertools.pairwise(sizes)):
        activation_nodes = 0 if i == last or activation == "linear" else 1
        per_sample += b * (2 * a + activation_nodes)
    return n_samples * per_sample + _parameter_count(sizes)


def estimate_size(
    config: TrainConfig, n_samples: int, nin: int, nout: int, execution: str = "scalar"
) -> SizeEstimate:
    """Nodes (or working floats), work, parameter count and batch of one step."""
    sizes = _sizes(config, nin, nout)
    batch = batch_samples(config, n_samples)
    vectorized = execution == "vectorized"
    return SizeEstimate(
        nodes=0 if vectorized else estimate_nodes(config, n_samples, nin, nout),
        work=estimate_work(config, n_samples, nin, nout),
        parameters=_parameter_count(sizes),
        batch=batch,
        execution="vectorized" if vectorized else "scalar",
        floats=batch * (2 * sizes[0] + VECTOR_FLOATS_PER_UNIT * sum(sizes[1:]))
        if vectorized
        else 0,
    )


def choose_execution(config: TrainConfig, n_samples: int, nin: int, nout: int) -> tuple[str, str]:
    """The execution the config means for this data, and why when "auto" chose it."""
    if config.execution != "auto":
        return config.execution, ""
    estimate = estimate_size(config, n_samples, nin, nout)
    size = f"{estimate.batch:,} samples x {estimate.parameters:,} parameters per step"
    if estimate.seconds >= AUTO_VECTORIZED_SECONDS:
        return "vectorized", f"auto: {size}"
    return "scalar", f"auto: {size}, too small for numpy to gain"


def check_size(
    config: TrainConfig, n_samples: int, nin: int, nout: int, execution: str = "scalar"
) -> SizeEstimate:
    """The estimate, or SizeError (field max_nodes or max_work) when over a limit.

    Any execution: at most max_nodes / PARAMETER_NODE_SHARE parameters (the model's
    Values take that long to build).

    The vectorized execution may do VECTORIZED_WORK_FACTOR times ``max_work``
    products, in the memory the scalar limits allow.
    """
    estimate = estimate_size(config, n_samples, nin, nout, execution)
    if execution == "vectorized":
        return _check_parameters(config, _check_vectorized(config, estimate))
    if estimate.nodes > config.max_nodes:
        raise SizeError(
            "max_nodes",
            f"this network needs {estimate.describe()}, over the limit of "
            f"{config.max_nodes:,} nodes",
        )
    if estimate.work > config.max_work:
        raise SizeError(
            "max_work",
            f"this network needs {estimate.describe()}, over the limit of "
            f"{config.max_work:,} products",
        )
    return _check_parameters(config, estimate)


def _check_parameters(config: TrainConfig, estimate: SizeEstimate) -> SizeEstimate:
    most = config.max_nodes // PARAMETER_NODE_SHARE
    if estimate.parameters > most:
        raise SizeError(
            "max_nodes",
            f"this network has {estimate.parameters:,} parameters, over the limit of "
            f"{most:,} (max_nodes / {PARAMETER_NODE_SHARE}): each is a Value built with the "
            f"model, about {estimate.parameters * SECONDS_PER_PARAMETER:.2g} s for this one",
            "use smaller layers, or raise the limit if you have the memory and patience",
        )
    return estimate


def _check_vectorized(config: TrainConfig, estimate: SizeEstimate) -> SizeEstimate:
    limit = config.max_work * VECTORIZED_WORK_FACTOR
    if estimate.work > limit:
        raise SizeError(
            "max_work",
            f"this network needs {estimate.describe()}, over the vectorized limit of "
            f"{limit:,} products ({VECTORIZED_WORK_FACTOR} x max_work)",
        )
    budget = (config.max_nodes * BYTES_PER_NODE + config.max_work * BYTES_PER_PRODUCT) / 1e6
    if estimate.megabytes > budget:
        raise SizeError(
            "max_nodes",
            f"this network needs {estimate.describe()}, over the memory the limits allow "
            f"({budget:,.0f} MB for max_nodes {config.max_nodes:,} and max_work "
            f"{config.max_work:,})",
        )
    return estimate
