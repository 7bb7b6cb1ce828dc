"""Each refusal of a write target: the whole one-line message, and the path the caller gave on it.

A front end shows ``str(error)`` and may use ``error.path`` to point at the
field to correct, so every refusal carries the path exactly as given (the
empty one too), and "file" is the word when the caller names no kind.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from engine.atomic_write import WriteError, atomic_path, check_writable_target, write_text


def refused(path, *what: str) -> WriteError:
    with pytest.raises(WriteError) as caught:
        check_writable_target(path, *what)
    return caught.value


def test_no_file_name_carries_the_empty_path():
    error = refused("", "model")
    assert str(error) == "cannot save the model: no file name given"
    assert error.path == ""


def test_a_name_ending_with_a_slash_carries_it(tmp_path):
    raw = f"{tmp_path}/out/"
    error = refused(raw, "plot")
    assert str(error) == (
        f"cannot save the plot to {raw}: names a folder (it ends with a slash); give a file name"
    )
    assert error.path == raw


def test_a_folder_says_file_when_no_kind_is_named(tmp_path):
    error = refused(tmp_path)
    assert str(error) == f"cannot save the file to {tmp_path}: is a folder; give a file name"
    assert error.path == str(tmp_path)


def test_write_text_says_file_when_no_kind_is_named(tmp_path):
    with pytest.raises(WriteError) as caught:
        write_text(tmp_path, "x")
    assert str(caught.value) == (
        f"cannot save the file to {tmp_path}: is a folder; give a file name"
    )


def test_a_fifo_carries_its_path(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    error = refused(fifo, "session")
    assert str(error) == (
        f"cannot save the session to {fifo}: is a FIFO (named pipe), "
        "not a regular file; choose a regular file"
    )
    assert error.path == str(fifo)


def test_a_symbolic_link_loop_carries_its_path(tmp_path):
    loop = tmp_path / "loop.json"
    loop.symlink_to(loop)
    error = refused(str(loop), "model")
    assert str(error) == (
        f"cannot save the model to {loop}: its symbolic links form a loop; choose another place"
    )
    assert error.path == str(loop)


def test_a_link_into_a_missing_folder_names_that_folder(tmp_path):
    real_tmp = Path(os.path.realpath(tmp_path))
    link = tmp_path / "model.json"
    link.symlink_to(real_tmp / "gone" / "model.json")  # the folder it points into is gone
    error = refused(link, "model")
    assert str(error) == (
        f"cannot save the model to {link}: the folder {real_tmp / 'gone'} does not exist; "
        "create it or choose another place"
    )
    assert error.path == str(link)


def test_a_relative_path_names_its_missing_folder_as_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    error = refused(os.path.join("runs", "m.json"), "model")
    assert str(error) == (
        "cannot save the model to runs/m.json: the folder runs does not exist; "
        "create it or choose another place"
    )
    assert error.path == os.path.join("runs", "m.json")


def test_a_special_file_that_appears_while_writing_carries_the_path_given(tmp_path):
    target = tmp_path / "late.json"
    with pytest.raises(WriteError) as caught, atomic_path(str(target), "session") as tmp:
        tmp.write_text("x")
        os.mkfifo(target)
    assert str(caught.value) == (
        f"cannot save the session to {target}: is a FIFO (named pipe), "
        "not a regular file; choose a regular file"
    )
    assert caught.value.path == str(target)
    assert os.listdir(tmp_path) == ["late.json"]  # the temporary file is gone
