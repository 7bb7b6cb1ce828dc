"""NodeInspector: everything about one node of a GraphSnapshot.

Shows the label, op, exact value and gradient (``repr`` of the floats, so
what you read is what the engine computed), the node's layer and neuron
(counted from 1, as everywhere on screen; the engine's own name, as in
model files, is shown beside the key), its parents and children with the
local derivative on each edge (clickable to move there), and a
finite-difference check of d loss / d node. For a weight or bias it offers
a value field: editing it asks the training run to set that parameter
(``weightEdited``), and the boundary and loss follow.
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
from microgui.widgets.numbering import layer_title, neuron_name
from microgui.widgets.weight_spin import WeightSpinBox

__all__ = ["NodeInspector"]


def _exact(value: float) -> str:
    return repr(float(value))


def _short(value: float) -> str:
    return "nan" if math.isnan(value) else f"{value + 0.0:.6g}"


class NodeInspector(QWidget):
    """The selected node's numbers, neighbours and gradient check."""

    nodeRequested = Signal(int)  # snapshot node id the user clicked in a table
    weightEdited = Signal(str, float)  # engine name of a parameter, its new value

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
        self.stop_label = QLabel()  # where the gradient stops: why, in words
        self.stop_label.setWordWrap(True)
        self.stop_label.setVisible(False)
        for label in (self.key_label, self.label_label, self.value_label, self.grad_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for label in (self.key_label, self.place_label):
            label.setWordWrap(True)  # a long name wraps instead of widening the panel
        self.weight_spin = WeightSpinBox(
            "Set this parameter in the running model: the boundary, the loss and this graph "
            "follow (arrows or wheel: steps of 0.05; type a value and press Enter)"
        )
        self.weight_spin.valueChanged.connect(self._on_weight_edited)
        form = QFormLayout()
        form.addRow("key", self.key_label)
        form.addRow("label", self.label_label)
        form.addRow("op", self.op_label)
        form.addRow("value", self.value_label)
        form.addRow("grad", self.grad_label)
        form.addRow("place", self.place_label)
        form.addRow("set value", self.weight_spin)
        self._form = form
        self.parents_table = self._table(("parent", "value", "∂node/∂parent"))
        self.children_table = self._table(("child", "value", "∂child/∂node"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addWidget(self.stop_label)
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
        self._editable = ""  # engine name of the parameter the value field edits
        self._show_weight_field(False)

    def _show_weight_field(self, visible: bool) -> None:
        self._form.setRowVisible(self.weight_spin, visible)

    def _on_weight_edited(self, value: float) -> None:
        if self._editable:
            self.weightEdited.emit(self._editable, float(value))

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
        self._editable = ""
        self._show_weight_field(False)
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
            self.stop_label,
        ):
            label.clear()
        self.stop_label.setVisible(False)
        self.parents_table.setRowCount(0)
        self.children_table.setRowCount(0)

    def show_node(
        self, snapshot: GraphSnapshot, node_id: int, path_size: int = 0, note: str = ""
    ) -> None:
        """Fill everything for node ``node_id`` (the FD check comes via show_check)."""
        self._snapshot = snapshot
        self.node_id = node_id
        node = snapshot.nodes[node_id]
        self.set_note(note)
        shown = node.display_key
        self.key_label.setText(shown if shown == node.key else f"{shown} (in files: {node.key})")
        self.label_label.setText(short_label(node.label) if node.label else "(none)")
        self.op_label.setText(node.op or "(leaf)")
        self.value_label.setText(_exact(node.value))
        self.grad_label.setText(_exact(node.grad))
        role = node.role
        if role == "op" and snapshot.neuron_outputs.get((node.layer, node.neuron)) == node_id:
            role = "activation"
        self.place_label.setText(self._place(snapshot, node.layer, node.neuron, role))
        stop = self.stop_note(snapshot, node_id)
        self.stop_label.setText(stop)
        self.stop_label.setVisible(bool(stop))
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
        self._editable = ""
        self.weight_spin.show_value(node.value, force=True)
        self._editable = node.label if node.role == "param" else ""
        self._show_weight_field(bool(self._editable))

    def set_note(self, note: str) -> None:
        """The heading: the node's title, and where it is when it is folded away (``note``)."""
        if self._snapshot is None or not 0 <= self.node_id < len(self._snapshot):
            return
        title = self._snapshot.nodes[self.node_id].title
        self.heading.setText(title + (f" — {note}" if note else ""))

    def show_layer(self, title: str, mean_grad: float | None) -> None:
        """A folded layer's block: what it holds and how to open it."""
        self.clear(f"{title} (folded): double-click it to show its neurons.")
        if mean_grad is not None:
            self.grad_label.setText(f"mean |grad| of its neurons {mean_grad:.6g}")

    @staticmethod
    def stop_note(snapshot: GraphSnapshot, node_id: int) -> str:
        """Why no gradient goes on from a node that a gradient reaches ("" if it goes on)."""
        node = snapshot.nodes[node_id]
        if node.grad == 0.0 or not node.parents or any(d != 0.0 for d in node.local_grads):
            return ""
        if node_id == snapshot.root and snapshot.loss_name == "hinge":
            why = "the sample is beyond the margin, so the hinge loss is flat (derivative 0)"
        elif node.op == "ReLU":
            why = f"its input {_short(snapshot.nodes[node.parents[0]].value)} is not above 0, "
            why += "so the ReLU is off and its local derivative is 0"
        else:
            why = "its local derivative is 0"
        return (
            f"The gradient {_short(node.grad)} reaches this node and stops here: {why}. "
            "Nothing flows on to the nodes it was computed from."
        )

    @staticmethod
    def _place(snapshot: GraphSnapshot, layer: int, neuron: int, role: str) -> str:
        if role == "input":
            return f"input {neuron + 1}"
        if role == "feature":
            return f"input feature {neuron + 1} (feature or scaling)"
        if role == "loss":
            return f"loss ({snapshot.loss_name})" if snapshot.loss_name else "loss"
        if neuron >= 0:
            kind = {
                "param": "a parameter",
                "output": "its output",
                "activation": "its activation: the value its record shows",
                "leaf": "a constant",
            }
            where = neuron_name(layer, neuron, snapshot.n_layers)
            return f"{where} ({kind.get(role, 'an op')})"
        if 0 <= layer < snapshot.n_layers:
            return layer_title(layer, snapshot.n_layers)
        return role

    def _fill(self, table: QTableWidget, rows: list[tuple[int, float]]) -> None:
        assert self._snapshot is not None
        table.setRowCount(len(rows))
        for r, (other, local) in enumerate(rows):
            node = self._snapshot.nodes[other]
            name = QTableWidgetItem(node.display_key)
            name.setData(Qt.ItemDataRole.UserRole, other)
            name.setToolTip(f"{node.display_key} (in files: {node.key})")
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
