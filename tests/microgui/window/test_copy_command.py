"""File > Copy as command line: the copied `microgui train ...` repeats the run headless."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys

import pytest
from PySide6.QtGui import QGuiApplication
from window_fixtures import WAIT_MS, wait_ready_state

from engine.config import TrainConfig
from microgui.cli import build_parser, main
from microgui.commands.train_command import build_config
from microgui.window.command_line import train_arguments


def _run_to_the_end(qtbot, window):
    c = window.controller
    c.start()
    qtbot.waitUntil(lambda: c.state == "finished", timeout=WAIT_MS)
    return list(c.worker.trainer.history.column("loss"))


def _copy(window) -> str:
    window.actions.copy_command.trigger()
    command = QGuiApplication.clipboard().text()
    assert command.startswith("microgui train ")
    assert command in window.status.message()
    return command


def test_the_copied_command_gets_the_same_losses(qtbot, make_window):
    """The command runs headless in another process: the same loss at every step."""
    window = make_window(
        dataset="circles",
        dataset_params={"n_samples": 60, "noise": 0.15},
        layers=[5, 3],
        activation="tanh",
        optimizer="adam",
        lr=0.03,
        schedule="cosine",
        final_lr=0.004,
        batch_size=16,
        test_fraction=0.25,
        seed=7,
        steps=25,
    )
    window.actions.reset.trigger()  # new weights: an init seed the command must carry
    qtbot.waitUntil(lambda: window.controller.config.init_seed is not None, timeout=WAIT_MS)
    wait_ready_state(qtbot, window)
    losses = _run_to_the_end(qtbot, window)
    assert len(losses) == 25
    command = _copy(window)
    assert "--init-seed" in command and "--dataset-param" in command
    argv = shlex.split(command)
    done = subprocess.run(
        [sys.executable, "-m", "microgui", *argv[1:], "--json", "--quiet"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    headless = [json.loads(line)["loss"] for line in done.stdout.splitlines()]
    assert headless == losses  # exactly, step for step


def test_the_copied_micrograd_demo_is_the_preset(qtbot, make_window, capsys):
    window = make_window()
    window.actions.presets["micrograd-demo"].trigger()
    wait_ready_state(qtbot, window)
    window.controller.start(until_step=5)
    qtbot.waitUntil(lambda: window.controller.snapshot.step == 5, timeout=WAIT_MS)
    window.controller.pause()
    losses = list(window.controller.worker.trainer.history.column("loss"))
    argv = shlex.split(_copy(window))
    config = build_config(build_parser().parse_args(argv[1:]))
    runs = window.controller.worker.trainer.config
    assert config.replace(dataset_params=runs.dataset_params) == runs
    assert config.dataset_params == {k: str(v) for k, v in runs.dataset_params.items()}
    # Run here through the command line's own entry point: the same first five steps.
    assert main([*argv[1:], "--json", "--quiet"]) == 0
    out = capsys.readouterr().out
    headless = [json.loads(line)["loss"] for line in out.splitlines()]
    assert len(headless) == 100 and headless[:5] == losses


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"dataset": "blobs", "dataset_params": {"k": 4}, "loss": "softmax_ce", "reg": "none"},
        {"schedule": "step", "step_size": 7, "gamma": 0.3, "betas": (0.8, 0.99)},
        {"target_loss": 0.01, "patience": 20, "divergence_factor": None, "init_seed": 12},
        {"lr": 1e-3, "reg_strength": 2.5e-5, "momentum": 0.9, "batch_size": 32},
    ],
)
def test_every_setting_survives_the_command_line(settings):
    config = TrainConfig.from_dict(dict(settings))
    args = build_parser().parse_args(["train", *train_arguments(config)])
    back = build_config(args)
    # Dataset parameters come back as text; the plugin types them (as for any command).
    assert back.replace(dataset_params=config.dataset_params) == config
    assert {k: str(v) for k, v in config.dataset_params.items()} == back.dataset_params


def test_drawn_points_say_how_to_get_a_command_line(qtbot, make_window):
    window = make_window()
    window.view.draw_toolbar.draw_check.setChecked(True)
    qtbot.waitUntil(lambda: window.controller.config.dataset == "drawn", timeout=WAIT_MS)
    QGuiApplication.clipboard().setText("before")
    window.actions.copy_command.trigger()
    assert QGuiApplication.clipboard().text() == "before"
    assert "save them (Save CSV…)" in window.status.message()
