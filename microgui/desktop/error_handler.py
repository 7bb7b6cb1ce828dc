"""One handler for every uncaught exception: in a slot, the GUI thread or a worker.

The user sees a dialog naming the error, the full traceback goes to a log
file in the user's log folder, and the application keeps running. Qt calls
`sys.excepthook` for an exception raised in a slot; `threading.excepthook`
covers Python threads. Dialogs are only ever shown on the GUI thread: a
worker's exception travels there through a queued signal.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from microgui.desktop.paths import user_log_dir

LOG_NAME = "microgui.log"
logger = logging.getLogger("microgui")


def log_file_path() -> Path:
    """Where tracebacks are written."""
    return user_log_dir() / LOG_NAME


def _configure_file_logging(path: Path) -> None:
    if any(getattr(h, "baseFilename", None) == str(path) for h in logger.handlers):
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=2, encoding="utf-8")
    except OSError as exc:  # a read-only home must not stop the app
        print(f"microgui: cannot write the log file {path}: {exc}", file=sys.stderr)
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


class ExceptionHandler(QObject):
    """Catches, logs and reports uncaught exceptions without ending the app."""

    exceptionCaught = Signal(str, str)  # one-line summary, full traceback

    def __init__(
        self,
        parent_widget: Callable[[], QWidget | None] | None = None,
        show_dialog: bool = True,
        log_path: Path | None = None,
    ) -> None:
        super().__init__()
        self._parent_widget = parent_widget or (lambda: None)
        self._show_dialog = show_dialog
        self.log_path = log_path or log_file_path()
        self.caught: list[str] = []
        self._open_dialogs: list[QMessageBox] = []  # kept alive until closed
        self._previous_hooks: tuple[object, object] | None = None
        _configure_file_logging(self.log_path)
        # Queued: a worker thread's exception is shown by the GUI thread.
        self.exceptionCaught.connect(self._report, Qt.ConnectionType.QueuedConnection)

    def install(self) -> ExceptionHandler:
        """Route sys.excepthook and threading.excepthook here."""
        self._previous_hooks = (sys.excepthook, threading.excepthook)
        sys.excepthook = self.handle
        threading.excepthook = self._handle_thread
        return self

    def uninstall(self) -> None:
        """Restore the hooks that were there before install()."""
        if self._previous_hooks is not None:
            sys.excepthook, threading.excepthook = self._previous_hooks  # type: ignore[assignment]
            self._previous_hooks = None

    def handle(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
    ) -> None:
        """Log the exception and ask the GUI thread to show it."""
        if issubclass(exc_type, KeyboardInterrupt):
            app = QApplication.instance()
            if app is not None:
                app.quit()
            return
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        summary = f"{exc_type.__name__}: {exc}"
        logger.error("uncaught exception\n%s", text)
        print(f"microgui: {summary} (details in {self.log_path})", file=sys.stderr)
        self.caught.append(summary)
        self.exceptionCaught.emit(summary, text)

    def _handle_thread(self, args: threading.ExceptHookArgs) -> None:
        self.handle(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback)

    @Slot(str, str)
    def _report(self, summary: str, details: str) -> None:
        if not self._show_dialog:
            return
        box = QMessageBox(self._parent_widget())
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle("microgui: unexpected error")
        box.setText(
            f"Something went wrong, but your work is still loaded.\n\n{summary}\n\n"
            f"The details were written to {self.log_path}."
        )
        box.setDetailedText(details)
        box.setModal(False)
        box.finished.connect(lambda _result, b=box: self._forget(b))
        self._open_dialogs.append(box)
        box.show()

    def _forget(self, box: QMessageBox) -> None:
        if box in self._open_dialogs:
            self._open_dialogs.remove(box)
        box.deleteLater()
