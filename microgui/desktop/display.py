"""Decide, before Qt is touched, whether a window can be shown at all.

Qt aborts the whole process (exit 134, "could not connect to display") when
it finds no display and no QT_QPA_PLATFORM, and pytest or a terminal user
never sees why. We check first and say it in one line instead.

On Linux desktops Qt draws through its X11 ("xcb") platform plugin, which
needs a few xcb libraries that a desktop Debian or Ubuntu does not always
install (libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1 were missing on a
fresh Ubuntu desktop); without them Qt aborts with "could not load the Qt
platform plugin xcb". We look for them first, and name the packages.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping

#: What Qt's xcb platform plugin loads (soname -> Debian/Ubuntu package). The first
#: three are the ones a desktop tends to lack; the rest come with most desktops.
XCB_LIBRARIES: dict[str, str] = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}
DESKTOP_PACKAGES = ("libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1")

NO_DISPLAY_MESSAGE = (
    "microgui: no display found (DISPLAY and WAYLAND_DISPLAY are unset), so the window "
    "cannot open. To run headless use `microgui train --preset micrograd-demo`, or start "
    "the window offscreen with `microgui --offscreen --screenshot window.png`. "
    "On a Debian/Ubuntu desktop the window also needs "
    f"`sudo apt install {' '.join(DESKTOP_PACKAGES)}`."
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


def uses_xcb(environ: Mapping[str, str] | None = None, platform: str | None = None) -> bool:
    """True when Qt will draw through X11 (xcb): Linux, an X display, no other platform."""
    env = os.environ if environ is None else environ
    plat = sys.platform if platform is None else platform
    if not plat.startswith("linux"):
        return False
    chosen = env.get("QT_QPA_PLATFORM", "")
    if chosen:
        return chosen.split(":")[0] == "xcb"
    return bool(env.get("DISPLAY")) and not env.get("WAYLAND_DISPLAY")


def missing_xcb_packages(load: Callable[[str], object] = ctypes.CDLL) -> list[str]:
    """The Debian/Ubuntu packages of the xcb libraries that cannot be loaded."""
    missing = []
    for soname, package in XCB_LIBRARIES.items():
        try:
            load(soname)
        except OSError:
            missing.append(package)
    return missing


def missing_libraries_message(packages: list[str]) -> str:
    """One line: what is missing, the command that installs it, and what works meanwhile."""
    return (
        f"microgui: the window cannot open: Qt's X11 (xcb) platform needs "
        f"{', '.join(packages)}, which {'is' if len(packages) == 1 else 'are'} not installed. "
        f"On Debian/Ubuntu: `sudo apt install {' '.join(packages)}`. Meanwhile "
        "`microgui train --preset micrograd-demo` trains without a window."
    )
