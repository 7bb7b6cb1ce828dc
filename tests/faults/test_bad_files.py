"""Fault matrix, files: model JSON (engine.modelio), session JSON (engine.session), --resume.

Each bad file gives one error of the file's kind (ModelFileError,
SessionFileError) naming the file and the problem; through `microgui train
--resume` it is exit 2 with one line. Saving writes a temporary file and
renames it: a failed save names the path and leaves the previous file
byte for byte as it was, with no temporary file left behind.

Root can read and write anything regardless of chmod, so "no read
permission" and "read-only folder" are emulated by making the open / the
rename raise PermissionError; the real chmod sub-cases run wherever modes
are enforced: as a normal user, or as root without CAP_DAC_OVERRIDE, e.g.
``setpriv --bounding-set=-dac_override,-dac_read_search python -m pytest ...``.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from fault_helpers import PERMISSIONS_IGNORED, FileKind, assert_one_line_error
from file_access import deny_reading
from read_only_folder import READ_ONLY_FAILURES, read_only

from engine.config import TrainConfig
from engine.modelio import ModelFileError, load_model, save_model
from engine.nn import MLP
from engine.session import SessionFileError, load_session, save_session
from engine.train import Trainer
from microgui.plugin_host.manager import load_plugins

ONE_GB = 1 << 30


@pytest.fixture(scope="module")
def trainer() -> Trainer:
    """A 3-step trainer on the moons plugin's data, so `--resume` can regenerate it."""
    data = load_plugins(include_default_dirs=False).generate("moons", {}, 0)
    trainer = Trainer(TrainConfig(steps=50), data.X, data.y, data.task)
    for _ in range(3):
        trainer.step()
    return trainer


@pytest.fixture(scope="module", params=["model", "session"])
def kind(request, trainer) -> FileKind:
    if request.param == "model":
        net = MLP(2, [4, 3, 1], seed=3)
        return FileKind(
            "model",
            ModelFileError,
            lambda path: save_model(net, path, {"note": "fault matrix"}),
            load_model,
        )
    return FileKind(
        "session",
        SessionFileError,
        lambda path: save_session(trainer, path),
        lambda path: load_session(path, trainer.X, trainer.y),
    )


def saved(kind: FileKind, folder: Path) -> tuple[Path, dict]:
    path = folder / f"{kind.name}.json"
    kind.save(path)
    return path, json.loads(path.read_text(encoding="utf-8"))


def refused(kind: FileKind, path: Path) -> str:
    """The one-line message of loading ``path``, which must fail with the kind's error."""
    with pytest.raises(kind.error) as info:
        kind.load(path)
    text = str(info.value)
    assert "\n" not in text and str(path) in text
    return text


# ------------------------------------------------------------------ bad content


def weights_of(kind: str, d: dict) -> dict:
    """The name -> weight mapping inside a model or session file's JSON."""
    return d["parameters"] if kind == "model" else d["trainer"]["parameters"]


def wrong_layer_count(kind: str, d: dict) -> None:
    if kind == "model":
        d["architecture"]["nouts"] = [4, 1]  # the weights are for three layers
    else:
        d["config"]["layers"] = [16]  # the weights are for two hidden layers


def first_weight_as(token: str) -> Callable[[str, dict], str]:
    def corrupt(kind: str, d: dict) -> str:
        weights = weights_of(kind, d)
        weights[next(iter(weights))] = "WEIGHT"
        return json.dumps(d).replace('"WEIGHT"', token)

    return corrupt


def changed(change: Callable[[str, dict], object]) -> Callable[[str, dict], str]:
    def corrupt(kind: str, d: dict) -> str:
        change(kind, d)
        return json.dumps(d)

    return corrupt


