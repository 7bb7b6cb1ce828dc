"""`microgui` on a machine with no display prints one clear line, never Qt's abort."""

import os
import subprocess
import sys

from microgui.desktop.display import NO_DISPLAY_MESSAGE, has_display


def _env_without_display() -> dict[str, str]:
    env = dict(os.environ)
    for key in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        env.pop(key, None)
    return env


def test_has_display_rules():
    assert not has_display({}, platform="linux")
    assert has_display({"DISPLAY": ":0"}, platform="linux")
    assert has_display({"WAYLAND_DISPLAY": "wayland-0"}, platform="linux")
    assert has_display({"QT_QPA_PLATFORM": "offscreen"}, platform="linux")
    assert has_display({}, platform="win32")


def test_no_display_gives_one_clear_line_and_no_abort():
    result = subprocess.run(
        [sys.executable, "-m", "microgui"],
        env=_env_without_display(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr.strip() == NO_DISPLAY_MESSAGE
    assert "microgui train" in result.stderr and "--offscreen" in result.stderr


def test_console_script_and_module_share_one_entry_point():
    from importlib.metadata import entry_points

    import microgui.__main__ as module_main  # importing must not start the app
    from microgui.cli import run

    (script,) = [ep for ep in entry_points(group="console_scripts") if ep.name == "microgui"]
    assert script.value == "microgui.cli:run"
    assert module_main.run is run


def test_help_lists_subcommands():
    result = subprocess.run(
        [sys.executable, "-m", "microgui", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "train" in result.stdout and "plugins" in result.stdout
    assert "--offscreen" in result.stdout and "--plugins-dir" in result.stdout


def test_offscreen_screenshot_writes_a_png(tmp_path):
    shot = tmp_path / "window.png"
    result = subprocess.run(
        [sys.executable, "-m", "microgui", "--offscreen", "--screenshot", str(shot)],
        env=_env_without_display(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
