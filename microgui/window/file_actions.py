"""FileActions: open/save sessions, open/export models, export the charts (PNG, SVG, CSV).

Every save reports where it wrote (or why it could not) in the status bar;
every save dialog filters by its file type.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog

from engine.atomic_write import atomic_path
from engine.session import SessionFileError, read_session
from microgui.widgets.layer_sizes_editor import MAX_LAYERS, MAX_NEURONS
from microgui.widgets.plot_export import PLOT_FORMATS, PlotExportError, save_plot
from microgui.window.command_line import train_command_line
from microgui.window.dataset_controls import DRAWN_DATASET_ID
from microgui.window.drawn_data import DrawnData
from microgui.window.save_dialog import JSON_FILTER, ask_save_path

OPEN_JSON_FILTER = f"{JSON_FILTER};;All files (*)"
#: chart -> (its name in messages, default file name)
CHARTS = {
    "boundary": ("boundary plot", "boundary"),
    "loss": ("loss chart", "loss"),
    "accuracy": ("accuracy chart", "accuracy"),
}


class FileActions(QObject):
    """File menu handlers; the *_file methods take a path and are what tests drive."""

    finished = Signal(str, str, str)  # kind, path, error ("" = success)

    def __init__(self, controller: Any) -> None:
        super().__init__(controller)
        self.c = controller
        w = controller.w
        a = w.actions
        a.open_session.triggered.connect(self.open_session_dialog)
        a.open_model.triggered.connect(self.open_model_dialog)
        a.save_session.triggered.connect(self.save_session_dialog)
        a.export_model.triggered.connect(self.export_model_dialog)
        view = controller.w.view
        # chart -> (its name in messages, default file name, the widget drawing it)
        self.charts: dict[str, tuple[str, str, Any]] = {}
        for chart, action in (
            ("boundary", a.export_boundary),
            ("loss", a.export_loss),
            ("accuracy", a.export_accuracy),
        ):
            action.triggered.connect(lambda _checked=False, c=chart: self.export_chart_dialog(c))
        for chart, widget in (
            ("boundary", view.boundary),
            ("loss", view.loss_plot),
            ("accuracy", view.metric_plot),
        ):
            self.add_chart(chart, *CHARTS[chart], widget)
        a.copy_command.triggered.connect(self.copy_command_line)
        controller.worker.fileDone.connect(self._on_file_done)
        controller.worker.modelOpened.connect(self._on_model_opened)
        self.pending_session: Any = None
        self._before_open: tuple | None = None

    # ------------------------------------------------------------- dialogs
    def _ask_save(self, title: str, name: str) -> str:
        path, _fmt = ask_save_path(self.c.w, title, name, {"json": JSON_FILTER})
        return path

    def open_session_dialog(self) -> None:
        """Ask for a session file and open it."""
        path, _ = QFileDialog.getOpenFileName(self.c.w, "Open session", "", OPEN_JSON_FILTER)
        if path:
            self.open_session_file(path)

    def open_model_dialog(self) -> None:
        """Ask for a model file and open it."""
        path, _ = QFileDialog.getOpenFileName(self.c.w, "Open model", "", OPEN_JSON_FILTER)
        if path:
            self.open_model_file(path)

    def save_session_dialog(self) -> None:
        """Ask for a file name and save the session."""
        path = self._ask_save("Save session", "session.json")
        if path:
            self.save_session_file(path)

    def export_model_dialog(self) -> None:
        """Ask for a file name and export the model."""
        path = self._ask_save("Export model", "model.json")
        if path:
            self.export_model_file(path)

    def add_chart(self, chart: str, name: str, default_name: str, widget: Any) -> None:
        """Export `widget` (a chart with plot_item and exportRequested) like the window's own;
        its right-click menu asks for one format."""
        self.charts[chart] = (name, default_name, widget)
        widget.exportRequested.connect(lambda fmt, c=chart: self.export_chart_dialog(c, first=fmt))

    def export_chart_dialog(self, chart: str, first: str = "png") -> None:
        """Ask for a file name (PNG, SVG or CSV) and export one chart."""
        name, default, _widget = self.charts[chart]
        path, fmt = ask_save_path(
            self.c.w, f"Export {name}", f"{default}.{first}", PLOT_FORMATS, first
        )
        if path:
            self.export_chart_file(chart, path, fmt)

    # ------------------------------------------------------------- actions
    def save_session_file(self, path: str) -> None:
        """Save the session (asynchronously: `finished` reports the outcome)."""
        extra: dict[str, Any] = {"gui": {"speed": self.c.w.run_controls.speed.speed()}}
        drawn = self.c.drawn
        if self.c.config is not None and self.c.config.dataset == DRAWN_DATASET_ID and drawn:
            extra["drawn"] = {
                "task": drawn.task,
                "feature_names": list(drawn.feature_names),
                "class_names": list(drawn.class_names),
                "X": drawn.X.tolist(),
                "y": drawn.y.tolist(),
                "domain": [list(drawn.domain[0]), list(drawn.domain[1])],
            }
        self.c.worker.save_session(path, extra)

    def open_session_file(self, path: str) -> bool:
        """Read a session, show its config, regenerate its data and continue it.

        False (and a message) when the file cannot be used; the outcome of the
        restore itself arrives through `finished`.
        """
        try:
            session = read_session(path)
            drawn = _drawn_from_extra(session.extra)
        except (SessionFileError, ValueError, TypeError, KeyError) as exc:
            self._report("open_session", path, str(exc))
            return False
        if session.config.dataset == DRAWN_DATASET_ID:
            if drawn is None:
                self._report("open_session", path, "the session's drawn points are missing")
                return False
            self.c.drawn = drawn
            self.c.w.dataset_controls.add_drawn_entry()
        elif session.config.dataset not in self.c.w.registry.datasets:
            message = f"dataset {session.config.dataset!r} is not available (missing plugin?)"
            self._report("open_session", path, message)
            return False
        self.c.pause()
        self.pending_session = session
        c = self.c
        self._before_open = c.setup()
        self.c.fill_form(session.config)
        self.c.apply_changes()
        return True

    def open_model_file(self, path: str) -> bool:
        """Start from a model file's network and weights, on the data and settings shown.

        False (and a message) when there is no data to open it onto; the worker
        reads and checks the file, and `finished` reports the outcome. A model
        that does not fit changes nothing.
        """
        c = self.c
        if c.loader.busy or c.dataset is None or c.config is None:
            self._report("open_model", path, "no data yet: wait for the dataset, then open it")
            return False
        c.pause()
        c.worker.open_model(path, c.config, c.dataset, (MAX_NEURONS, MAX_LAYERS))
        return True

    def _on_model_opened(self, path: str, config: Any) -> None:
        """The worker runs the model now: show its network in the form."""
        c = self.c
        c.bring_back((config, c.dataset, c.drawn, config, c.init_seed))
        c.mark_applied()
        c.model_file = path

    def take_pending_session(self) -> Any:
        """The session waiting for its data (the controller asks when the data is ready)."""
        session, self.pending_session = self.pending_session, None
        return session

    def export_model_file(self, path: str) -> None:
        """Export the model (asynchronously: `finished` reports the outcome)."""
        self.c.worker.export_model(path)

    def export_chart_file(self, chart: str, path: str, fmt: str | None = None) -> bool:
        """Save one chart as it is shown (PNG, SVG) or its curves' data (CSV), atomically.

        The format is `fmt`, else the file's suffix. False (and the reason) on failure.
        """
        plot = self.charts[chart][2]
        extra = getattr(getattr(plot, "chart", None), "extra_curves", ())
        try:
            written = save_plot(plot.plot_item, path, _write_chart, fmt, extra)
        except PlotExportError as exc:
            self._report(chart, path, str(exc))
            return False
        self._report(chart, path, "", written)
        return True

    def copy_command_line(self) -> str:
        """Put a `microgui train ...` command that repeats this run on the clipboard.

        Returns the command ("" and a message in the status bar when there is none).
        """
        c = self.c
        if c._timer.isActive():
            c.apply_changes()  # an edit still in its debounce: copy what the form says
        problem = ""
        if c.config is None or not c.form_is_valid():
            problem = "Nothing to copy yet: fix the marked field first"
        elif c.config.dataset == DRAWN_DATASET_ID:
            problem = (
                "Drawn points have no command line: save them (Save CSV…), choose "
                "'CSV file' with that file, then copy the command line"
            )
        if problem:
            c.w.status.set_message(problem, error=True)
            return ""
        command = train_command_line(c.config)
        QGuiApplication.clipboard().setText(command)
        note = " (from fresh weights, not the model file's)" if c.model_file else ""
        c.w.status.set_message(f"Copied to the clipboard{note}: {command}")
        return command

    # ------------------------------------------------------------- results
    def _on_file_done(self, kind: str, path: str, error: str) -> None:
        if kind == "open_session":
            before, self._before_open = self._before_open, None
            if error and before is not None:
                self.c.bring_back(before)  # the worker kept its model
        self._report(kind, path, error)

    def _report(self, kind: str, path: str, error: str, fmt: str = "") -> None:
        where = str(Path(path).resolve()) if path else path
        done = {
            "session": "Saved session to {}",
            "open_session": "Opened session {}",
            "open_model": "Opened model {}: training starts from its weights",
            "model": "Exported model to {}",
        }.get(kind)
        if done is None and kind in self.charts:
            what = "data of the " if fmt == "csv" else ""
            done = f"Saved the {what}{self.charts[kind][0]} ({fmt.upper()}) to {{}}"
        if error:
            self.c.w.status.set_message(error, error=True)
        else:
            self.c.w.status.set_message((done or "Saved {}").format(where))
        self.finished.emit(kind, path, error)


def _drawn_from_extra(extra: dict[str, Any]) -> DrawnData | None:
    raw = extra.get("drawn")
    if not isinstance(raw, dict):
        return None
    domain = raw.get("domain")  # sessions saved before the canvas was kept have none
    if domain is not None:
        (x0, x1), (y0, y1) = ((float(a), float(b)) for a, b in domain)
        if not all(np.isfinite([x0, x1, y0, y1])) or x1 <= x0 or y1 <= y0:
            raise ValueError(f"the drawn data's canvas {domain!r} is not two ranges")
        domain = ((x0, x1), (y0, y1))
    return DrawnData(
        str(raw["task"]),
        tuple(str(n) for n in raw["feature_names"]),
        tuple(str(n) for n in raw["class_names"]) or ("0", "1"),
        np.asarray(raw["X"], dtype=np.float64),
        np.asarray(raw["y"], dtype=np.float64),
        domain,
    )


def _write_chart(path: Path):
    """The one atomic writer (engine.atomic_write), for a chart's exporter."""
    return atomic_path(path, "chart")
