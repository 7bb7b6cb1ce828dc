"""Semantic zoom: which neurons the zoom opens into their ``*`` and ``+`` nodes.

Pure Python, no Qt. The Graph tab's default level is "Automatic (by zoom)":

* far out (under ``node_layer.LOD_BLOCKS``) each layer is painted as one
  block with its neuron count and mean |grad| (the paint's level of detail,
  nothing is laid out again);
* in between each neuron is one record (label | data | grad);
* zoomed in to ``ZOOM_OPEN`` or closer, the neuron records in view open into
  micrograd's chain of ``*`` and ``+`` nodes, so close in every scalar of
  the sample is there; zoomed back out under ``ZOOM_FOLD`` they fold again.

Zoomed in, one level change opens the records that are in view once the
change is laid out: opening a neuron pushes its neighbours aside, some into
view and some out of it, so ``open_in_view`` lays out again (on the
explorer's job thread for a big graph) until every record in view is open
and none it opened lies outside the view, holding the node under the mouse
at its place on screen, as the view will.

The two thresholds differ (hysteresis) so a zoom that stops near one of them
does not flip the level back and forth, and ``ZOOM_OPEN`` lies above every
fit zoom (``GraphView.zoom_to_fit`` never goes past 1), so a graph always
opens at neuron level. A neuron the user expanded by hand stays open at every
zoom (that lives in the user's CollapseState); one the user folded by hand
while the zoom had it open stays folded (``kept_folded``) until the user picks
a Level again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from microgui.graph_explorer.layout import CollapseState, GraphLayout, build_view
from microgui.graph_explorer.snapshot import GraphSnapshot

__all__ = [
    "LEVEL_MODES",
    "ZOOM_FOLD",
    "ZOOM_OPEN",
    "ViewPlace",
    "ZoomOpened",
    "groups_in_rect",
    "open_in_view",
    "records_in_rect",
]

ZOOM_OPEN = 1.15  # two wheel clicks in from the fit of MLP(2,[16,16,1]) at the default size
ZOOM_FOLD = 0.95  # and two back out fold them again: the same picture as before
# The Level menu: "auto" follows the zoom; the others are fixed until picked again.
LEVEL_MODES = ("auto", "neurons", "expand", "layers")

Group = tuple[int, int]  # (layer, neuron); the loss is (n_layers, 0)
_MAX_ROUNDS = 6  # layouts per level change at most (two or three in practice)


@dataclass(frozen=True)
class ZoomOpened:
    """The neurons the zoom has opened, and those the user folded back by hand."""

    opened: frozenset[Group] = frozenset()
    kept_folded: frozenset[Group] = frozenset()

    def after_zoom(self, zoom: float, in_view: Iterable[Group]) -> ZoomOpened | None:
        """The state after the view reached ``zoom`` with these records in view.

        None when nothing changes (no re-layout needed): zoomed in, only
        records not yet opened (and not kept folded) open; zoomed out under
        ``ZOOM_FOLD`` everything the zoom opened folds.
        """
        if zoom < ZOOM_FOLD:
            return ZoomOpened(frozenset(), self.kept_folded) if self.opened else None
        if zoom < ZOOM_OPEN:
            return None
        new = frozenset(in_view) - self.opened - self.kept_folded
        return ZoomOpened(self.opened | new, self.kept_folded) if new else None

    def applied_to(self, collapse: CollapseState) -> CollapseState:
        """``collapse`` (the user's: neuron level plus what they toggled) with these open."""
        if not collapse.neurons_folded:
            return collapse  # every scalar already
        opened = self.opened - self.kept_folded
        return CollapseState(collapse.neurons_folded, collapse.toggled | opened, collapse.layers)

    def toggled_by_hand(
        self, collapse: CollapseState, group: Group
    ) -> tuple[CollapseState, ZoomOpened]:
        """A double-click (or the context menu) on ``group``: fold it if shown open, else open it.

        Returns the user's new CollapseState and this state updated: a neuron
        the zoom opened and the user folds is kept folded; a neuron the user
        opens is opened by hand (it stays open when the zoom folds the others).
        """
        shown_open = not self.applied_to(collapse).neuron_folded(*group)
        by_hand = group in collapse.toggled
        if shown_open:
            if by_hand:
                collapse = collapse.toggled_neuron(*group)
            kept = self.kept_folded | {group} if group in self.opened else self.kept_folded
            return collapse, ZoomOpened(self.opened, kept)
        if not by_hand:
            collapse = collapse.toggled_neuron(*group)
        return collapse, ZoomOpened(self.opened, self.kept_folded - {group})


@dataclass(frozen=True)
class ViewPlace:
    """Where the view looks, as plain numbers: its zoom and size in pixels, and the point
    (x, y) of the viewport that stays over node ``node``, at fractions (fx, fy) of its box."""

    zoom: float
    width: float
    height: float
    x: float
    y: float
    node: int
    fx: float
    fy: float

    def scene_rect(self, layout: GraphLayout) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) of the scene the view shows over ``layout``."""
        box = int(layout.graph.box_of[self.node])
        left = layout.x[box] + self.fx * layout.w[box] - self.x / self.zoom
        top = layout.y[box] + self.fy * layout.h[box] - self.y / self.zoom
        return left, top, left + self.width / self.zoom, top + self.height / self.zoom


def records_in_rect(layout: GraphLayout, rect: tuple[float, float, float, float]) -> set[Group]:
    """The (layer, neuron) of every neuron or loss record that lies (partly) in ``rect``."""
    graph = layout.graph
    return {
        graph.groups[b]
        for b in np.nonzero(_boxes_in_rect(layout, rect))[0]
        if graph.kinds[b] in ("neuron", "loss")
    }


def groups_in_rect(layout: GraphLayout, rect: tuple[float, float, float, float]) -> set[Group]:
    """The (layer, neuron) of every neuron or loss with a box (partly) in ``rect``, folded
    into a record or open into its scalars."""
    graph = layout.graph
    folded_layers = {g[0] for g, k in zip(graph.groups, graph.kinds, strict=True) if k == "layer"}
    return {
        graph.groups[b]
        for b in np.nonzero(_boxes_in_rect(layout, rect))[0]
        if graph.groups[b][1] >= 0 and graph.groups[b][0] not in folded_layers
    }


def _boxes_in_rect(layout: GraphLayout, rect: tuple[float, float, float, float]) -> np.ndarray:
    left, top, right, bottom = rect
    return (
        (layout.x + layout.w >= left)
        & (layout.x <= right)
        & (layout.y + layout.h >= top)
        & (layout.y <= bottom)
    )


def open_in_view(
    snapshot: GraphSnapshot,
    collapse: CollapseState,
    state: ZoomOpened,
    place: ViewPlace,
    before: ZoomOpened | None = None,
) -> tuple[ZoomOpened, GraphLayout]:
    """Lay out ``state`` and settle which records this level change opens.

    ``state`` is ``before`` (what the zoom had opened until now) plus the
    records that were in view. Opening a neuron pushes its neighbours aside:
    some records come into view (they open too) and some of those just
    opened leave it (they fold again: a neuron of 64 inputs is 64 rows tall,
    so opening every record that was in view would lay out, and paint,
    thousands of boxes nobody sees). Rounds go on until every record in view
    is open and nothing this change opened lies outside the view; the last
    round only adds, so no record is ever left in view. Returns the final
    state and its layout. Pure numpy and Python: safe on a worker thread.
    """
    before = before or ZoomOpened(frozenset(), state.kept_folded)
    opened_before = before.opened
    new = state.opened - opened_before
    layout = build_view(snapshot, state.applied_to(collapse))
    if place.zoom < ZOOM_OPEN:
        return state, layout  # folding: nothing opens
    anchor = layout.graph.groups[int(layout.graph.box_of[place.node])]
    for round_ in range(_MAX_ROUNDS - 1):
        rect = place.scene_rect(layout)
        folded = records_in_rect(layout, rect) - state.kept_folded
        if round_ < _MAX_ROUNDS - 2:  # the last round only adds
            seen = groups_in_rect(layout, rect) | {anchor}
            wanted = (new & seen) | folded
        else:
            wanted = new | folded
        if wanted == new:
            break
        new = frozenset(wanted)
        state = ZoomOpened(opened_before | new, state.kept_folded)
        layout = build_view(snapshot, state.applied_to(collapse))
    return state, layout
