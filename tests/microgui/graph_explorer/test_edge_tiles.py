"""EdgeLayer's tiles: a tile draws exactly the lines that cross it."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor

from microgui.graph_explorer.edge_layer import FLOW_LEVELS, EdgeLayer, _crosses


def test_a_segment_crosses_a_rectangle_only_where_it_passes_through_it():
    rect = QRectF(0, 0, 10, 10)
    segments = np.array(
        [
            [-5, 5, 15, 5],  # straight through
            [2, 2, 3, 3],  # inside
            [-5, -5, 20, -1],  # above, never in
            [-10, 8, 8, 30],  # its bounding box covers the rectangle, the line misses it
            [12, -3, -3, 12],  # a diagonal that clips a corner
            [10, 0, 10, 20],  # along the right border
            [5, 11, 5, 30],  # vertical, below
        ],
        dtype=float,
    )
    assert _crosses(segments, rect).tolist() == [True, True, False, False, True, True, False]


def test_a_tile_shows_the_lines_that_cross_it_and_no_others(qtbot):
    layer = EdgeLayer()
    # A dense fan of long lines (as between two layers) beside the tile, and one line
    # that crosses it; only that one may leave ink on the tile.
    fan = np.array([[0.0, y, 2000.0, 3000.0 - y] for y in np.linspace(0, 3000, 400)])
    fan = fan[~_crosses(fan, QRectF(600, 0, 256, 256))]
    crossing = np.array([[700.0, -50.0, 720.0, 400.0]])
    segments = np.vstack([fan, crossing])
    layer.set_segments(segments, QRectF(0, 0, 2000, 3000))
    layer.set_levels(np.full(len(segments), FLOW_LEVELS - 1))
    image = layer._render_tile(1, QRectF(600, 0, 256, 256))
    dark = [
        (x, y)
        for y in range(0, image.height(), 4)
        for x in range(image.width())
        if QColor(image.pixel(x, y)).lightness() < 128
    ]
    assert dark  # the crossing line is drawn
    xs = {x for x, _ in dark}
    # at level 1 (2 pixels per scene unit) the line lies between x = 200 and 240 of the tile
    assert min(xs) >= 195 and max(xs) <= 245
