"""NodeInspector: everything about one node of a GraphSnapshot.

Shows the label, op, exact value and gradient (``repr`` of the floats, so
what you read is what the engine computed), the node's layer and neuron,
its parents and children with the local derivative on each edge (clickable
to move there), and a finite-difference check of d loss / d node.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from microgui.graph_explorer.replay import FiniteDifference
from microgui.graph_explorer.snapshot import GraphSnapshot, short_label

__all__ = ["NodeInspector"]


def _exact(value: float) -> str:
    return repr(float(value))


def _short(value: float) -> str:
    return "nan" if math.isnan(value) else f"{value + 0.0:.6g}"


class NodeInspector(QWidget):
    """The selected node's numbers, neighbours and gradient check."""

    nodeRequested = Signal(int)  # snapshot node id the user clicked in a table

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel("Click a node to inspect it.")
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-weight: bold;")
        self.key_label = QLabel()
        self.label_label = QLabel()
        self.op_label = QLabel()
        self.value_label = QLabel()
        self.grad_label = QLabel()
        self.place_label = QLabel()
        self.fd_label = QLabel()
        self.fd_label.setWordWrap(False)  # two explicit lines; wrapping labels get squeezed
        self.fd_label.setMinimumHeight(2 * self.fd_label.fontMetrics().lineSpacing() + 4)
        self.path_label = QLabel()
        for label in (self.key_label, self.label_label, self.value_label, self.grad_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form = QFormLayout()
        form.addRow("key", self.key_label)
        form.addRow("label", self.label_label)
        form.addRow("op", self.op_label)
        form.addRow("value", self.value_label)
        form.addRow("grad", self.grad_label)
        form.addRow("place", self.place_label)
        self.parents_table = self._table(("parent", "value", "∂node/∂parent"))
        self.children_table = self._table(("child", "value", "∂child/∂node"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        check_title = QLabel("Finite-difference check of d loss / d node")
        check_title.setStyleSheet("font-weight: bold;")
        layout.addWidget(check_title)
        layout.addWidget(self.fd_label)
        layout.addWidget(self.path_label)
        layout.addWidget(QLabel("Parents (inputs of this op)"))
        layout.addWidget(self.parents_table, 1)
        layout.addWidget(QLabel("Children (ops using this node)"))
        layout.addWidget(self.children_table, 1)
        self.node_id = -1
        self._snapshot: GraphSnapshot | None = None

    def _table(self, headers: tuple[str, ...]) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setHorizontalHeaderLabels(list(headers))
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        table.cellClicked.connect(lambda row, _col, t=table: self._row_clicked(t, row))
        return table

    def _row_clicked(self, table: QTableWidget, row: int) -> None:
        item = table.item(row, 0)
        if item is not None:
            self.nodeRequested.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    def clear(self, message: str = "Click a node to inspect it.") -> None:
        """Show nothing but a message."""
        self.node_id = -1
        self.heading.setText(message)
        for label in (
            self.key_label,
            self.label_label,
            self.op_label,
            self.value_label,
            self.grad_label,
            self.place_label,
            self.fd_label,
            self.path_label,
        ):
            label.clear()
        self.parents_table.setRowCount(0)
        self.children_table.setRowCount(0)

    def show_node(
        self, snapshot: GraphSnapshot, node_id: int, path_size: int = 0, note: str = ""
    ) -> None:
        """Fill everything for node ``node_id`` (the FD check comes via show_check)."""
        self._snapshot = snapshot
        self.node_id = node_id
        node = snapshot.nodes[node_id]
        self.heading.setText(f"{node.title}" + (f" — {note}" if note else ""))
        self.key_label.setText(node.key)
        self.label_label.setText(node.label or "(none)")
        self.op_label.setText(node.op or "(leaf)")
        self.value_label.setText(_exact(node.value))
        self.grad_label.setText(_exact(node.grad))
        self.place_label.setText(self._place(snapshot, node.layer, node.neuron, node.role))
        self.fd_label.setText("checking…")
        self.path_label.setText(f"Path to the loss: {path_size} nodes (highlighted).")
        self._fill(
            self.parents_table,
            [(p, d) for p, d in zip(node.parents, node.local_grads, strict=True)],
        )
        children = []
        for c in snapshot.children[node_id]:
            child = snapshot.nodes[c]
            children.append((c, child.local_grads[child.parents.index(node_id)]))
        self._fill(self.children_table, children)

    @staticmethod
    def _place(snapshot: GraphSnapshot, layer: int, neuron: int, role: str) -> str:
        if role == "input":
            return "input"
        if role == "feature":
            return f"input feature {neuron + 1} (feature or scaling)"
        if role == "loss":
            return f"loss ({snapshot.loss_name})" if snapshot.loss_name else "loss"
        if neuron >= 0:
            return f"layer {layer}, neuron {neuron} ({role})"
        return role

    def _fill(self, table: QTableWidget, rows: list[tuple[int, float]]) -> None:
        assert self._snapshot is not None
        table.setRowCount(len(rows))
        for r, (other, local) in enumerate(rows):
            node = self._snapshot.nodes[other]
            name = QTableWidgetItem(short_label(node.key))
            name.setData(Qt.ItemDataRole.UserRole, other)
            name.setToolTip(node.key)
            table.setItem(r, 0, name)
            table.setItem(r, 1, QTableWidgetItem(_short(node.value)))
            table.setItem(r, 2, QTableWidgetItem(_short(local)))

    def show_check(self, check: FiniteDifference) -> None:
        """Show a finite-difference result for the node on display."""
        if check.node_id != self.node_id:
            return  # a late result for a node no longer shown
        note = "" if check.exact_replay else " (some ops replayed to first order)"
        self.fd_label.setText(
            f"finite difference {_short(check.estimate)}, backprop {_short(check.backprop)}\n"
            f"abs error {check.abs_error:.2e}, rel error {check.rel_error:.2e}, "
            f"h = {check.step:.1e}{note}"
        )
