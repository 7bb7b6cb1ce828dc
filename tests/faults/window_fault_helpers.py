"""Helpers of the GUI fault-matrix modules (tests/faults/test_window_*.py).

They compare what the worker's trainer holds before and after a bad input, wait for the
debounced form check and the worker, type as a user would, and set up the environment of
a real ``microgui`` window run in a subprocess.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from window_fixtures import WAIT_MS

from microgui.widgets.validation import invalid_reason

ERROR_RED = "#b3261e"  # the status bar's colour for errors (widgets/status_bar.py)
# A drop-in dataset plugin whose generate() sleeps for ten minutes (a hung plugin).
TEN_MINUTES_PLUGIN = """\
import time
from microgui.hookspecs import DatasetSpec, hookimpl


def generate(params, seed):
    time.sleep(600)


@hookimpl
def microgui_datasets():
    return [DatasetSpec("sleepy", "Sleepy", "Takes ten minutes", "binary", (), generate)]
"""


# The end of a driver script for a real ``microgui`` window run in a subprocess. The
# script before it defines ``at_step_5(c, window)`` and ``program_args``; this part
# starts training in the window, calls ``at_step_5`` once with the window's controller
# when a run is at step 5 or later, and runs the program as its console script does,
# offscreen, with ``program_args``.
TRAIN_TO_STEP_5 = r"""
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
import microgui.app as app_module
from microgui.cli import run

_done = []


def _poll():
    if _done:
        return
    for window in QApplication.topLevelWidgets():
        if hasattr(window, "controller") and window.isVisible():
            c = window.controller
            if c.state != "running" and c.can_train():
                c.start()
            elif c.snapshot is not None and c.snapshot.step >= 5 and c.state == "running":
                _done.append(True)
                at_step_5(c, window)


app_module._application()
_timer = QTimer()
_timer.setInterval(10)
_timer.timeout.connect(_poll)
_timer.start()
sys.argv[1:] = ["--offscreen", *program_args]
run()  # exactly what the `microgui` program does
"""


def window_process_env(tmp_path: Path) -> dict[str, str]:
    """The environment for a ``microgui`` window in a subprocess, kept off the user's own.

    Offscreen; settings under ``tmp_path / "config"`` (``microgui/microgui.ini``) and data
    under ``tmp_path / "data"``; no MICROGUI_PLUGIN_PATH and no per-user plugin folder, so
    the only drop-in plugins are those of a ``--plugins-dir``.
    """
    env = dict(os.environ)
    env.pop("MICROGUI_PLUGIN_PATH", None)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
    )
    return env


@dataclass
class RunState:
    """What the worker's trainer holds: the loaded model and its run."""

    params: dict[str, float]
    steps: int
    config: Any
    X_train: np.ndarray


def run_state(window) -> RunState:
    trainer = window.controller.worker.trainer
    assert trainer is not None, "the worker has no model at all"
    return RunState(
        trainer.parameter_values(), trainer.steps_done, trainer.config, trainer.X_train.copy()
    )


def assert_model_unchanged(window, before: RunState) -> None:
    after = run_state(window)
    assert after.params == before.params, "the loaded model's weights changed"
    assert after.steps == before.steps
    assert after.config == before.config
    np.testing.assert_array_equal(after.X_train, before.X_train)


def worker_caught_up(qtbot, window) -> None:
    """Every command sent to the worker so far was handled (its queue is first in, first out)."""
    worker = window.controller.worker
    marker = 1234.5
    worker.set_speed(marker)
    qtbot.waitUntil(lambda: worker.steps_per_second_limit == marker, timeout=WAIT_MS)
    worker.set_speed(window.run_controls.speed.speed())
    QApplication.processEvents()  # deliver the signals it sent meanwhile


def settled(qtbot, window) -> None:
    """The debounced form check ran, no dataset is generating and the worker caught up."""
    c = window.controller
    qtbot.waitUntil(lambda: not c._timer.isActive() and not c.loader.busy, timeout=WAIT_MS)
    worker_caught_up(qtbot, window)


def trained_window(qtbot, make_window, steps: int = 3, **overrides):
    """A window whose model was trained a few steps, paused: a model worth keeping."""
    window = make_window(**overrides)
    c = window.controller
    c.start(until_step=steps)
    qtbot.waitUntil(lambda: c.snapshot.step == steps and c.state == "paused", timeout=WAIT_MS)
    return window


def type_text(qtbot, line_edit, text: str) -> None:
    """Replace a line edit's text by typing, as a user would."""
    line_edit.setFocus()
    line_edit.selectAll()
    qtbot.keyClick(line_edit, Qt.Key_Backspace)
    if text:
        qtbot.keyClicks(line_edit, text)


def assert_train_disabled(window) -> None:
    rc, actions = window.run_controls, window.actions
    assert not rc.train_button.isEnabled() and not actions.train.isEnabled()
    assert not rc.step_button.isEnabled() and not actions.step.isEnabled()


def assert_one_message_at(window, field, *must_say: str) -> str:
    """The field is marked with one line naming the problem, the same line under the buttons."""
    reason = invalid_reason(field)
    assert reason, "the field is not marked"
    assert "\n" not in reason
    assert window.run_controls.error_label.text() == reason
    assert window.run_controls.error_label.isVisibleTo(window)
    for text in must_say:
        assert text in reason, (text, reason)
    assert window.isVisible()
    assert_train_disabled(window)
    return reason


def type_into_spin(qtbot, window, spin, text: str) -> None:
    """Type into a spin box and leave it (Tab), as a user would."""
    window.activateWindow()
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, text)
    qtbot.keyClick(spin, Qt.Key_Tab)
