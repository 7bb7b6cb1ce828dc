"""Mark a field as invalid in place: red border (style.qss), the reason as its tooltip and,
in a text field, a warning sign inside it (hover it for the reason) that takes no room."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLineEdit, QStyle, QWidget

_HELP_PROPERTY = "helpTooltip"
_WARNING_ACTION = "invalidMark"


def set_help(widget: QWidget, text: str) -> None:
    """The tooltip a field shows while valid (restored when an error is cleared)."""
    widget.setProperty(_HELP_PROPERTY, text)
    if not is_invalid(widget):
        widget.setToolTip(text)


def mark_invalid(widget: QWidget, reason: str | None) -> None:
    """Show `reason` on the field (None clears it); style.qss reacts to the `invalid` property."""
    invalid = bool(reason)
    if invalid:
        widget.setToolTip(f"⚠ {reason}")
    else:
        widget.setToolTip(str(widget.property(_HELP_PROPERTY) or ""))
    if isinstance(widget, QLineEdit):
        _set_warning_sign(widget, reason if invalid else None)
    if bool(widget.property("invalid")) != invalid:
        widget.setProperty("invalid", invalid)
        # A dynamic property change only restyles after an explicit re-polish.
        style = widget.style()
        style.unpolish(widget)
        style.polish(widget)
        widget.update()


def is_invalid(widget: QWidget) -> bool:
    """True while the field carries an error mark."""
    return bool(widget.property("invalid"))


def invalid_reason(widget: QWidget) -> str:
    """The error text shown on the field, or "" when it is valid."""
    if not is_invalid(widget):
        return ""
    return widget.toolTip().removeprefix("⚠ ")


def _set_warning_sign(edit: QLineEdit, reason: str | None) -> None:
    """A warning icon at the end of the text field while it is invalid."""
    sign = next((a for a in edit.actions() if a.objectName() == _WARNING_ACTION), None)
    if reason is None:
        if sign is not None:
            edit.removeAction(sign)
            sign.deleteLater()
        return
    if sign is None:
        icon = edit.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        sign = QAction(icon, "", edit)
        sign.setObjectName(_WARNING_ACTION)
        edit.addAction(sign, QLineEdit.ActionPosition.TrailingPosition)
    sign.setToolTip(reason)


def warning_sign(edit: QLineEdit) -> QAction | None:
    """The warning sign shown inside an invalid text field (None while it is valid)."""
    return next((a for a in edit.actions() if a.objectName() == _WARNING_ACTION), None)
