"""ModelControls and TrainingControls: every hyper-parameter of a run as a form field.

Fields hold raw user input; the window turns them into an engine TrainConfig
and marks the field that the engine's validation names (red border and the
reason as tooltip). Numbers that users type in scientific notation (learning
rate, regularisation strength) are line edits, so a typo can be shown as
what it is instead of being silently clamped by a spin box.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QWidget,
)

from microgui.widgets.layer_sizes_editor import LayerSizesEditor
from microgui.widgets.strict_spin import StrictSpinBox
from microgui.widgets.validation import set_help


def _combo(choices: tuple[str, ...], tip: str) -> QComboBox:
    combo = QComboBox()
    combo.addItems(list(choices))
    combo.setToolTip(tip)
    return combo


def _line(text: str, tip: str) -> QLineEdit:
    edit = QLineEdit(text)
    set_help(edit, tip)
    return edit


def _spin(name: str, lo: int, hi: int, value: int, tip: str, special: str = "") -> StrictSpinBox:
    spin = StrictSpinBox()
    spin.setAccessibleName(name)  # names the field in its messages
    spin.setRange(lo, hi)
    spin.setValue(value)
    spin.setToolTip(tip)
    if special:
        spin.setSpecialValueText(special)
    return spin


class ModelControls(QGroupBox):
    """Layer sizes (text and list), activation, initialisation."""

    changed = Signal()

    def __init__(
        self, activations: tuple[str, ...], inits: tuple[str, ...], parent: QWidget | None = None
    ) -> None:
        super().__init__("Network", parent)
        self.layers = LayerSizesEditor([16, 16])
        self.activation = _combo(activations, "Activation of the hidden layers (output is linear)")
        self.init = _combo(inits, "How the initial weights are drawn")
        form = QFormLayout(self)
        # A field that does not fit beside its label goes under it: a narrow window
        # (800 pixels) then shows every field whole.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        form.addRow("Hidden layers", self.layers)
        form.addRow("Activation", self.activation)
        form.addRow("Initialisation", self.init)
        self.layers.layersChanged.connect(self.changed)
        self.layers.text_edit.textEdited.connect(self.changed)
        self.layers.validityChanged.connect(self.changed)
        self.activation.currentIndexChanged.connect(self.changed)
        self.init.currentIndexChanged.connect(self.changed)

    def values(self) -> dict[str, Any]:
        """Raw values: layers as text so an invalid entry reaches validation as typed."""
        return {
            "layers": self.layers.text(),
            "activation": self.activation.currentText(),
            "init": self.init.currentText(),
        }

    def set_values(self, values: dict[str, Any]) -> None:
        """Fill from a config dict (missing keys keep their field)."""
        if "layers" in values:
            layers = values["layers"]
            if isinstance(layers, str):
                self.layers.set_text(layers)
            else:
                self.layers.set_sizes(list(layers))
        _set_combo(self.activation, values.get("activation"))
        _set_combo(self.init, values.get("init"))

    def fields(self) -> dict[str, QWidget]:
        """Config field name -> the widget that shows its error."""
        return {
            "layers": self.layers.text_edit,
            "activation": self.activation,
            "init": self.init,
        }


class TrainingControls(QGroupBox):
    """Loss, regularisation, optimizer, learning rate and schedule, batch size, steps.

    Every setting of the chosen schedule is a visible field: the final rate of
    linear and cosine, the step size and gamma of step. While the user has not
    typed a final rate, it keeps its ratio to the learning rate (a preset's
    1.0 -> 0.1 becomes 0.01 -> 0.001 at a rate of 0.01): a schedule never
    rises unless the user sets it to.
    """

    changed = Signal()
    valueRejected = Signal(str)  # a typed number was refused: why, and the value kept

    def __init__(
        self,
        losses: tuple[str, ...],
        regularizations: tuple[str, ...],
        optimizers: tuple[str, ...],
        schedules: tuple[str, ...],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Training", parent)
        self.loss = _combo(losses, "Loss function (must suit the dataset's task)")
        self.regularization = _combo(regularizations, "Weight penalty added to the loss")
        self.strength = _line("0.0001", "Regularisation strength alpha (e.g. 1e-4)")
        self.optimizer = _combo(optimizers, "Update rule")
        self.lr = _line("0.05", "Learning rate, a positive number such as 0.05 or 1e-3")
        self.momentum = _line("0.9", "SGD momentum in [0, 1)")
        self.schedule = _combo(schedules, "How the learning rate changes over the run")
        self.final_lr = _line(
            "",
            "Rate at the last step of a linear or cosine schedule (empty: 0). "
            "It follows the learning rate until you type one.",
        )
        self.final_lr.setPlaceholderText("0")
        self.step_size = _spin(
            "Step size",
            0,
            100_000_000,
            0,
            "Steps between two decays of the 'step' schedule; 'auto' is a third of the steps",
            "auto",
        )
        self.gamma = _line("0.5", "Factor of each decay of the 'step' schedule, in (0, 1]")
        self._final_ratio: float | None = None  # final_lr / lr while it follows the rate
        self.batch_size = _spin(
            "Batch size",
            0,
            100_000,
            0,
            "Samples per step; 'full' (0), or more than the training set, uses all of it",
            "full",
        )
        self.steps = _spin(
            "Steps", 1, 10_000_000, 1000, "Length of the run (and of the lr schedule)"
        )
        form = QFormLayout(self)
        # A field that does not fit beside its label goes under it: a narrow window
        # (800 pixels) then shows every field whole.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        form.addRow("Loss", self.loss)
        form.addRow("Regularisation", self.regularization)
        form.addRow("Strength", self.strength)
        form.addRow("Optimizer", self.optimizer)
        form.addRow("Learning rate", self.lr)
        form.addRow("Momentum", self.momentum)
        form.addRow("Schedule", self.schedule)
        form.addRow("Final rate", self.final_lr)
        form.addRow("Step size", self.step_size)
        form.addRow("Gamma", self.gamma)
        form.addRow("Batch size", self.batch_size)
        form.addRow("Steps", self.steps)
        self.form = form
        for combo in (self.loss, self.regularization, self.optimizer, self.schedule):
            combo.currentIndexChanged.connect(self.changed)
        self.lr.textEdited.connect(self._follow_lr)  # before `changed`: one config, not two
        self.final_lr.textEdited.connect(self._final_lr_typed)
        for edit in (self.strength, self.lr, self.momentum, self.final_lr, self.gamma):
            edit.textEdited.connect(self.changed)
        for spin in (self.batch_size, self.steps, self.step_size):
            spin.valueChanged.connect(self.changed)
            spin.valueRejected.connect(self.valueRejected)
        self.regularization.currentIndexChanged.connect(self._sync_enabled)
        self.optimizer.currentIndexChanged.connect(self._sync_enabled)
        self.schedule.currentIndexChanged.connect(self._sync_enabled)
        self._sync_enabled()

    def _sync_enabled(self) -> None:
        self.strength.setEnabled(self.regularization.currentText() != "none")
        self.momentum.setEnabled(self.optimizer.currentText() == "sgd")
        schedule = self.schedule.currentText()
        self.form.setRowVisible(self.final_lr, schedule in ("linear", "cosine"))
        self.form.setRowVisible(self.step_size, schedule == "step")
        self.form.setRowVisible(self.gamma, schedule == "step")

    def _follow_lr(self, text: str) -> None:
        """The learning rate changed: an untyped final rate keeps its ratio to it."""
        lr = _number_or_none(text)
        if self._final_ratio is None or lr is None or lr <= 0:
            return
        self.final_lr.setText(_number_text(lr * self._final_ratio))

    def _final_lr_typed(self, text: str) -> None:
        """The user's own final rate: its ratio to the rate is what later rates keep."""
        self._final_ratio = _ratio(_number_or_none(text), _number_or_none(self.lr.text()))

    def values(self) -> dict[str, Any]:
        """Raw values (numbers as typed)."""
        return {
            "loss": self.loss.currentText(),
            "reg": self.regularization.currentText(),
            "reg_strength": self.strength.text().strip(),
            "optimizer": self.optimizer.currentText(),
            "lr": self.lr.text().strip(),
            "momentum": self.momentum.text().strip(),
            "schedule": self.schedule.currentText(),
            "final_lr": self.final_lr.text().strip(),
            "step_size": self.step_size.value() or None,
            "gamma": self.gamma.text().strip(),
            "batch_size": self.batch_size.value() or None,
            "steps": self.steps.value(),
        }

    def set_values(self, values: dict[str, Any]) -> None:
        """Fill from a config dict (missing keys keep their field)."""
        for key, combo in (
            ("loss", self.loss),
            ("reg", self.regularization),
            ("optimizer", self.optimizer),
            ("schedule", self.schedule),
        ):
            _set_combo(combo, values.get(key))
        for key, edit in (("reg_strength", self.strength), ("lr", self.lr)):
            if values.get(key) is not None:
                edit.setText(_number_text(values[key]))
        if values.get("momentum") is not None:
            self.momentum.setText(_number_text(values["momentum"]))
        if "final_lr" in values:
            final = values["final_lr"]
            self.final_lr.setText("" if final is None else _number_text(final))
        if "step_size" in values:
            self.step_size.setValue(int(values["step_size"] or 0))
        if values.get("gamma") is not None:
            self.gamma.setText(_number_text(values["gamma"]))
        if "final_lr" in values or "lr" in values:
            self._final_ratio = _ratio(
                _number_or_none(self.final_lr.text()), _number_or_none(self.lr.text())
            )
        if "batch_size" in values:
            self.batch_size.setValue(int(values["batch_size"] or 0))
        if values.get("steps") is not None:
            self.steps.setValue(int(values["steps"]))
        self._sync_enabled()

    def fields(self) -> dict[str, QWidget]:
        """Config field name -> the widget that shows its error."""
        return {
            "loss": self.loss,
            "reg": self.regularization,
            "reg_strength": self.strength,
            "optimizer": self.optimizer,
            "lr": self.lr,
            "momentum": self.momentum,
            "schedule": self.schedule,
            "final_lr": self.final_lr,
            "step_size": self.step_size,
            "gamma": self.gamma,
            "batch_size": self.batch_size,
            "steps": self.steps,
        }


def _set_combo(combo: QComboBox, value: Any) -> None:
    if value is None:
        return
    index = combo.findText(str(value))
    if index >= 0:
        combo.setCurrentIndex(index)


def _number_text(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _number_or_none(text: str) -> float | None:
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _ratio(final: float | None, lr: float | None) -> float | None:
    """final / lr, the shape a schedule keeps; None when there is none to keep."""
    if final is None or lr is None or lr <= 0:
        return None
    return final / lr
