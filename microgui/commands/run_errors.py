"""How ``microgui train`` ends: its exit codes and the error a user can fix."""

from __future__ import annotations

__all__ = ["EXIT_BAD_INPUT", "EXIT_DIVERGED", "EXIT_INTERRUPTED", "EXIT_OK", "UserError"]

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_DIVERGED = 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT; SIGTERM and SIGHUP end with 128 + their number


class UserError(Exception):
    """Something the user can fix: shown as one line, exit code 2."""
