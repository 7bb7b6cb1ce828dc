"""File opens watched and refused, for the file tests of tests/faults and tests/microgui.

OpenSpy records what is opened (a 1 GB file must be refused from its size,
never read). deny_reading emulates an unreadable file: CI runs as root, and
root reads any file whatever its mode, so the refusal ``chmod 000`` gives an
ordinary user is injected instead.
"""

from __future__ import annotations

import builtins
import io
import os
import pathlib
from pathlib import Path

import pytest


def deny_reading(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """Make opening ``path`` raise PermissionError, as chmod 000 does for a non-root user."""
    real_open, real_os_open, real_path_open = builtins.open, os.open, pathlib.Path.open
    target = os.path.abspath(path)

    def denied(file: object) -> bool:
        return not isinstance(file, int) and os.path.abspath(os.fspath(file)) == target

    def refuse(file: object) -> None:
        raise PermissionError(13, "Permission denied", os.fspath(file))

    def guarded_open(file, *args, **kwargs):
        if denied(file):
            refuse(file)
        return real_open(file, *args, **kwargs)

    def guarded_os_open(file, *args, **kwargs):
        if denied(file):
            refuse(file)
        return real_os_open(file, *args, **kwargs)

    def guarded_path_open(file, *args, **kwargs):
        if denied(file):
            refuse(file)
        return real_path_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(io, "open", guarded_open)
    monkeypatch.setattr(os, "open", guarded_os_open)
    monkeypatch.setattr(pathlib.Path, "open", guarded_path_open)


class OpenSpy:
    """Records every path opened through open(), io.open, os.open and Path.open."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.paths: list[str] = []
        real_open, real_os_open, real_path_open = builtins.open, os.open, pathlib.Path.open

        def spy_open(file, *args, **kwargs):
            self.paths.append(os.fspath(file) if not isinstance(file, int) else f"fd {file}")
            return real_open(file, *args, **kwargs)

        def spy_os_open(path, *args, **kwargs):
            self.paths.append(os.fspath(path))
            return real_os_open(path, *args, **kwargs)

        def spy_path_open(path, *args, **kwargs):
            self.paths.append(os.fspath(path))
            return real_path_open(path, *args, **kwargs)

        monkeypatch.setattr(builtins, "open", spy_open)
        monkeypatch.setattr(io, "open", spy_open)
        monkeypatch.setattr(os, "open", spy_os_open)
        monkeypatch.setattr(pathlib.Path, "open", spy_path_open)

    def opened(self, path: Path) -> bool:
        """True if ``path`` was opened at all."""
        return os.fspath(path) in self.paths
