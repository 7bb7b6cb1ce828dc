"""Fault matrix, GUI rows: bad input, bad files, bad CSV, a hung plugin, hostile expressions,
divergence and exceptions, all in the real window (worker thread and engine included).

Every bad input must give one clear message at the field (and under the Train button), leave
Train disabled and the window up, and leave the loaded model exactly as it was: the worker's
trainer is compared before and after (parameter values, step count, config, training split).
Spin boxes may instead refuse the keystrokes, but never read them as another value. A row that
exposes an open window bug is a strict xfail whose reason says what is wrong and where (the
list is in tests/faults/README.md, "GUI rows").
"""

from __future__ import annotations

import builtins
import importlib.util
import json
import os
import pathlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import WAIT_MS, wait_ready_state
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from engine.modelio import load_model
from microgui.widgets.validation import invalid_reason, is_invalid

ERROR_RED = "#b3261e"  # the status bar's colour for errors (widgets/status_bar.py)
TEN_MINUTES_PLUGIN = """\
import time
import numpy as np
from microgui.hookspecs import Dataset, DatasetSpec, hookimpl


def generate(params, seed):
    time.sleep(600)


@hookimpl
def microgui_datasets():
    return [DatasetSpec("sleepy", "Sleepy", "Takes ten minutes", "binary", (), generate)]
"""


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    """The built-in datasets plus a drop-in plugin whose generate sleeps for ten minutes."""
    from microgui.plugin_manager import load_plugins

    folder = tmp_path_factory.mktemp("plugins")
    (folder / "ten_minutes.py").write_text(TEN_MINUTES_PLUGIN, encoding="utf-8")
    registry = load_plugins([folder], include_default_dirs=False)
    assert "sleepy" in registry.datasets and "moons" in registry.datasets, registry.reports
    return registry


@pytest.fixture(autouse=True)
def dialogs(monkeypatch) -> list[tuple[str, tuple]]:
    """Every QMessageBox a test triggers is recorded instead of blocking."""
    shown: list[tuple[str, tuple]] = []
    for name in ("critical", "warning", "information", "question"):

        def record(*args, _name=name, **kwargs):
            shown.append((_name, args))
            return QMessageBox.StandardButton.Ok

        monkeypatch.setattr(QMessageBox, name, staticmethod(record))
    return shown


# ------------------------------------------------------------------ helpers


@dataclass
class RunState:
    """What the worker's trainer holds: the loaded model and its run."""

    params: dict[str, float]
    steps: int
    config: Any
    X_train: np.ndarray


def run_state(window) -> RunState:
    trainer = window.controller.worker.trainer
    assert trainer is not None, "the worker has no model at all"
    return RunState(
        trainer.parameter_values(), trainer.steps_done, trainer.config, trainer.X_train.copy()
    )


def assert_model_unchanged(window, before: RunState) -> None:
    after = run_state(window)
    assert after.params == before.params, "the loaded model's weights changed"
    assert after.steps == before.steps
    assert after.config == before.config
    np.testing.assert_array_equal(after.X_train, before.X_train)


def worker_caught_up(qtbot, window) -> None:
    """Every command sent to the worker so far was handled (its queue is first in, first out)."""
    worker = window.controller.worker
    marker = 1234.5
    worker.set_speed(marker)
    qtbot.waitUntil(lambda: worker.steps_per_second_limit == marker, timeout=WAIT_MS)
    worker.set_speed(window.run_controls.speed.speed())
    QApplication.processEvents()  # deliver the signals it sent meanwhile


def settled(qtbot, window) -> None:
    """The debounced form check ran, no dataset is generating and the worker caught up."""
    c = window.controller
    qtbot.waitUntil(lambda: not c._timer.isActive() and not c.loader.busy, timeout=WAIT_MS)
    worker_caught_up(qtbot, window)


def trained_window(qtbot, make_window, steps: int = 3, **overrides):
    """A window whose model was trained a few steps, paused: a model worth keeping."""
    window = make_window(**overrides)
    c = window.controller
    c.start(until_step=steps)
    qtbot.waitUntil(lambda: c.snapshot.step == steps and c.state == "paused", timeout=WAIT_MS)
    return window


def type_text(qtbot, line_edit, text: str) -> None:
    """Replace a line edit's text by typing, as a user would."""
    line_edit.setFocus()
    line_edit.selectAll()
    qtbot.keyClick(line_edit, Qt.Key_Backspace)
    if text:
        qtbot.keyClicks(line_edit, text)


