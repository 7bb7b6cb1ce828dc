"""Plugin discovery and isolation: each broken plugin is reported by name, the rest keep working.

Broken plugins are real drop-in files written into tmp_path and loaded the
way a user's would be.
"""

from __future__ import annotations

import importlib.metadata
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from plugin_test_helpers import HEADER, dataset_plugin, load, report, write
from plugin_test_helpers import assert_rest_works as assert_good_plugin_works

from microgui.plugin_host.manager import DEFAULT_DATASET_ID, PluginRegistry, load_plugins

BUILTIN_IDS = {
    "moons",
    "circles",
    "blobs",
    "classification",
    "playground_circle",
    "playground_xor",
    "playground_gaussian",
    "playground_spiral",
    "sine",
    "plane",
    "gaussian_surface",
    "csv",
}


def assert_rest_works(registry: PluginRegistry) -> None:
    """All the built-ins are still there, and the good drop-in still loads and generates."""
    assert set(registry.datasets) >= BUILTIN_IDS
    assert_good_plugin_works(registry)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write(tmp_path, "good", dataset_plugin("good_data"))
    return tmp_path


# --------------------------------------------------------------------------- discovery


def test_builtins_are_found_through_entry_points_only(monkeypatch):
    registry = load_plugins(include_default_dirs=False)
    assert set(registry.datasets) == BUILTIN_IDS, "is microgui installed? pip install -e ."
    assert all(r.source == "built-in" and r.status == "ok" for r in registry.reports)
    assert registry.default_dataset_id == DEFAULT_DATASET_ID == "moons"
    order = list(registry.datasets)
    assert order[:4] == ["moons", "circles", "blobs", "classification"]
    assert order[-1] == "csv", "datasets that need a file come last in menus"

    # Without entry points there are no built-ins: the manager never imports plugins/.
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda **kwargs: [])
    assert load_plugins(include_default_dirs=False).datasets == {}


def test_drop_in_folder_plugin_is_loaded_as_a_file_plugin(folder):
    registry = load(folder)
    good = report(registry, "good")
    assert (good.source, good.status, good.dataset_ids) == ("file", "ok", ["good_data"])
    assert good.location == str(folder / "good.py")
    assert registry.plugin_of("good_data") == "good"


def test_private_and_non_python_files_are_ignored(folder):
    write(folder, "_helpers", "raise RuntimeError('must not be imported')")
    (folder / "notes.txt").write_text("not a plugin")
    registry = load(folder)
    assert [r.name for r in registry.reports if r.source == "file"] == ["good"]


def test_environment_variable_and_user_folder_are_searched(tmp_path, monkeypatch):
    env_a, env_b, config = tmp_path / "a", tmp_path / "b", tmp_path / "config"
    for path in (env_a, env_b):
        path.mkdir()
    user_dir = config / "microgui" / "plugins"
    user_dir.mkdir(parents=True)
    write(env_a, "from_a", dataset_plugin("data_a"))
    write(env_b, "from_b", dataset_plugin("data_b"))
    write(user_dir, "from_user", dataset_plugin("data_user"))
    monkeypatch.setenv("MICROGUI_PLUGIN_PATH", f"{env_a}{__import__('os').pathsep}{env_b}")
    for variable in ("XDG_CONFIG_HOME", "APPDATA"):
        monkeypatch.setenv(variable, str(config))
    if sys.platform == "darwin":
        pytest.skip("the macOS user folder is under ~/Library, not an environment variable")
    registry = load_plugins(include_entry_points=False)
    assert {"data_a", "data_b", "data_user"} == set(registry.datasets)
    assert [r.name for r in registry.reports] == ["from_a", "from_b", "from_user"]


def test_missing_named_folder_is_a_warning_not_a_crash(tmp_path):
    registry = load_plugins([tmp_path / "nope"], include_default_dirs=False)
    assert any("nope" in w and "does not exist" in w for w in registry.warnings)
    assert set(registry.datasets) >= BUILTIN_IDS


def test_the_same_folder_twice_loads_each_plugin_once(folder):
    registry = load_plugins([folder, folder / "."], include_default_dirs=False)
    assert [r.name for r in registry.reports if r.source == "file"] == ["good"]


