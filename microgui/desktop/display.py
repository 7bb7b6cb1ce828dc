"""Decide, before Qt is touched, whether a window can be shown at all.

Qt aborts the whole process (exit 134, "could not connect to display") when
it finds no display and no QT_QPA_PLATFORM, and pytest or a terminal user
never sees why. We check first and say it in one line instead.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

NO_DISPLAY_MESSAGE = (
    "microgui: no display found (DISPLAY and WAYLAND_DISPLAY are unset), so the window "
    "cannot open. To run headless use `microgui train --preset micrograd-demo`, or start "
    "the window offscreen with `microgui --offscreen --screenshot window.png`."
)


def has_display(environ: Mapping[str, str] | None = None, platform: str | None = None) -> bool:
    """True when Qt can open a window: a display server, or an explicit QPA platform."""
    env = os.environ if environ is None else environ
    plat = sys.platform if platform is None else platform
    if env.get("QT_QPA_PLATFORM"):
        return True
    if not plat.startswith("linux") and "bsd" not in plat:
        # Windows and macOS always have a window server for a desktop session.
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))
