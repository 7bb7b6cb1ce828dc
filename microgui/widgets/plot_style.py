"""One look for every pyqtgraph chart: white background, readable axes, shared pens."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

# Row-major images: field[iy, ix] reads like a matrix printed with y going up.
pg.setConfigOptions(
    antialias=True, background="w", foreground="#333333", imageAxisOrder="row-major"
)

TRAIN_PEN = pg.mkPen("#0877bd", width=2)
TEST_PEN = pg.mkPen("#f59322", width=2, style=Qt.DashLine)


def style_plot_item(item: pg.PlotItem, title: str, bottom: str, left: str) -> None:
    """Title, axis labels and a light grid, in fonts that stay legible at small sizes."""
    item.setTitle(title, size="10pt")
    font = QFont()
    font.setPointSize(8)
    for name, label in (("bottom", bottom), ("left", left)):
        axis = item.getAxis(name)
        axis.setLabel(label)
        axis.setTickFont(font)
    item.getAxis("right").setTickFont(font)
    # No grid: replaying the grid lines of the cached axis pictures was most of the
    # repaint time of a live chart.
    item.setMenuEnabled(False)
    # Room on the right so the last x tick label is not cut by the widget edge.
    item.layout.setContentsMargins(2, 2, 14, 2)
