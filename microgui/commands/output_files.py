"""The files of one ``microgui train`` run, settled before anything runs.

Checked before plugins load and before training, so a bad path costs
nothing and nothing a plugin does can move it:

- every path is made absolute first: a plugin that calls ``os.chdir`` while
  importing must not send ``--save m.json`` to another folder;
- every output can be written (a file name, not a folder, a device or a FIFO;
  its folder exists), in the words of ``engine.atomic_write``;
- no two outputs share a file, and no output overwrites an input
  (``--resume s.json --save s.json`` would replace the session with the
  model), except ``--session`` on the ``--resume`` file, which keeps that
  session up to date as documented;
- the ``--session`` file is locked for the run, so a second run writing the
  same session is refused at once instead of the last one silently winning.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from engine.atomic_write import WriteError, check_writable_target
from microgui.commands.run_errors import UserError

try:  # POSIX; elsewhere runs are not locked
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["RunFiles", "plan_run_files", "session_lock"]

#: option -> (args attribute, what the file is, written?)
_FILES = {
    "--resume": ("resume", "session", False),
    "--config": ("config", "config", False),
    "--save": ("save", "model", True),
    "--session": ("session", "session", True),
    "--plot": ("plot", "plot", True),
}


@dataclass(frozen=True)
class RunFiles:
    """Absolute paths of the run's files, by option, and the text the user gave."""

    paths: dict[str, Path] = field(default_factory=dict)
    given: dict[str, str] = field(default_factory=dict)

    def path(self, option: str) -> Path | None:
        """The absolute path for ``option`` ("--save" ...), or None if not given."""
        return self.paths.get(option)


def _same_file(a: Path, b: Path) -> bool:
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    with contextlib.suppress(OSError):
        return os.path.samefile(a, b)  # hard links
    return False


def plan_run_files(args: argparse.Namespace) -> RunFiles:
    """Resolve and check every file option of ``args``; UserError naming the option if bad."""
    paths: dict[str, Path] = {}
    given: dict[str, str] = {}
    for option, (attribute, what, written) in _FILES.items():
        text = getattr(args, attribute, None)
        if not text:
            continue
        given[option] = text
        if written:
            try:
                check_writable_target(text, what)
            except WriteError as exc:
                raise UserError(f"{option} {text}: {_reason(str(exc), what, text)}") from None
        # abspath keeps a trailing separator's meaning already checked; links resolve on write.
        paths[option] = Path(os.path.abspath(os.path.expanduser(text)))
    options = list(paths)
    for i, first in enumerate(options):
        for second in options[i + 1 :]:
            if not (_FILES[first][2] or _FILES[second][2]):
                continue  # two inputs may well be one file
            if {first, second} == {"--resume", "--session"}:
                continue  # keeps the resumed session up to date, as documented
            if _same_file(paths[first], paths[second]):
                raise UserError(
                    f"{first} and {second} name the same file {given[second]}: the "
                    f"{_FILES[second][1]} would overwrite the {_FILES[first][1]}; "
                    "give each its own file"
                )
    return RunFiles(paths, given)


def _reason(message: str, what: str, text: str) -> str:
    """engine.atomic_write's line without its "cannot save the model to PATH: " head."""
    head = f"cannot save the {what} to {text}: "
    if message.startswith(head):
        return message[len(head) :]
    head = f"cannot save the {what}: "
    return message[len(head) :] if message.startswith(head) else message


@contextlib.contextmanager
def session_lock(path: Path | None, shown: str = "", option: str = "--session") -> Iterator[None]:
    """Hold ``path``'s lock for the block; UserError if another run holds it.

    The lock is a hidden file beside the session (``.NAME.lock``, holding the
    owner's process id), locked with ``flock``: the lock ends with the process,
    even a killed one, so a stale file never blocks a later run.
    """
    if path is None or fcntl is None:
        yield
        return
    lock_path = path.with_name(f".{path.name}.lock")
    fd = _acquire(lock_path, f"{option} {shown or path}")
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock_path)  # while still held: nobody else can hold this inode
        os.close(fd)


def _acquire(lock_path: Path, where: str) -> int:
    while True:
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as exc:
            raise UserError(
                f"{where}: cannot create its lock file {lock_path.name} "
                f"({exc.strerror or exc}); is the folder writable?"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            owner = _read_owner(fd)
            os.close(fd)
            raise UserError(
                f"{where}: another microgui run{owner} is writing this session; "
                "wait for it to finish or give another --session file"
            ) from None
        # The previous owner may have unlinked the file between our open and our lock.
        try:
            same = os.fstat(fd).st_ino == os.stat(lock_path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            return fd
        os.close(fd)


def _read_owner(fd: int) -> str:
    with contextlib.suppress(OSError, ValueError):
        pid = int(os.pread(fd, 32, 0).decode().strip())
        return f" (process {pid})"
    return ""
