"""GraphPresenter: puts a snapshot's numbers and marks onto a GraphView's boxes.

The view draws boxes; a box shows one snapshot node, or stands for a
folded neuron (showing its activation), the folded loss or a folded layer.
This class keeps the mapping both ways and turns "select node 17" or
"stepper at step 40" into per-box arrays for the view: numbers, the colour
scale, which boxes pass no gradient (muted), how much gradient flows along
each edge, and each layer's mean |grad|. All numpy over the snapshot's
arrays: no loop over 13,000 nodes on the GUI thread.
"""

from __future__ import annotations

import numpy as np

from microgui.graph_explorer.edge_layer import FLOW_LEVELS
from microgui.graph_explorer.gradient_colors import flow_levels, gradient_scale
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
        self.scale = 1.0  # the top of the colour scale (the legend shows it)
        self.mean_grads: dict[int, float] = {}

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
            values, grads = snapshot.values, snapshot.grads
            value_known = grad_known = np.ones(len(snapshot), dtype=bool)
        shown = self._rep >= 0
        safe = np.where(shown, self._rep, 0)
        box_grads = np.where(shown, grads[safe], np.nan)
        known = grad_known[safe] & shown
        # The colour scale leaves out the loss (d loss / d loss is always 1).
        others = known & (safe != snapshot.root)
        self.scale = gradient_scale(box_grads[others])
        self.view.set_numbers(
            np.where(shown, values[safe], np.nan),
            box_grads,
            value_known[safe] & shown,
            known,
            scale=self.scale,
            passes=snapshot.passes_gradient(grads)[safe] | ~shown,
            stops=snapshot.stops_gradient(grads)[safe] & known,
        )
        self.view.set_edge_levels(self._edge_levels(snapshot, grads))
        self.mean_grads = self._layer_means(snapshot, grads)
        self.view.nodes.set_layer_summaries(self.mean_grads)
        current = stepper.current if stepper is not None else -1
        self._current_box = int(self._box_of[current]) if current >= 0 else -1
        self._push_marks()

    def _edge_levels(self, snapshot: GraphSnapshot, grads: np.ndarray) -> np.ndarray:
        """Per box edge: |child grad x local derivative|, summed over its scalar edges."""
        assert self.layout is not None
        graph = self.layout.graph
        if graph.edge_of_scalar_edge is None or not len(graph.edges):
            return np.zeros(len(graph.edges), dtype=np.int64)
        along = graph.edge_of_scalar_edge
        crossing = along >= 0
        with np.errstate(all="ignore"):
            flow = np.abs(grads[snapshot.edge_child[crossing]] * snapshot.edge_local[crossing])
        flow = np.nan_to_num(flow, nan=0.0, posinf=0.0)
        per_edge = np.bincount(along[crossing], weights=flow, minlength=len(graph.edges))
        return flow_levels(per_edge, FLOW_LEVELS)

    @staticmethod
    def _layer_means(snapshot: GraphSnapshot, grads: np.ndarray) -> dict[int, float]:
        """Mean |grad| of each layer's neuron outputs (what a folded layer stands for)."""
        by_layer: dict[int, list[int]] = {}
        for (layer, _), node_id in snapshot.neuron_outputs.items():
            by_layer.setdefault(layer, []).append(node_id)
        return {
            layer: float(np.mean(np.abs(grads[ids]))) for layer, ids in sorted(by_layer.items())
        }

    def select(self, node_id: int, path: list[int]) -> int:
        """Mark ``node_id``'s box and the boxes on its path to the loss; returns its box."""
        self._selected_box = int(self._box_of[node_id])
        marks = np.zeros(len(self._rep), dtype=bool)
        marks[self._box_of[path]] = True
        self._path_boxes = marks
        self._push_marks()
        return self._selected_box

    def select_box(self, box: int) -> None:
        """Mark one box as selected, with no path (a folded layer)."""
        self._selected_box, self._path_boxes = box, None
        self._push_marks()

    def clear_selection(self) -> None:
        """Nothing selected, no path marked (the stepper's box stays)."""
        self._selected_box, self._path_boxes = -1, None
        self._push_marks()

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
