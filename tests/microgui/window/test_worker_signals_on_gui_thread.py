"""The window handles every signal of the training worker on the GUI thread.

A slot that ran in the worker's thread would touch widgets from there (Qt's rule
broken: crashes, half-drawn frames) and would see the worker's signals out of
order. PySide6 decides it per connection: a subclass overriding a slot that its
base connected gets the signal in the emitter's thread (measured on 6.11 with
the worker tests' own relays), so the window's receivers are checked where the
window really connects them.
"""

from __future__ import annotations

import functools
import threading

import pytest
from window_fixtures import WAIT_MS

from microgui.window.file_actions import FileActions
from microgui.window.training_controller import TrainingController

RECEIVERS = [
    (TrainingController, "_on_snapshot"),
    (TrainingController, "_on_configured"),
    (TrainingController, "_on_config_failed"),
    (FileActions, "_on_file_done"),
    (FileActions, "_on_model_opened"),
]


@pytest.fixture
def handled_on(monkeypatch) -> dict[str, set[str]]:
    """Receiver name -> names of the threads it ran on (wrapped before the window connects)."""
    threads: dict[str, set[str]] = {}
    for owner, name in RECEIVERS:
        original = getattr(owner, name)

        @functools.wraps(original)  # PySide6 finds a receiver's method by its name
        def recording(self, *args, _original=original, _name=name):
            threads.setdefault(_name, set()).add(threading.current_thread().name)
            return _original(self, *args)

        monkeypatch.setattr(owner, name, recording)
    return threads


def test_snapshots_answers_and_files_are_handled_on_the_gui_thread(
    qtbot, make_window, handled_on, tmp_path
):
    window = make_window()
    c = window.controller
    c.start(until_step=5)
    qtbot.waitUntil(lambda: c.snapshot.step == 5 and c.state == "paused", timeout=WAIT_MS)
    path = tmp_path / "run.json"
    with qtbot.waitSignal(c.files.finished, timeout=WAIT_MS):
        c.files.save_session_file(str(path))
    with qtbot.waitSignal(c.files.finished, timeout=WAIT_MS):
        c.files.export_model_file(str(tmp_path / "model.json"))
    with qtbot.waitSignal(c.files.finished, timeout=WAIT_MS):
        c.files.open_model_file(str(tmp_path / "model.json"))
    too_big = c.config.replace(layers=[64, 64], execution="scalar", max_nodes=1000)
    c.worker.configure(too_big, c.dataset, keep_weights=True)  # refused: configFailed
    qtbot.waitUntil(lambda: "_on_config_failed" in handled_on, timeout=WAIT_MS)
    gui = threading.main_thread().name
    assert handled_on == {name: {gui} for _, name in RECEIVERS}
