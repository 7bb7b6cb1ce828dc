"""Save a training session to JSON and continue it later exactly where it stopped.

A session file is one JSON object::

    {
      "format": "microgui-session",
      "format_version": 1,
      "config": {...TrainConfig.to_dict()...},
      "data": {"task": "binary", "n_samples": 100, "n_features": 2, "n_classes": 2,
               "fingerprint": "..."},
      "trainer": {...Trainer.state_dict(): step count, weights by name, optimizer
                  state, minibatch RNG state, history...},
      "extra": {...}  (free JSON for the caller, e.g. the GUI's view settings)
    }

The data itself is not stored: it is regenerated from the config (dataset
id, parameters, seed) and checked against the fingerprint, so a session
cannot silently continue on different data. Loading a session into a
Trainer built on the same data and stepping gives bit-identical results to
never having stopped.

Every problem with a file raises :class:`SessionFileError` with one line
saying what is wrong and with which file. Files larger than ``max_bytes``
are refused from their size alone, without being read. Saving writes a
temporary file next to the target and renames it over the target, so a
failed save leaves the previous file intact.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from engine.atomic_write import WriteError, write_text
from engine.config import ConfigError, TrainConfig
from engine.jsonfile import read_json_file
from engine.train import Trainer

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "MAX_SESSION_BYTES",
    "Session",
    "SessionFileError",
    "load_session",
    "read_session",
    "save_session",
    "session_to_dict",
    "trainer_from_session",
]

FORMAT_NAME = "microgui-session"
FORMAT_VERSION = 1
#: About a million steps of history; a real session is a few MB at most.
MAX_SESSION_BYTES = 200 * 1024 * 1024


class SessionFileError(ValueError):
    """A session file that cannot be written, read or continued; the message says why."""


@dataclass
class Session:
    """A session file's contents, checked, before the data is attached."""

    config: TrainConfig
    task: str
    n_classes: int | None
    fingerprint: str
    trainer_state: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None

    @property
    def steps_done(self) -> int:
        """Completed steps recorded in the file."""
        return int(self.trainer_state.get("steps_done", 0))


def session_to_dict(trainer: Trainer, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The session of ``trainer`` as JSON-ready data."""
    with trainer.lock:  # config, data description and state from one moment
        return {
            "format": FORMAT_NAME,
            "format_version": FORMAT_VERSION,
            "config": trainer.config.to_dict(),
            "data": {
                "task": trainer.task,
                "n_samples": len(trainer.y),
                "n_features": int(trainer.X.shape[1]),
                "n_classes": trainer.n_classes or None,
                "fingerprint": trainer.data_fingerprint,
            },
            "trainer": trainer.state_dict(),
            "extra": dict(extra or {}),
        }


def save_session(
    trainer: Trainer, path: str | os.PathLike[str], extra: dict[str, Any] | None = None
) -> None:
    """Write the session atomically; SessionFileError if it cannot be written."""
    path = Path(path)
    try:
        text = json.dumps(session_to_dict(trainer, extra), allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise SessionFileError(f"cannot save the session to {path}: {exc}") from None
    try:
        write_text(path, text, "session")
    except WriteError as exc:
        raise SessionFileError(str(exc)) from None


def read_session(path: str | os.PathLike[str], *, max_bytes: int = MAX_SESSION_BYTES) -> Session:
    """Read and check a session file (without the data); SessionFileError if unusable."""
    path = Path(path)
    d = read_json_file(path, max_bytes, "session", SessionFileError)
    try:
        return _session_from_dict(d, path)
    except SessionFileError as exc:
        raise SessionFileError(f"{path}: {exc}") from None


def _session_from_dict(d: Any, path: Path | None) -> Session:
    if not isinstance(d, dict) or d.get("format") != FORMAT_NAME:
        raise SessionFileError(f'not a microgui session file (no "format": "{FORMAT_NAME}")')
    version = d.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise SessionFileError(f"format_version {version!r} is not a whole number")
    if version > FORMAT_VERSION:
        raise SessionFileError(
            f"written by a newer microgui (session format {version}; this one reads up to "
            f"{FORMAT_VERSION}); upgrade microgui"
        )
    if version < 1:
        raise SessionFileError(f"format_version {version} does not exist")
    for key, kind in (("config", dict), ("data", dict), ("trainer", dict)):
        if not isinstance(d.get(key), kind):
            raise SessionFileError(f"{key!r} is missing or not an object")
    try:
        config = TrainConfig.from_dict(d["config"])
    except ConfigError as exc:
        raise SessionFileError(f"its config is invalid: {exc}") from None
    except TypeError as exc:
        raise SessionFileError(f"its config is malformed: {exc}") from None
    data = d["data"]
    task = data.get("task")
    fingerprint = data.get("fingerprint")
    if task not in ("binary", "multiclass", "regression") or not isinstance(fingerprint, str):
        raise SessionFileError("'data' must name the task and the data's fingerprint")
    n_classes = data.get("n_classes")
    if n_classes is not None and (isinstance(n_classes, bool) or not isinstance(n_classes, int)):
        raise SessionFileError(f"n_classes {n_classes!r} is not a whole number")
    extra = d.get("extra") or {}
    if not isinstance(extra, dict):
        raise SessionFileError("'extra' must be an object")
    return Session(config, task, n_classes, fingerprint, d["trainer"], extra, path)


def trainer_from_session(session: Session, X: np.ndarray, y: np.ndarray) -> Trainer:
    """A Trainer on (X, y) in exactly the state the session recorded.

    SessionFileError if the data differs from the data the session was
    trained on, or if the recorded state does not fit the network.
    """
    where = f"{session.path}: " if session.path else ""
    try:
        trainer = Trainer(session.config, X, y, session.task, session.n_classes)
    except ConfigError:
        raise
    except ValueError as exc:
        raise SessionFileError(f"{where}the data does not fit this session: {exc}") from None
    if trainer.data_fingerprint != session.fingerprint:
        raise SessionFileError(
            f"{where}this session was trained on different data (dataset "
            f"{session.config.dataset!r}, {len(trainer.y)} samples now); regenerate the "
            "dataset with the session's parameters and seed, or start a new session"
        )
    try:
        trainer.load_state_dict(session.trainer_state)
    except (ValueError, TypeError, KeyError, OverflowError) as exc:
        raise SessionFileError(f"{where}cannot restore the training state: {exc}") from None
    return trainer


def load_session(
    path: str | os.PathLike[str],
    X: np.ndarray,
    y: np.ndarray,
    *,
    max_bytes: int = MAX_SESSION_BYTES,
) -> Trainer:
    """``trainer_from_session(read_session(path), X, y)``."""
    return trainer_from_session(read_session(path, max_bytes=max_bytes), X, y)
