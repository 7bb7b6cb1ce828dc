"""SpeedControl: how fast training runs, from one step a second to as fast as possible."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

# (label, steps per second); 0 means no limit.
SPEEDS: tuple[tuple[str, float], ...] = (
    ("max", 0.0),
    ("30 steps/s", 30.0),
    ("10 steps/s", 10.0),
    ("3 steps/s", 3.0),
    ("1 step/s", 1.0),
)


class SpeedControl(QWidget):
    """A combo box of step rates; emits speedChanged(steps_per_second, 0 = unlimited)."""

    speedChanged = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo = QComboBox()
        for label, rate in SPEEDS:
            self.combo.addItem(label, rate)
        self.combo.setToolTip("Limit the training speed to watch each step")
        self.combo.currentIndexChanged.connect(lambda _i: self.speedChanged.emit(self.speed()))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Speed"))
        layout.addWidget(self.combo, 1)

    def speed(self) -> float:
        """Steps per second (0 = as fast as possible)."""
        return float(self.combo.currentData())

    def set_speed(self, steps_per_second: float) -> None:
        """Select the entry closest to `steps_per_second`."""
        best = min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i][1] - steps_per_second))
        self.combo.setCurrentIndex(best)
