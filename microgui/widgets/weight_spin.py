"""WeightSpinBox: the field where a user sets one weight of the running model.

Shared by the network view's edge editor and the graph inspector: the same
range, steps and keys everywhere. Arrows and the wheel move by 0.05 and
apply at once; typed digits apply on Enter (keyboard tracking off), so a
half-typed "-0." is never sent to the training run.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDoubleSpinBox, QWidget

__all__ = ["WeightSpinBox"]


class WeightSpinBox(QDoubleSpinBox):
    """A weight's value: valueChanged only for the user's own edits (see show_value)."""

    def __init__(self, tip: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(-1e6, 1e6)
        self.setDecimals(4)
        self.setSingleStep(0.05)
        self.setKeyboardTracking(False)
        self.setToolTip(tip)

    def show_value(self, value: float, force: bool = False) -> None:
        """Show the weight's current value without sending it back (not while being typed)."""
        if force or not self.hasFocus() or not self.lineEdit().isModified():
            self.blockSignals(True)
            self.setValue(value)
            self.blockSignals(False)
