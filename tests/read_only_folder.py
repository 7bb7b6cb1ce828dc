"""A read-only folder, emulated for the save tests of tests/faults and tests/microgui.

CI runs as root, and root writes into any folder whatever its mode, so the
refusal a read-only folder gives is injected instead: either creating the
temporary file fails, or renaming it over the target does.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

READ_ONLY_FAILURES = ("creating the temporary file", "renaming it over the target")


@contextlib.contextmanager
def read_only(folder: Path, fails: str) -> Iterator[None]:
    """Inside the block, `folder` refuses the step `fails` names with PermissionError."""
    real_open = os.open

    def no_new_files(file, flags, *args, **kwargs):
        if flags & os.O_CREAT and Path(file).parent == folder:
            raise PermissionError(13, "Permission denied", os.fspath(file))
        return real_open(file, flags, *args, **kwargs)

    def no_rename(src, dst, *args, **kwargs):
        raise PermissionError(13, "Permission denied", os.fspath(dst))

    if fails not in READ_ONLY_FAILURES:
        raise ValueError(f"fails must be one of {READ_ONLY_FAILURES}, not {fails!r}")
    with pytest.MonkeyPatch.context() as patch:
        if fails == READ_ONLY_FAILURES[0]:
            patch.setattr(os, "open", no_new_files)
        else:
            patch.setattr(os, "replace", no_rename)
        yield
