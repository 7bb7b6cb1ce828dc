"""Ctrl-C, SIGTERM and SIGHUP close the window the way its close button does.

Without this, Ctrl-C in the terminal that started microgui did nothing (Qt's
event loop runs in C++ and never lets Python's KeyboardInterrupt surface),
and SIGTERM (a logout, ``kill``) or SIGHUP (the terminal closed) ended the
process at once: the window's config and geometry went unsaved, and a model
or session being written was cut off. With :class:`CloseOnSignals`
installed, such a signal calls ``on_signal(signum)`` from the event loop;
the app closes the main window there (the worker finishes the file it is
writing, the settings are saved) and exits with 128 + the signal's number,
as a shell reports a process ended by it (130, 143, 129).

How: Python runs a signal handler only when the interpreter gets control,
which an idle Qt event loop never gives it. ``signal.set_wakeup_fd`` has the
C-level handler write the signal's number to a socket, and a QSocketNotifier
on the other end wakes the event loop, which reads the number. A signal
ignored when microgui started (``nohup``, a background job) stays ignored.
"""

from __future__ import annotations

import signal
import socket
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QSocketNotifier

from microgui.desktop.signal_exit import STOP_SIGNALS, signal_exit_code

__all__ = ["STOP_SIGNALS", "CloseOnSignals"]


def _noted(signum: int, frame: Any) -> None:
    """The Python-level handler: the work is done from the event loop (see the module doc)."""


# A Ctrl-C never raises KeyboardInterrupt while this handler is in place: the plugin
# host reads this to know a KeyboardInterrupt a plugin raises is the plugin's own.
_noted.raises_keyboard_interrupt = False  # type: ignore[attr-defined]


class CloseOnSignals(QObject):
    """Calls ``on_signal(signum)`` in the GUI thread when a stop signal arrives (once)."""

    def __init__(self, on_signal: Callable[[int], object], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on_signal = on_signal
        self.signum: int | None = None  # the first stop signal received
        self._previous: dict[int, Any] = {}
        self._previous_fd: int | None = None
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._wake)

    def install(self) -> CloseOnSignals:
        """Take the stop signals (main thread only: elsewhere nothing changes)."""
        if threading.current_thread() is not threading.main_thread() or self._previous:
            return self
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno(), warn_on_full_buffer=False)
        for number in STOP_SIGNALS:
            if signal.getsignal(number) == signal.SIG_IGN:
                continue  # the user asked for it to be ignored (nohup, a background job)
            self._previous[number] = signal.signal(number, _noted)
        return self

    def uninstall(self) -> None:
        """Give the signals back to the handlers they had before ``install()``."""
        for number, handler in self._previous.items():
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)
        self._previous.clear()
        if self._previous_fd is not None:
            signal.set_wakeup_fd(self._previous_fd)
            self._previous_fd = None
        self._notifier.setEnabled(False)
        self._reader.close()
        self._writer.close()

    @property
    def exit_code(self) -> int | None:
        """128 + the signal's number once one came (130 for Ctrl-C), else None."""
        return None if self.signum is None else signal_exit_code(self.signum)

    def _wake(self) -> None:
        try:
            numbers = self._reader.recv(256)
        except OSError:  # nothing to read after all, or closed
            return
        stops = [n for n in numbers if n in self._previous]
        if not stops or self.signum is not None:
            return  # another handler's signal, or a second one while closing
        self.signum = stops[0]
        self._on_signal(self.signum)
