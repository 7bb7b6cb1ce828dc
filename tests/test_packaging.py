"""The distribution: its metadata, and an installed wheel (not the source tree) that works.

The distribution is "microgui-sandbox" ("microgui" on PyPI is an unrelated project); the
command, the import packages and the plugin entry-point group stay "microgui".
"""

import email
import importlib.metadata
import importlib.util
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement

import microgui

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

ROOT = Path(__file__).resolve().parent.parent
DISTRIBUTION = "microgui-sandbox"
DEV_TOOLS = {"ruff", "build", "hatchling", "import-linter", "mutmut"}

PROBE = """
import json, microgui, engine, plugins
from importlib.metadata import entry_points, version
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
    "version": microgui.__version__,
    "distribution_version": version("microgui-sandbox"),
}))
"""


def _pyproject(path: Path = ROOT / "pyproject.toml") -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def test_distribution_name_version_and_license_are_declared_once():
    project = _pyproject()["project"]
    assert project["name"] == DISTRIBUTION
    assert project["dynamic"] == ["version"] and "version" not in project
    assert _pyproject()["tool"]["hatch"]["version"]["path"] == "microgui/__init__.py"
    assert re.fullmatch(r"\d+\.\d+\.\d+(\.\w+)?", microgui.__version__)
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert not any(c.startswith("License ::") for c in project["classifiers"])  # PEP 639
    assert "Typing :: Typed" in project["classifiers"]
    assert (ROOT / "engine" / "py.typed").is_file() and (ROOT / "microgui" / "py.typed").is_file()
    assert project["scripts"] == {"microgui": "microgui.cli:run"}


def test_dev_tools_are_a_dependency_group_not_a_published_extra():
    data = _pyproject()
    for extra, requirements in data["project"]["optional-dependencies"].items():
        names = {Requirement(r).name for r in requirements}
        assert not names & DEV_TOOLS, f"extra {extra!r} publishes dev tools {names & DEV_TOOLS}"
    dev = {Requirement(r).name for r in data["dependency-groups"]["dev"]}
    assert {"ruff", "import-linter", "hatchling", "build"} <= dev
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install --quiet --group dev" in ci  # the linters CI runs


def test_optional_extras_name_what_they_enable():
    extras = _pyproject()["project"]["optional-dependencies"]
    assert {Requirement(r).name for r in extras["torch"]} == {"torch"}
    assert {Requirement(r).name for r in extras["graphviz"]} == {"graphviz"}


def test_the_example_plugin_depends_on_this_distribution():
    example = _pyproject(ROOT / "resources" / "example_plugin" / "pyproject.toml")
    names = {Requirement(r).name for r in example["project"]["dependencies"]}
    assert DISTRIBUTION in names and "microgui" not in names
    try:
        installed = importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        pytest.fail(f"{DISTRIBUTION} is not installed here: pip install -e . again after a rename")
    assert installed == microgui.__version__


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # The dev group's hatchling builds offline; without it pip fetches one, as `pip install` does.
    isolation = [] if importlib.util.find_spec("hatchling") is None else ["--no-build-isolation"]
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", *isolation]
        + ["--quiet", "-w", str(out), str(ROOT)],
        check=True,
        timeout=300,
    )
    (built,) = out.glob("microgui_sandbox-*.whl")
    return built


@pytest.mark.slow
def test_wheel_metadata_names_license_version_and_extras(wheel):
    archive = zipfile.ZipFile(wheel)
    dist_info = f"microgui_sandbox-{microgui.__version__}.dist-info"
    metadata = email.message_from_bytes(archive.read(f"{dist_info}/METADATA"))
    assert metadata["Name"] == DISTRIBUTION
    assert metadata["Version"] == microgui.__version__
    assert metadata["License-Expression"] == "MIT"
    assert metadata.get_all("License-File") == ["LICENSE"]
    assert archive.read(f"{dist_info}/licenses/LICENSE").startswith(b"MIT License")
    assert set(metadata.get_all("Provides-Extra")) == {"torch", "graphviz", "test"}
    required = {Requirement(r).name for r in metadata.get_all("Requires-Dist")}
    assert not required & DEV_TOOLS
    assert "Typing :: Typed" in metadata.get_all("Classifier")
    names = archive.namelist()
    assert "engine/py.typed" in names and "microgui/py.typed" in names


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
    assert info["distribution_version"] == info["version"] == microgui.__version__

    script = target / "bin" / "microgui"
    assert script.is_file(), "the console script `microgui` must be installed"

    def microgui_command(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "microgui", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    help_run = microgui_command("--help")
    assert help_run.returncode == 0, help_run.stderr
    assert "train" in help_run.stdout
    version_run = microgui_command("--version")
    assert version_run.stdout.strip() == f"microgui {microgui.__version__}"
