"""Export a graph as DOT (the engine's ``to_dot``), SVG or PNG, with a file dialog."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from microgui.graph_explorer.graph_view import GraphView
from microgui.graph_explorer.replay import snapshot_to_dot
from microgui.graph_explorer.snapshot import GraphSnapshot

__all__ = ["EXPORT_KINDS", "ask_and_export", "export_graph"]

EXPORT_KINDS = {"dot": "Graphviz DOT (*.dot)", "svg": "SVG (*.svg)", "png": "PNG (*.png)"}


def export_graph(kind: str, path: str, snapshot: GraphSnapshot, view: GraphView) -> None:
    """Write ``snapshot`` (DOT, rebuilt with the engine) or ``view``'s drawing (SVG, PNG)."""
    if kind == "dot":
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(snapshot_to_dot(snapshot))
    elif kind == "svg":
        view.export_svg(path)
    elif kind == "png":
        view.export_png(path)
    else:
        raise ValueError(f"unknown export format {kind!r}; use one of {', '.join(EXPORT_KINDS)}")


def ask_and_export(parent: QWidget, kind: str, snapshot: GraphSnapshot, view: GraphView) -> str:
    """Ask where to save, then export; a write error is shown, not raised.

    Returns the path written ("" when cancelled or failed), for the status bar.
    """
    path, _ = QFileDialog.getSaveFileName(
        parent, "Export graph", f"graph.{kind}", EXPORT_KINDS[kind]
    )
    if not path:
        return ""
    if not path.lower().endswith(f".{kind}"):
        path += f".{kind}"  # the type chosen, not a file without one
    try:
        export_graph(kind, path, snapshot, view)
    except OSError as exc:
        QMessageBox.warning(parent, "Export failed", f"Could not write {path}: {exc}")
        return ""
    return path
