"""engine.file_kinds.kind_of: the words for each kind of file, read from real files' modes."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from engine.atomic_write import WriteError, atomic_path
from engine.file_kinds import kind_of


def test_a_folder(tmp_path):
    assert kind_of(os.stat(tmp_path).st_mode) == "a folder"


def test_a_regular_file(tmp_path):
    path = tmp_path / "model.json"
    path.write_text("{}")
    assert kind_of(os.stat(path).st_mode) == "a regular file"


def test_a_link_itself_is_not_a_regular_file(tmp_path):
    # lstat: the link, not its target (neither a folder, a device, a FIFO nor a socket)
    target = tmp_path / "model.json"
    target.write_text("{}")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert kind_of(os.lstat(link).st_mode) == "not a regular file"


def test_a_device():
    if not Path(os.devnull).is_char_device():
        pytest.skip(f"{os.devnull} is not a character device here")
    assert kind_of(os.stat(os.devnull).st_mode) == "a device"


def test_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert kind_of(os.stat(fifo).st_mode) == "a FIFO (named pipe)"


def test_a_socket(tmp_path):
    path = tmp_path / "sock"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
    assert kind_of(os.stat(path).st_mode) == "a socket"


def test_a_folder_that_appears_while_saving_is_named_in_the_message(tmp_path):
    target = tmp_path / "model.json"
    with pytest.raises(WriteError) as caught, atomic_path(target, "model") as tmp:
        tmp.write_text("{}")
        target.mkdir()  # another program makes a folder there before the rename
    assert str(caught.value) == (
        f"cannot save the model to {target}: is a folder, not a regular file; choose a regular file"
    )
    assert target.is_dir()
