"""Fault matrix, plugins: real drop-in files that raise, return junk or hang.

A broken plugin is reported by name with its error and kept out; every
other plugin keeps working. A plugin that hangs in ``generate`` is abandoned
after the caller's timeout: the caller gets a PluginError at once and the
process can still exit (the plugin runs in a daemon thread).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from fault_helpers import assert_one_line_error

from microgui.plugin_host.manager import PluginError, PluginRegistry, load_plugins

HEADER = """\
import time
import numpy as np
from microgui.hookspecs import Dataset, DatasetSpec, hookimpl
"""


def dataset_plugin(dataset_id: str, body: str) -> str:
    """A drop-in offering ``dataset_id`` whose generate(params, seed) runs ``body``."""
    return (
        HEADER
        + "\n\ndef generate(params, seed):\n"
        + textwrap.indent(textwrap.dedent(body), "    ")
        + "\n\n@hookimpl\ndef microgui_datasets():\n"
        + f"    return [DatasetSpec({dataset_id!r}, 'N', 'D', 'binary', (), generate)]\n"
    )


GOOD = """\
rng = np.random.default_rng(seed)
X = rng.normal(size=(20, 2))
return Dataset(X, (X[:, 0] > 0).astype(float), "binary", ("a", "b"), ("neg", "pos"))
"""

DROP_INS = {
    "good_one": dataset_plugin("good", GOOD),
    "raises_on_import": HEADER + "\n\nraise RuntimeError('broken at import time')\n",
    "syntax_error": "def microgui_datasets(:\n    pass\n",
    "raises_in_generate": dataset_plugin("boom", "raise ValueError('generator exploded')\n"),
    "returns_a_string": dataset_plugin("text", "return 'a dataset, honestly'\n"),
    "returns_string_arrays": dataset_plugin(
        "strings",
        'X = np.array([["a", "b"], ["c", "d"]])\n'
        'return Dataset(X, np.array(["x", "y"]), "binary", ("f", "g"), ("x", "y"))\n',
    ),
    "ten_minutes": dataset_plugin("sleepy", "time.sleep(600)\n"),
}


@pytest.fixture(scope="module")
def plugin_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("drop_ins")
    for name, source in DROP_INS.items():
        (folder / f"{name}.py").write_text(source, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def registry(plugin_dir) -> PluginRegistry:
    return load_plugins([plugin_dir], include_default_dirs=False)


def line_of(plugin: str, text: str) -> int:
    """The 1-based line of ``plugin``'s source that contains ``text``."""
    lines = DROP_INS[plugin].splitlines()
    return next(i for i, line in enumerate(lines, start=1) if text in line)


def report(registry: PluginRegistry, name: str):
    (found,) = [r for r in registry.reports if r.name == name]
    return found


def generate_error(registry: PluginRegistry, dataset_id: str, **kwargs) -> PluginError:
    with pytest.raises(PluginError) as info:
        registry.generate(dataset_id, None, 0, **kwargs)
    assert "\n" not in str(info.value)
    return info.value


# ------------------------------------------------------------------ import time


def test_a_plugin_that_raises_on_import_is_reported_by_name_and_left_out(registry):
    found = report(registry, "raises_on_import")
    assert found.status == "failed" and found.dataset_ids == []
    assert "import failed: RuntimeError: broken at import time" in found.error
    line = line_of("raises_on_import", "raise RuntimeError")
    assert f"(at raises_on_import.py line {line})" in found.error  # the plugin's own line


def test_a_plugin_with_a_syntax_error_is_reported_with_its_line(registry):
    found = report(registry, "syntax_error")
    assert found.status == "failed"
    assert "SyntaxError" in found.error and "syntax_error.py line 1" in found.error


def test_the_other_plugins_still_load_and_generate(registry):
    assert registry.generate("good", None, 3).X.shape == (20, 2)
    assert registry.generate("moons", None, 0).X.shape == (100, 2)
    working = {r.name for r in registry.reports if r.status == "ok"}
    assert {"good_one", "raises_in_generate", "ten_minutes", "sklearn_datasets"} <= working


# ------------------------------------------------------------------ generate time


