"""Walk and draw a computation graph: order, nodes and edges, DOT text.

Everything here is iterative (no recursion), so a graph of a million nodes
can be ordered. ``to_dot`` gives the picture of micrograd's ``draw_dot``
(a record node per Value showing label, data and grad, plus an op node per
operation) as DOT text; no graphviz binary is needed to produce it.

``draw_dot(root)`` is micrograd's trace_graph notebook function: a
``graphviz`` object of that DOT text, which Jupyter shows inline and
``.render()`` / ``.pipe()`` turn into SVG, PNG or PDF. It needs the
``graphviz`` Python package and Graphviz's ``dot`` program, and says so in
one line (``GraphvizUnavailable``) when either is missing. ``Value`` uses
``repr_svg`` as its ``_repr_svg_``, so a Value at the end of a notebook cell
shows its graph, as long as the graph is small enough to draw.
"""

from __future__ import annotations

import shutil
import subprocess
import warnings
from typing import Any

from engine.value import Value

__all__ = [
    "RANKDIRS",
    "SVG_NODE_LIMIT",
    "GraphvizUnavailable",
    "draw_dot",
    "nodes_and_edges",
    "repr_svg",
    "to_dot",
    "topological_order",
]

RANKDIRS = ("LR", "TB", "RL", "BT")
#: Jupyter draws a Value's graph inline up to this many nodes; beyond, dot takes
#: seconds to minutes (a training step's loss has thousands), and the text repr shows.
SVG_NODE_LIMIT = 500
_NO_DOT_TEXT = "engine.graph.to_dot(value) gives the DOT text without it"


def topological_order(root: Value) -> list[Value]:
    """Every node reachable from ``root``, parents before children, root last.

    Each node appears once, however often it is reused. The order is that
    of a depth-first search visiting parents in ``parents`` order.
    """
    order: list[Value] = []
    seen = {root}
    stack = [(root, iter(root.parents))]
    while stack:
        node, parents = stack[-1]
        for p in parents:
            if p not in seen:
                seen.add(p)
                stack.append((p, iter(p.parents)))
                break
        else:
            stack.pop()
            order.append(node)
    return order


def nodes_and_edges(root: Value) -> tuple[list[Value], list[tuple[int, int]]]:
    """Nodes in topological order and edges as (parent_index, child_index).

    A parent used twice by the same node (``x * x``) gives one edge, as in
    micrograd's ``draw_dot``. Edges are listed child by child in node order.
    """
    nodes = topological_order(root)
    index = {id(node): i for i, node in enumerate(nodes)}
    edges: list[tuple[int, int]] = []
    for child_index, node in enumerate(nodes):
        seen_parents: set[int] = set()
        for p in node.parents:
            parent_index = index[id(p)]
            if parent_index not in seen_parents:
                seen_parents.add(parent_index)
                edges.append((parent_index, child_index))
    return nodes, edges


def _escape_record(text: str) -> str:
    # Characters with a meaning inside a DOT record label, plus the quote.
    for ch in ("\\", "{", "}", "|", "<", ">", '"'):
        text = text.replace(ch, "\\" + ch)
    return text.replace("\n", " ")


def _escape_quoted(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def to_dot(root: Value, rankdir: str = "LR") -> str:
    """DOT text of the graph under ``root``, like micrograd's ``draw_dot``.

    Node ``v{i}`` is the record ``{ label | data 1.2345 | grad 0.5000 }`` of
    the i-th node in topological order; an operation node ``v{i}_op`` feeds
    it, and its parents point at that op node.
    """
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    nodes, edges = nodes_and_edges(root)
    lines = ["digraph {", f"  rankdir={rankdir};"]
    for i, node in enumerate(nodes):
        record = "{ %s | data %.4f | grad %.4f }" % (  # noqa: UP031 - draw_dot's format
            _escape_record(node.label),
            node.data,
            node.grad,
        )
        lines.append(f'  v{i} [label="{record}", shape=record];')
        if node._op:
            lines.append(f'  v{i}_op [label="{_escape_quoted(node._op)}"];')
            lines.append(f"  v{i}_op -> v{i};")
    for parent_index, child_index in edges:
        # A Value built by hand with children but no op has no op node.
        target = f"v{child_index}_op" if nodes[child_index]._op else f"v{child_index}"
        lines.append(f"  v{parent_index} -> {target};")
    lines.append("}")
    return "\n".join(lines) + "\n"


class GraphvizUnavailable(RuntimeError):
    """The ``graphviz`` Python package or Graphviz's ``dot`` program is missing."""


def _graphviz() -> Any:
    try:
        import graphviz
    except ImportError:
        raise GraphvizUnavailable(
            "draw_dot needs the graphviz Python package: pip install graphviz "
            f"(and Graphviz's dot program); {_NO_DOT_TEXT}"
        ) from None
    if shutil.which("dot") is None:
        raise GraphvizUnavailable(
            "draw_dot needs Graphviz's dot program on PATH: install Graphviz (apt install "
            f"graphviz, brew install graphviz or conda install graphviz); {_NO_DOT_TEXT}"
        )
    return graphviz


def draw_dot(root: Value, format: str = "svg", rankdir: str = "LR") -> Any:
    """The graph under ``root`` as a ``graphviz.Source``, like micrograd's ``draw_dot``.

    Jupyter displays it inline; ``.render("graph")`` writes graph.svg and
    ``.pipe()`` returns the bytes. GraphvizUnavailable (one line, saying what
    to install) without the graphviz package or the dot program.
    """
    graphviz = _graphviz()
    return graphviz.Source(to_dot(root, rankdir), format=format)


def _more_nodes_than(root: Value, limit: int) -> bool:
    """True when the graph under ``root`` has over ``limit`` nodes (stops counting there)."""
    seen = {root}
    stack = [root]
    while stack:
        for p in stack.pop().parents:
            if p not in seen:
                seen.add(p)
                if len(seen) > limit:
                    return True
                stack.append(p)
    return False


def repr_svg(root: Value, limit: int = SVG_NODE_LIMIT) -> str | None:
    """SVG text of the graph under ``root`` for Jupyter, or None for the text repr.

    None when the graph has more than ``limit`` nodes, or when Graphviz is
    missing (then a warning says what to install, once per place it is shown).
    """
    if _more_nodes_than(root, limit):
        return None
    try:
        return draw_dot(root).pipe(format="svg", encoding="utf-8")
    except GraphvizUnavailable as exc:
        warnings.warn(str(exc), stacklevel=3)
    except (OSError, RuntimeError, subprocess.CalledProcessError) as exc:
        # dot could not start (graphviz.ExecutableNotFound is a RuntimeError) or failed
        warnings.warn(f"Graphviz could not draw the graph: {exc}", stacklevel=3)
    return None
