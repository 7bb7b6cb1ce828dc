"""Spin boxes that never read a mistyped number as another valid one.

Qt's spin boxes drop keystrokes they cannot use, so typing "-3" into a
non-negative field leaves "3", and "2.5" in a whole-number field leaves
"25": a different, valid value nobody asked for. Here anything number-like
is accepted as unfinished input, and when the field is left with a value
that is out of range or not a number, it goes back to its last valid value.
Letters are still refused as they are typed.

Neither happens silently: `valueRejected(message)` says, in one line, what
was refused, why, what the field takes and which value it kept, e.g.
"Test fraction: 1 is out of range; use a number from 0 to 0.9 (kept 0.2)".
The field's name in that message is its accessibleName().
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox, QSpinBox

_NUMBER_LIKE = re.compile(r"[-+]?[0-9.,]*(?:[eE][-+]?[0-9]*)?")


def _body(box, text: str) -> str:
    prefix, suffix = box.prefix(), box.suffix()
    if prefix and text.startswith(prefix):
        text = text[len(prefix) :]
    if suffix and text.endswith(suffix):
        text = text[: -len(suffix)]
    return text.strip()


def _validate(box, text: str, pos: int, parse) -> tuple[QValidator.State, str, int]:
    special = box.specialValueText()
    if special and text == special:
        return QValidator.Acceptable, text, pos
    body = _body(box, text)
    if not _NUMBER_LIKE.fullmatch(body):
        return QValidator.Invalid, text, pos
    try:
        value = parse(body)
    except ValueError:
        return QValidator.Intermediate, text, pos  # "", "-", "2." ... still being typed
    if box.minimum() <= value <= box.maximum():
        return QValidator.Acceptable, text, pos
    return QValidator.Intermediate, text, pos


def _number_text(value: float) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


def _shown(box, value: float) -> str:
    """How the field shows `value` ("full" for a special minimum)."""
    special = box.specialValueText()
    if special and value == box.minimum():
        return special
    return _number_text(value)


def _accepted_range(box) -> str:
    lo, hi = box.minimum(), box.maximum()
    kind = "a whole number" if isinstance(lo, int) else "a number"
    low = _number_text(lo)
    if box.specialValueText():
        low += f" ({box.specialValueText()})"
    return f"use {kind} from {low} to {_number_text(hi)}"


def rejection_message(box, text: str) -> str:
    """Why `text` cannot be the box's value ("" when it can): problem, range, kept value."""
    state, _, _ = box.validate(text, len(text))
    if state == QValidator.Acceptable:
        return ""
    body = _body(box, text)
    name = box.accessibleName() or "This field"
    if not body:
        problem = "was left empty"
    else:
        number = body.replace(",", ".")
        try:
            value = float(number)
        except ValueError:
            problem = f"{body!r} is not a number"
        else:
            whole = isinstance(box.minimum(), int)
            if whole and not value.is_integer():
                problem = f"{body} is not a whole number"
            elif not box.minimum() <= value <= box.maximum():
                problem = f"{body} is out of range"
            elif whole:
                problem = f"{body} is not written as a whole number (type {int(value)})"
            else:
                problem = f"{body} has more than {box.decimals()} decimals"
    return f"{name}: {problem}; {_accepted_range(box)} (kept {_shown(box, box.value())})"


class _Reporting:
    """Emit valueRejected when editing ends on text the box will throw away."""

    def _report_refused_key(self) -> None:
        name = self.accessibleName() or "This field"
        self.valueRejected.emit(f"{name} takes numbers only; {_accepted_range(self)}")

    def _pending_rejection(self) -> str:
        return rejection_message(self, self.lineEdit().text())

    def focusOutEvent(self, event) -> None:
        message = self._pending_rejection()
        super().focusOutEvent(event)  # Qt puts the previous value back
        if message:
            self.valueRejected.emit(message)

    def keyPressEvent(self, event) -> None:
        ends_editing = event.key() in (Qt.Key_Return, Qt.Key_Enter)
        message = self._pending_rejection() if ends_editing else ""
        super().keyPressEvent(event)
        if message:
            self.valueRejected.emit(message)


class StrictSpinBox(_Reporting, QSpinBox):
    """A QSpinBox that reverts, rather than reinterprets, a bad whole number, and says so."""

    valueRejected = Signal(str)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.setCorrectionMode(QSpinBox.CorrectToPreviousValue)
        self.setKeyboardTracking(False)  # the value changes when editing ends, not per key
        self.lineEdit().inputRejected.connect(self._report_refused_key)

    def validate(self, text: str, pos: int):
        return _validate(self, text, pos, int)


class StrictDoubleSpinBox(_Reporting, QDoubleSpinBox):
    """A QDoubleSpinBox that reverts, rather than reinterprets, a bad number, and says so."""

    valueRejected = Signal(str)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.setCorrectionMode(QDoubleSpinBox.CorrectToPreviousValue)
        self.setKeyboardTracking(False)
        self.lineEdit().inputRejected.connect(self._report_refused_key)

    def validate(self, text: str, pos: int):
        def parse(body: str) -> float:
            value = float(body.replace(",", "."))
            if round(value, self.decimals()) != value:
                raise ValueError(body)  # more decimals than the field keeps
            return value

        return _validate(self, text, pos, parse)
