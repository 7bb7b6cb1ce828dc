"""An installed microgui (a wheel, not the source tree) finds its resources and plugins."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, microgui, engine, plugins
from importlib.metadata import entry_points
from microgui.desktop.paths import resource_dir
res = resource_dir()
print(json.dumps({
    "microgui": microgui.__file__,
    "engine": engine.__file__,
    "plugins": plugins.__file__,
    "resources": str(res),
    "icon": (res / "icons" / "microgui.svg").is_file(),
    "style": (res / "style.qss").is_file(),
    "csv": sorted(p.name for p in (res / "sample_data").glob("*.csv")),
    "example_plugin": (res / "example_plugin" / "pyproject.toml").is_file(),
    "entry_points": sorted(ep.value for ep in entry_points(group="microgui.plugins")),
}))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
        + ["--quiet", "-w", str(out), str(ROOT)],
        check=True,
        timeout=300,
    )
    (built,) = out.glob("microgui-*.whl")
    return built


@pytest.mark.slow
def test_wheel_contains_packages_and_resources(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for expected in (
        "engine/__init__.py",
        "microgui/cli.py",
        "plugins/__init__.py",
        "microgui/resources/icons/microgui.svg",
        "microgui/resources/style.qss",
    ):
        assert expected in names, f"{expected} missing from {wheel.name}"
    assert not any(n.startswith("tests/") for n in names)


@pytest.mark.slow
def test_installed_wheel_finds_resources_and_entry_points(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps"]
        + ["--target", str(target), str(wheel)],
        check=True,
        timeout=300,
    )
    env = dict(os.environ, PYTHONPATH=str(target))
    # Run from an unrelated folder so the source checkout cannot be picked up by accident.
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    info = json.loads(result.stdout)
    for package in ("microgui", "engine", "plugins"):
        assert info[package].startswith(str(target)), info
    assert info["resources"].startswith(str(target))
    assert info["icon"] and info["style"] and info["example_plugin"]
    assert info["csv"], "the sample CSV must ship in the wheel"
    assert "plugins.sklearn_datasets" in info["entry_points"]

    script = target / "bin" / "microgui"
    assert script.is_file(), "the console script `microgui` must be installed"
    help_run = subprocess.run(
        [sys.executable, "-m", "microgui", "--help"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert help_run.returncode == 0, help_run.stderr
    assert "train" in help_run.stdout
