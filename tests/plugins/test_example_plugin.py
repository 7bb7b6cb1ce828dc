"""resources/example_plugin installs as a package and microgui finds it by its entry point.

It is installed into a throw-away venv that sees this environment's packages
(so microgui and numpy are there) but leaves this environment untouched.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "resources" / "example_plugin"

PROBE = """
import json
from microgui.plugin_host.manager import load_plugins
registry = load_plugins(include_default_dirs=False)
data = registry.generate("checkerboard", {"n_samples": 50}, seed=1)
print(json.dumps({
    "ids": sorted(registry.datasets),
    "reports": [r.as_dict() for r in registry.reports],
    "shape": list(data.X.shape),
    "task": data.task,
}))
"""


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, **kwargs)
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def plugin_python(tmp_path_factory) -> Path:
    """Python of a fresh venv with the example plugin pip-installed from a copy of it."""
    if importlib.util.find_spec("setuptools") is None:
        pytest.skip("setuptools (the example's build backend) is not installed")
    root = tmp_path_factory.mktemp("example")
    source = root / "example_plugin"
    # Building writes build/ and *.egg-info: keep them out of the repository.
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("build", "*.egg-info"))
    env_dir = root / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    purelib = run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    # Let the new venv see this one's packages (microgui, numpy, pluggy, setuptools).
    parents = [p for p in site.getsitepackages() if Path(p).is_dir()]
    lines = "".join(f"import site; site.addsitedir({p!r})\n" for p in parents)
    (Path(purelib.stdout.strip()) / "_parent_env.pth").write_text(lines)
    run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet"]
        + ["--no-deps", "--no-build-isolation", "--no-index", str(source)]
    )
    return python


@pytest.mark.slow
def test_installed_example_plugin_is_found_through_its_entry_point(plugin_python, tmp_path):
    result = run([str(plugin_python), "-c", PROBE], cwd=tmp_path)
    info = json.loads(result.stdout)
    assert "checkerboard" in info["ids"] and "moons" in info["ids"]
    (report,) = [r for r in info["reports"] if r["name"] == "checkerboard"]
    assert report["source"] == "package" and report["status"] == "ok"
    assert report["location"] == "microgui_example_plugin"
    assert info["shape"] == [50, 2] and info["task"] == "binary"


@pytest.mark.slow
def test_example_plugins_own_tests_pass(plugin_python, tmp_path):
    tests = tmp_path / "tests"
    shutil.copytree(EXAMPLE / "tests", tests)
    # Run from the copy's folder so microgui's own pytest configuration stays out of it.
    command = [str(plugin_python), "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tests)]
    run(command, cwd=tmp_path)


def test_this_environment_was_not_changed():
    # The example is only ever installed into the throw-away venv.
    assert importlib.util.find_spec("microgui_example_plugin") is None


def test_microgui_never_names_the_example_plugin():
    package = Path(__file__).resolve().parents[2] / "microgui"
    for path in package.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "microgui_example_plugin" not in text, path
