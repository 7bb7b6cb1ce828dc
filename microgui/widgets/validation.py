"""Mark a field as invalid in place: red border (style.qss) and the reason as its tooltip."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

_HELP_PROPERTY = "helpTooltip"


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
