"""The one way microgui writes a file: atomically, beside the target, or not at all.

Every file the application writes (models, sessions, drawn-data CSV, graph
DOT/SVG/PNG, plot PNG/SVG, window screenshots) goes through this module::

    from engine.atomic_write import atomic_path, write_text

    write_text("model.json", text, what="model")        # text (UTF-8) or write_bytes

    with atomic_path("plot.png", what="plot") as tmp:   # for exporters that want a file name
        if not image.save(str(tmp)):                    # QImage.save, pyqtgraph's ImageExporter
            raise WriteError("cannot save the plot to plot.png: Qt could not write a PNG")

What it promises:

- **Atomic.** The data goes to a temporary file in the target's folder
  (``.NAME.RANDOM.tmp.SUFFIX``: the suffix is kept, because exporters pick the
  format from it), is flushed to disk (fsync), and ``os.replace`` swaps it in.
  A failure at any point leaves the previous file byte for byte as it was.
- **Nothing left behind.** The temporary file is removed on any error or
  exception, and SIGINT, SIGTERM and SIGHUP are held back while the file is
  written and swapped in (they are delivered right after, to the handlers
  that were there), so a signal cannot leave a temporary file or a
  half-written target. (Python lets only the main thread hold signals; a
  write in another thread is still removed on any exception.)
- **Normal permissions.** The temporary file is created by this module with
  mode 0o666, so the umask decides, as for any new file (0644 usually;
  ``tempfile.mkstemp`` would give 0600). Exporters reopen it and keep its mode.
- **Regular files only.** A folder, a device node (``/dev/null``), a FIFO or a
  socket at the target is refused, never replaced (as root ``os.replace``
  would swap ``/dev/null`` for a regular file). A symbolic link is followed:
  the file it points to is replaced, the link stays.
- **One-line errors.** Every failure raises :class:`WriteError` (an OSError)
  whose text names the path, the reason and what to do, e.g. "cannot save the
  model to /x/m.json: the folder /x does not exist; choose another place".
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import signal
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

from engine.file_kinds import kind_of

__all__ = [
    "WriteError",
    "atomic_path",
    "check_writable_target",
    "is_temporary_name",
    "write_bytes",
    "write_text",
]

_TMP_MARK = ".tmp"
#: The longest file name, in bytes, that ext4, XFS, btrfs, APFS and NTFS all take.
_NAME_MAX_BYTES = 255
#: Signals that would otherwise end the process between creating and renaming the file.
_HELD_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class WriteError(OSError):
    """A file could not be written; ``str()`` is one line naming the path and what to do."""

    def __init__(self, message: str, path: str | os.PathLike[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = None if path is None else os.fspath(path)

    def __str__(self) -> str:
        return self.message


def is_temporary_name(name: str) -> bool:
    """True for the name of a temporary file this module creates (for tests and cleanup)."""
    return name.startswith(".") and _TMP_MARK in name


def check_writable_target(path: str | os.PathLike[str], what: str = "file") -> Path:
    """The file to replace for ``path`` (symbolic links followed), or WriteError why not.

    Checks only what can be known before writing: ``path`` names a file (not a
    folder, a device, a FIFO or a socket), and its folder exists. Front ends
    call it before a long run so a bad output path fails at once, not after.
    """
    raw = os.fspath(path)
    if not raw:
        raise WriteError(f"cannot save the {what}: no file name given", raw)
    if raw.endswith((os.sep, "/")) or (os.altsep and raw.endswith(os.altsep)):
        raise WriteError(
            f"cannot save the {what} to {raw}: names a folder (it ends with a slash); "
            "give a file name",
            raw,
        )
    target = Path(raw)
    try:
        info = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise WriteError(_cannot_save(target, exc, what), raw) from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise WriteError(f"cannot save the {what} to {raw}: is a folder; give a file name", raw)
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise WriteError(
            f"cannot save the {what} to {raw}: is {kind_of(info.st_mode)}, "
            "not a regular file; choose a regular file",
            raw,
        )
    real = Path(os.path.realpath(target))  # a link's target is the file to replace
    folder = real.parent
    if not folder.is_dir():
        shown = folder if os.path.islink(target) else target.parent  # "." for a bare name
        raise WriteError(
            f"cannot save the {what} to {raw}: the folder {shown} does not exist; "
            "create it or choose another place",
            raw,
        )
    return real


def _cannot_save(path: Path, exc: OSError, what: str) -> str:
    """One line naming the path and the reason; "No such file" alone would not say which."""
    reason = exc.strerror or str(exc)
    if isinstance(exc, FileNotFoundError) and not path.parent.is_dir():
        reason = f"the folder {path.parent} does not exist"
    elif isinstance(exc, PermissionError):
        reason = f"permission denied (is the folder {path.parent} read-only?)"
    elif exc.errno == errno.ELOOP:
        reason = "its symbolic links form a loop"
    elif exc.errno == errno.ENOSPC:
        reason = "No space left on device"
    return f"cannot save the {what} to {path}: {reason}; choose another place"


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT/SIGTERM/SIGHUP until the block ends, then deliver them as they came.

    Python-level handlers, not a thread signal mask: numpy's BLAS and Qt start
    threads that would take a signal this thread blocks. Only the main thread
    can set handlers; elsewhere the block runs unprotected (in the window the
    worker thread writes, and the GUI owns the signals).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous: dict[int, object] = {}
    for number in _HELD_SIGNALS:
        handler = signal.getsignal(number)
        if handler is None:  # set outside Python: it could not be put back
            continue
        signal.signal(number, lambda signum, _frame: received.append(signum))
        previous[number] = handler
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        for number in dict.fromkeys(received):
            signal.raise_signal(number)  # now: the file is in place or gone


def _temporary_beside(target: Path) -> Path:
    """``.NAME.RANDOM.tmp.SUFFIX`` beside ``target``, NAME shortened to fit a file name.

    A suffix longer than 16 characters is not a format an exporter reads
    ("report.final_version_2"), so it is not kept. The random part has 8 hex
    digits (32 bits): enough for writes that overlap, short enough to leave room
    for the name.
    """
    token = secrets.token_hex(4)
    suffix = target.suffix if len(target.suffix) <= 16 else ""
    tail = f".{token}{_TMP_MARK}{suffix}"
    name = target.name
    # A target name near the limit is valid, but the marks would push its temporary one over.
    while len(os.fsencode(f".{name}{tail}")) > _NAME_MAX_BYTES:
        name = name[:-1]
    return target.with_name(f".{name}{tail}")


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable; not every platform or file system allows it."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str], what: str = "file") -> Iterator[Path]:
    """Yield a temporary file beside ``path`` to write to; on success it replaces ``path``.

    The temporary file already exists (empty, mode 0o666 minus the umask);
    write it by name (``QImage.save(str(tmp))``, pyqtgraph's
    ``exporter.export(str(tmp))``, ``open(tmp, "w")``). When the block ends
    without an exception, the file is fsynced and renamed over ``path``; on an
    exception it is removed and the exception propagates (an OSError from the
    block, the fsync or the rename becomes :class:`WriteError`). ``what``
    names the file in messages ("model", "session", "plot").
    """
    target = check_writable_target(path, what)
    shown = Path(os.fspath(path))
    with _signals_held():
        tmp = _temporary_beside(target)
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except OSError as exc:
            raise WriteError(_cannot_save(shown, exc, what), shown) from None
        os.close(fd)
        try:
            yield tmp
            _finish(tmp, target, shown, what)
        except WriteError:
            _remove(tmp)
            raise
        except OSError as exc:
            _remove(tmp)
            raise WriteError(_cannot_save(shown, exc, what), shown) from None
        except BaseException:
            _remove(tmp)
            raise


def _finish(tmp: Path, target: Path, shown: Path, what: str) -> None:
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    # Checked again at the last moment: something may have appeared at the target meanwhile.
    with contextlib.suppress(FileNotFoundError):
        info = os.stat(target)
        if not stat.S_ISREG(info.st_mode):
            raise WriteError(
                f"cannot save the {what} to {shown}: is {kind_of(info.st_mode)}, "
                "not a regular file; choose a regular file",
                shown,
            )
    os.replace(tmp, target)
    _fsync_folder(target.parent)


def _remove(tmp: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(tmp)


def write_bytes(path: str | os.PathLike[str], data: bytes, what: str = "file") -> None:
    """Write ``data`` to ``path`` atomically (see the module doc); WriteError if impossible."""
    with atomic_path(path, what) as tmp, open(tmp, "wb") as handle:
        handle.write(data)


def write_text(
    path: str | os.PathLike[str], text: str, what: str = "file", *, newline: str | None = None
) -> None:
    """Write ``text`` as UTF-8 to ``path`` atomically; WriteError if impossible.

    ``newline`` as for ``open()``: None writes ``\\n`` as the platform's line
    ending, ``""`` writes the text as it is (what the csv module wants).
    """
    with atomic_path(path, what) as tmp, open(tmp, "w", encoding="utf-8", newline=newline) as f:
        f.write(text)
