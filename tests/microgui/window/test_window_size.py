"""The window is usable at 800 x 600: nothing cut, the plots readable, no legend on a curve."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QScrollArea, QSpinBox
from window_fixtures import WAIT_MS

from microgui.graph_explorer import install_graph_explorer


def test_the_window_is_usable_at_800_by_600(qtbot, make_window):
    window = make_window(dataset="moons")
    install_graph_explorer(window)
    window.resize(800, 600)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == (800, 600), timeout=WAIT_MS)
    for index in range(window.tabs.count()):  # the Graph and Playground tabs too
        window.tabs.setCurrentIndex(index)
        assert window.minimumSizeHint().width() <= 800, window.tabs.tabText(index)
        assert window.minimumSizeHint().height() <= 600, window.tabs.tabText(index)
    window.tabs.setCurrentIndex(0)
    c = window.controller
    c.start(until_step=3)
    qtbot.waitUntil(lambda: c.snapshot.step == 3 and c.state == "paused", timeout=WAIT_MS)
    window.grab()

    # Every field of the form is whole (the panel scrolls down, never sideways).
    scroll = window.findChild(QScrollArea)
    viewport = scroll.viewport()
    kinds = (QLineEdit, QComboBox, QSpinBox, QAbstractButton)
    fields = [
        w
        for kind in kinds
        for w in scroll.widget().findChildren(kind)
        if w.isVisibleTo(window) and not isinstance(w.parentWidget(), (QSpinBox, QComboBox))
    ]
    assert len(fields) > 15
    for field in fields:
        left = field.mapTo(viewport, QPoint(0, 0)).x()
        assert left >= 0 and left + field.width() <= viewport.width(), field.accessibleName()

    # The plots: a square boundary of a useful size, the read-out whole under it.
    boundary = window.view.boundary
    view_box = boundary.plot_item.vb
    assert min(view_box.width(), view_box.height()) >= 120
    assert abs(view_box.width() - view_box.height()) <= 2
    readout = boundary.hover_label
    inside = QRect(QPoint(0, 0), boundary.size())
    assert inside.contains(readout.geometry()) and readout.height() > 0
    for chart in (window.view.loss_plot, window.view.metric_plot):
        assert chart.plot_item.legend is None  # the legend is in the title line
        assert min(chart.plot_item.vb.width(), chart.plot_item.vb.height()) >= 80
