"""DrawModeController: turn clicks on the boundary plot into a dataset the user draws."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject

from microgui.window.dataset_controls import DRAWN_DATASET_ID
from microgui.window.drawn_data import DrawnData
from microgui.window.save_dialog import CSV_FILTER, ask_save_path

DRAW_DEBOUNCE_MS = 120


class DrawModeController(QObject):
    """Draw mode: left click adds a point of the chosen class, right click removes the nearest."""

    def __init__(self, controller: Any) -> None:
        super().__init__(controller)
        self.c = controller
        view = controller.w.view
        self.toolbar = view.draw_toolbar
        self.boundary = view.boundary
        self.toolbar.draw_check.toggled.connect(self.set_enabled)
        self.boundary.pointAddRequested.connect(self.add_point)
        self.boundary.pointRemoveRequested.connect(self.remove_point)
        self.toolbar.clear_button.clicked.connect(self.clear)
        self.toolbar.save_button.clicked.connect(self.save_dialog)
        controller.w.actions.save_drawn.triggered.connect(self.save_dialog)
        controller.w.actions.save_drawn.setEnabled(False)

    def set_enabled(self, enabled: bool) -> None:
        """Enter draw mode, starting from a copy of the current data."""
        if not enabled:
            return
        dataset = self.c.dataset
        if self.c.drawn is None or self.c.w.dataset_controls.dataset_id() != DRAWN_DATASET_ID:
            if dataset is None:
                self._refuse("Wait for the data to load, then draw.")
                return
            d = dataset.X.shape[1]
            if not (d == 2 or (d == 1 and dataset.task == "regression")):
                self._refuse(
                    "Drawing works on 2-feature data and 1-D regression; "
                    "choose such a dataset first."
                )
                return
            self.c.drawn = DrawnData.from_dataset(dataset)
            self.c.w.dataset_controls.add_drawn_entry()
            self.c.w.actions.save_drawn.setEnabled(True)
            self._changed()
        self.c.w.status.set_message(
            "Draw mode: left click adds a point, right click removes the nearest."
        )

    def _refuse(self, message: str) -> None:
        self.toolbar.draw_check.setChecked(False)
        self.c.w.status.set_message(message, error=True)

    def add_point(self, x: float, y: float) -> None:
        """Add a point of the toolbar's class (or target value) at (x, y)."""
        if self.c.drawn is None:
            return
        try:
            self.c.drawn.add(x, y, self.toolbar.label())
        except ValueError as exc:
            self.c.w.status.set_message(str(exc), error=True)
            return
        self._changed()

    def remove_point(self, x: float, y: float) -> None:
        """Remove the drawn point nearest to (x, y) on screen."""
        if self.c.drawn is None:
            return
        px_w, px_h = self.boundary.plot_item.vb.viewPixelSize()
        if self.c.drawn.remove_nearest(x, y, px_w, px_h) >= 0:
            self._changed()

    def clear(self) -> None:
        """Remove every drawn point."""
        if self.c.drawn is not None:
            self.c.drawn.clear()
            self._changed()

    def _changed(self) -> None:
        drawn = self.c.drawn
        self.c.dataset = drawn.to_dataset()
        # The points at once, on the fixed canvas; the new run's boundary follows.
        self.c.presenter.show_drawn(drawn)
        self.c.thumbnails.render(DRAWN_DATASET_ID, drawn.X, drawn.y, drawn.task)
        if not len(drawn):
            self.c.show_no_data("No data: left click adds a point", drawn.domain)
        self.c.w.status.set_message(f"{len(drawn)} drawn points")
        self.c._fresh_run = True
        self.c._force_apply = True  # the points changed, not the settings
        self.c._schedule(DRAW_DEBOUNCE_MS)

    def save_dialog(self) -> None:
        """Ask for a file name and save the drawn points as CSV."""
        if self.c.drawn is None:
            return
        path, _fmt = ask_save_path(self.c.w, "Save drawn data", "drawn.csv", {"csv": CSV_FILTER})
        if path:
            self.save_csv(path)

    def save_csv(self, path: str) -> bool:
        """Write the drawn points to `path`; False (and a message) on failure."""
        try:
            self.c.drawn.save_csv(path)
        except OSError as exc:
            self.c.w.status.set_message(str(exc), error=True)  # one line naming the path
            return False
        self.c.w.status.set_message(f"Saved {len(self.c.drawn)} points to {path}")
        return True
