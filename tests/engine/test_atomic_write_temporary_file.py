"""The temporary file: its name and place, overlapping writes, and the folder made durable.

The module promises ``.NAME.RANDOM.tmp.SUFFIX`` beside the target, RANDOM
being 8 hex digits (32 random bits), the suffix kept when it can be a
format's (exporters pick the format from it, up to 16 characters with the
dot), and after the rename, the folder itself fsynced so the rename survives
a power cut. The fsync is observed at the OS boundary (os.open / os.fsync).
"""

from __future__ import annotations

import os
import re

import pytest

from engine.atomic_write import atomic_path, write_bytes, write_text


@pytest.mark.parametrize(
    ("name", "suffix"),
    [
        ("plot.png", ".png"),
        ("x.abcdefghijklmno", ".abcdefghijklmno"),  # 16 characters with the dot: a suffix
        ("x.abcdefghijklmnop", ""),  # 17: a name with a dot in it, not a format
        ("notes", ""),
    ],
)
def test_the_temporary_name_is_dot_name_random_tmp_suffix(tmp_path, name, suffix):
    with atomic_path(tmp_path / name) as tmp:
        assert tmp.parent == tmp_path
        assert re.fullmatch(
            rf"\.{re.escape(name)}\.[0-9a-f]{{8}}\.tmp{re.escape(suffix)}", tmp.name
        )
        tmp.write_text("x")
    assert os.listdir(tmp_path) == [name]


def test_two_writes_of_one_file_at_once_each_get_their_own_temporary_file(tmp_path):
    target = tmp_path / "model.json"
    with atomic_path(target) as first, atomic_path(target) as second:
        assert first != second
        first.write_text("first")
        second.write_text("second")
    assert target.read_text() == "first"  # the outer block finished last
    assert os.listdir(tmp_path) == ["model.json"]


@pytest.fixture
def opened_and_synced(monkeypatch):
    """Record what os.open opens (path, flags) and which of those os.fsync flushes."""
    opened: dict[int, tuple[str, int]] = {}
    synced: list[tuple[str, int]] = []
    real_open, real_fsync = os.open, os.fsync

    def recording_open(path, flags, *args, **kwargs):
        fd = real_open(path, flags, *args, **kwargs)
        opened[fd] = (os.fspath(path), flags)
        return fd

    def recording_fsync(fd):
        synced.append(opened.get(fd, ("?", 0)))
        return real_fsync(fd)

    monkeypatch.setattr(os, "open", recording_open)
    monkeypatch.setattr(os, "fsync", recording_fsync)
    return synced


def test_the_file_and_then_its_folder_are_fsynced(tmp_path, opened_and_synced):
    target = tmp_path / "session.json"
    write_text(target, "{}")
    (tmp_name, _), (folder, flags) = opened_and_synced
    assert os.path.dirname(tmp_name) == str(tmp_path) and tmp_name != str(target)
    assert folder == str(tmp_path)
    # O_DIRECTORY: what is flushed is the folder itself, not something swapped in for it
    assert flags & os.O_DIRECTORY and flags & os.O_ACCMODE == os.O_RDONLY


def test_a_folder_that_cannot_be_fsynced_does_not_fail_the_write(tmp_path, monkeypatch):
    # Some file systems (and Windows) refuse to open or flush a folder: the data is in place.
    real_open = os.open

    def no_folders(path, flags, *args, **kwargs):
        if flags & os.O_DIRECTORY:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", no_folders)
    target = tmp_path / "m.json"
    write_bytes(target, b"{}")
    assert target.read_bytes() == b"{}" and os.listdir(tmp_path) == ["m.json"]
