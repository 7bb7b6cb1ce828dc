"""Fault matrix, GUI rows: bad session, model and CSV files opened in the real window.

A file that cannot be used is reported in one line naming the file and the problem; the
window stays up and the model, its run and the form stay as they were. Saving never
destroys the previous file. The list of rows is in tests/faults/README.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from file_access import OpenSpy, deny_reading
from PySide6.QtWidgets import QFileDialog
from read_only_folder import READ_ONLY_FAILURES, read_only
from window_fault_helpers import (
    ERROR_RED,
    assert_model_unchanged,
    assert_one_message_at,
    assert_train_disabled,
    run_state,
    settled,
    trained_window,
)
from window_fixtures import WAIT_MS, wait_ready_state

from engine.modelio import model_to_dict
from engine.nn import MLP
from microgui.widgets.validation import invalid_reason, is_invalid

pytestmark = pytest.mark.usefixtures("dialogs")  # message boxes are recorded, never block

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


def first_weight_as(token: str, *where: str):
    """The file's JSON with its first weight (in d[where[0]][where[1]]...) written as `token`."""

    def corrupt(d: dict) -> str:
        weights = d
        for key in where:
            weights = weights[key]
        weights[next(iter(weights))] = "WEIGHT"
        return json.dumps(d).replace('"WEIGHT"', token)

    return corrupt


def changed(change):
    def corrupt(d: dict) -> str:
        change(d)
        return json.dumps(d)

    return corrupt


# Contents that are no JSON at all: the same rows and messages for sessions and models.
NOT_JSON = {
    "not JSON": (lambda d: "weights: 1, 2, 3", "not valid JSON"),
    "binary": (lambda d: b"\x89PNG\r\n\x1a\n\xff\xfe", "not a text"),
    "empty": (lambda d: "", "empty"),
}
SESSION_WEIGHTS = ("trainer", "parameters")
# name -> (content made from the good session's JSON, what the message says). Rows refused when
# the file is read come first; the rest are refused by the worker while restoring.
BAD_SESSIONS = {
    "truncated": (lambda d: json.dumps(d)[:2000], "truncated or corrupt"),
    **NOT_JSON,
    "a JSON list": (lambda d: "[1, 2, 3]", "not a microgui session"),
    "another format": (changed(lambda d: d.update(format="x")), "not a microgui session"),
    "future version": (changed(lambda d: d.update(format_version=99)), "newer microgui"),
    "NaN weight": (first_weight_as("NaN", *SESSION_WEIGHTS), "NaN is not a valid JSON number"),
    "text weight": (first_weight_as('"0.5"', *SESSION_WEIGHTS), "not a number"),
    "infinite weight": (first_weight_as("1e999", *SESSION_WEIGHTS), "not a finite number"),
    "layer count": (changed(lambda d: d["config"].update(layers=[16])), "does not exist"),
    "other data": (changed(lambda d: d["config"].update(seed=7)), "different data"),
}
REFUSED_BY_THE_WORKER = ("text weight", "infinite weight", "layer count", "other data")
BAD_PATHS = ("1 GB", "missing", "folder", "unreadable")


def bad_file(folder: Path, case: str, good: tuple[Path, dict], monkeypatch, contents: dict) -> Path:
    """The file of `case`: a bad path (BAD_PATHS), or a content of `contents` made from `good`."""
    path = folder / f"bad-{case.replace(' ', '-')}.json"
    if case == "1 GB":
        with open(path, "wb") as f:
            f.truncate(1 << 30)  # sparse: instant, no disk space
    elif case == "folder":
        path.mkdir()
    elif case == "unreadable":  # emulated: root reads any file whatever its mode
        path.write_bytes(good[0].read_bytes())
        deny_reading(monkeypatch, path)
    elif case != "missing":
        content = contents[case][0](json.loads(json.dumps(good[1])))
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return path


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
    path = bad_file(tmp_path, case, good, monkeypatch, BAD_SESSIONS)
    before, form = run_state(window), form_values(window)
    reads = OpenSpy(monkeypatch)
    with qtbot.waitSignal(c.files.finished, timeout=WAIT_MS) as done:
        opened = c.files.open_session_file(str(path))
    if case == "1 GB":
        assert not reads.opened(path), "the 1 GB file was opened; it must be refused from stat()"
    elif case == "truncated":
        assert reads.opened(path)  # control: the spy does see a file being read
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


