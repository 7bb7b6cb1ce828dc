"""Semantic zoom in the Graph tab (issue 12, point 1): close in every scalar is there.

Driven with real wheel events on the view. Oracles: the engine's own unfused
graph of the same sample (values and gradients), and the view's own mapping
of scene to screen (the point under the cursor).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication
from test_graph_explorer import (
    WAIT_MS,
    X,
    click_node,
    engine_graph,
    explorer,
    relu_of,
    weights_of,
)

from microgui.graph_explorer.layout import CollapseState, build_view
from microgui.graph_explorer.node_layer import LOD_BLOCKS, format_number
from microgui.graph_explorer.sample_graph import build_sample_graph
from microgui.graph_explorer.semantic_zoom import (
    ZOOM_FOLD,
    ZOOM_OPEN,
    ViewPlace,
    ZoomOpened,
    groups_in_rect,
    open_in_view,
    records_in_rect,
)

__all__ = ["explorer"]  # the fixture, imported from test_graph_explorer

NOUTS = [16, 16, 1]
LABEL = 0.0  # with weights_of(4) this sample has a hinge loss above 0: gradients everywhere


def wheel(qtbot, view, pos: QPointF, clicks: int) -> None:
    """Turn the mouse wheel over viewport point ``pos``, one 15-degree click at a time."""
    for _ in range(abs(clicks)):
        event = QWheelEvent(
            QPointF(pos),
            QPointF(view.viewport().mapToGlobal(pos.toPoint())),
            QPoint(0, 0),
            QPoint(0, 120 if clicks > 0 else -120),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(view.viewport(), event)


def settled(explorer) -> bool:
    """Nothing more will change by itself: no zoom check waiting, no layout running."""
    return (
        explorer.is_settled()
        and not explorer._zoom_timer.isActive()
        and not explorer._zoom_layout_pending
    )


def show_16(qtbot, explorer, nouts=NOUTS):
    weights = weights_of(4, nouts)
    explorer.set_model(weights, 2, nouts, "relu", "hinge", "binary")
    with qtbot.waitSignal(explorer.graphShown, timeout=WAIT_MS):
        explorer.show_sample(0, X, LABEL)
    assert explorer.presenter.layout.graph.kinds.count("neuron") == sum(nouts)
    assert explorer.snapshot.nodes[explorer.snapshot.root].value > 0
    return weights


def record_point(explorer, key: str, dx: float = 19.0, dy: float = 7.0) -> QPointF:
    """A viewport point inside the box showing node ``key`` (off its centre)."""
    view = explorer.view
    box = explorer.presenter.box_of(explorer.snapshot.find(key))
    centre = view.box_center(box)
    return QPointF(view.mapFromScene(QPointF(centre.x() + dx, centre.y() + dy)))


def zoom_in_over(qtbot, explorer, pos: QPointF) -> None:
    """Wheel in over ``pos`` until the zoom opens what is in view."""
    view = explorer.view
    clicks = 0
    while view.zoom() < ZOOM_OPEN:
        wheel(qtbot, view, pos, 1)
        clicks += 1
        assert clicks < 20
    qtbot.waitUntil(lambda: "node" in kinds_in_view(explorer), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: settled(explorer), timeout=WAIT_MS)


def zoom_out_over(qtbot, explorer, pos: QPointF, below: float) -> None:
    view = explorer.view
    while view.zoom() >= below:
        wheel(qtbot, view, pos, -1)
    qtbot.waitUntil(lambda: settled(explorer), timeout=WAIT_MS)


def kinds_in_view(explorer) -> set[str]:
    graph = explorer.presenter.layout.graph
    return {graph.kinds[b] for b in explorer.view.boxes_in_view().tolist()}


# ------------------------------------------------------------------------------ in the window


def test_zooming_in_opens_every_record_in_view_into_the_engines_scalars(qtbot, explorer):
    weights = show_16(qtbot, explorer)
    assert explorer.level_mode == "auto"
    assert explorer.controls.collapse_button.text() == "Level: Automatic"
    assert "zoom in for every * and + node" in explorer.controls.status_label.text()
    pos = record_point(explorer, "layers.1.neurons.4.relu[0]")  # over the record L2.N5
    zoom_in_over(qtbot, explorer, pos)
    graph = explorer.presenter.layout.graph
    in_view = explorer.view.boxes_in_view()
    # Close in, no record is left in view: each is its chain of * and + nodes.
    assert kinds_in_view(explorer) == {"node"}
    ops = {graph.ops[b] for b in in_view.tolist()}
    assert {"*", "+"} <= ops
    # The numbers are the engine's: every node of the neuron under the cursor, and every
    # labelled node (weight, bias, input) and product in view.
    loss, order = engine_graph(weights, y=-1.0, nouts=NOUTS)
    assert explorer.snapshot.nodes[explorer.snapshot.root].value == loss.data
    by_label = {v.label: v for v in order if v.label}
    product_of = {p.label: v for v in order if v.op == "*" for p in v.parents if p.label}
    nodes = explorer.view.nodes
    checked = 0
    for box in in_view.tolist():
        node = explorer.snapshot.nodes[graph.rep[box]]
        if node.label in by_label:
            expected = by_label[node.label]
        elif node.op == "*":
            weight = next(explorer.snapshot.nodes[p].label for p in node.parents)
            expected = product_of[weight]
        else:
            continue
        assert (nodes.values[box], nodes.grads[box]) == (expected.data, expected.grad)
        checked += 1
    assert checked >= 10
    mine = [b for b in range(len(graph)) if graph.groups[b] == (1, 4)]
    assert len(mine) == 3 * 16 + 2  # weights, products, sums, bias and ReLU of L2.N5
    grads = [nodes.grads[b] for b in mine]
    assert any(g != 0 for g in grads)
    # The header says what the zoom did.
    assert "zoom opened" in explorer.controls.status_label.text()


def test_zooming_out_folds_back_to_records_and_far_out_each_layer_is_a_block(
    qtbot, explorer, monkeypatch
):
    weights = show_16(qtbot, explorer)
    pos = record_point(explorer, "layers.0.neurons.2.relu[0]")
    zoom_in_over(qtbot, explorer, pos)
    assert "neuron" not in kinds_in_view(explorer)
    zoom_out_over(qtbot, explorer, pos, ZOOM_FOLD)
    graph = explorer.presenter.layout.graph
    # One record per neuron again (and the loss one record): only the inputs are scalars.
    assert graph.kinds.count("neuron") == sum(NOUTS) and graph.kinds.count("loss") == 1
    assert [graph.titles[b] for b, k in enumerate(graph.kinds) if k == "node"] == ["x1", "x2"]
    assert "zoom in for every * and + node" in explorer.controls.status_label.text()
    # Further out: each layer is painted as one block with its count and mean |grad|.
    nodes = explorer.view.nodes
    drawn = []
    block_lines = nodes.block_lines
    monkeypatch.setattr(
        nodes, "block_lines", lambda r, **kw: drawn.append(r) or block_lines(r, **kw)
    )
    zoom_out_over(qtbot, explorer, pos, LOD_BLOCKS)
    explorer.view.grab()
    assert {r.layer for r in drawn} == {-1, 0, 1, 2, 3}
    layer_2 = next(r for r in drawn if r.layer == 1)
    assert block_lines(layer_2)[0] == "layer 2 · 16 ReLU"
    assert block_lines(layer_2)[1].startswith("mean |grad| ")
    # the mean |grad| of layer 2's 16 neuron outputs, as the engine computes them
    _, order = engine_graph(weights, y=-1.0, nouts=NOUTS)
    mean = sum(abs(relu_of(order, 1, k).grad) for k in range(16)) / 16
    assert mean > 0
    assert block_lines(layer_2)[1] == f"mean |grad| {format_number(mean)}"
    # a block narrower than its text says the same, one part a line
    narrow = block_lines(layer_2, narrow=True)
    assert narrow[:3] == ["layer 2", "16 ReLU", "mean |grad|"]
    assert float(narrow[3]) == pytest.approx(mean, rel=1e-3)


def under(explorer, pos: QPointF) -> tuple[int, QPointF]:
    """The node whose box is under (or nearest to) viewport point ``pos``, and where the
    point lies relative to that box's top-left corner, in scene units."""
    view = explorer.view
    inverse, _ = view.viewportTransform().inverted()
    point = inverse.map(pos)
    box = view.box_near(point)
    node = explorer.presenter.layout.graph.rep[box]
    return node, QPointF(point.x() - view.nodes.x[box], point.y() - view.nodes.y[box])


