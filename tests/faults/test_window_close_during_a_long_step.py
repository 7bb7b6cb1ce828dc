"""Fault matrix: the window closed while the worker is inside a long training step.

The window waits 2 s for the worker when it closes. A step of a big network, or a
big save queued behind it, takes longer: the process used to exit right after,
and the session the user had just asked to save was never written, without a
word. Now the program waits for the step and the files (saying so on the
terminal), and Ctrl-C during that wait leaves at once, naming what was not written.

Each case runs ``microgui --offscreen`` (``microgui.cli.run``) in a subprocess, as
from a terminal. The driver makes every step from step 5 on take STEP_S seconds,
asks for a session save (or not), and closes the window, as its close button does.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from child_process import AS_FROM_A_TERMINAL
from window_fault_helpers import TRAIN_TO_STEP_5, window_process_env

from engine.session import read_session

HANG_TIMEOUT_S = 120

DRIVER = (
    r"""
import os, signal, sys, threading, time

session, step_s, interrupt_after_s = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
save = sys.argv[4] == "save"
program_args = []


def at_step_5(c, window):
    trainer = c.handle.worker.trainer
    step = trainer.step

    def long_step():
        time.sleep(step_s)
        return step()

    trainer.step = long_step
    time.sleep(0.5)  # the worker is inside a long step now
    if save:
        c.files.save_session_file(session)
    if interrupt_after_s:
        threading.Timer(interrupt_after_s, os.kill, (os.getpid(), signal.SIGINT)).start()
    print("closing", flush=True)
    window.close()
"""
    + TRAIN_TO_STEP_5
)


def close_during_a_long_step(
    tmp_path, step_s: float, interrupt_after_s: float = 0.0, save: bool = True
) -> tuple[subprocess.CompletedProcess, Path]:
    (tmp_path / "saved").mkdir()
    session = tmp_path / "saved" / "run.json"
    proc = subprocess.run(
        [
            *AS_FROM_A_TERMINAL,
            "-c",
            DRIVER,
            str(session),
            str(step_s),
            str(interrupt_after_s),
            "save" if save else "no save",
        ],
        capture_output=True,
        text=True,
        env=window_process_env(tmp_path),
        timeout=HANG_TIMEOUT_S,
    )
    print(proc.stdout, proc.stderr, sep="\n")
    return proc, session


@pytest.mark.slow
def test_the_program_waits_for_the_step_and_writes_the_session_asked_for(tmp_path):
    proc, session = close_during_a_long_step(tmp_path, step_s=4.0)
    assert "closing" in proc.stdout, proc.stderr
    assert proc.returncode == 0, proc.stderr
    assert (
        "microgui: the window closed during a training step; waiting for it to end, "
        f"then to write {session} (at most 60 s; Ctrl-C to leave now)"
    ) in proc.stderr
    assert "Traceback" not in proc.stderr and "Aborted" not in proc.stderr
    assert sorted(p.name for p in session.parent.iterdir()) == ["run.json"]
    assert read_session(session).steps_done >= 5  # whole: read_session refuses a cut file


@pytest.mark.slow
def test_ctrl_c_during_the_wait_leaves_at_once_and_names_the_file_not_written(tmp_path):
    # The step takes 30 s; Ctrl-C comes 3.5 s after the close (the window's own wait is
    # 2 s). Had the program waited on, the session would have been written.
    proc, session = close_during_a_long_step(tmp_path, step_s=30.0, interrupt_after_s=3.5)
    assert "closing" in proc.stdout, proc.stderr
    assert proc.returncode == 130, proc.stderr
    assert f"microgui: left before the training step ended; not written: {session}" in (proc.stderr)
    assert "Traceback" not in proc.stderr
    assert list(session.parent.iterdir()) == []


@pytest.mark.slow
def test_with_nothing_to_write_the_program_leaves_without_waiting_for_the_step(tmp_path):
    # A 60 s step and no save asked for: nothing is lost by leaving, so no wait.
    started = time.monotonic()
    proc, session = close_during_a_long_step(tmp_path, step_s=60.0, save=False)
    assert "closing" in proc.stdout, proc.stderr
    assert proc.returncode == 0, proc.stderr
    assert "microgui:" not in proc.stderr and "Aborted" not in proc.stderr
    assert time.monotonic() - started < 60  # it did not sit out the step
    assert list(session.parent.iterdir()) == []