def good_model(qtbot, window, folder: Path) -> tuple[Path, dict]:
    """A model exported by this window."""
    path = folder / "good-model.json"
    with qtbot.waitSignal(window.controller.files.finished, timeout=WAIT_MS) as exported:
        window.controller.files.export_model_file(str(path))
    assert exported.args[2] == ""
    return path, json.loads(path.read_text(encoding="utf-8"))


def other_network(nin: int, nouts: list[int]):
    """A valid model file of another shape, written by the engine itself."""

    def write(_d: dict) -> str:
        return json.dumps(model_to_dict(MLP(nin, nouts, seed=3)))

    return write


# name -> (content made from the good model's JSON, what the message says)
BAD_MODELS = {
    "truncated": (lambda d: json.dumps(d)[:300], "truncated or corrupt"),
    **NOT_JSON,
    "a JSON list": (lambda d: "[1, 2, 3]", "must hold a JSON object"),
    "another format": (changed(lambda d: d.update(format="x")), "not a microgui model"),
    "future version": (changed(lambda d: d.update(format_version=99)), "upgrade microgui"),
    "NaN weight": (first_weight_as("NaN", "parameters"), "needs finite weights"),
    "text weight": (first_weight_as('"0.5"', "parameters"), "must be a number"),
    "infinite weight": (first_weight_as("1e999", "parameters"), "needs finite weights"),
    "layer count": (
        changed(lambda d: d["architecture"].update(nouts=[4, 1])),
        "layer-count mismatch",
    ),
    # Good files that do not fit the window's data or limits.
    "3 inputs": (other_network(3, [4, 1]), "takes 3 inputs but moons has 2 features"),
    "3 outputs": (other_network(2, [4, 3]), "gives 3 outputs but moons"),
    "600 neurons": (other_network(2, [600, 1]), "at most 512 neurons"),
}


@pytest.mark.parametrize("case", [*BAD_MODELS, *BAD_PATHS])
def test_opening_a_bad_model_reports_it_and_keeps_the_model(
    qtbot, make_window, tmp_path, monkeypatch, dialogs, case
):
    window = trained_window(qtbot, make_window)
    c = window.controller
    good_path, good = good_model(qtbot, window, tmp_path)
    path = bad_file(tmp_path, case, (good_path, good), monkeypatch, BAD_MODELS)
    before, form = run_state(window), form_values(window)
    reads = OpenSpy(monkeypatch)
    with qtbot.waitSignal(c.files.finished, timeout=WAIT_MS) as done:
        assert c.files.open_model_file(str(path))
    if case == "1 GB":
        assert not reads.opened(path), "the 1 GB file was opened; it must be refused from stat()"
    kind, reported_path, error = done.args
    assert (kind, reported_path) == ("open_model", str(path)) and error
    assert "\n" not in error and str(path) in error
    assert (PATH_SAYS.get(case) or BAD_MODELS[case][1]) in error
    settled(qtbot, window)
    assert window.status.message() == error
    assert window.status.message_label.colour.name() == ERROR_RED
    assert dialogs == [] and window.isVisible()
    assert_model_unchanged(window, before)
    assert form_values(window) == form
    c.step()  # the kept run goes on
    qtbot.waitUntil(lambda: c.snapshot.step == before.steps + 1, timeout=WAIT_MS)


