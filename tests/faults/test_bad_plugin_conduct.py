"""Fault matrix, round two (issue 16, items 10-14): plugins that misbehave inside the process.

Plugins are imported into microgui's own process, so a plugin can print into
``--json``'s stdout, close file descriptor 1, change the working directory,
raise KeyboardInterrupt or a BaseException, return masked arrays, or simply
fail to import. Each case is a real drop-in file; each must end in a clear
line naming the plugin (or in a kept-clean output), never a traceback.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from fault_helpers import assert_one_line_error

from microgui.plugin_host import discovery
from microgui.plugin_host.manager import PluginError, load_plugins

HEADER = """\
import os
import sys
import numpy as np
from microgui.hookspecs import Dataset, DatasetError, DatasetSpec, hookimpl
"""

GOOD_BODY = """\
rng = np.random.default_rng(seed)
X = rng.normal(size=(30, 2))
return Dataset(X, (X[:, 0] > 0).astype(float), "binary", ("a", "b"), ("neg", "pos"))
"""


def plugin_source(dataset_id: str, body: str = GOOD_BODY, at_import: str = "") -> str:
    """A drop-in offering ``dataset_id``; ``at_import`` runs when it is imported."""
    return (
        HEADER
        + textwrap.dedent(at_import)
        + "\n\ndef generate(params, seed):\n"
        + textwrap.indent(textwrap.dedent(body), "    ")
        + "\n\n@hookimpl\ndef microgui_datasets():\n"
        + f"    return [DatasetSpec({dataset_id!r}, 'N', 'D', 'binary', (), generate)]\n"
    )


def drop_in(folder: Path, name: str, source: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    return path


def run_cli(*args: str, cwd: Path, env_home: Path) -> subprocess.CompletedProcess:
    """``microgui ARGS`` in a real process: file descriptors are the process's own."""
    env = dict(os.environ)
    env.update(XDG_CONFIG_HOME=str(env_home / "config"), XDG_DATA_HOME=str(env_home / "data"))
    env.pop("MICROGUI_PLUGIN_PATH", None)
    return subprocess.run(
        [sys.executable, "-m", "microgui", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


# ------------------------------------------------------------------ stdout belongs to microgui


def test_a_plugin_that_prints_leaves_the_json_stream_clean(tmp_path):
    drop_in(
        tmp_path / "plugins",
        "chatty",
        plugin_source(
            "chatty",
            'print("generating, please wait")\n' + GOOD_BODY,
            at_import='print("hello from chatty at import")\n',
        ),
    )
    done = run_cli(
        "train", "--plugins-dir", "plugins", "--dataset", "chatty", "--steps", "3", "--json",
        cwd=tmp_path, env_home=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]  # every line is JSON
    assert [row["step"] for row in rows] == [0, 1, 2]
    assert "hello from chatty at import" in done.stderr and "please wait" in done.stderr


@pytest.mark.parametrize("command", ["train", "plugins"])
def test_a_plugin_that_closes_stdout_does_not_silence_microgui(tmp_path, command):
    drop_in(
        tmp_path / "plugins",
        "closer",
        plugin_source("closer", at_import="os.close(1)\n"),
    )
    if command == "train":
        args = ("train", "--plugins-dir", "plugins", "--dataset", "closer", "--steps", "2")
        done = run_cli(*args, "--json", cwd=tmp_path, env_home=tmp_path)
        assert done.returncode == 0, done.stderr
        assert [json.loads(line)["step"] for line in done.stdout.splitlines()] == [0, 1]
    else:
        done = run_cli(
            "plugins", "--plugins-dir", "plugins", "--json", cwd=tmp_path, env_home=tmp_path
        )
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)
        assert "closer" in [p["name"] for p in report["plugins"]]
    assert "Traceback" not in done.stderr


# ------------------------------------------------------------------ the working directory


def test_a_plugin_that_changes_directory_moves_no_output(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    drop_in(
        work / "plugins",
        "wanderer",
        plugin_source("wanderer", at_import=f"os.chdir({str(elsewhere)!r})\n"),
    )
    done = run_cli(
        "train", "--plugins-dir", "plugins", "--dataset", "wanderer", "--steps", "2",
        "--save", "m.json", "--session", "s.json", "--plot", "p.png",
        cwd=work, env_home=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in work.iterdir()) == ["m.json", "p.png", "plugins", "s.json"]
    assert list(elsewhere.iterdir()) == []
    assert "plugin 'wanderer' changed the working directory" in done.stderr
    assert "model saved to m.json" in done.stdout


def test_the_working_directory_is_put_back_after_import_and_generate(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    drop_in(
        tmp_path / "plugins",
        "wanderer",
        plugin_source("wanderer", "os.chdir('/')\n" + GOOD_BODY, at_import="os.chdir('/')\n"),
    )
    registry = load_plugins([tmp_path / "plugins"], include_default_dirs=False)
    assert Path.cwd() == tmp_path
    assert any("'wanderer' changed the working directory to /" in w for w in registry.warnings)
    registry.generate("wanderer", seed=0, timeout=30)
    assert Path.cwd() == tmp_path
    registry.generate("wanderer", seed=0)  # in this thread, without a timeout
    assert Path.cwd() == tmp_path


# ------------------------------------------------------------------ what generate raises or returns


MISCONDUCT = {
    "masked NaN": (
        "X = np.ma.masked_invalid(np.array([[np.nan, 1.0], [2.0, 3.0], [1.0, 0.0]]))\n"
        "return Dataset(X, np.array([0.0, 1.0, 0.0]), 'binary', ('a', 'b'), ('n', 'p'))\n",
        "returned invalid data: X is a masked array with 1 masked value(s)",
    ),
    "masked labels": (
        "X = np.zeros((3, 2))\n"
        "y = np.ma.masked_array([0.0, 1.0, 0.0], mask=[0, 1, 0])\n"
        "return Dataset(X, y, 'binary', ('a', 'b'), ('n', 'p'))\n",
        "returned invalid data: y is a masked array with 1 masked value(s)",
    ),
    "KeyboardInterrupt": (
        "raise KeyboardInterrupt('the plugin gives up')\n",
        "failed in generate: KeyboardInterrupt: the plugin gives up (at misconduct.py line",
    ),
    "a BaseException subclass": (
        "class Odd(BaseException):\n    pass\nraise Odd('not an Exception')\n",
        "failed in generate: Odd: not an Exception (at misconduct.py line",
    ),
    "SystemExit": ("sys.exit(3)\n", "failed in generate: SystemExit: 3"),
    "a 5 KB multi-line DatasetError": (
        "raise DatasetError('first line\\n' + 'x' * 5000 + '\\nlast line')\n",
        "first line xxx",
    ),
}


@pytest.mark.parametrize("case", list(MISCONDUCT))
@pytest.mark.parametrize("timeout", [None, 30.0], ids=["same thread", "plugin thread"])
def test_what_generate_raises_or_returns_is_one_line_naming_the_plugin(tmp_path, case, timeout):
    body, says = MISCONDUCT[case]
    drop_in(tmp_path, "misconduct", plugin_source("bad", body))
    registry = load_plugins([tmp_path], include_default_dirs=False)
    with pytest.raises(PluginError) as caught:
        registry.generate("bad", seed=0, timeout=timeout)
    message = str(caught.value)
    assert message.startswith("dataset 'bad' (plugin 'misconduct'): "), message
    assert says in message and "\n" not in message and len(message) < 1000, message
    registry.generate
    assert load_plugins(include_default_dirs=False).generate("moons", seed=0).n_samples == 100


@pytest.fixture
def sigint_ignored():
    """SIGINT ignored, as in a background job of a script or under nohup."""
    import signal

    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    yield
    signal.signal(signal.SIGINT, before)


@pytest.mark.parametrize("timeout", [None, 30.0], ids=["same thread", "plugin thread"])
def test_with_sigint_ignored_a_keyboard_interrupt_is_still_the_plugins(
    tmp_path, sigint_ignored, timeout
):
    """No Ctrl-C can arrive, so the KeyboardInterrupt is the plugin's, not the user's."""
    body, says = MISCONDUCT["KeyboardInterrupt"]
    drop_in(tmp_path, "misconduct", plugin_source("bad", body))
    registry = load_plugins([tmp_path], include_default_dirs=False)
    with pytest.raises(PluginError) as caught:
        registry.generate("bad", seed=0, timeout=timeout)
    assert says in str(caught.value)


def test_with_the_window_taking_ctrl_c_a_keyboard_interrupt_is_the_plugins(qtbot, tmp_path):
    """In the window Ctrl-C closes it (microgui.desktop.stop_signals), never raising one."""
    import signal

    from microgui.desktop.stop_signals import CloseOnSignals

    body, says = MISCONDUCT["KeyboardInterrupt"]
    drop_in(tmp_path, "misconduct", plugin_source("bad", body))
    registry = load_plugins([tmp_path], include_default_dirs=False)
    before = signal.getsignal(signal.SIGINT)
    stop = CloseOnSignals(lambda signum: None).install()
    try:
        with pytest.raises(PluginError) as caught:
            registry.generate("bad", seed=0)
    finally:
        stop.uninstall()
    assert says in str(caught.value)
    assert signal.getsignal(signal.SIGINT) is before


def test_a_keyboard_interrupt_at_import_is_that_plugins_failure(tmp_path):
    drop_in(tmp_path, "interrupting", HEADER + "raise KeyboardInterrupt('at import')\n")
    drop_in(tmp_path, "fine", plugin_source("fine"))
    registry = load_plugins([tmp_path], include_default_dirs=False)
    report = {r.name: r for r in registry.reports}
    assert report["interrupting"].status == "failed"
    assert (
        "KeyboardInterrupt: at import (at interrupting.py line 5)" in report["interrupting"].error
    )
    assert report["fine"].status == "ok" and "fine" in registry.datasets


def test_a_masked_array_through_the_command_line_names_the_plugin(train_cli, tmp_path):
    drop_in(tmp_path, "misconduct", plugin_source("bad", MISCONDUCT["masked NaN"][0]))
    assert_one_line_error(
        train_cli("--plugins-dir", str(tmp_path), "--dataset", "bad"),
        "(plugin 'misconduct')",
        "masked array",
    )


# ------------------------------------------------------------------ finding plugins


def test_a_symlink_loop_as_plugin_folder_is_a_warning_not_a_traceback(tmp_path):
    loop = tmp_path / "loop"
    loop.symlink_to(tmp_path / "loop2")
    (tmp_path / "loop2").symlink_to(loop)
    registry = load_plugins([loop], include_default_dirs=False)
    assert any("its symbolic links form a loop" in w for w in registry.warnings), registry.warnings
    assert "moons" in registry.datasets


def test_a_plugin_file_given_as_plugins_dir_is_loaded(tmp_path, train_cli):
    path = drop_in(tmp_path, "single", plugin_source("single"))
    registry = load_plugins([path], include_default_dirs=False)
    assert "single" in registry.datasets and registry.warnings == []
    result = train_cli("--plugins-dir", str(path), "--dataset", "single", "--steps", "2")
    assert result.code == 0, result.err
    (tmp_path / "notes.txt").write_text("not a plugin")
    registry = load_plugins([tmp_path / "notes.txt"], include_default_dirs=False)
    assert registry.warnings == [
        f"{tmp_path / 'notes.txt'} is neither a folder nor a .py file; --plugins-dir takes a "
        "folder of drop-in .py files, or one .py file"
    ]


def test_a_plugin_file_name_that_is_not_utf8_is_listed_readably(tmp_path, capfd):
    folder = os.fsencode(tmp_path)
    name = folder + b"/caf\xe9.py"  # Latin-1, not UTF-8
    with open(name, "w", encoding="utf-8") as handle:
        handle.write(plugin_source("latin"))
    registry = load_plugins([tmp_path], include_default_dirs=False)
    (report,) = [r for r in registry.reports if r.source == "file"]
    assert report.name == "caf\\xe9" and report.status == "ok", report
    from microgui.cli import main

    assert main(["plugins", "--plugins-dir", str(tmp_path)]) == 0
    out = capfd.readouterr().out
    assert "caf\\xe9" in out and "latin" in out


def _entry_point(name: str, value: str) -> importlib.metadata.EntryPoint:
    """A real entry point, as an installed package declares it."""
    return importlib.metadata.EntryPoint(name, value, "microgui.plugins")


def test_one_module_under_two_entry_points_and_a_missing_module(monkeypatch, tmp_path):
    drop_in(tmp_path, "twice_mod", plugin_source("twice"))
    monkeypatch.syspath_prepend(str(tmp_path))
    points = [
        _entry_point("first_name", "twice_mod"),
        _entry_point("second_name", "twice_mod"),
        _entry_point("gone", "no_such_module_anywhere"),
    ]
    monkeypatch.setattr(discovery.importlib.metadata, "entry_points", lambda group: points)
    registry = load_plugins(include_default_dirs=False)
    report = {r.name: r for r in registry.reports}
    assert report["first_name"].status == "ok" and "twice" in registry.datasets
    second = report["second_name"].error
    assert second == (
        "it is the same module as plugin 'first_name' (two entry points name one module); "
        "its datasets are loaded once, as 'first_name'"
    )
    gone = report["gone"].error
    assert gone == "import failed: ModuleNotFoundError: No module named 'no_such_module_anywhere'"
    assert "__init__.py" not in gone  # not importlib's own file


# ------------------------------------------------------------------ a plugin that failed to load


def test_a_dataset_whose_plugin_failed_points_to_that_plugin(train_cli, tmp_path):
    drop_in(tmp_path, "rings", HEADER + "import not_installed_anywhere\n")
    line = assert_one_line_error(
        train_cli("--plugins-dir", str(tmp_path), "--dataset", "rings"),
        "no dataset 'rings': the plugin 'rings'",
        "failed to load",
        "No module named 'not_installed_anywhere'",
        "`microgui plugins`",
    )
    assert "available: blobs" in line
    # No failed plugin: the plain message.
    assert_one_line_error(train_cli("--dataset", "ringz"), "no dataset 'ringz'; available:")


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "1e10", "abc", "1,5"])
def test_plugins_check_with_a_bad_timeout_is_one_line(capsys, value):
    from microgui.cli import main

    with pytest.raises(SystemExit) as caught:
        main(["plugins", "--check", "--timeout", value])
    err = capsys.readouterr().err
    assert caught.value.code == 2 and "Traceback" not in err
    assert err.count("\n") == 1 and f"--timeout: {value!r}" in err, err
    assert "seconds" in err
