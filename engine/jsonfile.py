"""Safe reading and writing of the engine's JSON files (models and sessions).

Writing is atomic: the text goes to a temporary file beside the target,
then ``os.replace`` swaps it in, so a failed save leaves the previous file
as it was. Reading refuses a file over a size limit from its size alone,
without reading it, and every failure becomes one clear message naming the
path, raised as the caller's own error type.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def write_text_atomic(path: Path, text: str, kind: str, error: type[Exception]) -> None:
    """Write ``text`` to ``path`` atomically; ``error`` naming the path if it cannot.

    ``kind`` names the file in messages ("model", "session").
    """
    if path.is_dir():
        raise error(f"cannot save the {kind} to {path}: it is a folder; give a file name")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        # os.open with 0o666 lets the umask decide the mode, as for any new file
        # (tempfile.mkstemp would make the file private, 0o600).
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise error(_cannot_save(path, exc, kind)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise error(_cannot_save(path, exc, kind)) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _cannot_save(path: Path, exc: OSError, kind: str) -> str:
    """One line naming the path and the reason; "No such file" alone would not say which."""
    reason = exc.strerror or str(exc)
    if isinstance(exc, FileNotFoundError) and not path.parent.is_dir():
        reason = f"the folder {path.parent} does not exist"
    elif isinstance(exc, PermissionError):
        reason = f"permission denied (is the folder {path.parent} read-only?)"
    return f"cannot save the {kind} to {path}: {reason}; choose another place"


def read_text_limited(path: Path, max_bytes: int, kind: str, error: type[Exception]) -> str:
    """The file's UTF-8 text; refused from its size alone (never read) when over ``max_bytes``."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise error(f"{kind} file not found: {path}") from None
    except OSError as exc:
        raise error(f"cannot read {kind} file {path}: {exc.strerror or exc}") from None
    if path.is_dir():
        raise error(f"{path} is a folder, not a {kind} file")
    if size > max_bytes:
        raise error(
            f"{path} is {size / 1e6:,.0f} MB, over the {max_bytes / 1e6:,.0f} MB limit for a "
            f"{kind} file; it was not read (is it really a microgui {kind}?)"
        )
    try:
        with path.open("rb") as f:
            raw = f.read(max_bytes + 1)  # the file may have grown since stat()
    except OSError as exc:
        raise error(f"cannot read {kind} file {path}: {exc.strerror or exc}") from None
    if len(raw) > max_bytes:
        raise error(f"{path} is over the {max_bytes / 1e6:,.0f} MB limit")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise error(f"{path} is not a text (UTF-8 JSON) {kind} file") from None
    if not text.strip():
        raise error(f"{path} is empty; it is not a {kind} file")
    return text
