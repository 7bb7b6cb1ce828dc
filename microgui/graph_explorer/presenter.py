"""GraphPresenter: puts a snapshot's numbers and marks onto a GraphView's boxes.

The view draws boxes; a box shows one snapshot node, or stands for a
collapsed neuron (showing its activation) or layer. This class keeps the
mapping both ways and turns "select node 17" or "stepper at step 40" into
per-box arrays for the view.
"""

from __future__ import annotations

import numpy as np

from microgui.graph_explorer.graph_view import GraphView
from microgui.graph_explorer.layout import GraphLayout
from microgui.graph_explorer.snapshot import GraphSnapshot
from microgui.graph_explorer.stepper import GraphStepper

__all__ = ["GraphPresenter"]


class GraphPresenter:
    """Owns the current layout and the node <-> box mapping of one GraphView."""

    def __init__(self, view: GraphView) -> None:
        self.view = view
        self.layout: GraphLayout | None = None
        self._rep = np.zeros(0, dtype=np.int64)
        self._box_of = np.zeros(0, dtype=np.int64)
        self._selected_box = -1
        self._path_boxes: np.ndarray | None = None
        self._current_box = -1

    def set_layout(self, layout: GraphLayout) -> None:
        """Draw a new set of boxes (marks are cleared)."""
        self.layout = layout
        self._rep = np.array(layout.graph.rep, dtype=np.int64)
        self._box_of = layout.graph.box_of
        self._selected_box, self._path_boxes, self._current_box = -1, None, -1
        self.view.set_layout(layout)

    def set_snapshot(self, snapshot: GraphSnapshot, stepper: GraphStepper | None = None) -> None:
        """Numbers from the snapshot, or the stepper's partial values and gradients."""
        if stepper is not None:
            values, value_known = stepper.values()
            grads, grad_known = stepper.grads()
        else:
            values = np.fromiter((n.value for n in snapshot.nodes), float, len(snapshot))
            grads = np.fromiter((n.grad for n in snapshot.nodes), float, len(snapshot))
            value_known = grad_known = np.ones(len(snapshot), dtype=bool)
        shown = self._rep >= 0
        safe = np.where(shown, self._rep, 0)
        self.view.set_numbers(
            np.where(shown, values[safe], np.nan),
            np.where(shown, grads[safe], np.nan),
            value_known[safe] & shown,
            grad_known[safe] & shown,
        )
        current = stepper.current if stepper is not None else -1
        self._current_box = int(self._box_of[current]) if current >= 0 else -1
        self._push_marks()

    def select(self, node_id: int, path: list[int]) -> int:
        """Mark ``node_id``'s box and the boxes on its path to the loss; returns its box."""
        self._selected_box = int(self._box_of[node_id])
        marks = np.zeros(len(self._rep), dtype=bool)
        marks[self._box_of[path]] = True
        self._path_boxes = marks
        self._push_marks()
        return self._selected_box

    def _push_marks(self) -> None:
        self.view.set_marks(self._selected_box, self._path_boxes, self._current_box)

    def box_of(self, node_id: int) -> int:
        """The box showing snapshot node ``node_id`` (its own, or its collapsed group's)."""
        return int(self._box_of[node_id])

    def rep_of(self, box: int) -> int:
        """The snapshot node a box stands for (-1 for a collapsed layer)."""
        return int(self._rep[box])

    def is_hidden(self, node_id: int) -> bool:
        """True if the node is folded into a collapsed neuron or layer."""
        return int(self._rep[self._box_of[node_id]]) != node_id

    def box_group(self, box: int) -> tuple[str, int, int]:
        """(kind, layer, neuron) of a box."""
        assert self.layout is not None
        layer, neuron = self.layout.graph.groups[box]
        return self.layout.graph.kinds[box], layer, neuron
