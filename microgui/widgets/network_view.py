"""NetworkView: the MLP drawn as TensorFlow Playground does, updating live.

Neurons are squares showing a thumbnail of their activation over the input
plane; weights are edges whose thickness and opacity grow with |w| and
whose colour is the sign (blue positive, orange negative). Between dense
layers (64 x 64) the weak weights fade out, so the strongest still stand
out. Dead ReLU units (active on no training sample, so no gradient reaches
them) are greyed out and crossed. Layers and neurons are counted from 1,
as in the layer form.

Hovering a neuron pops up a larger heat map of its activation plus its
bias. Clicking an edge opens a small editor for that weight: each change is
sent out as ``weightEdited(name, value)`` (the window asks the training run
to set it, and the boundary and loss follow). The picture is painted on a
background thread (network_render) and blitted in one call, so a live
update costs the GUI thread almost nothing even for hundreds of edges.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFontMetricsF, QImage, QMouseEvent, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from microgui.widgets.network_render import (
    NetworkRenderer,
    NetworkScene,
    activation_image,
)
from microgui.widgets.numbering import input_name, parameter_name
from microgui.widgets.weight_spin import WeightSpinBox

POPUP_PIXELS = 120
MAX_NODE = 30.0
MIN_NODE = 4.0
EDGE_PICK_PX = 5.0  # how close to a line a click must be to pick its weight
MAX_LABEL_FRACTION = 0.3  # input names take at most this share of the width
_HIGHLIGHT = QColor(190, 30, 150)


class NeuronPopup(QFrame):
    """A floating panel with one neuron's activation map and a caption."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Box)
        self.setStyleSheet("NeuronPopup { background: white; border: 1px solid #888; }")
        self.image_label = QLabel()
        self.image_label.setFixedSize(POPUP_PIXELS, POPUP_PIXELS)
        self.caption = QLabel()
        self.caption.setAlignment(Qt.AlignCenter)
        self.caption.setWordWrap(True)
        self.caption.setMaximumWidth(220)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(2)
        layout.addWidget(self.image_label, 0, Qt.AlignHCenter)
        layout.addWidget(self.caption)
        self.hide()

    def show_neuron(self, image: QImage | None, caption: str, anchor: QPointF) -> None:
        """Fill and place the popup next to `anchor`, kept inside the parent."""
        if image is None:
            self.image_label.clear()
            self.image_label.setText("no map yet")
        else:
            self.image_label.setPixmap(
                QPixmap.fromImage(image).scaled(POPUP_PIXELS, POPUP_PIXELS, Qt.IgnoreAspectRatio)
            )
        self.caption.setText(caption)
        self.adjustSize()
        _place_beside(self, anchor)
        self.show()
        self.raise_()


class WeightEditor(QFrame):
    """The value of one clicked weight, editable; ``valueEdited`` on every change."""

    valueEdited = Signal(float)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Box)
        self.setStyleSheet("WeightEditor { background: white; border: 1px solid #888; }")
        self.caption = QLabel()
        self.spin = WeightSpinBox(
            "Arrows or wheel: steps of 0.05, applied at once. Type a value and press Enter. "
            "Esc closes."
        )
        self.spin.valueChanged.connect(self.valueEdited)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(2)
        layout.addWidget(self.caption)
        layout.addWidget(self.spin)
        self.hide()

    def open(self, caption: str, value: float, anchor: QPointF) -> None:
        """Show the weight's value next to `anchor` and put the cursor in it."""
        self.caption.setText(caption)
        self.show_value(value, force=True)
        self.adjustSize()
        _place_beside(self, anchor)
        self.show()
        self.raise_()
        self.spin.setFocus()
        self.spin.selectAll()

    def show_value(self, value: float, force: bool = False) -> None:
        """The weight's current value (not while the user is typing in the field)."""
        self.spin.show_value(value, force)

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
            self.parentWidget().setFocus()
            return
        super().keyPressEvent(event)


