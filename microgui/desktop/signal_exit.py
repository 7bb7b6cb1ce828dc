"""The signals that stop microgui, and the exit code each one ends it with.

Ctrl-C (SIGINT), SIGTERM and SIGHUP, where the platform has them, stop both
the window (``desktop.stop_signals``: it closes as by its close button) and
the command line (``commands.stop_signals``: the session is written first);
either way the process exits with 128 + the signal's number. Both take the
list and the code from here. No Qt: ``microgui train`` runs without a display.
"""

from __future__ import annotations

import signal

__all__ = ["STOP_SIGNALS", "signal_exit_code"]

STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


def signal_exit_code(signum: int) -> int:
    """128 + the signal's number, as a shell reports a process ended by it (130, 143, 129)."""
    return 128 + signum
