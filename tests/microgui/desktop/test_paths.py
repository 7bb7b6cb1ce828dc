"""Per-user folders through platformdirs: settings, plugins and log where each platform expects."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs
import pytest
from platformdirs.macos import MacOS

from microgui.desktop import paths
from microgui.desktop.error_handler import log_file_path
from microgui.plugin_host.discovery import default_plugin_dir
from microgui.window.settings import WindowSettings

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="XDG variables are Linux's"
)


@linux_only
def test_linux_folders_follow_the_xdg_variables(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert paths.user_config_dir() == tmp_path / "config" / "microgui"
    assert paths.settings_file() == tmp_path / "config" / "microgui" / "microgui.ini"
    assert default_plugin_dir() == tmp_path / "config" / "microgui" / "plugins"
    assert paths.user_log_dir() == tmp_path / "state" / "microgui" / "log"
    assert log_file_path() == tmp_path / "state" / "microgui" / "log" / "microgui.log"


@linux_only
def test_linux_defaults_without_the_variables(monkeypatch):
    for variable in ("XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        monkeypatch.delenv(variable, raising=False)
    home = Path.home()
    assert paths.user_config_dir() == home / ".config" / "microgui"
    assert paths.user_log_dir() == home / ".local" / "state" / "microgui" / "log"


def test_on_macos_settings_and_plugins_share_application_support(monkeypatch, qapp):
    """Qt's own ini location on macOS is ~/.config; ours is next to the plugins folder."""
    # platformdirs' functions build a PlatformDirs of the running platform: swap in macOS's.
    monkeypatch.setattr(platformdirs, "PlatformDirs", MacOS)
    for variable in ("XDG_CONFIG_HOME", "XDG_STATE_HOME"):  # platformdirs honours them on macOS
        monkeypatch.delenv(variable, raising=False)
    folder = Path.home() / "Library" / "Application Support" / "microgui"
    assert paths.user_config_dir() == folder
    assert default_plugin_dir() == folder / "plugins"
    assert paths.user_log_dir() == Path.home() / "Library" / "Logs" / "microgui"
    settings = WindowSettings()  # not written: fileName() is where it would be
    assert Path(settings.settings.fileName()) == paths.settings_file() == folder / "microgui.ini"


@linux_only
def test_the_window_settings_are_written_to_the_config_folder(tmp_path, monkeypatch, qapp):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    settings = WindowSettings()
    settings.save_config({"layers": [4, 4]})
    settings.save_speed(12.5)
    settings.sync()
    written = tmp_path / "config" / "microgui" / "microgui.ini"
    assert written.is_file()
    assert "last_config" in written.read_text(encoding="utf-8")
    again = WindowSettings()
    assert again.last_config() == {"layers": [4, 4]} and again.speed() == 12.5
