"""Fault matrix, round two (issue 16, items 1-4): hostile JSON and special files the app reads.

Model files (engine.modelio), session files (engine.session, ``--resume``) and
``--config`` files each meet: nesting 100,000 levels deep in three shapes
(lists, objects, mixed), integers too large for a float, special files
(``/dev/zero``, ``/dev/urandom``, a FIFO, a socket, a folder, a symbolic
link loop), and values a config does not take. Each must be one line naming
the file and the problem, never a traceback, never a hang.
"""

from __future__ import annotations

import json
import os
import socket
import threading
from pathlib import Path

import pytest
from fault_helpers import FileKind, assert_one_line_error

from engine.config import TrainConfig
from engine.modelio import ModelFileError, load_model, save_model
from engine.nn import MLP
from engine.session import SessionFileError, load_session, save_session
from engine.train import Trainer
from microgui.plugin_host.manager import load_plugins

DEPTH = 100_000


@pytest.fixture(scope="module")
def trainer() -> Trainer:
    data = load_plugins(include_default_dirs=False).generate("moons", {}, 0)
    trainer = Trainer(TrainConfig(steps=50), data.X, data.y, data.task)
    for _ in range(2):
        trainer.step()
    return trainer


@pytest.fixture(scope="module", params=["model", "session"])
def kind(request, trainer) -> FileKind:
    if request.param == "model":
        net = MLP(2, [4, 1], seed=3)
        return FileKind("model", ModelFileError, lambda p: save_model(net, p), load_model)
    return FileKind(
        "session",
        SessionFileError,
        lambda p: save_session(trainer, p),
        lambda p: load_session(p, trainer.X, trainer.y),
    )


def refused(kind: FileKind, path: Path | str, timeout: float = 20.0) -> str:
    """The one-line message of loading ``path``; fails (never hangs) if loading blocks."""
    outcome: dict[str, BaseException] = {}

    def load() -> None:
        try:
            kind.load(path)
        except BaseException as exc:
            outcome["error"] = exc

    worker = threading.Thread(target=load, daemon=True)
    worker.start()
    worker.join(timeout)
    assert not worker.is_alive(), f"loading {path} did not return within {timeout} s"
    error = outcome.get("error")
    assert isinstance(error, kind.error), repr(error)
    text = str(error)
    assert "\n" not in text and str(path) in text, text
    return text


NESTING = {
    "lists": "[" * DEPTH + "]" * DEPTH,
    "objects": '{"a":' * DEPTH + "1" + "}" * DEPTH,
    "mixed": '[{"a":' * (DEPTH // 2) + "1" + "}]" * (DEPTH // 2),
}


@pytest.mark.parametrize("shape", list(NESTING))
def test_deep_nesting_is_refused_before_json_recurses(kind, tmp_path, shape):
    path = tmp_path / f"deep.{kind.name}.json"
    path.write_text(NESTING[shape])
    assert "100,000 levels deep (at most 100 allowed)" in refused(kind, path)


def test_nesting_at_5000_levels_and_inside_a_valid_file_is_refused(kind, tmp_path):
    path = tmp_path / "five_thousand.json"
    path.write_text("[" * 5000 + "]" * 5000)
    assert "5,000 levels deep" in refused(kind, path)
    kind.save(path)
    d = json.loads(path.read_text())
    d["extra_key"] = json.loads("[" * 150 + "]" * 150)
    path.write_text(json.dumps(d))
    assert "151 levels deep" in refused(kind, path)  # 150 plus the file's own object


def test_brackets_inside_strings_do_not_count_as_nesting(kind, tmp_path):
    path = tmp_path / "brackets.json"
    kind.save(path)
    d = json.loads(path.read_text())
    d["note"] = "[" * 5000  # text, not structure
    if kind.name == "session":
        d["extra"] = {"note": "[" * 5000}
        del d["note"]
    path.write_text(json.dumps(d))
    kind.load(path)  # loads


def _first_weight(kind: str, d: dict) -> dict:
    return d["parameters"] if kind == "model" else d["trainer"]["parameters"]


def test_an_integer_weight_too_large_for_a_float_is_not_a_finite_number(kind, tmp_path):
    path = tmp_path / "big.json"
    kind.save(path)
    d = json.loads(path.read_text())
    weights = _first_weight(kind.name, d)
    weights[next(iter(weights))] = "BIG"
    path.write_text(json.dumps(d).replace('"BIG"', "1" + "0" * 400))
    message = refused(kind, path)
    assert "finite" in message and "OverflowError" not in message


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("best_loss", "1" + "0" * 400, None),  # inf: "no best loss yet", as the file would say
        ("steps_done", "1" + "0" * 400, "steps_done must be a whole number"),
        ("since_best", "-" + "9" * 5000, "since_best"),
    ],
)
def test_huge_integers_in_a_session_state_give_one_line(trainer, tmp_path, field, value, says):
    path = tmp_path / "s.json"
    save_session(trainer, path)
    d = json.loads(path.read_text())
    d["trainer"][field] = "HUGE"
    path.write_text(json.dumps(d).replace('"HUGE"', value))
    if says is None:
        assert load_session(path, trainer.X, trainer.y).steps_done == trainer.steps_done
        return
    with pytest.raises(SessionFileError, match=says) as caught:
        load_session(path, trainer.X, trainer.y)
    assert "\n" not in str(caught.value)