def test_a_plugin_that_raises_in_generate_names_the_plugin_and_its_line(registry):
    error = generate_error(registry, "boom")
    assert error.plugin == "raises_in_generate" and not error.input_error
    text = str(error)
    assert text.startswith("dataset 'boom' (plugin 'raises_in_generate'): failed in generate")
    assert "ValueError: generator exploded" in text
    assert f"(at raises_in_generate.py line {line_of('raises_in_generate', 'raise')})" in text


@pytest.mark.parametrize(
    ("dataset_id", "plugin"), [("text", "returns_a_string"), ("strings", "returns_string_arrays")]
)
def test_a_plugin_that_returns_strings_is_refused(registry, dataset_id, plugin):
    error = generate_error(registry, dataset_id)
    assert error.plugin == plugin and not error.input_error
    assert f"(plugin {plugin!r}): returned invalid data" in str(error)


def test_the_command_line_reports_a_failing_plugin_in_one_line(train_cli, plugin_dir):
    result = train_cli("--plugins-dir", str(plugin_dir), "--dataset", "boom", "--steps", "1")
    assert_one_line_error(result, "raises_in_generate", "generator exploded")
    result = train_cli("--plugins-dir", str(plugin_dir), "--dataset", "text", "--steps", "1")
    assert_one_line_error(result, "returns_a_string", "returned invalid data")


# ------------------------------------------------------------------ a 10-minute generate


def sleepy_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if "sleepy" in t.name]


def test_a_ten_minute_generate_is_abandoned_after_the_timeout(registry):
    before = len(sleepy_threads())
    error = generate_error(registry, "sleepy", timeout=1)
    assert error.plugin == "ten_minutes" and error.dataset_id == "sleepy"
    text = str(error)
    assert "(plugin 'ten_minutes')" in text and "took longer than 1 s" in text
    assert "abandoned" in text
    # The caller is free while the plugin is still sleeping: its thread is alive,
    # and a daemon, so it cannot keep the process from exiting.
    running = sleepy_threads()
    assert len(running) == before + 1
    assert all(t.is_alive() and t.daemon for t in running)
    # And the registry still serves everything else meanwhile.
    assert registry.generate("good", None, 0).X.shape == (20, 2)


EXIT_SCRIPT = """\
import sys
from microgui.plugin_host.manager import PluginError, load_plugins
registry = load_plugins([sys.argv[1]], include_default_dirs=False)
try:
    registry.generate("sleepy", None, 0, timeout=1)
except PluginError as exc:
    print("refused:", exc, flush=True)
print("main thread done", flush=True)
"""


@pytest.mark.slow
def test_a_process_with_a_hung_plugin_still_exits(plugin_dir, tmp_path):
    # 30 s is a failure-detection bound, not a speed test: a process waiting
    # for the sleeping plugin would take 600 s.
    script = tmp_path / "hang.py"
    script.write_text(EXIT_SCRIPT, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), str(plugin_dir)],
        capture_output=True,
        text=True,
        timeout=30,
        env=_clean_env(tmp_path),
    )
    assert done.returncode == 0, done.stderr
    assert "refused: dataset 'sleepy' (plugin 'ten_minutes')" in done.stdout
    assert "took longer than 1 s" in done.stdout
    assert done.stdout.strip().endswith("main thread done")
    assert "Traceback" not in done.stderr


def _clean_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "MICROGUI_PLUGIN_PATH"}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    return env


def test_train_command_gives_up_on_a_hung_plugin_with_exit_2(tmp_path):
    """`microgui train` on a plugin whose generate never returns: one line, exit 2, no hang."""
    import subprocess
    import sys

    (tmp_path / "stuck.py").write_text(
        "import time\n"
        "from microgui.hookspecs import DatasetSpec, hookimpl\n"
        "def _generate(params, seed):\n"
        "    time.sleep(600)\n"
        "@hookimpl\n"
        "def microgui_datasets():\n"
        "    return [DatasetSpec('stuck', 'Stuck', 'Never returns.', 'binary', (), _generate)]\n",
        encoding="utf-8",
    )
    env = dict(os.environ, MICROGUI_DATASET_TIMEOUT="1")
    proc = subprocess.run(
        [sys.executable, "-m", "microgui", "train", "--plugins-dir", str(tmp_path)]
        + ["--dataset", "stuck", "--steps", "1", "--quiet"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,  # a failure-detection bound, not a speed test
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "stuck" in proc.stderr and "longer than" in proc.stderr
