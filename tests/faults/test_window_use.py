"""Fault matrix, GUI rows: faults during use in the real window.

A plugin that hangs for ten minutes, hostile playground expressions, divergence, and
exceptions in a slot or in the worker: the window stays responsive, says what happened and
what to do, and keeps (or can save) the last good model. The list of rows is in
tests/faults/README.md.
"""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from window_fault_helpers import (
    TEN_MINUTES_PLUGIN,
    assert_model_unchanged,
    assert_train_disabled,
    run_state,
    trained_window,
    type_text,
    worker_caught_up,
)
from window_fixtures import WAIT_MS

from engine.modelio import load_model


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    """The built-in datasets plus a drop-in plugin whose generate sleeps for ten minutes."""
    from microgui.plugin_host.manager import load_plugins

    folder = tmp_path_factory.mktemp("plugins")
    (folder / "ten_minutes.py").write_text(TEN_MINUTES_PLUGIN, encoding="utf-8")
    registry = load_plugins([folder], include_default_dirs=False)
    assert "sleepy" in registry.datasets and "moons" in registry.datasets, registry.reports
    return registry


pytestmark = pytest.mark.usefixtures("dialogs")  # message boxes are recorded, never block

# ------------------------------------------------------------------ a plugin that hangs


def test_a_ten_minute_plugin_leaves_the_window_responsive_and_can_be_abandoned(qtbot, make_window):
    window = trained_window(qtbot, make_window)
    c = window.controller
    before = run_state(window)
    ticks = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    combo = window.dataset_controls.combo
    combo.setCurrentIndex(combo.findData("sleepy"))
    qtbot.waitUntil(lambda: c.loader.busy, timeout=WAIT_MS)
    # The event loop keeps running while the plugin sleeps: the timer fires, clicks work.
    qtbot.waitUntil(lambda: len(ticks) >= 30, timeout=WAIT_MS)
    qtbot.mouseClick(window.view.log_check, Qt.LeftButton)
    assert window.actions.log_scale.isChecked()
    worker_caught_up(qtbot, window)  # and the worker answers
    assert c.loader.busy and window.isVisible()
    assert_train_disabled(window)
    # It says what it waits for and how to stop waiting (a pause snapshot must not hide it).
    assert "Generating sleepy" in window.status.message()
    assert "Cancel to stop waiting and keep moons" in window.status.message()
    assert window.dataset_controls.cancel.isVisible()
    assert_model_unchanged(window, before)
    timer.stop()

    combo.setCurrentIndex(combo.findData("circles"))  # the user gives up on it
    qtbot.waitUntil(lambda: c.config.dataset == "circles" and c.can_train(), timeout=WAIT_MS)
    assert not c.loader.busy
    c.step()
    qtbot.waitUntil(lambda: c.snapshot.step == 1, timeout=WAIT_MS)
    assert c.worker.trainer.config.dataset == "circles"
    sleepers = [t for t in threading.enumerate() if "sleepy" in t.name]
    assert sleepers and all(t.daemon for t in sleepers)  # never waited for at exit


def test_cancel_stops_waiting_for_a_plugin_and_brings_back_the_data_and_model(qtbot, make_window):
    window = trained_window(qtbot, make_window)
    c, dc = window.controller, window.dataset_controls
    before, form_before = run_state(window), c.raw_fields()
    assert dc.regenerate.isVisible() and not dc.cancel.isVisible()
    dc.combo.setCurrentIndex(dc.combo.findData("sleepy"))
    qtbot.waitUntil(lambda: c.loader.busy and dc.cancel.isVisible(), timeout=WAIT_MS)
    assert not dc.regenerate.isVisible()
    qtbot.mouseClick(dc.cancel, Qt.LeftButton)
    assert not c.loader.busy and not dc.cancel.isVisible() and dc.regenerate.isVisible()
    assert window.status.message() == "Stopped waiting for sleepy; back to moons and its model"
    assert dc.dataset_id() == "moons" and c.raw_fields() == form_before
    assert c.can_train()
    assert_model_unchanged(window, before)
    c.step()  # the run goes on from where it was, on the same data
    qtbot.waitUntil(lambda: c.snapshot.step == before.steps + 1, timeout=WAIT_MS)
    np.testing.assert_array_equal(c.worker.trainer.X_train, before.X_train)


def test_cancel_while_a_new_model_is_being_built_shows_the_model_the_worker_ends_up_with(
    qtbot, make_window
):
    """Found by the UI fuzz: layers changed (the worker is building that model), then another
    dataset chosen and cancelled before the worker answered. The form went back to the old
    layers while the worker went on to run the new ones."""
    window = trained_window(qtbot, make_window)
    c, dc = window.controller, window.dataset_controls
    layers = window.model_controls.layers.text_edit
    type_text(qtbot, layers, "3,3")
    c.apply_changes()  # the debounce fires: the worker is asked for the (3, 3) model
    # No Qt event is processed from here to the cancel, so the worker's answer cannot arrive.
    dc.combo.setCurrentIndex(dc.combo.findData("sleepy"))
    c.apply_changes()
    assert c.loader.busy
    c.cancel_generation()
    qtbot.waitUntil(
        lambda: c.applied is not None and c.applied[0].layers == (3, 3), timeout=WAIT_MS
    )
    worker_caught_up(qtbot, window)
    assert c.worker.trainer.config.layers == (3, 3)
    assert layers.text().replace(" ", "") == "3,3"
    assert c.config.layers == (3, 3) and dc.dataset_id() == "moons"
    assert c.can_train()
    c.step()
    qtbot.waitUntil(lambda: c.snapshot.step == 1, timeout=WAIT_MS)
    assert window.view.network.layer_sizes == [2, 3, 3, 1]


