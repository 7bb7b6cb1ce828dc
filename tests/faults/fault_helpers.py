"""Helpers of the fault matrix: CLI results, one-line error checks, whether modes are enforced."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass
class CliResult:
    """Exit code and captured output of one ``microgui train`` run."""

    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


@dataclass
class FileKind:
    """How to save and load one kind of file (model, session), and the error it raises."""

    name: str
    error: type[Exception]
    save: Callable[[Path], None]
    load: Callable[[Path], object]


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