def wheel_across(qtbot, explorer, pos: QPointF, threshold: float, clicks: int) -> None:
    """Wheel (``clicks`` = +1 in, -1 out) until the next click crosses ``threshold``;
    that last click is left to the caller."""
    view = explorer.view
    step = 1.0015**120
    while (view.zoom() * step < threshold) if clicks > 0 else (view.zoom() / step >= threshold):
        wheel(qtbot, view, pos, clicks)
    qtbot.waitUntil(lambda: settled(explorer), timeout=WAIT_MS)


@pytest.mark.parametrize("where", ["on a record", "beside a record"])
def test_the_point_under_the_cursor_stays_put_across_level_changes(qtbot, explorer, where):
    show_16(qtbot, explorer)
    # on the record L2.N7, or in the gap right of it (its box is still the nearest)
    dx = 23.0 if where == "on a record" else 64.0 + 6.0
    pos = record_point(explorer, "layers.1.neurons.6.relu[0]", dx=dx, dy=7.0)
    view = explorer.view
    for clicks, threshold, kind_before, kind_after in (
        (1, ZOOM_OPEN, "neuron", "node"),  # zoom in: the record opens
        (-1, ZOOM_FOLD, "node", "neuron"),  # zoom out: it folds again
    ):
        wheel_across(qtbot, explorer, pos, threshold, clicks)
        node, offset = under(explorer, pos)
        graph = explorer.presenter.layout.graph
        box = explorer.presenter.box_of(node)
        assert graph.kinds[box] == kind_before
        boxes = len(graph)
        wheel(qtbot, view, pos, clicks)
        qtbot.waitUntil(lambda b=boxes: len(explorer.presenter.layout.graph) != b, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: settled(explorer), timeout=WAIT_MS)
        box_now = explorer.presenter.box_of(node)
        assert explorer.presenter.layout.graph.kinds[box_now] == kind_after
        # The same place of the same node's box is under the cursor: the box is where it
        # was on screen, give or take a pixel.
        inverse, _ = view.viewportTransform().inverted()
        point = inverse.map(pos)
        pixel = 1.0 / view.zoom()
        assert abs(point.x() - view.nodes.x[box_now] - offset.x()) <= 1.5 * pixel
        assert abs(point.y() - view.nodes.y[box_now] - offset.y()) <= 1.5 * pixel


