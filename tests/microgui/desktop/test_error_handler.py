"""One handler catches exceptions from slots and worker threads, logs them, shows a dialog."""

import sys
import threading

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from microgui.desktop.error_handler import ExceptionHandler


@pytest.fixture
def handler(qapp, tmp_path):
    h = ExceptionHandler(log_path=tmp_path / "microgui.log").install()
    yield h
    h.uninstall()
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox):
            widget.close()


def _dialogs() -> list[QMessageBox]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
    ]


def test_worker_thread_exception_is_logged_and_shown(qtbot, handler):
    def boom():
        raise RuntimeError("worker exploded at step 7")

    thread = threading.Thread(target=boom)
    thread.start()
    thread.join()

    qtbot.waitUntil(lambda: bool(_dialogs()), timeout=5000)
    assert handler.caught == ["RuntimeError: worker exploded at step 7"]
    assert "worker exploded at step 7" in _dialogs()[0].text()
    log = handler.log_path.read_text(encoding="utf-8")
    assert "Traceback" in log and "worker exploded at step 7" in log


@pytest.mark.qt_no_exception_capture
def test_slot_exception_goes_through_sys_excepthook_and_app_keeps_running(qtbot, handler):
    assert sys.excepthook == handler.handle

    def bad_slot():
        raise ValueError("slot failed")

    QTimer.singleShot(0, bad_slot)
    qtbot.waitUntil(lambda: handler.caught == ["ValueError: slot failed"], timeout=5000)
    qtbot.waitUntil(lambda: bool(_dialogs()), timeout=5000)

    # The event loop still runs after the failure.
    fired = []
    QTimer.singleShot(0, lambda: fired.append(True))
    qtbot.waitUntil(lambda: fired == [True], timeout=5000)


def test_uninstall_restores_hooks(qapp, tmp_path):
    before = (sys.excepthook, threading.excepthook)
    h = ExceptionHandler(log_path=tmp_path / "x.log", show_dialog=False).install()
    assert sys.excepthook == h.handle
    h.uninstall()
    assert (sys.excepthook, threading.excepthook) == before
