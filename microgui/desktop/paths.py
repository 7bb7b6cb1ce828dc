"""Where microgui's bundled resources and per-user files live.

Resources ship inside the wheel as `microgui/resources` (pyproject's
force-include); in a source checkout or an editable install they are the
top-level `resources/` folder. Both layouts are looked up here, and only here.

Per-user folders come from platformdirs, so each sits where its platform
expects it (and on Linux follows $XDG_CONFIG_HOME, $XDG_DATA_HOME and
$XDG_STATE_HOME, read at each call):

* config (the settings file `microgui.ini` and `plugins/`): ~/.config/microgui
  on Linux, ~/Library/Application Support/microgui on macOS, %APPDATA%\\microgui
  on Windows;
* log (`microgui.log`, tracebacks of uncaught exceptions): ~/.local/state/microgui/log,
  ~/Library/Logs/microgui, %LOCALAPPDATA%\\microgui\\Logs.

The window's QSettings are an ini file in the config folder
(``settings_file()``), next to the plugins, on every platform: Qt's own
default puts an ini file in ~/.config even on macOS.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "microgui"
SETTINGS_NAME = "microgui.ini"

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
        "(pip install --force-reinstall microgui-sandbox)"
    )


def resource_path(*parts: str) -> Path:
    """A file inside the resource folder, e.g. resource_path("icons", "microgui.svg")."""
    return resource_dir().joinpath(*parts)


def user_config_dir() -> Path:
    """Per-user configuration folder: the settings file and the `plugins` subfolder."""
    # roaming: on Windows %APPDATA%, which follows the user between machines
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False, roaming=True))


def user_log_dir() -> Path:
    """Per-user log folder (the crash log lives here)."""
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def settings_file() -> Path:
    """The ini file of the window's QSettings (see microgui.window.settings)."""
    return user_config_dir() / SETTINGS_NAME
