"""Space, S and R work wherever the focus is, except while typing in a text field."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from window_fixtures import WAIT_MS

from microgui.graph_explorer import install_graph_explorer


def _state(window) -> str:
    return window.controller.state


def test_space_trains_after_a_click_moved_the_focus_to_the_graph_tabs_sample_box(
    qtbot, make_window
):
    window = make_window()
    install_graph_explorer(window)
    c = window.controller
    window.activateWindow()
    window.sampleClicked.emit(3)  # what a click on a training point does: the Graph tab opens
    sample = window.graph_explorer.controls.sample_spin
    qtbot.waitUntil(lambda: sample.isEnabled(), timeout=WAIT_MS)
    sample.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is sample, timeout=WAIT_MS)
    qtbot.keyClick(sample, Qt.Key_Space)
    qtbot.waitUntil(lambda: _state(window) == "running" and c.snapshot.step >= 2, timeout=WAIT_MS)
    qtbot.keyClick(sample, Qt.Key_Space)
    qtbot.waitUntil(lambda: _state(window) == "paused", timeout=WAIT_MS)
    step = c.snapshot.step
    qtbot.keyClick(sample, Qt.Key_S)
    qtbot.waitUntil(lambda: c.snapshot.step == step + 1, timeout=WAIT_MS)
    assert QApplication.focusWidget() is sample  # the keys worked where the focus stayed


def test_space_and_s_work_from_buttons_check_boxes_and_spin_boxes(qtbot, make_window):
    window = make_window()
    c = window.controller
    window.activateWindow()
    for widget in (
        window.view.show_test_check,  # Space would toggle it
        window.run_controls.reset_button,  # Space would click it
        window.dataset_controls.seed,  # a spin box takes typed text
        window.training_controls.loss,  # a (non-editable) combo box
    ):
        widget.setFocus()
        qtbot.waitUntil(lambda w=widget: QApplication.focusWidget() is w, timeout=WAIT_MS)
        step = c.snapshot.step
        qtbot.keyClick(widget, Qt.Key_S)
        qtbot.waitUntil(lambda s=step: c.snapshot.step == s + 1, timeout=WAIT_MS)
        assert _state(window) == "paused"
    assert window.view.show_test_check.isChecked()
    assert window.dataset_controls.seed.value() == 0


def test_typing_in_a_text_field_types(qtbot, make_window):
    window = make_window()
    install_graph_explorer(window)
    c = window.controller
    window.activateWindow()
    layers = window.model_controls.layers.text_edit
    layers.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is layers, timeout=WAIT_MS)
    qtbot.keyClicks(layers, " s r")
    assert layers.text().endswith(" s r")
    playground = window.playground
    window.tabs.setCurrentWidget(playground)
    playground.editor.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is playground.editor, timeout=WAIT_MS)
    qtbot.keyClicks(playground.editor, " rs")
    assert playground.text().startswith(" rs")
    assert c.snapshot.step == 0 and _state(window) != "running"
