"""Which nodes are visible (collapse/expand) and where they go (layered layout).

Pure Python + numpy, no Qt: the explorer runs it in a worker thread for big
graphs. The layout reads left to right: inputs, then each layer of the MLP,
then the loss. Inside a layer, neurons are stacked top to bottom; inside a
neuron (micrograd's unfused form) the columns are weights, products,
running sums and the activation, so the chain ``((b + w0*x0) + w1*x1) + ...``
runs straight down one column instead of marching off to the right.

A collapsed neuron is one box (its activation's value and gradient); a
collapsed layer is one box for the whole layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from microgui.graph_explorer.snapshot import GraphSnapshot

__all__ = [
    "COLUMN_PITCH",
    "NODE_HEIGHT",
    "NODE_WIDTH",
    "ORIENTATIONS",
    "ROW_PITCH",
    "CollapseState",
    "GraphLayout",
    "VisibleGraph",
    "build_view",
    "compute_layout",
    "visible_graph",
]

NODE_WIDTH = 124.0
NODE_HEIGHT = 46.0
COLUMN_PITCH = 184.0
ROW_PITCH = 56.0
ORIENTATIONS = ("LR", "TB")
_GROUP_GAP_ROWS = 0.6
_BAND_GAP_COLUMNS = 0.3
_TARGET_ASPECT = 0.6  # drawing height / width, about a wide screen's


@dataclass(frozen=True)
class CollapseState:
    """Which neurons ((layer, neuron) pairs) and layers are shown as one box."""

    neurons: frozenset[tuple[int, int]] = frozenset()
    layers: frozenset[int] = frozenset()

    def toggled_neuron(self, layer: int, neuron: int) -> CollapseState:
        key = (layer, neuron)
        neurons = self.neurons - {key} if key in self.neurons else self.neurons | {key}
        return CollapseState(neurons, self.layers)

    def toggled_layer(self, layer: int) -> CollapseState:
        layers = self.layers - {layer} if layer in self.layers else self.layers | {layer}
        return CollapseState(self.neurons, layers)

    def revealing(self, layer: int, neuron: int) -> CollapseState:
        """This state with the given neuron and its layer expanded."""
        return CollapseState(self.neurons - {(layer, neuron)}, self.layers - {layer})


@dataclass(frozen=True)
class VisibleGraph:
    """The boxes the view draws and the edges between them.

    ``rep[v]`` is the snapshot node box v stands for (a collapsed neuron
    shows its activation; a collapsed layer has -1); ``box_of[i]`` is the box
    that shows snapshot node i.
    """

    kinds: tuple[str, ...]  # "node" | "neuron" | "layer"
    rep: tuple[int, ...]
    groups: tuple[tuple[int, int], ...]
    titles: tuple[str, ...]
    ops: tuple[str, ...]
    box_of: np.ndarray
    edges: np.ndarray  # (E, 2) int: (parent box, child box)

    def __len__(self) -> int:
        return len(self.kinds)


@dataclass(frozen=True)
class GraphLayout:
    """Top-left corners of the boxes plus one line segment per edge."""

    graph: VisibleGraph
    x: np.ndarray
    y: np.ndarray
    segments: np.ndarray = field(repr=False)  # (E, 4): x1, y1, x2, y2
    width: float = 0.0
    height: float = 0.0


def visible_graph(snapshot: GraphSnapshot, collapse: CollapseState | None = None) -> VisibleGraph:
    """Boxes for ``snapshot`` under ``collapse`` (None: everything expanded)."""
    collapse = collapse or CollapseState()
    box_of: list[int] = []
    kinds: list[str] = []
    rep: list[int] = []
    groups: list[tuple[int, int]] = []
    titles: list[str] = []
    ops: list[str] = []
    merged: dict[tuple, int] = {}
    # A collapsed neuron's box stands for its last node in topological order (the activation).
    last_of_neuron: dict[tuple[int, int], int] = {}
    layer_sizes: dict[int, set[int]] = {}
    for node in snapshot.nodes:
        if node.neuron >= 0 and 0 <= node.layer < snapshot.n_layers:
            last_of_neuron[(node.layer, node.neuron)] = node.id
            layer_sizes.setdefault(node.layer, set()).add(node.neuron)
    for node in snapshot.nodes:
        in_model = 0 <= node.layer < snapshot.n_layers and node.neuron >= 0
        if in_model and node.layer in collapse.layers:
            key: tuple = ("layer", node.layer)
        elif in_model and (node.layer, node.neuron) in collapse.neurons:
            key = ("neuron", node.layer, node.neuron)
        else:
            box_of.append(len(kinds))
            kinds.append("node")
            rep.append(node.id)
            groups.append((node.layer, node.neuron))
            titles.append(node.title)
            ops.append(node.op)
            continue
        if key not in merged:
            merged[key] = len(kinds)
            if key[0] == "layer":
                kinds.append("layer")
                rep.append(-1)
                groups.append((node.layer, -2))
                titles.append(f"layer {node.layer} ({len(layer_sizes[node.layer])} neurons)")
                ops.append("layer")
            else:
                last = last_of_neuron[(node.layer, node.neuron)]
                kinds.append("neuron")
                rep.append(last)
                groups.append((node.layer, node.neuron))
                titles.append(f"L{node.layer}.N{node.neuron} {snapshot.nodes[last].op}")
                ops.append("neuron")
        box_of.append(merged[key])
    pairs = set()
    for node in snapshot.nodes:
        child = box_of[node.id]
        for p in node.parents:
            parent = box_of[p]
            if parent != child:
                pairs.add((parent, child))
    edges = np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
    return VisibleGraph(
        kinds=tuple(kinds),
        rep=tuple(rep),
        groups=tuple(groups),
        titles=tuple(titles),
        ops=tuple(ops),
        box_of=np.array(box_of, dtype=np.int64),
        edges=edges,
    )


def _group_columns_and_rows(
    members: list[int],
    in_group_parents: dict[int, list[int]],
    ops: tuple[str, ...],
    compress_sums: bool,
) -> tuple[dict[int, int], dict[int, float], float]:
    """Column and row of each box in one group, and the group's height in rows."""
    column: dict[int, int] = {}
    for b in members:  # members are in topological order
        parents = in_group_parents.get(b, ())
        depth = 0
        for p in parents:
            same_chain = compress_sums and ops[p] == ops[b] == "+"
            depth = max(depth, column[p] + (0 if same_chain else 1))
        column[b] = depth
    if not compress_sums:
        # Leaves sit just left of their first user instead of all in column 0.
        children: dict[int, list[int]] = {}
        for b in members:
            for p in in_group_parents.get(b, ()):
                children.setdefault(p, []).append(b)
        for b in members:
            if not in_group_parents.get(b) and b in children:
                column[b] = max(0, min(column[c] for c in children[b]) - 1)
    next_free: dict[int, float] = {}
    row: dict[int, float] = {}
    for b in members:
        col = column[b]
        parents = in_group_parents.get(b, ())
        wanted = next_free.get(col, 0.0)
        if parents:
            parent_rows = [row[p] for p in parents]
            target = max(parent_rows) if compress_sums else sum(parent_rows) / len(parent_rows)
            wanted = max(wanted, float(round(target)))
        row[b] = wanted
        next_free[col] = wanted + 1.0
    return column, row, max(next_free.values(), default=1.0)


