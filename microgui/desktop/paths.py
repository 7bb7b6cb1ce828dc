"""Where microgui's bundled resources and per-user files live.

Resources ship inside the wheel as `microgui/resources` (pyproject's
force-include); in a source checkout or an editable install they are the
top-level `resources/` folder. Both layouts are looked up here, and only here.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# microgui/desktop/paths.py -> microgui/
_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def resource_dir() -> Path:
    """The folder holding icons, the style sheet, sample data and the example plugin."""
    installed = _PACKAGE_DIR / "resources"
    if installed.is_dir():
        return installed
    checkout = _PACKAGE_DIR.parent / "resources"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(
        f"microgui resources not found in {installed} or {checkout}; reinstall microgui "
        "(pip install --force-reinstall microgui)"
    )


def resource_path(*parts: str) -> Path:
    """A file inside the resource folder, e.g. resource_path("icons", "microgui.svg")."""
    return resource_dir().joinpath(*parts)


def user_config_dir() -> Path:
    """Per-user configuration folder (plugins live in its `plugins` subfolder)."""
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "microgui"


def user_data_dir() -> Path:
    """Per-user data folder (the crash log lives here)."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "microgui"