def test_cancel_when_no_dataset_was_ever_loaded_says_what_to_do(qtbot, make_window):
    window = make_window(dataset="sleepy", dataset_params={}, wait_ready=False)
    c, dc = window.controller, window.dataset_controls
    qtbot.waitUntil(lambda: c.loader.busy and dc.cancel.isVisible(), timeout=WAIT_MS)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    qtbot.keyClick(window.view.boundary, Qt.Key_Escape)  # the Cancel button's shortcut
    qtbot.waitUntil(lambda: not c.loader.busy, timeout=WAIT_MS)
    assert "Stopped waiting for sleepy: choose a dataset" in window.status.message()
    assert_train_disabled(window)
    assert window.isVisible()
    dc.combo.setCurrentIndex(dc.combo.findData("moons"))
    qtbot.waitUntil(c.can_train, timeout=WAIT_MS)


def test_closing_while_a_plugin_hangs_does_not_wait_for_it(qtbot, make_window):
    window = make_window()
    before = set(threading.enumerate())
    combo = window.dataset_controls.combo
    combo.setCurrentIndex(combo.findData("sleepy"))
    qtbot.waitUntil(lambda: window.controller.loader.busy, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: any("sleepy" in t.name for t in threading.enumerate()), timeout=WAIT_MS)
    # The loader's and the plugin's threads; others (a thumbnail, the network
    # view's drawing) may start and end meanwhile, so they are picked by name.
    loading = ("microgui-dataset", "microgui-plugin")
    sleeping = {t for t in set(threading.enumerate()) - before if t.name.startswith(loading)}
    assert {t.name.split("-")[1].split()[0] for t in sleeping} == {"dataset", "plugin"}
    window.close()  # returns while the plugin still sleeps (the exit time: test_window_exit)
    assert not window.isVisible()
    assert not window.controller.handle.thread.isRunning()
    assert all(t.is_alive() and t.daemon for t in sleeping)  # still sleeping; exit won't wait
    started = set(threading.enumerate()) - before
    assert all(t.daemon for t in started if t.name.startswith("microgui") and t.is_alive())


# ------------------------------------------------------------------ hostile expressions


def _fault_matrix_expressions():
    """HOSTILE and Spy of tests/faults/test_bad_expressions.py: the same inputs, the same spy."""
    path = Path(__file__).parents[1] / "faults" / "test_bad_expressions.py"
    spec = importlib.util.spec_from_file_location("fault_matrix_bad_expressions", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EXPRESSIONS = _fault_matrix_expressions()


@pytest.fixture
def window_with_playground(qtbot, make_window):
    from microgui.graph_explorer import install_graph_explorer

    window = make_window()
    install_graph_explorer(window)
    window.tabs.setCurrentWidget(window.playground)
    qtbot.waitExposed(window.playground)
    return window


@pytest.mark.parametrize("text", list(EXPRESSIONS.HOSTILE), ids=lambda t: t[:30])
def test_the_playground_refuses_hostile_input_with_a_message(qtbot, window_with_playground, text):
    playground = window_with_playground.playground
    before = playground.snapshot
    spy = EXPRESSIONS.Spy()
    with spy:
        playground.set_text(text)
    assert spy.calls == []  # nothing was evaluated, imported, opened or run
    must_say, segment = EXPRESSIONS.HOSTILE[text]
    assert must_say in playground.error_label.text()
    assert "\n" not in playground.error_label.text()
    shown, caret = playground.caret_label.text().splitlines()
    column = caret.index("^")  # the caret stands under the offending part
    assert caret.strip() == "^"
    assert shown[column:].startswith(segment[: min(20, len(shown) - column)])
    assert "last valid result" in playground.result_label.text()
    assert playground.snapshot is before  # the graph was not touched
    assert window_with_playground.isVisible()


def test_typing_hostile_input_in_the_playground_shows_the_message(qtbot, window_with_playground):
    playground = window_with_playground.playground
    before = playground.snapshot
    playground.editor.clear()
    qtbot.keyClicks(playground.editor, "__import__('os').system('echo hi')")
    qtbot.waitUntil(lambda: "is not allowed" in playground.error_label.text(), timeout=WAIT_MS)
    assert playground.snapshot is before
    playground.editor.clear()
    with qtbot.waitSignal(playground.evaluated, timeout=WAIT_MS):
        qtbot.keyClicks(playground.editor, "a * b")
    assert playground.error_label.text() == ""


# ------------------------------------------------------------------ divergence


def test_divergence_pauses_and_the_last_finite_model_saves_and_loads_back(
    qtbot, make_window, tmp_path
):
    window = make_window(lr=1e6, reg="none")
    c = window.controller
    c.start()
    qtbot.waitUntil(lambda: c.state == "diverged", timeout=WAIT_MS)
    message = c.snapshot.message
    assert message.startswith("diverged at step") and "learning rate" in message
    assert window.status.message() == message
    assert window.run_controls.train_button.text().endswith("Train")  # paused, not running
    kept = c.worker.trainer.parameter_values()
    assert all(np.isfinite(v) for v in kept.values())

    model_path = tmp_path / "diverged-model.json"
    with qtbot.waitSignal(c.files.finished, timeout=WAIT_MS) as done:
        c.files.export_model_file(str(model_path))
    assert done.args[2] == ""
    model, config = load_model(model_path)
    assert {name: p.data for name, p in model.named_parameters()} == kept
    assert config["lr"] == 1e6

    session_path = tmp_path / "diverged-session.json"
    with qtbot.waitSignal(c.files.finished, timeout=WAIT_MS) as done:
        c.files.save_session_file(str(session_path))
    assert done.args[2] == ""
    other = make_window(dataset="circles", layers=[3])
    with qtbot.waitSignal(other.controller.files.finished, timeout=WAIT_MS) as opened:
        assert other.controller.files.open_session_file(str(session_path))
    assert opened.args[2] == ""
    qtbot.waitUntil(lambda: other.controller.state == "diverged", timeout=WAIT_MS)
    assert other.controller.worker.trainer.parameter_values() == kept
    assert other.controller.snapshot.message == message


# ------------------------------------------------------------------ exceptions


@pytest.fixture
def handler(window_with_playground, tmp_path):
    from microgui.desktop.error_handler import ExceptionHandler

    window = window_with_playground
    handler = ExceptionHandler(lambda: window, log_path=tmp_path / "microgui.log").install()
    yield handler
    handler.uninstall()
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox):
            widget.close()


