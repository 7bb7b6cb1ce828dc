"""PlaygroundWidget: type an expression, see its graph with data and grad on every node.

The text is parsed by ``parse_expression`` (an ``ast`` whitelist, never
``eval``); the inputs it finds get number editors; every edit re-evaluates
with the engine and redraws the graph (the explorer's GraphView and
NodeInspector, reused). Errors show the message with a caret under the
offending part; nothing runs.

The text is the truth when it changes: a value written in it (``b = 6.88``)
is what the expression uses, exactly (the editor shows it rounded), and its
editor follows the text. A value set in an editor overrides the text until
the text's own value for that input changes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from microgui.graph_explorer.graph_view import GraphView
from microgui.graph_explorer.inspector import NodeInspector
from microgui.graph_explorer.layout import ORIENTATIONS, GraphLayout, build_view
from microgui.graph_explorer.presenter import GraphPresenter
from microgui.graph_explorer.replay import finite_difference
from microgui.graph_explorer.snapshot import GraphSnapshot, snapshot_from_root
from microgui.playground.expression_parser import (
    ExpressionError,
    ExpressionResult,
    detect_inputs,
    parse_expression,
)

__all__ = ["PRESETS", "PlaygroundWidget"]

README_EXAMPLE = """a = Value(-4.0)
b = Value(2.0)
c = a + b
d = a * b + b**3
c += c + 1
c += 1 + c + (-a)
d += d * 2 + (b + a).relu()
d += 3 * d + (b - a).relu()
e = c - d
f = e**2
g = f / 2.0
g += 10.0 / f"""

PRESETS: dict[str, str] = {
    "micrograd README example": README_EXAMPLE,
    "two inputs, one output": "(a*b + b**3).relu() - a/2",
    "one tanh neuron": "x1 = 2.0\nx2 = 0.0\nw1 = -3.0\nw2 = 1.0\nb = 6.8813735870195432\n"
    "o = (x1*w1 + x2*w2 + b).tanh()",
    "sigmoid and log": "p = sigmoid(a * b)\nloss = -log(p)",
}
DEBOUNCE_MS = 200


class PlaygroundWidget(QWidget):
    """The expression playground tab."""

    evaluated = Signal()  # after every successful evaluation

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.preset_combo = QComboBox()
        self.preset_combo.addItems(list(PRESETS))
        self.preset_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.preset_combo.setMinimumContentsLength(14)
        self.preset_combo.activated.connect(
            lambda i: self.load_preset(self.preset_combo.itemText(i))
        )
        self.editor = QPlainTextEdit()
        self.editor.setFont(mono)
        self.editor.setPlaceholderText("e.g. (a*b + b**3).relu() - a/2")
        self.editor.setMaximumBlockCount(200)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.caret_label = QLabel()  # the offending line with a caret under the problem
        self.caret_label.setFont(mono)
        self.caret_label.setStyleSheet("color: #b00020;")
        self.result_label = QLabel()
        result_font = QFont(mono)
        result_font.setBold(True)
        self.result_label.setFont(result_font)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.variables_form = QFormLayout()
        self.spins: dict[str, QDoubleSpinBox] = {}
        self._text_values: dict[str, float | None] = {}  # the inputs' values in the text
        self._overrides: dict[str, float] = {}  # values set in an editor since

        left = QWidget()
        left_layout = QVBoxLayout(left)
        row = QHBoxLayout()
        row.addWidget(QLabel("Preset"))
        row.addWidget(self.preset_combo, 1)
        left_layout.addLayout(row)
        hint = QLabel("Expression (statements: name = expr, name += expr)")
        hint.setWordWrap(True)  # a long line held the tab wider than an 800-pixel window
        left_layout.addWidget(hint)
        left_layout.addWidget(self.editor, 2)
        left_layout.addWidget(self.error_label)
        left_layout.addWidget(self.caret_label)
        left_layout.addWidget(QLabel("Inputs"))
        left_layout.addLayout(self.variables_form)
        left_layout.addWidget(QLabel("Output and gradients"))
        left_layout.addWidget(self.result_label)
        left_layout.addStretch(1)

        self.view = GraphView()
        self.inspector = NodeInspector()
        self.presenter = GraphPresenter(self.view)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.view)
        splitter.addWidget(self.inspector)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 760, 320])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)

        self.result: ExpressionResult | None = None
        self.error: ExpressionError | None = None
        self.snapshot: GraphSnapshot | None = None
        self._selected_key: str | None = None
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.evaluate)
        self.editor.textChanged.connect(self._debounce.start)
        self.view.nodeClicked.connect(self._on_box_clicked)
        self.inspector.nodeRequested.connect(self.select_node)
        self.load_preset("micrograd README example")

    # -- public API -------------------------------------------------------------
    def text(self) -> str:
        return self.editor.toPlainText()

    def set_text(self, text: str) -> None:
        """Replace the expression and evaluate it now (its values replace any edited ones)."""
        self._overrides.clear()
        self._text_values.clear()
        self.editor.blockSignals(True)
        self.editor.setPlainText(text)
        self.editor.blockSignals(False)
        self.evaluate()

    def load_preset(self, name: str) -> None:
        """Load one of PRESETS by name."""
        self.preset_combo.setCurrentText(name)
        self.set_text(PRESETS[name])

    def set_variable(self, name: str, value: float) -> None:
        """Set an input's value (as if typed in its editor); re-evaluates."""
        self.spins[name].setValue(value)
        self._on_spin_edited(name, float(value))  # even if the rounded display did not change

    def variables(self) -> dict[str, float]:
        """The inputs' values as evaluated: an editor's value, else the text's (exact)."""
        out = {}
        for name, spin in self.spins.items():
            text_value = self._text_values.get(name)
            if name in self._overrides:
                out[name] = self._overrides[name]
            elif text_value is not None:
                out[name] = text_value
            else:
                out[name] = spin.value()
        return out

    def evaluate(self) -> bool:
        """Parse, compute and show; False (with the error shown) if the text is invalid."""
        self._debounce.stop()
        text = self.text()
        try:
            inputs = detect_inputs(text)
            self._follow_text(inputs)
            self._sync_spins(inputs)
            result = parse_expression(text, self.variables())
        except ExpressionError as exc:
            self._show_error(text, exc)
            return False
        self.error = None
        self.error_label.clear()
        self.caret_label.clear()
        self.result = result
        self._show_result(result)
        self.evaluated.emit()
        return True

    # -- internals --------------------------------------------------------------
    def _follow_text(self, inputs: dict[str, float | None]) -> None:
        """A value that changed in the text wins over the one set in its editor."""
        for name, value in inputs.items():
            if value is not None and self._text_values.get(name) != value:
                self._overrides.pop(name, None)
        self._text_values = dict(inputs)

    def _sync_spins(self, inputs: dict[str, float | None]) -> None:
        """One editor per input, each showing the value the expression uses."""
        if list(inputs) != list(self.spins):
            old = self.variables()
            while self.variables_form.rowCount():
                self.variables_form.removeRow(0)
            self.spins = {}
            for name in inputs:
                spin = QDoubleSpinBox()
                spin.setRange(-1e6, 1e6)
                spin.setDecimals(4)
                spin.setSingleStep(0.1)
                spin.setValue(old.get(name, 1.0))
                spin.valueChanged.connect(lambda v, n=name: self._on_spin_edited(n, v))
                self.spins[name] = spin
                self.variables_form.addRow(name, spin)
        for name, value in self.variables().items():
            spin = self.spins[name]
            if spin.value() != round(value, spin.decimals()):
                spin.blockSignals(True)
                spin.setValue(value)
                spin.blockSignals(False)

    def _on_spin_edited(self, name: str, value: float) -> None:
        self._overrides[name] = float(value)
        self.evaluate()

    def _show_error(self, text: str, exc: ExpressionError) -> None:
        self.error = exc
        lines = text.splitlines() or [""]
        shown = lines[exc.line - 1] if 0 < exc.line <= len(lines) else ""
        column = min(exc.column, 2001)
        if len(shown) > 60:  # keep the caret under the offending part
            start = max(0, column - 30)
            shown, column = shown[start : start + 60], column - start
        caret = " " * (column - 1) + "^"
        self.error_label.setText(str(exc))
        self.caret_label.setText(f"{shown}\n{caret}")
        if self.result is not None:
            self.result_label.setText(
                self.result_label.text().split("\n(")[0] + "\n(last valid result; fix the error)"
            )

    def _show_result(self, result: ExpressionResult) -> None:
        name = result.output_name
        lines = [f"{name} = {result.value:.4f}"]
        lines += [f"d{name}/d{k} = {v.grad:.4f}" for k, v in result.inputs.items()]
        self.result_label.setText("\n".join(lines))
        snapshot = snapshot_from_root(result.output, description=f"playground: {name}")
        if self.snapshot is None or snapshot.structure != self.snapshot.structure:
            self.presenter.set_layout(self._best_layout(snapshot))
            self.view.zoom_to_fit()
        self.snapshot = snapshot
        self.presenter.set_snapshot(snapshot)
        node_id = snapshot.find(self._selected_key) if self._selected_key else None
        if node_id is not None:
            self.select_node(node_id)
        else:
            self.inspector.clear()

    def _best_layout(self, snapshot: GraphSnapshot) -> GraphLayout:
        """Left-to-right or top-to-bottom, whichever shows the graph larger in the view."""
        viewport = self.view.viewport().size()
        width, height = max(viewport.width(), 200), max(viewport.height(), 150)
        layouts = [build_view(snapshot, orientation=o) for o in ORIENTATIONS]
        return max(layouts, key=lambda lay: min(width / lay.width, height / lay.height))

    def _on_box_clicked(self, box: int) -> None:
        self.select_node(self.presenter.rep_of(box))

    def select_node(self, node_id: int) -> None:
        """Inspect node ``node_id`` of the current graph."""
        if self.snapshot is None or not 0 <= node_id < len(self.snapshot):
            return
        path = self.snapshot.descendants(node_id)
        self._selected_key = self.snapshot.nodes[node_id].key
        self.presenter.select(node_id, path)
        self.inspector.show_node(self.snapshot, node_id, len(path))
        self.inspector.show_check(finite_difference(self.snapshot, node_id))
