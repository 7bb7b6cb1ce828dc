"""The gradient-flow view: learners see vanishing gradients in a deep sigmoid network,
exploding ones at a too-high learning rate, and dead units after one. The gradients are
the engine's own (Trainer.layer_gradient_norms, checked against PyTorch in tests/engine)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import make_moons

from engine.config import TrainConfig
from engine.train import Trainer
from microgui.training_run.gradient_stats import evaluate_training_set
from microgui.widgets.gradient_flow_plot import (
    EXPLODING_NORM,
    GradientFlowPlot,
    layer_states,
)


@pytest.fixture(scope="module")
def moons():
    X, y = make_moons(100, noise=0.1, random_state=0)
    return X, y.astype(np.float64)


def run(moons, steps: int, **config):
    """Train and record each step's gradient norms and loss, as the worker does."""
    X, y = moons
    values = dict(steps=500, test_fraction=0.0)
    values.update(config)
    trainer = Trainer(TrainConfig(**values), X, y, "binary")
    norms, losses = [], []
    for _ in range(steps):
        if trainer.finished:
            break
        result = trainer.step()
        if result.finite:
            norms.append(trainer.layer_gradient_norms())
            losses.append(result.loss)
    return trainer, np.array(norms), np.array(losses)


@pytest.fixture
def plot(qtbot):
    widget = GradientFlowPlot()
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    return widget


def test_a_deep_sigmoid_network_is_marked_vanishing_and_a_relu_one_is_not(qtbot, moons, plot):
    _, norms, losses = run(moons, 30, layers=(8,) * 6, activation="sigmoid", lr=0.1)
    assert norms.max() < 0.01 and losses[-1] > 0.9 * losses[0]  # tiny gradients, no learning
    assert layer_states(norms, losses) == ["vanishing"] * 7
    plot.set_norms(np.arange(len(norms)), norms, losses)
    assert plot.summary.text().startswith(
        "layer 1, layer 2, layer 3, layer 4, layer 5, layer 6 and output are vanishing "
        "(gradient norm 0.00"
    )
    labels = [plot.plot_item.legend.getLabel(c).text for c in plot.curves]
    assert labels[0] == "layer 1: vanishing" and labels[-1] == "output: vanishing"
    _, ys = plot.curves[0].getOriginalDataset()
    np.testing.assert_array_equal(ys, norms[:, 0])  # the chart shows the engine's numbers
    plot.grab().save("/tmp/gradient_flow_sigmoid.png")

    _, norms, losses = run(moons, 30, layers=(16, 16), activation="relu", lr=0.05)
    assert layer_states(norms, losses) == ["", "", ""]
    plot.set_norms(np.arange(len(norms)), norms, losses)
    assert plot.summary.text() == "Every layer gets a healthy share of the gradient."
    assert [plot.plot_item.legend.getLabel(c).text for c in plot.curves] == [
        "layer 1",
        "layer 2",
        "output",
    ]


def test_small_gradients_after_the_loss_fell_are_convergence_not_vanishing(moons):
    # micrograd's demo after all margins are met: only the L2 penalty pushes (norms ~1e-3).
    norms = np.full((40, 3), 1e-3)
    losses = np.concatenate([np.linspace(0.9, 0.02, 30), np.full(10, 0.011)])
    assert layer_states(norms, losses) == ["", "", ""]
    assert layer_states(norms, np.full(40, 0.9)) == ["vanishing"] * 3  # stuck: vanishing
    # A layer a hundred times weaker than the strongest vanishes, whatever the loss.
    ratio = np.tile([0.004, 0.5, 1.0], (12, 1))
    assert layer_states(ratio, losses[:12]) == ["vanishing", "", ""]


def test_a_too_high_learning_rate_explodes_and_leaves_dead_relu_units(qtbot, moons, plot):
    _, norms, _ = run(moons, 15, layers=(16, 16), activation="relu", lr=0.05)
    calm, _, _ = run(moons, 20, layers=(16, 16), activation="relu", lr=0.05)
    hot, _, _ = run(moons, 20, layers=(16, 16), activation="relu", lr=3.0)
    calm_dead = [int(d.sum()) for d in evaluate_training_set(calm).dead_units]
    hot_dead = [int(d.sum()) for d in evaluate_training_set(hot).dead_units]
    assert sum(calm_dead) <= 2 and sum(hot_dead) >= 10
    plot.set_dead_units(evaluate_training_set(hot).dead_units)
    text = plot.dead_label.text()
    assert text.startswith(f"Dead ReLU units: layer 1: {hot_dead[0]} of 16 (neuron ")
    assert f"layer 2: {hot_dead[1]} of 16" in text
    plot.set_dead_units(evaluate_training_set(calm).dead_units)
    # Exploding: a norm above the threshold is marked and the threshold is drawn.
    exploding = np.vstack([norms, np.tile([3e2, 5e1, 2e1], (10, 1))])
    assert layer_states(exploding) == ["exploding", "", ""]
    plot.set_norms(np.arange(len(exploding)), exploding)
    assert plot.explode_line.isVisible()
    assert plot.explode_line.value() == pytest.approx(np.log10(EXPLODING_NORM))
    assert "layer 1 is exploding" in plot.summary.text()


def test_no_steps_yet_and_zero_norms_leave_the_log_chart_alone(qtbot, plot):
    plot.set_norms(np.zeros(0), np.zeros((0, 3)))
    assert plot.summary.text() == "No steps yet: train to see how the gradient flows."
    plot.set_norms(np.arange(3.0), np.array([[0.0, 1.0], [0.5, 0.0], [np.nan, 2.0]]))
    assert plot.curves[0].getOriginalDataset()[1].tolist() == [0.5]  # 0 and NaN left out of log10
    with pytest.raises(ValueError, match="steps, layers"):
        plot.set_norms(np.arange(2.0), np.ones(3))