def test_a_negative_batch_rng_state_gives_one_line(trainer, tmp_path):
    path = tmp_path / "s.json"
    save_session(trainer, path)
    d = json.loads(path.read_text())
    d["trainer"]["batch_rng"]["state"]["state"] = -1
    path.write_text(json.dumps(d))
    with pytest.raises(SessionFileError, match="batch_rng is not a numpy PCG64 state"):
        load_session(path, trainer.X, trainer.y)


def _fifo(folder: Path) -> Path:
    os.mkfifo(folder / "fifo.json")
    return folder / "fifo.json"


def _socket(folder: Path) -> Path:
    path = folder / "sock.json"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))
    sock.close()
    return path


def _loop(folder: Path) -> Path:
    (folder / "a.json").symlink_to(folder / "b.json")
    (folder / "b.json").symlink_to(folder / "a.json")
    return folder / "a.json"


def _link_to_fifo(folder: Path) -> Path:
    (folder / "link.json").symlink_to(_fifo(folder))
    return folder / "link.json"


SPECIAL = {
    "/dev/zero": (lambda folder: Path("/dev/zero"), "is a device"),
    "/dev/urandom": (lambda folder: Path("/dev/urandom"), "is a device"),
    "FIFO": (_fifo, "is a FIFO (named pipe)"),
    "link to a FIFO": (_link_to_fifo, "is a FIFO (named pipe)"),
    "socket": (_socket, "is a socket"),
    "folder": (lambda folder: folder, "is a folder"),
    "symlink loop": (_loop, "symbolic links form a loop"),
}


@pytest.mark.parametrize("special", list(SPECIAL))
def test_special_files_are_refused_at_once(kind, tmp_path, special):
    make, says = SPECIAL[special]
    assert says in refused(kind, make(tmp_path))


# ------------------------------------------------------------------ --config and --resume


@pytest.mark.parametrize("shape", list(NESTING))
def test_a_deeply_nested_config_or_session_on_the_command_line(train_cli, tmp_path, shape):
    path = tmp_path / "deep.json"
    path.write_text(NESTING[shape])
    for option in ("--config", "--resume"):
        assert_one_line_error(train_cli(option, str(path)), option, str(path), "levels deep")


@pytest.mark.parametrize("special", list(SPECIAL))
def test_special_files_as_config_or_resume_fail_at_once(train_cli, tmp_path, special):
    make, says = SPECIAL[special]
    path = make(tmp_path)
    for option in ("--config", "--resume"):
        assert_one_line_error(train_cli(option, str(path)), option, str(path), says)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ('{"dataset_params": [1, 2]}', "key 'dataset_params': [1, 2] is not an object"),
        ('{"lr": -1}', "key 'lr': -1 is not allowed"),
        ('{"steps": 1e999}', "key 'steps': inf is not allowed"),
        ('{"seed": ' + "1" * 400 + "}", "key 'seed':"),
        ('{"layers": [[[16]]]}', "key 'layers':"),
        ('{"momentun": 0.1}', "key 'momentun': unknown setting; did you mean 'momentum'?"),
        ('{"lr": NaN}', "NaN is not a valid JSON number"),
        ("[1, 2]", "expected a JSON object of settings"),
    ],
)
def test_errors_inside_a_config_file_name_the_file_and_key(train_cli, tmp_path, content, says):
    path = tmp_path / "c.json"
    path.write_text(content)
    line = assert_one_line_error(train_cli("--config", str(path)), f"--config {path}: ", says)
    assert "--lr:" not in line and "--steps:" not in line  # not the option the user never gave


def test_a_good_config_file_with_an_option_over_it(train_cli, tmp_path):
    path = tmp_path / "c.json"
    path.write_text('{"lr": 0.5, "steps": 2, "layers": [4]}')
    assert train_cli("--config", str(path)).code == 0
    assert_one_line_error(train_cli("--config", str(path), "--lr", "-1"), "--lr: -1.0")


def test_a_session_or_model_file_given_as_config_says_what_it_is(train_cli, trainer, tmp_path):
    session = tmp_path / "s.json"
    save_session(trainer, session)
    assert_one_line_error(
        train_cli("--config", str(session)), "this is a session file", f"--resume {session}"
    )
    model = tmp_path / "m.json"
    save_model(MLP(2, [3, 1]), model)
    assert_one_line_error(train_cli("--config", str(model)), "this is a model file")
