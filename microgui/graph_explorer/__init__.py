"""The computation-graph explorer: one sample's full scalar graph, clickable and steppable.

``GraphExplorer`` is the tab widget; ``install_graph_explorer(window)`` adds it
(and the expression playground) to the training window. Both are imported
lazily: the data modules (snapshot, sample_graph, layout, replay, stepper)
never import Qt, so worker code and non-GUI tests can use them without it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["GraphExplorer", "install_graph_explorer"]


def __getattr__(name: str) -> Any:
    if name == "GraphExplorer":
        from microgui.graph_explorer.explorer import GraphExplorer

        return GraphExplorer
    if name == "install_graph_explorer":
        from microgui.graph_explorer.install import install_graph_explorer

        return install_graph_explorer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
