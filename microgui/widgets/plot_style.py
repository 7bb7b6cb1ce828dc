"""One look for every pyqtgraph chart: white background, readable axes, shared pens.

Everything is set on the items themselves, never through ``pg.setConfigOptions``:
global options would change every other pyqtgraph user in the process (a host
application, a notebook, the tests).
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

BACKGROUND = "w"
FOREGROUND = "#333333"
TRAIN_COLOUR = "#0877bd"
TEST_COLOUR = "#f59322"
LR_COLOUR = "#888888"
TRAIN_PEN = pg.mkPen(TRAIN_COLOUR, width=2)
TEST_PEN = pg.mkPen(TEST_COLOUR, width=2, style=Qt.DashLine)
TITLE_SIZE = "10pt"
LEGEND_TEXT_SIZE = "8pt"


def make_plot_widget() -> pg.PlotWidget:
    """A PlotWidget with microgui's background and antialiasing (its own, not global)."""
    widget = pg.PlotWidget(background=BACKGROUND)
    widget.setAntialiasing(True)
    return widget


def make_layout_widget() -> pg.GraphicsLayoutWidget:
    """A GraphicsLayoutWidget (several charts in one scene) with the same look."""
    widget = pg.GraphicsLayoutWidget(border=None)
    widget.setBackground(BACKGROUND)
    widget.setAntialiasing(True)
    return widget


def curve(name: str | None, pen: object) -> pg.PlotDataItem:
    """An antialiased curve; `name` is its legend label and its column in a CSV export."""
    return pg.PlotDataItem(pen=pen, name=name, antialias=True)


def style_plot_item(item: pg.PlotItem, title: str, bottom: str, left: str) -> None:
    """Title, axis labels and plain tick values, in fonts that stay legible at small sizes."""
    set_title(item, title)
    font = QFont()
    font.setPointSize(8)
    for name in ("bottom", "left", "right", "top"):
        axis = item.getAxis(name)
        axis.setPen(FOREGROUND)
        axis.setTextPen(FOREGROUND)
        axis.setTickFont(font)
        # Plain values: no "(x0.001)" or "(x1e+09)" scale factor in the label.
        axis.enableAutoSIPrefix(False)
    item.getAxis("bottom").setLabel(bottom)
    item.getAxis("left").setLabel(left)
    # No grid: replaying the grid lines of the cached axis pictures was most of the
    # repaint time of a live chart.
    # pyqtgraph's own menu offers mouse modes and log axes that fight the charts'
    # fixed ranges; each plot widget offers Export (PNG, SVG, CSV) in its own menu.
    item.setMenuEnabled(False)
    # Nor its auto-range button: the charts keep their own ranges (sticky_range).
    item.hideButtons()
    # Room on the right so the last x tick label is not cut by the widget edge.
    item.layout.setContentsMargins(2, 2, 14, 2)


def set_title(item: pg.PlotItem, title: str) -> None:
    """The chart's title in the shared size and colour."""
    item.setTitle(title, size=TITLE_SIZE, color=FOREGROUND)


def add_legend(item: pg.PlotItem, offset: tuple[int, int]) -> pg.LegendItem:
    """A small legend with a translucent white background, so curves stay visible under it."""
    return item.addLegend(
        offset=offset,
        labelTextSize=LEGEND_TEXT_SIZE,
        labelTextColor=FOREGROUND,
        brush=pg.mkBrush(255, 255, 255, 200),
        verSpacing=-6,
    )


class TitleLegend:
    """The curves' legend in the chart's title line: it never covers a curve, at any size.

    An entry is a short line in the curve's colour (dashed for a dashed curve) and
    its name; show() hides an entry without a curve (no "test" without a test split).
    """

    def __init__(self, plot_item: pg.PlotItem, title: str) -> None:
        self.plot_item = plot_item
        self.title = title
        self.entries: dict[str, tuple[str, bool]] = {}
        self.shown: set[str] = set()
        self._html = ""
        self._render()

    def add(self, name: str, colour: str, dashed: bool = False) -> None:
        """A new entry, shown."""
        self.entries[name] = (colour, dashed)
        self.shown.add(name)
        self._render()

    def show(self, name: str, shown: bool) -> None:
        """Show or hide one entry."""
        if (name in self.shown) != shown:
            if shown:
                self.shown.add(name)
            else:
                self.shown.discard(name)
            self._render()

    def set_title(self, title: str) -> None:
        """The chart's name before the entries."""
        self.title = title
        self._render()

    def names(self) -> list[str]:
        """The entries shown, in order."""
        return [name for name in self.entries if name in self.shown]

    def _render(self) -> None:
        parts = [self.title]
        for name in self.names():
            colour, dashed = self.entries[name]
            line = "╍╍" if dashed else "━━"
            parts.append(f'<span style="color:{colour}">{line}</span> {name}')
        html = "&nbsp;&nbsp;&nbsp;".join(parts)
        if html != self._html:  # a new title re-lays the chart out
            self._html = html
            set_title(self.plot_item, html)
