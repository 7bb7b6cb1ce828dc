"""`microgui` on a machine with no display prints one clear line, never Qt's abort."""

import os
import subprocess
import sys

from microgui.desktop.display import (
    DESKTOP_PACKAGES,
    NO_DISPLAY_MESSAGE,
    has_display,
    missing_libraries_message,
    missing_xcb_packages,
    uses_xcb,
)


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


def test_xcb_is_used_on_an_x11_desktop_only():
    assert uses_xcb({"DISPLAY": ":0"}, platform="linux")
    assert uses_xcb({"QT_QPA_PLATFORM": "xcb"}, platform="linux")
    assert not uses_xcb({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, platform="linux")
    assert not uses_xcb({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, platform="linux")
    assert not uses_xcb({"DISPLAY": ":0"}, platform="darwin")


def test_missing_xcb_libraries_are_named_with_the_command_that_installs_them():
    absent = {"libxcb-cursor.so.0", "libxcb-keysyms.so.1"}

    def load(soname):
        if soname in absent:
            raise OSError(f"{soname}: cannot open shared object file")

    missing = missing_xcb_packages(load)
    assert missing == ["libxcb-cursor0", "libxcb-keysyms1"]
    message = missing_libraries_message(missing)
    assert "\n" not in message
    assert "sudo apt install libxcb-cursor0 libxcb-keysyms1" in message
    assert "microgui train" in message
    assert missing_xcb_packages(lambda soname: None) == []


def test_the_window_command_says_which_libraries_are_missing_instead_of_aborting(
    monkeypatch, capsys
):
    import microgui.cli as cli

    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setattr(cli, "missing_xcb_packages", lambda: ["libxcb-cursor0"])
    monkeypatch.setattr(cli.sys, "platform", "linux")
    assert cli.main([]) == 1
    err = capsys.readouterr().err
    assert err == missing_libraries_message(["libxcb-cursor0"]) + "\n"


def test_the_desktop_packages_are_in_the_readme_and_the_no_display_message():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    command = f"sudo apt install {' '.join(DESKTOP_PACKAGES)}"
    assert command in readme
    assert command in NO_DISPLAY_MESSAGE
