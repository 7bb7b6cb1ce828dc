"""Forward and backward steppers: replay a snapshot one node at a time.

Backward: nodes are processed in reverse topological order (the order of
``engine.graph.topological_order`` reversed, root first). Processing a node
sends ``grad(node) * d node / d parent`` to each parent, which is the chain
rule micrograd's ``backward`` applies. After k steps a node's shown gradient
is the sum of what has arrived so far; once all its children have been
processed it equals the full gradient.

Forward: nodes in topological order; after k steps the first k nodes have
values, the rest are not computed yet.
"""

from __future__ import annotations

import numpy as np

from microgui.graph_explorer.snapshot import GraphSnapshot

__all__ = ["GraphStepper"]

MODES = ("backward", "forward")


class GraphStepper:
    """Steps through one snapshot; ``position`` is the number of nodes processed."""

    def __init__(self, snapshot: GraphSnapshot, mode: str = "backward") -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
        self.snapshot = snapshot
        self.mode = mode
        n = len(snapshot.nodes)
        self.order: list[int] = list(range(n - 1, -1, -1)) if mode == "backward" else list(range(n))
        self.position = 0
        self._grads = np.zeros(n)
        self._grad_known = np.zeros(n, dtype=bool)
        self.reset()

    def __len__(self) -> int:
        return len(self.order)

    @property
    def done(self) -> bool:
        return self.position >= len(self.order)

    @property
    def current(self) -> int:
        """The node processed by the last step, or -1 before the first step."""
        return self.order[self.position - 1] if self.position else -1

    def reset(self) -> None:
        """Back to the start: nothing computed (forward) or only the root's seed (backward)."""
        self.position = 0
        self._grads[:] = 0.0
        self._grad_known[:] = False
        if self.mode == "backward":
            root = self.snapshot.root
            self._grads[root] = 1.0  # d loss / d loss
            self._grad_known[root] = True

    def step(self) -> int:
        """Process the next node; returns its id, or -1 when already done."""
        if self.done:
            return -1
        node_id = self.order[self.position]
        self.position += 1
        if self.mode == "backward":
            node = self.snapshot.nodes[node_id]
            g = self._grads[node_id]
            for parent, local in zip(node.parents, node.local_grads, strict=True):
                self._grads[parent] += g * local
                self._grad_known[parent] = True
        return node_id

    def step_back(self) -> int:
        """Undo the last step (replays from the start); returns the new current node."""
        target = max(0, self.position - 1)
        self.seek(target)
        return self.current

    def seek(self, position: int) -> None:
        """Jump to ``position`` steps from the start."""
        position = max(0, min(position, len(self.order)))
        if position < self.position:
            self.reset()
        while self.position < position:
            self.step()

    def values(self) -> tuple[np.ndarray, np.ndarray]:
        """(value per node, mask of values computed so far)."""
        values = np.array([node.value for node in self.snapshot.nodes])
        if self.mode == "backward":
            return values, np.ones(len(values), dtype=bool)
        known = np.zeros(len(values), dtype=bool)
        known[self.order[: self.position]] = True
        return values, known

    def grads(self) -> tuple[np.ndarray, np.ndarray]:
        """(gradient so far per node, mask of nodes some gradient has reached)."""
        if self.mode == "forward":
            return np.zeros(len(self._grads)), np.zeros(len(self._grads), dtype=bool)
        return self._grads.copy(), self._grad_known.copy()