def test_an_explicit_level_choice_wins_over_the_zoom(qtbot, explorer):
    show_16(qtbot, explorer)
    controls = explorer.controls
    before = explorer.presenter.layout
    with qtbot.waitSignal(explorer.layoutChanged, timeout=WAIT_MS):
        controls.level_actions["neurons"].trigger()  # Level > Neurons: one record each
    assert controls.collapse_button.text() == "Level: Neurons"
    assert controls.level_actions["neurons"].isChecked()
    assert not controls.level_actions["auto"].isChecked()
    pos = record_point(explorer, "layers.1.neurons.4.relu[0]")
    view = explorer.view
    while view.zoom() < 2 * ZOOM_OPEN:
        wheel(qtbot, view, pos, 1)
    qtbot.waitUntil(lambda: settled(explorer) and not explorer._pan_timer.isActive())
    assert explorer.presenter.layout.graph.kinds == before.graph.kinds  # still records
    assert "neuron" in kinds_in_view(explorer)
    # Every scalar, chosen: zooming far out keeps it.
    with qtbot.waitSignal(explorer.layoutChanged, timeout=WAIT_MS):
        controls.level_actions["expand"].trigger()
    assert controls.collapse_button.text() == "Level: Every scalar"
    everything = len(explorer.presenter.layout.graph)
    assert everything == len(explorer.snapshot)
    pos = QPointF(view.viewport().rect().center())
    wheel(qtbot, view, pos, 3)
    zoom_out_over(qtbot, explorer, pos, ZOOM_FOLD / 2)
    assert len(explorer.presenter.layout.graph) == everything
    # Back to Automatic: the zoom decides again.
    with qtbot.waitSignal(explorer.layoutChanged, timeout=WAIT_MS):
        controls.level_actions["auto"].trigger()
    assert controls.collapse_button.text() == "Level: Automatic"
    assert explorer.presenter.layout.graph.kinds.count("neuron") == sum(NOUTS)
    zoom_in_over(qtbot, explorer, record_point(explorer, "layers.1.neurons.4.relu[0]"))
    assert kinds_in_view(explorer) == {"node"}