def assert_train_disabled(window) -> None:
    rc, actions = window.run_controls, window.actions
    assert not rc.train_button.isEnabled() and not actions.train.isEnabled()
    assert not rc.step_button.isEnabled() and not actions.step.isEnabled()


def assert_one_message_at(window, field, *must_say: str) -> str:
    """The field is marked with one line naming the problem, the same line under the buttons."""
    reason = invalid_reason(field)
    assert reason, "the field is not marked"
    assert "\n" not in reason
    assert window.run_controls.error_label.text() == reason
    assert window.run_controls.error_label.isVisibleTo(window)
    for text in must_say:
        assert text in reason, (text, reason)
    assert window.isVisible()
    assert_train_disabled(window)
    return reason


# ------------------------------------------------------------------ layer text

BAD_LAYER_TEXT = {  # text -> what its message must say
    "": ("empty", "16,16"),
    "abc": ("'abc'", "not a whole number", "16,16"),
    "16,,16": ("size 2 is empty", "16,16"),
    "0": ("not 0", "1..512"),
    "-4": ("not -4", "1..512"),
    "1e9": ("'1e9'", "16,16"),
    "16;16": ("'16;16'", "';'", "commas", "16,16"),
    "10000": ("not 10000", "1..512"),
    "2500,2500,2500,2500": ("not 2500", "1..512"),
}


@pytest.mark.parametrize("text", list(BAD_LAYER_TEXT), ids=repr)
def test_bad_layer_text_is_refused_at_the_field_and_the_model_stays(qtbot, make_window, text):
    window = trained_window(qtbot, make_window)
    before = run_state(window)
    type_text(qtbot, window.model_controls.layers.text_edit, text)
    settled(qtbot, window)
    reason = assert_one_message_at(
        window, window.model_controls.layers.text_edit, *BAD_LAYER_TEXT[text]
    )
    assert "not a whole number" not in reason or text in ("abc", "1e9")
    assert_model_unchanged(window, before)


BIG_NETWORK = ",".join(["512"] * 8)  # the most the layer field allows: 4,096 neurons


def test_a_network_over_the_size_guard_is_refused_with_its_estimate_and_the_model_stays(
    qtbot, make_window
):
    window = trained_window(qtbot, make_window)
    before = run_state(window)
    type_text(qtbot, window.model_controls.layers.text_edit, BIG_NETWORK)
    settled(qtbot, window)
    reason = assert_one_message_at(window, window.model_controls.layers.text_edit)
    for part in ("1,971,748 nodes", "products per step", "MB", "s per step", "limit"):
        assert part in reason
    assert_model_unchanged(window, before)  # the refused network did not replace the model


# ------------------------------------------------------------------ numbers


@pytest.mark.parametrize("text", ["0", "-1", "nan", "inf", "-inf", "1,5"])
def test_bad_learning_rate_is_refused_at_the_field_and_the_model_stays(qtbot, make_window, text):
    window = trained_window(qtbot, make_window)
    before = run_state(window)
    type_text(qtbot, window.training_controls.lr, text)
    settled(qtbot, window)
    must_say = ("lr: ", "a finite number > 0") + ((f"'{text}'",) if text[-1].isalpha() else ())
    if text == "1,5":
        must_say = ("lr: ", "'1,5' is not a number", "a finite number > 0")
    assert_one_message_at(window, window.training_controls.lr, *must_say)
    assert_model_unchanged(window, before)


def type_into_spin(qtbot, window, spin, text: str) -> None:
    """Type into a spin box and leave it (Tab), as a user would."""
    window.activateWindow()
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, text)
    qtbot.keyClick(spin, Qt.Key_Tab)


SPIN_CASES = [  # Qt's own spin boxes read "-3" as 3, "2.5" as 25 and "-0.5" as 0
    ("test_fraction", "1"),
    ("test_fraction", "-1"),
    ("test_fraction", "-0.5"),
    ("batch_size", "abc"),
    ("batch_size", "-3"),
    ("batch_size", "2.5"),
]


