"""What kind of file a path is, in words, for the messages that refuse it.

The readers (engine.jsonfile, the window's settings) and the writer
(engine.atomic_write) all refuse what is not a regular file: a folder, a
device such as /dev/zero, a FIFO (opening it waits for a writer forever), a
socket. They say which, the same way.
"""

from __future__ import annotations

import stat

__all__ = ["kind_of"]


def kind_of(mode: int) -> str:
    """``"a folder"``, ``"a device"``, ``"a FIFO (named pipe)"``, ``"a socket"`` for ``st_mode``."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a regular file" if stat.S_ISREG(mode) else "not a regular file"