# --------------------------------------------------------------------------- load-time failures


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("raise RuntimeError('boom at import')", "import failed: RuntimeError: boom at import"),
        ("import not_a_module_anyone_has", "ModuleNotFoundError"),
        ("def broken(:\n    pass", "SyntaxError"),
        ("import sys\nsys.exit(3)", "SystemExit"),
    ],
    ids=["raises", "missing-import", "syntax-error", "sys-exit"],
)
def test_plugin_that_fails_to_import_is_reported(folder, source, expected):
    write(folder, "bad", source)
    registry = load(folder)
    bad = report(registry, "bad")
    assert (bad.status, bad.source) == ("failed", "file")
    assert expected in bad.error and "bad.py" in bad.error
    assert_rest_works(registry)


def test_import_error_names_the_line(folder):
    write(folder, "bad", "x = 1\n\nraise ValueError('third line')\n")
    assert "(at bad.py line 3)" in report(load(folder), "bad").error


@pytest.mark.parametrize(
    ("hook_body", "expected"),
    [
        ("raise KeyError('in hook')", "microgui_datasets raised KeyError"),
        ("return None", "must return a list of DatasetSpec, got NoneType"),
        ("return 'moons'", "got str"),
        ("return [42]", "must return DatasetSpec objects, got int"),
    ],
    ids=["raises", "returns-none", "returns-str", "returns-int-item"],
)
def test_hook_that_raises_or_returns_garbage_is_reported(folder, hook_body, expected):
    write(folder, "bad", HEADER + f"\n@hookimpl\ndef microgui_datasets():\n    {hook_body}\n")
    registry = load(folder)
    assert expected in report(registry, "bad").error
    assert report(registry, "bad").status == "failed"
    assert_rest_works(registry)


@pytest.mark.parametrize(
    ("task", "params", "expected"),
    [
        ("classify", "()", "task 'classify' is not one of"),
        ("binary", "(ParamSpec('n', 'int', 500, minimum=1, maximum=100),)", "default is invalid"),
        ("binary", "(ParamSpec('n', 'integer', 5),)", "kind 'integer' is not one of"),
        ("binary", "(ParamSpec('c', 'choice', 'z', choices=('a', 'b')),)", "not one of: a, b"),
        ("binary", "(ParamSpec('n', 'int', 1), ParamSpec('n', 'int', 2))", "names repeat: n"),
        ("binary", "(ParamSpec('n', 'int', 5, minimum=9, maximum=1),)", "minimum 9 exceeds"),
    ],
    ids=["bad-task", "default-out-of-bounds", "bad-kind", "bad-choice", "repeat", "bounds"],
)
def test_malformed_spec_is_reported_and_left_out(folder, task, params, expected):
    write(folder, "bad", dataset_plugin("bad_data", params=params, task=task))
    registry = load(folder)
    assert expected in report(registry, "bad").error
    assert "bad_data" not in registry.datasets
    assert_rest_works(registry)


def test_bad_dataset_id_is_reported(folder):
    write(folder, "bad", dataset_plugin("Bad Data"))
    registry = load(folder)
    assert "dataset id 'Bad Data' must be lowercase" in report(registry, "bad").error
    assert_rest_works(registry)


def test_duplicate_id_keeps_the_first_and_reports_the_second(folder):
    write(folder, "zz_copy", dataset_plugin("good_data", body="raise AssertionError('copy')"))
    write(folder, "moons_again", dataset_plugin("moons", body="raise AssertionError('fake')"))
    registry = load(folder)
    copy = report(registry, "zz_copy")
    assert copy.status == "failed" and copy.dataset_ids == []
    assert "'good_data' is already provided by plugin 'good'" in copy.error
    assert "'moons' is already provided by plugin 'sklearn_datasets'" in (
        report(registry, "moons_again").error
    )
    assert registry.plugin_of("moons") == "sklearn_datasets"
    assert_rest_works(registry)


def test_a_plugin_keeps_its_good_datasets_when_one_spec_is_bad(folder):
    source = dataset_plugin("fine_data").replace(
        "generate)]", "generate), DatasetSpec('moons', 'N', 'D', 'binary', (), generate)]"
    )
    write(folder, "half", source)
    registry = load(folder)
    half = report(registry, "half")
    assert half.status == "failed" and half.dataset_ids == ["fine_data"]
    assert registry.generate("fine_data", None, 0).X.shape == (10, 2)


def test_plugin_name_taken_by_a_builtin_is_reported(folder):
    write(folder, "sklearn_datasets", dataset_plugin("other_data"))
    registry = load(folder)
    clash = [r for r in registry.reports if r.source == "file" and r.name == "sklearn_datasets"]
    assert clash[0].status == "failed"
    assert "another plugin already has the name 'sklearn_datasets'; rename this file" in (
        clash[0].error
    )
    assert_rest_works(registry)