@pytest.mark.parametrize(("field", "text"), SPIN_CASES, ids=[f"{f}={t}" for f, t in SPIN_CASES])
def test_bad_numbers_in_spin_boxes_are_refused_or_reported_never_misread(
    qtbot, make_window, field, text
):
    """Either the keystrokes are refused (the field keeps its value) or the field says why."""
    window = trained_window(qtbot, make_window)
    spin = window.controller.field_widgets()[field]
    value = spin.value()
    before = run_state(window)
    type_into_spin(qtbot, window, spin, text)
    settled(qtbot, window)
    if is_invalid(spin):
        assert_one_message_at(window, spin, field)
    else:
        assert spin.value() == value, f"typed {text!r}, the field now holds {spin.value()}"
        assert window.controller.can_train()
    assert_model_unchanged(window, before)


@pytest.mark.parametrize("text", ["0", "1000"])
def test_batch_size_zero_or_larger_than_the_data_is_full_batch(qtbot, make_window, text):
    """The matrix's decision: 0 (shown as "full") and more than the data both mean full batch."""
    window = trained_window(qtbot, make_window)
    before = run_state(window)
    spin = window.training_controls.batch_size
    spin.setValue(5)
    settled(qtbot, window)
    type_into_spin(qtbot, window, spin, text)
    settled(qtbot, window)
    wait_ready_state(qtbot, window)
    config = window.controller.worker.trainer.config
    assert config.batch_size == (None if text == "0" else 1000)
    assert spin.text() == ("full" if text == "0" else "1000")
    assert run_state(window).params == before.params  # an optimisation setting: the run goes on
    window.controller.step()
    qtbot.waitUntil(lambda: window.controller.snapshot.step == before.steps + 1, timeout=WAIT_MS)


@pytest.mark.parametrize("field", ["seed", "n_samples", "test_fraction", "steps", "batch_size"])
def test_enter_in_an_unchanged_field_keeps_the_trained_model(qtbot, make_window, field):
    window = trained_window(qtbot, make_window)
    before = run_state(window)
    widgets = dict(window.controller.field_widgets(), **window.dataset_controls.params.editors)
    spin = widgets[field]
    window.activateWindow()
    spin.setFocus()
    qtbot.keyClick(spin, Qt.Key_Return)
    settled(qtbot, window)
    wait_ready_state(qtbot, window)
    assert run_state(window).params == before.params
    assert run_state(window).steps == before.steps


def test_the_status_bar_does_not_invite_training_while_train_is_disabled(qtbot, make_window):
    window = make_window()
    type_text(qtbot, window.model_controls.layers.text_edit, "abc")
    settled(qtbot, window)
    assert_train_disabled(window)
    assert "press Train" not in window.status.message()
    assert "'abc'" in window.status.message()  # it says why instead


# ------------------------------------------------------------------ session and model files


def good_session(qtbot, window, folder: Path) -> tuple[Path, dict]:
    """A session saved by this window (then trained on, so it differs from what is loaded)."""
    path = folder / "good-session.json"
    c = window.controller
    with qtbot.waitSignal(c.files.finished, timeout=WAIT_MS) as saved:
        c.files.save_session_file(str(path))
    assert saved.args[2] == ""
    c.start(until_step=c.snapshot.step + 2)
    qtbot.waitUntil(lambda: c.state == "paused" and c.snapshot.step == 5, timeout=WAIT_MS)
    return path, json.loads(path.read_text(encoding="utf-8"))


def first_weight_as(token: str):
    def corrupt(d: dict) -> str:
        weights = d["trainer"]["parameters"]
        weights[next(iter(weights))] = "WEIGHT"
        return json.dumps(d).replace('"WEIGHT"', token)

    return corrupt


def changed(change):
    def corrupt(d: dict) -> str:
        change(d)
        return json.dumps(d)

    return corrupt


# name -> (content made from the good session's JSON, what the message says). Rows refused when
# the file is read come first; the rest are refused by the worker while restoring.
BAD_SESSIONS = {
    "truncated": (lambda d: json.dumps(d)[:2000], "truncated or corrupt"),
    "not JSON": (lambda d: "weights: 1, 2, 3", "not valid JSON"),
    "binary": (lambda d: b"\x89PNG\r\n\x1a\n\xff\xfe", "not a text"),
    "empty": (lambda d: "", "empty"),
    "a JSON list": (lambda d: "[1, 2, 3]", "not a microgui session"),
    "another format": (changed(lambda d: d.update(format="x")), "not a microgui session"),
    "future version": (changed(lambda d: d.update(format_version=99)), "newer microgui"),
    "NaN weight": (first_weight_as("NaN"), "NaN is not a valid JSON number"),
    "text weight": (first_weight_as('"0.5"'), "not a number"),
    "infinite weight": (first_weight_as("1e999"), "not a finite number"),
    "layer count": (changed(lambda d: d["config"].update(layers=[16])), "does not exist"),
    "other data": (changed(lambda d: d["config"].update(seed=7)), "different data"),
}
REFUSED_BY_THE_WORKER = ("text weight", "infinite weight", "layer count", "other data")
BAD_PATHS = ("1 GB", "missing", "folder", "unreadable")


