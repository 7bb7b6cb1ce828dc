"""TrainingStatusBar: step, steps per second, nodes per step, time per step, last message."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from microgui.widgets.elided_label import ElidedLabel


def _fmt_seconds(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "–"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1.0:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def _fixed_label(sample: str, tip: str) -> QLabel:
    """A label of constant size (no window re-layout when its number changes)."""
    label = QLabel()
    label.setToolTip(tip)
    metrics = label.fontMetrics()
    label.setFixedSize(metrics.horizontalAdvance(sample) + 10, metrics.height() + 4)
    label.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
    return label


NOTICE_MS = 10_000
ERROR_COLOUR = "#b3261e"


class TrainingStatusBar(QStatusBar):
    """Permanent fields on the right; the message on the left stays until replaced.

    A notice (an input the window refused, or read in a way worth saying) is
    pinned for NOTICE_MS: the run summary, refreshed several times a second
    while training, would otherwise replace it before anyone could read it.
    Errors still replace it.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._error = False
        self._held: tuple[str, bool] | None = None  # the message a notice is covering
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.timeout.connect(self._end_notice)
        self.message_label = ElidedLabel("Ready")
        self.message_label.setObjectName("statusMessage")
        self.step_label = _fixed_label("step 9999999", "Training steps done")
        self.rate_label = _fixed_label("9999.9 steps/s", "Training steps per second")
        self.nodes_label = _fixed_label(
            "9,999,999 nodes/step", "Scalar graph nodes built per step (forward + loss)"
        )
        self.time_label = _fixed_label("999.9 ms/step", "Wall time of one step")
        self.addWidget(self.message_label, 1)
        for label in (self.step_label, self.rate_label, self.nodes_label, self.time_label):
            self.addPermanentWidget(label)
        self.set_stats(0, float("nan"), 0, float("nan"))

    def set_stats(
        self, step: int, steps_per_second: float, nodes_per_step: int, seconds_per_step: float
    ) -> None:
        """Update the four numbers (labels whose text is unchanged are left alone)."""
        rate = f"{steps_per_second:.1f}" if math.isfinite(steps_per_second) else "–"
        for label, text in (
            (self.step_label, f"step {step}"),
            (self.rate_label, f"{rate} steps/s"),
            (self.nodes_label, f"{nodes_per_step:,} nodes/step" if nodes_per_step else "– nodes"),
            (self.time_label, f"{_fmt_seconds(seconds_per_step)}/step"),
        ):
            if label.text() != text:  # a new text re-lays out the status bar
                label.setText(text)

    def set_message(self, text: str, error: bool = False) -> None:
        """Show the last message (errors in red); while a notice shows, only errors replace it."""
        if self._notice_timer.isActive():
            if not error:
                self._held = (text, error)
                return
            self._notice_timer.stop()
            self._held = None
        self._show(text, error)

    def show_notice(self, text: str, ms: int = NOTICE_MS, error: bool = True) -> None:
        """Show `text` (red if `error`) for `ms` milliseconds, then the latest ordinary message."""
        if not self._notice_timer.isActive():
            self._held = (self.message_label.full_text, self._error)
        self._show(text, error)
        self._notice_timer.start(ms)

    def notice_active(self) -> bool:
        """True while a notice is pinned."""
        return self._notice_timer.isActive()

    def _end_notice(self) -> None:
        held, self._held = self._held, None
        if held is not None:
            self._show(*held)

    def _show(self, text: str, error: bool) -> None:
        if text == self.message_label.full_text and error == self._error:
            return
        self._error = error
        self.message_label.set_full_text(text)
        self.message_label.set_colour(QColor(ERROR_COLOUR) if error else None)

    def message(self) -> str:
        """The message currently shown."""
        return self.message_label.full_text
