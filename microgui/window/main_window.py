"""MainWindow: tabs (Training first; the graph explorer and playground add theirs), menus,
status bar, and the geometry/config persistence around them."""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QMainWindow,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from engine.config import LOSS_NAMES, OPTIMIZER_NAMES, REGULARIZERS
from engine.nn import ACTIVATIONS, INITS
from engine.optim import SCHEDULES
from microgui.widgets.status_bar import TrainingStatusBar
from microgui.window.actions import build_actions
from microgui.window.dataset_controls import DatasetControls
from microgui.window.hyper_controls import ModelControls, TrainingControls
from microgui.window.run_controls import RunControls
from microgui.window.settings import WindowSettings
from microgui.window.shortcut_guard import ShortcutGuard
from microgui.window.training_view import TrainingView

CONTROLS_WIDTH = 340
START_NOTICE_MS = 20_000  # what went wrong at start-up stays readable a while
DEFAULT_SIZE = (1280, 800)


class MainWindow(QMainWindow):
    """The training sandbox window.

    Signals for other tabs (the graph explorer): snapshotChanged(TrainingSnapshot)
    after each drawn snapshot, dataChanged(TrainingData) when the trainer's data
    split changes, and sampleClicked(int) when a training point is clicked.
    """

    snapshotChanged = Signal(object)
    dataChanged = Signal(object)
    sampleClicked = Signal(int)

    def __init__(
        self,
        registry: Any,
        settings: WindowSettings | None = None,
        config: Any = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("microgui — training sandbox")
        self.registry = registry
        self.settings = settings or WindowSettings()
        self.actions = build_actions(self)

        self.run_controls = RunControls()
        self.dataset_controls = DatasetControls(registry)
        self.model_controls = ModelControls(ACTIVATIONS, INITS)
        self.training_controls = TrainingControls(
            LOSS_NAMES, REGULARIZERS, OPTIMIZER_NAMES, SCHEDULES
        )
        self.view = TrainingView()
        self.status = TrainingStatusBar()
        self.setStatusBar(self.status)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        self.training_tab = self._build_training_tab()
        self.tabs.addTab(self.training_tab, "Training")

        from microgui.window.training_controller import TrainingController

        self.controller = TrainingController(self, config)
        self.view.boundary.pointClicked.connect(self.sampleClicked)
        self.actions.plugins.triggered.connect(self.show_plugins)
        a = self.actions
        self.shortcut_guard = ShortcutGuard(self, (a.train, a.step, a.reset))
        self._restore_geometry()
        self._report_start_problems()

    def _build_training_tab(self) -> QWidget:
        panel = QWidget()
        panel_layout = QVBoxLayout(panel)
        panel_layout.setContentsMargins(4, 4, 4, 4)
        for box in (self.dataset_controls, self.model_controls, self.training_controls):
            panel_layout.addWidget(box)
        panel_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(panel)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(4, 4, 0, 4)
        left_layout.addWidget(self.run_controls)
        left_layout.addWidget(scroll, 1)
        # Under the form, not above it: a message appearing here moves no field.
        left_layout.addWidget(self.run_controls.error_label)
        left.setMinimumWidth(260)
        self.splitter = QSplitter(Qt.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.view)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([CONTROLS_WIDTH, DEFAULT_SIZE[0] - CONTROLS_WIDTH])
        return self.splitter

    def _report_start_problems(self) -> None:
        """Ignored settings and plugins that failed: on stderr, and pinned in the status bar."""
        from microgui.plugin_host.reporting import failed_plugins_summary

        problems = [*self.settings.problems, failed_plugins_summary(self.registry)]
        problems = [p for p in problems if p]
        for problem in problems:
            print(f"microgui: {problem}", file=sys.stderr)
        if problems:
            self.status.show_notice(" · ".join(problems), ms=START_NOTICE_MS)

    def show_plugins(self) -> None:
        """Help > Plugins: the plugin table, failed ones first."""
        from microgui.window.plugins_dialog import PluginsDialog

        PluginsDialog(self.registry, self).exec()

    def add_tab(self, widget: QWidget, title: str) -> int:
        """Add another tab (e.g. "Graph", "Playground"); returns its index."""
        return self.tabs.addTab(widget, title)

    def _restore_geometry(self) -> None:
        geometry = self.settings.geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(*DEFAULT_SIZE)
        state = self.settings.window_state()
        if state is not None:
            self.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Stop the worker (bounded wait), remember geometry and config, then close."""
        self.controller.shutdown()
        self.shortcut_guard.detach()
        self.settings.save_geometry(self.saveGeometry(), self.saveState())
        self.settings.sync()
        super().closeEvent(event)
