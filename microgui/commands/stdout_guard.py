"""Keep a command's standard output its own while plugins run in the same process.

Plugins are imported and called in-process, so a plugin's ``print()`` would
land in ``microgui train --json``'s stream of JSON lines, and a plugin that
closes file descriptor 1 would make the command's own output fail. Inside
:func:`own_stdout` the command writes to a duplicate of descriptor 1, and
``sys.stdout`` points at stderr, where a plugin's chatter is harmless.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterator
from typing import TextIO

__all__ = ["own_stdout"]


@contextlib.contextmanager
def own_stdout() -> Iterator[TextIO]:
    """Yield the stream for the command's own output; ``sys.stdout`` is stderr meanwhile."""
    real = sys.stdout
    stream: TextIO = real
    duplicate = None
    with contextlib.suppress(AttributeError, OSError, ValueError, io.UnsupportedOperation):
        real.flush()
        duplicate = os.dup(real.fileno())  # survives a plugin's os.close(1)
        stream = open(  # noqa: SIM115 - closed below
            duplicate,
            "w",
            encoding=getattr(real, "encoding", None) or "utf-8",
            errors="backslashreplace",
            buffering=1,
        )
    sys.stdout = sys.stderr
    try:
        yield stream
    finally:
        sys.stdout = real
        if stream is not real:
            with contextlib.suppress(OSError, ValueError):  # a reader that went away
                stream.close()  # closes the duplicate too, even when the flush fails
