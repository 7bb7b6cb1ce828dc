"""TrainingView: the right side of the Training tab, plots and the network, and their toggles."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from microgui.widgets import DecisionBoundaryPlot, LossPlot, MetricPlot, NetworkView
from microgui.widgets.feature_toggles import FeatureToggles


class DrawToolbar(QWidget):
    """Draw mode switch, the class (or target value) to draw, Clear and Save CSV."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.draw_check = QCheckBox("Draw data")
        self.draw_check.setToolTip(
            "Left click adds a point of the chosen class, right click removes the nearest"
        )
        self.class_combo = QComboBox()
        self.class_combo.setToolTip("Class of the points you add")
        # Long class names ("class upper moon") elide: the line beside Clear and Save
        # CSV… must fit the Output box at 800 x 600.
        self.class_combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.class_combo.setMinimumContentsLength(3)
        self.target_spin = QDoubleSpinBox()
        self.target_spin.setRange(-1e6, 1e6)
        self.target_spin.setDecimals(3)
        self.target_spin.setToolTip("Target value of the points you add (regression)")
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Remove every drawn point")
        self.save_button = QPushButton("Save CSV…")
        self.save_button.setToolTip("Save the drawn points as a CSV file")
        for button in (self.clear_button, self.save_button):
            # As narrow as their text (the style's 80 px minimum cut "Save CSV…" short)
            text = button.fontMetrics().horizontalAdvance(button.text())
            button.setMinimumWidth(text + 20)
        # The class, Clear and Save CSV on a line of their own (shown while drawing):
        # beside the switch they were squeezed to "Cle" and "ve CS" in an 800 px window.
        first = QHBoxLayout()
        first.addWidget(self.draw_check)
        first.addStretch(1)
        self.first_line = first  # the view puts its Log loss switch here too
        second = QHBoxLayout()
        second.addWidget(self.class_combo, 1)
        second.addWidget(self.target_spin, 1)
        second.addWidget(self.clear_button)
        second.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addLayout(first)
        layout.addLayout(second)
        self.draw_check.toggled.connect(self._sync)
        self.set_task("binary", ("0", "1"))

    def set_task(self, task: str, class_names: tuple[str, ...]) -> None:
        """Offer classes for classification, a value for regression."""
        current = self.class_combo.currentIndex()
        self.class_combo.clear()
        names = class_names or ("0", "1")
        for index, name in enumerate(names):
            self.class_combo.addItem(f"class {name}", index)
        self.class_combo.setCurrentIndex(max(0, min(current, len(names) - 1)))
        self.regression = task == "regression"
        self._sync()

    def _sync(self) -> None:
        drawing = self.draw_check.isChecked()
        self.class_combo.setVisible(drawing and not self.regression)
        self.target_spin.setVisible(drawing and self.regression)
        self.clear_button.setVisible(drawing)
        self.save_button.setVisible(drawing)

    def label(self) -> float:
        """The class index or target value a new point gets."""
        if self.regression:
            return float(self.target_spin.value())
        return float(self.class_combo.currentData() or 0)


BOUNDARY_BOX_MIN_WIDTH = 250