def bad_session_file(folder: Path, case: str, good: tuple[Path, dict], monkeypatch) -> Path:
    path = folder / f"bad-{case.replace(' ', '-')}.json"
    if case == "1 GB":
        with open(path, "wb") as f:
            f.truncate(1 << 30)  # sparse: instant, no disk space
    elif case == "folder":
        path.mkdir()
    elif case == "unreadable":  # emulated: root reads any file whatever its mode
        path.write_bytes(good[0].read_bytes())
        real_open = pathlib.Path.open

        def refuse(self, *args, **kwargs):
            if os.path.abspath(self) == os.path.abspath(path):
                raise PermissionError(13, "Permission denied", str(self))
            return real_open(self, *args, **kwargs)

        monkeypatch.setattr(pathlib.Path, "open", refuse)
    elif case != "missing":
        content = BAD_SESSIONS[case][0](json.loads(json.dumps(good[1])))
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return path


def record_opens(monkeypatch) -> list[str]:
    """Every path opened from now on through open(), os.open or Path.open."""
    paths: list[str] = []
    real_open, real_os_open, real_path_open = open, os.open, pathlib.Path.open

    def spy_open(file, *args, **kwargs):
        paths.append(os.fspath(file) if not isinstance(file, int) else "fd")
        return real_open(file, *args, **kwargs)

    def spy_os_open(file, *args, **kwargs):
        paths.append(os.fspath(file))
        return real_os_open(file, *args, **kwargs)

    def spy_path_open(self, *args, **kwargs):
        paths.append(os.fspath(self))
        return real_path_open(self, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(os, "open", spy_os_open)
    monkeypatch.setattr(pathlib.Path, "open", spy_path_open)
    return paths


PATH_SAYS = {
    "1 GB": "1,074 MB, over the",
    "missing": "not found",
    "folder": "is a folder",
    "unreadable": "Permission denied",
}


def form_values(window) -> tuple:
    """What the controls show: dataset, its parameters, seed, layers, lr."""
    c = window.controller
    return (c.raw_fields(), window.model_controls.layers.text())


@pytest.mark.parametrize("case", [*BAD_SESSIONS, *BAD_PATHS])
def test_opening_a_bad_session_reports_it_and_keeps_the_model(
    qtbot, make_window, tmp_path, monkeypatch, dialogs, case
):
    window = trained_window(qtbot, make_window)
    c = window.controller
    good = good_session(qtbot, window, tmp_path)
    path = bad_session_file(tmp_path, case, good, monkeypatch)
    before, form = run_state(window), form_values(window)
    reads = record_opens(monkeypatch)
    with qtbot.waitSignal(c.files.finished, timeout=WAIT_MS) as done:
        opened = c.files.open_session_file(str(path))
    if case == "1 GB":
        assert str(path) not in reads, "the 1 GB file was opened; it must be refused from stat()"
    elif case == "truncated":
        assert str(path) in reads  # control: the spy does see a file being read
    kind, reported_path, error = done.args
    assert (kind, reported_path) == ("open_session", str(path)) and error
    assert opened == (case in REFUSED_BY_THE_WORKER)  # refused at once when the file is bad
    assert "\n" not in error and str(path) in error
    assert (PATH_SAYS.get(case) or BAD_SESSIONS[case][1]) in error
    settled(qtbot, window)
    assert window.status.message() == error
    assert window.status.message_label.colour.name() == ERROR_RED
    assert dialogs == [] and window.isVisible()
    assert_model_unchanged(window, before)
    assert form_values(window) == form  # the controls still show the run that is loaded
    c.step()  # and it goes on from where it was
    qtbot.waitUntil(lambda: c.snapshot.step == before.steps + 1, timeout=WAIT_MS)
    assert c.worker.trainer.config == before.config


def test_the_open_session_menu_action_reports_a_bad_file(qtbot, make_window, tmp_path, monkeypatch):
    """The File menu path: the (monkeypatched) dialog returns a truncated file."""
    window = trained_window(qtbot, make_window)
    bad = tmp_path / "cut.json"
    bad.write_text('{"format": "microgui-session", "format_ver', encoding="utf-8")
    asked = []

    def choose(*args, **kwargs):
        asked.append(args)
        return str(bad), "JSON files (*.json)"

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(choose))
    before = run_state(window)
    with qtbot.waitSignal(window.controller.files.finished, timeout=WAIT_MS) as done:
        window.actions.open_session.trigger()
    assert len(asked) == 1 and "truncated or corrupt" in done.args[2]
    assert "truncated or corrupt" in window.status.message()
    assert_model_unchanged(window, before)