def test_a_neuron_expanded_or_folded_by_hand_stays_so_whatever_the_zoom(qtbot, explorer):
    show_16(qtbot, explorer)
    # L1.N1 expanded by hand (double-click) stays open when the zoom folds the others.
    record = explorer.snapshot.find("layers.0.neurons.0.relu[0]")
    click_node(qtbot, explorer, record, double=True)
    graph = explorer.presenter.layout.graph
    assert graph.kinds[explorer.presenter.box_of(record)] == "node"
    pos = record_point(explorer, "layers.1.neurons.4.relu[0]")
    zoom_in_over(qtbot, explorer, pos)
    # L2.N5, opened by the zoom, folded by hand: it stays folded while zoomed in.
    target = explorer.snapshot.find("layers.1.neurons.4.relu[0]")
    click_node(qtbot, explorer, target, double=True)
    qtbot.waitUntil(lambda: settled(explorer), timeout=WAIT_MS)
    assert explorer.presenter.layout.graph.kinds[explorer.presenter.box_of(target)] == "neuron"
    pos = record_point(explorer, "layers.1.neurons.4.relu[0]")
    wheel(qtbot, explorer.view, pos, 2)
    qtbot.waitUntil(lambda: settled(explorer), timeout=WAIT_MS)
    assert explorer.presenter.layout.graph.kinds[explorer.presenter.box_of(target)] == "neuron"
    zoom_out_over(qtbot, explorer, pos, ZOOM_FOLD)
    graph = explorer.presenter.layout.graph
    assert graph.kinds[explorer.presenter.box_of(record)] == "node"  # still open by hand
    assert graph.kinds.count("neuron") == sum(NOUTS) - 1


def test_the_selection_and_the_inspector_agree_across_level_changes(qtbot, explorer):
    show_16(qtbot, explorer)
    key = "layers.1.neurons.4.w.3"  # a weight inside the record L2.N5
    assert explorer.select_key(key)
    node_id = explorer.snapshot.find(key)
    inspector, nodes = explorer.inspector, explorer.view.nodes
    record = explorer.presenter.box_of(node_id)
    assert nodes.selected == record
    assert inspector.heading.text() == (
        "L2.N5.w4 — inside the folded box L2.N5 (double-click it to expand)"
    )
    pos = record_point(explorer, "layers.1.neurons.4.relu[0]")
    zoom_in_over(qtbot, explorer, pos)
    box = explorer.presenter.box_of(node_id)
    assert explorer.presenter.layout.graph.rep[box] == node_id  # its own box now
    assert nodes.selected == box and nodes.highlighted[box]
    assert inspector.node_id == node_id and inspector.heading.text() == "L2.N5.w4"
    assert explorer.selected_key == key
    zoom_out_over(qtbot, explorer, pos, ZOOM_FOLD)
    assert nodes.selected == explorer.presenter.box_of(node_id)
    assert explorer.presenter.layout.graph.kinds[nodes.selected] == "neuron"
    assert inspector.node_id == node_id
    assert inspector.heading.text() == (
        "L2.N5.w4 — inside the folded box L2.N5 (double-click it to expand)"
    )


def test_fit_folds_what_the_zoom_opened_and_shows_the_whole_graph(qtbot, explorer):
    show_16(qtbot, explorer)
    zoom_in_over(qtbot, explorer, record_point(explorer, "layers.0.neurons.7.relu[0]"))
    with qtbot.waitSignal(explorer.layoutChanged, timeout=WAIT_MS):
        qtbot.mouseClick(explorer.controls.fit_button, Qt.LeftButton)
    graph = explorer.presenter.layout.graph
    assert graph.kinds.count("neuron") == sum(NOUTS)
    assert all(explorer.view.box_visible(b) for b in range(len(graph)))


def test_a_big_graph_opens_on_the_job_thread_and_keeps_its_place(qtbot, explorer):
    nouts = [64, 64, 1]
    weights = weights_of(0, nouts)
    explorer.set_model(weights, 2, nouts, "relu", "hinge", "binary")
    with qtbot.waitSignal(explorer.graphShown, timeout=60_000):
        explorer.show_sample(0, X, 1.0)
    view = explorer.view
    key = "layers.1.neurons.20.relu[0]"
    view.center_on_box(explorer.presenter.box_of(explorer.snapshot.find(key)))
    qtbot.waitUntil(lambda: settled(explorer), timeout=WAIT_MS)
    pos = record_point(explorer, key)
    assert explorer.presenter.layout.graph.kinds.count("neuron") == 129
    while view.zoom() < ZOOM_OPEN:
        wheel(qtbot, view, pos, 1)
    qtbot.waitUntil(lambda: explorer.jobs.busy, timeout=WAIT_MS)  # laid out off the GUI thread
    qtbot.waitUntil(lambda: "node" in kinds_in_view(explorer), timeout=60_000)
    qtbot.waitUntil(lambda: settled(explorer), timeout=60_000)
    assert kinds_in_view(explorer) == {"node"}
    box = explorer.presenter.box_of(explorer.snapshot.find(key))
    assert box in view.boxes_in_view()
    _, order = engine_graph(weights, nouts=nouts)
    relu = relu_of(order, 1, 20)
    assert (view.nodes.values[box], view.nodes.grads[box]) == (relu.data, relu.grad)


