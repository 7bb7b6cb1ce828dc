"""Fault matrix, GUI rows: bad layer text and bad numbers, typed into the real window.

Every bad input must give one clear message naming the problem (at the field and under the
Train button, or in the status bar when a spin box puts its last value back), leave the
window up, and leave the loaded model exactly as it was: the worker's trainer is compared
before and after (parameter values, step count, config, training split). The list of rows
is in tests/faults/README.md.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from window_fault_helpers import (
    ERROR_RED,
    assert_model_unchanged,
    assert_one_message_at,
    assert_train_disabled,
    run_state,
    settled,
    trained_window,
    type_into_spin,
    type_text,
)
from window_fixtures import WAIT_MS, wait_ready_state

from microgui.widgets.validation import is_invalid

pytestmark = pytest.mark.usefixtures("dialogs")  # message boxes are recorded, never block

# ------------------------------------------------------------------ layer text

BAD_LAYER_TEXT = {  # text -> what its message must say
    "": ("empty", "16,16"),
    "abc": ("'abc'", "not a whole number", "16,16"),
    "16,,16": ("size 2 is empty", "16,16"),
    "0": ("not 0", "1..512"),
    "-4": ("not -4", "1..512"),
    "1e9": ("'1e9'", "16,16"),
    "16;16": ("'16;16'", "';'", "commas", "16,16"),
    "10000": ("not 10000", "1..512"),
    "2500,2500,2500,2500": ("not 2500", "1..512"),
}


@pytest.mark.parametrize("text", list(BAD_LAYER_TEXT), ids=repr)
def test_bad_layer_text_is_refused_at_the_field_and_the_model_stays(qtbot, make_window, text):
    window = trained_window(qtbot, make_window)
    before = run_state(window)
    type_text(qtbot, window.model_controls.layers.text_edit, text)
    settled(qtbot, window)
    reason = assert_one_message_at(
        window, window.model_controls.layers.text_edit, *BAD_LAYER_TEXT[text]
    )
    assert "not a whole number" not in reason or text in ("abc", "1e9")
    assert_model_unchanged(window, before)


BIG_NETWORK = ",".join(["512"] * 8)  # the most the layer field allows: 4,096 neurons


def test_a_network_over_the_size_guard_is_refused_with_its_estimate_and_the_model_stays(
    qtbot, make_window
):
    # The scalar graph's limits (vectorized, the same network fits in numpy:
    # tests/faults/test_bad_config.py::test_the_vectorized_execution_has_its_own_limits).
    window = trained_window(qtbot, make_window, execution="scalar")
    before = run_state(window)
    type_text(qtbot, window.model_controls.layers.text_edit, BIG_NETWORK)
    settled(qtbot, window)
    reason = assert_one_message_at(window, window.model_controls.layers.text_edit)
    for part in ("1,971,748 nodes", "products per step", "MB", "s per step", "limit"):
        assert part in reason
    # What to do, in the window's words (not the command line's --options).
    assert reason.endswith(
        "; make the hidden layers smaller, set a batch size (Training > Batch size) "
        "or use fewer samples (Data)"
    )
    assert "--" not in reason and not reason.startswith("max_nodes")
    assert_model_unchanged(window, before)  # the refused network did not replace the model


# ------------------------------------------------------------------ numbers


@pytest.mark.parametrize("text", ["0", "-1", "nan", "inf", "-inf", "1,5"])
def test_bad_learning_rate_is_refused_at_the_field_and_the_model_stays(qtbot, make_window, text):
    window = trained_window(qtbot, make_window)
    before = run_state(window)
    type_text(qtbot, window.training_controls.lr, text)
    settled(qtbot, window)
    must_say = ("lr: ", "a finite number > 0") + ((f"'{text}'",) if text[-1].isalpha() else ())
    if text == "1,5":
        must_say = ("lr: ", "'1,5' is not a number", "a finite number > 0")
    assert_one_message_at(window, window.training_controls.lr, *must_say)
    assert_model_unchanged(window, before)


# field, typed, what the status bar must say (Qt's own spin boxes would read "-3" as 3,
# "2.5" as 25 and "-0.5" as 0: a different, valid value nobody asked for).
SPIN_CASES = [
    ("test_fraction", "1", "Test fraction: 1 is out of range; use a number from 0 to 0.9"),
    ("test_fraction", "-1", "Test fraction: -1 is out of range"),
    ("test_fraction", "-0.5", "Test fraction: -0.5 is out of range"),
    ("test_fraction", "0.255", "Test fraction: 0.255 has more than 2 decimals"),
    ("test_fraction", "-", "Test fraction: '-' is not a number"),
    ("batch_size", "abc", "Batch size takes numbers only; use a whole number from 0 (full)"),
    ("batch_size", "-3", "Batch size: -3 is out of range; use a whole number from 0 (full)"),
    ("batch_size", "2.5", "Batch size: 2.5 is not a whole number"),
    ("batch_size", "200000", "Batch size: 200000 is out of range"),
    ("steps", "0", "Steps: 0 is out of range; use a whole number from 1 to 10,000,000"),
    ("seed", "-1", "Seed: -1 is out of range; use a whole number from 0 to"),
    ("n_samples", "1", "n samples: 1 is out of range; use a whole number from"),
]


@pytest.mark.parametrize(
    ("field", "text", "says"), SPIN_CASES, ids=[f"{f}={t}" for f, t, _ in SPIN_CASES]
)
def test_bad_numbers_in_spin_boxes_are_refused_with_a_message_never_misread(
    qtbot, make_window, field, text, says
):
    """The field keeps its value and the status bar says, in red, what was refused and why."""
    window = trained_window(qtbot, make_window)
    widgets = dict(window.controller.field_widgets(), **window.dataset_controls.params.editors)
    spin = widgets[field]
    value, shown = spin.value(), spin.text()  # shown: 'full' for batch size 0
    before = run_state(window)
    type_into_spin(qtbot, window, spin, text)
    settled(qtbot, window)
    assert spin.value() == value, f"typed {text!r}, the field now holds {spin.value()}"
    message = window.status.message()
    assert message.startswith(says), message
    assert "\n" not in message
    if "numbers only" not in says:  # a refused keystroke: nothing was put back
        kept = message.rsplit("(kept ", 1)[1].removesuffix(")")
        assert kept == shown if shown == "full" else float(kept.replace(",", "")) == value
    assert window.status.message_label.colour.name() == ERROR_RED
    assert not is_invalid(spin)  # the kept value is valid: training may go on
    assert window.controller.can_train() and window.isVisible()
    assert_model_unchanged(window, before)


def test_a_refused_number_stays_readable_while_training_runs(qtbot, make_window):
    """The run summary, redrawn several times a second, must not wipe the message at once."""
    window = trained_window(qtbot, make_window, steps=1)
    c = window.controller
    c.start()
    qtbot.waitUntil(lambda: c.state == "running", timeout=WAIT_MS)
    type_into_spin(qtbot, window, window.training_controls.steps, "0")
    shown_at = c.snapshot.step
    qtbot.waitUntil(lambda: c.snapshot.step >= shown_at + 20, timeout=WAIT_MS)
    assert window.status.message().startswith("Steps: 0 is out of range")
    c.pause()


@pytest.mark.parametrize("text", ["0", "1000"])
def test_batch_size_zero_or_larger_than_the_data_is_full_batch(qtbot, make_window, text):
    """The matrix's decision: 0 (shown as "full") and more than the data both mean full batch;
    more than the data is said once, so the user knows what the number does."""
    window = trained_window(qtbot, make_window)
    before = run_state(window)
    spin = window.training_controls.batch_size
    spin.setValue(5)
    settled(qtbot, window)
    type_into_spin(qtbot, window, spin, text)
    settled(qtbot, window)
    wait_ready_state(qtbot, window)
    config = window.controller.worker.trainer.config
    assert config.batch_size == (None if text == "0" else 1000)
    assert spin.text() == ("full" if text == "0" else "1000")
    n_train = len(window.controller.worker.trainer.y_train)
    full_batch_note = (
        f"Batch size 1,000 is more than the {n_train} training samples: "
        f"every step uses all {n_train} (full batch)"
    )
    assert (window.status.message() == full_batch_note) == (text == "1000")
    assert run_state(window).params == before.params  # an optimisation setting: the run goes on
    window.controller.step()
    qtbot.waitUntil(lambda: window.controller.snapshot.step == before.steps + 1, timeout=WAIT_MS)


@pytest.mark.parametrize("field", ["seed", "n_samples", "test_fraction", "steps", "batch_size"])
def test_enter_in_an_unchanged_field_keeps_the_trained_model(qtbot, make_window, field):
    window = trained_window(qtbot, make_window)
    before = run_state(window)
    widgets = dict(window.controller.field_widgets(), **window.dataset_controls.params.editors)
    spin = widgets[field]
    window.activateWindow()
    spin.setFocus()
    qtbot.keyClick(spin, Qt.Key_Return)
    settled(qtbot, window)
    wait_ready_state(qtbot, window)
    assert run_state(window).params == before.params
    assert run_state(window).steps == before.steps


def test_the_status_bar_does_not_invite_training_while_train_is_disabled(qtbot, make_window):
    window = make_window()
    type_text(qtbot, window.model_controls.layers.text_edit, "abc")
    settled(qtbot, window)
    assert_train_disabled(window)
    assert "press Train" not in window.status.message()
    assert "'abc'" in window.status.message()  # it says why instead
