"""The size guard: its node estimate is the real graph's size, and big networks are refused."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import make_blobs, make_moons

from engine.config import ConfigError, TrainConfig
from engine.graph import topological_order
from engine.nn import MLP
from engine.size_guard import (
    SizeError,
    check_size,
    estimate_nodes,
    estimate_unfused_nodes,
    estimate_work,
)
from engine.train import Trainer


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"activation": "tanh", "layers": (5, 3)},
        {"activation": "sigmoid", "reg": "none"},
        {"activation": "linear", "reg": "l1", "layers": (7,)},
        {"batch_size": 6},
        {"loss": "softmax_ce", "layers": (4, 4, 4)},
    ],
)
def test_estimate_equals_the_nodes_of_a_real_step(changes):
    X, y = make_moons(n_samples=30, noise=0.1, random_state=0)
    config = TrainConfig(test_fraction=0.2, execution="scalar", **changes)
    trainer = Trainer(config, X, y, "binary")
    result = trainer.step()
    assert estimate_nodes(trainer.config, 24, 2, trainer.nout) == result.nodes
    assert trainer.size.nodes == result.nodes
    assert estimate_work(trainer.config, 24, 2, trainer.nout) == trainer.size.batch * len(
        trainer.model.parameters()
    )


def test_multiclass_estimate():
    X, y = make_blobs(n_samples=20, centers=3, random_state=0)
    trainer = Trainer(TrainConfig(test_fraction=0, layers=(6,)), X, y, "multiclass")
    assert trainer.size.nodes == trainer.step().nodes


@pytest.mark.parametrize(("layers", "activation"), [((16, 16), "relu"), ((3,), "tanh")])
def test_unfused_estimate_equals_the_graph_view_graph(layers, activation):
    model = MLP(2, [*layers, 1], activation=activation, fused=False)
    out = model([0.3, -0.7])
    graph = topological_order(out)
    assert estimate_unfused_nodes(layers, 2, 1, activation) == len(graph)
    # The demo network's graph view is about the 1,000 nodes issue 7 mentions.
    if layers == (16, 16):
        assert 900 < len(graph) < 1300


def test_big_networks_are_refused_with_the_estimate_before_anything_is_built():
    X = np.random.default_rng(0).normal(size=(1000, 2))
    y = (X[:, 0] > 0).astype(float)
    config = TrainConfig(layers=(4096, 4096), test_fraction=0, execution="scalar")
    with pytest.raises(SizeError) as info:  # raised before 16 million weights are drawn
        Trainer(config, X, y, "binary")
    message = str(info.value)
    assert info.value.field == "max_nodes" and isinstance(info.value, ConfigError)
    assert f"needs {estimate_nodes(config, 1000, 2, 1):,} nodes" in message
    assert "MB" in message and "a smaller batch size" in message and "raise the limit" in message
    assert (
        "--" not in message
    )  # options are the command line's words (microgui.commands.train_command)


def test_work_limit_and_raising_the_limits():
    config = TrainConfig(layers=(1000,), test_fraction=0, max_nodes=10**9)
    with pytest.raises(SizeError) as info:
        check_size(config, 20_000, 2, 1)
    assert info.value.field == "max_work" and "over the limit of 20,000,000 products" in str(
        info.value
    )
    advice = info.value.with_advice("do this instead")
    assert advice.startswith("this network needs ") and advice.endswith("products; do this instead")
    estimate = check_size(config.replace(max_work=10**11), 20_000, 2, 1)
    assert estimate.work == 20_000 * 4001
    assert estimate.megabytes > 1000 and estimate.seconds > 1
    # A minibatch bounds the graph whatever the data size.
    small = check_size(config.replace(batch_size=16), 20_000, 2, 1)
    assert small.batch == 16 and small.work == 16 * 4001


# ---------------------------------------------------------------------- per execution


def test_auto_runs_small_steps_scalar_and_big_ones_vectorized():
    X, y = make_moons(n_samples=100, noise=0.1, random_state=0)
    tiny = Trainer(TrainConfig(test_fraction=0, layers=(4,), batch_size=8), X, y, "binary")
    assert tiny.execution == "scalar" and "too small for numpy to gain" in tiny.execution_reason
    demo = Trainer(TrainConfig(test_fraction=0), X, y, "binary")  # micrograd's demo size
    assert demo.execution == "vectorized"  # ~18 ms a scalar step, under 1 ms vectorized
    X, y = make_moons(n_samples=2000, noise=0.1, random_state=0)
    big = Trainer(TrainConfig(test_fraction=0, layers=(64, 64)), X, y, "binary")
    assert big.execution == "vectorized"
    assert big.execution_reason == "auto: 2,000 samples x 4,417 parameters per step"
    assert big.size.nodes == 0 and big.size.execution == "vectorized"
    chosen = Trainer(TrainConfig(test_fraction=0, execution="scalar"), X, y, "binary")
    assert chosen.execution == "scalar" and chosen.execution_reason == ""
    assert big.step().execution == "vectorized" and chosen.step().execution == "scalar"


def test_the_vectorized_limits_follow_what_numpy_can_do():
    # 100,000 rows x 64 features with 64,64 layers: far over the scalar limits ...
    config = TrainConfig(layers=(64, 64), test_fraction=0)
    with pytest.raises(SizeError) as info:
        check_size(config, 100_000, 64, 1, "scalar")
    assert info.value.field == "max_nodes"
    # ... and well within the vectorized ones: a few hundred MB, about a second per step.
    estimate = check_size(config, 100_000, 64, 1, "vectorized")
    assert estimate.work == 100_000 * (65 * 64 + 65 * 64 + 65)
    assert 50 < estimate.megabytes < 1000 and estimate.seconds < 5
    # The vectorized execution is held to the same time and memory budgets.
    with pytest.raises(SizeError) as info:
        check_size(config.replace(layers=(4096, 4096)), 100_000, 64, 1, "vectorized")
    assert info.value.field == "max_work"
    assert "vectorized limit of 2,000,000,000 products (100 x max_work)" in str(info.value)
    with pytest.raises(SizeError) as info:
        check_size(config.replace(layers=(4096,) * 8), 10, 64, 1, "vectorized")
    assert info.value.field == "max_nodes" and "memory the limits allow" in str(info.value)


# ---------------------------------------------------------------------- the model's own size


@pytest.mark.parametrize("execution", ["auto", "scalar", "vectorized"])
def test_a_network_too_big_to_build_is_refused_before_its_values_are_made(execution):
    """Found by the UI fuzz: eight layers of 512 on 200 samples passed every per-step limit
    under "vectorized" (1.1 s a step), and the worker then spent 20-40 s building 1.8 million
    Values, answering no Pause or Cancel meanwhile."""
    X = np.random.default_rng(0).normal(size=(200, 2))
    y = X[:, 0]
    config = TrainConfig(layers=(512,) * 8, test_fraction=0, batch_size=1, execution=execution)
    weights = MLP(2, [3, 1]).parameters()  # (2 + 1) * 3 + (3 + 1) * 1 = 13: the count's rule
    assert len(weights) == 13
    parameters = (2 + 1) * 512 + 7 * (512 + 1) * 512 + (512 + 1) * 1
    with pytest.raises(SizeError) as info:
        Trainer(config, X, y, "regression")
    message = str(info.value)
    assert info.value.field == "max_nodes"
    assert message.startswith(
        f"max_nodes: this network has {parameters:,} parameters, over the limit of 500,000 "
        "(max_nodes / 4): each is a Value built with the model, about 13 s for this one"
    )
    assert "use smaller layers, or raise the limit" in message
    # Raising max_nodes raises that limit (and the per-step limits still hold).
    raised = config.replace(max_nodes=4 * parameters)
    assert check_size(raised, 200, 2, 1, "vectorized").parameters == parameters


@pytest.mark.parametrize("execution", ["scalar", "vectorized"])
def test_the_parameter_limit_is_a_quarter_of_max_nodes_exactly(execution):
    # layers (10,) between 2 inputs and 1 output: 3 * 10 + 11 = 41 parameters
    fits = TrainConfig(layers=(10,), batch_size=1, max_nodes=4 * 41)
    assert check_size(fits, 50, 2, 1, execution).parameters == 41
    with pytest.raises(SizeError) as info:
        check_size(fits.replace(max_nodes=4 * 41 - 1), 50, 2, 1, execution)
    assert "has 41 parameters, over the limit of 40 (max_nodes / 4)" in str(info.value)
    assert "about 0.00029 s for this one" in str(info.value)  # 41 x 7 microseconds
