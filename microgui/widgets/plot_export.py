"""Save a chart through pyqtgraph's own exporters, and the Export menu of every chart.

PNG goes through ``ImageExporter``, SVG through ``SVGExporter``, the curves'
data through ``CSVExporter`` (one x and one y column per curve, named after
it). ``write_plot`` writes exactly the file name it is given; ``save_plot``
writes through the caller's atomic writer (a temporary name beside the target,
renamed into place), so a failed export never leaves half a file. The writer
is passed in: widgets import nothing of the engine or the file helpers.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pyqtgraph as pg
from pyqtgraph.exporters import CSVExporter, ImageExporter, SVGExporter
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMenu, QWidget

#: format -> file dialog filter; the first is what a dialog offers first.
PLOT_FORMATS: dict[str, str] = {
    "png": "PNG image (*.png)",
    "svg": "SVG vector image (*.svg)",
    "csv": "CSV of the curves' data (*.csv)",
}
MENU_TEXTS = {
    "png": "Export as PNG…",
    "svg": "Export as SVG…",
    "csv": "Export data as CSV…",
}


class PlotExportError(Exception):
    """A chart could not be written; the message says why."""


def plot_format(path: str | Path) -> str:
    """The export format a file name asks for (by its suffix); PlotExportError if none."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in PLOT_FORMATS:
        known = ", ".join(f".{f}" for f in PLOT_FORMATS)
        raise PlotExportError(f"{Path(path).name}: unknown plot format; end the name in {known}")
    return suffix


def write_plot(
    target: pg.PlotItem | pg.GraphicsScene,
    file_name: str | Path,
    fmt: str,
    extra_curves: Sequence[pg.PlotDataItem] = (),
) -> None:
    """Write `target` (one chart's PlotItem, or a whole scene) as `fmt` to `file_name`.

    `extra_curves`: curves drawn in a linked ViewBox (the learning rate), written to
    the CSV with the chart's own. PlotExportError when the file cannot be written.
    """
    name = str(file_name)
    scene = target.scene() if isinstance(target, pg.PlotItem) else target
    # ViewBoxes update their data transform lazily, before a paint; the SVG exporter
    # does not paint, and would place every curve by a stale range and size.
    scene.prepareForPaint()
    if fmt == "png":
        exporter = ImageExporter(target)
        if not exporter.export(name):
            raise PlotExportError(f"could not write the PNG image {file_name}")
    elif fmt == "svg":
        with _closed_paths_tolerated():
            SVGExporter(target).export(name)
    elif fmt == "csv":
        if not isinstance(target, pg.PlotItem):
            raise PlotExportError("CSV export needs one chart, not a whole figure")
        _CurvesCSVExporter(target, extra_curves).export(name)
    else:
        raise PlotExportError(f"unknown plot format {fmt!r}; use png, svg or csv")


@contextmanager
def _closed_paths_tolerated() -> Iterator[None]:
    """Let pyqtgraph 0.14's SVGExporter read the paths Qt >= 6.10 writes.

    Qt now ends a closed path with "Z", and SVGExporter.correctCoordinates
    parses every token of a path as "x,y", so every chart failed with a
    ValueError (pyqtgraph issue #3495; the fix, PR #3458, is not released).
    While we export, the "Z" tokens are dropped before that parser runs:
    Qt's closed paths already end with a line back to their start, and a
    fill closes its outline anyway, so the drawing is unchanged.
    """
    module = sys.modules[SVGExporter.__module__]
    original = module.correctCoordinates

    def without_closing(node, defs, item, options):
        for path in node.getElementsByTagName("path"):
            tokens = path.getAttribute("d").split()
            path.setAttribute("d", " ".join(t for t in tokens if t not in ("Z", "z")))
        return original(node, defs, item, options)

    module.correctCoordinates = without_closing
    try:
        yield
    finally:
        module.correctCoordinates = original


AtomicWriter = Callable[[Path], AbstractContextManager[Path]]


def save_plot(
    target: pg.PlotItem | pg.GraphicsScene,
    path: str | Path,
    write_atomically: AtomicWriter,
    fmt: str | None = None,
    extra_curves: Sequence[pg.PlotDataItem] = (),
) -> str:
    """Write `target` to `path` atomically (`write_atomically(path)` yields the temporary
    name); the format is `fmt` or the file's suffix. Returns the format written.

    PlotExportError (one line: the file, the reason, what to do) when it cannot be.
    """
    fmt = fmt or plot_format(path)
    try:
        with write_atomically(Path(path)) as tmp:
            write_plot(target, tmp, fmt, extra_curves)
    except OSError as exc:
        # The writer's own line (engine.atomic_write.WriteError) names the file and what to do.
        message = getattr(exc, "message", "")
        if not message:
            reason = exc.strerror or str(exc)
            if isinstance(exc, PermissionError):
                reason = f"permission denied (is the folder {Path(path).parent} read-only?)"
            message = f"could not write {path}: {reason}; choose another place"
        raise PlotExportError(message) from None
    return fmt


class _CurvesCSVExporter(CSVExporter):
    """pyqtgraph's CSV exporter, plus curves that live outside the PlotItem's own ViewBox."""

    def __init__(self, item: pg.PlotItem, extra_curves: Sequence[pg.PlotDataItem]) -> None:
        super().__init__(item)
        self.extra_curves = tuple(extra_curves)

    def export(self, fileName: str | None = None) -> None:
        for item in self.extra_curves:
            self._exportPlotDataItem(item)
        super().export(fileName)


def export_menu(parent: QWidget, on_export: Callable[[str], None]) -> QMenu:
    """The Export menu of a chart: one action per format, calling on_export(format)."""
    menu = QMenu(parent)
    for fmt, text in MENU_TEXTS.items():
        action = menu.addAction(text)
        action.setObjectName(f"export_{fmt}")
        action.triggered.connect(lambda _checked=False, f=fmt: on_export(f))
    return menu


def install_export_menu(
    plot_widget: pg.PlotWidget,
    on_export: Callable[[str], None],
    enabled: Callable[[], bool] = lambda: True,
) -> None:
    """Right click on the chart opens its Export menu (pyqtgraph's own menu is off, as its
    mouse modes and axis options fight the charts' fixed ranges). `enabled()` False
    leaves the right click to the chart (draw mode removes a point with it)."""
    plot_widget.setContextMenuPolicy(Qt.CustomContextMenu)

    def show(pos: QPoint) -> None:
        if enabled():
            export_menu(plot_widget, on_export).exec(plot_widget.mapToGlobal(pos))

    plot_widget.customContextMenuRequested.connect(show)
