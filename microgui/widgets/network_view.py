"""NetworkView: the MLP drawn as TensorFlow Playground does, updating live.

Neurons are squares showing a thumbnail of their activation over the input
plane; weights are edges whose thickness is |w| and whose colour is the
sign (blue positive, orange negative). Hovering a neuron pops up a larger
heat map of its activation plus its bias. The picture is painted on a
background thread (network_render) and blitted in one call, so a live
update costs the GUI thread almost nothing even for hundreds of edges.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPixmap
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from microgui.widgets.network_render import (
    NetworkRenderer,
    NetworkScene,
    activation_image,
)

POPUP_PIXELS = 120
MAX_NODE = 30.0
MIN_NODE = 4.0


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
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(2)
        layout.addWidget(self.image_label)
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
        parent = self.parentWidget()
        x = int(anchor.x()) + 18
        y = int(anchor.y()) - self.height() // 2
        if x + self.width() > parent.width():
            x = int(anchor.x()) - 18 - self.width()
        y = max(0, min(y, parent.height() - self.height()))
        self.move(max(0, x), y)
        self.show()
        self.raise_()


class NetworkView(QWidget):
    """Draws layers of neurons and weighted edges; emits neuronHovered(layer, index)."""

    neuronHovered = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setMinimumSize(220, 160)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.layer_sizes: list[int] = []
        self.input_names: tuple[str, ...] = ()
        self.weights: list[tuple[np.ndarray, np.ndarray]] = []
        self.maps: list[np.ndarray] = []
        self.hovered: tuple[int, int] | None = None
        self.popup = NeuronPopup(self)
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
            self.hovered = None
            self.popup.hide()
        self.input_names = tuple(input_names)
        self._invalidate()

    def set_weights(self, weights: list[tuple[np.ndarray, np.ndarray]]) -> None:
        """Per layer (W of shape (nout, nin), b of shape (nout,)); sets the architecture too."""
        if weights:
            sizes = [int(weights[0][0].shape[1])] + [int(w.shape[0]) for w, _ in weights]
            if sizes != self.layer_sizes:
                self.set_architecture(sizes, self.input_names)
        self.weights = [(np.asarray(w), np.asarray(b)) for w, b in weights]
        self._invalidate()

    def set_neuron_maps(self, maps: list[np.ndarray]) -> None:
        """Activation of every neuron over the input plane: per layer an (n, g, g) array."""
        self.maps = [np.asarray(m, dtype=np.float64) for m in maps]
        if self.hovered is not None and self.popup.isVisible():
            self._show_popup(*self.hovered)
        self._invalidate()

    @property
    def images(self) -> list[np.ndarray]:
        """The activation maps per layer (kept under the old name for callers)."""
        return self.maps

    def clear(self) -> None:
        """Forget weights and maps but keep the architecture."""
        self.weights = []
        self.maps = []
        self.popup.hide()
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
            node_size=self.node_size(),
            weights=list(self.weights),
            maps=list(self.maps),
            hovered=self.hovered,
        )

    # --------------------------------------------------------------- geometry
    def node_size(self) -> float:
        """Side of a neuron square in pixels, shrinking for wide layers."""
        if not self.layer_sizes:
            return MAX_NODE
        usable = self.height() - 30
        per_node = usable / max(self.layer_sizes)
        return float(max(MIN_NODE, min(MAX_NODE, per_node * 0.78)))

    def node_center(self, layer: int, index: int) -> QPointF:
        """Centre of neuron `index` in `layer` in widget coordinates."""
        x, y = self._center_xy(layer, index)
        return QPointF(x, y)

    def _center_xy(self, layer: int, index) -> tuple:
        n_layers = len(self.layer_sizes)
        left, right = 46.0, self.width() - 30.0
        x = left + (right - left) * (layer / max(1, n_layers - 1))
        top, bottom = 24.0, self.height() - 6.0
        count = self.layer_sizes[layer]
        step = (bottom - top) / max(1, count)
        return x, top + step * (np.asarray(index) + 0.5)

    def node_at(self, pos: QPointF) -> tuple[int, int] | None:
        """(layer, index) of the neuron under `pos`, if any."""
        half = self.node_size() / 2 + 2
        for layer, count in enumerate(self.layer_sizes):
            x, ys = self._center_xy(layer, np.arange(count))
            if abs(x - pos.x()) > half:
                continue
            hits = np.nonzero(np.abs(ys - pos.y()) <= half)[0]
            if len(hits):
                return layer, int(hits[0])
        return None

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
        self._paint_labels(painter)

    def _paint_labels(self, painter: QPainter) -> None:
        painter.setPen(QColor(60, 60, 60))
        last = len(self.layer_sizes) - 1
        for layer, count in enumerate(self.layer_sizes):
            title = "input" if layer == 0 else "output" if layer == last else f"{count}"
            x = self._center_xy(layer, 0)[0]
            painter.drawText(QRectF(x - 40, 2, 80, 18), Qt.AlignCenter, title)
        size = self.node_size()
        if size >= 10:
            for index, name in enumerate(self.input_names[: self.layer_sizes[0]]):
                x, y = self._center_xy(0, index)
                painter.drawText(
                    QRectF(0, y - 8, x - size / 2 - 3, 16),
                    Qt.AlignRight | Qt.AlignVCenter,
                    name[:6],
                )

    # ------------------------------------------------------------------ hover
    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        node = self.node_at(event.position())
        if node != self.hovered:
            self.hovered = node
            if node is None:
                self.popup.hide()
            else:
                self._show_popup(*node)
                self.neuronHovered.emit(*node)
            self._invalidate()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event) -> None:
        self.hovered = None
        self.popup.hide()
        self._invalidate()
        super().leaveEvent(event)

    def describe_neuron(self, layer: int, index: int) -> str:
        """Caption of the hover popup: which neuron, and its bias when known."""
        last = len(self.layer_sizes) - 1
        if layer == 0:
            name = self.input_names[index] if index < len(self.input_names) else f"x{index}"
            return f"input {name}"
        kind = "output" if layer == last else f"layer {layer}"
        text = f"{kind}, neuron {index}"
        if layer - 1 < len(self.weights):
            bias = float(self.weights[layer - 1][1][index])
            text += f"\nbias {bias:+.3f}"
        return text

    def _show_popup(self, layer: int, index: int) -> None:
        image = None
        if layer < len(self.maps) and index < len(self.maps[layer]):
            image = activation_image(self.maps[layer][index])
        self.popup.show_neuron(
            image, self.describe_neuron(layer, index), self.node_center(layer, index)
        )
