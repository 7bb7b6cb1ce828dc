"""A session file whose header (format version, data description) is wrong: one whole line.

read_session checks the parts around the training state before anything is
built; each refusal names the file and the field. load_session passes its
size limit on to the reading, so a caller's smaller limit is obeyed.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.datasets import make_moons

from engine.config import TrainConfig
from engine.session import (
    SessionFileError,
    load_session,
    read_session,
    save_session,
    session_to_dict,
)
from engine.train import Trainer

X, _Y = make_moons(n_samples=20, noise=0.1, random_state=0)
Y = _Y.astype(np.float64)


@pytest.fixture
def session_dict():
    return json.loads(json.dumps(session_to_dict(Trainer(TrainConfig(), X, Y, "binary"))))


def _refusal(tmp_path, d) -> tuple[str, object]:
    path = tmp_path / "run.session.json"
    path.write_text(json.dumps(d))
    with pytest.raises(SessionFileError) as info:
        read_session(path)
    return str(info.value), path


@pytest.mark.parametrize("version", [0, -3])
def test_a_format_version_below_1_does_not_exist(tmp_path, session_dict, version):
    session_dict["format_version"] = version
    message, path = _refusal(tmp_path, session_dict)
    assert message == f"{path}: format_version {version} does not exist"


@pytest.mark.parametrize("drop", ["task", "fingerprint"])
def test_data_without_its_task_or_fingerprint_is_named(tmp_path, session_dict, drop):
    del session_dict["data"][drop]
    message, path = _refusal(tmp_path, session_dict)
    assert message == f"{path}: 'data' must name the task and the data's fingerprint"


def test_load_session_obeys_the_callers_size_limit(tmp_path):
    path = tmp_path / "run.session.json"
    save_session(Trainer(TrainConfig(), X, Y, "binary"), path)
    size = path.stat().st_size
    assert load_session(path, X, Y, max_bytes=size).steps_done == 0
    with pytest.raises(SessionFileError) as info:
        load_session(path, X, Y, max_bytes=size - 1)
    assert str(info.value) == (
        f"{path} is {size:,} bytes, over the {size - 1:,}-byte limit for a session file; "
        "it was not read (is it really a microgui session?)"
    )


@pytest.mark.parametrize("n_classes", ["3", 3.0, True, [3]])
def test_a_class_count_that_is_not_a_whole_number_is_named(tmp_path, session_dict, n_classes):
    session_dict["data"]["n_classes"] = n_classes
    message, path = _refusal(tmp_path, session_dict)
    assert message == f"{path}: n_classes {n_classes!r} is not a whole number"


@pytest.mark.parametrize("extra", [[1], "view", 5])
def test_extra_that_is_not_an_object_is_refused(tmp_path, session_dict, extra):
    session_dict["extra"] = extra
    message, path = _refusal(tmp_path, session_dict)
    assert message == f"{path}: 'extra' must be an object"


def test_a_missing_or_empty_file_is_called_a_session_file(tmp_path):
    missing = tmp_path / "nope.session.json"
    with pytest.raises(SessionFileError) as info:
        read_session(missing)
    assert str(info.value) == f"session file not found: {missing}"
    empty = tmp_path / "empty.session.json"
    empty.write_text("  \n")
    with pytest.raises(SessionFileError) as info:
        read_session(empty)
    assert str(info.value) == f"{empty} is empty; it is not a session file"


def test_the_file_describes_its_data_as_the_format_says(tmp_path):
    """The module doc's format: "data" holds n_samples and n_features of the data given."""
    path = tmp_path / "run.session.json"
    X3 = np.c_[X, X[:, 0]]
    save_session(Trainer(TrainConfig(), X3[:15], Y[:15], "binary"), path)
    data = json.loads(path.read_text())["data"]
    assert (data["n_samples"], data["n_features"]) == (15, 3)
    assert data["task"] == "binary" and data["n_classes"] == 2
