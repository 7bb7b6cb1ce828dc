"""Which boxes are visible (fold/expand) and where they go (layered layout).

Pure Python + numpy, no Qt: the explorer runs it in a worker thread for big
graphs. The layout reads left to right: inputs, then each layer of the MLP,
then the loss, each under a header naming it.

The graph opens at neuron level: every neuron is one record box (its
activation's label, data and grad, like micrograd's ``draw_dot``) and the
loss is one record too. Expanding a neuron shows micrograd's chain of ``*``
and ``+`` nodes: its columns are weights, products, running sums and the
activation, so the chain ``((b + w0*x0) + w1*x1) + ...`` runs straight down
one column. A folded layer is one block for the whole layer.

A tall layer is wrapped into bands (columns) of neurons, so the drawing
stays about as wide as a screen. Which neuron goes into which band depends
only on the layer sizes and the default level, never on which neurons are
expanded, and every band keeps its records right-aligned in one column: an
expanded neuron grows its band to the left and down while its neighbours
stay in their tidy column.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from microgui.graph_explorer.snapshot import GraphSnapshot
from microgui.widgets.numbering import layer_title

__all__ = [
    "HEADER_HEIGHT",
    "NODE_HEIGHT",
    "NODE_WIDTH",
    "ORIENTATIONS",
    "CollapseState",
    "GraphLayout",
    "VisibleGraph",
    "build_view",
    "compute_layout",
    "visible_graph",
]

# A record: three lines (label, data, grad) at 15 scene pixels. At the fit zoom
# of MLP(2,[16,16,1]) in the window's default size (about 0.87) that is 13 pixels
# on screen, above 9 pt; tests/microgui/graph_explorer checks it.
NODE_WIDTH = 128.0
NODE_HEIGHT = 56.0
ROW_PITCH = 64.0  # one row of boxes
COLUMN_PITCH = NODE_WIDTH + 52.0  # columns inside one group (an expanded neuron)
BAND_GAP = 18.0  # between the bands of one layer
LAYER_GAP = 48.0  # between layers: room for the edges to fan out
HEADER_HEIGHT = 34.0  # above the boxes: "layer 1 · 16 ReLU"
LAYER_BLOCK_ROWS = 2  # a folded layer's block is two rows tall
ORIENTATIONS = ("LR", "TB")
_GROUP_GAP_ROWS = 0.25  # between two groups when one of them is an expanded neuron
_TARGET_ASPECT = 0.62  # drawing height / width, about the Graph tab's view


@dataclass(frozen=True)
class CollapseState:
    """Which neurons are folded into one record and which layers into one block.

    ``neurons_folded`` is the default for every neuron (True: neuron level,
    the graph's first view; False: every scalar); ``toggled`` lists the
    neurons shown the other way. The loss is a group like a neuron: key
    ``(n_layers, 0)``.
    """

    neurons_folded: bool = True
    toggled: frozenset[tuple[int, int]] = frozenset()
    layers: frozenset[int] = frozenset()

    @classmethod
    def neuron_level(cls) -> CollapseState:
        """Every neuron and the loss one record (the default)."""
        return cls()

    @classmethod
    def scalar_level(cls) -> CollapseState:
        """Every scalar of the graph its own box."""
        return cls(neurons_folded=False)

    @classmethod
    def layer_level(cls, layers: frozenset[int]) -> CollapseState:
        """Each of ``layers`` one block."""
        return cls(layers=frozenset(layers))

    def neuron_folded(self, layer: int, neuron: int) -> bool:
        return self.neurons_folded != ((layer, neuron) in self.toggled)

    def toggled_neuron(self, layer: int, neuron: int) -> CollapseState:
        return CollapseState(self.neurons_folded, self.toggled ^ {(layer, neuron)}, self.layers)

    def toggled_layer(self, layer: int) -> CollapseState:
        return CollapseState(self.neurons_folded, self.toggled, self.layers ^ {layer})

    def revealing(self, layer: int, neuron: int) -> CollapseState:
        """This state with the given neuron and its layer expanded (and nothing else)."""
        toggled = self.toggled
        if self.neuron_folded(layer, neuron):
            toggled = toggled ^ {(layer, neuron)}
        return CollapseState(self.neurons_folded, toggled, self.layers - {layer})


@dataclass(frozen=True)
class VisibleGraph:
    """The boxes the view draws and the edges between them.

    ``rep[v]`` is the snapshot node box v stands for (a folded neuron or loss
    shows its last node; a folded layer has -1); ``box_of[i]`` is the box
    that shows snapshot node i. ``edge_of_scalar_edge[s]`` is the box edge
    that the snapshot's edge s (``snapshot.edge_parent[s] -> edge_child[s]``)
    runs along, or -1 inside one box: the views add up the gradient flowing
    along each box edge from it.
    """

    kinds: tuple[str, ...]  # "node" | "neuron" | "loss" | "layer"
    rep: tuple[int, ...]
    groups: tuple[tuple[int, int], ...]
    titles: tuple[str, ...]
    ops: tuple[str, ...]
    box_of: np.ndarray
    edges: np.ndarray  # (E, 2) int: (parent box, child box)
    edge_of_scalar_edge: np.ndarray = field(default=None, repr=False)
    n_layers: int = 0
    layer_sizes: tuple[int, ...] = ()  # neurons per layer of the model
    layer_activations: tuple[str, ...] = ()  # "ReLU", "tanh", "sigmoid", "linear" per layer
    neurons_folded: bool = True  # the default level the bands are planned for

    def __len__(self) -> int:
        return len(self.kinds)


@dataclass(frozen=True)
class LayerRegion:
    """Where one layer (or the inputs, or the loss) lies, and its header."""

    layer: int  # -1 inputs, 0..n-1 the model's layers, n the loss
    left: float
    top: float
    right: float
    bottom: float
    title: str
    neurons: int  # boxes of the model's neurons in it (0 for inputs and loss)


@dataclass(frozen=True)
class GraphLayout:
    """Top-left corners and sizes of the boxes, one line segment per edge, layer regions."""

    graph: VisibleGraph
    x: np.ndarray
    y: np.ndarray
    segments: np.ndarray = field(repr=False)  # (E, 4): x1, y1, x2, y2
    width: float = 0.0
    height: float = 0.0
    w: np.ndarray = field(default=None, repr=False)  # box widths
    h: np.ndarray = field(default=None, repr=False)  # box heights
    regions: tuple[LayerRegion, ...] = ()


def visible_graph(snapshot: GraphSnapshot, collapse: CollapseState | None = None) -> VisibleGraph:
    """Boxes for ``snapshot`` under ``collapse`` (None: the neuron level)."""
    collapse = collapse or CollapseState()
    n_layers = snapshot.n_layers
    box_of: list[int] = []
    kinds: list[str] = []
    rep: list[int] = []
    groups: list[tuple[int, int]] = []
    titles: list[str] = []
    ops: list[str] = []
    merged: dict[tuple, int] = {}
    # A folded neuron's (or the loss's) box stands for its last node in topological
    # order: the activation (or the loss itself).
    last_of_group: dict[tuple[int, int], int] = {}
    layer_sizes: dict[int, set[int]] = {}
    for node in snapshot.nodes:
        if n_layers and _foldable(node.layer, node.neuron, node.role, n_layers):
            last_of_group[(node.layer, node.neuron)] = node.id
            if node.layer < n_layers:
                layer_sizes.setdefault(node.layer, set()).add(node.neuron)
    for node in snapshot.nodes:
        group = (node.layer, node.neuron)
        foldable = group in last_of_group
        in_layer = foldable and node.layer < n_layers
        if in_layer and node.layer in collapse.layers:
            key: tuple = ("layer", node.layer)
        elif foldable and collapse.neuron_folded(*group):
            key = ("group", *group)
        else:
            box_of.append(len(kinds))
            kinds.append("node")
            rep.append(node.id)
            groups.append(group)
            title = node.title
            if foldable and node.layer < n_layers and last_of_group[group] == node.id:
                title = f"L{node.layer + 1}.N{node.neuron + 1} {node.op}"  # an open neuron's output
            titles.append(title)
            ops.append(node.op)
            continue
        if key not in merged:
            merged[key] = len(kinds)
            if key[0] == "layer":
                count = len(layer_sizes[node.layer])
                kinds.append("layer")
                rep.append(-1)
                groups.append((node.layer, -2))
                titles.append(f"{layer_title(node.layer, n_layers)}: {count} neurons")
                ops.append("layer")
            else:
                last = last_of_group[group]
                is_loss = node.layer == n_layers
                kinds.append("loss" if is_loss else "neuron")
                rep.append(last)
                groups.append(group)
                titles.append(
                    f"{snapshot.loss_name or 'loss'} loss"
                    if is_loss
                    else f"L{node.layer + 1}.N{node.neuron + 1}"
                )
                ops.append("loss" if is_loss else "neuron")
        box_of.append(merged[key])
    box = np.array(box_of, dtype=np.int64)
    edges, edge_of_scalar = _box_edges(snapshot, box)
    sizes = tuple(len(layer_sizes.get(layer, ())) for layer in range(n_layers))
    activations = tuple(
        _activation_name(snapshot.nodes[last_of_group[(layer, 0)]].op)
        if (layer, 0) in last_of_group
        else ""
        for layer in range(n_layers)
    )
    return VisibleGraph(
        kinds=tuple(kinds),
        rep=tuple(rep),
        groups=tuple(groups),
        titles=tuple(titles),
        ops=tuple(ops),
        box_of=box,
        edges=edges,
        edge_of_scalar_edge=edge_of_scalar,
        n_layers=n_layers,
        layer_sizes=sizes,
        layer_activations=activations,
        neurons_folded=collapse.neurons_folded,
    )


def _activation_name(op: str) -> str:
    """A neuron's last op as its activation's name: ``+`` (no activation) is linear."""
    return "linear" if op == "+" else op


def _foldable(layer: int, neuron: int, role: str, n_layers: int) -> bool:
    """A model neuron's nodes, or the loss's: what folds into one record."""
    if role == "loss" or (layer == n_layers and neuron >= 0):
        return True
    return neuron >= 0 and 0 <= layer < n_layers and role != "input"


def _box_edges(snapshot: GraphSnapshot, box_of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (parent box, child box) pairs, and the box edge of every snapshot edge."""
    if snapshot.edge_parent is None or not len(snapshot.edge_parent):
        return np.zeros((0, 2), dtype=np.int64), np.zeros(0, dtype=np.int64)
    parents = box_of[snapshot.edge_parent]
    children = box_of[snapshot.edge_child]
    crossing = parents != children
    n = max(len(box_of), 1)
    codes = parents * n + children
    unique, inverse = np.unique(codes[crossing], return_inverse=True)
    edges = np.column_stack([unique // n, unique % n]).astype(np.int64)
    edge_of_scalar = np.full(len(codes), -1, dtype=np.int64)
    edge_of_scalar[crossing] = inverse
    return edges.reshape(-1, 2), edge_of_scalar


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


@dataclass
class _Group:
    key: tuple[int, int]
    members: list[int]
    columns: dict[int, int]
    rows: dict[int, float]
    height: float  # rows
    width: int  # columns


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
    w = np.full(n, NODE_WIDTH)
    h = np.full(n, NODE_HEIGHT)
    layer_boxes = np.array([k == "layer" for k in graph.kinds], dtype=bool)
    h[layer_boxes] = NODE_HEIGHT + (LAYER_BLOCK_ROWS - 1) * ROW_PITCH
    in_group_parents: dict[int, list[int]] = {}
    for parent, child in graph.edges.tolist():
        if graph.groups[parent] == graph.groups[child]:
            in_group_parents.setdefault(child, []).append(parent)
    members_of: dict[tuple[int, int], list[int]] = {}
    for b, group in enumerate(graph.groups):
        members_of.setdefault(group, []).append(b)
    groups: dict[tuple[int, int], _Group] = {}
    for key in sorted(members_of):
        members = members_of[key]
        cols, rows, height = _group_columns_and_rows(
            members, in_group_parents, graph.ops, compress_sums
        )
        if key[1] == -2:  # a folded layer's block
            height = float(LAYER_BLOCK_ROWS)
        groups[key] = _Group(key, members, cols, rows, height, max(cols.values()) + 1)

    bands = _plan_bands(graph, groups)
    column = np.zeros(n)
    row = np.zeros(n)
    x_of_band: list[float] = []
    band_widths: list[int] = []
    cursor = 0.0
    previous_layer = None
    for layer, band in bands:
        if previous_layer is not None:
            cursor += BAND_GAP if layer == previous_layer else LAYER_GAP
        width = max(groups[key].width for key in band)
        x_of_band.append(cursor)
        band_widths.append(width)
        cursor += (width - 1) * COLUMN_PITCH + NODE_WIDTH
        previous_layer = layer
    tallest = max((_band_height(band, groups) for _, band in bands), default=1.0)
    band_x = np.zeros(n)
    for (_, band), x0, width in zip(bands, x_of_band, band_widths, strict=True):
        top = (tallest - _band_height(band, groups)) / 2.0  # centre each band
        for key in band:
            group = groups[key]
            shift = width - group.width  # right-aligned: records line up in one column
            for b in group.members:
                column[b] = group.columns[b] + shift
                row[b] = group.rows[b] + top
                band_x[b] = x0
            top += group.height + _gap_after(group)

    if orientation == "LR":
        x = band_x + column * COLUMN_PITCH
        y = HEADER_HEIGHT + row * ROW_PITCH
    else:
        x = row * (NODE_WIDTH + 24.0)
        y = band_x / COLUMN_PITCH * (NODE_HEIGHT + 44.0) + column * (NODE_HEIGHT + 44.0)
    regions = _regions(graph, bands, groups, x, y, w, h) if orientation == "LR" else ()
    return GraphLayout(
        graph=graph,
        x=x,
        y=y,
        segments=_edge_segments(graph.edges, x, y, w, h, orientation),
        width=float((x + w).max()) if n else 0.0,
        height=float((y + h).max()) if n else 0.0,
        w=w,
        h=h,
        regions=regions,
    )


def _gap_after(group: _Group) -> float:
    return _GROUP_GAP_ROWS if group.height > 1 and group.key[1] != -2 else 0.0


def _band_height(band: list[tuple[int, int]], groups: dict[tuple[int, int], _Group]) -> float:
    members = [groups[key] for key in band]
    return sum(g.height for g in members) + sum(_gap_after(g) for g in members[:-1])


def _plan_bands(
    graph: VisibleGraph, groups: dict[tuple[int, int], _Group]
) -> list[tuple[int, list[tuple[int, int]]]]:
    """(layer, group keys) per band, left to right.

    The model's layers are split into bands by neuron count. The split is
    planned on the default level's heights (one row per record at neuron
    level, a full neuron chain at scalar level), never on which neurons are
    toggled, so expanding one neuron does not reshuffle the others; the
    number of neurons per band is the one whose drawing is closest to the
    view's shape.
    """
    by_layer: dict[int, list[tuple[int, int]]] = {}
    for key in groups:
        by_layer.setdefault(key[0], []).append(key)
    # Rows and columns of one neuron of each model layer at the default level.
    nominal: dict[int, tuple[float, int]] = {}
    for layer in by_layer:
        if not 0 <= layer < graph.n_layers:
            continue
        neurons = [groups[k] for k in by_layer[layer] if k[1] >= 0]
        expanded = [g for g in neurons if g.height > 1 or g.width > 1]
        if graph.neurons_folded or not expanded:
            nominal[layer] = (1.0, 1)
        else:
            nominal[layer] = (
                max(g.height for g in expanded) + _GROUP_GAP_ROWS,
                max(g.width for g in expanded),
            )

    def per_band(layer: int, limit: float) -> int:
        """Neurons of `layer` in one band when a band may be `limit` rows tall."""
        return max(1, int(limit / nominal[layer][0] + 1e-9))

    best: tuple[float, float] | None = None
    tallest = max((len(by_layer[layer]) * nominal[layer][0] for layer in nominal), default=0.0)
    limits = {max((rows for rows, _ in nominal.values()), default=1.0), tallest}
    limit = min(limits)
    while limit < tallest:
        limits.add(limit)
        limit *= 1.15
    for limit in sorted(limits):
        width = height = 0.0
        for layer, keys in by_layer.items():
            if layer in nominal:
                rows, columns = nominal[layer]
                size = per_band(layer, limit)
                count = -(-len(keys) // size)
                band_rows = rows * -(-len(keys) // count)
            else:
                columns = max(groups[k].width for k in keys)
                count = 1
                band_rows = _band_height(keys, groups)
            width += count * ((columns - 1) * COLUMN_PITCH + NODE_WIDTH) + LAYER_GAP
            height = max(height, band_rows * ROW_PITCH)
        aspect = (height + HEADER_HEIGHT) / max(width, 1.0)
        score = abs(np.log(aspect / _TARGET_ASPECT))
        if best is None or score < best[0] - 1e-9:
            best = (score, limit)
    chosen = best[1] if best else 1.0
    bands: list[tuple[int, list[tuple[int, int]]]] = []
    for layer in sorted(by_layer):
        keys = sorted(by_layer[layer], key=lambda k: k[1])
        if layer not in nominal:
            bands.append((layer, keys))
            continue
        count = -(-len(keys) // per_band(layer, chosen))
        size = -(-len(keys) // count)  # spread evenly: 8 + 8, not 15 + 1
        bands.extend((layer, keys[i : i + size]) for i in range(0, len(keys), size))
    return bands


def _regions(graph, bands, groups, x, y, w, h) -> tuple[LayerRegion, ...]:
    regions = []
    by_layer: dict[int, list[int]] = {}
    for layer, band in bands:
        for key in band:
            by_layer.setdefault(layer, []).extend(groups[key].members)
    for layer, members in sorted(by_layer.items()):
        idx = np.array(members, dtype=np.int64)
        if layer < 0:
            title = "inputs"
        elif layer >= graph.n_layers:
            title = "loss"
        else:
            size = graph.layer_sizes[layer] if layer < len(graph.layer_sizes) else 0
            name = "output" if layer == graph.n_layers - 1 else layer_title(layer)
            activation = graph.layer_activations[layer] if graph.layer_activations else ""
            title = f"{name} · {size} {activation}".rstrip()
        neurons = graph.layer_sizes[layer] if 0 <= layer < len(graph.layer_sizes) else 0
        regions.append(
            LayerRegion(
                layer=layer,
                left=float(x[idx].min()),
                top=float(y[idx].min()),
                right=float((x[idx] + w[idx]).max()),
                bottom=float((y[idx] + h[idx]).max()),
                title=title,
                neurons=neurons,
            )
        )
    return tuple(regions)


def _edge_segments(
    edges: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    h: np.ndarray,
    orientation: str,
) -> np.ndarray:
    """One segment per edge, from the parent's side facing the child to the child's.

    LR: right side to left side, or bottom to top within a column (a chain
    of sums). TB: bottom to top, or side to side within a row.
    """
    if len(edges) == 0:
        return np.zeros((0, 4))
    p, c = edges[:, 0], edges[:, 1]
    if orientation == "TB":
        x, y, w, h = y, x, h, w  # solve the transposed problem, then swap back
    same_column = np.isclose(x[p], x[c])
    below = y[c] >= y[p]
    x1 = np.where(same_column, x[p] + w[p] / 2, x[p] + w[p])
    x2 = np.where(same_column, x[c] + w[c] / 2, x[c])
    y1 = np.where(same_column, np.where(below, y[p] + h[p], y[p]), y[p] + h[p] / 2)
    y2 = np.where(same_column, np.where(below, y[c], y[c] + h[c]), y[c] + h[c] / 2)
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
