"""Add the Graph, Gradients and Playground tabs to the training window and wire them to it.

The window (microgui.window.main_window.MainWindow) offers ``add_tab`` and
three signals: ``dataChanged(TrainingData)`` when the trainer's split
changes, ``snapshotChanged(TrainingSnapshot)`` after each drawn snapshot
(weights as per-layer arrays), and ``sampleClicked(int)`` when a training
point is clicked on the decision boundary. The run's task, activation and
resolved loss come with each snapshot.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject

from microgui.graph_explorer.explorer import GraphExplorer
from microgui.graph_explorer.sample_graph import weights_from_arrays

__all__ = ["install_graph_explorer"]


class _CloseWatcher(QObject):
    """Stops the explorer when the window closes; a running build is abandoned, not awaited."""

    def __init__(self, window: Any, explorer: GraphExplorer) -> None:
        super().__init__(window)
        self.explorer = explorer

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close:
            self.explorer.shutdown()
        return False


class _Wiring(QObject):
    """Keeps what the window told us (data, task) and forwards it to the explorer."""

    def __init__(self, window: Any, explorer: GraphExplorer, gradients: Any) -> None:
        super().__init__(window)
        self.window = window
        self.explorer = explorer
        self.gradients = gradients
        self.data: Any = None

    def on_data(self, data: Any) -> None:
        self.data = data
        self.explorer.set_dataset(data.X_train, data.y_train)
        sample = self.explorer.sample
        if sample is not None and sample[0] < len(data.X_train):
            index = sample[0]
            self.explorer.show_sample(index, data.X_train[index], float(data.y_train[index]))

    def on_gradients(self, snapshot: Any) -> None:
        """The Gradients tab, drawn only while it shows (opening it draws the latest)."""
        norms = snapshot.gradient_norms if snapshot is not None else None
        if norms is not None and self.gradients.isVisible():
            self.gradients.set_norms(norms.steps, norms.norms, snapshot.history.get("train_loss"))
            self.gradients.set_dead_units(snapshot.dead_units)

    def on_snapshot(self, snapshot: Any) -> None:
        self.on_gradients(snapshot)
        # The snapshot says which run made it (task, resolved loss, activation):
        # the controls may already ask for a different loss that does not fit.
        if not snapshot.weights or self.data is None or not snapshot.loss:
            return
        nouts = [int(w.shape[0]) for w, _ in snapshot.weights]
        self.explorer.set_model(
            weights_from_arrays(snapshot.weights),
            int(snapshot.weights[0][0].shape[1]),
            nouts,
            snapshot.activation,
            snapshot.loss,
            snapshot.task,
        )
        if len(snapshot.sample_losses) == len(self.data.X_train):
            # Opening the tab without a click shows the largest loss; once training
            # stops, an explorer left to itself moves on to the new largest.
            settled = snapshot.state != "running"
            self.explorer.set_sample_losses(
                snapshot.sample_losses, settled=settled, step=snapshot.step
            )

    def on_sample_clicked(self, index: int) -> None:
        if self.data is None or not 0 <= index < len(self.data.X_train):
            return
        self.explorer.show_sample(index, self.data.X_train[index], float(self.data.y_train[index]))
        self.window.tabs.setCurrentWidget(self.explorer)


def install_graph_explorer(main_window: Any) -> None:
    """Add "Graph" (this run's scalar graph of one sample), "Gradients" (each layer's
    gradient norm over the steps, dead units) and "Playground" tabs.

    Click a training point on the decision boundary to open its graph.
    """
    from microgui.playground.playground_widget import PlaygroundWidget
    from microgui.widgets.gradient_flow_plot import GradientFlowPlot

    explorer = GraphExplorer()
    gradients = GradientFlowPlot()
    playground = PlaygroundWidget()
    main_window.add_tab(explorer, "Graph")
    main_window.add_tab(gradients, "Gradients")
    files = getattr(getattr(main_window, "controller", None), "files", None)
    if files is not None:  # File actions export it like the window's own charts
        files.add_chart("gradients", "gradient-flow chart", "gradients", gradients)
    main_window.add_tab(playground, "Playground")
    wiring = _Wiring(main_window, explorer, gradients)
    # The chart is drawn only while its tab shows; opening it draws the latest snapshot.
    main_window.tabs.currentChanged.connect(
        lambda _index: (
            gradients.isVisible()
            and main_window.controller.snapshot is not None
            and wiring.on_snapshot(main_window.controller.snapshot)
        )
    )
    main_window.dataChanged.connect(wiring.on_data)
    main_window.snapshotChanged.connect(wiring.on_snapshot)
    main_window.sampleClicked.connect(wiring.on_sample_clicked)
    explorer.fileSaved.connect(main_window.status.set_message)
    # A parameter edited in the inspector goes through the worker like any other command.
    explorer.weightEdited.connect(main_window.controller.set_weight)
    main_window.installEventFilter(_CloseWatcher(main_window, explorer))
    # The window may already have data and a snapshot (it configures itself on start).
    controller = getattr(main_window, "controller", None)
    if controller is not None and getattr(controller, "data", None) is not None:
        wiring.on_data(controller.data)
        if getattr(controller, "snapshot", None) is not None:
            wiring.on_snapshot(controller.snapshot)
    main_window.graph_explorer = explorer
    main_window.gradient_flow = gradients
    main_window.playground = playground
