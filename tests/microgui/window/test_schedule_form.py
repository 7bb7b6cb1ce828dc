"""Every setting of the schedule is in the form, and a schedule never rises unless set to."""

from __future__ import annotations

import numpy as np
import pytest
from window_fixtures import WAIT_MS, wait_ready_state

from engine.presets import preset_config
from microgui.widgets.validation import invalid_reason


def _type(qtbot, edit, text: str) -> None:
    """Replace a line edit's text by typing, as a user does."""
    edit.selectAll()
    qtbot.keyClicks(edit, text)


def _rates(trainer) -> np.ndarray:
    return np.array([trainer.schedule(k) for k in range(trainer.config.steps + 1)])


def _shown(window, widget) -> bool:
    return widget.isVisibleTo(window)


def test_the_demos_final_rate_is_shown_and_follows_a_new_learning_rate(qtbot, make_window):
    """Train > Presets > micrograd-demo, then Learning rate 0.01: 0.01 -> 0.001, not 0.1."""
    window = make_window()
    c, tc = window.controller, window.training_controls
    window.actions.presets["micrograd-demo"].trigger()
    wait_ready_state(qtbot, window)
    assert c.worker.trainer.config == preset_config("micrograd-demo")  # micrograd's demo
    assert tc.schedule.currentText() == "linear"
    assert _shown(window, tc.final_lr) and tc.final_lr.text() == "0.1"
    assert not _shown(window, tc.step_size) and not _shown(window, tc.gamma)

    _type(qtbot, tc.lr, "0.01")
    assert tc.final_lr.text() == "0.001"
    qtbot.waitUntil(lambda: c.worker.trainer.config.lr == 0.01, timeout=WAIT_MS)
    wait_ready_state(qtbot, window)
    trainer = c.worker.trainer
    assert trainer.config.final_lr == pytest.approx(0.001)
    rates = _rates(trainer)
    assert rates[0] == 0.01 and rates[-1] == pytest.approx(0.001)
    assert np.all(np.diff(rates) <= 0), "the rate must never rise"


def test_a_final_rate_the_user_types_is_kept_and_a_rise_is_said(qtbot, make_window):
    window = make_window(schedule="linear", lr=0.1)
    c, tc = window.controller, window.training_controls
    assert tc.final_lr.text() == "" and tc.final_lr.placeholderText() == "0"  # decays to 0
    assert np.all(np.diff(_rates(c.worker.trainer)) <= 0)
    _type(qtbot, tc.final_lr, "0.3")
    qtbot.waitUntil(lambda: c.worker.trainer.config.final_lr == 0.3, timeout=WAIT_MS)
    assert "rises from 0.1 to 0.3" in window.status.message()
    _type(qtbot, tc.lr, "0.2")  # the user's shape (x3) is kept
    assert tc.final_lr.text() == "0.6"
    qtbot.waitUntil(lambda: c.worker.trainer.config.lr == 0.2, timeout=WAIT_MS)
    assert c.worker.trainer.config.final_lr == pytest.approx(0.6)


def test_the_step_schedule_shows_step_size_and_gamma(qtbot, make_window):
    window = make_window(steps=90)
    c, tc = window.controller, window.training_controls
    tc.schedule.setCurrentText("step")
    assert _shown(window, tc.step_size) and _shown(window, tc.gamma)
    assert not _shown(window, tc.final_lr)
    assert tc.step_size.text() == "auto" and tc.gamma.text() == "0.5"
    qtbot.waitUntil(lambda: c.worker.trainer.config.schedule == "step", timeout=WAIT_MS)
    tc.step_size.setValue(10)
    _type(qtbot, tc.gamma, "0.8")
    qtbot.waitUntil(lambda: c.worker.trainer.config.gamma == 0.8, timeout=WAIT_MS)
    trainer = c.worker.trainer
    assert trainer.config.step_size == 10
    assert trainer.schedule(10) == pytest.approx(0.1 * 0.8)
    _type(qtbot, tc.gamma, "2")
    qtbot.waitUntil(lambda: "gamma" in invalid_reason(tc.gamma), timeout=WAIT_MS)
    assert not window.run_controls.train_button.isEnabled()