# row -> (text or bytes made from a good file's JSON, what the model / session message says)
BAD_CONTENT: dict[str, tuple[Callable[[str, dict], str | bytes], tuple[str, str]]] = {
    "truncated": (
        lambda kind, d: json.dumps(d)[: len(json.dumps(d)) // 2],
        ("truncated or corrupt", "truncated or corrupt"),
    ),
    "not JSON": (lambda kind, d: "weights: 1, 2, 3", ("not valid JSON", "not valid JSON")),
    "binary": (lambda kind, d: b"\x89PNG\r\n\x1a\n\xff\xfe", ("not a text", "not a text")),
    "empty": (lambda kind, d: "", ("empty", "empty")),
    "JSON of the wrong shape (a list)": (
        lambda kind, d: "[1, 2, 3]",
        ("must hold a JSON object", "not a microgui session"),
    ),
    "JSON of the wrong shape (another format)": (
        changed(lambda kind, d: d.update(format="microgui-other")),
        ("not a microgui model", "not a microgui session"),
    ),
    "JSON of the wrong shape (a weight is text)": (
        first_weight_as('"0.5"'),
        ("must be a number", "not a number"),
    ),
    "future format version": (
        changed(lambda kind, d: d.update(format_version=99)),
        ("format version 99, newer", "newer microgui"),
    ),
    "NaN weight": (first_weight_as("NaN"), ("finite weights", "NaN is not a valid JSON number")),
    "infinite weight (1e999)": (
        first_weight_as("1e999"),
        ("finite weights", "not a finite number"),
    ),
    "layer count does not match": (
        changed(wrong_layer_count),
        ("layer-count mismatch", "different architecture"),
    ),
}


def write_content(path: Path, content: str | bytes) -> None:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


@pytest.mark.parametrize("row", list(BAD_CONTENT))
def test_bad_content_is_refused_naming_file_and_problem(kind, tmp_path, row):
    path, d = saved(kind, tmp_path)
    corrupt, (model_says, session_says) = BAD_CONTENT[row]
    write_content(path, corrupt(kind.name, d))
    assert (model_says if kind.name == "model" else session_says) in refused(kind, path)


# ------------------------------------------------------------------ bad paths


def test_a_1_gb_file_is_refused_from_its_size_without_being_opened(kind, tmp_path, open_spy):
    path = tmp_path / f"huge-{kind.name}.json"
    with open(path, "wb") as f:
        f.truncate(ONE_GB)  # sparse: no disk space, instant
    open_spy.paths.clear()  # from here on, nothing may open it
    text = refused(kind, path)
    assert "1,074 MB" in text and "limit" in text and "not read" in text
    assert not open_spy.opened(path), open_spy.paths  # refused from stat(), never read


def test_a_path_that_does_not_exist(kind, tmp_path):
    assert "not found" in refused(kind, tmp_path / "nowhere.json")


def test_a_folder(kind, tmp_path):
    folder = tmp_path / "a-folder.json"
    folder.mkdir()
    assert "is a folder" in refused(kind, folder)


def test_a_file_without_read_permission_emulated(kind, tmp_path, monkeypatch):
    path, _ = saved(kind, tmp_path)
    deny_reading(monkeypatch, path)
    text = refused(kind, path)
    assert "cannot read" in text and "Permission denied" in text


@pytest.mark.skipif(
    PERMISSIONS_IGNORED, reason="root reads files whatever their mode (emulated above)"
)
def test_a_file_without_read_permission_real(kind, tmp_path):
    path, _ = saved(kind, tmp_path)
    path.chmod(0)
    try:
        assert "cannot read" in refused(kind, path)
    finally:
        path.chmod(0o644)


# ------------------------------------------------------------------ saving


def assert_previous_file_intact(kind: FileKind, path: Path, before: bytes) -> None:
    assert path.read_bytes() == before
    kind.load(path)  # still a good file
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no temp file left


def save_refused(kind: FileKind, path: Path) -> str:
    with pytest.raises(kind.error) as info:
        kind.save(path)
    text = str(info.value)
    assert "\n" not in text and str(path) in text and "cannot save" in text
    return text


@pytest.mark.parametrize("fails", READ_ONLY_FAILURES)
def test_saving_into_a_read_only_folder_keeps_the_previous_file(kind, tmp_path, fails):
    folder = tmp_path / "read-only"
    folder.mkdir()
    path, _ = saved(kind, folder)
    before = path.read_bytes()
    with read_only(folder, fails):
        text = save_refused(kind, path)
    assert "permission denied" in text.lower() and "read-only" in text
    assert_previous_file_intact(kind, path, before)


def test_a_full_disk_while_writing_keeps_the_previous_file(kind, tmp_path):
    path, _ = saved(kind, tmp_path)
    before = path.read_bytes()

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "fsync", disk_full)
        text = save_refused(kind, path)
    assert "No space left on device" in text
    assert_previous_file_intact(kind, path, before)


