"""`microgui plugins`: one row per plugin with its ids, source, status and error."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest

from microgui.commands.plugins_command import add_plugins_arguments, run_plugins_command

GOOD = """\
import numpy as np
from microgui.hookspecs import Dataset, DatasetSpec, hookimpl

def generate(params, seed):
    X = np.random.default_rng(seed).normal(size=(6, 2))
    return Dataset(X, np.zeros(6), "regression", ("a", "b"))

@hookimpl
def microgui_datasets():
    return [DatasetSpec("flat", "Flat", "Zeros.", "regression", (), generate)]
"""

NAN = GOOD.replace("np.zeros(6)", "np.full(6, np.nan)").replace('"flat"', '"nan_data"')


def run(*argv: str) -> tuple[int, str]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plugins-dir", action="append")  # the CLI's global option
    add_plugins_arguments(parser)
    out = io.StringIO()
    code = run_plugins_command(parser.parse_args(list(argv)), out=out)
    return code, out.getvalue()


@pytest.fixture(autouse=True)
def no_user_plugins(tmp_path, monkeypatch):
    """Keep the developer's own plugin folder out of these tests."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("APPDATA", str(tmp_path / "config"))
    monkeypatch.delenv("MICROGUI_PLUGIN_PATH", raising=False)


def test_table_lists_builtins_and_drop_ins_with_their_errors(tmp_path: Path):
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / "broken.py").write_text("raise RuntimeError('cannot start')\n")
    code, text = run("--plugins-dir", str(tmp_path))
    rows = {line.split()[0]: line.split() for line in text.splitlines() if line[:1].strip()}
    assert rows["PLUGIN"] == ["PLUGIN", "SOURCE", "STATUS", "DATASETS"]
    assert rows["sklearn_datasets"][1:3] == ["built-in", "ok"]
    assert "moons," in rows["sklearn_datasets"]
    assert rows["good"][1:] == ["file", "ok", "flat"]
    assert rows["broken"][1:] == ["file", "failed", "-"]
    assert "error: import failed: RuntimeError: cannot start" in text
    assert f"from:  {tmp_path / 'broken.py'}" in text
    assert "default dataset: moons" in text
    assert code == 1  # a broken plugin makes the command fail, for scripts


def test_all_ok_exits_zero_and_json_is_complete(tmp_path: Path):
    (tmp_path / "good.py").write_text("print('hello from a chatty plugin')\n" + GOOD)
    code, text = run("--plugins-dir", str(tmp_path), "--json")
    assert code == 0
    data = json.loads(text)
    by_name = {p["name"]: p for p in data["plugins"]}
    assert by_name["good"] == {
        "name": "good",
        "source": "file",
        "location": str(tmp_path / "good.py"),
        "status": "ok",
        "error": "",
        "dataset_ids": ["flat"],
    }
    assert {"id": "flat", "name": "Flat", "task": "regression", "plugin": "good"} in data[
        "datasets"
    ]
    assert data["default_dataset"] == "moons" and data["checks"] == {}


def test_check_generates_every_dataset_and_reports_bad_data(tmp_path: Path):
    (tmp_path / "nan_plugin.py").write_text(NAN)
    code, text = run("--plugins-dir", str(tmp_path), "--check", "--timeout", "30")
    assert "check moons: ok (100 x 2, binary)" in text
    assert "check sine: ok (100 x 1, regression)" in text
    assert "check csv: skipped (needs a file)" in text
    assert "check nan_data: FAILED: dataset 'nan_data' (plugin 'nan_plugin')" in text
    assert code == 1


def test_missing_plugin_folder_is_a_warning(tmp_path: Path):
    code, text = run("--plugins-dir", str(tmp_path / "missing"))
    assert f"warning: plugin folder {tmp_path / 'missing'} does not exist" in text
    assert code == 0


def test_wired_into_the_microgui_command(tmp_path: Path, capsys):
    pytest.importorskip("microgui.commands.train_command", reason="the CLI is wired up by the lead")
    from microgui.cli import main

    (tmp_path / "good.py").write_text(GOOD)
    assert main(["--plugins-dir", str(tmp_path), "plugins", "--json"]) == 0
    ids = {d["id"] for d in json.loads(capsys.readouterr().out)["datasets"]}
    assert {"flat", "moons", "csv"} <= ids
