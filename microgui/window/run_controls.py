"""RunControls: Train/Pause, Step, Reset and the speed setting, plus the form's message line.

The message line (why Train is disabled) is not laid out here: the window puts
it under the scrolling form, where showing it moves no field (a message above
the form pushed every field down under the mouse).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QWidget

from microgui.widgets.speed_control import SpeedControl
from microgui.widgets.status_bar import ERROR_COLOUR

HINT_COLOUR = "#555555"


class RunControls(QWidget):
    """Buttons only; the window connects them (and the Space/S/R actions) to the worker."""

    trainToggled = Signal()
    stepRequested = Signal()
    resetRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.train_button = QPushButton("▶ Train")
        self.train_button.setObjectName("trainButton")
        self.train_button.setToolTip("Start or pause training (Space)")
        self.step_button = QPushButton("Step")
        self.step_button.setToolTip("Run exactly one training step (S)")
        self.reset_button = QPushButton("Reset")
        self.reset_button.setToolTip("New initial weights, step 0 (R)")
        # A constant size: a new text then does not re-lay out the whole window.
        metrics = self.train_button.fontMetrics()
        widest = max(metrics.horizontalAdvance(t) for t in ("▶ Train", "❚❚ Pause"))
        hint = self.train_button.sizeHint()
        self.train_button.setFixedSize(max(hint.width(), widest + 40), hint.height())
        self.speed = SpeedControl()
        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.train_button, 0, 0)
        layout.addWidget(self.step_button, 0, 1)
        layout.addWidget(self.reset_button, 0, 2)
        layout.addWidget(self.speed, 1, 0, 1, 3)
        self.train_button.clicked.connect(self.trainToggled)
        self.step_button.clicked.connect(self.stepRequested)
        self.reset_button.clicked.connect(self.resetRequested)

    def set_running(self, running: bool) -> None:
        """Flip the Train button's label between Train and Pause."""
        text = "❚❚ Pause" if running else "▶ Train"
        if self.train_button.text() != text:  # a new text re-lays out the window
            self.train_button.setText(text)

    def set_config_error(self, message: str, hint: bool = False) -> None:
        """Show why training is disabled ("" hides the line); hint: not an error, a next
        step (grey, e.g. "choose a file"), so nothing is red before the user did anything."""
        self.error_label.setText(message)
        self.error_label.setStyleSheet(f"color: {HINT_COLOUR if hint else ERROR_COLOUR};")
        self.error_label.setProperty("hint", hint)
        self.error_label.setVisible(bool(message))
