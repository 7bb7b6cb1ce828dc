"""AutoRun: train N steps as soon as the window is ready, then optionally screenshot and quit."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from engine.atomic_write import WriteError
from microgui.widgets.validation import invalid_reason, is_invalid
from microgui.window.widget_png import save_widget_png

BLOCKED_CHECK_MS = 100
# After the last snapshot: a pause for its drawing, then polls until the pictures
# drawn on background threads (the network view) show it, for at most PICTURE_WAIT_MS.
SETTLE_MS = 200
PICTURE_POLL_MS = 50
PICTURE_WAIT_MS = 10_000


class AutoRun(QObject):
    """Drives `microgui --steps N [--screenshot PATH]` through the real window and worker."""

    def __init__(
        self,
        window: Any,
        steps: int,
        screenshot: str | None,
        timeout_ms: int,
        settle: Callable[[Callable[[], None]], None] | None = None,
    ) -> None:
        """``settle(done)``: make the window ready to grab (e.g. another tab), then call done."""
        super().__init__(window)
        self.window = window
        self.steps = int(steps)
        self.screenshot = screenshot
        self.timeout_ms = timeout_ms
        self.settle = settle
        self.started = False
        self.done = False
        self.exit_code = 0

    def begin(self) -> None:
        """Wait for snapshots; give up after the timeout.

        For a screenshot (nobody at the window) a window that cannot train ends the
        run at once with the reason; interactively the window stays up to fix it.
        """
        self.window.snapshotChanged.connect(self._on_snapshot)
        QTimer.singleShot(self.timeout_ms, self._timed_out)
        self._watch = QTimer(self)
        self._watch.timeout.connect(self._check_blocked)
        if self.screenshot:
            self._watch.start(BLOCKED_CHECK_MS)

    def _check_blocked(self) -> None:
        """Before training starts: a refused setting or dataset ends the run now, not in 180 s.

        Blocked means nothing is pending (no dataset generating, no edit waiting to be
        applied) and the window shows why it cannot train.
        """
        if self.done or self.started:
            self._watch.stop()
            return
        controller = self.window.controller
        if controller.can_train() or controller.loader.busy or controller.edits_pending():
            return
        reason = self.window.run_controls.error_label.text().strip()
        if not reason:
            return  # the worker has not answered yet
        # The marked fields say exactly what is wrong ("path: no file at ...").
        marked = [invalid_reason(w) for w in self.window.findChildren(QWidget) if is_invalid(w)]
        reason = "; ".join(dict.fromkeys(r for r in marked if r)) or reason
        self.done = True
        self._watch.stop()
        print(f"microgui: cannot train: {reason}", file=sys.stderr)
        self.exit_code = 2
        self._quit()

    def _on_snapshot(self, snapshot: Any) -> None:
        if self.done:
            return
        controller = self.window.controller
        if not self.started:
            if not controller.can_train():
                return
            self.started = True
            if self.steps > snapshot.step:
                controller.start(until_step=self.steps)
                return
        if snapshot.state == "running":
            return
        if snapshot.step >= self.steps or snapshot.state in ("finished", "diverged"):
            # Let the last snapshot's drawing settle before grabbing.
            QTimer.singleShot(SETTLE_MS, self._settle_then_finish)
            self.done = True

    def _settle_then_finish(self) -> None:
        if self.settle is None:
            self._when_pictures_are_drawn(self._finish)
        else:
            self.settle(lambda: self._when_pictures_are_drawn(self._finish))

    def _when_pictures_are_drawn(self, then: Callable[[], None], waited_ms: int = 0) -> None:
        """Call ``then`` once the network picture shows the last snapshot: it is drawn on
        a background thread, at most 4 times a second, and a fixed pause sometimes
        grabbed the window before it arrived (an empty network in the screenshot)."""
        if not self.window.view.network.picture_pending or waited_ms >= PICTURE_WAIT_MS:
            then()
            return
        waited_ms += PICTURE_POLL_MS
        QTimer.singleShot(PICTURE_POLL_MS, lambda: self._when_pictures_are_drawn(then, waited_ms))

    def _finish(self) -> None:
        if self.screenshot:
            QApplication.processEvents()
            self._save_screenshot()
            self._quit()

    def _save_screenshot(self) -> None:
        try:
            save_widget_png(self.window, self.screenshot, "screenshot")
        except WriteError as exc:
            print(f"microgui: {exc}", file=sys.stderr)
            self.exit_code = 1

    def _quit(self) -> None:
        """Close the window and end the event loop, even if another window is open.

        Closing the last window already makes Qt post a quit; exiting a second
        time would leave a stray quit for whatever event loop runs next.
        """
        self.window.close()
        app = QApplication.instance()
        if app is not None and any(w.isVisible() for w in app.topLevelWidgets()):
            app.exit(self.exit_code)

    def _timed_out(self) -> None:
        if self.done:
            return
        self.done = True
        print("microgui: training for the screenshot did not finish in time", file=sys.stderr)
        self.exit_code = 1
        if self.screenshot:
            self._save_screenshot()
            self._quit()
