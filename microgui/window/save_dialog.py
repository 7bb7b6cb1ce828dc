"""Ask where to save: one filter per file type, and the type's suffix on the name.

Every save dialog of the window goes through ``ask_save_path``: the filters
name each type (CSV, JSON, PNG, SVG, DOT) instead of "All files", and a name
typed without a suffix gets the one of the chosen filter, so a file saved as
"SVG" is ``name.svg`` and the exporters know what to write.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

JSON_FILTER = "JSON files (*.json)"
CSV_FILTER = "CSV files (*.csv)"


def ask_save_path(
    parent: QWidget, title: str, default_name: str, filters: dict[str, str], first: str = ""
) -> tuple[str, str]:
    """(path, format) the user chose, or ("", "") when cancelled.

    `filters` maps a format ("png") to its dialog filter ("PNG image (*.png)");
    `first` is the format offered first (default: the first of `filters`).
    """
    order = [first] if first in filters else []
    order += [f for f in filters if f not in order]
    name = default_name if not first else str(Path(default_name).with_suffix(f".{first}"))
    path, chosen = QFileDialog.getSaveFileName(
        parent, title, name, ";;".join(filters[f] for f in order), filters[order[0]]
    )
    if not path:
        return "", ""
    by_filter = {text: fmt for fmt, text in filters.items()}
    return with_suffix(path, by_filter.get(chosen, order[0]), filters)


def with_suffix(path: str, fmt: str, filters: dict[str, str]) -> tuple[str, str]:
    """The path and its format: a known suffix on the name wins, else `fmt`'s is added."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix in filters:
        return path, suffix
    return f"{path}.{_suffix_of(filters[fmt], fmt)}", fmt


def _suffix_of(filter_text: str, fmt: str) -> str:
    match = re.search(r"\*\.(\w+)", filter_text)
    return match.group(1) if match else fmt