# ------------------------------------------------------------------------------ the policy


def test_the_zoom_opens_what_is_in_view_and_folds_it_with_hysteresis():
    state = ZoomOpened()
    assert state.after_zoom(ZOOM_OPEN - 0.01, {(0, 1)}) is None  # not close enough yet
    opened = state.after_zoom(ZOOM_OPEN, {(0, 1), (0, 2)})
    assert opened.opened == {(0, 1), (0, 2)}
    assert opened.after_zoom(ZOOM_OPEN, {(0, 1)}) is None  # nothing new in view
    assert opened.after_zoom(ZOOM_FOLD, set()) is None  # between the thresholds: stays
    assert opened.after_zoom(ZOOM_FOLD - 0.01, set()).opened == frozenset()
    assert ZOOM_FOLD < ZOOM_OPEN and ZOOM_OPEN > 1.0  # above every fit zoom


def test_hand_choices_survive_the_zoom():
    user = CollapseState.neuron_level()
    state = ZoomOpened().after_zoom(2.0, {(0, 1), (0, 2)})
    assert not state.applied_to(user).neuron_folded(0, 1)
    # fold (0, 1) by hand while the zoom has it open: the zoom does not open it again
    user, state = state.toggled_by_hand(user, (0, 1))
    assert state.applied_to(user).neuron_folded(0, 1)
    assert state.after_zoom(2.0, {(0, 1)}) is None
    # open (0, 3) by hand: it stays open when the zoom folds the rest
    user, state = state.toggled_by_hand(user, (0, 3))
    folded = state.after_zoom(0.5, set())
    assert not folded.applied_to(user).neuron_folded(0, 3)
    assert folded.applied_to(user).neuron_folded(0, 2)
    # and opening (0, 1) by hand again wins over its "kept folded"
    user, state = folded.toggled_by_hand(user, (0, 1))
    assert not state.applied_to(user).neuron_folded(0, 1)


@pytest.mark.parametrize("nouts", [[16, 16, 1], [64, 64, 1]])
def test_open_in_view_opens_every_record_it_shows_and_none_it_does_not(nouts):
    weights = weights_of(4, nouts)
    snapshot = build_sample_graph(weights, 2, nouts, "relu", "hinge", X, 0.0, "binary")
    user = CollapseState.neuron_level()
    layout = build_view(snapshot, user)
    key = snapshot.find("layers.1.neurons.4.relu[0]")
    box = int(layout.graph.box_of[key])
    place = ViewPlace(1.3, 975.0, 645.0, 480.0, 300.0, key, 0.4, 0.6)
    first = ZoomOpened().after_zoom(1.3, records_in_rect(layout, place.scene_rect(layout)))
    assert first is not None and (1, 4) in first.opened
    state, final = open_in_view(snapshot, user, first, place)
    rect = place.scene_rect(final)
    assert (1, 4) in state.opened  # the record under the mouse
    assert not records_in_rect(final, rect)  # no record left in view: every scalar is there
    assert state.opened <= groups_in_rect(final, rect)  # and nothing opened out of sight
    assert final.graph.kinds.count("neuron") == sum(nouts) - len(state.opened)
    # the anchor node's box is where the view will put the point
    left, top, _, _ = rect
    box = int(final.graph.box_of[key])
    assert final.x[box] + 0.4 * final.w[box] - left == pytest.approx(480.0 / 1.3)
    assert final.y[box] + 0.6 * final.h[box] - top == pytest.approx(300.0 / 1.3)


def test_open_in_view_keeps_what_the_zoom_opened_before():
    nouts = [16, 16, 1]
    snapshot = build_sample_graph(weights_of(4, nouts), 2, nouts, "relu", "hinge", X, 0.0, "binary")
    user = CollapseState.neuron_level()
    before = ZoomOpened(frozenset({(0, 15)}), frozenset({(1, 5)}))  # opened earlier, elsewhere
    layout = build_view(snapshot, before.applied_to(user))
    key = snapshot.find("layers.1.neurons.4.relu[0]")
    place = ViewPlace(1.3, 975.0, 645.0, 480.0, 300.0, key, 0.4, 0.6)
    first = before.after_zoom(1.3, records_in_rect(layout, place.scene_rect(layout)))
    state, final = open_in_view(snapshot, user, first, place, before=before)
    assert (0, 15) in state.opened  # still open, in view or not
    assert (1, 5) not in state.opened and state.kept_folded == {(1, 5)}  # folded by hand
    rect = place.scene_rect(final)
    assert records_in_rect(final, rect) <= {(1, 5)}