@pytest.mark.parametrize("kind", ["session", "model"])
@pytest.mark.parametrize("fails", ["creating the temporary file", "renaming it over the target"])
def test_saving_into_a_read_only_folder_keeps_the_previous_file(
    qtbot, make_window, tmp_path, kind, fails
):
    window = trained_window(qtbot, make_window)
    files = window.controller.files
    save = files.save_session_file if kind == "session" else files.export_model_file
    folder = tmp_path / "read-only"
    folder.mkdir()
    path = folder / f"{kind}.json"
    with qtbot.waitSignal(files.finished, timeout=WAIT_MS) as first:
        save(str(path))
    assert first.args[2] == ""
    previous = path.read_bytes()
    window.controller.step()
    qtbot.waitUntil(lambda: window.controller.snapshot.step == 4, timeout=WAIT_MS)
    before = run_state(window)
    real_open = os.open

    def no_new_files(file, flags, *args, **kwargs):  # emulated: root writes anywhere
        if flags & os.O_CREAT and Path(file).parent == folder:
            raise PermissionError(13, "Permission denied", os.fspath(file))
        return real_open(file, flags, *args, **kwargs)

    def no_rename(src, dst, *args, **kwargs):
        raise PermissionError(13, "Permission denied", os.fspath(dst))

    with pytest.MonkeyPatch.context() as patch:
        if fails == "creating the temporary file":
            patch.setattr(os, "open", no_new_files)
        else:
            patch.setattr(os, "replace", no_rename)
        with qtbot.waitSignal(files.finished, timeout=WAIT_MS) as done:
            save(str(path))
    error = done.args[2]
    assert f"cannot save the {kind} to {path}" in error and "read-only" in error
    assert window.status.message() == error
    assert path.read_bytes() == previous
    assert sorted(p.name for p in folder.iterdir()) == [path.name]  # no temporary file left
    assert_model_unchanged(window, before)


# ------------------------------------------------------------------ CSV files

TOO_MANY_ROWS = "x1,x2,label\n" + "1,2,a\n3,4,b\n" * 50_001  # 100,002 data rows
BAD_CSV = {
    "missing value": ("x1,x2,label\n1,2,a\n3,,b\n", "missing value at line 3, column 'x2'"),
    "NA marker": ("x1,x2,label\n1,2,a\n3,NA,b\n", "missing value at line 3, column 'x2'"),
    "missing label": ("x1,label\n1,a\n2,\n", "column 'label' (the label)"),
    "text in a number": ("x1,x2,label\n1,2,a\n3,4,b\n5,six,a\n", "text 'six' in numeric column"),
    "decimal comma": ('x1,x2,label\n1,2,a\n"1,5",4,b\n', "use '.' as the decimal point"),
    "one class": ("x1,x2,label\n1,2,cat\n3,4,cat\n", "only one class ('cat')"),
    "empty": ("", "is empty"),
    "header only": ("x1,x2,label\n", "no data rows"),
    "too many rows": (TOO_MANY_ROWS, "more than 100,000 data rows"),
    "Latin-1": ("x1,x2,label\n1,2,a\n3,4,b\n5,6,café\n".encode("latin-1"), "not UTF-8"),
    "unreadable": ("x1,x2,label\n1,2,a\n3,4,b\n", "Permission denied"),
}
GOOD_CSV = "größe,width,animal\n1.5,2.0,cat\n-0.25,3.5,dog\n2.0,-1.0,cat\n0.0,0.5,dog\n3.25,1,dog\n"


def choose_csv(qtbot, window):
    combo = window.dataset_controls.combo
    combo.setCurrentIndex(combo.findData("csv"))
    settled(qtbot, window)
    return window.dataset_controls.params.editors["path"].line_edit


