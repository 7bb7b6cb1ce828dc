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

WIDTH_LEVELS = 6
LINES_PER_CALL = 16
ANTIALIAS = False
MAX_EDGE_WIDTH = 5.0
MIN_EDGE_WIDTH = 0.6
EDGE_BUDGET_PX = 3.0  # at most one drawn edge per this many pixels of a layer's height ...
EDGE_BUDGET_MIN = 60  # ... but never fewer than this
MIN_RENDER_INTERVAL_S = 0.25  # the picture refreshes at most 4 times a second
BORDER_RGBA = np.array([90, 90, 90, 255], dtype=np.uint8)
HOVER_RGBA = np.array([20, 20, 20, 255], dtype=np.uint8)
EMPTY_RGBA = np.array([245, 245, 245, 255], dtype=np.uint8)
DEAD_RGB = np.array([90, 90, 90], dtype=np.float64)


@dataclass(frozen=True)
class NetworkScene:
    """Everything one picture depends on (plain data, safe to hand to another thread)."""

    width: int
    height: int
    layer_sizes: tuple[int, ...]
    centers: tuple[tuple[float, np.ndarray], ...]  # per layer: x, y of each neuron
    node_sizes: tuple[float, ...]  # per layer: the side of its squares
    weights: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    maps: list[np.ndarray] = field(default_factory=list)
    hovered: tuple[int, int] | None = None
    dead: tuple[np.ndarray, ...] = ()  # per hidden layer: True for a dead ReLU unit


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


def edge_styles(
    w: np.ndarray, pitch: float, budget: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(level, alpha, width) per weight of one layer pair; level -1: not drawn.

    The strength is |w| over the pair's largest |w|, turned into opacity and
    width more steeply the more edges there are (strength ** gamma, gamma
    from 1 for a handful of edges to 2 for hundreds), and the widest line is
    about half the spacing of the neurons. Past ``budget`` edges (about as
    many lines as the space between the two layers can show apart) only the
    strongest ``budget`` are drawn: 64 x 64 weights would otherwise merge
    into one solid block, and it is the strongest that tell the story.
    """
    magnitude = np.nan_to_num(np.abs(np.asarray(w, dtype=np.float64)), nan=0.0, posinf=0.0)
    top = float(magnitude.max()) if magnitude.size else 0.0
    strength = magnitude / top if top > 0 else np.zeros_like(magnitude)
    gamma = 1.0 + float(np.clip(np.log10(max(magnitude.size, 1) / 40.0), 0.0, 1.0))
    shown = strength**gamma
    level = np.minimum((shown * WIDTH_LEVELS).astype(int), WIDTH_LEVELS - 1)
    t = (level + 0.5) / WIDTH_LEVELS
    alpha = (30 + 225 * t).astype(int)
    widest = float(np.clip(pitch * 0.5, 1.2, MAX_EDGE_WIDTH))
    width = MIN_EDGE_WIDTH + (widest - MIN_EDGE_WIDTH) * t
    if budget is not None and 0 < budget < magnitude.size:
        threshold = np.partition(magnitude.ravel(), -budget)[-budget]
        level = np.where(magnitude >= threshold, level, -1)
    return level, alpha, width


def _paint_edges(painter: QPainter, scene: NetworkScene) -> None:
    for layer in range(len(scene.layer_sizes) - 1):
        x0, y0 = scene.centers[layer]
        x1, y1 = scene.centers[layer + 1]
        half0, half1 = scene.node_sizes[layer] / 2, scene.node_sizes[layer + 1] / 2
        pitch = min(_pitch(y0), _pitch(y1))
        if layer < len(scene.weights):
            w = scene.weights[layer][0]
            span = max(float(np.ptp(y0)) if len(y0) > 1 else 0.0, float(np.ptp(y1)), 1.0)
            budget = max(EDGE_BUDGET_MIN, int(span / EDGE_BUDGET_PX))
            level, alpha, width = edge_styles(w, pitch, budget)
            positive = w >= 0
        else:
            shape = (len(y1), len(y0))
            level = np.zeros(shape, dtype=int)
            alpha, width = np.full(shape, 40), np.full(shape, MIN_EDGE_WIDTH)
            positive = np.ones(shape, dtype=bool)
        # Weak edges first so strong ones are drawn on top.
        for lvl in range(WIDTH_LEVELS):
            for sign, rgb in ((True, POSITIVE_RGB), (False, NEGATIVE_RGB)):
                js, is_ = np.nonzero((level == lvl) & (positive == sign))
                if not len(js):
                    continue
                a, lw = int(alpha[js[0], is_[0]]), float(width[js[0], is_[0]])
                painter.setPen(QPen(QColor(int(rgb[0]), int(rgb[1]), int(rgb[2]), a), lw))
                lines = [
                    QLineF(x0 + half0, float(y0[i]), x1 - half1, float(y1[j]))
                    for j, i in zip(js.tolist(), is_.tolist(), strict=True)
                ]
                # PySide6 holds the GIL through a Qt call: small batches keep each
                # hold around a millisecond, so the GUI thread is never kept waiting.
                for start in range(0, len(lines), LINES_PER_CALL):
                    painter.drawLines(lines[start : start + LINES_PER_CALL])


def _pitch(ys: np.ndarray) -> float:
    return float(ys[1] - ys[0]) if len(ys) > 1 else 40.0


def _paint_nodes(painter: QPainter, scene: NetworkScene) -> None:
    """All neuron squares in one numpy RGBA layer, composited with a single call.

    One drawImage per neuron would be dozens of Qt calls, each giving the GIL
    away to the training thread; numpy builds the whole layer at once.
    """
    overlay = node_overlay(scene)
    h, w = overlay.shape[:2]
    painter.drawImage(0, 0, QImage(overlay.data, w, h, 4 * w, QImage.Format_RGBA8888))


def node_overlay(scene: NetworkScene) -> np.ndarray:
    """(height, width, 4) uint8: neuron thumbnails with borders, transparent elsewhere.

    A dead ReLU unit is greyed out and crossed.
    """
    h, w = max(1, scene.height), max(1, scene.width)
    overlay = np.zeros((h, w, 4), dtype=np.uint8)
    for layer, (x, ys) in enumerate(scene.centers):
        size = max(2, round(scene.node_sizes[layer]))
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
        dead = scene.dead[layer - 1] if 0 < layer <= len(scene.dead) else None
        for index in range(count):
            tile = tiles[index]
            if dead is not None and index < len(dead) and dead[index]:
                tile = dead_tile(tile)
            _blit(
                overlay,
                tile,
                round(x - size / 2),
                round(ys[index] - size / 2),
                scene.hovered == (layer, index),
            )
    return overlay


def dead_tile(tile: np.ndarray) -> np.ndarray:
    """A dead unit's square: its thumbnail washed out to grey, with a dark cross."""
    out = tile.astype(np.float64)
    grey = out[..., :3].mean(axis=-1, keepdims=True)
    out[..., :3] = 0.35 * grey + 0.65 * 225.0
    size = tile.shape[0]
    for offset in range(2 if size > 8 else 1):  # two pixels wide where there is room
        r = np.arange(size - offset)
        out[r, r + offset, :3] = DEAD_RGB
        out[r, size - 1 - r - offset, :3] = DEAD_RGB
    return out.astype(np.uint8)


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
