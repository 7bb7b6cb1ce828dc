"""`microgui train --preset micrograd-demo --execution scalar` is micrograd 0.1.0's demo.

The published micrograd package runs the notebook's loop (demo.ipynb, verbatim
but for names) on the data the moons plugin generates for the preset; the
command's --json losses and accuracies must be micrograd's, step by step
(the first steps: micrograd takes about a second per step).
"""

from __future__ import annotations

import json
import random

import pytest

from engine.presets import preset_config
from microgui.cli import main
from microgui.plugin_host.manager import load_plugins

micrograd_engine = pytest.importorskip("micrograd.engine")
micrograd_nn = pytest.importorskip("micrograd.nn")

STEPS = 6


def _micrograd_losses(X, y, steps: int) -> list[tuple[float, float]]:
    Value = micrograd_engine.Value
    state = random.getstate()
    try:
        random.seed(1337)
        model = micrograd_nn.MLP(2, [16, 16, 1])
    finally:
        random.setstate(state)
    out = []
    for k in range(steps):
        inputs = [list(map(Value, row)) for row in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores, strict=True)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * sum(p * p for p in model.parameters())
        total_loss = data_loss + reg_loss
        accuracy = [(yi > 0) == (si.data > 0) for yi, si in zip(y, scores, strict=True)]
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        out.append((total_loss.data, sum(accuracy) / len(accuracy)))
    return out


@pytest.mark.slow
def test_the_scalar_demo_command_equals_micrograd(capsys):
    config = preset_config("micrograd-demo")
    data = load_plugins(include_default_dirs=False).generate(
        config.dataset, config.dataset_params, config.seed
    )
    y = [1.0 if v > 0 else -1.0 for v in data.y]  # micrograd's labels are +-1
    theirs = _micrograd_losses(data.X.tolist(), y, STEPS)
    argv = ["train", "--preset", "micrograd-demo", "--execution", "scalar"]
    assert main([*argv, "--json", "--quiet"]) == 0  # all 100 steps: the schedule's length
    steps = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [s["execution"] for s in steps] == ["scalar"] * 100
    for k, (step, (loss, accuracy)) in enumerate(zip(steps[:STEPS], theirs, strict=True)):
        assert step["loss"] == pytest.approx(loss, rel=1e-12, abs=0), f"step {k}"
        assert step["accuracy"] == accuracy, f"step {k}"
