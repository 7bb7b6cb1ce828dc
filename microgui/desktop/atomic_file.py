"""Write a file atomically through a writer that insists on a file name (plot exporters).

``atomic_path(path)`` yields a temporary name beside ``path`` with the same
suffix (pyqtgraph's ImageExporter picks the format from it); when the block
ends without an error the temporary file is renamed over ``path`` with
``os.replace``, otherwise it is removed. A failed export therefore never
leaves half a file, nor replaces a good one. It is engine.jsonfile's
write_text_atomic pattern for writers that cannot hand over their text.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["atomic_path"]


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path to write; renamed over `path` on success, removed on failure.

    OSError (IsADirectoryError for a folder, FileNotFoundError for a missing
    folder, PermissionError, ...) when the file cannot be written.
    """
    target = Path(path)
    if target.is_dir():
        raise IsADirectoryError(21, "is a folder; give a file name", str(target))
    if not target.parent.is_dir():
        raise FileNotFoundError(2, f"the folder {target.parent} does not exist", str(target))
    tmp = target.with_name(f".{target.stem}.{os.getpid()}.{secrets.token_hex(4)}{target.suffix}")
    try:
        yield tmp
        if not tmp.is_file():
            raise OSError(5, "nothing was written", str(target))
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
