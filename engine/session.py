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
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from engine.config import ConfigError, TrainConfig
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
    if path.is_dir():
        raise SessionFileError(f"cannot save the session to {path}: it is a folder")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        # os.open with 0o666 lets the umask decide the mode, as for any new file
        # (tempfile.mkstemp would make it private, 0o600).
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise SessionFileError(_cannot_save(path, exc)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise SessionFileError(_cannot_save(path, exc)) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _cannot_save(path: Path, exc: OSError) -> str:
    """One line naming the path and the reason; "No such file" alone would not say which."""
    reason = exc.strerror or str(exc)
    if isinstance(exc, FileNotFoundError) and not path.parent.is_dir():
        reason = f"the folder {path.parent} does not exist"
    elif isinstance(exc, PermissionError):
        reason = f"permission denied (is the folder {path.parent} read-only?)"
    return f"cannot save the session to {path}: {reason}; choose another place"


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not a valid JSON number")


def _read_text(path: Path, max_bytes: int) -> str:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise SessionFileError(f"session file not found: {path}") from None
    except OSError as exc:
        raise SessionFileError(f"cannot read session file {path}: {exc.strerror}") from None
    if path.is_dir():
        raise SessionFileError(f"{path} is a folder, not a session file")
    if size > max_bytes:
        raise SessionFileError(
            f"{path} is {size / 1e6:,.0f} MB, over the {max_bytes / 1e6:,.0f} MB limit for a "
            "session file; it was not read (is it really a microgui session?)"
        )
    try:
        with path.open("rb") as f:
            raw = f.read(max_bytes + 1)  # the file may have grown since stat()
    except OSError as exc:
        raise SessionFileError(f"cannot read session file {path}: {exc.strerror}") from None
    if len(raw) > max_bytes:
        raise SessionFileError(f"{path} is over the {max_bytes / 1e6:,.0f} MB limit")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SessionFileError(f"{path} is not a text (UTF-8 JSON) session file") from None
    if not text.strip():
        raise SessionFileError(f"{path} is empty; it is not a session file")
    return text


def read_session(path: str | os.PathLike[str], *, max_bytes: int = MAX_SESSION_BYTES) -> Session:
    """Read and check a session file (without the data); SessionFileError if unusable."""
    path = Path(path)
    text = _read_text(path, max_bytes)
    try:
        d = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise SessionFileError(
            f"{path} is not valid JSON (truncated or corrupt?): {exc.msg} at line "
            f"{exc.lineno}, column {exc.colno}"
        ) from None
    except ValueError as exc:  # NaN / Infinity tokens
        raise SessionFileError(f"{path} is not a valid session: {exc}") from None
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
    except (ValueError, TypeError, KeyError) as exc:
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
