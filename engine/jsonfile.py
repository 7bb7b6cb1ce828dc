"""Safe reading of the JSON files microgui is given: models, sessions, configs, settings.

Every failure becomes one clear line naming the path, raised as the
caller's own error type (``error``); ``kind`` names the file in it
("model", "session", "config"). What is refused, and why:

- **Not a regular file**: a folder, a device (``/dev/zero`` reports size 0
  and never ends), a FIFO (opening it waits for a writer forever), a socket.
  The path is checked with ``stat`` first and opened non-blocking, and the
  read is bounded by the bytes actually read, never by ``st_size``.
- **Too big**: over ``max_bytes``, refused from ``stat`` alone, unopened.
- **Symbolic link loops and missing files**, each with its own words.
- **Deep nesting**: Python's json module recurses, so ``[[[[...]]]]`` 100,000
  levels deep raises RecursionError (and a caller walking the result would
  too). Text nested deeper than :data:`MAX_JSON_DEPTH` is refused before
  parsing; no microgui file nests deeper than 10.
- **Integers too large for a float** (``1`` and 400 zeros): read as the float
  they round to (``inf`` beyond 1.8e308), so the caller's "not a finite
  number" check catches them instead of an OverflowError much later. Whole
  numbers up to 40 digits stay exact integers (numpy's random state holds
  128-bit ones).
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from engine.file_kinds import kind_of

__all__ = [
    "MAX_JSON_DEPTH",
    "json_depth",
    "parse_json",
    "read_bytes_limited",
    "read_json_file",
    "read_text_limited",
]

#: Deeper than any microgui file (about 6) by far, shallow enough for any call stack.
MAX_JSON_DEPTH = 100
#: Longer integers are read as floats; 2**128 has 39 digits.
_MAX_EXACT_DIGITS = 40
_CHUNK = 1 << 20

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET_BYTES = bytes(b for b in range(256) if b not in b"[]{}")


def read_bytes_limited(
    path: str | os.PathLike[str], max_bytes: int, kind: str, error: type[Exception]
) -> bytes:
    """The bytes of the regular file ``path``, at most ``max_bytes`` (else ``error``)."""
    path = Path(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise error(f"{kind} file not found: {path}") from None
    except OSError as exc:
        raise error(_cannot_read(path, exc, kind)) from None
    if stat.S_ISDIR(info.st_mode):
        raise error(f"{path} is a folder, not a {kind} file")
    if not stat.S_ISREG(info.st_mode):
        raise error(
            f"{path} is {kind_of(info.st_mode)}, not a {kind} file; give the path of a regular file"
        )
    if info.st_size > max_bytes:
        size, limit = _size_and_limit(info.st_size, max_bytes)
        raise error(
            f"{path} is {size}, over the {limit} limit for a {kind} file; "
            f"it was not read (is it really a microgui {kind}?)"
        )
    try:
        # Non-blocking: should a FIFO replace the file after the stat, open must not wait.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise error(_cannot_read(path, exc, kind)) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise error(f"{path} is not a regular file; give the path of a {kind} file")
        chunks, total = [], 0
        while total <= max_bytes:  # bounded by what is read: the file may grow
            chunk = os.read(fd, min(_CHUNK, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise error(_cannot_read(path, exc, kind)) from None
    finally:
        os.close(fd)
    if total > max_bytes:  # it grew after the stat; how much more is unknown, as it was not read
        raise error(f"{path} is over the {_limit_in_words(max_bytes)} limit for a {kind} file")
    return b"".join(chunks)


def _size_and_limit(size: int, limit: int) -> tuple[str, str]:
    """A file's size and the limit it is over, as "3 MB" and "2 MB", or "312 bytes" and "10-byte".

    MB for a limit of a megabyte or more, with the fewest decimals (up to 2)
    that show the two apart ("1 MB, over the 1 MB limit" would not say why);
    bytes for a smaller limit or sizes closer than that.
    """
    if limit >= 1e6:
        for decimals in range(3):
            shown_size, shown_limit = (f"{n / 1e6:,.{decimals}f}" for n in (size, limit))
            if shown_size != shown_limit:
                return f"{shown_size} MB", f"{shown_limit} MB"
    return f"{size:,} byte{'s' * (size != 1)}", f"{limit:,}-byte"


def _limit_in_words(limit: int) -> str:
    """The limit alone: "2 MB" for a megabyte or more, else "1,000-byte" (never "0 MB")."""
    return f"{limit / 1e6:,.0f} MB" if limit >= 1e6 else f"{limit:,}-byte"


def _cannot_read(path: Path, exc: OSError, kind: str) -> str:
    if exc.errno == errno.ELOOP:
        return f"cannot read {kind} file {path}: its symbolic links form a loop"
    if isinstance(exc, FileNotFoundError):
        return f"{kind} file not found: {path}"
    return f"cannot read {kind} file {path}: {exc.strerror or exc}"


def read_text_limited(
    path: str | os.PathLike[str], max_bytes: int, kind: str, error: type[Exception]
) -> str:
    """The UTF-8 text of ``path`` (see :func:`read_bytes_limited`); ``error`` if empty."""
    raw = read_bytes_limited(path, max_bytes, kind, error)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise error(f"{path} is not a text (UTF-8 JSON) {kind} file") from None
    if not text.strip():
        raise error(f"{path} is empty; it is not a {kind} file")
    return text


def json_depth(text: str) -> int:
    """How deeply arrays and objects nest in JSON ``text``, as ``json.loads`` builds it.

    The strings are stripped first: counting their brackets too would be three
    times faster but no bound (a ``]`` inside a string lowers the count and would
    let any depth through: ``'["]]]]...", [[[[...]]]]'``).
    """
    source = _STRING.sub("", text)
    # bytes.translate deletes in C at memory speed (a regex took 10 times longer); in
    # UTF-8 the four ASCII brackets never occur inside another character's bytes.
    brackets = source.encode("utf-8", "surrogatepass").translate(None, _NOT_BRACKET_BYTES)
    if not brackets:
        return 0
    codes = np.frombuffer(brackets, dtype=np.uint8)
    steps = np.where((codes == ord("[")) | (codes == ord("{")), 1, -1)
    return int(np.cumsum(steps).max())


def _whole_number(text: str) -> int | float:
    return int(text) if len(text.lstrip("-")) <= _MAX_EXACT_DIGITS else float(text)


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not a valid JSON number")


def parse_json(
    text: str,
    where: str | os.PathLike[str],
    error: Callable[[str], Exception],
    *,
    allow_nan: bool = False,
) -> Any:
    """``json.loads(text)`` with the guards of the module doc; ``error(line)`` on failure.

    ``where`` names the source in messages (a path, or "the settings file X").
    ``allow_nan``: accept NaN/Infinity tokens (the caller then checks numbers itself).
    """
    depth = json_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise error(
            f"{where} nests {depth:,} levels deep (at most {MAX_JSON_DEPTH} allowed); "
            "it is corrupt or not a microgui file"
        )
    hooks: dict[str, Any] = {"parse_int": _whole_number}
    if not allow_nan:
        hooks["parse_constant"] = _reject_constant
    try:
        return json.loads(text, **hooks)
    except json.JSONDecodeError as exc:
        raise error(
            f"{where} is not valid JSON (truncated or corrupt?): {exc.msg} at line "
            f"{exc.lineno}, column {exc.colno}"
        ) from None
    except RecursionError:  # only with a call stack already near Python's limit
        raise error(f"{where} nests too deeply to read; it is corrupt") from None
    except ValueError as exc:  # NaN / Infinity tokens
        raise error(f"{where} is not valid: {exc}") from None


def read_json_file(
    path: str | os.PathLike[str],
    max_bytes: int,
    kind: str,
    error: type[Exception],
    *,
    allow_nan: bool = False,
) -> Any:
    """Read and parse a JSON file with every guard of this module; ``error`` if unusable."""
    text = read_text_limited(path, max_bytes, kind, error)
    return parse_json(text, path, error, allow_nan=allow_nan)