@pytest.mark.skipif(
    PERMISSIONS_IGNORED, reason="root writes into read-only folders (emulated above)"
)
def test_saving_into_a_really_read_only_folder(kind, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    path, _ = saved(kind, folder)
    before = path.read_bytes()
    folder.chmod(0o500)
    try:
        save_refused(kind, path)
    finally:
        folder.chmod(0o755)
    assert_previous_file_intact(kind, path, before)


def test_saving_into_a_missing_folder_or_onto_a_folder_is_a_clear_error(kind, tmp_path):
    assert "does not exist" in save_refused(kind, tmp_path / "missing" / "f.json")
    assert "folder" in save_refused(kind, tmp_path)


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_saved_files_get_normal_permissions_from_the_umask(kind, tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        path, _ = saved(kind, tmp_path)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == mode


# ------------------------------------------------------------------ the CLI's --resume


@pytest.fixture
def session_file(trainer, tmp_path) -> tuple[Path, dict]:
    path = tmp_path / "session.json"
    save_session(trainer, path)
    return path, json.loads(path.read_text(encoding="utf-8"))


def test_resuming_a_good_session_works(train_cli, session_file):
    path, _ = session_file
    result = train_cli("--resume", str(path), "--steps", "5", "--session", str(path))
    assert result.code == 0, result.err
    assert json.loads(path.read_text())["trainer"]["steps_done"] == 5


@pytest.mark.parametrize("row", list(BAD_CONTENT))
def test_resuming_a_bad_session_is_one_line_and_exit_2(train_cli, trainer, session_file, row):
    path, d = session_file
    corrupt, (_, session_says) = BAD_CONTENT[row]
    write_content(path, corrupt("session", d))
    assert_one_line_error(train_cli("--resume", str(path)), "--resume", session_says, str(path))


def test_resuming_from_bad_paths_is_one_line_and_exit_2(train_cli, tmp_path, open_spy):
    huge = tmp_path / "huge.json"
    with open(huge, "wb") as f:
        f.truncate(ONE_GB)
    open_spy.paths.clear()
    assert_one_line_error(train_cli("--resume", str(huge)), "--resume", "limit")
    assert not open_spy.opened(huge)
    assert_one_line_error(train_cli("--resume", str(tmp_path / "no.json")), "not found")
    assert_one_line_error(train_cli("--resume", str(tmp_path)), "is a folder")


def test_resuming_an_unreadable_session_is_one_line_and_exit_2(
    train_cli, session_file, monkeypatch
):
    path, _ = session_file
    deny_reading(monkeypatch, path)
    assert_one_line_error(train_cli("--resume", str(path)), "--resume", "Permission denied")


def test_save_into_a_read_only_folder_from_the_cli_keeps_the_old_model(train_cli, tmp_path):
    path = tmp_path / "model.json"
    assert train_cli("--steps", "2", "--save", str(path)).code == 0
    before = path.read_bytes()
    real_replace = os.replace

    def no_rename(src, dst, *args, **kwargs):
        if Path(dst) == path:
            raise PermissionError(13, "Permission denied")
        return real_replace(src, dst, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "replace", no_rename)
        result = train_cli("--steps", "3", "--save", str(path))
    assert_one_line_error(result, "--save", str(path), "permission")
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["model.json"]


# ------------------------------------------------------------------ nothing changes on failure


def test_a_bad_state_leaves_the_running_trainer_as_it_was(trainer, session_file):
    _, d = session_file
    live = Trainer(trainer.config, trainer.X, trainer.y, trainer.task)
    live.step()
    before = (live.parameter_values(), live.steps_done, len(live.history))
    state = d["trainer"]
    state["parameters"][next(iter(state["parameters"]))] = float("inf")
    with pytest.raises(ValueError, match="not a finite number"):
        live.load_state_dict(state)
    assert (live.parameter_values(), live.steps_done, len(live.history)) == before
    reference = Trainer(trainer.config, trainer.X, trainer.y, trainer.task)
    reference.step()
    assert live.step().loss == reference.step().loss  # and it continues as if nothing happened
