"""Fault matrix, stop signals to the window: Ctrl-C, SIGTERM, SIGHUP close it as its close button.

Each case runs ``microgui --offscreen`` (``microgui.cli.run``, the console script's entry
point) in a subprocess started with SIGINT at its default, as from a terminal. A small
driver waits until training is under way, asks the worker to save a session, and at once
sends the process the signal. What a user must find: the process ended with 128 + the
signal's number (as a shell reports a process the signal ended), the session file whole
and valid beside no leftover temporary file, and the window's geometry and config saved
(before, SIGTERM and SIGHUP ended the process at once and Ctrl-C did nothing).
"""

from __future__ import annotations

import configparser
import signal
import subprocess

import pytest
from child_process import AS_FROM_A_TERMINAL
from window_fault_helpers import TRAIN_TO_STEP_5, window_process_env

from engine.session import read_session

HANG_TIMEOUT_S = 120

DRIVER = (
    r"""
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"

signum, session = int(sys.argv[1]), sys.argv[2]
program_args = sys.argv[3:]


def at_step_5(c, window):
    c.files.save_session_file(session)
    print(f"signal {signum} at step {c.snapshot.step}", flush=True)
    os.kill(os.getpid(), signum)
"""
    + TRAIN_TO_STEP_5
)


def run_until_signal(tmp_path, signum: int) -> subprocess.CompletedProcess:
    (tmp_path / "saved").mkdir()
    proc = subprocess.run(
        [*AS_FROM_A_TERMINAL, "-c", DRIVER, str(signum), str(tmp_path / "saved" / "run.json")],
        capture_output=True,
        text=True,
        env=window_process_env(tmp_path),
        timeout=HANG_TIMEOUT_S,
    )
    print(proc.stdout, proc.stderr, sep="\n")
    return proc


@pytest.mark.slow
@pytest.mark.parametrize("name", ["SIGINT", "SIGTERM", "SIGHUP"])
def test_a_stop_signal_closes_the_window_and_keeps_what_was_being_saved(tmp_path, name):
    signum = getattr(signal, name)
    proc = run_until_signal(tmp_path, signum)
    assert f"signal {signum} at step" in proc.stdout, proc.stderr
    assert proc.returncode == 128 + signum, proc.stderr
    assert "Traceback" not in proc.stderr and "details in" not in proc.stderr
    saved = sorted(p.name for p in (tmp_path / "saved").iterdir())
    assert saved == ["run.json"]  # whole, and no temporary file left beside it
    session = read_session(tmp_path / "saved" / "run.json")  # refuses a cut or corrupt file
    assert session.steps_done >= 5
    settings = configparser.ConfigParser(interpolation=None)
    settings.read(tmp_path / "config" / "microgui" / "microgui.ini", encoding="utf-8")
    assert settings.has_option("window", "geometry")  # written only when the window closes
    assert settings.has_option("training", "last_config")
