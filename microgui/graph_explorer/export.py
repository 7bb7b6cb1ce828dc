"""Export a graph as DOT (the engine's ``to_dot``), SVG or PNG, with a file dialog."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from engine.atomic_write import atomic_path, write_text
from microgui.graph_explorer.graph_view import GraphView
from microgui.graph_explorer.replay import snapshot_to_dot
from microgui.graph_explorer.snapshot import GraphSnapshot

__all__ = ["EXPORT_KINDS", "ask_and_export", "export_graph"]

EXPORT_KINDS = {"dot": "Graphviz DOT (*.dot)", "svg": "SVG (*.svg)", "png": "PNG (*.png)"}


def export_graph(kind: str, path: str, snapshot: GraphSnapshot, view: GraphView) -> None:
    """Write ``snapshot`` (DOT, rebuilt with the engine) or ``view``'s drawing (SVG, PNG).

    Through engine.atomic_write: all or nothing; WriteError (an OSError, one
    line naming the path) if it cannot be written.
    """
    if kind not in EXPORT_KINDS:
        raise ValueError(f"unknown export format {kind!r}; use one of {', '.join(EXPORT_KINDS)}")
    if kind == "dot":
        write_text(path, snapshot_to_dot(snapshot), "graph")
        return
    with atomic_path(path, "graph") as tmp:
        if kind == "svg":
            view.export_svg(str(tmp))
        else:
            view.export_png(str(tmp))


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
    except OSError as exc:  # WriteError: one line naming the path and what to do
        QMessageBox.warning(parent, "Export failed", str(exc))
        return ""
    return path
