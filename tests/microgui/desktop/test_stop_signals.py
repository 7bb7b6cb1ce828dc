"""CloseOnSignals: a stop signal reaches the GUI thread's event loop once, and is given back.

Signals are raised in this very process (signal.raise_signal), with the
handlers installed by the class under test; each test restores what it found.
"""

from __future__ import annotations

import signal

import pytest
from PySide6.QtWidgets import QWidget
from window_fixtures import WAIT_MS

from microgui.desktop.stop_signals import STOP_SIGNALS, CloseOnSignals


@pytest.fixture
def handlers_kept():
    """Handlers at their defaults for the test; the process's own put back after it."""
    before = {number: signal.getsignal(number) for number in STOP_SIGNALS}
    fd = signal.set_wakeup_fd(-1)
    signal.set_wakeup_fd(fd)
    # As from a terminal, whatever started the test run (a background job ignores SIGINT).
    for number in STOP_SIGNALS:
        signal.signal(number, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    yield {number: signal.getsignal(number) for number in STOP_SIGNALS}, fd
    for number, handler in before.items():
        signal.signal(number, handler)
    signal.set_wakeup_fd(fd)


@pytest.mark.parametrize("name", ["SIGINT", "SIGTERM", "SIGHUP"])
def test_a_stop_signal_closes_the_window_from_the_event_loop(qtbot, handlers_kept, name):
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    received = []

    def close(signum: int) -> None:
        received.append(signum)
        window.close()

    stop = CloseOnSignals(close).install()
    try:
        signal.raise_signal(getattr(signal, name))
        qtbot.waitUntil(lambda: bool(received), timeout=WAIT_MS)
    finally:
        stop.uninstall()
    assert received == [getattr(signal, name)]
    assert stop.exit_code == 128 + getattr(signal, name)
    assert not window.isVisible()


def test_two_signals_close_once(qtbot, handlers_kept):
    received = []
    stop = CloseOnSignals(received.append).install()
    try:
        signal.raise_signal(signal.SIGTERM)
        signal.raise_signal(signal.SIGINT)
        qtbot.waitUntil(lambda: bool(received), timeout=WAIT_MS)
    finally:
        stop.uninstall()
    assert received == [signal.SIGTERM] and stop.exit_code == 143


def test_a_signal_ignored_at_start_stays_ignored(qtbot, handlers_kept):
    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as under nohup
    received = []
    stop = CloseOnSignals(received.append).install()
    try:
        assert signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
        signal.raise_signal(signal.SIGHUP)  # ignored: no wake-up, the process lives on
        signal.raise_signal(signal.SIGTERM)
        qtbot.waitUntil(lambda: bool(received), timeout=WAIT_MS)
    finally:
        stop.uninstall()
    assert received == [signal.SIGTERM]


def test_uninstall_gives_back_the_handlers_and_the_wakeup_fd(qtbot, handlers_kept):
    handlers, fd = handlers_kept
    stop = CloseOnSignals(lambda signum: None).install()
    assert all(signal.getsignal(n) is not handlers[n] for n in STOP_SIGNALS)
    current = signal.set_wakeup_fd(-1)
    signal.set_wakeup_fd(current)
    assert current not in (fd, -1)  # its own socket
    stop.uninstall()
    assert {n: signal.getsignal(n) for n in STOP_SIGNALS} == handlers
    assert signal.set_wakeup_fd(fd) == fd
