"""Helpers of the fault matrix: CLI results, one-line error checks, spies on file opens."""

from __future__ import annotations

import builtins
import io
import os
import pathlib
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass
class CliResult:
    """Exit code and captured output of one ``microgui train`` run."""

    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


def assert_one_line_error(result: CliResult, *must_say: str) -> str:
    """Exit 2, exactly one line on stderr, no traceback, and it says every ``must_say``."""
    assert result.code == 2, (result.code, result.err)
    assert "Traceback" not in result.err
    assert len(result.err_lines) == 1, result.err
    line = result.err_lines[0]
    assert line.startswith("microgui train: error: "), line
    for text in must_say:
        assert text.lower() in line.lower(), (text, line)
    return line


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


def _permissions_are_enforced() -> bool:
    """False when this process reads a mode-000 file anyway (root with CAP_DAC_OVERRIDE)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / "probe"
        probe.write_bytes(b"x")
        probe.chmod(0)
        try:
            with open(probe, "rb"):
                return False
        except PermissionError:
            return True
        finally:
            probe.chmod(0o600)


#: Root (with its usual capabilities) reads and writes whatever the file modes say.
PERMISSIONS_IGNORED = not _permissions_are_enforced()
