"""``--plot PATH``: the decision boundary with the data and the loss curve, as a PNG.

Rendered with QPainter onto a QImage, so it needs no display and no
pyqtgraph: when no Qt application exists, an offscreen QApplication is
created (``-platform offscreen`` on its own command line, so the user's
environment is left alone). The model is evaluated on a grid with the
engine's numpy fast path (``Trainer.predict``), never one scalar graph per
pixel.

Left panel, by task: binary, a heat map of the signed confidence tanh(score)
between the two class colours (softmax: the winning class, faded by its
probability); multiclass, the winning class; 2-D regression, the prediction;
1-D regression, the data and the fitted curve. With more than two features
the plane of the first two is shown, the others held at their mean.
Training points are filled discs, test points rings. Right panel: train and
test loss per step (log scale when the loss spans more than two decades).
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from engine.atomic_write import WriteError, atomic_path

__all__ = ["CLASS_COLORS", "PlotError", "export_plot", "nice_ticks", "render_plot"]

CLASS_COLORS = (
    (232, 113, 10),  # orange
    (26, 115, 232),  # blue
    (24, 128, 56),  # green
    (217, 48, 37),  # red
    (147, 52, 230),  # purple
    (18, 181, 203),  # teal
    (249, 171, 0),  # yellow
    (95, 99, 104),  # grey
)
WIDTH, HEIGHT = 1280, 620
GRID = 200
_MARGIN = 0.12
_keep_app: list[Any] = []  # the QGuiApplication we create must outlive the painting


class PlotError(Exception):
    """The plot could not be drawn or written; the message says why."""


def nice_ticks(low: float, high: float, count: int = 6) -> list[float]:
    """Round tick positions (1, 2, 5 x 10^k steps) covering [low, high]."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return [low]
    raw = (high - low) / max(count - 1, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(low / step - 1e-9) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(0.0 if abs(value) < step * 1e-9 else value)
        value += step
    return ticks


def _extent(values: np.ndarray) -> tuple[float, float]:
    lo, hi = float(np.min(values)), float(np.max(values))
    pad = (hi - lo) * _MARGIN or 1.0
    return lo - pad, hi + pad


def _ensure_qt() -> Any:
    try:
        from PySide6.QtGui import QGuiApplication
        from PySide6.QtWidgets import QApplication
    except ImportError as exc:  # pragma: no cover - PySide6 is a dependency
        raise PlotError(f"drawing the plot needs PySide6 ({exc})") from None
    app = QGuiApplication.instance()
    if app is None:
        # A QApplication (not just a QGuiApplication), so widgets can still be
        # made later in the same process.
        app = QApplication(["microgui", "-platform", "offscreen"])
        _keep_app.append(app)
    return app


class _Axes:
    """Maps data coordinates into a pixel rectangle and draws the frame, ticks and labels."""

    def __init__(self, painter: Any, rect: tuple[int, int, int, int], xr, yr, log_y=False):
        self.p = painter
        self.left, self.top, self.width, self.height = rect
        self.xr, self.yr, self.log_y = xr, yr, log_y

    def _y_value(self, y: float) -> float:
        return math.log10(y) if self.log_y else y

    def px(self, x: float) -> float:
        return self.left + (x - self.xr[0]) / (self.xr[1] - self.xr[0]) * self.width

    def py(self, y: float) -> float:
        lo, hi = self.yr
        frac = (self._y_value(y) - lo) / (hi - lo)
        return self.top + (1.0 - frac) * self.height

    def frame(self, xlabel: str, ylabel: str, title: str) -> None:
        from PySide6.QtCore import QPointF, QRectF, Qt
        from PySide6.QtGui import QColor, QPen

        p = self.p
        p.setPen(QPen(QColor(60, 60, 60), 1))
        p.setBrush(Qt.NoBrush)
        p.drawRect(QRectF(self.left, self.top, self.width, self.height))
        for x in nice_ticks(*self.xr):
            X = self.px(x)
            p.drawLine(QPointF(X, self.top + self.height), QPointF(X, self.top + self.height + 5))
            p.drawText(
                QRectF(X - 40, self.top + self.height + 6, 80, 18), Qt.AlignHCenter, _label(x)
            )
        if self.log_y:
            ticks = [10.0**e for e in range(math.ceil(self.yr[0]), math.floor(self.yr[1]) + 1)]
        else:
            ticks = nice_ticks(*self.yr)
        for y in ticks:
            Y = self.py(y)
            p.drawLine(QPointF(self.left - 5, Y), QPointF(self.left, Y))
            p.drawText(
                QRectF(self.left - 74, Y - 9, 66, 18), Qt.AlignRight | Qt.AlignVCenter, _label(y)
            )
        bottom = self.top + self.height
        p.drawText(QRectF(self.left, bottom + 24, self.width, 20), Qt.AlignHCenter, xlabel)
        p.save()
        p.translate(self.left - 64, self.top + self.height / 2)
        p.rotate(-90)
        p.drawText(QRectF(-self.height / 2, -22, self.height, 20), Qt.AlignHCenter, ylabel)
        p.restore()
        font = p.font()
        font.setBold(True)
        p.setFont(font)
        p.drawText(QRectF(self.left, self.top - 26, self.width, 22), Qt.AlignHCenter, title)
        font.setBold(False)
        p.setFont(font)


def _label(value: float) -> str:
    if value != 0 and (abs(value) >= 1e5 or abs(value) < 1e-3):
        return f"{value:.0e}"
    return f"{value:.6g}"


def _value_rgb(values: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Diverging blue-white-red colours (n, 3) for values, scaled to the targets' range."""
    colors = np.array(CLASS_COLORS, dtype=np.float64)
    white = np.full(3, 255.0)
    lo, hi = float(np.min(targets)), float(np.max(targets))
    t = np.clip((np.asarray(values, dtype=np.float64) - lo) / ((hi - lo) or 1.0), 0.0, 1.0)[:, None]
    low_half = colors[1] + (white - colors[1]) * (t * 2)
    high_half = white + (colors[3] - white) * ((t - 0.5) * 2)
    return np.where(t < 0.5, low_half, high_half)


def _boundary_rgb(trainer: Any, grid: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """RGB (ny, nx, 3) uint8 colours of the model's output over the grid."""
    with np.errstate(all="ignore"):
        out = trainer.predict(grid)
    colors = np.array(CLASS_COLORS, dtype=np.float64)
    white = np.full(3, 255.0)
    if trainer.task == "regression":
        rgb = _value_rgb(np.nan_to_num(out[:, 0]), trainer.y)
    elif trainer.loss_name == "softmax_ce":
        z = out - np.max(out, axis=1, keepdims=True)
        prob = np.exp(z) / np.sum(np.exp(z), axis=1, keepdims=True)
        winner = np.argmax(prob, axis=1)
        k = out.shape[1]
        strength = (np.max(prob, axis=1) - 1.0 / k) / (1.0 - 1.0 / k)
        base = colors[winner % len(colors)]
        rgb = white + (base - white) * (0.15 + 0.45 * strength[:, None])
    else:
        signed = np.tanh(np.nan_to_num(out[:, 0]))[:, None]
        base = np.where(signed > 0, colors[1], colors[0])
        rgb = white + (base - white) * (0.12 + 0.45 * np.abs(signed))
    return np.ascontiguousarray(rgb.reshape(shape[0], shape[1], 3).clip(0, 255).astype(np.uint8))


def _draw_boundary(painter: Any, trainer: Any, rect, feature_names: Sequence[str]) -> None:
    from PySide6.QtCore import QPointF, QRectF, Qt
    from PySide6.QtGui import QColor, QImage, QPen

    X = trainer.X
    d = X.shape[1]
    if d == 1 and trainer.task == "regression":
        _draw_curve(painter, trainer, rect, feature_names)
        return
    ax0, ax1 = 0, min(1, d - 1)
    xr = _extent(X[:, ax0])
    yr = _extent(X[:, ax1]) if d > 1 else (-1.0, 1.0)
    xs = np.linspace(xr[0], xr[1], GRID)
    ys = np.linspace(yr[1], yr[0], GRID)  # top row first, as an image is stored
    gx, gy = np.meshgrid(xs, ys)
    grid = np.tile(np.mean(X, axis=0), (GRID * GRID, 1))
    grid[:, ax0] = gx.ravel()
    if d > 1:
        grid[:, ax1] = gy.ravel()
    rgb = _boundary_rgb(trainer, grid, (GRID, GRID))
    image = QImage(rgb.data, GRID, GRID, 3 * GRID, QImage.Format_RGB888).copy()
    left, top, width, height = rect
    painter.drawImage(QRectF(left, top, width, height), image)
    axes = _Axes(painter, rect, xr, yr)
    names = list(feature_names) or [f"x{i + 1}" for i in range(d)]
    held = " (other features at their mean)" if d > 2 else ""
    axes.frame(names[ax0], names[ax1] if d > 1 else "", f"Model output over the data{held}")
    for points, labels, filled in (
        (trainer.X_train, trainer.y_train, True),
        (trainer.X_test, trainer.y_test, False),
    ):
        if trainer.task == "regression" and len(labels):
            shades = [QColor(*map(int, rgb)) for rgb in _value_rgb(labels, trainer.y)]
        else:
            shades = [QColor(*CLASS_COLORS[int(c) % len(CLASS_COLORS)]) for c in labels]
        for row, color in zip(points, shades, strict=True):
            painter.setPen(QPen(QColor(30, 30, 30) if filled else color, 1.2 if filled else 2.0))
            painter.setBrush(color if filled else Qt.NoBrush)
            y_value = row[ax1] if d > 1 else 0.0
            painter.drawEllipse(QPointF(axes.px(row[ax0]), axes.py(y_value)), 4.0, 4.0)


def _draw_curve(painter: Any, trainer: Any, rect, feature_names: Sequence[str]) -> None:
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QColor, QPen, QPolygonF

    xr = _extent(trainer.X[:, 0])
    xs = np.linspace(xr[0], xr[1], 400)
    with np.errstate(all="ignore"):
        pred = np.nan_to_num(trainer.predict(xs.reshape(-1, 1))[:, 0])
    yr = _extent(np.concatenate([trainer.y, np.clip(pred, -1e6, 1e6)]))
    axes = _Axes(painter, rect, xr, yr)
    name = (list(feature_names) or ["x"])[0]
    axes.frame(name, "y", "Data and the model's fit")
    painter.setPen(QPen(QColor(*CLASS_COLORS[3]), 2.5))
    painter.drawPolyline(
        QPolygonF([QPointF(axes.px(x), axes.py(y)) for x, y in zip(xs, pred, strict=True)])
    )
    for points, targets, filled in (
        (trainer.X_train, trainer.y_train, True),
        (trainer.X_test, trainer.y_test, False),
    ):
        color = QColor(*CLASS_COLORS[1])
        painter.setPen(QPen(color if not filled else QColor(30, 30, 30), 1.2))
        painter.setBrush(color if filled else Qt.NoBrush)
        for x, y in zip(points[:, 0], targets, strict=True):
            painter.drawEllipse(QPointF(axes.px(x), axes.py(y)), 3.5, 3.5)


def _draw_loss(painter: Any, trainer: Any, rect) -> None:
    from PySide6.QtCore import QPointF, QRectF, Qt
    from PySide6.QtGui import QColor, QPen, QPolygonF

    history = trainer.history
    steps = history.column("step").astype(np.float64)
    series = [("train loss", history.column("loss"), CLASS_COLORS[1])]
    test = history.column("test_loss")
    if np.isfinite(test).any():
        series.append(("test loss", test, CLASS_COLORS[0]))
    finite = np.concatenate([s[1][np.isfinite(s[1])] for s in series]) if len(steps) else []
    if len(finite) == 0:
        _Axes(painter, rect, (0.0, 1.0), (0.0, 1.0)).frame("step", "loss", "Loss (no steps yet)")
        return
    lo, hi = float(np.min(finite)), float(np.max(finite))
    log_y = lo > 0 and hi / lo > 100
    if log_y:
        yr = (math.floor(math.log10(lo)), math.ceil(math.log10(hi)))
    else:
        yr = (min(0.0, lo), hi * 1.05 if hi > 0 else 1.0)
    xr = (float(steps[0]), float(max(steps[-1], steps[0] + 1)))
    axes = _Axes(painter, rect, xr, yr, log_y=log_y)
    axes.frame("step", "loss (log scale)" if log_y else "loss", "Loss per step")
    for row, (name, values, rgb) in enumerate(series):
        painter.setPen(QPen(QColor(*rgb), 2.0))
        keep = np.isfinite(values) & ((values > 0) if log_y else True)
        points = [
            QPointF(axes.px(s), axes.py(v)) for s, v in zip(steps[keep], values[keep], strict=True)
        ]
        if len(points) > 1:
            painter.drawPolyline(QPolygonF(points))
        elif points:
            painter.drawEllipse(points[0], 2.5, 2.5)
        left, top = rect[0] + rect[2] - 130, rect[1] + 10 + 20 * row
        painter.drawLine(QPointF(left, top + 9), QPointF(left + 24, top + 9))
        painter.setPen(QPen(QColor(40, 40, 40)))
        painter.drawText(QRectF(left + 30, top, 100, 18), Qt.AlignLeft | Qt.AlignVCenter, name)


def render_plot(
    trainer: Any,
    feature_names: Sequence[str] = (),
    class_names: Sequence[str] = (),
    title: str = "",
) -> Any:
    """The plot as a QImage (WIDTH x HEIGHT); the trainer is only read."""
    _ensure_qt()
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter

    image = QImage(WIDTH, HEIGHT, QImage.Format_RGB32)
    image.fill(QColor(255, 255, 255))
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setFont(QFont("DejaVu Sans", 10))
        painter.setPen(QColor(20, 20, 20))
        painter.drawText(QRectF(0, 8, WIDTH, 24), Qt.AlignHCenter, title)
        with trainer.lock:  # a consistent model and history while drawing
            _draw_boundary(painter, trainer, (90, 80, 470, 470), feature_names)
            _draw_loss(painter, trainer, (720, 80, 520, 470))
        if class_names and trainer.task != "regression":
            x = 90
            for i, name in enumerate(class_names):
                painter.setBrush(QColor(*CLASS_COLORS[i % len(CLASS_COLORS)]))
                painter.drawEllipse(x, HEIGHT - 28, 10, 10)
                painter.drawText(QRectF(x + 16, HEIGHT - 33, 200, 20), Qt.AlignLeft, str(name))
                x += 40 + 8 * len(str(name))
    finally:
        painter.end()
    return image


def export_plot(
    path: str | os.PathLike[str],
    trainer: Any,
    feature_names: Sequence[str] = (),
    class_names: Sequence[str] = (),
    title: str = "",
) -> None:
    """Write the PNG through engine.atomic_write (all or nothing); PlotError if impossible."""
    image = render_plot(trainer, feature_names, class_names, title)
    try:
        with atomic_path(path, "plot") as tmp:
            if not image.save(str(tmp), "PNG"):
                raise PlotError(f"could not write {path} (is the folder writable?)")
    except WriteError as exc:
        raise PlotError(str(exc)) from None
