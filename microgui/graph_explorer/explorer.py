"""GraphExplorer: the full scalar graph of one sample, live, clickable, steppable.

Data in through small setters (``set_model``, ``set_dataset``,
``set_sample_losses``, ``show_sample``); building the graph (forward, loss,
backward, layout) runs on a worker thread when it is large, and the GUI
keeps only immutable GraphSnapshots. While training, ``set_model`` may be
called for every snapshot: refreshes are throttled, skipped while the tab
is hidden, reuse the layout when the structure did not change, and keep the
selection on the node with the same stable key.

What a user sees first: the neuron level (one record per neuron), fitted
to the view, for the sample they clicked, or, when they open the tab
without a click, the training sample with the largest loss. When the shown
sample's loss is 0 the header says so in words and offers the next sample
that still sends a gradient back.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from microgui.background.jobs import JobRunner
from microgui.graph_explorer.controls import ExplorerControls
from microgui.graph_explorer.export import ask_and_export, export_graph
from microgui.graph_explorer.graph_view import GraphView
from microgui.graph_explorer.inspector import NodeInspector
from microgui.graph_explorer.layout import CollapseState, GraphLayout, build_view
from microgui.graph_explorer.level_mixin import THREADED_NODES, LevelMixin
from microgui.graph_explorer.presenter import GraphPresenter
from microgui.graph_explorer.replay import finite_difference
from microgui.graph_explorer.sample_graph import ModelSpec, build_sample_graph
from microgui.graph_explorer.semantic_zoom import ZoomOpened
from microgui.graph_explorer.snapshot import GraphSnapshot, search_matches
from microgui.graph_explorer.stepper import GraphStepper
from microgui.graph_explorer.stepper_mixin import StepperMixin

__all__ = ["THREADED_NODES", "GraphExplorer", "ModelSpec"]

REFRESH_INTERVAL_MS = 500  # at most two live refreshes per second


class GraphExplorer(LevelMixin, StepperMixin, QWidget):
    """Tab widget: controls, the graph view and the node inspector."""

    graphShown = Signal()  # a new snapshot is on screen
    layoutChanged = Signal()  # boxes re-laid out after collapse/expand
    nodeSelected = Signal(str)  # stable key of the selected node
    fileSaved = Signal(str)  # "Saved the graph … to PATH", for the window's status bar
    weightEdited = Signal(str, float)  # a parameter's engine name and the value the user set

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controls = ExplorerControls()
        self.view = GraphView()
        self.inspector = NodeInspector()
        self.presenter = GraphPresenter(self.view)
        splitter = QSplitter()
        splitter.addWidget(self.view)
        splitter.addWidget(self.inspector)
        splitter.setStretchFactor(0, 1)
        # The view gets the room: at the window's default size MLP(2,[16,16,1])'s records
        # must fit it with their text at 9 pt or more.
        splitter.setSizes([980, 300])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.controls)
        layout.addWidget(splitter, 1)

        self.spec: ModelSpec | None = None
        self.sample: tuple[int, tuple[float, ...], float] | None = None
        self.snapshot: GraphSnapshot | None = None
        self.stepper: GraphStepper | None = None
        self.selected_key: str | None = None
        self.sample_losses: np.ndarray | None = None
        self.auto_sample = True  # no sample picked by the user: show the largest loss
        self._picked_at_step = -2  # the training step of the last automatic pick
        self._selected_path: tuple[GraphSnapshot | None, int, list[int]] = (None, -1, [])
        self._shape: tuple | None = None  # the architecture of the last build
        self.refresh_interval_ms = REFRESH_INTERVAL_MS
        self._dataset: tuple[np.ndarray, np.ndarray] | None = None
        self._search: tuple[str, int] = ("", -1)
        self._ticket = 0
        self._dirty = False
        self._last_refresh = 0.0
        self.jobs = JobRunner(self)
        self._callbacks: dict[int, Callable[[object], object]] = {}
        self.jobs.finished.connect(self._on_job_finished)
        self.jobs.failed.connect(self._on_job_failed)
        self._throttle = QTimer(self)
        self._throttle.setSingleShot(True)
        self._throttle.timeout.connect(self._refresh_if_dirty)

        c = self.controls
        c.sampleRequested.connect(self._on_sample_requested)
        c.nextSampleRequested.connect(self.show_next_sample_with_gradient)
        c.searchRequested.connect(self.search)
        c.collapseRequested.connect(self.set_level_mode)
        c.stepperRequested.connect(self._on_stepper_requested)
        c.exportRequested.connect(self._on_export_requested)
        c.refreshRequested.connect(self.refresh)
        c.fitRequested.connect(self.fit)
        self.view.nodeClicked.connect(self._on_box_clicked)
        self.view.nodeDoubleClicked.connect(self._on_box_double_clicked)
        self.view.nodeContextMenu.connect(self._on_box_context_menu)
        self.inspector.nodeRequested.connect(self.select_node)
        self.inspector.weightEdited.connect(self.weightEdited)
        self._init_levels()

    # -- data in -------------------------------------------------------------------
    def set_model(
        self,
        weights: Mapping[str, float],
        nin: int,
        nouts: Sequence[int],
        activation: str,
        loss: str,
        task: str,
        preprocessor: Any = None,
    ) -> None:
        """The current model (named weights + architecture), its loss and task.

        ``preprocessor``: the run's input features and scaling
        (engine.preprocessing; None for the raw inputs). Cheap to call for
        every training snapshot: the graph refreshes at most every
        ``refresh_interval_ms``, only while visible and "Live" is on.
        """
        self.spec = ModelSpec(
            dict(weights), int(nin), tuple(nouts), activation, loss, task, preprocessor
        )
        self._dirty = True
        if self.sample is None or not self.controls.live or not self.isVisible():
            return
        wait = self.refresh_interval_ms / 1000 - (time.monotonic() - self._last_refresh)
        if self.jobs.busy or wait > 0:
            self._throttle.start(max(0, int(wait * 1000)))
        else:
            self.refresh()

    def set_dataset(self, X: np.ndarray, y: np.ndarray) -> None:
        """The training samples the sample spin box picks from."""
        self._dataset = (np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64))
        self.controls.set_sample_count(len(self._dataset[0]))
        if self.sample_losses is not None and len(self.sample_losses) != len(X):
            self.sample_losses = None  # the losses of another split

    def set_sample_losses(self, losses: np.ndarray, settled: bool = False, step: int = -1) -> None:
        """Each training sample's loss at the current weights (the worker computes them).

        ``settled``: training is not running. Then, if the user has not picked a
        sample and the tab is open, the sample with the largest loss after
        training ``step`` is shown; a weight set by hand (same step) keeps the
        sample, so what the edit did to it stays in view.
        """
        losses = np.asarray(losses, dtype=np.float64)
        if self._dataset is not None and len(losses) != len(self._dataset[0]):
            return  # a snapshot of the previous split
        self.sample_losses = losses
        if settled and step != self._picked_at_step and self.auto_sample and self.isVisible():
            self._picked_at_step = step
            self.show_largest_loss_sample()

    def show_sample(self, index: int, x: Sequence[float], y: float, auto: bool = False) -> None:
        """Show sample ``index`` (features ``x``, label ``y``) through the current model.

        ``auto``: chosen by the explorer (largest loss), not by the user.
        """
        self.auto_sample = auto
        self.sample = (int(index), tuple(float(v) for v in x), float(y))
        self.controls.show_sample_index(int(index))
        self.refresh()

    def largest_loss_index(self) -> int:
        """The training sample with the largest loss (the first of equals), or -1 if unknown."""
        losses = self.sample_losses
        if losses is None or not len(losses) or not np.isfinite(losses).any():
            return -1
        return int(np.nanargmax(np.where(np.isfinite(losses), losses, -np.inf)))

    def show_largest_loss_sample(self) -> int:
        """Show the training sample with the largest loss; returns its index (-1: none known)."""
        index = self.largest_loss_index()
        if index < 0 or self._dataset is None:
            return -1
        if self.sample is not None and self.sample[0] == index and self.auto_sample:
            if self._dirty:
                self.refresh()
            return index
        X, y = self._dataset
        self.show_sample(index, X[index], float(y[index]), auto=True)
        return index

    def next_sample_with_gradient(self) -> int:
        """After the shown sample, the next one (cyclically) whose loss is above 0; -1 if none."""
        losses = self.sample_losses
        if losses is None or not len(losses):
            return -1
        start = self.sample[0] + 1 if self.sample is not None else 0
        order = np.roll(np.arange(len(losses)), -start)
        hits = order[losses[order] > 0.0]
        if self.sample is not None and len(hits) and hits[0] == self.sample[0]:
            return -1  # the shown one is the only one
        return int(hits[0]) if len(hits) else -1

    def show_next_sample_with_gradient(self) -> int:
        """Show the next sample whose loss is above 0 (see next_sample_with_gradient)."""
        index = self.next_sample_with_gradient()
        if index >= 0 and self._dataset is not None:
            X, y = self._dataset
            self.show_sample(index, X[index], float(y[index]))
        return index

    def refresh(self) -> None:
        """Rebuild the graph now from the latest model and sample."""
        if self.spec is None or self.sample is None:
            self.controls.status_label.setText("No model yet: start or reset a training run.")
            return
        self._dirty = False
        self._last_refresh = time.monotonic()
        spec, (index, x, y) = self.spec, self.sample
        previous = self.presenter.layout if self.snapshot is not None else None
        structure = self.snapshot.structure if self.snapshot is not None else None
        shape = (spec.nin, spec.nouts, spec.activation, spec.loss, spec.task)
        if shape != self._shape:  # another network: what the zoom opened belongs to the old one
            self._shape = shape
            self.zoom_state = ZoomOpened()
        collapse = self.shown_collapse()

        def build() -> tuple:
            snapshot = build_sample_graph(
                spec.weights,
                spec.nin,
                spec.nouts,
                spec.activation,
                spec.loss,
                x,
                y,
                spec.task,
                spec.preprocessor,
            )
            snapshot.prepare_views()  # off the GUI thread
            if previous is not None and snapshot.structure == structure:
                return snapshot, None, collapse  # same structure: keep the layout
            return snapshot, build_view(snapshot, collapse), collapse

        self._ticket += 1
        ticket = self._ticket
        self.controls.status_label.setText(f"Building the graph of sample {index + 1}…")
        if spec.estimated_nodes() > THREADED_NODES:
            # Only the newest request's result is shown; older ones are dropped.
            self._submit(build, lambda result: ticket == self._ticket and self._show_result(result))
        else:
            try:
                result = build()
            except ValueError as exc:
                self._show_error(str(exc))
                return
            self._show_result(result)

    def is_settled(self) -> bool:
        """The graph on screen is the one of the latest model and sample (nothing pending)."""
        return (
            self.snapshot is not None
            and not self._dirty
            and not self.jobs.busy
            and not self._throttle.isActive()
        )

    def _refresh_if_dirty(self) -> None:
        # While a job runs, its end reschedules this (see _on_job_finished).
        if self._dirty and self.isVisible() and self.controls.live and not self.jobs.busy:
            self.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        # Opened without a click: the sample that still has the most to learn from.
        if self.auto_sample and self.show_largest_loss_sample() >= 0:
            return
        if self._dirty and self.sample is not None:
            self._throttle.start(0)

    def _submit(self, fn, on_done) -> None:
        """Run ``fn`` on the worker thread; ``on_done(result)`` runs here afterwards."""
        self._callbacks[self.jobs.submit(fn)] = on_done

    def _on_job_finished(self, job_ticket: int, result: object) -> None:
        on_done = self._callbacks.pop(job_ticket, None)
        if on_done is not None:
            on_done(result)
        if self._dirty and not self.jobs.busy:
            self._throttle.start(self.refresh_interval_ms)

    def _on_job_failed(self, job_ticket: int, message: str) -> None:
        self._zoom_layout_pending = False  # a failed layout must not hold the zoom back
        self.view.hold_tiles(False)
        if self._callbacks.pop(job_ticket, None) is not None:
            self._show_error(message)

    def _show_error(self, message: str) -> None:
        self.controls.status_label.setText(f"Cannot build the graph: {message}")

    def _show_result(self, result: tuple[GraphSnapshot, GraphLayout | None, CollapseState]) -> None:
        snapshot, layout, collapse = result
        first = self.presenter.layout is None
        self.snapshot = snapshot
        if layout is not None:
            self.presenter.set_layout(layout)
        if self.stepper is not None:
            position = self.stepper.position
            self.stepper = GraphStepper(snapshot, self.stepper.mode)
            self.stepper.seek(position)
        self.presenter.set_snapshot(snapshot, self.stepper)
        self.controls.legend.set_scale(self.presenter.scale)
        if first or layout is not None:
            self.view.zoom_to_fit()
        if layout is not None and collapse != self.shown_collapse():
            self.set_collapse(self.collapse)  # collapse/expand was clicked during the build
        node_id = snapshot.find(self.selected_key) if self.selected_key else None
        if node_id is not None:
            self.select_node(node_id, center=False)
        else:
            self._clear_selection()
        self._show_header()
        self.graphShown.emit()

    def _show_header(self) -> None:
        """What is shown, and (in words) why no gradient flows when the loss is 0."""
        snapshot = self.snapshot
        if snapshot is None or self.sample is None:
            return
        index, x, y = self.sample
        count = len(self._dataset[0]) if self._dataset is not None else 0
        features = ", ".join(f"{v:.3g}" for v in x)
        loss = snapshot.nodes[snapshot.root].value
        why = ""
        if self.auto_sample and self.sample_losses is not None and len(self.sample_losses):
            top = float(np.nanmax(self.sample_losses))
            why = (
                "; the training sample with the largest loss"
                if top > 0
                else "; every training sample's loss is 0"
            )
        of = f" of {count}" if count else ""
        self.controls.status_label.setText(
            f"{snapshot.description}. Sample {index + 1}{of}: x = ({features}), y = {y:g}, "
            f"loss {loss:.6g}{why}. {len(snapshot)} scalars, "
            f"{len(self.presenter.layout.graph)} boxes shown{self.level_summary()}"
        )
        if loss == 0.0:
            if snapshot.loss_name == "hinge":
                text = (
                    "This sample is beyond the margin: its loss is 0, so no gradient reaches "
                    "the weights."
                )
            else:
                text = "This sample's loss is 0, so no gradient reaches the weights."
            nxt = self.next_sample_with_gradient()
            if nxt < 0 and self.sample_losses is not None:
                text += " No training sample has a loss above 0 now: the model fits them all."
            elif nxt >= 0:
                text += " (View > Mark samples with loss > 0 rings those that still do.)"
            self.controls.set_notice(text, offer_next=nxt >= 0)
        else:
            self.controls.set_notice("")

    # -- selection ------------------------------------------------------------------
    def select_node(self, node_id: int, center: bool = True) -> None:
        """Select snapshot node ``node_id``: inspector, path to the loss, FD check."""
        snapshot = self.snapshot
        if snapshot is None or not 0 <= node_id < len(snapshot):
            return
        node = snapshot.nodes[node_id]
        self.selected_key = node.key
        path = self._path_to_loss(node_id)
        box = self.presenter.select(node_id, path)
        self.inspector.show_node(snapshot, node_id, len(path), self._selection_note(node_id))
        if center and box >= 0:
            self.view.center_on_box(box)
        if len(path) > THREADED_NODES:  # replaying thousands of nodes: off the GUI thread
            self._submit(lambda: finite_difference(snapshot, node_id), self.inspector.show_check)
        else:
            self.inspector.show_check(finite_difference(snapshot, node_id))
        self.nodeSelected.emit(node.key)

    def _path_to_loss(self, node_id: int) -> list[int]:
        """The node and every node computed from it (kept: a level change asks again)."""
        snapshot, last_id, path = self._selected_path
        if snapshot is not self.snapshot or last_id != node_id:
            path = self.snapshot.descendants(node_id)
            self._selected_path = (self.snapshot, node_id, path)
        return path

    def _selection_note(self, node_id: int) -> str:
        if not self.presenter.is_hidden(node_id):
            return ""
        title = self.presenter.layout.graph.titles[self.presenter.box_of(node_id)]
        return f"inside the folded box {title} (double-click it to expand)"

    def _mark_selection(self, node_id: int) -> None:
        """After a new layout, the selected node's box and the inspector's note (nothing else
        about the node changed: no new gradient check)."""
        self.presenter.select(node_id, self._path_to_loss(node_id))
        self.inspector.set_note(self._selection_note(node_id))

    def select_key(self, key: str) -> bool:
        """Select the node with stable key ``key``; False if there is none."""
        node_id = self.snapshot.find(key) if self.snapshot is not None else None
        if node_id is None:
            return False
        self.select_node(node_id)
        return True

    def _clear_selection(self, message: str = "Click a node to inspect it.") -> None:
        """No node selected: neither in the view nor in the inspector."""
        self.selected_key = None
        self.presenter.clear_selection()
        self.inspector.clear(message)

    def _on_box_clicked(self, box: int) -> None:
        rep = self.presenter.rep_of(box)
        if rep >= 0:
            self.select_node(rep, center=False)
            return
        _, layer, _ = self.presenter.box_group(box)
        self._clear_selection()
        self.presenter.select_box(box)
        title = self.presenter.layout.graph.titles[box].split(":")[0]
        self.inspector.show_layer(title, self.presenter.mean_grads.get(layer))

    def search(self, text: str) -> int:
        """Jump to the next node whose label (or key) matches ``text``; returns the match count."""
        if self.snapshot is None or not text.strip():
            self.controls.search_result.clear()
            return 0
        matches = search_matches(self.snapshot, text.strip())
        if not matches:
            self.controls.search_result.setText("no match")
            return 0
        last_text, last_index = self._search
        index = (last_index + 1) % len(matches) if last_text == text else 0
        self._search = (text, index)
        node_id = matches[index]
        node = self.snapshot.nodes[node_id]
        if self.presenter.is_hidden(node_id):
            self.selected_key = node.key  # selected once its neuron is open
            self.reveal(node.layer, node.neuron)
        else:
            self.select_node(node_id)
        self.controls.search_result.setText(f"{index + 1} of {len(matches)}")
        return len(matches)

    # -- export ---------------------------------------------------------------------------
    def export_dot(self, path: str) -> None:
        """Write the graph as Graphviz DOT (engine.graph.to_dot of the rebuilt graph)."""
        self._export("dot", path)

    def export_svg(self, path: str) -> None:
        """Write the drawing as SVG (QSvgGenerator, vector: every line and number)."""
        self._export("svg", path)

    def export_png(self, path: str) -> None:
        """Write the drawing as PNG (at most 8,000 pixels a side)."""
        self._export("png", path)

    def _export(self, kind: str, path: str) -> None:
        if self.snapshot is None:
            raise ValueError("there is no graph to export yet; pick a sample first")
        export_graph(kind, path, self.snapshot, self.view)

    def _on_export_requested(self, kind: str) -> None:
        if self.snapshot is not None:
            path = ask_and_export(self, kind, self.snapshot, self.view)
            if path:
                self.fileSaved.emit(f"Saved the graph ({kind.upper()}) to {os.path.abspath(path)}")

    def _on_sample_requested(self, index: int) -> None:
        if self._dataset is not None and 0 <= index < len(self._dataset[0]):
            X, y = self._dataset
            self.show_sample(index, X[index], float(y[index]))

    def shutdown(self) -> None:
        """Stop refreshing and abandon a running build (call when the window closes)."""
        self._throttle.stop()
        self.jobs.close()
