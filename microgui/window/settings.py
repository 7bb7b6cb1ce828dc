"""Persist the last configuration and the window geometry with QSettings.

The settings are an ini file in microgui's config folder
(microgui.desktop.paths.settings_file(): next to the plugins folder, where
each platform expects it), not Qt's default location, which on macOS is
~/.config. On Linux $XDG_CONFIG_HOME moves it, which is how tests keep
away from the user's real configuration (tests/window_fixtures.py).
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from microgui.desktop.paths import settings_file

CONFIG_KEY = "training/last_config"
GEOMETRY_KEY = "window/geometry"
STATE_KEY = "window/state"
SPEED_KEY = "training/speed"


class WindowSettings:
    """Typed access to the few things the window remembers between runs."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self.settings = settings or QSettings(str(settings_file()), QSettings.IniFormat)

    def last_config(self) -> dict[str, Any] | None:
        """The configuration of the last session, or None (never stored, or unreadable)."""
        raw = self.settings.value(CONFIG_KEY)
        if not raw:
            return None
        try:
            value = json.loads(str(raw))
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

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
        try:
            return float(self.settings.value(SPEED_KEY, 0.0))
        except (TypeError, ValueError):
            return 0.0

    def save_speed(self, steps_per_second: float) -> None:
        """Remember the speed setting."""
        self.settings.setValue(SPEED_KEY, float(steps_per_second))

    def sync(self) -> None:
        """Write to disk now."""
        self.settings.sync()
