"""SIGTERM and SIGHUP stop ``microgui train`` the way Ctrl-C does: the session is written.

By default SIGTERM (``timeout``, ``kill``, a batch system) and SIGHUP (a
closed terminal) end Python at once, losing the run. While
:func:`stopping_signals_raise` is active they raise :class:`Stopped`, a
KeyboardInterrupt, so every ``except KeyboardInterrupt`` path (write the
session, say how far it got) handles all three; the exit code is 128 plus
the signal's number, as a shell reports a process ended by it.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

from microgui.desktop.signal_exit import STOP_SIGNALS, signal_exit_code

__all__ = ["Stopped", "exit_code_of", "stopping_signals_raise"]

# Ctrl-C raises KeyboardInterrupt by itself; the other stop signals are made to.
_SIGNALS = tuple(number for number in STOP_SIGNALS if number != signal.SIGINT)


class Stopped(KeyboardInterrupt):
    """The process was asked to stop by ``signum`` (SIGTERM, SIGHUP)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def exit_code_of(interrupt: KeyboardInterrupt) -> int:
    """128 + the signal's number: 130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP."""
    return signal_exit_code(interrupt.signum if isinstance(interrupt, Stopped) else signal.SIGINT)


def _raise_stopped(signum: int, _frame: object) -> None:
    raise Stopped(signum)


@contextlib.contextmanager
def stopping_signals_raise() -> Iterator[None]:
    """Inside the block SIGTERM and SIGHUP raise :class:`Stopped`; handlers restored after.

    Only the main thread may set handlers; elsewhere (a test's thread) nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    for number in _SIGNALS:
        if signal.getsignal(number) == signal.SIG_IGN:
            continue  # e.g. started with nohup: the user asked for SIGHUP to be ignored
        previous[number] = signal.signal(number, _raise_stopped)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)
