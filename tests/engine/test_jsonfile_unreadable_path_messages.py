"""A path the system cannot even look at gets one line: which file, and the system's reason.

engine.jsonfile reads models, sessions and configs. Before opening, it asks
the system about the path; when that fails for a reason other than "not
found", the message must still name the path and the reason in words (a
symbolic link loop in microgui's own words, anything else as the system says
it), never a Python exception's repr.
"""

from __future__ import annotations

import errno
import os

import pytest

from engine.jsonfile import read_json_file


class Refused(Exception):
    """The caller's own error type, as read_json_file raises it."""


def _refusal(path) -> str:
    with pytest.raises(Refused) as info:
        read_json_file(path, 1_000_000, "session", Refused)
    return str(info.value)


def test_a_symbolic_link_loop_is_named_as_one(tmp_path):
    loop = tmp_path / "loop.json"
    os.symlink(loop, loop)
    assert _refusal(loop) == f"cannot read session file {loop}: its symbolic links form a loop"


def test_a_file_used_as_a_folder_gets_the_system_reason_in_words(tmp_path):
    (tmp_path / "run.json").write_text("{}")
    path = tmp_path / "run.json" / "inner.json"  # the system says ENOTDIR, not "not found"
    assert _refusal(path) == f"cannot read session file {path}: {os.strerror(errno.ENOTDIR)}"