def compute_layout(
    graph: VisibleGraph, compress_sums: bool = True, orientation: str = "LR"
) -> GraphLayout:
    """Place every box: layers left to right, groups (neurons) top to bottom.

    ``compress_sums`` keeps micrograd's chain of ``+`` nodes in one column
    (for MLP graphs); without it every node gets its own depth (expressions).
    ``orientation`` "TB" turns the drawing by a quarter (depth runs down),
    which suits deep, narrow expression graphs in a tall view.
    """
    if orientation not in ORIENTATIONS:
        raise ValueError(f"orientation must be one of {ORIENTATIONS}, got {orientation!r}")
    n = len(graph)
    in_group_parents: dict[int, list[int]] = {}
    for parent, child in graph.edges.tolist():
        if graph.groups[parent] == graph.groups[child]:
            in_group_parents.setdefault(child, []).append(parent)
    members_of: dict[tuple[int, int], list[int]] = {}
    for b, group in enumerate(graph.groups):
        members_of.setdefault(group, []).append(b)

    column = np.zeros(n, dtype=np.float64)
    row = np.zeros(n, dtype=np.float64)
    layer_columns: dict[int, int] = {}
    layer_groups: dict[int, list[tuple[tuple[int, int], float]]] = {}  # layer -> (group, rows)
    for group in sorted(members_of):
        cols, rows, height = _group_columns_and_rows(
            members_of[group], in_group_parents, graph.ops, compress_sums
        )
        for b in members_of[group]:
            column[b] = cols[b]
            row[b] = rows[b]
        layer = group[0]
        layer_columns[layer] = max(layer_columns.get(layer, 1), max(cols.values()) + 1)
        layer_groups.setdefault(layer, []).append((group, height))

    placement = _place_groups(layer_groups, layer_columns)
    for b, group in enumerate(graph.groups):
        group_x, group_y = placement[group]
        column[b] += group_x
        row[b] += group_y

    if orientation == "LR":
        x, y = column * COLUMN_PITCH, row * ROW_PITCH
    else:
        x, y = row * (NODE_WIDTH + 24.0), column * (NODE_HEIGHT + 44.0)
    return GraphLayout(
        graph=graph,
        x=x,
        y=y,
        segments=_edge_segments(graph.edges, x, y, orientation),
        width=float(x.max() + NODE_WIDTH) if n else 0.0,
        height=float(y.max() + NODE_HEIGHT) if n else 0.0,
    )


