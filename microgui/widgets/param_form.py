"""ParamForm: a form built from a plugin's declared parameters (ParamSpec-like objects).

Any object with name, kind ("int" | "float" | "bool" | "choice" | "path" | "str"),
default, minimum, maximum, choices and help works; the form imports nothing
from the plugin system.
"""

from __future__ import annotations

import math
import os
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from microgui.widgets.strict_spin import StrictDoubleSpinBox, StrictSpinBox
from microgui.widgets.validation import is_invalid, mark_invalid, set_help

INT_LIMIT = 2_000_000_000
FLOAT_LIMIT = 1e12


class PathField(QWidget):
    """A line edit plus a Browse button; the path must name an existing file."""

    changed = Signal()

    def __init__(self, value: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.line_edit = QLineEdit(str(value or ""))
        self.browse = QPushButton("Browse…")
        self.browse.clicked.connect(self._browse)
        self.line_edit.textChanged.connect(self.changed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.line_edit, 1)
        layout.addWidget(self.browse)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a file", self.line_edit.text())
        if path:
            self.line_edit.setText(path)


class ParamForm(QWidget):
    """Builds one editor per parameter; values() returns {name: value}."""

    changed = Signal()
    validityChanged = Signal(bool)
    valueRejected = Signal(str)  # a typed number was refused: why, and the value kept

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout(self)
        # A field that does not fit beside its label goes under it: a narrow window
        # (800 pixels) then shows every field whole.
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        self.specs: list[Any] = []
        self.editors: dict[str, QWidget] = {}
        self._valid = True
        self._missing: list[str] = []  # required fields still empty (a next step, no error)

    def set_specs(self, specs: list[Any] | tuple[Any, ...]) -> None:
        """Rebuild the form for a new list of parameter specs, filled with their defaults."""
        while self.form.rowCount():
            self.form.removeRow(0)
        self.specs = list(specs)
        self.editors = {}
        for spec in self.specs:
            editor = self._make_editor(spec)
            self.editors[spec.name] = editor
            label = QLabel(spec.name.replace("_", " "))
            label.setToolTip(spec.help or spec.name)
            self.form.addRow(label, editor)
        if not self.specs:
            self.form.addRow(QLabel("(this dataset has no parameters)"))
        self._revalidate()

    def _make_editor(self, spec: Any) -> QWidget:
        kind = spec.kind
        if kind == "int":
            editor = StrictSpinBox()
            editor.setRange(
                int(spec.minimum) if spec.minimum is not None else -INT_LIMIT,
                int(spec.maximum) if spec.maximum is not None else INT_LIMIT,
            )
            editor.setValue(int(spec.default))
            editor.valueChanged.connect(self._on_changed)
            editor.valueRejected.connect(self.valueRejected)
        elif kind == "float":
            editor = StrictDoubleSpinBox()
            editor.setDecimals(4)
            editor.setRange(
                float(spec.minimum) if spec.minimum is not None else -FLOAT_LIMIT,
                float(spec.maximum) if spec.maximum is not None else FLOAT_LIMIT,
            )
            editor.setSingleStep(_nice_step(float(spec.default)))
            editor.setValue(float(spec.default))
            editor.valueChanged.connect(self._on_changed)
            editor.valueRejected.connect(self.valueRejected)
        elif kind == "bool":
            editor = QCheckBox()
            editor.setChecked(bool(spec.default))
            editor.toggled.connect(self._on_changed)
        elif kind == "choice":
            editor = QComboBox()
            editor.addItems([str(c) for c in spec.choices])
            editor.setCurrentText(str(spec.default))
            editor.currentIndexChanged.connect(self._on_changed)
        elif kind == "path":
            editor = PathField(spec.default or "")
            editor.changed.connect(self._on_changed)
        elif kind == "str":
            editor = QLineEdit(str(spec.default or ""))
            editor.textChanged.connect(self._on_changed)
        else:
            editor = QLabel(f"unsupported parameter kind {kind!r}")
        set_help(editor, spec.help or spec.name)
        editor.setAccessibleName(spec.name.replace("_", " "))  # names the field in messages
        return editor

    # ------------------------------------------------------------------ api
    def values(self) -> dict[str, Any]:
        """Current value of every parameter, typed as its spec declares."""
        out: dict[str, Any] = {}
        for spec in self.specs:
            editor = self.editors[spec.name]
            if isinstance(editor, QSpinBox):
                out[spec.name] = int(editor.value())
            elif isinstance(editor, QDoubleSpinBox):
                out[spec.name] = float(editor.value())
            elif isinstance(editor, QCheckBox):
                out[spec.name] = bool(editor.isChecked())
            elif isinstance(editor, QComboBox):
                out[spec.name] = _choice_value(spec, editor.currentIndex())
            elif isinstance(editor, PathField):
                out[spec.name] = editor.line_edit.text().strip()
            elif isinstance(editor, QLineEdit):
                out[spec.name] = editor.text()
        return out

    def set_values(self, values: dict[str, Any]) -> None:
        """Fill editors from `values`; unknown names are ignored."""
        for name, value in values.items():
            editor = self.editors.get(name)
            if editor is None:
                continue
            editor.blockSignals(True)
            if isinstance(editor, QSpinBox):
                editor.setValue(int(value))
            elif isinstance(editor, QDoubleSpinBox):
                editor.setValue(float(value))
            elif isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
            elif isinstance(editor, QComboBox):
                editor.setCurrentText(str(value))
            elif isinstance(editor, PathField):
                editor.line_edit.setText(str(value))
            elif isinstance(editor, QLineEdit):
                editor.setText(str(value))
            editor.blockSignals(False)
        self._revalidate()
        self.changed.emit()

    def is_valid(self) -> bool:
        """False while a field is empty (a file not chosen yet) or holds a value its spec
        forbids (a path that names no file)."""
        return self._valid

    def has_marks(self) -> bool:
        """True while a field carries an error mark (its own check or the plugin's)."""
        fields = (e.line_edit if isinstance(e, PathField) else e for e in self.editors.values())
        return any(is_invalid(field) for field in fields)

    def missing(self) -> list[str]:
        """Parameters still to fill in (an empty file path): not errors, nothing is marked."""
        return list(self._missing)

    def mark_error(self, name: str, reason: str | None) -> None:
        """Show an error reported from outside (the plugin's own validation) on one field."""
        editor = self.editors.get(name)
        if editor is not None:
            target = editor.line_edit if isinstance(editor, PathField) else editor
            mark_invalid(target, reason)

    # ------------------------------------------------------------ internals
    def _on_changed(self) -> None:
        self._revalidate()
        self.changed.emit()

    def _revalidate(self) -> None:
        valid = True
        self._missing = []
        for spec in self.specs:
            editor = self.editors[spec.name]
            if isinstance(editor, PathField):
                path = editor.line_edit.text().strip()
                reason = None
                if not path:
                    # Nothing typed yet: a next step, not an error (no red before any input).
                    self._missing.append(spec.name)
                    valid = False
                elif not os.path.isfile(path):
                    reason = f"{spec.name}: no file at {path}"
                mark_invalid(editor.line_edit, reason)
                valid &= reason is None
            elif is_invalid(editor):
                mark_invalid(editor, None)
        if valid != self._valid:
            self._valid = valid
            self.validityChanged.emit(valid)


def _choice_value(spec: Any, index: int) -> Any:
    choices = tuple(spec.choices)
    return choices[index] if 0 <= index < len(choices) else spec.default


def _nice_step(default: float) -> float:
    """A spin step of about a tenth of the default's magnitude (0.01 for 0.1, 1 for 10)."""
    if default == 0 or not math.isfinite(default):
        return 0.1
    return 10 ** math.floor(math.log10(abs(default)) - 1 + 1e-9)
