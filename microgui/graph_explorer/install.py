"""Add the Graph and Playground tabs to the training window and wire them to it.

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

    def __init__(self, window: Any, explorer: GraphExplorer) -> None:
        super().__init__(window)
        self.window = window
        self.explorer = explorer
        self.data: Any = None

    def on_data(self, data: Any) -> None:
        self.data = data
        self.explorer.set_dataset(data.X_train, data.y_train)
        sample = self.explorer.sample
        if sample is not None and sample[0] < len(data.X_train):
            index = sample[0]
            self.explorer.show_sample(index, data.X_train[index], float(data.y_train[index]))

    def on_snapshot(self, snapshot: Any) -> None:
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

    def on_sample_clicked(self, index: int) -> None:
        if self.data is None or not 0 <= index < len(self.data.X_train):
            return
        self.explorer.show_sample(index, self.data.X_train[index], float(self.data.y_train[index]))
        self.window.tabs.setCurrentWidget(self.explorer)


def install_graph_explorer(main_window: Any) -> None:
    """Add "Graph" (this run's scalar graph of one sample) and "Playground" tabs.

    Click a training point on the decision boundary to open its graph.
    """
    from microgui.playground.playground_widget import PlaygroundWidget

    explorer = GraphExplorer()
    playground = PlaygroundWidget()
    main_window.add_tab(explorer, "Graph")
    main_window.add_tab(playground, "Playground")
    wiring = _Wiring(main_window, explorer)
    main_window.dataChanged.connect(wiring.on_data)
    main_window.snapshotChanged.connect(wiring.on_snapshot)
    main_window.sampleClicked.connect(wiring.on_sample_clicked)
    explorer.fileSaved.connect(main_window.status.set_message)
    main_window.installEventFilter(_CloseWatcher(main_window, explorer))
    # The window may already have data and a snapshot (it configures itself on start).
    controller = getattr(main_window, "controller", None)
    if controller is not None and getattr(controller, "data", None) is not None:
        wiring.on_data(controller.data)
        if getattr(controller, "snapshot", None) is not None:
            wiring.on_snapshot(controller.snapshot)
    main_window.graph_explorer = explorer
    main_window.playground = playground
