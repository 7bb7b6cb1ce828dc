"""What engine.jsonfile refuses before or while opening a file, each in one whole line.

A FIFO or a device is refused from ``stat`` (opening a FIFO would wait for a
writer forever), a file over the size limit is refused from its size alone,
and a failure to open names the file and the system's reason. Should a FIFO
replace the file between the ``stat`` and the ``open`` (a race no test can
time), the open does not wait: it is non-blocking, and the opened file is
checked again.
"""

from __future__ import annotations

import errno
import os
import resource
import stat
import threading

import pytest

from engine.jsonfile import read_bytes_limited


class Refused(Exception):
    """The caller's own error type, as read_bytes_limited raises it."""


def _refusal(path, max_bytes: int = 1_000_000) -> str:
    with pytest.raises(Refused) as info:
        read_bytes_limited(path, max_bytes, "session", Refused)
    return str(info.value)


def test_a_fifo_is_refused_without_opening_it(tmp_path):
    fifo = tmp_path / "run.session.json"
    os.mkfifo(fifo)
    assert _refusal(fifo) == (
        f"{fifo} is a FIFO (named pipe), not a session file; give the path of a regular file"
    )


def test_a_device_is_refused_without_reading_it():
    assert _refusal(os.devnull) == (
        f"{os.devnull} is a device, not a session file; give the path of a regular file"
    )


def test_a_file_of_exactly_the_limit_is_read_and_one_byte_more_is_not(tmp_path):
    path = tmp_path / "run.session.json"
    path.write_bytes(b"{}" * 50)
    assert read_bytes_limited(path, 100, "session", Refused) == b"{}" * 50
    assert "limit for a session file; it was not read" in _refusal(path, 99)


def test_the_sizes_are_in_megabytes_rounded_to_the_nearest(tmp_path):
    path = tmp_path / "run.session.json"
    with open(path, "wb") as f:
        f.truncate(2_500_001)  # sparse: refused from its size, never read
    assert _refusal(path, 1_500_001) == (
        f"{path} is 3 MB, over the 2 MB limit for a session file; "
        "it was not read (is it really a microgui session?)"
    )


def test_a_file_that_cannot_be_opened_names_the_system_reason(tmp_path):
    path = tmp_path / "run.session.json"
    path.write_text("{}")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    lowest_free = os.open(os.devnull, os.O_RDONLY)  # the next descriptor open() would get
    os.close(lowest_free)
    resource.setrlimit(resource.RLIMIT_NOFILE, (lowest_free, hard))  # stat works, open fails
    try:
        message = _refusal(path)
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert message == f"cannot read session file {path}: {os.strerror(errno.EMFILE)}"


def test_a_fifo_swapped_in_after_the_stat_is_refused_without_waiting(tmp_path, monkeypatch):
    fifo, regular = tmp_path / "run.session.json", tmp_path / "other.json"
    os.mkfifo(fifo)
    regular.write_text("{}")
    real_stat = os.stat

    def stat_before_the_swap(path, *args, **kwargs):
        # The file was regular when looked at; by the open, a FIFO is in its place.
        return real_stat(regular if os.fspath(path) == os.fspath(fifo) else path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat_before_the_swap)
    outcome: list[str] = []

    def read() -> None:
        try:
            read_bytes_limited(fifo, 1000, "session", Refused)
            outcome.append("read")
        except Refused as exc:
            outcome.append(str(exc))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=5)
    waited = reader.is_alive()
    if waited:  # a blocking open waits for a writer: be one, so the thread ends
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(timeout=5)
    assert not waited, "open() waited for a writer on the FIFO"
    assert stat.S_ISFIFO(real_stat(fifo).st_mode)
    assert outcome == [f"{fifo} is not a regular file; give the path of a session file"]