def _place_beside(panel: QWidget, anchor: QPointF) -> None:
    parent = panel.parentWidget()
    x = int(anchor.x()) + 18
    y = int(anchor.y()) - panel.height() // 2
    if x + panel.width() > parent.width():
        x = int(anchor.x()) - 18 - panel.width()
    y = max(0, min(y, parent.height() - panel.height()))
    panel.move(max(0, x), y)


class NetworkView(QWidget):
    """Draws layers of neurons and weighted edges; emits neuronHovered(layer, index)."""

    neuronHovered = Signal(int, int)
    weightEdited = Signal(str, float)  # engine name (layers.0.neurons.5.w.1), new value

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        # Beside the input-feature toggles in an 800 x 600 window (squares shrink to fit)
        self.setMinimumSize(170, 160)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.layer_sizes: list[int] = []
        self.input_names: tuple[str, ...] = ()
        self.weights: list[tuple[np.ndarray, np.ndarray]] = []
        self.maps: list[np.ndarray] = []
        self.dead: tuple[np.ndarray, ...] = ()
        self.hovered: tuple[int, int] | None = None
        self.hovered_edge: tuple[int, int, int] | None = None
        self.edited_edge: tuple[int, int, int] | None = None
        self.popup = NeuronPopup(self)
        self.editor = WeightEditor(self)
        self.editor.valueEdited.connect(self._on_weight_edited)
        self._image: QImage | None = None
        self._stale = True
        self.renderer = NetworkRenderer(self)
        self.renderer.rendered.connect(self._on_rendered)

    # ---------------------------------------------------------------- setters
    def set_architecture(self, layer_sizes: list[int], input_names: tuple[str, ...] = ()) -> None:
        """Sizes of every layer, input first and output last, e.g. [2, 16, 16, 1]."""
        sizes = [int(s) for s in layer_sizes]
        if sizes != self.layer_sizes:
            self.layer_sizes = sizes
            self.weights = []
            self.maps = []
            self.dead = ()
            self.hovered = None
            self.hovered_edge = self.edited_edge = None
            self.popup.hide()
            self.editor.hide()
        self.input_names = tuple(input_names)
        self._invalidate()

    def set_weights(self, weights: list[tuple[np.ndarray, np.ndarray]]) -> None:
        """Per layer (W of shape (nout, nin), b of shape (nout,)); sets the architecture too."""
        if weights:
            sizes = [int(weights[0][0].shape[1])] + [int(w.shape[0]) for w, _ in weights]
            if sizes != self.layer_sizes:
                self.set_architecture(sizes, self.input_names)
        self.weights = [(np.asarray(w), np.asarray(b)) for w, b in weights]
        if self.edited_edge is not None and self.editor.isVisible():
            value = self.weight_value(*self.edited_edge)
            if value is not None:
                self.editor.show_value(value)
                self.editor.caption.setText(self.describe_edge(*self.edited_edge))
        self._invalidate()

    def set_neuron_maps(self, maps: list[np.ndarray]) -> None:
        """Activation of every neuron over the input plane: per layer an (n, g, g) array."""
        self.maps = [np.asarray(m, dtype=np.float64) for m in maps]
        if self.hovered is not None and self.popup.isVisible():
            self._show_popup(*self.hovered)
        self._invalidate()

    def set_dead_units(self, dead: tuple[np.ndarray, ...] | list[np.ndarray]) -> None:
        """Per hidden layer, True for the ReLU units no training sample activates."""
        self.dead = tuple(np.asarray(d, dtype=bool) for d in dead)
        self._invalidate()

    def dead_count(self) -> int:
        """How many hidden units are dead now."""
        return int(sum(int(d.sum()) for d in self.dead))

    @property
    def images(self) -> list[np.ndarray]:
        """The activation maps per layer (kept under the old name for callers)."""
        return self.maps

    def clear(self) -> None:
        """Forget weights and maps but keep the architecture."""
        self.weights = []
        self.maps = []
        self.dead = ()
        self.popup.hide()
        self.editor.hide()
        self._invalidate()

    def _invalidate(self) -> None:
        """Ask the render thread for a new picture; the old one shows until it arrives."""
        self._stale = True
        if self.layer_sizes and self.isVisible():
            self.renderer.request(self.scene())
        self.update()

    def _on_rendered(self, image: QImage) -> None:
        self._image = image
        self._stale = False
        self.update()

    @property
    def picture_pending(self) -> bool:
        """A newer picture is being drawn: the one on screen is out of date (or none yet)."""
        return self._stale and bool(self.layer_sizes) and self.isVisible()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._invalidate()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._invalidate()

    def close_renderer(self) -> None:
        """End the render thread (the window is closing)."""
        self.renderer.close()

    def scene(self) -> NetworkScene:
        """What the picture shows, as plain data for the render thread."""
        return NetworkScene(
            width=self.width(),
            height=self.height(),
            layer_sizes=tuple(self.layer_sizes),
            centers=tuple(
                self._center_xy(layer, np.arange(count))
                for layer, count in enumerate(self.layer_sizes)
            ),
            node_sizes=tuple(self.layer_node_size(k) for k in range(len(self.layer_sizes))),
            weights=list(self.weights),
            maps=list(self.maps),
            hovered=self.hovered,
            dead=self.dead,
        )

    # --------------------------------------------------------------- geometry
    def node_size(self) -> float:
        """Side of the squares of the widest layer (the smallest ones) in pixels."""
        if not self.layer_sizes:
            return MAX_NODE
        return min(self.layer_node_size(k) for k in range(len(self.layer_sizes)))

    def layer_node_size(self, layer: int) -> float:
        """Side of a neuron square of `layer`: a narrow layer keeps big squares."""
        if not self.layer_sizes:
            return MAX_NODE
        top, bottom = self._rows()
        per_node = (bottom - top) / max(1, self.layer_sizes[layer])
        # A narrow view (beside the input toggles at 800 x 600) keeps a gap between columns.
        n_layers = len(self.layer_sizes)
        span = self.width() - 30.0 - self.label_width() - 4 - MAX_NODE / 2
        per_column = span / max(1, n_layers - 1)
        return float(max(MIN_NODE, min(MAX_NODE, per_node * 0.78, per_column * 0.5)))

    def node_center(self, layer: int, index: int) -> QPointF:
        """Centre of neuron `index` in `layer` in widget coordinates."""
        x, y = self._center_xy(layer, index)
        return QPointF(x, y)

    def _rows(self) -> tuple[float, float]:
        return 24.0, self.height() - (22.0 if self.dead_count() else 6.0)

    def label_width(self) -> float:
        """Room for the input names left of the inputs: the longest, within a share."""
        if not self.input_names:
            return 14.0
        metrics = QFontMetricsF(self.font())
        widest = max(metrics.horizontalAdvance(n) for n in self.input_names) + 8
        return float(min(widest, self.width() * MAX_LABEL_FRACTION))

    def _center_xy(self, layer: int, index) -> tuple:
        n_layers = len(self.layer_sizes)
        left = self.label_width() + self.layer_node_size(0) / 2 + 4
        right = self.width() - 30.0
        x = left + (right - left) * (layer / max(1, n_layers - 1))
        top, bottom = self._rows()
        count = self.layer_sizes[layer]
        step = (bottom - top) / max(1, count)
        return x, top + step * (np.asarray(index) + 0.5)

    def node_at(self, pos: QPointF) -> tuple[int, int] | None:
        """(layer, index) of the neuron under `pos`, if any."""
        for layer, count in enumerate(self.layer_sizes):
            half = self.layer_node_size(layer) / 2 + 2
            x, ys = self._center_xy(layer, np.arange(count))
            if abs(x - pos.x()) > half:
                continue
            hits = np.nonzero(np.abs(ys - pos.y()) <= half)[0]
            if len(hits):
                return layer, int(hits[0])
        return None

    def edge_segment(self, layer: int, j: int, i: int) -> tuple[QPointF, QPointF]:
        """Ends of the edge from neuron i of view layer `layer` to neuron j of the next."""
        x0, y0 = self._center_xy(layer, i)
        x1, y1 = self._center_xy(layer + 1, j)
        half0, half1 = self.layer_node_size(layer) / 2, self.layer_node_size(layer + 1) / 2
        return QPointF(x0 + half0, float(y0)), QPointF(x1 - half1, float(y1))

    def edge_at(self, pos: QPointF) -> tuple[int, int, int] | None:
        """(weights layer, to neuron j, from neuron i) of the edge nearest `pos`, if close."""
        if not self.weights or self.node_at(pos) is not None:
            return None
        px, py = pos.x(), pos.y()
        for layer in range(len(self.layer_sizes) - 1):
            if layer >= len(self.weights):
                break
            x0, y0 = self._center_xy(layer, np.arange(self.layer_sizes[layer]))
            x1, y1 = self._center_xy(layer + 1, np.arange(self.layer_sizes[layer + 1]))
            x0 += self.layer_node_size(layer) / 2
            x1 -= self.layer_node_size(layer + 1) / 2
            if not x0 <= px <= x1:
                continue
            t = (px - x0) / max(x1 - x0, 1e-9)
            # y of every edge (j, i) at this x, and the distance across the line
            y_at = y0[None, :] + (y1[:, None] - y0[None, :]) * t
            slope = (y1[:, None] - y0[None, :]) / max(x1 - x0, 1e-9)
            distance = np.abs(y_at - py) / np.sqrt(1 + slope**2)
            j, i = np.unravel_index(int(np.argmin(distance)), distance.shape)
            if distance[j, i] <= EDGE_PICK_PX:
                return layer, int(j), int(i)
        return None

    def weight_value(self, layer: int, j: int, i: int) -> float | None:
        """The current value of the weight from neuron i to neuron j of weights layer `layer`."""
        if layer >= len(self.weights):
            return None
        return float(self.weights[layer][0][j, i])

    # --------------------------------------------------------------- painting
    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.white)
        if not self.layer_sizes:
            painter.drawText(self.rect(), Qt.AlignCenter, "no network yet")
            return
        if self._image is not None:
            if self._image.size() == self.size():
                painter.drawImage(0, 0, self._image)
            else:  # a resize is being rendered: stretch the last picture meanwhile
                painter.drawImage(QRectF(self.rect()), self._image)
        marked = [(self.hovered_edge, 2.0)]
        if self.editor.isVisible():
            marked.append((self.edited_edge, 3.0))
        painter.setRenderHint(QPainter.Antialiasing, True)
        for edge, width in marked:
            if edge is not None:
                painter.setPen(QPen(_HIGHLIGHT, width))
                painter.drawLine(*self.edge_segment(*edge))
        self._paint_labels(painter)

    def input_labels(self) -> list[tuple[str, QRectF]]:
        """Each input's name as drawn (elided in the middle when long) and where."""
        labels: list[tuple[str, QRectF]] = []
        if not self.layer_sizes:
            return labels
        metrics = QFontMetricsF(self.font())
        available = self.label_width() - 4
        size = self.layer_node_size(0)
        for index in range(self.layer_sizes[0]):
            name = input_name(index, self.input_names)
            x, y = self._center_xy(0, index)
            text = metrics.elidedText(name, Qt.TextElideMode.ElideMiddle, available)
            labels.append((text, QRectF(0, y - 8, x - size / 2 - 3, 16)))
        return labels

    def _paint_labels(self, painter: QPainter) -> None:
        painter.setPen(QColor(60, 60, 60))
        last = len(self.layer_sizes) - 1
        for layer, count in enumerate(self.layer_sizes):
            title = "input" if layer == 0 else "output" if layer == last else f"{count}"
            x = self._center_xy(layer, 0)[0]
            painter.drawText(QRectF(x - 40, 2, 80, 18), Qt.AlignCenter, title)
        pitch = (self._rows()[1] - self._rows()[0]) / max(1, self.layer_sizes[0])
        if pitch >= 11:  # names only where they do not overlap
            for text, rect in self.input_labels():
                painter.drawText(rect, Qt.AlignRight | Qt.AlignVCenter, text)
        dead = self.dead_count()
        if dead:
            painter.setPen(QColor(90, 90, 90))
            text = (
                f"✕ {dead} dead ReLU unit{'s' if dead != 1 else ''} "
                "(no sample activates them: no gradient reaches them)"
            )
            text = QFontMetricsF(self.font()).elidedText(
                text, Qt.TextElideMode.ElideRight, self.width() - 8
            )
            painter.drawText(
                QRectF(4, self.height() - 18, self.width() - 8, 16),
                Qt.AlignLeft | Qt.AlignVCenter,
                text,
            )

    # ------------------------------------------------------------ mouse
    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        node = self.node_at(pos)
        if node != self.hovered:
            self.hovered = node
            if node is None:
                self.popup.hide()
            else:
                self._show_popup(*node)
                self.neuronHovered.emit(*node)
            self._invalidate()
        edge = None if node is not None else self.edge_at(pos)
        if edge != self.hovered_edge:
            self.hovered_edge = edge
            self.setCursor(Qt.PointingHandCursor if edge is not None else Qt.ArrowCursor)
            self.update()
        if edge is not None:
            QToolTip.showText(
                event.globalPosition().toPoint(),
                f"{self.describe_edge(*edge)}\nclick to edit it",
                self,
            )
        elif node is None:
            self._label_tooltip(pos, event.globalPosition().toPoint())
        super().mouseMoveEvent(event)

    def _label_tooltip(self, pos: QPointF, global_pos) -> None:
        """The full name of an input whose label is cut (or any label) on hover."""
        for index, (_, rect) in enumerate(self.input_labels()):
            if rect.contains(pos):
                QToolTip.showText(global_pos, input_name(index, self.input_names), self)
                return
        QToolTip.hideText()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.LeftButton:
            edge = self.edge_at(event.position())
            if edge is not None:
                self.edit_weight(*edge)
                return
            self.editor.hide()
            self.edited_edge = None
            self.update()
        super().mousePressEvent(event)

    def edit_weight(self, layer: int, j: int, i: int) -> None:
        """Open the editor for the weight from neuron i to neuron j of weights layer `layer`."""
        value = self.weight_value(layer, j, i)
        if value is None:
            return
        self.edited_edge = (layer, j, i)
        start, end = self.edge_segment(layer, j, i)
        self.editor.open(self.describe_edge(layer, j, i), value, (start + end) / 2)
        self.update()

    def _on_weight_edited(self, value: float) -> None:
        if self.edited_edge is None:
            return
        layer, j, i = self.edited_edge
        self.weightEdited.emit(parameter_name(layer, j, i), float(value))

    def leaveEvent(self, event) -> None:
        self.hovered = None
        self.hovered_edge = None
        self.popup.hide()
        self._invalidate()
        super().leaveEvent(event)

    # ------------------------------------------------------------- captions
    def _neuron_words(self, layer: int, index: int) -> str:
        last = len(self.layer_sizes) - 1
        if layer == 0:
            return f"input {input_name(index, self.input_names)}"
        kind = "output" if layer == last else f"layer {layer}"
        return f"{kind}, neuron {index + 1}"

    def describe_neuron(self, layer: int, index: int) -> str:
        """Caption of the hover popup: which neuron (counted from 1), its bias, dead or not."""
        text = self._neuron_words(layer, index)
        if layer == 0:
            return text
        if layer - 1 < len(self.weights):
            bias = float(self.weights[layer - 1][1][index])
            text += f"\nbias {bias:+.3f}"
        dead = self.dead[layer - 1] if layer - 1 < len(self.dead) else None
        if dead is not None and index < len(dead) and dead[index]:
            text += "\ndead: no training sample activates it, so no gradient reaches it"
        return text

    def describe_edge(self, layer: int, j: int, i: int) -> str:
        """``w = 0.532: layer 1, neuron 6 → layer 2, neuron 3`` (view layers counted from 1)."""
        value = self.weight_value(layer, j, i)
        shown = f"w = {value:+.4f}" if value is not None else "w"
        return f"{shown}: {self._neuron_words(layer, i)} → {self._neuron_words(layer + 1, j)}"

    def _show_popup(self, layer: int, index: int) -> None:
        image = None
        if layer < len(self.maps) and index < len(self.maps[layer]):
            image = activation_image(self.maps[layer][index])
        self.popup.show_neuron(
            image, self.describe_neuron(layer, index), self.node_center(layer, index)
        )