def test_undecorated_hook_unknown_hook_and_empty_plugin_are_explained(folder):
    write(folder, "nodeco", HEADER + "\ndef microgui_datasets():\n    return []\n")
    write(folder, "typo", HEADER + "\n@hookimpl\ndef microgui_dataset():\n    return []\n")
    write(folder, "empty", "X = 1\n")
    registry = load(folder)
    assert "missing its @hookimpl decorator" in report(registry, "nodeco").error
    assert "unknown hook(s) microgui_dataset" in report(registry, "typo").error
    assert "provides no hooks" in report(registry, "empty").error
    assert_rest_works(registry)


def test_plugin_for_a_newer_contract_asks_for_an_upgrade(folder):
    write(folder, "future", "MICROGUI_CONTRACT_VERSION = 3\n" + dataset_plugin("future_data"))
    registry = load(folder)
    assert "needs plugin contract version 3" in report(registry, "future").error
    assert "future_data" not in registry.datasets
    assert_rest_works(registry)


def test_a_plugin_whose_attributes_explode_is_contained(folder):
    write(folder, "weird", "def __getattr__(name):\n    raise RuntimeError('no ' + name)\n")
    registry = load(folder)
    weird = report(registry, "weird")
    assert weird.status == "failed" and "RuntimeError: no " in weird.error
    assert_rest_works(registry)


HANGS_FOREVER = "import threading\nthreading.Event().wait()  # never set: only abandoning helps\n"


@pytest.mark.parametrize("where", ["import", "microgui_datasets"])
def test_a_plugin_that_hangs_while_loading_is_abandoned_and_reported(folder, where):
    """Waiting for the network at import (or in its hook) must not keep the app from starting."""
    if where == "import":
        write(folder, "stuck", HEADER + HANGS_FOREVER)
    else:
        source = HEADER + "\n\n@hookimpl\ndef microgui_datasets():\n"
        write(folder, "stuck", source + textwrap.indent(HANGS_FOREVER, "    "))
    load_plugins(include_default_dirs=False)  # warm: a cold scikit-learn import alone takes ~1 s
    told: list[str] = []
    registry = load_plugins(
        [folder], include_default_dirs=False, load_timeout=2.0, on_slow=told.append, slow_after=0.5
    )
    stuck = report(registry, "stuck")
    assert stuck.status == "failed"
    what = "importing" if where == "import" else "stuck's microgui_datasets()"
    assert what in stuck.error and "took longer than 2 s" in stuck.error
    # Start-up has nothing on screen yet: the wait is named while it happens, once.
    assert len(told) == 1 and what in told[0] and "stuck" in told[0]
    assert "skipped if not done within 2 s" in told[0]
    assert "skipped (does it wait for the network or for input?)" in stuck.error
    assert_rest_works(registry)
    hung = [t for t in threading.enumerate() if t.name.startswith("microgui-plugin")]
    assert hung and all(t.daemon for t in hung)  # never waited for at exit


def test_a_slow_plugin_is_named_on_stderr_while_the_app_waits(folder, capfd):
    """The front ends' default: a plugin still importing after slow_after is named on stderr."""
    write(folder, "sluggish", "import time\ntime.sleep(1.5)\n" + dataset_plugin("sluggish_data"))
    registry = load_plugins([folder], include_default_dirs=False, slow_after=0.3)
    assert report(registry, "sluggish").status == "ok"  # slow is not broken
    err = capfd.readouterr().err
    assert err.count("microgui: importing") == 1 and "sluggish" in err
    assert "it is skipped if not done within 60 s" in err


def test_plugins_that_load_quickly_say_nothing(folder, capfd):
    write(folder, "quick", dataset_plugin("quick_data"))
    told: list[str] = []
    registry = load_plugins([folder], include_default_dirs=False, on_slow=told.append)
    assert report(registry, "quick").status == "ok"
    assert told == [] and "microgui:" not in capfd.readouterr().err


def test_the_plugin_load_timeout_can_be_set_from_the_environment(folder, monkeypatch):
    from microgui.plugin_host.manager import PLUGIN_LOAD_TIMEOUT_S, PluginManager

    monkeypatch.setenv("MICROGUI_PLUGIN_LOAD_TIMEOUT", "2.5")
    assert PluginManager().load_timeout == 2.5
    for bad in ("soon", "0", "-1", "inf", "nan"):  # never "no timeout" by mistake
        monkeypatch.setenv("MICROGUI_PLUGIN_LOAD_TIMEOUT", bad)
        assert PluginManager().load_timeout == PLUGIN_LOAD_TIMEOUT_S
    assert PluginManager(load_timeout=7).load_timeout == 7
