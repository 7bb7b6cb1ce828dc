"""WriteError's text, path and args, and the reason _cannot_save gives for each failure."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from engine.atomic_write import WriteError, atomic_path, write_bytes


def test_write_error_keeps_its_message_in_args_and_its_path_as_text(tmp_path):
    error = WriteError("cannot save the model", tmp_path / "m.json")
    assert str(error) == "cannot save the model"
    assert error.args == ("cannot save the model",)
    assert error.path == str(tmp_path / "m.json")
    assert WriteError("no path").path is None


def test_write_bytes_names_the_file_and_its_path_when_the_folder_is_missing(tmp_path):
    target = tmp_path / "missing" / "data.bin"
    with pytest.raises(WriteError) as caught:
        write_bytes(target, b"x")
    assert str(caught.value) == (
        f"cannot save the file to {target}: the folder {target.parent} does not exist; "
        "create it or choose another place"
    )
    assert caught.value.path == str(target)
    with pytest.raises(WriteError, match=r"^cannot save the model to "):
        write_bytes(target, b"x", what="model")


def failure_message(target: Path, exc: BaseException, what: str = "plot") -> str:
    """The message of the WriteError an exporter's OSError becomes inside atomic_path."""
    with pytest.raises(WriteError) as caught, atomic_path(target, what):
        raise exc
    assert caught.value.path == str(target)
    assert list(target.parent.iterdir()) == []  # the temporary file is gone
    return str(caught.value)


def test_an_os_error_gives_its_own_reason(tmp_path):
    target = tmp_path / "p.png"
    message = failure_message(target, OSError(errno.EIO, os.strerror(errno.EIO)))
    assert (
        message
        == f"cannot save the plot to {target}: {os.strerror(errno.EIO)}; choose another place"
    )


def test_an_os_error_without_a_number_gives_its_text(tmp_path):
    target = tmp_path / "p.png"
    message = failure_message(target, OSError("the exporter failed"))
    assert message == f"cannot save the plot to {target}: the exporter failed; choose another place"


def test_a_missing_file_in_an_existing_folder_is_not_blamed_on_the_folder(tmp_path):
    target = tmp_path / "p.png"
    exc = FileNotFoundError(errno.ENOENT, "No such file or directory")
    assert failure_message(target, exc) == (
        f"cannot save the plot to {target}: No such file or directory; choose another place"
    )


def test_a_folder_removed_during_the_write_is_named(tmp_path):
    folder = tmp_path / "usb"
    folder.mkdir()
    target = folder / "p.png"
    with pytest.raises(WriteError) as caught, atomic_path(target, "plot") as tmp:
        os.unlink(tmp)
        folder.rmdir()
        raise FileNotFoundError(errno.ENOENT, "No such file or directory")
    assert str(caught.value) == (
        f"cannot save the plot to {target}: the folder {folder} does not exist; "
        "choose another place"
    )


def test_a_temporary_file_already_gone_does_not_hide_the_error(tmp_path):
    target = tmp_path / "p.png"
    with pytest.raises(ValueError, match="exporter bug"), atomic_path(target) as tmp:
        os.unlink(tmp)
        raise ValueError("exporter bug")
    assert list(tmp_path.iterdir()) == []


def test_permission_denied_asks_whether_the_folder_is_read_only(tmp_path):
    target = tmp_path / "p.png"
    exc = PermissionError(errno.EACCES, "Permission denied")
    assert failure_message(target, exc) == (
        f"cannot save the plot to {target}: permission denied "
        f"(is the folder {tmp_path} read-only?); choose another place"
    )


def test_a_full_disk_says_so(tmp_path):
    target = tmp_path / "p.png"
    exc = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    assert failure_message(target, exc) == (
        f"cannot save the plot to {target}: No space left on device; choose another place"
    )


def test_a_symbolic_link_loop_is_named(tmp_path):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    first.symlink_to(second)
    second.symlink_to(first)
    with pytest.raises(WriteError) as caught:
        write_bytes(first, b"{}", what="model")
    assert str(caught.value) == (
        f"cannot save the model to {first}: its symbolic links form a loop; choose another place"
    )