def error_dialogs() -> list[QMessageBox]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
    ]


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_window_slot_is_shown_logged_and_the_app_keeps_training(
    qtbot, window_with_playground, handler, monkeypatch
):
    window = window_with_playground
    c = window.controller
    real_draw = c.presenter.draw_snapshot
    failures = []

    def draw_once_broken(snapshot, *args, **kwargs):
        if not failures:
            failures.append(snapshot.step)
            raise ValueError("a drawing slot failed")
        real_draw(snapshot, *args, **kwargs)

    monkeypatch.setattr(c.presenter, "draw_snapshot", draw_once_broken)
    c.step()
    qtbot.waitUntil(
        lambda: handler.caught == ["ValueError: a drawing slot failed"], timeout=WAIT_MS
    )
    qtbot.waitUntil(lambda: bool(error_dialogs()), timeout=WAIT_MS)
    assert "a drawing slot failed" in error_dialogs()[0].text()
    assert "a drawing slot failed" in handler.log_path.read_text(encoding="utf-8")
    c.start(until_step=5)  # the app keeps running
    qtbot.waitUntil(lambda: c.snapshot.step == 5 and c.state == "paused", timeout=WAIT_MS)


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_the_worker_is_shown_and_training_goes_on(
    qtbot, window_with_playground, handler
):
    window = window_with_playground
    c = window.controller
    trainer = c.worker.trainer
    real_step = trainer.step
    calls = []

    def third_step_fails():
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("one step failed")
        return real_step()

    trainer.step = third_step_fails
    c.start(until_step=10)
    qtbot.waitUntil(lambda: handler.caught == ["RuntimeError: one step failed"], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: bool(error_dialogs()), timeout=WAIT_MS)
    assert "one step failed" in handler.log_path.read_text(encoding="utf-8")
    c.pause()
    qtbot.waitUntil(lambda: c.state != "running", timeout=WAIT_MS)
    step = c.snapshot.step
    c.step()
    qtbot.waitUntil(lambda: c.snapshot.step == step + 1, timeout=WAIT_MS)


def test_a_snapshot_drawn_after_a_loss_change_does_not_raise(qtbot, make_window):
    from microgui.graph_explorer import install_graph_explorer

    window = make_window(dataset="blobs", dataset_params={"n_samples": 40})
    install_graph_explorer(window)
    c = window.controller
    c.start(until_step=3)
    qtbot.waitUntil(lambda: c.snapshot.step == 3 and c.state == "paused", timeout=WAIT_MS)
    last_of_the_old_run = c.snapshot
    window.training_controls.loss.setCurrentText("mse")  # does not fit multiclass blobs
    c.apply_changes()  # the debounce fired: the controller now asks for mse
    with qtbot.capture_exceptions() as raised:
        # A snapshot the worker sent before it saw the new config, arriving after it.
        c.worker.snapshotReady.emit(last_of_the_old_run)
    assert raised == []
