"""Persist the last configuration and the window geometry with QSettings.

The settings are an ini file in microgui's config folder
(microgui.desktop.paths.settings_file(): next to the plugins folder, where
each platform expects it), not Qt's default location, which on macOS is
~/.config. On Linux $XDG_CONFIG_HOME moves it, which is how tests keep
away from the user's real configuration (tests/window_fixtures.py).

A settings file is written by us but lives on the user's disk, where it can
be anything: corrupt, edited by hand, a FIFO (QSettings would wait for a
writer forever while the window starts), a huge or deeply nested
``last_config`` (Python's json recursion aborted the app on every start).
None of it may stop the window from starting: what cannot be used is
ignored, and ``problems`` holds one line per ignored thing naming the file,
for the window to show.
"""

from __future__ import annotations

import json
import math
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from engine.file_kinds import kind_of
from engine.jsonfile import parse_json
from microgui.desktop.paths import SETTINGS_NAME, settings_file

CONFIG_KEY = "training/last_config"
GEOMETRY_KEY = "window/geometry"
STATE_KEY = "window/state"
SPEED_KEY = "training/speed"
#: Our own file holds a few KB; anything far larger is not ours to read at start-up.
MAX_SETTINGS_BYTES = 4 * 1024 * 1024
MAX_CONFIG_CHARS = 1024 * 1024


class _Ignored(ValueError):
    """A stored value that cannot be used; the message says why."""


def settings_file_problem(path: Path) -> str | None:
    """Why QSettings must not read ``path`` (None when it is missing or a fine regular file)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"it cannot be read ({exc.strerror or exc})"
    if not stat.S_ISREG(info.st_mode):
        return f"it is {kind_of(info.st_mode)}"
    if info.st_size > MAX_SETTINGS_BYTES:
        return f"it is {info.st_size / 1e6:,.0f} MB, far more than settings take"
    return None


class WindowSettings:
    """Typed access to the few things the window remembers between runs.

    ``problems``: one line per setting or file that was ignored, naming the file.
    """

    def __init__(self, settings: QSettings | None = None) -> None:
        self.problems: list[str] = []
        self._fallback_folder: tempfile.TemporaryDirectory | None = None
        if settings is None:
            settings = self._user_settings()
        self.settings = settings

    def _user_settings(self) -> QSettings:
        path = settings_file()
        problem = settings_file_problem(path)
        if problem:
            # Neither read nor overwritten: this run keeps its settings in a file of its own.
            self.problems.append(
                f"Ignored the settings file {path}: {problem}; settings are not saved "
                "until it is removed or replaced by a regular file"
            )
            self._fallback_folder = tempfile.TemporaryDirectory(prefix="microgui-settings-")
            path = Path(self._fallback_folder.name) / SETTINGS_NAME
        return QSettings(str(path), QSettings.IniFormat)

    @property
    def file_name(self) -> str:
        """The settings file, for messages."""
        return self.settings.fileName()

    def ignored(self, what: str, reason: str) -> None:
        """Record that the stored ``what`` was ignored because of ``reason`` (one line)."""
        self.problems.append(f"Ignored {what} in the settings file {self.file_name}: {reason}")

    def last_config(self) -> dict[str, Any] | None:
        """The configuration of the last session, or None (never stored, or unusable).

        An unusable one is recorded in ``problems``.
        """
        raw = self.settings.value(CONFIG_KEY)
        if raw is None or raw == "":
            return None
        try:
            return _config_from(raw)
        except _Ignored as exc:
            self.ignored("the last configuration", f"{exc}; starting from the defaults")
            return None

    def save_config(self, config: dict[str, Any]) -> None:
        """Remember `config` (stored as JSON text: portable across QSettings back ends)."""
        self.settings.setValue(CONFIG_KEY, json.dumps(config, sort_keys=True))

    def geometry(self) -> QByteArray | None:
        """Saved window geometry, if any."""
        value = self.settings.value(GEOMETRY_KEY)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def window_state(self) -> QByteArray | None:
        """Saved dock/toolbar state, if any."""
        value = self.settings.value(STATE_KEY)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def save_geometry(self, geometry: QByteArray, state: QByteArray) -> None:
        """Remember where the window was and how big."""
        self.settings.setValue(GEOMETRY_KEY, geometry)
        self.settings.setValue(STATE_KEY, state)

    def speed(self) -> float:
        """Last speed setting in steps per second (0 = max)."""
        raw = self.settings.value(SPEED_KEY, 0.0)
        try:
            value = float(raw)
        except (TypeError, ValueError, OverflowError):
            value = math.nan
        if not math.isfinite(value) or value < 0:
            self.ignored("the speed", f"{str(raw)[:40]!r} is not a number of steps per second")
            return 0.0
        return value

    def save_speed(self, steps_per_second: float) -> None:
        """Remember the speed setting."""
        self.settings.setValue(SPEED_KEY, float(steps_per_second))

    def sync(self) -> None:
        """Write to disk now."""
        self.settings.sync()


def _config_from(raw: object) -> dict[str, Any]:
    """The stored JSON text as a dict; _Ignored saying why not."""
    if not isinstance(raw, str):
        raise _Ignored(f"it is {type(raw).__name__}, not JSON text")
    if len(raw) > MAX_CONFIG_CHARS:
        raise _Ignored(f"it is {len(raw):,} characters long, far more than a configuration")
    value = parse_json(raw, "it", _Ignored)
    if not isinstance(value, dict):
        raise _Ignored("it is not a JSON object of settings")
    return value
