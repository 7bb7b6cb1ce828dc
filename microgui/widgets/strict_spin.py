"""Spin boxes that never read a mistyped number as another valid one.

Qt's spin boxes drop keystrokes they cannot use, so typing "-3" into a
non-negative field leaves "3", and "2.5" in a whole-number field leaves
"25": a different, valid value nobody asked for. Here anything number-like
is accepted as unfinished input, and when the field is left with a value
that is out of range or not a number, it goes back to its last valid value.
Letters are still refused as they are typed.
"""

from __future__ import annotations

import re

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


class StrictSpinBox(QSpinBox):
    """A QSpinBox that reverts, rather than reinterprets, a bad whole number."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.setCorrectionMode(QSpinBox.CorrectToPreviousValue)
        self.setKeyboardTracking(False)  # the value changes when editing ends, not per key

    def validate(self, text: str, pos: int):
        return _validate(self, text, pos, int)


class StrictDoubleSpinBox(QDoubleSpinBox):
    """A QDoubleSpinBox that reverts, rather than reinterprets, a bad number."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.setCorrectionMode(QDoubleSpinBox.CorrectToPreviousValue)
        self.setKeyboardTracking(False)

    def validate(self, text: str, pos: int):
        def parse(body: str) -> float:
            value = float(body.replace(",", "."))
            if round(value, self.decimals()) != value:
                raise ValueError(body)  # more decimals than the field keeps
            return value

        return _validate(self, text, pos, parse)
