"""The explorer's tool bar: sample, search, level, stepper, export, live refresh, and
the header line that says what is shown (with "Next sample with a gradient" and the
colour legend beside it).

Only widgets and signals; GraphExplorer decides what they do. Samples are
counted from 1 here, as layers and neurons are; the signals carry the
0-based index the data uses.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from microgui.graph_explorer.legend import GradientLegend

__all__ = ["ExplorerControls"]

# The Level menu: (mode, menu text, tip); the button names the active one.
_LEVELS = (
    (
        "auto",
        "Automatic (by zoom)",
        "Zoom in: the neurons in view open into their * and + nodes; zoom out: one record "
        "each; far out: one block per layer",
    ),
    ("neurons", "Neurons: one record each", "Every neuron one record at every zoom"),
    ("expand", "Every scalar: each * and + node", "Every scalar its own box at every zoom"),
    ("layers", "Layers: one block each", "Every layer one block (double-click one to open it)"),
)
_LEVEL_NAMES = {
    "auto": "Automatic",
    "neurons": "Neurons",
    "expand": "Every scalar",
    "layers": "Layers",
}


class ExplorerControls(QWidget):
    """Two rows of controls above the graph."""

    sampleRequested = Signal(int)  # 0-based index
    nextSampleRequested = Signal()  # the next sample whose loss is above 0
    searchRequested = Signal(str)
    collapseRequested = Signal(str)  # the Level menu: "auto" | "neurons" | "expand" | "layers"
    stepperRequested = Signal(str)  # "start" | "step" | "back" | "end" | "stop"
    exportRequested = Signal(str)  # "dot" | "svg" | "png"
    refreshRequested = Signal()
    fitRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sample_spin = QSpinBox()
        self.sample_spin.setRange(1, 1)
        self.sample_spin.setEnabled(False)
        self.sample_spin.setToolTip("Training sample to show (or click a point on the boundary)")
        self.sample_spin.valueChanged.connect(lambda value: self.sampleRequested.emit(value - 1))
        self.search_field = QLineEdit()
        self.search_field.setPlaceholderText("Find, e.g. L2.N4 or w3 (Enter: next match)")
        self.search_field.setClearButtonEnabled(True)
        self.search_field.returnPressed.connect(
            lambda: self.searchRequested.emit(self.search_field.text())
        )
        self.search_result = QLabel()
        self.search_result.setMinimumWidth(80)
        self.live_check = QCheckBox("Live")
        self.live_check.setChecked(True)
        self.live_check.setToolTip("Refresh the graph with the training snapshots (throttled)")
        refresh = QPushButton("Refresh")
        refresh.setToolTip("Rebuild the graph from the latest weights now")
        refresh.clicked.connect(self.refreshRequested)
        self.fit_button = QPushButton("Fit")
        self.fit_button.setToolTip("Zoom to show the whole graph")
        self.fit_button.clicked.connect(self.fitRequested)

        collapse_menu = QMenu(self)
        self.level_actions: dict[str, QAction] = {}
        level_group = QActionGroup(self)
        for mode, text, tip in _LEVELS:
            action = collapse_menu.addAction(text)
            action.setCheckable(True)
            action.setToolTip(tip)
            action.triggered.connect(lambda _=False, m=mode: self.collapseRequested.emit(m))
            level_group.addAction(action)
            self.level_actions[mode] = action
        collapse_menu.setToolTipsVisible(True)
        self.collapse_button = QToolButton()
        self.collapse_button.setToolTip(
            "How much to show. Automatic: zoom in and the neurons in view open into their "
            "chain of * and + nodes, zoom out and they fold into one record each, further out "
            "each layer is one block. Also: double-click a neuron (or right-click it) to expand "
            "it by hand, and again to fold it back"
        )
        self.collapse_button.setMenu(collapse_menu)
        self.collapse_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        # Wide enough for the longest level's name beside the menu arrow, so the button
        # never cuts the name of the active level (and does not jump when it changes).
        longest = max(
            self.collapse_button.fontMetrics().horizontalAdvance(f"Level: {n}")
            for n in _LEVEL_NAMES.values()
        )
        self.collapse_button.setMinimumWidth(longest + 34)

        export_menu = QMenu(self)
        export_menu.addAction("DOT (Graphviz)…", lambda: self.exportRequested.emit("dot"))
        export_menu.addAction("SVG…", lambda: self.exportRequested.emit("svg"))
        export_menu.addAction("PNG…", lambda: self.exportRequested.emit("png"))
        export_button = QToolButton()
        export_button.setText("Export")
        export_button.setMenu(export_menu)
        export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)

        self.stepper_mode = QComboBox()
        self.stepper_mode.addItem("Backward pass", "backward")
        self.stepper_mode.addItem("Forward pass", "forward")
        self.step_buttons: dict[str, QPushButton] = {}
        for action, text, tip in (
            ("start", "Start", "Start stepping through the pass from the beginning"),
            ("back", "◀", "One node back"),
            ("step", "▶", "One node forward (reverse topological order for backward)"),
            ("end", "▶▶", "Run to the end"),
            ("stop", "Stop", "Leave the stepper; show the full pass"),
        ):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(lambda _=False, a=action: self.stepperRequested.emit(a))
            self.step_buttons[action] = button
        self.step_label = QLabel()
        # A long step description must never widen the window: it is cut, whole in the tip.
        self.step_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.status_label = QLabel("Click a training point on the boundary or pick a sample.")
        self.status_label.setWordWrap(True)
        self.notice_label = QLabel()  # why there is no gradient, in words
        self.notice_label.setObjectName("graphNotice")
        self.notice_label.setWordWrap(True)
        self.notice_label.setStyleSheet(
            "QLabel#graphNotice { background: #fff4d6; border: 1px solid #e0b84c;"
            " padding: 3px 6px; color: #3b2f00; }"
        )
        self.notice_label.hide()
        self.next_button = QPushButton("Next sample with a gradient")
        self.next_button.setToolTip("Show the next training sample whose loss is above 0")
        self.next_button.clicked.connect(self.nextSampleRequested)
        self.next_button.hide()
        self.legend = GradientLegend()

        top = QHBoxLayout()
        top.addWidget(QLabel("Sample"))
        top.addWidget(self.sample_spin)
        top.addWidget(self.search_field, 1)
        top.addWidget(self.search_result)
        top.addWidget(self.collapse_button)
        top.addWidget(self.fit_button)
        top.addWidget(export_button)
        top.addWidget(self.live_check)
        top.addWidget(refresh)
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel("Stepper"))
        bottom.addWidget(self.stepper_mode)
        for button in self.step_buttons.values():
            bottom.addWidget(button)
        bottom.addWidget(self.step_label, 1)
        # The legend beside the status line, not the stepper's buttons: on one row they
        # held the window wider than 800 pixels.
        status_row = QHBoxLayout()
        status_row.addWidget(self.status_label, 1)
        status_row.addWidget(self.legend)
        notice_row = QHBoxLayout()
        notice_row.addWidget(self.notice_label, 1)
        notice_row.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.setSpacing(3)
        layout.addLayout(top)
        layout.addLayout(bottom)
        layout.addLayout(status_row)
        layout.addLayout(notice_row)
        self.set_stepping(False)

    @property
    def live(self) -> bool:
        return self.live_check.isChecked()

    def set_sample_count(self, count: int) -> None:
        """How many samples the spin box offers (0 disables it)."""
        self.sample_spin.blockSignals(True)
        self.sample_spin.setRange(1, max(1, count))
        self.sample_spin.setSuffix(f" of {count}" if count else "")
        self.sample_spin.setEnabled(count > 0)
        self.sample_spin.blockSignals(False)

    def show_sample_index(self, index: int) -> None:
        """Reflect a sample (0-based index) chosen elsewhere without asking for it again."""
        self.sample_spin.blockSignals(True)
        self.sample_spin.setValue(index + 1)
        self.sample_spin.blockSignals(False)

    def set_notice(self, text: str, offer_next: bool = False) -> None:
        """Say in words why nothing flows (empty: hide), optionally offering the next sample."""
        self.notice_label.setText(text)
        self.notice_label.setVisible(bool(text))
        self.next_button.setVisible(bool(text) and offer_next)

    def set_level_mode(self, mode: str) -> None:
        """Show which Level is active (checked in the menu, named on the button)."""
        self.level_actions[mode].setChecked(True)
        self.collapse_button.setText(f"Level: {_LEVEL_NAMES[mode]}")

    def set_stepping(self, active: bool) -> None:
        """Enable the step buttons only while a stepper runs."""
        for action in ("back", "step", "end", "stop"):
            self.step_buttons[action].setEnabled(active)
        if not active:
            self.step_label.clear()
