"""GradientFlowPlot: each layer's weight-gradient norm over the training steps (log scale).

Neither micrograd nor TensorFlow Playground shows this: how strongly each
layer is being pushed. A layer is marked *vanishing* when its gradient is
under a hundredth of the strongest layer's (the first layers of a sigmoid
network), or under ``VANISHING_NORM`` while the training loss is stuck
(a deep sigmoid network: every layer's gradient is tiny and nothing is
learnt); small gradients once the loss has fallen are just convergence. A
layer above ``EXPLODING_NORM`` is marked *exploding* (its steps overshoot:
a too-high learning rate). Under the chart, the dead ReLU units of each
layer (no training sample activates them, so no gradient reaches them:
they cannot learn again).

Data in through setters (``set_norms``, ``set_dead_units``); knows nothing
of training. Layers are counted from 1, the last one is the output.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from microgui.widgets.colors import CLASS_RGB
from microgui.widgets.numbering import layer_title
from microgui.widgets.plot_export import install_export_menu
from microgui.widgets.plot_style import FOREGROUND, make_plot_widget, style_plot_item

__all__ = [
    "EXPLODING_NORM",
    "VANISHING_NORM",
    "VANISHING_RATIO",
    "GradientFlowPlot",
    "layer_states",
]

VANISHING_RATIO = 1e-2  # below this share of the strongest layer's norm: vanishing
VANISHING_NORM = 1e-2  # below this while the loss is stuck: vanishing
STUCK_LOSS = 0.9  # the loss is stuck while it stays above this share of its first value
EXPLODING_NORM = 1e2  # above this norm: exploding
RECENT_STEPS = 10  # states are judged on the median of the last recorded steps
# Layer colours: the class palette without orange and blue, which mean a sign elsewhere.
_LAYER_RGB = np.vstack([CLASS_RGB[2:], CLASS_RGB[:2]])


def layer_states(norms: np.ndarray, losses: np.ndarray | None = None) -> list[str]:
    """Per layer: "vanishing", "exploding", "no gradient" or "" from norms (steps, layers).

    Judged on each layer's median over the last RECENT_STEPS rows, so that
    one odd step does not flip the marks; ``losses`` (the training loss over
    the steps) tells a stuck run from a converged one.
    """
    norms = np.asarray(norms, dtype=np.float64)
    if norms.ndim != 2 or not len(norms):
        return []
    recent = np.nanmedian(norms[-RECENT_STEPS:], axis=0)
    strongest = float(np.nanmax(recent)) if np.isfinite(recent).any() else 0.0
    stuck = False
    if losses is not None:
        losses = np.asarray(losses, dtype=np.float64)
        losses = losses[np.isfinite(losses)]
        if len(losses) > RECENT_STEPS:
            stuck = float(np.median(losses[-RECENT_STEPS:])) > STUCK_LOSS * float(losses[0])
    states = []
    for value in recent:
        if not np.isfinite(value) or value > EXPLODING_NORM:
            states.append("exploding")
        elif strongest == 0.0:
            states.append("no gradient")
        elif value < VANISHING_RATIO * strongest or (stuck and value < VANISHING_NORM):
            states.append("vanishing")
        else:
            states.append("")
    return states


class GradientFlowPlot(QWidget):
    """One curve per layer of ‖∂loss/∂W‖ against the step, on a log axis, with marks."""

    exportRequested = Signal(str)  # "png" | "svg" | "csv", from the right-click menu

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot_widget = make_plot_widget()
        self.plot_item = self.plot_widget.getPlotItem()
        style_plot_item(
            self.plot_item,
            title="Gradient flow: each layer's weight-gradient norm",
            bottom="step",
            left="‖∂loss/∂W‖ (log scale)",
        )
        self.plot_item.setLogMode(x=False, y=True)
        self.plot_item.getAxis("left").enableAutoSIPrefix(False)  # plain values, no "(x0.001)"
        legend = self.plot_item.addLegend(
            offset=(-10, 10), labelTextSize="9pt", labelTextColor=FOREGROUND
        )
        legend.setBrush(pg.mkBrush(255, 255, 255, 215))  # readable over the curves
        self.explode_line = pg.InfiniteLine(
            pos=np.log10(EXPLODING_NORM),
            angle=0,
            pen=pg.mkPen("#c0392b", width=1, style=Qt.DashLine),
            label=f"exploding above {EXPLODING_NORM:g}",
            labelOpts={"position": 0.12, "color": "#c0392b", "anchors": [(0, 1), (0, 1)]},
        )
        self.explode_line.setVisible(False)
        self.plot_item.addItem(self.explode_line)
        install_export_menu(self.plot_widget, self.exportRequested.emit)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.dead_label = QLabel()
        self.dead_label.setWordWrap(True)
        help_label = QLabel(
            "How strongly each layer's weights are pushed at every step. A layer whose gradient "
            f"is under 1/{1 / VANISHING_RATIO:g} of the strongest layer's, or under "
            f"{VANISHING_NORM:g} while the loss does not fall, is vanishing: it barely learns "
            "(try 6 layers of 8 sigmoid neurons). Above "
            f"{EXPLODING_NORM:g} it is exploding: the steps overshoot (try a very high learning "
            "rate). Dead ReLU units get no gradient from any training sample."
        )
        help_label.setWordWrap(True)
        help_label.setStyleSheet("color: #555555;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.plot_widget, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.dead_label)
        layout.addWidget(help_label)
        self.curves: list[pg.PlotDataItem] = []
        self.names: list[str] = []
        self.states: list[str] = []
        self.set_norms(np.zeros(0), np.zeros((0, 0)))

    def set_norms(
        self, steps: np.ndarray, norms: np.ndarray, losses: np.ndarray | None = None
    ) -> None:
        """Norms (steps, layers) at `steps`; zeros and NaN are left out of the log chart.

        ``losses``: the training loss over the run (to tell a stuck run from a converged one).
        """
        steps = np.asarray(steps, dtype=np.float64)
        norms = np.asarray(norms, dtype=np.float64)
        if norms.ndim != 2 or len(norms) != len(steps):
            raise ValueError(f"norms must be (steps, layers) for {len(steps)} steps")
        n_layers = norms.shape[1]
        if n_layers != len(self.curves):
            self._make_curves(n_layers)
        for k, curve in enumerate(self.curves):
            column = norms[:, k]
            keep = np.isfinite(column) & (column > 0)
            curve.setData(steps[keep], column[keep])
        self.states = layer_states(norms, losses) if len(steps) else []
        self._show_states(norms)

    def _make_curves(self, n_layers: int) -> None:
        legend = self.plot_item.legend
        for curve in self.curves:
            self.plot_item.removeItem(curve)
            if legend is not None:
                legend.removeItem(curve)
        self.curves = []
        self.names = [
            "output" if k == n_layers - 1 else layer_title(k, n_layers) for k in range(n_layers)
        ]
        for k, name in enumerate(self.names):
            r, g, b = _LAYER_RGB[k % len(_LAYER_RGB)]
            pen = pg.mkPen(int(r), int(g), int(b), width=2)
            self.curves.append(self.plot_item.plot(pen=pen, name=name))

    def _show_states(self, norms: np.ndarray) -> None:
        legend = self.plot_item.legend
        by_state: dict[str, list[int]] = {}
        for k, curve in enumerate(self.curves):
            state = self.states[k] if k < len(self.states) else ""
            label = f"{self.names[k]}: {state}" if state else self.names[k]
            if legend is not None:
                item = legend.getLabel(curve)
                if item is not None:
                    item.setText(label)
            colour = curve.opts["pen"].color()
            style = Qt.DotLine if state == "vanishing" else Qt.SolidLine
            curve.setPen(pg.mkPen(colour, width=3 if state else 2, style=style))
            if state:
                by_state.setdefault(state, []).append(k)
        if legend is not None:
            legend.updateSize()
        self.explode_line.setVisible("exploding" in self.states)
        if not len(norms):
            self.summary.setText("No steps yet: train to see how the gradient flows.")
            return
        lines = []
        for state, layers in by_state.items():
            recent = np.nanmedian(norms[-RECENT_STEPS:, layers], axis=0)
            names = _join([self.names[k] for k in layers])
            verb = "is" if len(layers) == 1 else "are"
            low, high = float(np.nanmin(recent)), float(np.nanmax(recent))
            spread = f"{low:.3g}" if low == high else f"{low:.3g} to {high:.3g}"
            lines.append(f"{names} {verb} {state} (gradient norm {spread})")
        if lines:
            self.summary.setText("; ".join(lines) + ".")
        else:
            self.summary.setText("Every layer gets a healthy share of the gradient.")

    def set_dead_units(self, dead: Sequence[np.ndarray]) -> None:
        """Per hidden layer, True for the ReLU units no training sample activates."""
        parts = []
        for k, units in enumerate(dead):
            units = np.asarray(units, dtype=bool)
            if units.any():
                numbers = ", ".join(str(i + 1) for i in np.nonzero(units)[0][:12])
                more = "…" if units.sum() > 12 else ""
                parts.append(
                    f"{layer_title(k)}: {int(units.sum())} of {len(units)} (neuron {numbers}{more})"
                )
        self.dead_label.setText(
            "Dead ReLU units: " + "; ".join(parts) + "." if parts else "No dead ReLU units."
        )
        self.dead_label.setStyleSheet("color: #a33;" if parts else "color: #333333;")


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
