"""Saving a session: what cannot be saved is refused in one line, and the file is compact.

A session that could not be opened again must not be written: JSON has no
NaN or infinity, and microgui's reader refuses those tokens, so a value
like that is refused at save time and the previous file stays. A session
holds the whole loss history (a line per step), so it is written without
the spaces Python's json puts after commas and colons by default.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.datasets import make_moons

from engine.config import TrainConfig
from engine.session import SessionFileError, load_session, save_session
from engine.train import Trainer

X, Y = make_moons(n_samples=20, noise=0.1, random_state=0)


def _trainer(steps: int = 0) -> Trainer:
    trainer = Trainer(TrainConfig(optimizer="adam"), X, Y.astype(np.float64), "binary")
    for _ in range(steps):
        trainer.step()
    return trainer


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_a_value_json_cannot_hold_is_refused_and_the_previous_file_stays(tmp_path, bad):
    trainer = _trainer(steps=2)
    path = tmp_path / "run.session.json"
    save_session(trainer, path)
    before = path.read_bytes()
    with pytest.raises(SessionFileError) as info:
        save_session(trainer, path, extra={"view": {"zoom": bad}})
    message = str(info.value)
    assert message.startswith(f"cannot save the session to {path}: ")
    assert "Out of range float values are not JSON compliant" in message
    assert "\n" not in message
    assert path.read_bytes() == before
    assert load_session(path, X, Y.astype(np.float64)).steps_done == 2


def test_a_session_file_is_written_compactly(tmp_path):
    trainer = _trainer(steps=30)
    path = tmp_path / "run.session.json"
    save_session(trainer, path)
    text = path.read_text(encoding="utf-8")
    compact = json.dumps(json.loads(text), separators=(",", ":"), allow_nan=False)
    assert len(text) == len(compact)


def test_a_missing_folder_is_named_in_a_session_message(tmp_path):
    path = tmp_path / "gone" / "run.session.json"
    with pytest.raises(SessionFileError) as info:
        save_session(_trainer(), path)
    assert str(info.value) == (
        f"cannot save the session to {path}: the folder {path.parent} does not exist; "
        "create it or choose another place"
    )