@pytest.mark.parametrize("case", list(BAD_CSV))
def test_a_bad_csv_is_reported_and_the_previous_dataset_stays(
    qtbot, make_window, tmp_path, monkeypatch, case
):
    window = trained_window(qtbot, make_window)
    before = run_state(window)
    content, must_say = BAD_CSV[case]
    path = tmp_path / "data.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    if case == "unreadable":  # emulated: root reads any file whatever its mode
        real_open = pathlib.Path.open

        def refuse(self, *args, **kwargs):
            if os.path.abspath(self) == os.path.abspath(path):
                raise PermissionError(13, "Permission denied", str(self))
            return real_open(self, *args, **kwargs)

        monkeypatch.setattr(pathlib.Path, "open", refuse)
    path_field = choose_csv(qtbot, window)
    path_field.setText(str(path))
    settled(qtbot, window)
    reason = assert_one_message_at(window, window.dataset_controls.params, must_say)
    assert reason.startswith("dataset 'csv' (plugin 'csv_dataset'): ")
    assert_model_unchanged(window, before)


@pytest.mark.parametrize("case", ["missing path", "folder"])
def test_a_csv_path_that_is_not_a_file_is_marked_on_the_path_field(
    qtbot, make_window, tmp_path, case
):
    window = trained_window(qtbot, make_window)
    before = run_state(window)
    path = tmp_path / ("nowhere.csv" if case == "missing path" else "a-folder.csv")
    if case == "folder":
        path.mkdir()
    path_field = choose_csv(qtbot, window)
    path_field.setText(str(path))
    settled(qtbot, window)
    assert invalid_reason(path_field) == f"path: no file at {path}"
    assert "see the marked field" in window.run_controls.error_label.text()
    assert_train_disabled(window)
    assert_model_unchanged(window, before)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_a_utf16_or_bom_csv_loads_like_plain_utf8(qtbot, make_window, registry, tmp_path, encoding):
    plain = tmp_path / "plain.csv"
    plain.write_text(GOOD_CSV, encoding="utf-8")
    expected = registry.generate("csv", {"path": str(plain)}, 0)
    window = make_window()
    path = tmp_path / f"{encoding}.csv"
    path.write_text(GOOD_CSV, encoding=encoding)
    choose_csv(qtbot, window).setText(str(path))
    settled(qtbot, window)
    wait_ready_state(qtbot, window)
    data = window.controller.data
    assert data.feature_names == expected.feature_names == ("größe", "width")
    assert data.class_names == expected.class_names
    loaded = np.vstack([data.X_train, data.X_test])
    np.testing.assert_array_equal(np.sort(loaded, axis=0), np.sort(expected.X, axis=0))


def test_a_fixed_csv_clears_the_old_error(qtbot, make_window, tmp_path):
    window = make_window()
    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_text(BAD_CSV["one class"][0], encoding="utf-8")
    good.write_text(GOOD_CSV, encoding="utf-8")
    path_field = choose_csv(qtbot, window)
    path_field.setText(str(bad))
    settled(qtbot, window)
    assert is_invalid(window.dataset_controls.params)
    path_field.setText(str(good))
    settled(qtbot, window)
    wait_ready_state(qtbot, window)
    assert invalid_reason(window.dataset_controls.params) == ""


# ------------------------------------------------------------------ a plugin that hangs


def test_a_ten_minute_plugin_leaves_the_window_responsive_and_can_be_abandoned(qtbot, make_window):
    window = trained_window(qtbot, make_window)
    c = window.controller
    before = run_state(window)
    ticks = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    combo = window.dataset_controls.combo
    combo.setCurrentIndex(combo.findData("sleepy"))
    qtbot.waitUntil(lambda: c.loader.busy, timeout=WAIT_MS)
    # The event loop keeps running while the plugin sleeps: the timer fires, clicks work.
    qtbot.waitUntil(lambda: len(ticks) >= 30, timeout=WAIT_MS)
    qtbot.mouseClick(window.view.log_check, Qt.LeftButton)
    assert window.actions.log_scale.isChecked()
    worker_caught_up(qtbot, window)  # and the worker answers
    assert c.loader.busy and window.isVisible()
    assert_train_disabled(window)
    # It says what it waits for and how to stop waiting (a pause snapshot must not hide it).
    assert "Generating sleepy" in window.status.message()
    assert "choose another dataset" in window.status.message()
    assert_model_unchanged(window, before)
    timer.stop()

    combo.setCurrentIndex(combo.findData("circles"))  # the user gives up on it
    qtbot.waitUntil(lambda: c.config.dataset == "circles" and c.can_train(), timeout=WAIT_MS)
    assert not c.loader.busy
    c.step()
    qtbot.waitUntil(lambda: c.snapshot.step == 1, timeout=WAIT_MS)
    assert c.worker.trainer.config.dataset == "circles"
    sleepers = [t for t in threading.enumerate() if "sleepy" in t.name]
    assert sleepers and all(t.daemon for t in sleepers)  # never waited for at exit