class TrainingView(QWidget):
    """Boundary (with its toggles) and network on top, loss and metric charts below."""

    axesChanged = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.boundary = DecisionBoundaryPlot()
        self.network = NetworkView()
        self.feature_toggles = FeatureToggles()  # beside the network's input column
        self.loss_plot = LossPlot()
        self.metric_plot = MetricPlot()
        self.draw_toolbar = DrawToolbar()

        self.show_test_check = QCheckBox("Test points")
        self.show_test_check.setChecked(True)
        self.show_test_check.setToolTip("Show the held-out test points (dark outline)")
        self.log_check = QCheckBox("Log loss")
        self.log_check.setToolTip("Show the loss on a logarithmic axis")
        self.discretize_check = QCheckBox("Discretize")
        self.discretize_check.setToolTip("Hard class regions instead of a confidence gradient")
        self.axis_x = QComboBox()
        self.axis_y = QComboBox()
        self.axis_x.setToolTip("Feature on the horizontal axis (others held at their mean)")
        self.axis_y.setToolTip("Feature on the vertical axis (others held at their mean)")
        for combo in (self.axis_x, self.axis_y):
            # A CSV's long column names must not widen the plot and squeeze the form, the
            # network and its input toggles out of the window: elide them instead.
            combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(4)  # grows with the box (stretch below)
        self.axes_row = QWidget()
        axes_layout = QHBoxLayout(self.axes_row)
        axes_layout.setContentsMargins(0, 0, 0, 0)
        axes_layout.addWidget(QLabel("Axes"))
        axes_layout.addWidget(self.axis_x, 1)
        axes_layout.addWidget(self.axis_y, 1)
        self.axes_row.hide()

        # Two short rows and the axes on their own: in one row they held the Output box
        # wider than an 800 px window leaves it beside the network and its input toggles.
        toggles = QHBoxLayout()
        toggles.addWidget(self.show_test_check)
        toggles.addWidget(self.discretize_check)
        toggles.addStretch(1)
        self.draw_toolbar.first_line.insertWidget(0, self.log_check)

        boundary_box = QGroupBox("Output")
        box_layout = QVBoxLayout(boundary_box)
        box_layout.setContentsMargins(6, 6, 6, 6)
        box_layout.setSpacing(3)
        box_layout.addLayout(toggles)
        box_layout.addWidget(self.draw_toolbar)
        box_layout.addWidget(self.axes_row)
        box_layout.addWidget(self.boundary, 1)
        # The boundary comes first: at 800 x 600 it keeps a useful square, and the
        # network view (its squares shrink to fit) gives way to the input toggles.
        boundary_box.setMinimumWidth(BOUNDARY_BOX_MIN_WIDTH)
        network_box = QGroupBox("Network")
        net_layout = QHBoxLayout(network_box)
        net_layout.setContentsMargins(6, 6, 6, 6)
        net_layout.setSpacing(0)  # the toggles keep their own gap: no width when squeezed
        net_layout.addWidget(self.feature_toggles)
        net_layout.addWidget(self.network, 1)

        self.top_split = QSplitter(Qt.Horizontal)
        self.top_split.addWidget(boundary_box)
        self.top_split.addWidget(network_box)
        self.top_split.setStretchFactor(0, 3)
        self.top_split.setStretchFactor(1, 2)
        self.top_split.setSizes([560, 370])
        self.bottom_split = QSplitter(Qt.Horizontal)
        self.bottom_split.addWidget(self.loss_plot)
        self.bottom_split.addWidget(self.metric_plot)
        self.vertical_split = QSplitter(Qt.Vertical)
        self.vertical_split.addWidget(self.top_split)
        self.vertical_split.addWidget(self.bottom_split)
        self.vertical_split.setStretchFactor(0, 3)
        self.vertical_split.setStretchFactor(1, 2)
        # Scaled to the window's height: at 800 x 600 the boundary keeps three fifths.
        self.vertical_split.setSizes([600, 400])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.vertical_split)

        self.show_test_check.toggled.connect(self.boundary.set_show_test)
        self.discretize_check.toggled.connect(self.boundary.set_discretize)
        self.log_check.toggled.connect(self.loss_plot.set_log_scale)
        self.draw_toolbar.draw_check.toggled.connect(self.boundary.set_draw_mode)
        self.axis_x.currentIndexChanged.connect(self._on_axes_changed)
        self.axis_y.currentIndexChanged.connect(self._on_axes_changed)

    def set_features(self, names: tuple[str, ...]) -> None:
        """Offer axis choices when there are more than two features."""
        for combo in (self.axis_x, self.axis_y):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(list(names))
        self.axis_x.setCurrentIndex(0)
        self.axis_y.setCurrentIndex(1 if len(names) > 1 else 0)
        for combo in (self.axis_x, self.axis_y):
            combo.blockSignals(False)
        self.axes_row.setVisible(len(names) > 2)

    def axes(self) -> tuple[int, int]:
        """The two plotted feature indices."""
        return max(0, self.axis_x.currentIndex()), max(0, self.axis_y.currentIndex())

    def _on_axes_changed(self) -> None:
        self.axesChanged.emit(*self.axes())

    def set_history(self, history: dict[str, np.ndarray], metric_name: str) -> None:
        """Redraw both charts from the worker's history arrays."""
        self.set_loss_history(history)
        self.set_metric_history(history, metric_name)

    def set_loss_history(self, history: dict[str, np.ndarray]) -> None:
        """Redraw the loss chart (with the learning rate)."""
        steps = history.get("step")
        if steps is None or not len(steps):
            self.loss_plot.clear()
            return
        self.loss_plot.set_history(
            steps, history["train_loss"], history.get("test_loss"), history.get("lr")
        )

    def set_metric_history(self, history: dict[str, np.ndarray], metric_name: str) -> None:
        """Redraw the accuracy (or R²) chart."""
        self.metric_plot.set_metric_name(metric_name)
        steps = history.get("step")
        if steps is None or not len(steps):
            self.metric_plot.clear()
            return
        self.metric_plot.set_history(steps, history["train_metric"], history.get("test_metric"))