def _pack_bands(entries: list[tuple[tuple[int, int], float]], limit: float) -> list[list]:
    """Split a layer's groups, in order, into bands no taller than ``limit`` rows.

    Greedy filling finds how many bands are needed; the groups are then
    spread evenly over that many (8 + 8, not 15 + 1).
    """
    count, height = 1, 0.0
    for _, rows in entries:
        if height > 0 and height + rows > limit + 1e-9:
            count += 1
            height = 0.0
        height += rows + (_GROUP_GAP_ROWS if rows > 1 else 0.15)
    per_band = -(-len(entries) // count)  # ceiling division
    return [entries[i : i + per_band] for i in range(0, len(entries), per_band)]


def _band_height(band: list) -> float:
    return sum(rows for _, rows in band) + sum(
        _GROUP_GAP_ROWS if rows > 1 else 0.15 for _, rows in band[:-1]
    )


def _place_groups(
    layer_groups: dict[int, list[tuple[tuple[int, int], float]]], layer_columns: dict[int, int]
) -> dict[tuple[int, int], tuple[float, float]]:
    """(column, row) of each group's top-left corner.

    A tall layer (64 neurons of 65 rows each) is wrapped into several bands
    side by side, so that the whole drawing stays roughly as wide as a
    screen is, instead of one column 200,000 pixels tall. The band height
    is the candidate whose drawing's aspect ratio is closest to
    _TARGET_ASPECT.
    """
    tallest_group = max(rows for entries in layer_groups.values() for _, rows in entries)
    tallest_layer = max(_band_height(entries) for entries in layer_groups.values())
    candidates = {tallest_group, tallest_layer}
    limit = tallest_group
    while limit < tallest_layer:
        candidates.add(limit)
        limit *= 1.25
    best: tuple[float, dict] | None = None
    for limit in sorted(candidates):
        packed = {layer: _pack_bands(entries, limit) for layer, entries in layer_groups.items()}
        width = sum(
            len(bands) * (layer_columns[layer] + _BAND_GAP_COLUMNS)
            for layer, bands in packed.items()
        )
        height = max(_band_height(band) for bands in packed.values() for band in bands)
        aspect = (height * ROW_PITCH) / (width * COLUMN_PITCH)
        score = abs(np.log(aspect / _TARGET_ASPECT))
        if best is None or score < best[0] - 1e-9:
            best = (score, packed)
    assert best is not None
    packed = best[1]
    tallest = max(_band_height(band) for bands in packed.values() for band in bands)
    placement: dict[tuple[int, int], tuple[float, float]] = {}
    x_cursor = 0.0
    for layer in sorted(packed):
        for band in packed[layer]:
            top = (tallest - _band_height(band)) / 2.0  # centre each band
            for group, rows in band:
                placement[group] = (x_cursor, top)
                top += rows + (_GROUP_GAP_ROWS if rows > 1 else 0.15)
            x_cursor += layer_columns[layer] + _BAND_GAP_COLUMNS
    return placement


def _edge_segments(edges: np.ndarray, x: np.ndarray, y: np.ndarray, orientation: str) -> np.ndarray:
    """One segment per edge, from the parent's side facing the child to the child's.

    LR: right side to left side, or bottom to top within a column (a chain
    of sums). TB: bottom to top, or side to side within a row.
    """
    if len(edges) == 0:
        return np.zeros((0, 4))
    p, c = edges[:, 0], edges[:, 1]
    w, h = NODE_WIDTH, NODE_HEIGHT
    if orientation == "TB":
        x, y, w, h = y, x, h, w  # solve the transposed problem, then swap back
    same_column = np.isclose(x[p], x[c])
    below = y[c] >= y[p]
    x1 = np.where(same_column, x[p] + w / 2, x[p] + w)
    x2 = np.where(same_column, x[c] + w / 2, x[c])
    y1 = np.where(same_column, np.where(below, y[p] + h, y[p]), y[p] + h / 2)
    y2 = np.where(same_column, np.where(below, y[c], y[c] + h), y[c] + h / 2)
    if orientation == "TB":
        return np.column_stack([y1, x1, y2, x2])
    return np.column_stack([x1, y1, x2, y2])


def build_view(
    snapshot: GraphSnapshot, collapse: CollapseState | None = None, orientation: str = "LR"
) -> GraphLayout:
    """Visible boxes and their layout (safe on a worker thread: no Qt)."""
    # MLP graphs keep each neuron's chain of sums in one column; expressions do not.
    graph = visible_graph(snapshot, collapse)
    return compute_layout(graph, compress_sums=snapshot.n_layers > 0, orientation=orientation)