def test_closing_while_a_plugin_hangs_does_not_wait_for_it(qtbot, make_window):
    window = make_window()
    before = set(threading.enumerate())
    combo = window.dataset_controls.combo
    combo.setCurrentIndex(combo.findData("sleepy"))
    qtbot.waitUntil(lambda: window.controller.loader.busy, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: any("sleepy" in t.name for t in threading.enumerate()), timeout=WAIT_MS)
    sleeping = set(threading.enumerate()) - before  # the loader's and the plugin's threads
    window.close()  # returns while the plugin still sleeps (the exit time: test_faults_exit)
    assert not window.isVisible()
    assert not window.controller.handle.thread.isRunning()
    assert sleeping and all(t.is_alive() and t.daemon for t in sleeping)  # exit won't wait


# ------------------------------------------------------------------ hostile expressions


def _fault_matrix_expressions():
    """HOSTILE and Spy of tests/faults/test_bad_expressions.py: the same inputs, the same spy."""
    path = Path(__file__).parents[1] / "faults" / "test_bad_expressions.py"
    spec = importlib.util.spec_from_file_location("fault_matrix_bad_expressions", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EXPRESSIONS = _fault_matrix_expressions()


@pytest.fixture
def window_with_playground(qtbot, make_window):
    from microgui.graph_explorer import install_graph_explorer

    window = make_window()
    install_graph_explorer(window)
    window.tabs.setCurrentWidget(window.playground)
    qtbot.waitExposed(window.playground)
    return window


@pytest.mark.parametrize("text", list(EXPRESSIONS.HOSTILE), ids=lambda t: t[:30])
def test_the_playground_refuses_hostile_input_with_a_message(qtbot, window_with_playground, text):
    playground = window_with_playground.playground
    before = playground.snapshot
    spy = EXPRESSIONS.Spy()
    with spy:
        playground.set_text(text)
    assert spy.calls == []  # nothing was evaluated, imported, opened or run
    must_say, segment = EXPRESSIONS.HOSTILE[text]
    assert must_say in playground.error_label.text()
    assert "\n" not in playground.error_label.text()
    shown, caret = playground.caret_label.text().splitlines()
    column = caret.index("^")  # the caret stands under the offending part
    assert caret.strip() == "^"
    assert shown[column:].startswith(segment[: min(20, len(shown) - column)])
    assert "last valid result" in playground.result_label.text()
    assert playground.snapshot is before  # the graph was not touched
    assert window_with_playground.isVisible()


def test_typing_hostile_input_in_the_playground_shows_the_message(qtbot, window_with_playground):
    playground = window_with_playground.playground
    before = playground.snapshot
    playground.editor.clear()
    qtbot.keyClicks(playground.editor, "__import__('os').system('echo hi')")
    qtbot.waitUntil(lambda: "is not allowed" in playground.error_label.text(), timeout=WAIT_MS)
    assert playground.snapshot is before
    playground.editor.clear()
    with qtbot.waitSignal(playground.evaluated, timeout=WAIT_MS):
        qtbot.keyClicks(playground.editor, "a * b")
    assert playground.error_label.text() == ""


# ------------------------------------------------------------------ divergence


def test_divergence_pauses_and_the_last_finite_model_saves_and_loads_back(
    qtbot, make_window, tmp_path
):
    window = make_window(lr=1e6, reg="none")
    c = window.controller
    c.start()
    qtbot.waitUntil(lambda: c.state == "diverged", timeout=WAIT_MS)
    message = c.snapshot.message
    assert message.startswith("diverged at step") and "learning rate" in message
    assert window.status.message() == message
    assert window.run_controls.train_button.text().endswith("Train")  # paused, not running
    kept = c.worker.trainer.parameter_values()
    assert all(np.isfinite(v) for v in kept.values())

    model_path = tmp_path / "diverged-model.json"
    with qtbot.waitSignal(c.files.finished, timeout=WAIT_MS) as done:
        c.files.export_model_file(str(model_path))
    assert done.args[2] == ""
    model, config = load_model(model_path)
    assert {name: p.data for name, p in model.named_parameters()} == kept
    assert config["lr"] == 1e6

    session_path = tmp_path / "diverged-session.json"
    with qtbot.waitSignal(c.files.finished, timeout=WAIT_MS) as done:
        c.files.save_session_file(str(session_path))
    assert done.args[2] == ""
    other = make_window(dataset="circles", layers=[3])
    with qtbot.waitSignal(other.controller.files.finished, timeout=WAIT_MS) as opened:
        assert other.controller.files.open_session_file(str(session_path))
    assert opened.args[2] == ""
    qtbot.waitUntil(lambda: other.controller.state == "diverged", timeout=WAIT_MS)
    assert other.controller.worker.trainer.parameter_values() == kept
    assert other.controller.snapshot.message == message


# ------------------------------------------------------------------ exceptions


@pytest.fixture
def handler(window_with_playground, tmp_path):
    from microgui.error_handler import ExceptionHandler

    window = window_with_playground
    handler = ExceptionHandler(lambda: window, log_path=tmp_path / "microgui.log").install()
    yield handler
    handler.uninstall()
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox):
            widget.close()


