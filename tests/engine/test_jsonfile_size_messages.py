"""A file over the size limit is told how big it is and what the limit is, in numbers that differ.

Rounded to whole megabytes, a file one byte over a 1 MB limit read "is 1 MB,
over the 1 MB limit", and any limit under half a megabyte read "0 MB". The
sizes are shown in MB with as many decimals as it takes to tell them apart
(up to 2), and in bytes for smaller limits or closer sizes.
"""

from __future__ import annotations

import os

import pytest

from engine.jsonfile import read_bytes_limited


class Refused(Exception):
    """The caller's own error type."""


def refusal(path, max_bytes: int) -> str:
    with pytest.raises(Refused) as info:
        read_bytes_limited(path, max_bytes, "model", Refused)
    return str(info.value)


def sparse(path, size: int):
    with open(path, "wb") as handle:
        handle.truncate(size)  # refused from its size, never read
    return path


@pytest.mark.parametrize(
    ("size", "limit", "said"),
    [
        (2_500_001, 1_500_001, "3 MB, over the 2 MB"),
        (1_073_741_824, 209_715_200, "1,074 MB, over the 210 MB"),
        (209_800_000, 209_715_200, "209.8 MB, over the 209.7 MB"),
        (1_006_000, 1_000_000, "1.01 MB, over the 1.00 MB"),
        (1_004_000, 1_000_000, "1,004,000 bytes, over the 1,000,000-byte"),
        (1_000_001, 1_000_000, "1,000,001 bytes, over the 1,000,000-byte"),
        (1_000_000, 999_999, "1,000,000 bytes, over the 999,999-byte"),
        (2_000_000, 400_000, "2,000,000 bytes, over the 400,000-byte"),
        (312, 10, "312 bytes, over the 10-byte"),
        (1, 0, "1 byte, over the 0-byte"),
    ],
)
def test_the_size_and_the_limit_are_shown_apart(tmp_path, size, limit, said):
    path = sparse(tmp_path / "m.json", size)
    assert refusal(path, limit) == (
        f"{path} is {said} limit for a model file; it was not read (is it really a microgui model?)"
    )


@pytest.mark.parametrize(
    ("limit", "said"),
    [
        (2_000_000, "2 MB"),
        (1_500_000, "2 MB"),  # to the nearest MB
        (1_000_000, "1 MB"),
        (999_999, "999,999-byte"),
        (10, "10-byte"),
    ],
)
def test_a_file_that_grows_past_the_limit_after_the_check_is_refused(
    tmp_path, monkeypatch, limit, said
):
    path = tmp_path / "m.json"
    path.write_bytes(b" " * limit)  # exactly the limit when looked at
    real_stat = os.stat

    def stat_then_grow(target, *args, **kwargs):
        info = real_stat(target, *args, **kwargs)
        if os.fspath(target) == os.fspath(path):
            with open(path, "ab") as handle:  # another program appends meanwhile
                handle.write(b"  ")
        return info

    monkeypatch.setattr(os, "stat", stat_then_grow)
    assert refusal(path, limit) == f"{path} is over the {said} limit for a model file"
