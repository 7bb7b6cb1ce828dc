"""Qt fixtures for the window tests: isolated QSettings and a plugin registry without user plugins.

Not a conftest: tests/microgui/conftest.py and tests/faults/conftest.py import the
fixtures (the autouse ones apply to their folders only), and tests import WAIT_MS and
wait_ready_state from here by name.
"""

from __future__ import annotations

import gc

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox


@pytest.fixture(autouse=True)
def collect_garbage_after_the_test():
    """Collect a test's Qt garbage while no worker thread runs.

    Torn down last (autouse fixtures are set up first), after the windows
    closed and their threads stopped. Otherwise the cyclic collector may
    free the wrappers of one test's Qt objects in the middle of a later
    test, while that test's worker thread is training (seen as a segfault
    under "Garbage-collecting" in a full run).
    """
    yield
    gc.collect()


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path_factory, monkeypatch):
    """Every test gets its own QSettings folder, never the user's real configuration.

    Outside the test's tmp_path, which file tests expect to hold only their own files.
    """
    folder = tmp_path_factory.mktemp("qsettings")
    home = tmp_path_factory.mktemp("xdg")
    QSettings.setDefaultFormat(QSettings.IniFormat)
    for scope in (QSettings.UserScope, QSettings.SystemScope):
        QSettings.setPath(QSettings.IniFormat, scope, str(folder))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    return folder


@pytest.fixture(scope="session")
def registry():
    """The built-in dataset plugins only (no per-user plugin folder)."""
    from microgui.plugin_host.manager import load_plugins

    return load_plugins(include_default_dirs=False)


@pytest.fixture
def dialogs(monkeypatch) -> list[tuple[str, tuple]]:
    """Every static QMessageBox call (critical, warning, ...) is recorded instead of blocking."""
    shown: list[tuple[str, tuple]] = []
    for name in ("critical", "warning", "information", "question"):

        def record(*args, _name=name, **kwargs):
            shown.append((_name, args))
            return QMessageBox.StandardButton.Ok

        monkeypatch.setattr(QMessageBox, name, staticmethod(record))
    return shown


WAIT_MS = 20_000  # generous: the CI machine may be slow; nothing here asserts a duration


@pytest.fixture
def settings_file(tmp_path):
    """A WindowSettings backed by an .ini file in tmp_path."""
    from microgui.window.settings import WindowSettings

    def make():
        return WindowSettings(QSettings(str(tmp_path / "window.ini"), QSettings.IniFormat))

    return make


@pytest.fixture
def make_window(qtbot, registry, settings_file):
    """Open real MainWindows (worker thread included); closed and checked after the test."""
    from engine.config import TrainConfig
    from microgui.window.main_window import MainWindow

    windows = []

    def make(config=None, settings=None, wait_ready=True, defaults=False, **overrides):
        """defaults=True: no config at all (the window's own first-start/remembered one)."""
        if config is None and not defaults:
            values = {
                "dataset": "moons",
                "dataset_params": {"n_samples": 40},
                "layers": [4, 4],
                "steps": 400,
                "lr": 0.1,
            }
            values.update(overrides)
            config = TrainConfig.from_dict(values)
        window = MainWindow(registry, settings=settings or settings_file(), config=config)
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        if wait_ready:
            wait_ready_state(qtbot, window)
        return window

    yield make
    for window in windows:
        window.close()
        assert not window.controller.handle.thread.isRunning(), "worker thread left running"


def wait_ready_state(qtbot, window):
    """Until the trainer accepted the configuration and its first snapshot was drawn."""
    controller = window.controller
    qtbot.waitUntil(
        lambda: (
            controller.configured_ok and controller.snapshot is not None and controller.can_train()
        ),
        timeout=WAIT_MS,
    )
