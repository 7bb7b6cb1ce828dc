"""A widget as a PNG file, written through engine.atomic_write (screenshots, plot exports)."""

from __future__ import annotations

import os

from PySide6.QtWidgets import QWidget

from engine.atomic_write import WriteError, atomic_path


def save_widget_png(widget: QWidget, path: str | os.PathLike[str], what: str = "picture") -> None:
    """Save ``widget.grab()`` as a PNG at ``path``, all or nothing; WriteError if impossible.

    ``widget.grab()`` renders the widget itself, so it works offscreen, where a
    screen grab would be black. ``what`` names the file in the error message.
    """
    image = widget.grab()
    with atomic_path(path, what) as tmp:
        if not image.save(str(tmp), "PNG"):
            raise WriteError(
                f"cannot save the {what} to {os.fspath(path)}: Qt could not write a PNG there; "
                "choose another place",
                path,
            )
