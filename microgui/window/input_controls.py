"""InputControls: how the network's inputs are scaled and how a step runs, as form fields.

Scaling ("auto", "none", "standardize", "minmax") and execution ("auto",
"scalar", "vectorized") are TrainConfig fields like any other; the note
under them says what "auto" chose for the data shown and why (the CSV
dataset and data far from unit scale are standardized; a step big enough
to gain runs vectorized), so the choice is never silent.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QWidget

from engine.config import EXECUTIONS, SCALING_CHOICES
from microgui.widgets.elided_label import ElidedLabel

_SCALING_TIP = (
    "Scaling of the network's inputs, fitted on the training split and kept with the model:\n"
    "standardize (mean 0, variance 1), minmax (to [-1, 1]) or none.\n"
    "auto standardizes CSV tables and data far from unit scale (and a regression target\n"
    "with them); the built-in 2-D datasets stay as they are."
)
_EXECUTION_TIP = (
    "How a training step computes (the same numbers either way):\n"
    "scalar builds micrograd's graph of one Value per number; vectorized runs the same\n"
    "math on numpy arrays, many times faster. auto: vectorized when a step is big enough\n"
    "to gain. The Graph tab always shows the scalar graph of a clicked sample."
)


class InputControls(QGroupBox):
    """Scaling and execution combo boxes, and a note on what "auto" chose."""

    scalingChanged = Signal()
    executionChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Inputs and execution", parent)
        self.scaling = QComboBox()
        self.scaling.addItems(list(SCALING_CHOICES))
        self.scaling.setToolTip(_SCALING_TIP)
        self.execution = QComboBox()
        self.execution.addItems(list(EXECUTIONS))
        self.execution.setToolTip(_EXECUTION_TIP)
        # One elided line each (the whole text in its tooltip): a wrapped label grew
        # when the first snapshot named the execution and pushed every field below it.
        self.scaling_note = ElidedLabel("")
        self.execution_note = ElidedLabel("")
        grey = self.palette().color(QPalette.Mid)
        for note in (self.scaling_note, self.execution_note):
            note.set_colour(grey)
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        form.addRow("Scaling", self.scaling)
        form.addRow("Execution", self.execution)
        form.addRow(self.scaling_note)
        form.addRow(self.execution_note)
        self.scaling.currentIndexChanged.connect(self.scalingChanged)
        self.execution.currentIndexChanged.connect(self.executionChanged)
        self._resolved = ("", "", "", "")

    def values(self) -> dict[str, Any]:
        """The TrainConfig fields this box sets."""
        return {"scaling": self.scaling.currentText(), "execution": self.execution.currentText()}

    def set_values(self, values: dict[str, Any]) -> None:
        """Show a config's scaling and execution."""
        for combo, key in ((self.scaling, "scaling"), (self.execution, "execution")):
            index = combo.findText(str(values.get(key, "auto")))
            combo.setCurrentIndex(max(0, index))

    def fields(self) -> dict[str, QWidget]:
        """TrainConfig field -> the widget that shows its error."""
        return {"scaling": self.scaling, "execution": self.execution}

    def set_resolved(
        self, scaling: str, scaling_reason: str, execution: str, execution_reason: str
    ) -> None:
        """Say what the run uses: "standardize (auto: the dataset suggests standardize)"."""
        resolved = (scaling, scaling_reason, execution, execution_reason)
        if resolved == self._resolved:
            return  # called for every snapshot: no re-layout unless it changed
        self._resolved = resolved
        scaling_line = execution_line = ""
        if scaling:
            if self.scaling.currentText() != "auto":
                chosen = "chosen"
            elif scaling_reason:
                chosen = f"auto: {scaling_reason}"
            else:
                chosen = "auto: the features are near unit scale"
            scaling_line = f"Scaling {scaling} ({chosen})"
        if execution:
            why = execution_reason.removeprefix("auto: ")
            chosen = f"auto: {why}" if execution_reason else "chosen"
            execution_line = f"Runs {execution} ({chosen})"
        self.scaling_note.set_full_text(scaling_line)
        self.execution_note.set_full_text(execution_line)

    def note_text(self) -> str:
        """What the notes say, whole (on screen each line may be elided)."""
        lines = (self.scaling_note.full_text, self.execution_note.full_text)
        return "\n".join(line for line in lines if line)
