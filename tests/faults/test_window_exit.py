"""Fault matrix, closing the window mid-activity: the real app exits within 2 s, code 0, quietly.

Each case runs ``microgui --offscreen`` (``microgui.cli.run``, the console script's entry point)
in a subprocess through a small driver: a QTimer polls the window, starts the activity
(training, generating a dataset with a plugin that sleeps ten minutes, laying out a big sample
graph), and once it is under way records the wall-clock time and calls ``window.close()``. The
test takes the time the process ended, so "close to exit" includes Python's and Qt's own
shutdown. The 2 s bound is the issue's functional requirement; the subprocess timeout only
bounds a hang.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time

import pytest
from window_fault_helpers import TEN_MINUTES_PLUGIN, window_process_env

CLOSE_TO_EXIT_LIMIT_S = 2.0
HANG_TIMEOUT_S = 120

DRIVER = r"""
import os, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
import microgui.app as app_module
from microgui.cli import run

scenario = sys.argv[1]
phase = ["wait"]
closed_at = []


def main_window():
    for widget in QApplication.topLevelWidgets():
        if hasattr(widget, "controller") and widget.isVisible():
            return widget
    return None


def close(window, what):
    closed_at.append(time.time())
    print(f"closing during {what}", flush=True)
    print(f"closed_at={closed_at[0]:.6f}", flush=True)
    window.close()


def poll():
    window = main_window()
    if window is None or phase[0] == "done":
        return
    c = window.controller
    if scenario == "training":
        if phase[0] == "wait" and c.can_train():
            c.start()
            phase[0] = "started"
        elif c.snapshot is not None and c.snapshot.step >= 5 and c.state == "running":
            phase[0] = "done"
            close(window, f"training, step {c.snapshot.step}, state {c.state}")
    elif scenario == "generation":
        if phase[0] == "wait" and c.can_train():
            combo = window.dataset_controls.combo
            combo.setCurrentIndex(combo.findData("sleepy"))
            phase[0] = "started"
        elif phase[0] == "started" and c.loader.busy:
            phase[0] = "done"
            close(window, "generation of 'sleepy', loader busy")
    elif scenario == "layout":
        explorer = window.graph_explorer
        if phase[0] == "wait" and c.can_train() and c.data is not None and explorer.spec:
            window.tabs.setCurrentWidget(explorer)
            window.sampleClicked.emit(0)  # a click on training point 0
            phase[0] = "started"
        elif phase[0] == "started" and explorer.jobs.busy:
            phase[0] = "done"
            close(window, f"graph layout, {explorer.spec.estimated_nodes()} nodes, job busy")


def give_up():
    print("driver: the activity never started", flush=True)
    QApplication.instance().exit(3)


app_module._application()
timer = QTimer()
timer.setInterval(10)
timer.timeout.connect(poll)
timer.start()
QTimer.singleShot(60_000, give_up)
sys.argv[1:] = ["--offscreen", *sys.argv[2:]]
run()  # exactly what the `microgui` program does
"""


def run_and_close(tmp_path, scenario: str, *args: str) -> tuple[subprocess.CompletedProcess, float]:
    """Run the driver; returns the process and the seconds from window.close() to its exit."""
    proc = subprocess.run(
        [sys.executable, "-c", DRIVER, scenario, *args],
        capture_output=True,
        text=True,
        env=window_process_env(tmp_path),
        timeout=HANG_TIMEOUT_S,
    )
    ended_at = time.time()
    print(proc.stdout, proc.stderr, sep="\n")
    found = re.search(r"closed_at=([0-9.]+)", proc.stdout)
    assert found, f"the window was never closed mid-activity:\n{proc.stdout}\n{proc.stderr}"
    close_to_exit = ended_at - float(found.group(1))
    print(f"{scenario}: close to process exit {close_to_exit:.3f} s")
    return proc, close_to_exit


def assert_quiet_quick_exit(proc: subprocess.CompletedProcess, close_to_exit: float) -> None:
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "details in" not in proc.stderr  # nothing reached the exception handler
    assert close_to_exit < CLOSE_TO_EXIT_LIMIT_S


@pytest.mark.slow
def test_closing_during_training_exits_within_2_s(tmp_path):
    proc, close_to_exit = run_and_close(tmp_path, "training", "--layers", "8,8")
    assert "closing during training" in proc.stdout and "state running" in proc.stdout
    assert_quiet_quick_exit(proc, close_to_exit)


@pytest.mark.slow
def test_closing_during_dataset_generation_exits_within_2_s(tmp_path):
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "ten_minutes.py").write_text(TEN_MINUTES_PLUGIN, encoding="utf-8")
    proc, close_to_exit = run_and_close(tmp_path, "generation", "--plugins-dir", str(plugins))
    assert "closing during generation of 'sleepy'" in proc.stdout
    assert_quiet_quick_exit(proc, close_to_exit)


@pytest.mark.slow
def test_closing_during_a_graph_layout_exits_within_2_s(tmp_path):
    proc, close_to_exit = run_and_close(tmp_path, "layout", "--layers", "160,160")
    assert "closing during graph layout" in proc.stdout and "job busy" in proc.stdout
    assert_quiet_quick_exit(proc, close_to_exit)