def error_dialogs() -> list[QMessageBox]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
    ]


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_window_slot_is_shown_logged_and_the_app_keeps_training(
    qtbot, window_with_playground, handler, monkeypatch
):
    window = window_with_playground
    c = window.controller
    real_draw = c.presenter.draw_snapshot
    failures = []

    def draw_once_broken(snapshot, *args, **kwargs):
        if not failures:
            failures.append(snapshot.step)
            raise ValueError("a drawing slot failed")
        real_draw(snapshot, *args, **kwargs)

    monkeypatch.setattr(c.presenter, "draw_snapshot", draw_once_broken)
    c.step()
    qtbot.waitUntil(
        lambda: handler.caught == ["ValueError: a drawing slot failed"], timeout=WAIT_MS
    )
    qtbot.waitUntil(lambda: bool(error_dialogs()), timeout=WAIT_MS)
    assert "a drawing slot failed" in error_dialogs()[0].text()
    assert "a drawing slot failed" in handler.log_path.read_text(encoding="utf-8")
    c.start(until_step=5)  # the app keeps running
    qtbot.waitUntil(lambda: c.snapshot.step == 5 and c.state == "paused", timeout=WAIT_MS)


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_the_worker_is_shown_and_training_goes_on(
    qtbot, window_with_playground, handler
):
    window = window_with_playground
    c = window.controller
    trainer = c.worker.trainer
    real_step = trainer.step
    calls = []

    def third_step_fails():
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("one step failed")
        return real_step()

    trainer.step = third_step_fails
    c.start(until_step=10)
    qtbot.waitUntil(lambda: handler.caught == ["RuntimeError: one step failed"], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: bool(error_dialogs()), timeout=WAIT_MS)
    assert "one step failed" in handler.log_path.read_text(encoding="utf-8")
    c.pause()
    qtbot.waitUntil(lambda: c.state != "running", timeout=WAIT_MS)
    step = c.snapshot.step
    c.step()
    qtbot.waitUntil(lambda: c.snapshot.step == step + 1, timeout=WAIT_MS)


def test_a_snapshot_drawn_after_a_loss_change_does_not_raise(qtbot, make_window):
    from microgui.graph_explorer import install_graph_explorer

    window = make_window(dataset="blobs", dataset_params={"n_samples": 40})
    install_graph_explorer(window)
    c = window.controller
    c.start(until_step=3)
    qtbot.waitUntil(lambda: c.snapshot.step == 3 and c.state == "paused", timeout=WAIT_MS)
    last_of_the_old_run = c.snapshot
    window.training_controls.loss.setCurrentText("mse")  # does not fit multiclass blobs
    c.apply_changes()  # the debounce fired: the controller now asks for mse
    with qtbot.capture_exceptions() as raised:
        # A snapshot the worker sent before it saw the new config, arriving after it.
        c.worker.snapshotReady.emit(last_of_the_old_run)
    assert raised == []
