"""How much of the graph the explorer shows: the Level menu, expand/fold by hand, the zoom.

A mixin for GraphExplorer (it uses the explorer's ``snapshot``, ``presenter``,
``view``, ``controls``, ``inspector``, ``jobs`` and selection), kept apart so
each file has one job.

Three things decide which boxes are drawn:

* the Level menu: "Automatic (by zoom)" (the default), or a fixed level
  (every neuron one record, every scalar, every layer one block);
* the user's own expand/fold (double-click, right-click menu, search), kept
  in ``collapse`` at every level;
* in Automatic, the zoom (semantic_zoom.ZoomOpened): zoomed in, the records
  in view open into their ``*`` and ``+`` nodes; zoomed out they fold.

A level change by zoom keeps the box under the mouse (or, after a pan, under
the view's centre) exactly where it was on screen, and keeps the selection
and the inspector in agreement. A big graph is laid out on the explorer's
job thread; while one zoom layout runs, further zooms wait and the newest
view is looked at once it is done (no queue of stale layouts).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QPointF, QTimer
from PySide6.QtWidgets import QMenu

from microgui.graph_explorer.layout import CollapseState, GraphLayout, build_view
from microgui.graph_explorer.semantic_zoom import (
    LEVEL_MODES,
    ZOOM_OPEN,
    ViewPlace,
    ZoomOpened,
    open_in_view,
    records_in_rect,
)
from microgui.widgets.numbering import layer_title

__all__ = ["PAN_SETTLE_MS", "THREADED_NODES", "LevelMixin"]

PAN_SETTLE_MS = 250  # after a pan close in, the records that came into view open
THREADED_NODES = 3000  # graphs above this are built and laid out on the job thread


class LevelMixin:
    """The explorer's Level menu, expand/fold by hand and semantic zoom."""

    def _init_levels(self) -> None:
        self.level_mode = "auto"
        self.collapse = CollapseState.neuron_level()  # the user's level and toggles
        self.zoom_state = ZoomOpened()  # what the zoom opened (Automatic only)
        self._center_key: str | None = None  # centre on this node after the next layout
        self._level_anchor: QPointF | None = None  # viewport point the zoom kept in place
        self._zoom_layout_pending = False
        self._zoom_recheck = False
        self._layout_ticket = 0  # only the newest level change is shown
        self._keeping_place = False  # our own scrolls and zooms are not the user's
        self._zoom_timer = QTimer(self)
        self._zoom_timer.setSingleShot(True)
        self._zoom_timer.timeout.connect(lambda: self._check_zoom_level(self._level_anchor))
        self._pan_timer = QTimer(self)
        self._pan_timer.setSingleShot(True)
        self._pan_timer.setInterval(PAN_SETTLE_MS)
        self._pan_timer.timeout.connect(lambda: self._check_zoom_level(None))
        self.view.zoomChanged.connect(self._on_view_zoomed)
        self.view.scrolled.connect(self._on_view_scrolled)
        self.controls.set_level_mode(self.level_mode)

    def shown_collapse(self) -> CollapseState:
        """What is drawn: the user's level and toggles, plus (Automatic) what the zoom opened."""
        if self.level_mode == "auto":
            return self.zoom_state.applied_to(self.collapse)
        return self.collapse

    def level_summary(self) -> str:
        """For the header: the active level in words, and what the zoom will do."""
        if self.level_mode != "auto":
            return ""
        opened = len(self.zoom_state.opened - self.zoom_state.kept_folded)
        if opened:
            return f"; zoom opened {opened} neuron{'s' if opened != 1 else ''}"
        return "; zoom in for every * and + node"

    # -- the Level menu and the Fit button -------------------------------------------
    def set_level_mode(self, mode: str) -> None:
        """A Level menu choice: "auto" (by zoom), "neurons", "expand" (every scalar), "layers".

        Forgets what was expanded or folded by hand and shows the whole new picture.
        """
        if mode not in LEVEL_MODES:
            raise ValueError(f"level must be one of {LEVEL_MODES}, got {mode!r}")
        self.level_mode = mode
        self.zoom_state = ZoomOpened()
        self.controls.set_level_mode(mode)
        if mode == "layers":
            layers = frozenset(range(self.snapshot.n_layers)) if self.snapshot else frozenset()
            state = CollapseState.layer_level(layers)
        elif mode == "expand":
            state = CollapseState.scalar_level()
        else:
            state = CollapseState.neuron_level()
        if self.snapshot is None:
            self.collapse = state
            return
        self._clear_selection()  # show the whole new picture
        self.set_collapse(state, center=True)

    def fit(self) -> None:
        """Show the whole graph; in Automatic the neurons the zoom opened fold first."""
        if self.level_mode == "auto" and self.zoom_state.opened and self.snapshot is not None:
            self.zoom_state = ZoomOpened(frozenset(), self.zoom_state.kept_folded)
            self.set_collapse(self.collapse, fit=True)
        else:
            self.view.zoom_to_fit()

    # -- expand and fold by hand --------------------------------------------------------
    def toggle_neuron(self, layer: int, neuron: int) -> None:
        """Expand a folded neuron (or the loss), or fold an open one."""
        if self.level_mode == "auto":
            collapse, self.zoom_state = self.zoom_state.toggled_by_hand(
                self.collapse, (layer, neuron)
            )
        else:
            collapse = self.collapse.toggled_neuron(layer, neuron)
        self.set_collapse(collapse)

    def reveal(self, layer: int, neuron: int, center: bool = True) -> None:
        """Open one neuron and its layer (and nothing else): search found a node inside."""
        state = self.zoom_state
        self.zoom_state = ZoomOpened(state.opened, state.kept_folded - {(layer, neuron)})
        self.set_collapse(self.collapse.revealing(layer, neuron), center=center)

    def _on_box_double_clicked(self, box: int) -> None:
        kind, layer, neuron = self.presenter.box_group(box)
        rep = self.presenter.rep_of(box)
        if rep >= 0 and self.snapshot is not None:
            self._center_key = self.snapshot.nodes[rep].key  # keep it in view
        if kind == "layer":
            self.set_collapse(self.collapse.toggled_layer(layer))
        elif kind in ("neuron", "loss") or neuron >= 0:
            self.toggle_neuron(layer, neuron)

    def box_actions(self, box: int) -> list[tuple[str, Callable[[], None]]]:
        """What the right-click menu of a box offers: expand/fold its neuron or layer."""
        kind, layer, neuron = self.presenter.box_group(box)
        actions: list[tuple[str, Callable[[], None]]] = []
        snapshot = self.snapshot
        if snapshot is not None and 0 <= layer < snapshot.n_layers:
            if kind in ("node", "neuron") and neuron >= 0:
                verb = "Expand" if kind == "neuron" else "Fold"
                what = "into its * and + nodes" if kind == "neuron" else "into one record"
                actions.append(
                    (
                        f"{verb} neuron L{layer + 1}.N{neuron + 1} {what}",
                        lambda: self.toggle_neuron(layer, neuron),
                    )
                )
            title = layer_title(layer, snapshot.n_layers)
            verb = "Expand" if kind == "layer" else "Fold"
            actions.append(
                (
                    f"{verb} {title}" + (" into one block" if verb == "Fold" else ""),
                    lambda: self.set_collapse(self.collapse.toggled_layer(layer)),
                )
            )
        elif snapshot is not None and layer == snapshot.n_layers:  # the loss
            verb = "Expand" if kind == "loss" else "Fold"
            actions.append(
                (
                    f"{verb} the loss" + (" into its scalar ops" if verb == "Expand" else ""),
                    lambda: self.toggle_neuron(layer, neuron),
                )
            )
        actions.append(("Show every neuron as one record", lambda: self.set_level_mode("neurons")))
        actions.append(("Show every scalar", lambda: self.set_level_mode("expand")))
        return actions

    def _on_box_context_menu(self, box: int, global_pos) -> None:
        menu = QMenu(self)
        for text, action in self.box_actions(box):
            menu.addAction(text, action)
        menu.exec(global_pos)

    # -- semantic zoom ---------------------------------------------------------------------
    def _on_view_zoomed(self, _zoom: float, pos: QPointF) -> None:
        if self._keeping_place or self.level_mode != "auto":
            return
        self._level_anchor = QPointF(pos)
        self._zoom_timer.start(0)  # once the event loop is back: many wheel steps, one look

    def _on_view_scrolled(self) -> None:
        if self._keeping_place or self.level_mode != "auto" or self.view.zoom() < ZOOM_OPEN:
            return
        self._pan_timer.start()  # close in, a pan that stops opens what came into view

    def records_in_view(self) -> set[tuple[int, int]]:
        """The (layer, neuron) of every neuron or loss record that is (partly) in view."""
        layout = self.presenter.layout
        if layout is None:
            return set()
        r = self.view.mapToScene(self.view.viewport().rect()).boundingRect()
        return records_in_rect(layout, (r.left(), r.top(), r.right(), r.bottom()))

    def _check_zoom_level(self, anchor: QPointF | None) -> None:
        """Open the records in view when zoomed in, fold them when zoomed out (Automatic)."""
        if self.level_mode != "auto" or self.snapshot is None or self.presenter.layout is None:
            return
        if self._zoom_layout_pending:
            self._zoom_recheck = True  # look again once the running layout is shown
            return
        if self.view.pressed:
            self._pan_timer.start()  # still dragging: not under the user's hand
            return
        zoom = self.view.zoom()
        changed = self.zoom_state.after_zoom(zoom, self.records_in_view())
        if changed is None:
            return
        if anchor is None:
            anchor = QPointF(self.view.viewport().rect().center())
        kept = self._anchor_node(anchor)
        if kept is None:
            return
        node, fx, fy = kept
        viewport = self.view.viewport().rect()
        place = ViewPlace(
            zoom, viewport.width(), viewport.height(), anchor.x(), anchor.y(), node, fx, fy
        )
        before, self.zoom_state = self.zoom_state, changed
        self.set_collapse(self.collapse, anchor=anchor, place=(place, before))

    def _zoom_layout_done(self) -> None:
        self._zoom_layout_pending = False
        self.view.hold_tiles(False)
        if self._zoom_recheck:
            self._zoom_recheck = False
            self._zoom_timer.start(0)

    # -- laying out ---------------------------------------------------------------------
    def set_collapse(
        self,
        collapse: CollapseState,
        center: bool = False,
        anchor: QPointF | None = None,
        fit: bool = False,
        place: tuple[ViewPlace, ZoomOpened] | None = None,
    ) -> None:
        """Show neurons/layers collapsed as given (re-lays out the current snapshot).

        The selection is kept (and scrolled to with ``center``). ``anchor``: a
        viewport point whose box stays under it; ``place`` (a level change by
        zoom: where the view looks, and what the zoom had opened before it):
        settle what opens in view there (open_in_view); ``fit``:
        show the whole new drawing. A big graph is laid out on the job thread.
        """
        self.collapse = collapse
        snapshot = self.snapshot
        if snapshot is None:
            return
        self._layout_ticket += 1
        ticket = self._layout_ticket
        zoom_state = self.zoom_state
        shown = self.shown_collapse()
        by_zoom = place is not None

        def lay_out() -> tuple[ZoomOpened, GraphLayout]:
            if place is not None:
                return open_in_view(snapshot, collapse, zoom_state, place[0], before=place[1])
            return zoom_state, build_view(snapshot, shown)

        def apply(result: tuple[ZoomOpened, GraphLayout]) -> None:
            if by_zoom:
                self._zoom_layout_done()
            current = self.snapshot
            if current is None or current.structure != snapshot.structure:
                return  # another architecture arrived meanwhile; it brings its own layout
            if ticket != self._layout_ticket:
                return  # superseded by a newer level change
            self.zoom_state, layout = result  # what the zoom opened, all of it in view
            self._keeping_place = True
            try:
                self._apply_layout(current, layout, center, anchor, fit)
            finally:
                self._keeping_place = False

        if len(snapshot) > THREADED_NODES:
            if by_zoom:
                self._zoom_layout_pending = True
                self.view.hold_tiles(True)
            self._submit(lay_out, apply)
        else:
            apply(lay_out())

    def _apply_layout(self, current, layout: GraphLayout, center: bool, anchor, fit: bool) -> None:
        kept = self._anchor_node(anchor) if anchor is not None else None
        self.presenter.set_layout(layout)
        self.presenter.set_snapshot(current, self.stepper)
        node_id = current.find(self.selected_key) if self.selected_key else None
        if node_id is not None and (anchor is not None or fit):
            self._mark_selection(node_id)  # the same node: only its box and note change
        elif node_id is not None:
            self.select_node(node_id, center=center)
        else:
            self._clear_selection()
        keep = current.find(self._center_key) if self._center_key else None
        self._center_key = None
        if fit:
            self.view.zoom_to_fit()
        elif kept is not None:  # the point under the mouse stays under the mouse
            node, fx, fy = kept
            self.view.restore_anchor(self.presenter.box_of(node), fx, fy, anchor)
        elif keep is not None:  # the neuron just expanded or folded stays in view
            self.view.center_on_box(self.presenter.box_of(keep), zoom_in=False)
        elif center and node_id is None:
            self.view.zoom_to_fit()
        self._show_header()  # the count of boxes shown
        self.layoutChanged.emit()

    def _anchor_node(self, anchor: QPointF) -> tuple[int, float, float] | None:
        """The node of the box at viewport point ``anchor``, and where in its box the point is."""
        if self.snapshot is None or self.presenter.layout is None:
            return None
        box, fx, fy = self.view.anchor_at(anchor)
        if box < 0:
            return None
        rep = self.presenter.rep_of(box)
        if rep < 0:  # a folded layer: keep the place of its first node
            members = np.nonzero(self.presenter.layout.graph.box_of == box)[0]
            if not len(members):
                return None
            rep = int(members[0])
        return rep, fx, fy
