"""Fixtures of the fault matrix: isolated user folders, ``microgui train`` in-process, open spy.

The window rows (test_window_*.py) also use the Qt fixtures of tests/window_fixtures.py.
"""

from __future__ import annotations

import pytest
from fault_helpers import CliResult
from file_access import OpenSpy
from window_fixtures import (  # noqa: F401  (the window rows' fixtures, found by name)
    collect_garbage_after_the_test,
    dialogs,
    isolated_settings,
    make_window,
    registry,
    settings_file,
)

from microgui.cli import main as microgui_main


@pytest.fixture(autouse=True)
def _isolated_user_folders(tmp_path_factory, monkeypatch):
    """No per-user plugin folder or $MICROGUI_PLUGIN_PATH leaks into a fault test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.delenv("MICROGUI_PLUGIN_PATH", raising=False)


@pytest.fixture
def train_cli(capsys):
    """``train_cli(*args)`` runs ``microgui train -q *args`` in this process."""

    def run(*args: str) -> CliResult:
        capsys.readouterr()  # drop anything printed before
        try:
            code = microgui_main(["train", "-q", *args])
        except SystemExit as exc:  # argparse's own errors
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture
def open_spy(monkeypatch) -> OpenSpy:
    """Start recording opens; see :class:`OpenSpy`."""
    return OpenSpy(monkeypatch)
