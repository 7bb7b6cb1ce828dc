"""Messages at the field and below the form; a new dataset the form or plugin cannot use."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from window_fixtures import WAIT_MS, wait_ready_state

from microgui.widgets.validation import invalid_reason, is_invalid, warning_sign


def _type(qtbot, edit, text: str) -> None:
    edit.selectAll()
    qtbot.keyClicks(edit, text)


def _where(window, widget) -> QPoint:
    return widget.mapTo(window, QPoint(0, 0))


def _choose(window, dataset_id: str) -> None:
    combo = window.dataset_controls.combo
    combo.setCurrentIndex(combo.findData(dataset_id))


def _no_data_shown(window) -> bool:
    boundary = window.view.boundary
    return (
        len(boundary.train_xy) == 0
        and boundary.grid is None
        and boundary.chart.message_item.isVisible()
        and len(window.view.loss_plot.train_curve.getData()[0] or []) == 0
    )


def test_a_message_shows_at_the_field_and_below_the_form_and_moves_no_field(qtbot, make_window):
    """A click meant for Learning rate must not land in Momentum: nothing moves."""
    window = make_window()
    tc, label = window.training_controls, window.run_controls.error_label
    fields = (tc.lr, tc.momentum, window.dataset_controls.seed, window.model_controls.activation)
    before = [_where(window, f) for f in fields]
    _type(qtbot, tc.lr, "abc")
    qtbot.waitUntil(lambda: is_invalid(tc.lr) and label.isVisible(), timeout=WAIT_MS)
    assert [_where(window, f) for f in fields] == before
    reason = invalid_reason(tc.lr)
    assert label.text() == reason and "'abc' is not a number" in reason
    # At the field: a warning sign inside it, the reason on hover.
    sign = warning_sign(tc.lr)
    assert sign is not None and sign.toolTip() == reason
    # Below the scrolling form, in one place.
    scroll_bottom = window.training_tab.widget(0).layout().itemAt(1).widget().geometry().bottom()
    assert label.geometry().top() > scroll_bottom
    _type(qtbot, tc.lr, "0.1")
    wait_ready_state(qtbot, window)
    assert warning_sign(tc.lr) is None and not label.isVisible()
    assert [_where(window, f) for f in fields] == before


def test_choosing_csv_shows_no_error_before_a_path_and_no_old_data(qtbot, make_window):
    window = make_window()
    _choose(window, "csv")
    path = window.dataset_controls.params.editors["path"].line_edit
    label = window.run_controls.error_label
    qtbot.waitUntil(lambda: not window.run_controls.train_button.isEnabled(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: _no_data_shown(window), timeout=WAIT_MS)
    assert not is_invalid(path) and warning_sign(path) is None
    assert "invalid" not in label.text() and "choose a file" in label.text()
    assert label.property("hint")


def test_a_regression_dataset_switches_a_classification_loss_to_auto_with_a_notice(
    qtbot, make_window
):
    window = make_window(loss="hinge")
    c, loss = window.controller, window.training_controls.loss
    _choose(window, "sine")
    qtbot.waitUntil(lambda: c.can_train() and c.data.task == "regression", timeout=WAIT_MS)
    assert loss.currentText() == "auto" and not is_invalid(loss)
    assert c.worker.trainer.loss_name == "mse"
    assert "Loss hinge does not fit a regression dataset: switched to auto (mse)" in (
        window.status.message()
    )


def test_a_loss_the_user_chose_is_kept_when_it_fits_the_new_data(qtbot, make_window):
    window = make_window(loss="mse")
    c = window.controller
    _choose(window, "circles")
    qtbot.waitUntil(lambda: c.can_train() and c.config.dataset == "circles", timeout=WAIT_MS)
    assert window.training_controls.loss.currentText() == "mse"
    assert c.worker.trainer.loss_name == "mse"


def test_plots_do_not_show_the_previous_data_when_the_new_dataset_fails(
    qtbot, make_window, tmp_path
):
    window = make_window()
    c = window.controller
    broken = tmp_path / "broken.csv"
    broken.write_text("a,b,label\n1,2\n")
    _choose(window, "csv")
    path = window.dataset_controls.params.editors["path"].line_edit
    path.setText(str(broken))
    qtbot.waitUntil(lambda: is_invalid(window.dataset_controls.params), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: _no_data_shown(window), timeout=WAIT_MS)
    assert "could not be used" in window.view.boundary.chart.message_item.toPlainText()
    # Back to the moons: their points and run are shown again.
    _choose(window, "moons")
    wait_ready_state(qtbot, window)
    qtbot.waitUntil(lambda: len(window.view.boundary.train_xy) > 0, timeout=WAIT_MS)
    assert not window.view.boundary.chart.message_item.isVisible()
    assert c.config.dataset == "moons"
