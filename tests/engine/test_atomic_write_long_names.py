"""Any name the file system takes can be written, even when its temporary name would not fit.

The temporary file's name adds a dot, 8 random hex digits, ``.tmp`` and the
suffix to the target's; for a target name near the file system's limit of
255 bytes that went over it, and saving failed with "File name too long" for
a name ``open()`` accepts.
"""

from __future__ import annotations

import os

import pytest

from engine.atomic_write import atomic_path, is_temporary_name, write_text

NAME_MAX = 255  # bytes, on ext4, XFS, btrfs and tmpfs alike


@pytest.mark.parametrize(
    "name",
    ["a" * (NAME_MAX - 5) + ".json", "é" * ((NAME_MAX - 4) // 2) + ".csv"],
    ids=["ascii", "two-byte characters"],
)
def test_a_name_of_the_longest_length_is_written(tmp_path, name):
    target = tmp_path / name
    with open(target, "w") as handle:  # the system takes the name
        handle.write("old")
    with atomic_path(target, "table") as tmp:
        assert len(os.fsencode(tmp.name)) <= NAME_MAX and is_temporary_name(tmp.name)
        assert tmp.suffix == target.suffix and tmp.parent == tmp_path
        tmp.write_text("new")
    assert target.read_text() == "new"
    assert os.listdir(tmp_path) == [name]


def test_a_long_name_keeps_as_much_of_itself_as_fits(tmp_path):
    target = tmp_path / ("b" * 240 + ".json")
    write_text(target, "x")  # no error
    with atomic_path(target) as tmp:
        # ".", the name cut short, "." 8 hex digits ".tmp" ".json": 255 bytes exactly
        assert tmp.name.startswith("." + "b" * (NAME_MAX - 1 - 1 - 8 - 4 - 5))
        assert len(tmp.name) == NAME_MAX
