"""Paint the network picture into a QImage on a background thread.

Hundreds of alpha-blended edges cost tens of milliseconds to rasterise;
done on the GUI thread that would stall the event loop. QPainter on a
QImage is allowed in any thread, so a render thread paints and the widget
only blits the finished image. PySide6 keeps the GIL during each Qt call,
so edges go out in small drawLines batches (about a millisecond each) and
the neurons as one numpy-built layer: the GUI thread never waits long.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QLineF, QObject, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen

from microgui.background.jobs import JobPolicy, JobRunner
from microgui.widgets.colors import NEGATIVE_RGB, POSITIVE_RGB, diverging_rgba

WIDTH_LEVELS = 4
LINES_PER_CALL = 16
ANTIALIAS = False
MAX_EDGE_WIDTH = 5.0
MIN_RENDER_INTERVAL_S = 0.25  # the picture refreshes at most 4 times a second
BORDER_RGBA = np.array([90, 90, 90, 255], dtype=np.uint8)
HOVER_RGBA = np.array([20, 20, 20, 255], dtype=np.uint8)
EMPTY_RGBA = np.array([245, 245, 245, 255], dtype=np.uint8)


@dataclass(frozen=True)
class NetworkScene:
    """Everything one picture depends on (plain data, safe to hand to another thread)."""

    width: int
    height: int
    layer_sizes: tuple[int, ...]
    centers: tuple[tuple[float, np.ndarray], ...]  # per layer: x, y of each neuron
    node_size: float
    weights: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    maps: list[np.ndarray] = field(default_factory=list)
    hovered: tuple[int, int] | None = None


def activation_image(activation: np.ndarray) -> QImage:
    """An (g, g) activation map as a QImage, scaled by its own max |value|, y pointing up."""
    scale = float(np.nanmax(np.abs(activation))) if activation.size else 0.0
    scale = scale if np.isfinite(scale) and scale > 0 else 1.0
    buf = np.ascontiguousarray(diverging_rgba(activation / scale)[::-1])
    h, w = buf.shape[:2]
    return QImage(buf.data, w, h, 4 * w, QImage.Format_RGBA8888).copy()


def render_network(scene: NetworkScene) -> QImage:
    """The network picture: edges by weight, neurons with their activation thumbnails."""
    image = QImage(max(1, scene.width), max(1, scene.height), QImage.Format_ARGB32_Premultiplied)
    image.fill(Qt.white)
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.Antialiasing, ANTIALIAS)
        _paint_edges(painter, scene)
        _paint_nodes(painter, scene)
    finally:
        painter.end()
    return image


def _paint_edges(painter: QPainter, scene: NetworkScene) -> None:
    half = scene.node_size / 2
    biggest = 0.0
    for w, _ in scene.weights:
        if w.size:
            biggest = max(biggest, float(np.nanmax(np.abs(w))))
    biggest = biggest if np.isfinite(biggest) and biggest > 0 else 1.0
    for layer in range(len(scene.layer_sizes) - 1):
        x0, y0 = scene.centers[layer]
        x1, y1 = scene.centers[layer + 1]
        if layer < len(scene.weights):
            w = scene.weights[layer][0]
            strength = np.clip(np.nan_to_num(np.abs(w) / biggest), 0.0, 1.0)
            positive = w >= 0
        else:
            strength = np.zeros((len(y1), len(y0)))
            positive = np.ones((len(y1), len(y0)), dtype=bool)
        level = np.minimum((strength * WIDTH_LEVELS).astype(int), WIDTH_LEVELS - 1)
        # Weak edges first so strong ones are drawn on top.
        for lvl in range(WIDTH_LEVELS):
            s = (lvl + 0.5) / WIDTH_LEVELS
            for sign, rgb in ((True, POSITIVE_RGB), (False, NEGATIVE_RGB)):
                js, is_ = np.nonzero((level == lvl) & (positive == sign))
                if not len(js):
                    continue
                colour = QColor(int(rgb[0]), int(rgb[1]), int(rgb[2]), int(40 + 215 * s))
                painter.setPen(QPen(colour, 0.6 + (MAX_EDGE_WIDTH - 0.6) * s))
                lines = [
                    QLineF(x0 + half, float(y0[i]), x1 - half, float(y1[j]))
                    for j, i in zip(js.tolist(), is_.tolist(), strict=True)
                ]
                # PySide6 holds the GIL through a Qt call: small batches keep each
                # hold around a millisecond, so the GUI thread is never kept waiting.
                for start in range(0, len(lines), LINES_PER_CALL):
                    painter.drawLines(lines[start : start + LINES_PER_CALL])


def _paint_nodes(painter: QPainter, scene: NetworkScene) -> None:
    """All neuron squares in one numpy RGBA layer, composited with a single call.

    One drawImage per neuron would be dozens of Qt calls, each giving the GIL
    away to the training thread; numpy builds the whole layer at once.
    """
    overlay = node_overlay(scene)
    h, w = overlay.shape[:2]
    painter.drawImage(0, 0, QImage(overlay.data, w, h, 4 * w, QImage.Format_RGBA8888))


def node_overlay(scene: NetworkScene) -> np.ndarray:
    """(height, width, 4) uint8: neuron thumbnails with borders, transparent elsewhere."""
    h, w = max(1, scene.height), max(1, scene.width)
    overlay = np.zeros((h, w, 4), dtype=np.uint8)
    size = max(2, round(scene.node_size))
    for layer, (x, ys) in enumerate(scene.centers):
        count = len(ys)
        maps = scene.maps[layer] if layer < len(scene.maps) else None
        if maps is not None and len(maps) >= count and maps.ndim == 3:
            g_rows, g_cols = maps.shape[1:]
            scale = np.nanmax(np.abs(maps[:count]), axis=(1, 2), keepdims=True)
            scale[~np.isfinite(scale) | (scale == 0)] = 1.0
            rgba = diverging_rgba(maps[:count] / scale)
            r_idx = (np.arange(size) * g_rows // size)[::-1]  # map row 0 is the plane's bottom
            c_idx = np.arange(size) * g_cols // size
            tiles = rgba[:, r_idx][:, :, c_idx]
        else:
            tiles = np.broadcast_to(EMPTY_RGBA, (count, size, size, 4)).copy()
        for index in range(count):
            hovered = scene.hovered == (layer, index)
            _blit(
                overlay,
                tiles[index],
                round(x - size / 2),
                round(ys[index] - size / 2),
                hovered,
            )
    return overlay


def _blit(overlay: np.ndarray, tile: np.ndarray, left: int, top: int, hovered: bool) -> None:
    size = tile.shape[0]
    tile = tile.copy()
    border = HOVER_RGBA if hovered else BORDER_RGBA
    t = 2 if hovered and size > 6 else 1
    tile[:t], tile[-t:], tile[:, :t], tile[:, -t:] = border, border, border, border
    h, w = overlay.shape[:2]
    r0, c0 = max(top, 0), max(left, 0)
    r1, c1 = min(top + size, h), min(left + size, w)
    if r1 > r0 and c1 > c0:
        overlay[r0:r1, c0:c1] = tile[r0 - top : r1 - top, c0 - left : c1 - left]


class NetworkRenderer(QObject):
    """Renders the newest requested scene on a background thread; rendered(QImage) answers.

    Requests made while a render runs replace each other: only the latest is
    drawn next, so a burst of snapshots costs one extra render, not a queue
    (microgui.background.jobs, LATEST policy, at most one render every
    MIN_RENDER_INTERVAL_S).
    """

    rendered = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs = JobRunner(
            self,
            policy=JobPolicy.LATEST,
            name="microgui-network",
            min_interval_s=MIN_RENDER_INTERVAL_S,
        )
        self._jobs.finished.connect(self._on_rendered)

    def request(self, scene: NetworkScene) -> None:
        """Render `scene` soon (replacing any request not yet started)."""
        self._jobs.submit(lambda: render_network(scene))

    def close(self) -> None:
        """Render nothing more (a render in progress ends on its own, unseen)."""
        self._jobs.close()

    def _on_rendered(self, _ticket: int, image: QImage) -> None:
        self.rendered.emit(image)
