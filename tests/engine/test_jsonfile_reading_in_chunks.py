"""read_bytes_limited reads in 1 MiB chunks: the bytes come back whole, the read stops one byte
past the limit however much the file grew, and a failing read names the file and the reason."""

from __future__ import annotations

import errno
import os

import pytest

from engine.jsonfile import read_bytes_limited

MIB = 1 << 20  # the chunk size


class Refused(Exception):
    """The caller's own error type."""


def test_a_file_of_several_chunks_comes_back_byte_for_byte(tmp_path):
    data = bytes(range(256)) * (2 * MIB // 256) + b"end"  # two chunks and three bytes
    path = tmp_path / "big.session.json"
    path.write_bytes(data)
    assert read_bytes_limited(path, len(data), "session", Refused) == data


def test_a_file_that_grew_is_read_only_to_one_byte_past_the_limit(tmp_path, monkeypatch):
    limit = MIB + 10
    path = tmp_path / "m.json"
    path.write_bytes(b" " * limit)  # exactly the limit when looked at
    real_stat, real_read = os.stat, os.read
    read: list[int] = []

    def stat_then_grow(target, *args, **kwargs):
        info = real_stat(target, *args, **kwargs)
        if os.fspath(target) == os.fspath(path):
            with open(path, "ab") as handle:  # a log that keeps growing: 2 MiB more
                handle.write(b" " * (2 * MIB))
        return info

    def counting_read(fd, size):
        chunk = real_read(fd, size)
        read.append(len(chunk))
        return chunk

    monkeypatch.setattr(os, "stat", stat_then_grow)
    monkeypatch.setattr(os, "read", counting_read)
    with pytest.raises(Refused) as info:
        read_bytes_limited(path, limit, "model", Refused)
    assert str(info.value) == f"{path} is over the 1 MB limit for a model file"
    assert sum(read) == limit + 1  # enough to know it is over, no more


def test_a_file_that_grows_while_it_is_read_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "m.json"
    path.write_bytes(b" " * 100)  # exactly the limit when looked at and when first read
    real_read = os.read

    def read_then_grow(fd, size):
        chunk = real_read(fd, size)
        with open(path, "ab") as handle:  # another program appends between two reads
            handle.write(b"  ")
        return chunk

    monkeypatch.setattr(os, "read", read_then_grow)
    with pytest.raises(Refused) as info:
        read_bytes_limited(path, 100, "model", Refused)
    assert str(info.value) == f"{path} is over the 100-byte limit for a model file"


def test_a_read_that_fails_names_the_file_and_the_system_reason(tmp_path, monkeypatch):
    path = tmp_path / "run.session.json"
    path.write_text("{}")

    def failing_read(fd, size):  # a disk error, or a network share that went away
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, "read", failing_read)
    with pytest.raises(Refused) as info:
        read_bytes_limited(path, 1000, "session", Refused)
    assert str(info.value) == f"cannot read session file {path}: {os.strerror(errno.EIO)}"