def test_a_good_model_opens_with_its_network_and_weights_on_the_data_shown(
    qtbot, make_window, tmp_path, monkeypatch
):
    source = trained_window(qtbot, make_window, layers=[5, 3], activation="tanh")
    path, _ = good_model(qtbot, source, tmp_path)
    trained = run_state(source).params
    window = trained_window(qtbot, make_window, layers=[4, 4], lr=0.2)
    c = window.controller
    split = run_state(window).X_train
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "JSON"))
    )
    with qtbot.waitSignal(c.files.finished, timeout=WAIT_MS) as done:
        window.actions.open_model.trigger()  # File > Open model…
    assert done.args == ["open_model", str(path), ""]
    settled(qtbot, window)
    assert window.status.message() == f"Opened model {path}: training starts from its weights"
    now = run_state(window)
    assert now.params == trained and now.steps == 0  # its weights, a new run
    np.testing.assert_array_equal(now.X_train, split)  # on this window's data
    assert now.config.layers == (5, 3) and now.config.activation == "tanh"
    assert now.config.lr == 0.2  # the training settings stay the window's
    assert window.model_controls.layers.text() == "5,3"
    assert window.model_controls.activation.currentText() == "tanh"
    assert c.can_train()
    c.step()
    qtbot.waitUntil(lambda: c.snapshot.step == 1, timeout=WAIT_MS)
    window.training_controls.lr.setText("0.1")  # an optimisation setting: continues
    window.training_controls.changed.emit()
    settled(qtbot, window)
    wait_ready_state(qtbot, window)
    assert run_state(window).steps == 1


@pytest.mark.parametrize("kind", ["session", "model"])
@pytest.mark.parametrize("fails", READ_ONLY_FAILURES)
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
    with read_only(folder, fails), qtbot.waitSignal(files.finished, timeout=WAIT_MS) as done:
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
        deny_reading(monkeypatch, path)
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


def test_a_feature_beyond_the_float_range_is_marked_and_the_csv_model_stays(
    qtbot, make_window, tmp_path
):
    from PySide6.QtCore import Qt

    window = make_window()
    path = tmp_path / "huge.csv"
    rows = [f"{(k - 9.5) * 1e199!r},{k % 3 * 0.5},{'ab'[k % 2]}" for k in range(20)]
    path.write_text("size,width,label\n" + "\n".join(rows) + "\n", encoding="utf-8")
    choose_csv(qtbot, window).setText(str(path))
    settled(qtbot, window)
    wait_ready_state(qtbot, window)
    before = run_state(window)
    toggles = window.view.feature_toggles
    for row in range(toggles.list.count()):  # tick x1² as a user would
        item = toggles.list.item(row)
        if item.data(Qt.ItemDataRole.UserRole) == "x1^2":
            item.setCheckState(Qt.CheckState.Checked)
    settled(qtbot, window)
    qtbot.waitUntil(lambda: is_invalid(toggles), timeout=WAIT_MS)
    reason = assert_one_message_at(window, toggles, "'x1^2' is beyond the float range")
    assert "data: x1 ('size') reaches 9.5e+199; scale that input down in the data" in reason
    assert_model_unchanged(window, before)


@pytest.mark.parametrize("scale", [5e-324, 1.7e308 / 4.5], ids=["subnormal", "near-max"])
def test_a_csv_near_the_float_limits_trains_and_draws(qtbot, make_window, tmp_path, scale):
    # The boundary plot's range was [-inf, inf] or ~1e-323 wide: every paint
    # raised (ZeroDivisionError in pyqtgraph), and --plot crashed Qt outright.
    window = make_window()
    path = tmp_path / "extreme.csv"
    rows = "".join(f"{(k - 4.5) * scale!r},{k % 2}\n" for k in range(10))
    path.write_text("x,label\n" + rows, encoding="utf-8")
    choose_csv(qtbot, window).setText(str(path))
    settled(qtbot, window)
    wait_ready_state(qtbot, window)
    c = window.controller
    c.start(until_step=3)
    qtbot.waitUntil(lambda: c.snapshot.step == 3 and c.state == "paused", timeout=WAIT_MS)
    assert not window.grab().isNull()  # paints every plot (a Qt-loop exception fails the test)
    x_range = c.snapshot.boundary.x_range
    assert np.isfinite([*x_range, x_range[1] - x_range[0]]).all()
