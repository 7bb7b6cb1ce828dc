"""engine.atomic_write: all or nothing, the umask's mode, regular files only, no leftovers."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from engine.atomic_write import (
    WriteError,
    atomic_path,
    check_writable_target,
    is_temporary_name,
    write_bytes,
    write_text,
)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if is_temporary_name(p.name))


def test_write_text_and_bytes_replace_the_file(tmp_path):
    target = tmp_path / "out.txt"
    write_text(target, "first\n")
    write_bytes(target, b"second")
    assert target.read_bytes() == b"second"
    write_text(target, "a\r\nb\n", newline="")
    assert target.read_bytes() == b"a\r\nb\n"
    assert leftovers(tmp_path) == []


def test_the_temporary_path_sits_beside_the_target_and_keeps_its_suffix(tmp_path):
    target = tmp_path / "plot.png"
    with atomic_path(target, "plot") as tmp:
        assert tmp.parent == tmp_path and tmp.suffix == ".png" and is_temporary_name(tmp.name)
        assert tmp.exists() and not target.exists()  # created empty, target untouched
        tmp.write_bytes(b"png")
    assert target.read_bytes() == b"png" and not tmp.exists()


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_new_files_get_the_umask_mode_even_when_an_exporter_writes_them(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        write_text(tmp_path / "a.txt", "x")
        with atomic_path(tmp_path / "b.svg") as tmp, open(tmp, "w") as handle:
            handle.write("<svg/>")  # an exporter reopening the file by name
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == mode
    assert stat.S_IMODE((tmp_path / "b.svg").stat().st_mode) == mode


def test_an_exception_in_the_block_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "model.json"
    target.write_text("old")
    with pytest.raises(RuntimeError, match="exporter broke"), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("exporter broke")
    assert target.read_text() == "old" and leftovers(tmp_path) == []


def test_an_os_error_becomes_one_line_naming_the_path(tmp_path, monkeypatch):
    target = tmp_path / "model.json"
    target.write_text("old")

    def full(_fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(WriteError) as caught:
        write_text(target, "new", "model")
    message = str(caught.value)
    assert "\n" not in message and str(target) in message and "No space left" in message
    assert message.startswith("cannot save the model to ") and isinstance(caught.value, OSError)
    assert target.read_text() == "old" and leftovers(tmp_path) == []


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _socket(path: Path) -> Path:
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))
    sock.close()
    return path


def _device(path: Path) -> Path:
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # what /dev/null is
    except PermissionError:
        pytest.skip("creating a device node needs CAP_MKNOD")
    return path


@pytest.mark.parametrize(
    ("make", "says"),
    [(_fifo, r"a FIFO \(named pipe\)"), (_socket, "a socket"), (_device, "a device")],
    ids=["fifo", "socket", "device"],
)
def test_a_special_file_is_refused_and_never_replaced(tmp_path, make, says):
    special = make(tmp_path / "special")
    before = os.lstat(special)
    link = tmp_path / "link.json"
    link.symlink_to(special)
    for target in (special, link):
        with pytest.raises(WriteError, match=f"is {says}, not a regular file"):
            write_text(target, "x", "model")
    after = os.lstat(special)
    assert stat.S_IFMT(after.st_mode) == stat.S_IFMT(before.st_mode)
    assert after.st_ino == before.st_ino and link.is_symlink()
    assert leftovers(tmp_path) == []


def test_a_special_file_that_appears_while_writing_is_not_replaced(tmp_path):
    target = tmp_path / "late.json"
    with pytest.raises(WriteError, match="a FIFO"), atomic_path(target) as tmp:
        tmp.write_text("x")
        os.mkfifo(target)
    assert stat.S_ISFIFO(os.lstat(target).st_mode) and leftovers(tmp_path) == []


def test_folders_and_missing_folders_are_refused_in_one_line(tmp_path):
    with pytest.raises(WriteError, match="is a folder; give a file name"):
        write_text(tmp_path, "x")
    with pytest.raises(WriteError, match=r"names a folder \(it ends with a slash\); give a file"):
        write_text(f"{tmp_path / 'nodir'}/", "x")
    assert not (tmp_path / "nodir").exists()
    with pytest.raises(WriteError, match=r"the folder .*nowhere does not exist"):
        check_writable_target(tmp_path / "nowhere" / "m.json", "model")
    with pytest.raises(WriteError, match="no file name"):
        write_text("", "x")


def test_a_symlink_loop_is_refused(tmp_path):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(WriteError, match="symbolic links form a loop"):
        write_text(tmp_path / "a", "x")


def test_a_symlink_to_a_file_replaces_the_file_and_keeps_the_link(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_text(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


_SIGNAL_DURING_WRITE = textwrap.dedent(
    """
    import os, signal, sys, time
    # Python turns SIGINT into KeyboardInterrupt only if it was not ignored at start,
    # and a test runner's workers may ignore it (mutmut's do): start as from a terminal.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    from engine.atomic_write import atomic_path
    target = sys.argv[1]
    with atomic_path(target, "session") as tmp:
        with open(tmp, "w") as handle:
            handle.write("new")
        os.kill(os.getpid(), getattr(signal, sys.argv[2]))
        time.sleep(0.2)  # the signal is held: the write finishes first
    print("written", flush=True)
    time.sleep(5)
    """
)


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_a_signal_during_the_write_is_held_until_the_file_is_in_place(tmp_path, name):
    target = tmp_path / "s.json"
    target.write_text("old")
    done = subprocess.run(
        [sys.executable, "-c", _SIGNAL_DURING_WRITE, str(target), name],
        capture_output=True,
        text=True,
        timeout=60,
    )
    # The process ended by the signal, after the file was replaced and before "written".
    assert done.returncode != 0 and "written" not in done.stdout, done
    if name != "SIGINT":
        assert done.returncode == -getattr(signal, name)
    assert target.read_text() == "new" and leftovers(tmp_path) == []
